"""Reused passages: shingle seeds → aligned spans in both reports → single-link clusters.

For every report ``r`` and every shared, non-template n-gram in it, the corpus index
(``r``'s rows of it: :class:`~nlp.comparison.index.IndexView`) names one *partner*: the lowest-numbered other report holding that n-gram. For each
partner ``p`` of ``r``, every shared n-gram of ``r`` found in ``p`` is a seed
``(i, j)`` (positions in both content streams). Seeds are chained along diagonals
(``j − i`` may drift by at most ``max_shift`` characters; at most ``max_gap``
uncovered characters between seeds: a changed number, a dropped word), which is an
exact local alignment of the two spans: the characters inside seed windows match
exactly, and the gaps between seeds are aligned with an exact LCS. A span pair is kept
when both spans have ≥ ``min_chars`` characters and its identity (matched ÷ longer
span) ≥ ``min_identity``.

Spans are the nodes of a graph (spans of one report that overlap by ≥ half of the
shorter are one node); aligned pairs are its edges; connected components are the
passage clusters (single link). Linking each occurrence to one partner keeps the work
linear in the total text however many reports share a passage, while the components
still gather every holder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Container, Mapping

import numpy as np

from .index import IndexView
from .measures import lcs_length

if TYPE_CHECKING:
    from .prepare import PreparedReport


@dataclass
class AlignedPair:
    """One aligned span pair (stream coordinates, end exclusive)."""

    a: int
    a_start: int
    a_end: int
    b: int
    b_start: int
    b_end: int
    matched: int
    identity: float


class UnionFind:
    """Disjoint sets over 0..n−1 (path halving, union by size)."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def window_ok(template: np.ndarray, n: int) -> np.ndarray:
    """Per n-gram start position: True when no character of the window is template."""
    m = len(template) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=bool)
    c = np.concatenate([[0], np.cumsum(template.astype(np.int32))])
    return (c[n:n + m] - c[:m]) == 0


def _chain_breaks(i: np.ndarray, j: np.ndarray, n: int, max_gap: int, max_shift: int,
                  scored_before: np.ndarray | None = None, bridge: int = 0) -> np.ndarray:
    """Where a diagonal seed chain breaks: more than ``max_gap`` uncovered characters between
    consecutive seed windows, a drift over ``max_shift``, or a step back. With
    ``scored_before`` (per stream position, scored characters before it) masked characters
    in a gap are not counted, up to ``bridge`` of them: a copied sentence holding a mandated
    phrase or a formula stays one chain."""
    diag = j - i
    gap = np.diff(i) - n  # uncovered characters between consecutive seed windows in a
    if scored_before is not None and len(i) > 1:
        ends = np.minimum(i[:-1] + n, len(scored_before) - 1)
        scored_gap = np.maximum(0, scored_before[i[1:]] - scored_before[ends])
        masked_gap = np.maximum(0, gap - scored_gap)
        too_far = (scored_gap > max_gap) | (masked_gap > bridge)
    else:
        too_far = gap > max_gap
    shift = np.abs(np.diff(diag))
    back = np.diff(j) < 0
    return np.flatnonzero(too_far | (shift > max_shift) | back) + 1


