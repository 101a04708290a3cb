"""Candidate pairs and their alignment, wherever they run.

Compare needs two things of the corpus as a whole: each report's rows of the n-gram index
(:class:`~nlp.comparison.index.IndexView`: document frequency and the two lowest holders of
each of its n-grams) and the aligned span pairs between each report and its partners. A
*pair engine* supplies both:

- :class:`LocalPairs` (the default): one :class:`~nlp.comparison.index.ShingleIndex` in this
  process, every report aligned here;
- ``nlp.engine.sharded.DaskPairs``: the n-grams shuffled into hash partitions on a Dask
  cluster, candidate pairs emitted per partition, alignment on the workers.

Both call the same per-report functions (:func:`finish_report`, :func:`report_pairs`) on
the same inputs, so they give the same pairs in the same order (report, then partner,
ascending): compare's outputs are identical whichever engine ran.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Container, Mapping, Protocol, Sequence

import numpy as np

from .index import DocShingles, IndexView, ShingleIndex
from .passages import AlignedPair, align_report, pair_seeds, partner_reach, report_seeds, window_ok
from ..document import Report
from .prepare import PreparedReport, prepare_report
from .records import CompareConfig
from .reference import ReferenceTable
from .report_measures import boilerplate_positions, doc_share
from .reuse import snap_pairs
from .template import mark_frequent

@dataclass(frozen=True)
class AlignSetup:
    """What finishing a report's template mask and aligning it needs besides the report itself."""

    config: CompareConfig
    n_docs: int                              # reports compared (the corpus, not one partition)
    reference: ReferenceTable | None = None  # pooled for template text (holding the compared n-gram length)

    @property
    def frequent(self) -> bool:
        """Enough documents counted for frequency-based template text."""
        return self.n_docs + (self.reference.n_docs if self.reference else 0) >= self.config.template_min_docs


def finish_report(d: PreparedReport, view: IndexView, setup: AlignSetup) -> None:
    """Mask the n-grams most documents print (template by frequency) and set the windows free of
    template (``ok``), the scored text and the scored-character counts of one prepared report."""
    mark_template(d, view, setup)
    finish_scored(d)


def mark_template(d: PreparedReport, view: IndexView, setup: AlignSetup) -> None:
    """Mask the n-grams most documents print (template by frequency): the part of
    :func:`finish_report` that needs the corpus index (``view``)."""
    n, ref = setup.config.ngram, setup.reference
    if setup.frequent and len(d.shingles.hashes):
        batch_df = view.df[d.shingles.inverse]
        share = doc_share(batch_df, d.shingles.hashes, n, setup.n_docs, ref)
        pooled = batch_df + (ref.df(n, d.shingles.hashes) if ref is not None else 0)
        mark_frequent(d.template, (share >= setup.config.template_df) & (pooled >= 2), n)


def finish_scored(d: PreparedReport) -> None:
    """The windows free of template (``ok``), the scored text and the scored-character counts of a
    report whose template mask is final: the part of :func:`finish_report` that needs the report only."""
    n = d.ngram
    d.ok = window_ok(d.template.mask, n)
    d.scored = "".join(c for c, t in zip(d.stream.chars, d.template.template) if not t)
    d.scored_before = np.concatenate([[0], np.cumsum(~d.template.mask)]).astype(np.int64)


def drop_alignment_data(d: PreparedReport) -> None:
    """Free what only the index views, the alignment and the boilerplate n-grams needed of a prepared
    report (the later stages read its positional hashes, never its distinct-hash tables): the
    client keeps less per report."""
    d.scored_before = None
    d.clause_starts = np.zeros(0, np.int64)
    d.other_shingles.clear()
    empty = np.zeros(0, np.int64)
    d.shingles = DocShingles(d.shingles.hashes, empty.astype(np.uint64), empty, empty.astype(np.int32),
                             empty.astype(np.int32))


def report_pairs(r: int, docs: Mapping[int, PreparedReport], view: IndexView, config: CompareConfig,
                 partners: Container[int] | None = None) -> list[tuple[int, list[AlignedPair]]]:
    """Report ``r``'s aligned pairs with each partner (ascending), snapped to sentence bounds."""
    cfg = config
    raw = align_report(r, docs, view, cfg.ngram, cfg.min_chars, cfg.max_gap, cfg.max_shift, cfg.min_identity,
                       bridge=cfg.template_bridge, partners=partners)
    return [(p, snap_pairs(docs, pairs, cfg)) for p, pairs in raw]


