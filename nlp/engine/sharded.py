"""Compare sharded on a Dask cluster: the corpus index, the candidate pairs and the alignment
run on the workers (passim's method on Spark); the client holds pair lists, never the index.

:class:`DaskPairs` is a pair engine for :func:`nlp.comparison.compare` (``pair_engine=``):

0. **prepare** (one task per block of ``reports_per_task`` consecutive reports, each block
   crossing to the cluster once): the reports prepared as in process, once per report
   (:func:`~nlp.comparison.prepare.prepare_report`; the boilerplate length's shingles built
   too). The prepared blocks stay on the cluster, without text and structure; the client gets
   its copy of each prepared report (slim: no index rows, no alignment data), so it prepares
   nothing itself;
1. **map** (one task per prepared block; through files, the prepare task itself): each
   report's distinct n-gram hashes (its shingles, for the compared and the boilerplate n-gram
   lengths) split by ``hash % partitions``, as (hash, report number) rows;
2. **reduce** (one task per hash partition): the rows of one partition from every map task
   sorted by (hash, report): each hash's document frequency and two lowest holders — the
   rows of compare's :class:`~nlp.comparison.index.ShingleIndex` for these hashes — and the
   candidate pairs of the partition: for every holder ``r`` of an n-gram held by ≥ 2 reports,
   ``(r, its lowest other holder, number of such n-grams)``; the same table gives the template
   and boilerplate document frequencies;
3. **join back** (one task per map chunk): each report's rows gathered from every partition,
   in its own n-gram order (:class:`~nlp.comparison.index.IndexView`); the views stay on the
   cluster (with ``known``, the compared length's views also come to the client, which checks
   each pair's inputs digest there);
4. **pairs reduced by key** (one task per range of ``reports_per_merge`` reports): the candidate
   pairs of all partitions summed per (report, partner) and sent to the client;
5. **finish** (one task per prepared block): the block's reports finished on a worker as in
   process with their join-back views: template by frequency and the boilerplate n-grams. Only
   each report's template codes (one byte per character) and boilerplate starts come back;
   the client finishes its copies with them. The finished blocks stay for the alignment;
6. **alignment** (:meth:`DaskPairs.plan`: one task per report block and a run of consecutive
   partner blocks, cut after ``pairs_per_task`` pairs or ``blocks_per_task`` blocks — one task
   per block pair made the client and scheduler cost grow as N², more than the alignment where
   pairs are sparse): each task depends on those prepared blocks only and aligns and snaps
   each pair (:func:`nlp.comparison.candidates.report_pairs`); a block is released from the
   cluster as soon as the last task using it is done (at once if none does).

The same functions run on the same inputs as in process, and the pairs are put back in the
in-process order (report, then partner), so compare's outputs are identical. With ``known``
(the corpus store's pairs of an earlier run) the client checks each candidate pair's inputs
digest and sends only the changed pairs to the workers.

Memory per task is bounded by the partition sizes, not the corpus: a map task holds
``reports_per_task`` reports' hashes; a reduce task holds one ``1/partitions`` share of all
(hash, report) rows (12 bytes each, per n-gram length) plus the index columns for them; a
join-back task holds its block's rows; a prepare or a finish task one block; an alignment task at most
``blocks_per_task`` prepared blocks (``blocks_per_task × reports_per_task`` reports). The
prepared blocks of the whole corpus wait in the cluster's memory until their last task is done
(about 300 kB per report of 2,400 characters, as Dask counts them: the blocks tell it their
size; before the finish, without views but with the boilerplate length's shingles, a block holds
about half that): past a worker's memory limit Dask spills them to its disk (its own policy), which costs
much CPU when the workers' own (unmanaged) memory is what crosses the limit. With ``scratch``
every stage hands the next its data through files in a directory all processes share
(:mod:`.scratch`): the report blocks, the prepared blocks, the map rows, the partition tables
and the finished blocks never wait in a worker's memory, an alignment task reads the blocks it needs through a bounded
cache, and a worker's memory stays flat in N (the disk grows as N). By default there is one hash
partition per ``reports_per_partition`` reports, so a reducer's rows do not grow with the corpus.

A worker killed mid-run costs work, not results: in the workers' memory every piece of data is
the result of a task the scheduler keeps (the prepared blocks too: made by a task from the
reports, not scattered;
the scattered setup and reference are on every worker and held until compare is done), so what the
dead worker held is computed again on another; through files a task writes under a temporary
name and renames, its file's name fixed by run and task, so a task run again rewrites the same file,
and the client deletes a file only after every task reading it is done.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..comparison.candidates import (AlignSetup, KnownPair, KnownPairs, PairCounts, drop_alignment_data, finish_report,
                                     finish_scored, ordered_pairs, report_pairs)
from ..comparison.index import IndexView
from ..comparison.passages import AlignedPair
from ..comparison.prepare import PreparedReport, prepare_report
from ..comparison.reference import ReferenceTable
from ..document import Report
from .scratch import CACHE_BYTES, ScratchRun, read_object, read_slice, read_slices, write_arrays, write_object

__all__ = ["DaskPairs"]

#: per partition, per n-gram length: (hashes uint64, report numbers int32), one row per (report, distinct hash)
Rows = list[tuple[np.ndarray, np.ndarray]]


def held_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """About how many bytes ``obj`` holds, each object counted once: numpy buffers, strings, and
    the containers and dataclasses around them (what Dask's ``sizeof`` cannot see inside our own
    objects)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes + 112
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(held_bytes(k, seen) + held_bytes(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sys.getsizeof(obj) + sum(held_bytes(x, seen) for x in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return object.__sizeof__(obj) + sum(held_bytes(getattr(obj, f.name), seen) for f in fields(obj))
    return sys.getsizeof(obj)


@dataclass
class ReportBlock:
    """Reports ``first, first + 1, …`` as the client writes them for a prepare task (through files)."""

    first: int
    reports: list[Any]


@dataclass
class PreparedReports:
    """Reports ``first, first + 1, …`` prepared on a worker (:func:`prepare_reports`), the shingles
    of every n-gram length built: what the map and the finish tasks read. Without text or structure
    (the client holds them); the content stream without its offsets back into the text."""

    first: int
    docs: list[PreparedReport]

    def __sizeof__(self) -> int:   # Dask's memory accounting (spilling, transfers) reads this
        return held_bytes(self.docs)


def prepare_reports(first: int, reports: Sequence[Report], lengths: Sequence[int],
                    slim: bool) -> tuple[PreparedReports, list[PreparedReport]]:
    """On a worker: reports ``first, …`` prepared once each (:func:`prepare_report` at ``lengths[0]``,
    the shingles of the other lengths built too); returns the block the cluster keeps and the
    client's copies: without the report (the client holds it) or the other lengths, and with
    ``slim`` without the alignment data (:func:`drop_alignment_data`)."""
    from ..comparison.textprep import ContentStream

    docs, copies = [], []
    for r in reports:
        d = prepare_report(r, lengths[0])
        copy = replace(d, report=None, other_shingles={})
        if slim:
            drop_alignment_data(copy)
        copies.append(copy)
        for n in lengths[1:]:
            d.shingles_of(n)
        docs.append(replace(d, report=_stub(r), stream=ContentStream(d.stream.chars, np.zeros(0, np.int64),
                                                                      d.stream.text_len), sentences=[]))
    return PreparedReports(first, docs), copies


def _stub(report: Report) -> Report:
    """What the workers need of a report: its identity (no text, no structure)."""
    return Report(id=report.id, source=report.source, format=report.format, text="")


def kept_block(prepared: tuple[PreparedReports, list[PreparedReport]]) -> PreparedReports:
    return prepared[0]


def client_copies(prepared: tuple[PreparedReports, list[PreparedReport]]) -> list[PreparedReport]:
    return prepared[1]


def map_rows(block: PreparedReports, ngrams: Sequence[int], partitions: int) -> list[Rows]:
    """Map side: the distinct n-gram hashes of a block's reports split by partition."""
    first = block.first
    out: list[Rows] = [[] for _ in range(partitions)]
    for n in ngrams:
        per_doc = [d.shingles_of(n).uniq for d in block.docs]
        h = np.concatenate(per_doc) if per_doc else np.zeros(0, np.uint64)
        doc = np.concatenate([np.full(len(u), first + k, dtype=np.int32) for k, u in enumerate(per_doc)]) \
            if per_doc else np.zeros(0, np.int32)
        bucket = (h % np.uint64(partitions)).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(partitions + 1))
        for p in range(partitions):
            sel = order[bounds[p]:bounds[p + 1]]
            out[p].append((h[sel], doc[sel]))
    return out


@dataclass
class PartitionTable:
    """A reduce task's result: per map chunk and n-gram length, the index rows of that chunk's rows
    (df, min1, min2, aligned with them); and the partition's candidate pairs (key r·N + p, count)."""

    rows: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]]
    pair_keys: np.ndarray
    pair_counts: np.ndarray


