"""``compare(reports)``: reused passages, template masking, per-report and pair measures.

Pipeline (see the package docstring for the measures' definitions):

1. content streams (whitespace-free, NFKC-folded, offsets back into ``Report.text``), sentence
   and clause bounds, template/formula masks from the format's vocabulary (``prepare``);
2. floating character n-gram shingles, one corpus index (document frequency), pooled with the
   reference table when one is given; n-grams printed by most documents are template;
3. reused passages: seeds → aligned span pairs (template phrases bridged) → snapped to
   sentences → single-link clusters, each with foreign names and direction (``reuse``);
4. whole-report MinHash LSH: similar pairs and near-identical clusters (``similarity``);
5. per-report measures (``report_measures``); year-over-year and per-theme measures
   (``pairs``); the similarity matrix.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from ..agency import group_agencies
from ..document import Report
from ..forked import ForkedCall
from ..heap import keep_results
from .candidates import AlignSetup, LocalPairs, PairEngine, drop_alignment_data
from .pairs import theme_similarity, year_pairs
from .passages import UnionFind
from .prepare import PreparedReport, coerce_reports
from .records import PAIR_FILTERS, CompareConfig, CompareResult, PairMeasures, Passage, PassageSpan
from .reference import ReferenceTable
from .report_measures import report_measures
from .reuse import masked_passages, reuse_passages
from .similarity import SimilarPair, cosine_matrix, exact_jaccard, lsh_candidates, minhash_permutations, minhash_signature

ThemeSpans = Sequence[tuple[int, int, str]]


def _check_config(options: dict[str, Any], config: CompareConfig | None) -> CompareConfig:
    unknown = sorted(set(options) - set(CompareConfig.__dataclass_fields__))
    if unknown:
        raise TypeError(f"compare() got unknown option(s): {', '.join(unknown)}")
    cfg = replace(config or CompareConfig(), **options)
    if cfg.ngram < 2:
        raise ValueError("ngram must be at least 2")
    if cfg.min_chars < cfg.ngram:
        raise ValueError(f"min_chars ({cfg.min_chars}) must be at least ngram ({cfg.ngram})")
    if cfg.pairs not in PAIR_FILTERS:
        raise ValueError(f"pairs must be one of {', '.join(PAIR_FILTERS)} (got {cfg.pairs!r})")
    return cfg


def compare(
    reports: Iterable[Report | dict | str],
    config: CompareConfig | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    reference: ReferenceTable | None = None,
    themes: Mapping[str, ThemeSpans] | None = None,
    extra: Mapping[str, dict[str, Any]] | None = None,
    pair_engine: PairEngine | None = None,
    **options: Any,
) -> CompareResult:
    """Compare reports: reused passages, template text, per-report and year-over-year measures.

    ``reports``: :class:`~nlp.document.Report` objects (from ``nlp.read_report`` or built
    directly), their ``to_dict()`` dicts, or plain strings. ``options`` override fields of
    :class:`CompareConfig` (e.g. ``ngram=12, min_chars=30, pairs="cross-agency"``).
    ``reference``: document frequencies of a reference corpus (``nlp.comparison.reference``),
    pooled with the compared reports to decide template and boilerplate text — what makes
    them defined for a handful of reports. ``themes``: per report id, ``(start, end, theme)``
    text spans (from ``nlp.themes``) for theme shares and per-theme similarity. ``extra``:
    per report id, fields passed through to the result untouched. ``pair_engine``: where the
    corpus index and the alignment run (:mod:`nlp.comparison.candidates`; default: this
    process; ``nlp.engine.sharded.DaskPairs``: a Dask cluster — same result). ``progress(stage, done,
    total)`` is called as work advances. All offsets in the result index ``Report.text``.
    """
    cfg = _check_config(options, config)
    reps = coerce_reports(reports)
    ids = [r.id for r in reps]
    if len(set(ids)) != len(ids):
        dup = sorted(k for k, c in Counter(ids).items() if c > 1)
        raise ValueError(f"report ids must be unique; repeated: {', '.join(dup[:5])}")
    n = cfg.ngram
    N = len(reps)
    engine = pair_engine if pair_engine is not None else LocalPairs()
    notes: list[str] = []
    tick = progress or (lambda stage, done, total: None)
    ref = reference if reference is not None and reference.has(n) else None
    if reference is not None and ref is None:
        notes.append(f"reference {reference.name} holds no {n}-grams: not used for template text")

    # 1: streams, bounds, shingles, vocabulary and formula masks
    docs = engine.prepare(reps, (n, cfg.boilerplate_ngram), lambda done, total: tick("reading", done, total))
    keep_results()   # within an analyze run: the prepared reports stay to the end (nlp.heap)

    # 2: corpus index (per report, its rows); template by frequency (the compared reports pooled with the
    # reference); boilerplate n-grams (their note comes with the measures, step 5)
    engine.index(docs, (n, cfg.boilerplate_ngram))
    setup = AlignSetup(cfg, N, ref)
    boiler = engine.finish_reports(docs, setup, reference)
    if not setup.frequent:
        notes.append(f"frequency-based template detection needs ≥ {cfg.template_min_docs} documents "
                     f"({N} given, no reference): only the format vocabulary masked template text")
    if ref is not None:
        notes.append(f"reference: {ref.name} ({ref.n_docs} documents) pooled with the {N} compared reports "
                     "for template and boilerplate text")

    # 3: reused passages
    aligned = engine.aligned_pairs(docs, setup, progress=lambda done, total: tick("aligning", done, total))
    keep_results()
    # then only positional hashes are kept
    for d in docs:
        drop_alignment_data(d)
    groups = group_agencies(r.agency for r in reps)
    agency_of = [groups.get(r.agency, "") or "" for r in reps]
    sets = [np.unique(d.shingles.hashes[d.ok]) if d.ok is not None and len(d.ok) else np.zeros(0, np.uint64) for d in docs]
    theme_spans = [list(themes.get(r.id, ())) if themes is not None else None for r in reps]
    # year-over-year pairs and the similarity matrix need nothing of what follows: a forked child
    # computes them meanwhile, on a local engine of several processes or beside a cluster's client
    side = ForkedCall(_year_pairs_and_matrix, docs, agency_of, sets, theme_spans, cfg,
                      inline=isinstance(engine, LocalPairs) and local_processes(engine) < 2)
    try:
        reuse = reuse_passages(docs, aligned, agency_of, cfg)
        passages = reuse.passages + masked_passages(docs, agency_of, cfg)
        if cfg.pairs != "all":
            notes.append(f"pairs: only {cfg.pairs} pairs of reports may share a reused passage")

        # 4: whole-report similarity
        perms = minhash_permutations(cfg.num_perm, cfg.seed)
        sigs = []
        for k, s in enumerate(sets):
            sigs.append(minhash_signature(s, perms) if len(s) else None)
            tick("signatures", k + 1, N)
        cands = sorted(lsh_candidates(sigs, cfg.lsh_threshold, cfg.num_perm, cfg.seed))
        similar = [SimilarPair(a, b, round(exact_jaccard(sets[a], sets[b]), 4)) for a, b in cands]
        near_groups, near_of = _near_identical(similar, N, cfg.near_identical)

        # 5: per-report measures
        if boiler is None:
            notes.append(f"boilerplate share needs ≥ {cfg.boilerplate_min_docs} documents ({N} given, no reference): left empty")
        if themes is not None:
            notes.append("themes: as given by the caller")
        members_of: dict[str, list[tuple[Passage, PassageSpan]]] = defaultdict(list)
        for p in reuse.passages:
            for m in p.members:
                members_of[m.report].append((p, m))
        report_rows = [report_measures(k, d, boiler[k] if boiler else None, reuse.cover[k], agency_of,
                                       members_of.get(d.report.id, []), near_of.get(k), theme_spans[k], cfg)
                       for k, d in enumerate(docs)]
    except BaseException:
        side.stop()   # this process failed: the child is ended, not left running
        raise

    # year-over-year and similar pairs
    pairs, matrix = side.result()
    near_pairs = {(p.a, p.b) for p in similar if p.jaccard >= cfg.near_identical}
    pos_of = {rid: k for k, rid in enumerate(ids)}
    for pm in pairs:
        a, b = pos_of[pm.report_a], pos_of[pm.report_b]
        pm.near_identical = (min(a, b), max(a, b)) in near_pairs
    for p in sorted(similar, key=lambda p: (-p.jaccard, p.a, p.b))[:cfg.top_pairs]:
        ra, rb = reps[p.a], reps[p.b]
        pairs.append(PairMeasures("similar", ra.id, rb.id, agency_of[p.a] if agency_of[p.a] == agency_of[p.b] else "",
                                  ra.year, rb.year, p.jaccard, near_identical=p.jaccard >= cfg.near_identical,
                                  theme_similarity=theme_similarity(docs[p.a], docs[p.b], theme_spans[p.a], theme_spans[p.b])))

    if N > cfg.dense_matrix_max:
        notes.append(f"{N} reports > dense_matrix_max={cfg.dense_matrix_max}: similarity.csv lists LSH candidate pairs only")

    template_spans = {d.report.id: [(*d.stream.to_text_span(s, e), why) for s, e, why in d.template.runs(1)]
                      for d in docs}
    return CompareResult(cfg, ids, passages, report_rows, pairs, matrix, similar,
                         [[ids[k] for k in g] for g in near_groups], notes, template_spans,
                         reference=ref.name if ref is not None else "", extra=dict(extra or {}))


def _year_pairs_and_matrix(docs: list[PreparedReport], agency_of: list[str], sets: list[np.ndarray],
                           theme_spans: list, cfg: CompareConfig) -> tuple[list[PairMeasures], np.ndarray | None]:
    """The year-over-year pairs, and the dense similarity matrix when there are at most
    ``cfg.dense_matrix_max`` reports (else None)."""
    matrix = cosine_matrix([d.scored for d in docs]) if len(docs) <= cfg.dense_matrix_max else None
    return year_pairs(docs, agency_of, sets, theme_spans, cfg), matrix


def local_processes(engine: PairEngine) -> int:
    """The processes a local engine works with (:attr:`LocalPairs.workers`); 1 for any other engine."""
    return engine.workers if isinstance(engine, LocalPairs) else 1


def _near_identical(similar: list[SimilarPair], N: int, threshold: float) -> tuple[list[list[int]], dict[int, int]]:
    """Groups of reports linked by a Jaccard ≥ threshold (single link), and each member's group number."""
    uf = UnionFind(N)
    for p in similar:
        if p.jaccard >= threshold:
            uf.union(p.a, p.b)
    comp: dict[int, list[int]] = defaultdict(list)
    for k in range(N):
        comp[uf.find(k)].append(k)
    groups = sorted((g for g in comp.values() if len(g) > 1), key=lambda g: g[0])
    return groups, {k: gi for gi, g in enumerate(groups, 1) for k in g}