class PairEngine(Protocol):
    """Where compare's corpus-wide work runs (see the module docstring). Compare calls, in order:
    :meth:`prepare`, :meth:`index`, :meth:`finish_reports`, :meth:`aligned_pairs`."""

    def prepare(self, reports: Sequence[Report], ngrams: Sequence[int],
                progress: Callable[[int, int], None]) -> list[PreparedReport]:
        """Every report prepared (:func:`~nlp.comparison.prepare.prepare_report` at ``ngrams[0]``,
        the compared length; the others are those :meth:`index` will be given), in order: what the
        client keeps of each (the engine may keep the rest where it runs)."""

    def index(self, docs: Sequence[PreparedReport], ngrams: Sequence[int]) -> None:
        """Build the corpus index of each n-gram length (every report's rows, wherever they are kept)."""

    def finish_reports(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                       reference: ReferenceTable | None) -> list[np.ndarray] | None:
        """Every report finished (:func:`finish_report`); returns the boilerplate n-gram starts of
        each (:func:`~nlp.comparison.report_measures.boilerplate_positions`; ``reference``: the
        caller's table, whichever n-gram lengths it holds)."""

    def aligned_pairs(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                      progress: Callable[[int, int], None]) -> list[AlignedPair]:
        """Every report's snapped aligned pairs, by report then partner (``docs`` finished)."""


@dataclass
class PairCounts:
    """How many report pairs were aligned here and how many were taken from earlier results."""

    computed: int = 0
    reused: int = 0


#: a pair's result as kept between runs: (digest of its inputs, spans (a_start, a_end, b_start, b_end, matched, identity))
KnownPair = tuple[str, list[tuple[int, int, int, int, int, float]]]


def report_digest(d: PreparedReport) -> bytes:
    """What aligning a report depends on of itself besides its template mask: its content stream."""
    import hashlib

    return hashlib.sha1(d.stream.chars.encode("utf-8")).digest()


def _mask_bits(d: PreparedReport, lo: int, hi: int) -> bytes:
    return np.packbits(d.template.mask[max(0, lo):max(0, hi)]).tobytes()


def partner_digests(r: int, docs: Sequence[PreparedReport], view: IndexView, config: CompareConfig,
                    digests: Sequence[bytes]) -> dict[int, str]:
    """Per partner ``p`` of report ``r``: a digest of everything the pair's aligned (and snapped)
    spans depend on — both reports' content, the seeds (positions in both) and, around the seeds
    as far as a passage end can move (``snap_reach``), both template masks; and the configuration.
    Equal digest, equal result: a template change elsewhere in either report, or a new report
    holding none of the seeds' n-grams, leaves the pair as it was."""
    import hashlib

    from .reuse import SNAP_FUZZ

    seeds = report_seeds(r, docs[r], view)
    if seeds is None:
        return {}
    vp, hv, partner = seeds
    n = config.ngram
    reach = config.snap_reach + SNAP_FUZZ + 1
    scored_before = docs[r].scored_before if config.template_bridge > 0 else None
    head = repr(config).encode() + digests[r]
    out = {}
    for p, first, last in partner_reach(vp, partner):
        if p == r:
            continue
        i, j = pair_seeds(vp, hv, first, last, docs[p], 2 * n + config.max_gap, scored_before)
        h = hashlib.sha1(head + digests[p] + i.astype(np.int64).tobytes() + b"|" + j.astype(np.int64).tobytes())
        if len(i):
            h.update(_mask_bits(docs[r], int(i.min()) - reach, int(i.max()) + n + reach))
            h.update(b"|" + _mask_bits(docs[p], int(j.min()) - reach, int(j.max()) + n + reach))
        out[p] = h.hexdigest()
    return out


def _detached(report: Report, n: int) -> PreparedReport:
    """A report prepared without the report itself (the caller holds it: not sent back from a fork)."""
    d = prepare_report(report, n)
    d.report = None   # type: ignore[assignment]
    return d