def reduce_partition(n_docs: int, *pieces: Rows) -> PartitionTable:
    """Reduce side: one hash partition's rows from every map chunk → index rows and candidate pairs."""
    per_chunk: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in pieces]
    keys, counts = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for g in range(len(pieces[0]) if pieces else 0):
        h = np.concatenate([pc[g][0] for pc in pieces])
        doc = np.concatenate([pc[g][1] for pc in pieces])
        order = np.lexsort((doc, h))
        sh, sd = h[order], doc[order]
        if len(sh):
            start = np.flatnonzero(np.concatenate([[True], sh[1:] != sh[:-1]]))
        else:
            start = np.zeros(0, np.int64)
        size = np.diff(np.concatenate([start, [len(sh)]]))
        min1 = sd[start]
        min2 = np.where(size >= 2, sd[np.minimum(start + 1, max(len(sd) - 1, 0))], -1).astype(np.int32)
        df_s, m1_s, m2_s = (np.repeat(x, size) for x in (size.astype(np.int32), min1, min2))
        if g == 0:  # candidate pairs of the compared n-gram length: each holder and its lowest other holder
            shared = df_s >= 2
            partner = np.where(m1_s == sd, m2_s, m1_s)[shared]
            keys, counts = np.unique(sd[shared].astype(np.int64) * n_docs + partner, return_counts=True)
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        df, m1, m2 = df_s[back], m1_s[back], m2_s[back]
        at = 0
        for c, pc in enumerate(pieces):
            k = len(pc[g][0])
            per_chunk[c].append((df[at:at + k], m1[at:at + k], m2[at:at + k]))
            at += k
    return PartitionTable(per_chunk, keys, counts.astype(np.int64))


