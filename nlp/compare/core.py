"""``compare(reports)``: reused passages, template masking, per-report and pair measures.

Pipeline (see the package docstring for the measures' definitions):

1. content streams (whitespace-free, NFKC-folded, offsets back into ``Report.text``);
2. floating character n-gram shingles, one corpus index (document frequency);
3. template masking: vocabulary rules + n-grams in ≥ ``template_df`` of the reports;
4. reused passages: seeds → aligned span pairs → single-link clusters (``passages.py``);
5. whole-report MinHash LSH: similar pairs and near-identical clusters (``similarity.py``);
6. per-report measures; year-over-year measures for the same agency; per-part and
   per-theme similarity; the similarity matrix.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterable

import numpy as np

from ..agency import group_agencies
from ..document import Report
from . import measures as M
from .index import DocShingles, ShingleIndex
from .passages import AlignedPair, UnionFind, cluster_pairs, find_aligned_pairs, window_ok
from .similarity import (
    SimilarPair,
    cosine_matrix,
    exact_jaccard,
    lsh_candidates,
    minhash_permutations,
    minhash_signature,
)
from .template import TemplateMask, mark_frequent, vocabulary_mask
from .textprep import SENTENCE_END, ContentStream, content_stream, sentence_bounds, shingle_hashes


@dataclass
class CompareConfig:
    """Parameters of :func:`compare` (defaults follow the reference measures)."""

    ngram: int = 10                 #: floating character n-gram length (8–13 sensible)
    min_chars: int = 20             #: shortest reused passage reported (content characters)
    min_identity: float = 0.8       #: aligned characters ÷ longer span, for a passage
    max_gap: int = 10               #: unaligned characters bridged inside a passage
    max_shift: int = 10             #: insertion/deletion drift tolerated inside a passage
    template_df: float = 0.75       #: n-grams in ≥ this share of reports are template …
    template_min_docs: int = 8      #: … when at least this many reports are compared
    boilerplate_low: float = 0.30   #: Lang & Stice-Lawrence: n-grams in ≥ 30% of reports …
    boilerplate_high: float = 0.75  #: … and < 75% (more common: too generic → template)
    boilerplate_min_docs: int = 10  #: fewer reports: boilerplate share is not defined
    boilerplate_ngram: int = 8      #: characters per boilerplate n-gram (≈ a word 4-gram)
    redundancy_ngram: int = 10      #: Cazier & Pfeiffer: 10-grams repeated inside a report
    num_perm: int = 128             #: MinHash permutations
    lsh_threshold: float = 0.5      #: MinHash LSH threshold for similar-report candidates
    near_identical: float = 0.8     #: exact shingle Jaccard for near-identical reports
    changed_a_lot: float = 0.6      #: 文字重复率 below this: "changed a lot" (peer tool)
    repeated_limit: float = 0.5     #: share repeated from last year above this: flagged (宿迁 rule)
    dense_matrix_max: int = 1000    #: largest set with a dense similarity matrix
    top_pairs: int = 50             #: most similar pairs listed
    seed: int = 1
    themes: bool = True             #: per-theme shares and similarity when available


# ------------------------------------------------------------------ result records

@dataclass
class PassageSpan:
    """Where a passage stands in one report: offsets into that report's ``text``."""

    report: str
    start: int
    end: int
    agency: str = ""
    year: int | None = None