@dataclass
class LocalPairs:
    """The in-process engine: one shingle index, every report aligned in this process.

    ``known``: pairs aligned in an earlier run, by (report id, partner id) (the corpus
    store's incremental compare): a pair whose inputs digest (:func:`partner_digests`) is
    unchanged is taken from there, the others are aligned. With ``known`` given, ``results``
    holds every pair of this run the same way, for the next run; ``counts`` says how many
    pairs were aligned and how many reused."""

    known: Mapping[tuple[str, str], KnownPair] | None = None
    #: processes aligning the reports: the others are forked from this one (they see the prepared
    #: reports without copying them), each taking the next report not yet taken; 1: this process alone.
    #: The result is the same; with ``known`` the pairs are aligned here.
    workers: int = 1
    counts: PairCounts = field(default_factory=PairCounts)
    results: dict[tuple[str, str], KnownPair] = field(default_factory=dict)
    _views: dict[int, list[IndexView]] = field(default_factory=dict, repr=False)

    def prepare(self, reports: Sequence[Report], ngrams: Sequence[int],
                progress: Callable[[int, int], None]) -> list[PreparedReport]:
        """With several :attr:`workers` the reports are prepared on forks (:func:`..forked.map_on_forks`:
        each process takes the next report); the prepared data comes back without the report, which
        this process already holds."""
        from ..forked import map_on_forks

        docs = map_on_forks(partial(_detached, n=ngrams[0]), reports, self.workers, progress)
        for d, r in zip(docs, reports):
            d.report = r
        return docs

    def index(self, docs: Sequence[PreparedReport], ngrams: Sequence[int]) -> None:
        self._views = {}
        for n in dict.fromkeys(ngrams):
            shingles = [d.shingles_of(n) for d in docs]
            index = ShingleIndex.build(shingles)
            self._views[n] = [index.view(sh) for sh in shingles]

    def finish_reports(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                       reference: ReferenceTable | None) -> list[np.ndarray] | None:
        cfg = setup.config
        for d, view in zip(docs, self._views[cfg.ngram]):
            finish_report(d, view, setup)
        boiler = boilerplate_positions(docs, self._views[cfg.boilerplate_ngram], cfg, reference)
        self._views = {cfg.ngram: self._views[cfg.ngram]}   # the boilerplate rows are done with
        return boiler

    def aligned_pairs(self, docs: Sequence[PreparedReport], setup: AlignSetup,
                      progress: Callable[[int, int], None]) -> list[AlignedPair]:
        views, self._views = self._views[setup.config.ngram], {}
        if self.workers > 1 and self.known is None and hasattr(os, "fork") and len(docs) > self.workers:
            return ordered_pairs(self._aligned_on_forks(docs, views, setup, progress))
        found: dict[tuple[int, int], list[AlignedPair]] = {}
        reuse = KnownPairs(self.known, docs, setup.config, self.counts, self.results) if self.known is not None else None
        for r in range(len(docs)):
            progress(r + 1, len(docs))
            todo = reuse.split(r, views[r], found) if reuse is not None else None
            if todo is not None and not todo:
                continue
            for p, pairs in report_pairs(r, docs, views[r], setup.config, todo):
                found[(r, p)] = pairs
                if reuse is not None:
                    reuse.record(r, p, pairs)
                self.counts.computed += 1
        return ordered_pairs(found)

    def _aligned_on_forks(self, docs: Sequence[PreparedReport], views: Sequence[IndexView], setup: AlignSetup,
                          progress: Callable[[int, int], None]) -> dict[tuple[int, int], list[AlignedPair]]:
        """Every report's pairs, the reports shared out over ``workers`` processes (:func:`..forked.map_on_forks`)."""
        from ..forked import map_on_forks

        per_report = map_on_forks(lambda r: list(report_pairs(r, docs, views[r], setup.config)), range(len(docs)),
                                  self.workers, progress)
        found = {(r, p): pairs for r, got in enumerate(per_report) for p, pairs in got}
        self.counts.computed += len(found)
        return found


class KnownPairs:
    """Pairs aligned in an earlier run (by report ids, with their inputs digests): which to reuse,
    which to align again; every pair of this run recorded in ``results`` for the next."""

    def __init__(self, known: Mapping[tuple[str, str], KnownPair], docs: Sequence[PreparedReport],
                 config: CompareConfig, counts: PairCounts, results: dict[tuple[str, str], KnownPair]):
        self.known, self.docs, self.config, self.counts, self.results = known, docs, config, counts, results
        self.digests = [report_digest(d) for d in docs]
        self.keys: dict[tuple[int, int], str] = {}

    def split(self, r: int, view: IndexView, found: dict[tuple[int, int], list[AlignedPair]]) -> set[int]:
        """Put report ``r``'s reusable pairs into ``found``; returns the partners to align again."""
        docs, rid = self.docs, self.docs[r].report.id
        todo: set[int] = set()
        for p, key in partner_digests(r, docs, view, self.config, self.digests).items():
            self.keys[(r, p)] = key
            hit = self.known.get((rid, docs[p].report.id))
            if hit is not None and hit[0] == key:
                found[(r, p)] = [AlignedPair(r, a0, a1, p, b0, b1, m, i) for a0, a1, b0, b1, m, i in hit[1]]
                self.results[(rid, docs[p].report.id)] = hit
                self.counts.reused += 1
            else:
                todo.add(p)
        return todo

    def record(self, r: int, p: int, pairs: list[AlignedPair]) -> None:
        self.results[(self.docs[r].report.id, self.docs[p].report.id)] = (
            self.keys[(r, p)], [(x.a_start, x.a_end, x.b_start, x.b_end, x.matched, x.identity) for x in pairs])


def ordered_pairs(found: Mapping[tuple[int, int], list[AlignedPair]]) -> list[AlignedPair]:
    """The pairs of every (report, partner) in the in-process order: by report, then partner."""
    return [p for key in sorted(found) for p in found[key]]