def pick_rows(table: PartitionTable, chunk: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    return table.rows[chunk]


def chunk_views(rows: list[Rows], first: int, count: int, *looked_up: list) -> list[list[IndexView]]:
    """Join back: per n-gram length, the views of reports ``first … first + count − 1`` (each in
    its own sorted-hash order) from the rows of every partition."""
    out = []
    for g in range(len(rows[0]) if rows else 0):
        h = np.concatenate([rows[p][g][0] for p in range(len(rows))])
        doc = np.concatenate([rows[p][g][1] for p in range(len(rows))])
        df, m1, m2 = (np.concatenate([looked_up[p][g][x] for p in range(len(rows))]) for x in range(3))
        order = np.lexsort((h, doc))
        doc, df, m1, m2 = doc[order], df[order], m1[order], m2[order]
        bounds = np.searchsorted(doc, np.arange(first, first + count + 1))
        out.append([IndexView(df[a:b].astype(np.int32), m1[a:b].astype(np.int32), m2[a:b].astype(np.int32))
                    for a, b in zip(bounds[:-1], bounds[1:])])
    return out


def pair_ranges(keys: np.ndarray, n_docs: int, reports_per_merge: int) -> np.ndarray:
    """Bounds in sorted pair keys of the ranges of ``reports_per_merge`` reports (one merge task each)."""
    return np.searchsorted(keys, np.arange(0, n_docs + reports_per_merge, reports_per_merge, dtype=np.int64) * n_docs)


def pick_pairs(table: PartitionTable, n_docs: int, reports_per_merge: int, group: int) -> PartitionTable:
    """One range of reports' candidate pairs of a partition (its index rows left out)."""
    a, b = pair_ranges(table.pair_keys, n_docs, reports_per_merge)[group:group + 2]
    return PartitionTable([], table.pair_keys[a:b], table.pair_counts[a:b])


def merge_pairs(*tables: PartitionTable) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of all partitions reduced by key: (sorted keys r·N + p, shared n-grams)."""
    keys = np.concatenate([t.pair_keys for t in tables]) if tables else np.zeros(0, np.int64)
    counts = np.concatenate([t.pair_counts for t in tables]) if tables else np.zeros(0, np.int64)
    uniq, inv = np.unique(keys, return_inverse=True)
    total = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(total, inv, counts)
    return uniq, total


def _light(d: PreparedReport) -> PreparedReport:
    """What aligning needs of a finished report: no other n-gram lengths, no scored text."""
    return replace(d, scored="", other_shingles={})


@dataclass
class PreparedBlock:
    """A block of reports prepared and finished on a worker, kept there for the alignment tiles;
    ``marks``: what the client needs of each (its final template codes and boilerplate n-gram starts),
    fetched once by :func:`block_marks`."""

    docs: dict[int, tuple[PreparedReport, IndexView]]
    marks: list[tuple[np.ndarray, np.ndarray | None]]

    def __sizeof__(self) -> int:   # Dask's memory accounting (spilling, transfers) reads this
        return held_bytes((self.docs, self.marks))


def finish_block(block: PreparedReports, views: list[list[IndexView]], lengths: Sequence[int],
                 setup: AlignSetup, reference: ReferenceTable | None) -> PreparedBlock:
    """On a worker: one block of prepared reports finished as in process (each report's own copy of
    its template mask: the block is left as it was); ``views``: the block's join-back result, one
    list per n-gram length of ``lengths``."""
    from ..comparison.report_measures import boilerplate_counted, boilerplate_starts
    from ..comparison.template import TemplateMask

    cfg = setup.config
    compared, boiler = views[lengths.index(cfg.ngram)], views[lengths.index(cfg.boilerplate_ngram)]
    counted = boilerplate_counted(setup.n_docs, cfg, reference)
    docs, marks = {}, []
    for k, (prepared, view) in enumerate(zip(block.docs, compared), block.first):
        d = replace(prepared, template=TemplateMask(prepared.template.reasons.copy()))
        finish_report(d, view, setup)
        starts = boilerplate_starts(d, boiler[k - block.first], cfg, setup.n_docs, reference) if counted else None
        # int32 positions on the wire, int64 again on the client: the same values
        marks.append((d.template.reasons, starts.astype(np.int32) if starts is not None else None))
        docs[k] = (_light(d), view)
    return PreparedBlock(docs, marks)


def block_marks(block: PreparedBlock) -> list[tuple[np.ndarray, np.ndarray | None]]:
    return block.marks


#: an alignment task's result: the (report, partner) pairs aligned (int64, two columns), how many
#: spans each gave, and the spans (a, a_start, a_end, b, b_start, b_end, matched: int64) with
#: their identity (float64), in that order: arrays cross the network far cheaper than objects
AlignedBlock = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def align_tile(keys: np.ndarray, n_docs: int, setup: AlignSetup, *blocks: PreparedBlock) -> AlignedBlock:
    """On a worker: align and snap the pairs of one task (``keys``: r·N + p, sorted, its report
    block's pairs with the partner blocks it needs)."""
    docs = {k: d for block in blocks for k, (d, _) in block.docs.items()}
    views = {k: v for block in blocks for k, (_, v) in block.docs.items()}
    reports, partners = np.divmod(np.asarray(keys, np.int64), n_docs)
    cuts = np.flatnonzero(np.diff(reports)) + 1
    done: list[tuple[int, int]] = []
    counts: list[int] = []
    spans: list[tuple[int, int, int, int, int, int, int]] = []
    identity: list[float] = []
    for rs, ps in zip(np.split(reports, cuts), np.split(partners, cuts)):
        r = int(rs[0])
        for p, pairs in report_pairs(r, docs, views[r], setup.config, set(ps.tolist())):
            done.append((r, p))
            counts.append(len(pairs))
            spans += [(x.a, x.a_start, x.a_end, x.b, x.b_start, x.b_end, x.matched) for x in pairs]
            identity += [x.identity for x in pairs]
    return (np.asarray(done, np.int64).reshape(-1, 2), np.asarray(counts, np.int64),
            np.asarray(spans, np.int64).reshape(-1, 7), np.asarray(identity, np.float64))


def aligned_block_pairs(result: AlignedBlock) -> list[tuple[int, int, list[AlignedPair]]]:
    """The pairs of an :func:`align_tile` result: (report, partner, its aligned pairs) each."""
    done, counts, spans, identity = result
    rows, ids = spans.tolist(), identity.tolist()
    out, k = [], 0
    for (r, p), c in zip(done.tolist(), counts.tolist()):
        out.append((r, p, [AlignedPair(*rows[j], ids[j]) for j in range(k, k + c)]))
        k += c
    return out


def _map_slices(path: str, partitions: Sequence[int], lengths: int) -> list[Rows]:
    """Some partitions' rows of one map file: per partition, per n-gram length (hashes, report numbers)."""
    return [[(arrays[2 * g], arrays[2 * g + 1]) for g in range(lengths)]
            for arrays in read_slices(path, partitions, 2 * lengths, [np.uint64, np.int32] * lengths)]


def prepare_to_file(run: ScratchRun, chunk: int, lengths: Sequence[int], partitions: int,
                    slim: bool) -> list[PreparedReport]:
    """:func:`prepare_reports` and :func:`map_rows` of a report block read from ``run``'s files: the
    prepared block and its rows (one group of arrays per partition) written there; returns the
    client's copies."""
    block = read_object(run.path("reports", chunk))
    kept, copies = prepare_reports(block.first, block.reports, lengths, slim)
    rows = map_rows(kept, lengths, partitions)
    write_arrays(run.path("rows", chunk), [[a for pair in rows[p] for a in pair] for p in range(partitions)])
    write_object(run.path("docs", chunk), kept)
    return copies


def reduce_to_file(run: ScratchRun, partition: int, chunks: int, lengths: int, n_docs: int,
                   reports_per_merge: int) -> int:
    """:func:`reduce_partition` of one partition's slices of every map file; its index rows written
    per report block, its candidate pairs to a file of their own, grouped by ranges of
    ``reports_per_merge`` reports (one group per merge task); returns the number of pairs."""
    table = reduce_partition(n_docs, *[_map_slices(run.path("rows", c), [partition], lengths)[0] for c in range(chunks)])
    write_arrays(run.path("table", partition), [[a for triple in table.rows[c] for a in triple] for c in range(chunks)])
    keys, counts = table.pair_keys, table.pair_counts   # sorted by key, so by report
    bounds = pair_ranges(keys, n_docs, reports_per_merge)
    write_arrays(run.path("pairs", partition), [[keys[a:b], counts[a:b]] for a, b in zip(bounds[:-1], bounds[1:])])
    return len(keys)


def merge_pairs_from_files(run: ScratchRun, partitions: int, group: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`merge_pairs` of one range of reports over the reducers' pair files (the candidate
    pairs of all partitions would not fit one worker: a report's pair comes from many partitions)."""
    tables = [PartitionTable([], *read_slice(run.path("pairs", p), group, 2, [np.int64, np.int64]))
              for p in range(partitions)]
    return merge_pairs(*tables)


def finish_from_files(run: ScratchRun, chunk: int, partitions: int, lengths: Sequence[int], setup: AlignSetup,
                      reference: ReferenceTable | None, with_views: bool
                      ) -> tuple[list[tuple[np.ndarray, np.ndarray | None]], list[IndexView] | None, int]:
    """Join back and :func:`finish_block` for one prepared block, its inputs read from ``run``'s
    files, the finished block written there; returns its marks (and, with ``with_views``, the
    compared length's views, which the client needs to check known pairs) and the file's size."""
    block = read_object(run.path("docs", chunk))
    g = len(lengths)
    rows = _map_slices(run.path("rows", chunk), range(partitions), g)
    looked_up = []
    for p in range(partitions):
        arrays = read_slice(run.path("table", p), chunk, 3 * g, [np.int32] * (3 * g))
        looked_up.append([tuple(arrays[3 * k:3 * k + 3]) for k in range(g)])
    views = chunk_views(rows, block.first, len(block.docs), *looked_up)
    finished = finish_block(block, views, lengths, setup, reference)
    written = write_object(run.path("prepared", chunk), finished.docs)
    return finished.marks, (views[list(lengths).index(setup.config.ngram)] if with_views else None), written


def align_from_files(keys: np.ndarray, n_docs: int, setup: AlignSetup, cache_bytes: int | None,
                     *paths: str) -> AlignedBlock:
    """:func:`align_tile` over prepared blocks read from files (through this process's cache of
    ``cache_bytes``)."""
    blocks = [PreparedBlock(read_object(p, cached=True, cache_bytes=cache_bytes), []) for p in paths]
    return align_tile(keys, n_docs, setup, *blocks)


@dataclass
class DaskPairs:
    """Compare's pair engine on a Dask cluster (``client``: a ``distributed.Client``)."""

    client: Any
    #: hash partitions of the shuffle; None: one per ``reports_per_partition`` reports (rows per reducer flat in N)
    partitions: int | None = None
    reports_per_partition: int = 128
    reports_per_task: int = 32
    #: an alignment task grows over a report block's partner blocks until it holds this many pairs ...
    pairs_per_task: int = 2000
    #: ... or would need more than this many blocks (its own included): the prepared reports one task touches
    blocks_per_task: int = 8
    #: the candidate pairs are reduced by key in ranges of this many reports (one task each)
    reports_per_merge: int = 256
    retries: int = 2
    #: a directory the client and every worker can read and write (a shared file system on a
    #: cluster): the stages hand each other their data through files there (:mod:`.scratch`),
    #: so a worker's memory stays flat in N; None: in the workers' memory (Dask's)
    scratch: str | None = None
    #: with ``scratch``: MB of prepared blocks (pickled) an alignment process keeps between tasks
    #: (None: :data:`.scratch.CACHE_BYTES`); a worker's memory is about this plus one task's inputs
    scratch_cache_mb: float | None = None
    #: pairs aligned in an earlier run, by report ids (see ``nlp.comparison.candidates.LocalPairs``)
    known: Mapping[tuple[str, str], KnownPair] | None = None
    counts: PairCounts = field(default_factory=PairCounts)
    results: dict[tuple[str, str], KnownPair] = field(default_factory=dict)
    #: candidate pairs of the last index: sorted keys r·N + p and their shared n-gram counts
    candidates: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (np.zeros(0, np.int64),) * 2)
    _blocks: list[Any] = field(default_factory=list, repr=False)    # PreparedReports futures (or block numbers)
    _views: list[Any] = field(default_factory=list, repr=False)     # their join-back futures
    _prepared: list[Any] = field(default_factory=list, repr=False)  # their PreparedBlock futures (or block numbers)
    _inputs: list[Any] = field(default_factory=list, repr=False)    # the scattered setup and reference they read
    _run: ScratchRun | None = field(default=None, repr=False)       # with ``scratch``: this compare's files
    _partitions: int = field(default=0, repr=False)
    _n_reports: int = field(default=0, repr=False)
    _block_bytes: list[int] = field(default_factory=list, repr=False)  # with ``scratch``: each prepared block's file
    _lengths: list[int] = field(default_factory=list, repr=False)
    _client_views: list[IndexView] = field(default_factory=list, repr=False)  # with ``known`` only

    def _submit(self, fn: Callable, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False, retries=self.retries)

    def prepare(self, reports: Sequence[Report], ngrams: Sequence[int],
                progress: Callable[[int, int], None]) -> list[PreparedReport]:
        """Each block of reports crosses to the cluster once and is prepared there, once per report
        (:func:`prepare_reports`; through files, its map rows are written by the same task): the
        prepared blocks stay for the map, the finish and the alignment; the client gets its copies,
        and without ``known`` these keep only what the later stages read (as
        :func:`~nlp.comparison.candidates.drop_alignment_data`: the client never aligns nor reads
        index rows)."""
        self.release()
        N, size = len(reports), self.reports_per_task
        self._lengths, self._client_views, self._n_reports = list(dict.fromkeys(ngrams)), [], N
        self._partitions = self.partitions or max(1, -(-N // self.reports_per_partition))
        if N == 0:
            return []
        starts, slim = list(range(0, N, size)), self.known is None
        made: list[Any] = []
        if self.scratch is not None:
            run = self._run = ScratchRun.create(str(self.scratch))
            for c, s in enumerate(starts):
                write_object(run.path("reports", c), ReportBlock(s, list(reports[s:s + size])))
            self._blocks = list(range(len(starts)))
            futures = [self._submit(prepare_to_file, run, c, self._lengths, self._partitions, slim)
                       for c in self._blocks]
        else:
            # a task that makes each block, not scattered data: the scheduler keeps the task, so a
            # block lost with a killed worker is made again (scattered data would be lost for good)
            made = [self._submit(prepare_reports, s, list(reports[s:s + size]), self._lengths, slim) for s in starts]
            self._blocks = [self._submit(kept_block, m) for m in made]
            futures = [self._submit(client_copies, m) for m in made]
        docs: list[PreparedReport] = []
        for c, future in enumerate(futures):
            docs += future.result()
            future.release()
            if self._run is not None:
                self._run.remove("reports", c)
            progress(len(docs), N)
        for m in made:
            m.release()
        for d, r in zip(docs, reports):
            d.report = r
        return docs

    def index(self, docs: Sequence[PreparedReport], ngrams: Sequence[int]) -> None:
        """Map, shuffle, reduce and join back on the cluster, from the blocks :meth:`prepare` left
        there; the views stay there (with ``known``, the compared length's views come to the
        client too, for the pairs' inputs digests)."""
        lengths = list(dict.fromkeys(ngrams))
        N, size = len(docs), self.reports_per_task
        if lengths != self._lengths or N != self._n_reports:
            raise ValueError("DaskPairs.index: prepare these reports at these n-gram lengths first")
        if N == 0:
            self.candidates = (np.zeros(0, np.int64), np.zeros(0, np.int64))
            return
        starts, parts = list(range(0, N, size)), self._partitions
        if self._run is not None:
            self._index_in_files(N)
            return
        maps = [self._submit(map_rows, block, lengths, parts) for block in self._blocks]
        picked = [[self._submit(_pick, m, p) for m in maps] for p in range(parts)]
        tables = [self._submit(reduce_partition, N, *picked[p]) for p in range(parts)]
        self._views = [self._submit(chunk_views, maps[c], s, min(size, N - s),
                                    *[self._submit(pick_rows, t, c) for t in tables])
                       for c, s in enumerate(starts)]
        # candidate pairs reduced by key in ranges of reports (all of them would not fit one worker)
        ranges = [[self._submit(pick_pairs, t, N, self.reports_per_merge, g) for t in tables]
                  for g in range(-(-N // self.reports_per_merge))]
        merges = [self._submit(merge_pairs, *picks) for picks in ranges]
        merged = self.client.gather(merges)
        self.candidates = (np.concatenate([k for k, _ in merged]), np.concatenate([c for _, c in merged]))
        if self.known is not None:
            at = lengths.index(docs[0].ngram)
            for future in self._views:
                self._client_views.extend(future.result()[at])
        for f in [*maps, *tables, *merges, *(x for row in [*picked, *ranges] for x in row)]:
            f.release()

    def _index_in_files(self, N: int) -> None:
        """:meth:`index` through files in :attr:`scratch`: the map rows already written by the prepare
        tasks, reduce tasks writing theirs, the client waiting for each stage (only counts come back)."""
        run, parts = self._run, self._partitions
        assert run is not None
        self.client.gather([self._submit(reduce_to_file, run, p, len(self._blocks), len(self._lengths), N,
                                         self.reports_per_merge) for p in range(parts)])
        # ranges of reports in key order: their reduced pairs concatenated are sorted by key
        merged = self.client.gather([self._submit(merge_pairs_from_files, run, parts, g)
                                     for g in range(-(-N // self.reports_per_merge))])
        self.candidates = (np.concatenate([k for k, _ in merged]), np.concatenate([c for _, c in merged]))
        for p in range(parts):
            run.remove("pairs", p)

    def _take_marks(self, docs: Sequence[PreparedReport], at: int, marks: list[tuple[np.ndarray, np.ndarray | None]],
                    boiler: list[np.ndarray] | None) -> list[np.ndarray] | None:
        """The client's reports ``at, at + 1, …`` finished with one block's marks; returns ``boiler``
        with their boilerplate starts (None once a block has none)."""
        for k, (reasons, starts) in enumerate(marks, at):
            d = docs[k]
            d.template.reasons = reasons
            finish_scored(d)
            if self.known is None:
                d.scored_before = None
            if starts is None:
                boiler = None
            elif boiler is not None:
                boiler.append(starts.astype(np.int64))
        return boiler

    def finish_reports(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                       reference: ReferenceTable | None) -> list[np.ndarray] | None:
        """Each block prepared and finished on a worker (kept there for the alignment); the client
        gets each report's template codes and boilerplate starts, and finishes its own copy with them."""
        if not docs:
            return boilerplate_positions_empty(setup, reference)
        shared = self.client.scatter(setup, broadcast=True, hash=False)
        ref = self.client.scatter(reference, broadcast=True, hash=False) if reference is not None else None
        # held until the prepared blocks are gone: a block lost with a killed worker is prepared again from them
        self._inputs = [shared, *([ref] if ref is not None else [])]
        boiler: list[np.ndarray] | None = []
        size = self.reports_per_task
        if self._run is not None:
            run = self._run
            futures = [self._submit(finish_from_files, run, c, self._partitions, self._lengths, shared, ref,
                                    self.known is not None) for c in self._blocks]
            for c, future in enumerate(futures):
                marks, views, written = future.result()
                self._block_bytes.append(written)
                boiler = self._take_marks(docs, c * size, marks, boiler)
                self._client_views.extend(views or [])
                future.release()
                run.remove("docs", c)   # the prepared block and its rows: read by this finish task last
                run.remove("rows", c)
            self._prepared = list(self._blocks)
            for p in range(self._partitions):
                run.remove("table", p)
            self._blocks = []
            return boiler
        self._prepared = [self._submit(finish_block, block, views, self._lengths, shared, ref)
                          for block, views in zip(self._blocks, self._views)]
        marks = [self._submit(block_marks, b) for b in self._prepared]
        for c, future in enumerate(marks):
            boiler = self._take_marks(docs, c * size, future.result(), boiler)
            future.release()
        # every block is prepared (scattered data must outlive the tasks reading it): the prepared
        # blocks now hold what the alignment needs
        for f in [*self._views, *self._blocks]:
            f.release()
        self._views, self._blocks = [], []
        return boiler

    def release(self) -> None:
        """Drop the report blocks, views and prepared blocks the last index left on the cluster (or
        in its scratch files)."""
        if self._run is not None:
            self._run.close()
            self._run = None
        else:
            for f in [*self._blocks, *self._views, *self._prepared]:
                f.release()
        for f in self._inputs:
            f.release()
        self._blocks, self._views, self._prepared, self._block_bytes, self._inputs = [], [], [], [], []

    def _drop_prepared(self, block: Any) -> None:
        """A prepared block no alignment task still needs leaves the cluster (or the scratch files)."""
        if self._run is not None:
            self._run.remove("prepared", block)
        else:
            block.release()

    def plan(self, n_docs: int, keys: Sequence[int] | None = None,
             square: int | None = None) -> list[tuple[tuple[int, ...], list[tuple[int, list[int]]]]]:
        """The candidate pairs as alignment tasks over blocks of ``reports_per_task`` consecutive
        report numbers: each task as (the blocks it needs, its work by report then partner), in
        block order. One report block's pairs with consecutive partner blocks make one task, cut
        after ``pairs_per_task`` pairs or when it would need more than ``blocks_per_task`` blocks
        (a task per block pair cost the client and scheduler more than the alignment when pairs
        are sparse).

        ``square``: the grid of (report block, partner block) is taken in squares of this many
        blocks a side (a task never crosses a square's edge), square after square: consecutive
        tasks then need the same ``2 × square`` blocks, which a worker reading them from files
        keeps in its cache (row after row, every report block would need every partner block
        again, and a cache smaller than the corpus would hit nothing). (In the workers' memory
        the order does not lower what a worker with a small memory limit spills: its unmanaged
        memory keeps it above Dask's spill threshold whatever the order.)"""
        size = self.reports_per_task
        tiles: dict[tuple[int, int], list[tuple[int, list[int]]]] = {}
        for key in (self.candidates[0].tolist() if keys is None else keys):
            r, p = divmod(key, n_docs)
            work = tiles.setdefault((r // size, p // size), [])
            if work and work[-1][0] == r:
                work[-1][1].append(p)
            else:
                work.append((r, [p]))
        tasks: list[tuple[tuple[int, ...], list[tuple[int, list[int]]]]] = []
        group: list[tuple[int, int]] = []

        def close() -> None:
            merged: dict[int, list[int]] = {}
            for tile in group:
                for r, partners in tiles[tile]:
                    merged.setdefault(r, []).extend(partners)
            needed = tuple(sorted({group[0][0], *(pb for _, pb in group)}))
            tasks.append((needed, sorted((r, sorted(ps)) for r, ps in merged.items())))
            group.clear()

        pairs = 0
        side = square or max(1, -(-n_docs // size))

        def in_squares(tile: tuple[int, int]) -> tuple[int, int, int, int]:
            return tile[0] // side, tile[1] // side, tile[0], tile[1]

        for tile in sorted(tiles, key=in_squares):
            if group and (tile[0] != group[0][0] or pairs >= self.pairs_per_task
                          or len(group) + 1 >= self.blocks_per_task or tile[1] // side != group[0][1] // side):
                close()
                pairs = 0
            group.append(tile)
            pairs += sum(len(ps) for _, ps in tiles[tile])
        if group:
            close()
        return tasks

    def _square(self) -> int | None:
        """With ``scratch``: the side of the plan's squares whose ``2 × side`` prepared blocks fit
        an alignment process's cache (two to spare); None (row after row) in the workers' memory."""
        if self._run is None or not self._block_bytes:
            return None
        cache = CACHE_BYTES if self.scratch_cache_mb is None else self.scratch_cache_mb * 2**20
        return max(1, (int(cache / max(1.0, float(np.mean(self._block_bytes)))) - 2) // 2)

    def aligned_pairs(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                      progress: Callable[[int, int], None]) -> list[AlignedPair]:
        from distributed import as_completed

        N = len(docs)
        found: dict[tuple[int, int], list[AlignedPair]] = {}
        keys = None
        reuse = KnownPairs(self.known, docs, setup.config, self.counts, self.results) if self.known is not None else None
        if reuse is not None:  # on the client: only the pairs whose inputs digest changed go to the workers
            keys = []
            cand = self.candidates[0]
            for r in np.unique(cand // N).tolist():
                todo = reuse.split(r, self._client_views[r], found)
                keys += [k for k in cand[(cand // N) == r].tolist() if k % N in todo]
            self._client_views = []
        tasks = self.plan(N, keys, self._square())
        uses: Counter[int] = Counter(b for needed, _ in tasks for b in needed)
        for b, block in enumerate(self._prepared):   # blocks no tile needs leave the cluster now
            if uses[b] == 0:
                self._drop_prepared(block)
        blocks = {b: self._prepared[b] for b in sorted(uses)}
        self._prepared = []
        if not tasks:
            self.release()
            return ordered_pairs(found)
        shared_setup = self.client.scatter(setup, broadcast=True, hash=False)
        run = self._run
        if run is None:
            align, inputs, extra = align_tile, blocks, ()
        else:
            cache = None if self.scratch_cache_mb is None else int(self.scratch_cache_mb * 2**20)
            align, inputs, extra = align_from_files, {b: run.path("prepared", b) for b in blocks}, (cache,)
        tiles = {self._submit(align, np.asarray([r * N + p for r, ps in work for p in ps], np.int64), N,
                              shared_setup, *extra, *[inputs[b] for b in needed]): needed
                 for needed, work in tasks}
        for done, future in enumerate(as_completed(list(tiles)), 1):
            for r, p, pairs in aligned_block_pairs(future.result()):
                found[(r, p)] = pairs
                if reuse is not None:
                    reuse.record(r, p, pairs)
                self.counts.computed += 1
            for b in tiles.pop(future):  # a block no tile still needs leaves the cluster's memory
                uses[b] -= 1
                if uses[b] == 0:
                    self._drop_prepared(blocks.pop(b))
            future.release()
            progress(done, len(tasks))
        self.release()
        return ordered_pairs(found)


def boilerplate_positions_empty(setup: AlignSetup, reference: ReferenceTable | None) -> list[np.ndarray] | None:
    """No reports: what :func:`~nlp.comparison.report_measures.boilerplate_positions` gives for none."""
    from ..comparison.report_measures import boilerplate_counted

    return [] if boilerplate_counted(0, setup.config, reference) else None


def _pick(rows: list[Rows], partition: int) -> Rows:
    return rows[partition]
