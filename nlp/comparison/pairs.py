"""Pair measures of :func:`nlp.comparison.compare`: year over year for the same agency (stickiness,
cosine, modification, Jaccard, 文字重复率, edit similarity, share repeated from last year, per part
and per theme) and the theme similarity of any two reports."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from . import measures as M
from .prepare import PreparedReport, scored_span
from .records import CompareConfig, PairMeasures
from .similarity import exact_jaccard


def year_pairs(docs: list[PreparedReport], agency_of: list[str], sets: list[np.ndarray],
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


def year_over_year(a: PreparedReport, b: PreparedReport, set_a: np.ndarray, set_b: np.ndarray, agency: str,
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
        covered = (np.cumsum(cover)[:-1] > 0) & ~b.template.template
        scored_b = int((~b.template.template).sum())
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
            xa, xb = scored_span(a, pa.start, pa.end), scored_span(b, part.start, part.end)
            if xa or xb:  # a part that is all template (a table) has nothing to score
                pm.part_similarity[part.key] = round(M.dice_lcs(xa, xb), 4)
    pm.theme_similarity = theme_similarity(a, b, themes_a, themes_b)
    return pm


def theme_similarity(a: PreparedReport, b: PreparedReport, themes_a, themes_b) -> dict[str, float]:
    """Per theme both reports cover: cosine of the character-bigram TF of their scored text on it."""
    out: dict[str, float] = {}
    if not themes_a or not themes_b:
        return out
    ga, gb = defaultdict(str), defaultdict(str)
    for s, e, t in themes_a:
        ga[t] += scored_span(a, s, e)
    for s, e, t in themes_b:
        gb[t] += scored_span(b, s, e)
    for t in sorted(set(ga) & set(gb)):
        if ga[t] and gb[t]:
            out[t] = round(M.cosine_tf(M.bigrams(ga[t]), M.bigrams(gb[t])), 4)
    return out