@dataclass
class Passage:
    """A cluster of the same passage across reports (or a template passage)."""

    id: str
    kind: str                # 'reuse' or 'template'
    text: str                # the passage as printed in its first report
    chars: int               # content characters of that text
    n_reports: int
    n_agencies: int
    agencies: list[str]
    members: list[PassageSpan]
    identity: float = 1.0    # lowest identity of the aligned pairs that built it
    reason: str = ""         # template: why it is template

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReportMeasures:
    """Per-report measures (shares are of content characters, whitespace excluded)."""

    report: str
    source: str
    agency: str
    agency_group: str
    year: int | None
    chars: int
    template_chars: int
    template_share: float
    scored_chars: int                 # content characters outside template text
    reused_chars: int                 # scored characters inside reused passages
    reused_share: float
    reused_other_agency_share: float  # … of passages also found at another agency
    n_passages: int
    boilerplate_share: float | None   # Lang & Stice-Lawrence (None: fewer than boilerplate_min_docs)
    redundancy: float                 # Cazier & Pfeiffer
    specificity: float                # Hope, Hu & Lu: specific items per 100 characters
    near_identical_group: int | None = None
    theme_shares: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["theme_shares"] = ";".join(f"{k}={v:.3f}" for k, v in sorted(self.theme_shares.items()))
        return d


@dataclass
class PairMeasures:
    """Measures between two reports: year-over-year (same agency) or a similar pair."""

    kind: str                  # 'year_over_year' or 'similar'
    report_a: str              # earlier year for year_over_year
    report_b: str
    agency: str
    year_a: int | None
    year_b: int | None
    shingle_jaccard: float     # exact Jaccard of non-template n-gram sets
    stickiness: float | None = None        # share of b's n-grams found in a (Dyer et al.)
    cosine: float | None = None            # char-bigram TF cosine (Lazy Prices)
    modification: float | None = None      # 1 − cosine (Brown & Tucker)
    jaccard: float | None = None           # char-bigram sets (Lazy Prices)
    text_repeat_rate: float | None = None  # 文字重复率: Dice on the character LCS
    changed_a_lot: bool | None = None      # 文字重复率 < changed_a_lot
    edit_similarity: float | None = None   # 1 − Levenshtein ÷ longer (Lazy Prices edit)
    repeated_share: float | None = None    # share of b's scored characters aligned to a
    repeated_over_limit: bool | None = None  # repeated_share > repeated_limit (宿迁 rule)
    near_identical: bool = False
    part_similarity: dict[str, float] = field(default_factory=dict)   # 文字重复率 per part key
    theme_similarity: dict[str, float] = field(default_factory=dict)  # cosine per theme

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["part_similarity"] = ";".join(f"{k}={v:.3f}" for k, v in self.part_similarity.items())
        d["theme_similarity"] = ";".join(f"{k}={v:.3f}" for k, v in self.theme_similarity.items())
        return d


