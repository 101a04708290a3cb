"""Reused passages from aligned span pairs: snapped to sentences, clustered, each with its
members' masked phrases, foreign names, and which report printed it first; and the template
and formula passages (masked text, listed but never scored as reuse).

Snapping: an aligned pair's ends move outward, across characters the two reports print alike,
to the outermost sentence bound both reports share, else the outermost shared clause bound
(，；：、, a closing bracket, a line break, the edge of a masked phrase), else — across at most
``SNAP_FUZZ`` characters printed differently (区政府 / 市政府) — the nearest shared bound; failing
that inward to the first shared sentence, then clause bound; else they stay (a copy shorter
than a clause). A pair is kept when each span holds
at least ``min_chars`` characters outside template and formula phrases.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .names import NameFinder
from .passages import AlignedPair, cluster_pairs
from .prepare import PreparedReport
from .records import CompareConfig, Passage, PassageSpan

_DIGITS = re.compile(r"\d")
_ASCII_DIGITS = frozenset("0123456789")
_DATE = re.compile(r"((?:19|20)\d{2})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")


def _alike(x: str, y: str) -> bool:
    """Characters printed alike: equal, or both digits (seeds fold digits: a copy with updated figures)."""
    return x == y or (x in _ASCII_DIGITS and y in _ASCII_DIGITS)


def _is_bound(bounds: np.ndarray, x: int) -> bool:
    k = int(np.searchsorted(bounds, x))
    return k < len(bounds) and int(bounds[k]) == x


#: characters printed differently that an end may still cross to reach a shared bound (区政府 / 市政府)
SNAP_FUZZ = 4


def _snap_start(a: PreparedReport, b: PreparedReport, a0: int, b0: int, limit: int, reach: int) -> tuple[int, int]:
    """Move the start to a sentence (else clause) start of both reports; ``limit``: farthest inward."""
    ca, cb = a.stream.chars, b.stream.chars
    ext = 0
    while ext < reach and a0 - ext > 0 and b0 - ext > 0 and _alike(ca[a0 - ext - 1], cb[b0 - ext - 1]):
        ext += 1
    fuzz = min(SNAP_FUZZ, a0 - ext, b0 - ext)
    shift = b0 - a0
    levels = ((a.sentence_starts, b.sentence_starts), (a.clause_starts, b.clause_starts))
    for lo_x, hi_x, outermost in ((a0 - ext, a0, True), (a0 - ext - fuzz, a0 - ext - 1, False)):
        for ba, bb in levels:   # outward: the outermost shared bound over alike text, else the nearest past it
            lo, hi = int(np.searchsorted(ba, lo_x)), int(np.searchsorted(ba, hi_x, side="right"))
            xs = ba[lo:hi].tolist()
            for x in (xs if outermost else reversed(xs)):
                if _is_bound(bb, x + shift):
                    return x, x + shift
    for ba, bb in levels:      # else inward: the first shared bound
        lo, hi = int(np.searchsorted(ba, a0, side="right")), int(np.searchsorted(ba, limit, side="right"))
        for x in ba[lo:hi].tolist():
            if _is_bound(bb, x + shift):
                return x, x + shift
    return a0, b0


def _snap_end(a: PreparedReport, b: PreparedReport, a1: int, b1: int, limit: int, reach: int) -> tuple[int, int]:
    """Move the end to a sentence (else clause) end of both reports; ``limit``: farthest inward."""
    ca, cb = a.stream.chars, b.stream.chars
    ext = 0
    while ext < reach and a1 + ext < len(ca) and b1 + ext < len(cb) and _alike(ca[a1 + ext], cb[b1 + ext]):
        ext += 1
    fuzz = max(0, min(SNAP_FUZZ, len(ca) - a1 - ext, len(cb) - b1 - ext))
    shift = b1 - a1
    levels = ((a.sentence_starts, b.sentence_starts), (a.clause_starts, b.clause_starts))
    for lo_x, hi_x, outermost in ((a1, a1 + ext, True), (a1 + ext + 1, a1 + ext + fuzz, False)):
        for ba, bb in levels:
            lo, hi = int(np.searchsorted(ba, lo_x)), int(np.searchsorted(ba, hi_x, side="right"))
            xs = ba[lo:hi].tolist()
            for x in (reversed(xs) if outermost else xs):
                if _is_bound(bb, x + shift):
                    return x, x + shift
    for ba, bb in levels:
        lo, hi = int(np.searchsorted(ba, limit)), int(np.searchsorted(ba, a1))
        for x in reversed(ba[lo:hi].tolist()):
            if _is_bound(bb, x + shift):
                return x, x + shift
    return a1, b1


def snap_pairs(docs: Mapping[int, PreparedReport], aligned: list[AlignedPair], cfg: CompareConfig) -> list[AlignedPair]:
    """Every pair snapped to sentence/clause bounds; pairs with too few scored characters dropped
    (``docs`` by report number, their ``scored_before`` set)."""
    out = []
    for p in aligned:
        a, b = docs[p.a], docs[p.b]
        mid = (p.a_start + p.a_end) // 2
        a0, b0 = _snap_start(a, b, p.a_start, p.b_start, mid, cfg.snap_reach)
        a1, b1 = _snap_end(a, b, p.a_end, p.b_end, max(mid, a0 + 1), cfg.snap_reach)
        if a1 <= a0 or b1 <= b0:
            a0, a1, b0, b1 = p.a_start, p.a_end, p.b_start, p.b_end
        sa, sb = a.scored_before, b.scored_before
        if min(int(sa[a1] - sa[a0]), int(sb[b1] - sb[b0])) < cfg.min_chars:
            continue
        grown = max(a1 - a0, b1 - b0) - max(p.a_end - p.a_start, p.b_end - p.b_start)
        matched = min(p.matched + max(0, grown), a1 - a0, b1 - b0)
        identity = round(matched / max(a1 - a0, b1 - b0), 4)
        out.append(AlignedPair(p.a, a0, a1, p.b, b0, b1, matched, min(identity, p.identity) if grown <= 0 else identity))
    return out


def _allowed_members(kind: str, doc_set: list[int], agency_of: list[str], years: list[int | None]) -> set[int]:
    """Members that have at least one partner in the cluster the pair filter allows (linear in the cluster)."""
    from collections import Counter

    agencies = Counter(agency_of[x] for x in doc_set if agency_of[x])
    if kind == "cross-agency":   # some member of another (or an unknown) agency
        unknown = sum(1 for x in doc_set if not agency_of[x])
        return {x for x in doc_set if unknown - (not agency_of[x]) > 0
                or len(doc_set) - unknown - agencies.get(agency_of[x], 0) > 0}
    if kind == "same-agency":    # another member of the same agency
        return {x for x in doc_set if agency_of[x] and agencies[agency_of[x]] >= 2}
    present = {y for y in years if y is not None}   # consecutive-years: a member one year apart
    return {x for x, y in zip(doc_set, years) if y is not None and (y - 1 in present or y + 1 in present)}


def _date_key(s: str) -> tuple[int, int, int] | None:
    m = _DATE.search(s or "")
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def first_printed(members: list[PassageSpan], dates: dict[str, str]) -> tuple[str | None, str]:
    """The member report that printed the passage first and how that was decided: the earliest
    year; in the same year the earliest publication date; else undetermined."""
    years = [m.year for m in members]
    if any(y is None for y in years):
        return None, "undetermined"
    earliest = min(years)
    first = sorted({m.report for m in members if m.year == earliest})
    if len(first) == 1:
        return first[0], "earlier_year"
    keyed = [(_date_key(dates.get(r, "")), r) for r in first]
    if all(k is not None for k, _ in keyed):
        keyed.sort()
        if keyed[0][0] != keyed[1][0]:
            return keyed[0][1], "publication_date"
    return None, "undetermined"


@dataclass
class ReuseOutcome:
    passages: list[Passage]
    cover: list[np.ndarray]     # per report: passage count per stream character


def reuse_passages(docs: list[PreparedReport], aligned: list[AlignedPair], agency_of: list[str],
                   cfg: CompareConfig) -> ReuseOutcome:
    """Cluster the snapped pairs into passages (single link) and describe every member."""
    nodes, clusters, identities = cluster_pairs(aligned)
    cover = [np.zeros(len(d.stream), dtype=np.int32) for d in docs]
    finder = NameFinder([d.report.agency for d in docs] + agency_of)
    dates = {d.report.id: d.report.publication_date for d in docs}
    records = []
    for ks, identity in zip(clusters, identities):
        members = [nodes[k] for k in ks]
        doc_set = sorted({m.doc for m in members})
        if len(doc_set) < 2:
            continue
        if cfg.pairs != "all":
            keep = _allowed_members(cfg.pairs, doc_set, agency_of, [docs[x].report.year for x in doc_set])
            members = [m for m in members if m.doc in keep]
            doc_set = sorted(keep)
            if len(doc_set) < 2:
                continue
        cluster_agencies = {docs[x].report.agency for x in doc_set} | {agency_of[x] for x in doc_set}
        spans = []
        for m in members:
            d = docs[m.doc]
            s, e = d.stream.to_text_span(m.start, m.end)
            masked = [(*d.stream.to_text_span(x, y), why) for x, y, why in d.template.runs(1, m.start, m.end)]
            own = {d.report.agency, agency_of[m.doc]}
            foreign = finder.foreign(d.stream.chars[m.start:m.end], own, lambda own=own: cluster_agencies - own)
            spans.append(PassageSpan(d.report.id, s, e, d.report.agency, d.report.year, masked, foreign))
            cover[m.doc][m.start:m.end] += 1
        first = members[0]
        rep = docs[first.doc]
        ts, te = rep.stream.to_text_span(first.start, first.end)
        scored = int((~rep.template.mask[first.start:first.end]).sum())
        agencies = sorted({agency_of[m.doc] or f"?{docs[m.doc].report.id}" for m in members})
        who, how = first_printed(spans, dates)
        records.append(Passage("", "reuse", rep.report.text[ts:te], first.end - first.start, len(doc_set),
                               len(agencies), [a for a in agencies if not a.startswith("?")], spans,
                               identity=identity, scored_chars=scored,
                               flags=["foreign_name"] if any(sp.foreign_names for sp in spans) else [],
                               first_printed=who, direction=how))
    records.sort(key=lambda p: (-p.n_agencies, -p.n_reports, -p.scored_chars, p.members[0].report, p.members[0].start))
    for k, p in enumerate(records, 1):
        p.id = f"P{k:05d}"
    return ReuseOutcome(records, cover)


def masked_passages(docs: list[PreparedReport], agency_of: list[str], cfg: CompareConfig) -> list[Passage]:
    """Template and formula text (listed, never scored as reuse): masked runs cut at sentence
    ends, pieces grouped by content with digits folded (the same mandated sentence with another
    year or figure is one passage). Template pieces shorter than ``min_chars`` are left out;
    formulas are listed whatever their length."""
    by_text: dict[tuple[str, str], list[tuple[int, int, int, str]]] = defaultdict(list)
    for k, d in enumerate(docs):
        chars = d.stream.chars
        for s, e, reason in d.template.runs(1):
            kind = "formula" if reason == "formula" else "template"
            lo, hi = int(np.searchsorted(d.sentence_starts, s, side="right")), int(np.searchsorted(d.sentence_starts, e))
            cuts = [s] + d.sentence_starts[lo:hi].tolist() + [e]
            for x, y in zip(cuts, cuts[1:]):
                if y - x >= (cfg.min_chars if kind == "template" else 4):
                    by_text[(kind, _DIGITS.sub("0", chars[x:y]))].append((k, x, y, reason))
    out = []
    for (kind, content), occ in by_text.items():
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
        out.append(Passage("", kind, d0.report.text[ts:te], len(content), len(doc_set), len(agencies),
                           [a for a in agencies if not a.startswith("?")], spans, reason=reason))
    out.sort(key=lambda p: (p.kind, -p.n_agencies, -p.n_reports, -p.chars, p.members[0].report, p.members[0].start))
    counters = {"template": 0, "formula": 0}
    for p in out:
        counters[p.kind] += 1
        p.id = f"{'T' if p.kind == 'template' else 'F'}{counters[p.kind]:05d}"
    return out