def _trim_weak_ends(i: np.ndarray, j: np.ndarray, n: int, min_run: int, min_gap: int = 3,
                    scored_before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Drop a first or last exact run shorter than ``min_run`` characters that is cut off from
    the rest by ≥ ``min_gap`` unaligned characters: a common phrase just past a passage's
    end (the next sentence opening alike in both reports) is not part of the passage. With
    ``scored_before``, masked characters (a bridged template phrase) do not count as a gap."""
    def gap(a_end: int, a_next: int, b_end: int, b_next: int) -> int:
        ga = a_next - a_end
        if scored_before is not None and a_next > a_end:
            ga = int(scored_before[min(a_next, len(scored_before) - 1)] - scored_before[min(a_end, len(scored_before) - 1)])
        return max(ga, b_next - b_end - (a_next - a_end - ga))

    while len(i) > 1:
        di, dj = np.diff(i), np.diff(j)
        cut = np.flatnonzero((di != dj) | (di > n)) + 1
        if len(cut) == 0:
            break
        first_len = int(i[cut[0] - 1]) + n - int(i[0])
        gap_first = gap(int(i[cut[0] - 1]) + n, int(i[cut[0]]), int(j[cut[0] - 1]) + n, int(j[cut[0]]))
        last_len = int(i[-1]) + n - int(i[cut[-1]])
        gap_last = gap(int(i[cut[-1] - 1]) + n, int(i[cut[-1]]), int(j[cut[-1] - 1]) + n, int(j[cut[-1]]))
        if last_len < min_run and gap_last >= min_gap and last_len <= first_len:
            i, j = i[:cut[-1]], j[:cut[-1]]
        elif first_len < min_run and gap_first >= min_gap:
            i, j = i[cut[0]:], j[cut[0]:]
        else:
            break
    return i, j


def _align_piece(i: np.ndarray, j: np.ndarray, n: int, a_chars: str, b_chars: str,
                 a_cps: np.ndarray, b_cps: np.ndarray) -> tuple[int, int, int, int, int]:
    """Spans and matched characters of one seed chain (seeds sorted by i).

    Seeds on one diagonal with overlapping windows form exact runs; characters inside
    runs are compared one by one (seeds fold digits, so a changed figure is a mismatch
    here); the gaps between runs are aligned with an exact LCS."""
    a_start, a_end = int(i[0]), int(i[-1]) + n
    b_start, b_end = int(j.min()), int(j.max()) + n
    di, dj = np.diff(i), np.diff(j)
    cut = np.flatnonzero((di != dj) | (di > n)) + 1
    matched = 0
    prev_a = prev_b = None
    for ri, rj in zip(np.split(i, cut), np.split(j, cut)):
        ra0, ra1, rb0 = int(ri[0]), int(ri[-1]) + n, int(rj[0])
        if prev_a is not None:
            shift = max(0, prev_a - ra0, prev_b - rb0)
            ra0, rb0 = ra0 + shift, rb0 + shift
            if ra0 < ra1:
                matched += lcs_length(a_chars[prev_a:ra0], b_chars[prev_b:rb0])
        if ra0 < ra1:
            length = ra1 - ra0
            matched += int(np.count_nonzero(a_cps[ra0:ra1] == b_cps[rb0:rb0 + length]))
            prev_a, prev_b = ra1, rb0 + length
    return a_start, a_end, b_start, b_end, matched


#: a passage does not start with the previous sentence's end, nor end with the next one's opening
_LEADING_TRIM = frozenset("。；！？，、：;!?,:)]）】」』”’")
_TRAILING_TRIM = frozenset("([（【「『“‘《")


_NUMERIC = frozenset("0123456789.%")
#: a section number at a span's end opens the next section: not part of the passage
_TRAILING_MARKER = re.compile(r"(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.])$")


def _trim_edges(a: str, b: str, a0: int, a1: int, b0: int, b1: int, min_chars: int,
                n: int = 10) -> tuple[int, int, int, int]:
    """Tidy both ends of an aligned pair: cut an end that runs past a mismatch by only a few
    characters (seeds fold digits, so ``…。2020年，`` and ``…。2024年，`` seed alike), then
    the partial number left there, then punctuation that belongs to the neighbouring sentence."""
    short = max(2, n // 2)
    for _ in range(4):
        w = min(n, a1 - a0, b1 - b0)
        tail = [q for q in range(w) if a[a1 - w + q] != b[b1 - w + q]]
        if tail and w - tail[-1] - 1 < short:
            cut = w - tail[-1]
            a1, b1 = a1 - cut, b1 - cut
            while a1 > a0 and b1 > b0 and a[a1 - 1] in _NUMERIC and a[a1 - 1] == b[b1 - 1]:
                a1, b1 = a1 - 1, b1 - 1
            continue
        head = [q for q in range(w) if a[a0 + q] != b[b0 + q]]
        if head and head[0] < short:
            cut = head[0] + 1
            a0, b0 = a0 + cut, b0 + cut
            while a0 < a1 and b0 < b1 and a[a0] in _NUMERIC and a[a0] == b[b0]:
                a0, b0 = a0 + 1, b0 + 1
            continue
        break
    while a1 - a0 > min_chars and b1 - b0 > min_chars and a[a0] in _LEADING_TRIM and a[a0] == b[b0]:
        a0, b0 = a0 + 1, b0 + 1
    m = _TRAILING_MARKER.search(a, max(a0, a1 - 5), a1)
    if m and a1 - a0 - len(m.group(0)) >= min_chars and a[m.start():a1] == b[b1 - len(m.group(0)):b1]:
        a1, b1 = a1 - len(m.group(0)), b1 - len(m.group(0))
    while a1 - a0 > min_chars and b1 - b0 > min_chars and a[a1 - 1] in _TRAILING_TRIM and a[a1 - 1] == b[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
    return a0, a1, b0, b1


def report_seeds(r: int, d: "PreparedReport", view: IndexView) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Report ``r``'s seed positions (n-gram windows free of template, the n-gram held by another
    report too), their hashes and partners (lowest other holder); None when it has none."""
    if len(d.shingles.hashes) == 0 or d.ok is None:
        return None
    vp = np.flatnonzero(d.ok)
    k = d.shingles.inverse[vp]
    shared = view.df[k] >= 2
    vp, k = vp[shared], k[shared]
    if len(vp) == 0:
        return None
    return vp, d.shingles.hashes[vp], view.partners(r)[k]


def partner_reach(vp: np.ndarray, partner: np.ndarray) -> list[tuple[int, int, int]]:
    """Per partner of a report's seeds (ascending; none (−1) left out): ``(p, first, last)``, the
    first and last seed position whose lowest other holder is ``p`` (one sort for all partners)."""
    if len(partner) == 0:
        return []
    order = np.argsort(partner, kind="stable")
    ps, starts = np.unique(partner[order], return_index=True)
    ends = np.append(starts[1:], len(order)) - 1
    first, last = vp[order[starts]], vp[order[ends]]
    return [(p, f, la) for p, f, la in zip(ps.tolist(), first.tolist(), last.tolist()) if p >= 0]


def pair_seeds(vp: np.ndarray, hv: np.ndarray, first: int, last: int, other: "PreparedReport", margin: int,
               scored_before: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The seeds of a report with a partner (``other``): every shared n-gram of the report found in
    the partner (outside template there), between (a ``margin`` around) the ``first`` and ``last``
    seed position whose lowest other holder is the partner (:func:`partner_reach`); as positions (i
    in the report, j in the partner)."""
    if scored_before is None:
        lo_pos, hi_pos = first - margin, last + margin
    else:  # the margin counts scored characters: a bridged template phrase does not use it up
        lo_pos = int(np.searchsorted(scored_before, scored_before[first] - margin))
        hi_pos = int(np.searchsorted(scored_before, scored_before[min(last, len(scored_before) - 1)] + margin,
                                     side="right"))
    lo = int(np.searchsorted(vp, lo_pos))
    hi = int(np.searchsorted(vp, hi_pos, side="right"))
    vq, hq = vp[lo:hi], hv[lo:hi]
    j = other.shingles.resolve_positions(vq, hq)
    sel = j >= 0
    i_s, j_s = vq[sel], j[sel]
    keep = other.ok[j_s]
    return i_s[keep], j_s[keep]


def align_report(
    r: int,
    docs: Mapping[int, "PreparedReport"],
    view: IndexView,
    n: int,
    min_chars: int,
    max_gap: int = 10,
    max_shift: int = 10,
    min_identity: float = 0.8,
    bridge: int = 0,
    partners: Container[int] | None = None,
) -> list[tuple[int, list[AlignedPair]]]:
    """Aligned span pairs between report ``r`` and each of its partners (see module docstring),
    partner by partner in ascending order: ``[(p, pairs), …]`` (a partner with no pair included).

    ``docs``: the prepared reports by number (``r`` and its partners at least: template mask and
    ``ok`` set); ``view``: ``r``'s rows of the corpus index; ``partners``: align only these
    (None: all). Template/formula characters are skipped by seeds; runs of them up to
    ``bridge`` characters long do not break a passage."""
    from .textprep import codepoints

    d = docs[r]
    out: list[tuple[int, list[AlignedPair]]] = []
    seeds = report_seeds(r, d, view)
    if seeds is None:
        return out
    vp, hv, partner = seeds
    streams_r = d.stream.chars
    r_cps = codepoints(streams_r)
    scored_before = d.scored_before if bridge > 0 else None
    for p, first, last in partner_reach(vp, partner):
        if p == r or (partners is not None and p not in partners):
            continue
        found: list[AlignedPair] = []
        out.append((p, found))
        other = docs[p]
        i_s, j_s = pair_seeds(vp, hv, first, last, other, 2 * n + max_gap, scored_before)
        if len(i_s) == 0:
            continue
        bounds = np.concatenate([[0], _chain_breaks(i_s, j_s, n, max_gap, max_shift, scored_before, bridge),
                                 [len(i_s)]])
        long_enough = i_s[bounds[1:] - 1] + n - i_s[bounds[:-1]] >= min_chars   # chains too short to matter
        p_cps = None
        streams_p = other.stream.chars
        for a, b in zip(bounds[:-1][long_enough].tolist(), bounds[1:][long_enough].tolist()):
            ci, cj = _trim_weak_ends(i_s[a:b], j_s[a:b], n, n + 5, scored_before=scored_before)
            if int(ci[-1]) + n - int(ci[0]) < min_chars:
                continue
            if p_cps is None:
                p_cps = codepoints(streams_p)
            a0, a1, b0, b1, matched = _align_piece(ci, cj, n, streams_r, streams_p, r_cps, p_cps)
            a0, a1, b0, b1 = _trim_edges(streams_r, streams_p, a0, a1, b0, b1, min_chars, n)
            if min(a1 - a0, b1 - b0) < min_chars:
                continue
            matched = min(matched, a1 - a0, b1 - b0)  # the trimmed ends held no matches to speak of
            identity = matched / max(a1 - a0, b1 - b0)
            if identity < min_identity:
                continue
            found.append(AlignedPair(r, a0, a1, p, b0, b1, matched, round(identity, 4)))
    return out


@dataclass
class Node:
    """A span of one report that takes part in one or more aligned pairs."""

    doc: int
    start: int
    end: int


def cluster_pairs(pairs: list[AlignedPair], min_overlap: float = 0.5) -> tuple[list[Node], list[list[int]], list[float]]:
    """Single-link clusters of spans: returns the nodes, per cluster its node indexes (clusters and
    members in a stable order: by first report, then start) and the lowest identity of the pairs
    that built it.

    Spans of one report are one node when their overlap covers ≥ ``min_overlap`` of the
    *longer* span (the same stretch of text): a short phrase inside a long passage stays
    its own node, so a formula shared by many different passages does not chain them
    all into one cluster."""
    from bisect import bisect_left

    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for e, p in enumerate(pairs):
        by_doc.setdefault(p.a, []).append((p.a_start, p.a_end, 2 * e))
        by_doc.setdefault(p.b, []).append((p.b_start, p.b_end, 2 * e + 1))
    nodes: list[Node] = []
    end_node = [0] * (2 * len(pairs))
    for doc in sorted(by_doc):
        spans = sorted(by_doc[doc])
        first = len(nodes)
        starts: list[int] = []  # starts of this doc's nodes (non-decreasing: spans come sorted)
        for s, e, ref in spans:
            length = e - s
            best, best_k = 0.0, -1
            k = bisect_left(starts, s - length)
            while k < len(starts) and starts[k] < e:
                nd = nodes[first + k]
                overlap = min(nd.end, e) - max(nd.start, s)
                if overlap > 0:
                    ratio = overlap / max(length, nd.end - nd.start)
                    if ratio > best:
                        best, best_k = ratio, k
                k += 1
            if best_k >= 0 and best >= min_overlap:
                nd = nodes[first + best_k]
                nd.end = max(nd.end, e)
                end_node[ref] = first + best_k
            else:
                nodes.append(Node(doc, s, e))
                starts.append(s)
                end_node[ref] = len(nodes) - 1
    uf = UnionFind(len(nodes))
    for e in range(len(pairs)):
        uf.union(end_node[2 * e], end_node[2 * e + 1])
    groups: dict[int, list[int]] = {}
    for k in range(len(nodes)):
        groups.setdefault(uf.find(k), []).append(k)
    clusters = sorted(groups.values(), key=lambda ks: (nodes[ks[0]].doc, nodes[ks[0]].start))
    lowest: dict[int, float] = {}
    for e, p in enumerate(pairs):
        root = uf.find(end_node[2 * e])
        lowest[root] = min(lowest.get(root, 1.0), p.identity)
    return nodes, clusters, [lowest.get(uf.find(ks[0]), 1.0) for ks in clusters]
