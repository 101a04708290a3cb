"""Per-report measures of :func:`nlp.comparison.compare`: template, formula and reused shares,
boilerplate (Lang & Stice-Lawrence), redundancy (Cazier & Pfeiffer), specificity (Hope, Hu &
Lu) and theme shares."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from . import measures as M
from .index import IndexView
from .passages import window_ok
from .prepare import PreparedReport
from .records import CompareConfig, Passage, PassageSpan, ReportMeasures
from .reference import ReferenceTable
from .template import FORMULA
from .textprep import shingle_hashes
from ..themes.shares import theme_shares as shares_of_spans


def doc_share(batch_df: np.ndarray, hashes: np.ndarray, n: int, n_docs: int,
              reference: ReferenceTable | None) -> np.ndarray:
    """Share of documents holding each n-gram: the compared reports pooled with the reference."""
    if reference is not None and reference.has(n):
        return (batch_df + reference.df(n, hashes)) / float(n_docs + reference.n_docs)
    return batch_df / float(max(n_docs, 1))


def boilerplate_positions(docs: list[PreparedReport], views: list[IndexView], cfg: CompareConfig,
                          reference: ReferenceTable | None) -> list[np.ndarray] | None:
    """Per report, the start positions of boilerplate n-grams outside template text (found in
    ≥ boilerplate_low and < boilerplate_high of the reports, reference pooled), or None when
    fewer than ``boilerplate_min_docs`` documents are counted. ``views``: each report's rows of
    the corpus index of ``boilerplate_ngram``-grams."""
    N = len(docs)
    if not boilerplate_counted(N, cfg, reference):
        return None
    return [boilerplate_starts(d, view, cfg, N, reference) for d, view in zip(docs, views)]


def boilerplate_counted(n_docs: int, cfg: CompareConfig, reference: ReferenceTable | None) -> bool:
    """Enough documents (``n_docs`` compared, the reference pooled) for the boilerplate share."""
    ref = reference if reference is not None and reference.has(cfg.boilerplate_ngram) else None
    return n_docs + (ref.n_docs if ref else 0) >= cfg.boilerplate_min_docs


def boilerplate_starts(d: PreparedReport, view: IndexView, cfg: CompareConfig, n_docs: int,
                       reference: ReferenceTable | None) -> np.ndarray:
    """One report's boilerplate n-gram starts (see :func:`boilerplate_positions`; ``n_docs``: reports compared)."""
    bn = cfg.boilerplate_ngram
    ref = reference if reference is not None and reference.has(bn) else None
    sh = d.shingles_of(bn)
    if len(sh.hashes) == 0:
        return np.zeros(0, np.int64)
    share = doc_share(view.df[sh.inverse], sh.hashes, bn, n_docs, ref)
    ok = window_ok(d.template.template, bn)
    return np.flatnonzero(ok & (share >= cfg.boilerplate_low) & (share < cfg.boilerplate_high))


def report_measures(k: int, d: PreparedReport, boiler_starts: np.ndarray | None, cover: np.ndarray,
                    agency_of: list[str], passages: list[tuple[Passage, PassageSpan]], near_group: int | None,
                    themes: list[tuple[int, int, str]] | None, cfg: CompareConfig) -> ReportMeasures:
    r = d.report
    excluded = d.template.mask           # template and formulas: never reuse
    template = d.template.template       # template only: outside every score
    formula = d.template.reasons == FORMULA
    total = len(d.stream)
    tmpl = int(template.sum())
    scored = total - tmpl
    reusable = int((~excluded).sum())
    reused = int(((cover > 0) & ~excluded).sum())
    other_cover = np.zeros(total, dtype=bool)
    own = agency_of[k] or f"?{r.id}"
    mine_by_passage: dict[int, list[PassageSpan]] = defaultdict(list)
    by_id: dict[int, Passage] = {}
    for p, m in passages:
        mine_by_passage[id(p)].append(m)
        by_id[id(p)] = p
    for pid, p in by_id.items():
        # found at another agency: another agency named, or several agencies counted
        if p.n_agencies > 1 or any(a != own for a in p.agencies):
            for m in mine_by_passage[pid]:
                other_cover[d.stream.to_stream_pos(m.start):d.stream.to_stream_pos(m.end)] = True
    other = int((other_cover & ~excluded).sum())

    # boilerplate: scored characters of sentences holding a boilerplate n-gram or a formula
    boiler_share = None
    if boiler_starts is not None and scored:
        in_bp = np.zeros(total, dtype=bool)
        sent_starts = d.sentence_starts[:-1]
        hits = np.concatenate([boiler_starts, np.flatnonzero(formula)]).astype(np.int64)
        for h in np.unique(np.searchsorted(sent_starts, hits, side="right") - 1).tolist():
            if h >= 0:
                s, e = d.sentences[h]
                in_bp[s:e] = True
        boiler_share = round(float((in_bp & ~template).sum()) / scored, 4)

    # redundancy: share of scored 10-gram windows whose n-gram occurs more than once in the report
    rn = cfg.redundancy_ngram
    if rn == cfg.ngram:
        h_r = d.shingles.hashes
    else:
        h_r = shingle_hashes(d.stream.chars, rn)
    ok_r = window_ok(template, rn)
    redundancy = 0.0
    if len(ok_r) and ok_r.any():
        _, inv, counts = np.unique(h_r[ok_r], return_inverse=True, return_counts=True)
        redundancy = round(float((counts[inv] > 1).mean()), 4)

    # the theme shares of the content characters (template text left out): one computation, in nlp.themes
    theme_shares = shares_of_spans(themes or (), counted=lambda s, e: int(
        (~template[d.stream.to_stream_pos(s):d.stream.to_stream_pos(e)]).sum()))

    return ReportMeasures(
        report=r.id, source=r.source, agency=r.agency, agency_group=agency_of[k], year=r.year,
        chars=total, template_chars=tmpl, template_share=round(tmpl / total, 4) if total else 0.0,
        scored_chars=scored, reused_chars=reused, reused_share=round(reused / reusable, 4) if reusable else 0.0,
        reused_other_agency_share=round(other / reusable, 4) if reusable else 0.0, n_passages=len(by_id),
        boilerplate_share=boiler_share, redundancy=redundancy, specificity=round(M.specificity(d.scored), 3),
        formula_chars=int(formula.sum()), near_identical_group=near_group, theme_shares=theme_shares,
    )