@dataclass
class CompareResult:
    """Everything :func:`compare` found; write it with :func:`nlp.compare.output.write_outputs`."""

    config: CompareConfig
    report_ids: list[str]
    passages: list[Passage]
    reports: list[ReportMeasures]
    pairs: list[PairMeasures]
    similarity: np.ndarray | None            # dense matrix (report_ids order) or None
    similar_pairs: list[SimilarPair]          # LSH candidates with exact Jaccard
    near_identical_clusters: list[list[str]]
    notes: list[str] = field(default_factory=list)
    #: per report id: masked template spans (text start, end, reason), excluded from scores
    template_spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    @property
    def reuse_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "reuse"]

    @property
    def template_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "template"]

    def report(self, report_id: str) -> ReportMeasures:
        for r in self.reports:
            if r.report == report_id:
                return r
        raise KeyError(report_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": asdict(self.config),
            "report_ids": list(self.report_ids),
            "passages": [p.to_dict() for p in self.passages],
            "reports": [asdict(r) for r in self.reports],
            "pairs": [asdict(p) for p in self.pairs],
            "similar_pairs": [asdict(p) for p in self.similar_pairs],
            "near_identical_clusters": self.near_identical_clusters,
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------ per-report preparation

@dataclass
class _Doc:
    report: Report
    stream: ContentStream
    sentences: list[tuple[int, int]]
    shingles: DocShingles
    template: TemplateMask
    ok: np.ndarray | None = None      # per n-gram start: window free of template
    scored: str = ""                  # the content stream without template characters
    index_pos: np.ndarray | None = None  # per n-gram start: row of its hash in the corpus index


def _coerce(reports: Iterable[Report | dict | str]) -> list[Report]:
    out: list[Report] = []
    for k, r in enumerate(reports):
        if isinstance(r, Report):
            out.append(r)
        elif isinstance(r, dict):
            out.append(Report.from_dict(r))
        elif isinstance(r, str):
            out.append(Report(id=f"text-{k + 1}", source="<text>", format="txt", text=r))
        else:
            raise TypeError(f"compare() takes Report objects, their dicts or strings, not {type(r).__name__}")
    return out


def _sentences(report: Report, stream: ContentStream) -> list[tuple[int, int]]:
    """Sentences in stream coordinates: the parser's when it split the report, else punctuation."""
    parsed = list(report.sentences()) if report.parts else []
    if parsed:
        spans = sorted({(stream.to_stream_pos(s.start), stream.to_stream_pos(s.end)) for s in parsed})
        spans = [(s, e) for s, e in spans if e > s]
        # text outside parsed sentences (tables, preamble) keeps punctuation sentences
        covered = np.zeros(len(stream), dtype=bool)
        for s, e in spans:
            covered[s:e] = True
        extra = [(s, e) for s, e in sentence_bounds(stream, report.text) if not covered[s:e].any()]
        return sorted(spans + extra)
    return sentence_bounds(stream, report.text)


def _prepare(report: Report, n: int) -> _Doc:
    stream = content_stream(report.text)
    sents = _sentences(report, stream)
    shingles = DocShingles.build(shingle_hashes(stream.chars, n))
    template = vocabulary_mask(report, stream, sents)
    return _Doc(report, stream, sents, shingles, template)


# ------------------------------------------------------------------ themes (optional)

def _theme_model():
    """The trained theme classifier (nlp.themes), or None when it or its model is unavailable."""
    try:
        from ..themes.model import load_model

        return load_model()
    except Exception:
        return None


def _theme_spans(report: Report, model) -> list[tuple[int, int, str]] | None:
    """(start, end, theme) text spans of a parsed report: paragraph labels of the trained
    classifier (``nlp.themes.classify_themes``) when ``model`` is given and works, else the
    themes the section headings announce (``nlp.themes.taxonomy``); None when neither is available."""
    if not report.parts:
        return None
    if model is not None:
        try:
            from ..themes import classify_themes

            units = classify_themes(report, level="paragraph", model=model).units
            out = [(u.start, u.end, u.theme) for u in units if u.level == "paragraph"]
            if out:
                return out
        except Exception:
            pass
    try:
        from ..themes.taxonomy import theme_for_heading, theme_for_part
    except Exception:
        return None
    out = []
    for part in report.parts:
        for sec in part.sections:
            theme = theme_for_heading(sec.heading, part.key) if sec.heading else theme_for_part(part.key, part.title)
            if theme:
                out.append((sec.start, sec.end, theme))
    return out


# ------------------------------------------------------------------ the public function

def compare(
    reports: Iterable[Report | dict | str],
    config: CompareConfig | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    **options: Any,
) -> CompareResult:
    """Compare reports: reused passages, template text, per-report and year-over-year measures.

    ``reports``: :class:`~nlp.document.Report` objects (from ``nlp.read_report`` or built
    directly), their ``to_dict()`` dicts, or plain strings. ``options`` override fields of
    :class:`CompareConfig` (e.g. ``ngram=12, min_chars=30``). ``progress(stage, done, total)``
    is called as work advances. All offsets in the result index ``Report.text``.
    """
    unknown = sorted(set(options) - set(CompareConfig.__dataclass_fields__))
    if unknown:
        raise TypeError(f"compare() got unknown option(s): {', '.join(unknown)}")
    cfg = replace(config or CompareConfig(), **options)
    if cfg.ngram < 2:
        raise ValueError("ngram must be at least 2")
    if cfg.min_chars < cfg.ngram:
        raise ValueError(f"min_chars ({cfg.min_chars}) must be at least ngram ({cfg.ngram})")
    reps = _coerce(reports)
    ids = [r.id for r in reps]
    if len(set(ids)) != len(ids):
        dup = sorted(k for k, c in Counter(ids).items() if c > 1)
        raise ValueError(f"report ids must be unique; repeated: {', '.join(dup[:5])}")
    n = cfg.ngram
    N = len(reps)
    notes: list[str] = []
    tick = progress or (lambda stage, done, total: None)

    # 1–3: streams, shingles, vocabulary template masks
    docs: list[_Doc] = []
    for k, r in enumerate(reps):
        docs.append(_prepare(r, n))
        tick("reading", k + 1, N)
    index = ShingleIndex.build([d.shingles for d in docs])
    for d in docs:
        d.index_pos = index.lookup(d.shingles.hashes)
    df_pos = [index.df[d.index_pos] for d in docs]
    if N >= cfg.template_min_docs:
        threshold = max(2, math.ceil(cfg.template_df * N))
        for d, dfp in zip(docs, df_pos):
            mark_frequent(d.template, dfp, n, threshold)
    else:
        notes.append(f"frequency-based template detection needs ≥ {cfg.template_min_docs} reports "
                     f"({N} given): only the format vocabulary masked template text")
    for d in docs:
        d.ok = window_ok(d.template.mask, n)
        d.scored = "".join(c for c, t in zip(d.stream.chars, d.template.mask) if not t)

    # 4: reused passages
    streams = [d.stream.chars for d in docs]
    aligned = find_aligned_pairs(streams, [d.shingles for d in docs], index, [d.ok for d in docs], n,
                                 cfg.min_chars, cfg.max_gap, cfg.max_shift, cfg.min_identity,
                                 progress=lambda r: tick("aligning", r + 1, N))
    groups = group_agencies(r.agency for r in reps)
    agency_of = [groups.get(r.agency, "") or "" for r in reps]
    passages, reuse_cover = _reuse_passages(docs, aligned, agency_of, cfg)
    passages += _template_passages(docs, agency_of, cfg)

    # 5: whole-report similarity
    perms = minhash_permutations(cfg.num_perm, cfg.seed)
    sets = [np.unique(d.shingles.hashes[d.ok]) if d.ok is not None and len(d.ok) else np.zeros(0, np.uint64) for d in docs]
    sigs = []
    for k, s in enumerate(sets):
        sigs.append(minhash_signature(s, perms) if len(s) else None)
        tick("signatures", k + 1, N)
    cands = sorted(lsh_candidates(sigs, cfg.lsh_threshold, cfg.num_perm, cfg.seed))
    similar = [SimilarPair(a, b, round(exact_jaccard(sets[a], sets[b]), 4)) for a, b in cands]
    uf = UnionFind(N)
    for p in similar:
        if p.jaccard >= cfg.near_identical:
            uf.union(p.a, p.b)
    comp: dict[int, list[int]] = defaultdict(list)
    for k in range(N):
        comp[uf.find(k)].append(k)
    near_groups = sorted((g for g in comp.values() if len(g) > 1), key=lambda g: g[0])
    near_of: dict[int, int] = {}
    for gi, g in enumerate(near_groups, 1):
        for k in g:
            near_of[k] = gi

    # 6: per-report measures
    boiler = _boilerplate_positions(docs, index, N, cfg)
    model = _theme_model() if cfg.themes and any(r.parts for r in reps) else None
    if cfg.themes and any(r.parts for r in reps):
        notes.append("themes: " + ("paragraph labels of the trained classifier (nlp.themes)" if model is not None
                                   else "the section headings' themes (no trained theme model found)"))
    theme_spans = [(_theme_spans(r, model) if cfg.themes else None) for r in reps]
    members_of: dict[str, list[tuple[Passage, PassageSpan]]] = defaultdict(list)
    for p in passages:
        if p.kind == "reuse":
            for m in p.members:
                members_of[m.report].append((p, m))
    report_rows = []
    for k, d in enumerate(docs):
        report_rows.append(_report_measures(k, d, boiler[k] if boiler else None, reuse_cover[k], agency_of,
                                            members_of.get(d.report.id, []),
                                            near_of.get(k), theme_spans[k], cfg))
    if N < cfg.boilerplate_min_docs:
        notes.append(f"boilerplate share needs ≥ {cfg.boilerplate_min_docs} reports ({N} given): left empty")

    # year-over-year and similar pairs
    pairs = _year_pairs(docs, agency_of, sets, theme_spans, cfg)
    near_pairs = {(p.a, p.b) for p in similar if p.jaccard >= cfg.near_identical}
    pos_of = {rid: k for k, rid in enumerate(ids)}
    for pm in pairs:
        a, b = pos_of[pm.report_a], pos_of[pm.report_b]
        pm.near_identical = (min(a, b), max(a, b)) in near_pairs
    top = sorted(similar, key=lambda p: (-p.jaccard, p.a, p.b))[:cfg.top_pairs]
    for p in top:
        ra, rb = reps[p.a], reps[p.b]
        pairs.append(PairMeasures("similar", ra.id, rb.id, agency_of[p.a] if agency_of[p.a] == agency_of[p.b] else "",
                                  ra.year, rb.year, p.jaccard, near_identical=p.jaccard >= cfg.near_identical,
                                  theme_similarity=theme_similarity(docs[p.a], docs[p.b], theme_spans[p.a], theme_spans[p.b])))

    matrix = None
    if N <= cfg.dense_matrix_max:
        matrix = cosine_matrix([d.scored for d in docs])
    else:
        notes.append(f"{N} reports > dense_matrix_max={cfg.dense_matrix_max}: similarity.csv lists LSH candidate pairs only")

    template_spans = {}
    for d in docs:
        spans = []
        for s, e, reason in d.template.runs(1):
            a, b = d.stream.to_text_span(s, e)
            spans.append((a, b, reason))
        template_spans[d.report.id] = spans
    return CompareResult(cfg, ids, passages, report_rows, pairs, matrix, similar,
                         [[ids[k] for k in g] for g in near_groups], notes, template_spans)


# ------------------------------------------------------------------ passages

def _reuse_passages(docs: list[_Doc], aligned: list[AlignedPair], agency_of: list[str],
                    cfg: CompareConfig) -> tuple[list[Passage], list[np.ndarray]]:
    nodes, clusters = cluster_pairs(aligned)
    cover = [np.zeros(len(d.stream), dtype=np.int32) for d in docs]  # passage count per char (0 = none)
    records = []
    ident_of_doc_span: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for p in aligned:
        ident_of_doc_span[p.a].append((p.a_start, p.a_end, p.identity))
        ident_of_doc_span[p.b].append((p.b_start, p.b_end, p.identity))
    for ks in clusters:
        members = [nodes[k] for k in ks]
        doc_set = sorted({m.doc for m in members})
        if len(doc_set) < 2:
            continue
        first = members[0]
        rep = docs[first.doc]
        ts, te = rep.stream.to_text_span(first.start, first.end)
        spans = []
        for m in members:
            d = docs[m.doc]
            s, e = d.stream.to_text_span(m.start, m.end)
            spans.append(PassageSpan(d.report.id, s, e, d.report.agency, d.report.year))
            cover[m.doc][m.start:m.end] += 1
        idents = [i for m in members for (s, e, i) in ident_of_doc_span[m.doc] if s >= m.start and e <= m.end]
        agencies = sorted({agency_of[m.doc] or f"?{docs[m.doc].report.id}" for m in members})
        records.append(Passage("", "reuse", rep.report.text[ts:te], first.end - first.start, len(doc_set),
                               len(agencies), [a for a in agencies if not a.startswith("?")], spans,
                               identity=min(idents) if idents else 1.0))
    records.sort(key=lambda p: (-p.n_agencies, -p.n_reports, -p.chars, p.members[0].report, p.members[0].start))
    for k, p in enumerate(records, 1):
        p.id = f"P{k:05d}"
    return records, cover


def _template_passages(docs: list[_Doc], agency_of: list[str], cfg: CompareConfig) -> list[Passage]:
    """Template text (listed, never scored): masked runs cut into sentences, pieces of at least
    ``min_chars`` grouped by content with digits folded (the same mandated sentence with
    another year or figure is the same template passage)."""
    import re

    digits = re.compile(r"\d")
    by_text: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    for k, d in enumerate(docs):
        chars = d.stream.chars
        for s, e, reason in d.template.runs(cfg.min_chars):
            start = s
            for pos in range(s, e):
                if chars[pos] in SENTENCE_END or pos == e - 1:
                    if pos + 1 - start >= cfg.min_chars:
                        by_text[digits.sub("0", chars[start:pos + 1])].append((k, start, pos + 1, reason))
                    start = pos + 1
    out = []
    for content, occ in by_text.items():
        doc_set = sorted({k for k, _, _, _ in occ})
        k0, s0, e0, reason = occ[0]
        d0 = docs[k0]
        ts, te = d0.stream.to_text_span(s0, e0)
        spans = []
        for k, s, e, _ in occ:
            d = docs[k]
            a, b = d.stream.to_text_span(s, e)
            spans.append(PassageSpan(d.report.id, a, b, d.report.agency, d.report.year))
        agencies = sorted({agency_of[k] or f"?{docs[k].report.id}" for k in doc_set})
        out.append(Passage("", "template", d0.report.text[ts:te], len(content), len(doc_set), len(agencies),
                           [a for a in agencies if not a.startswith("?")], spans, reason=reason))
    out.sort(key=lambda p: (-p.n_reports, -p.chars, p.members[0].report, p.members[0].start))
    for k, p in enumerate(out, 1):
        p.id = f"T{k:05d}"
    return out


# ------------------------------------------------------------------ per-report measures

def _boilerplate_positions(docs: list[_Doc], index: ShingleIndex, N: int, cfg: CompareConfig) -> list[np.ndarray] | None:
    """Per report, the start positions of scored boilerplate n-grams (Lang & Stice-Lawrence band:
    found in ≥ boilerplate_low and < boilerplate_high of the reports), or None with too few reports."""
    if N < cfg.boilerplate_min_docs:
        return None
    lo = max(2, math.ceil(cfg.boilerplate_low * N))
    hi = math.ceil(cfg.boilerplate_high * N)
    bn = cfg.boilerplate_ngram
    if bn == cfg.ngram:
        flags = (index.df >= lo) & (index.df < hi)
        return [np.flatnonzero(d.ok & flags[d.index_pos]) if d.ok is not None and len(d.ok) else np.zeros(0, np.int64)
                for d in docs]
    shingles = [DocShingles.build(shingle_hashes(d.stream.chars, bn)) for d in docs]
    bindex = ShingleIndex.build(shingles)
    flags = (bindex.df >= lo) & (bindex.df < hi)
    out = []
    for d, sh in zip(docs, shingles):
        if len(sh.hashes) == 0:
            out.append(np.zeros(0, np.int64))
            continue
        ok = window_ok(d.template.mask, bn)
        out.append(np.flatnonzero(ok & flags[bindex.lookup(sh.hashes)]))
    return out


def _report_measures(k: int, d: _Doc, boiler_starts: np.ndarray | None, cover: np.ndarray,
                     agency_of: list[str], passages: list[tuple[Passage, PassageSpan]], near_group: int | None,
                     themes: list[tuple[int, int, str]] | None, cfg: CompareConfig) -> ReportMeasures:
    n = cfg.ngram
    r = d.report
    mask = d.template.mask
    total = len(d.stream)
    tmpl = int(mask.sum())
    scored = total - tmpl
    reused = int(((cover > 0) & ~mask).sum())
    other_cover = np.zeros(total, dtype=bool)
    own = agency_of[k] or f"?{r.id}"
    mine_by_passage: dict[int, list[PassageSpan]] = defaultdict(list)
    for p, m in passages:
        mine_by_passage[id(p)].append(m)
    n_pass = len(mine_by_passage)
    seen: set[int] = set()
    for p, _ in passages:
        if id(p) in seen:
            continue
        seen.add(id(p))
        # found at another agency: another agency named, or several agencies counted
        if p.n_agencies > 1 or any(a != own for a in p.agencies):
            for m in mine_by_passage[id(p)]:
                s, e = d.stream.to_stream_pos(m.start), d.stream.to_stream_pos(m.end)
                other_cover[s:e] = True
    other = int((other_cover & ~mask).sum())

    # boilerplate: scored characters of sentences holding ≥ 1 boilerplate n-gram
    boiler_share = None
    if boiler_starts is not None and scored:
        starts_bp = boiler_starts
        in_bp = np.zeros(total, dtype=bool)
        if len(starts_bp):
            sent_starts = np.asarray([s for s, _ in d.sentences], dtype=np.int64)
            hit = np.unique(np.searchsorted(sent_starts, starts_bp, side="right") - 1)
            for h in hit:
                if h >= 0:
                    s, e = d.sentences[h]
                    in_bp[s:e] = True
        boiler_share = round(float((in_bp & ~mask).sum()) / scored, 4)

    # redundancy: share of scored 10-gram windows whose n-gram occurs more than once in the report
    rn = cfg.redundancy_ngram
    if rn == n:
        h_r, ok_r = d.shingles.hashes, d.ok
    else:
        from .textprep import shingle_hashes as _sh

        h_r, ok_r = _sh(d.stream.chars, rn), window_ok(mask, rn)
    redundancy = 0.0
    if ok_r is not None and ok_r.any():
        hv = h_r[ok_r]
        _, inv, counts = np.unique(hv, return_inverse=True, return_counts=True)
        redundancy = round(float((counts[inv] > 1).mean()), 4)

    theme_shares: dict[str, float] = {}
    if themes:
        acc: Counter = Counter()
        for s, e, t in themes:
            a, b = d.stream.to_stream_pos(s), d.stream.to_stream_pos(e)
            acc[t] += int((~mask[a:b]).sum())
        tot = sum(acc.values())
        if tot:
            theme_shares = {t: round(v / tot, 4) for t, v in sorted(acc.items())}

    return ReportMeasures(
        report=r.id, source=r.source, agency=r.agency, agency_group=agency_of[k], year=r.year,
        chars=total, template_chars=tmpl, template_share=round(tmpl / total, 4) if total else 0.0,
        scored_chars=scored, reused_chars=reused, reused_share=round(reused / scored, 4) if scored else 0.0,
        reused_other_agency_share=round(other / scored, 4) if scored else 0.0, n_passages=n_pass,
        boilerplate_share=boiler_share, redundancy=redundancy, specificity=round(M.specificity(d.scored), 3),
        near_identical_group=near_group, theme_shares=theme_shares,
    )


# ------------------------------------------------------------------ pairs

def _year_pairs(docs: list[_Doc], agency_of: list[str], sets: list[np.ndarray],
                theme_spans: list, cfg: CompareConfig) -> list[PairMeasures]:
    by_agency: dict[str, list[int]] = defaultdict(list)
    for k, a in enumerate(agency_of):
        if a and docs[k].report.year is not None:
            by_agency[a].append(k)
    out = []
    for agency in sorted(by_agency):
        ks = sorted(by_agency[agency], key=lambda k: (docs[k].report.year, docs[k].report.id))
        for prev, cur in zip(ks, ks[1:]):
            if docs[prev].report.year == docs[cur].report.year:
                continue
            out.append(year_over_year(docs[prev], docs[cur], sets[prev], sets[cur], agency,
                                      theme_spans[prev], theme_spans[cur], cfg))
    return out


def year_over_year(a: _Doc, b: _Doc, set_a: np.ndarray, set_b: np.ndarray, agency: str,
                   themes_a, themes_b, cfg: CompareConfig) -> PairMeasures:
    """Year-over-year measures of report ``b`` (year t) against ``a`` (year t−1)."""
    sa, sb = a.scored, b.scored
    stick = float(len(np.intersect1d(set_a, set_b, assume_unique=True)) / len(set_b)) if len(set_b) else 0.0
    ta, tb = M.bigrams(sa), M.bigrams(sb)
    cos = M.cosine_tf(ta, tb)
    dice = M.dice_lcs(sa, sb)
    # repeated: b's scored characters inside n-gram windows also found (scored) in a
    n = cfg.ngram
    repeated = 0.0
    if b.ok is not None and b.ok.any() and len(set_a):
        hb = b.shingles.hashes
        k = np.searchsorted(set_a, hb)
        k = np.minimum(k, len(set_a) - 1)
        hit = (set_a[k] == hb) & b.ok
        cover = np.zeros(len(b.stream) + 1, dtype=np.int32)
        pos = np.flatnonzero(hit)
        np.add.at(cover, pos, 1)
        np.add.at(cover, np.minimum(pos + n, len(b.stream)), -1)
        covered = (np.cumsum(cover)[:-1] > 0) & ~b.template.mask
        scored_b = int((~b.template.mask).sum())
        repeated = float(covered.sum()) / scored_b if scored_b else 0.0
    pm = PairMeasures(
        "year_over_year", a.report.id, b.report.id, agency, a.report.year, b.report.year,
        shingle_jaccard=round(exact_jaccard(set_a, set_b), 4), stickiness=round(stick, 4),
        cosine=round(cos, 4), modification=round(1 - cos, 4),
        jaccard=round(M.jaccard_sets(set(ta), set(tb)), 4), text_repeat_rate=round(dice, 4),
        changed_a_lot=dice < cfg.changed_a_lot, edit_similarity=round(M.edit_similarity(sa, sb), 4),
        repeated_share=round(repeated, 4), repeated_over_limit=repeated > cfg.repeated_limit,
    )
    # per part (parsed reports): 文字重复率 of the parts' scored text
    if a.report.parts and b.report.parts:
        for part in b.report.parts:
            pa = a.report.part(part.key)
            if pa is None or part.key == "unknown":
                continue
            xa, xb = _scored_span(a, pa.start, pa.end), _scored_span(b, part.start, part.end)
            if xa or xb:  # a part that is all template (a table) has nothing to score
                pm.part_similarity[part.key] = round(M.dice_lcs(xa, xb), 4)
    pm.theme_similarity = theme_similarity(a, b, themes_a, themes_b)
    return pm


def theme_similarity(a: _Doc, b: _Doc, themes_a, themes_b) -> dict[str, float]:
    """Per theme both reports cover: cosine of the character-bigram TF of their scored text on it."""
    out: dict[str, float] = {}
    if not themes_a or not themes_b:
        return out
    ga, gb = defaultdict(str), defaultdict(str)
    for s, e, t in themes_a:
        ga[t] += _scored_span(a, s, e)
    for s, e, t in themes_b:
        gb[t] += _scored_span(b, s, e)
    for t in sorted(set(ga) & set(gb)):
        if ga[t] and gb[t]:
            out[t] = round(M.cosine_tf(M.bigrams(ga[t]), M.bigrams(gb[t])), 4)
    return out


def _scored_span(d: _Doc, start: int, end: int) -> str:
    s, e = d.stream.to_stream_pos(start), d.stream.to_stream_pos(end)
    m = d.template.mask[s:e]
    return "".join(c for c, t in zip(d.stream.chars[s:e], m) if not t)
