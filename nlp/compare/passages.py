"""Reused passages: shingle seeds → aligned spans in both reports → single-link clusters.

For every report ``r`` and every shared, non-template n-gram in it, the corpus index
names one *partner*: the lowest-numbered other report holding that n-gram. For each
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

from dataclasses import dataclass

import numpy as np

from .index import DocShingles, ShingleIndex
from .measures import lcs_length


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


def _chain_breaks(i: np.ndarray, j: np.ndarray, n: int, max_gap: int, max_shift: int) -> np.ndarray:
    diag = j - i
    gap = np.diff(i) - n  # uncovered characters between consecutive seed windows in a
    shift = np.abs(np.diff(diag))
    back = np.diff(j) < 0
    return np.flatnonzero((gap > max_gap) | (shift > max_shift) | back) + 1


def _align_piece(i: np.ndarray, j: np.ndarray, n: int, a_chars: str, b_chars: str) -> tuple[int, int, int, int, int]:
    """Spans and matched characters of one seed chain (seeds sorted by i)."""
    a_start, a_end = int(i[0]), int(i[-1]) + n
    b_start, b_end = int(j.min()), int(j.max()) + n
    matched = 0
    for k in range(len(i)):
        if k + 1 < len(i):
            step_a = int(i[k + 1] - i[k])
            step_b = int(j[k + 1] - j[k])
            if step_a <= n and step_b <= n:
                matched += min(step_a, step_b)
            else:
                matched += n
                ga = a_chars[int(i[k]) + n:int(i[k + 1])]
                gb = b_chars[int(j[k]) + n:int(j[k + 1])]
                matched += lcs_length(ga, gb)
        else:
            matched += n
    return a_start, a_end, b_start, b_end, matched


#: a passage does not start with the previous sentence's end, nor end with the next one's opening
_LEADING_TRIM = frozenset("。；！？，、：;!?,:)]）】」』”’")
_TRAILING_TRIM = frozenset("([（【「『“‘《")


def _trim_edges(a: str, b: str, a0: int, a1: int, b0: int, b1: int, min_chars: int) -> tuple[int, int, int, int]:
    """Drop punctuation that belongs to the neighbouring sentence from both ends of an aligned pair."""
    while a1 - a0 > min_chars and b1 - b0 > min_chars and a[a0] in _LEADING_TRIM and a[a0] == b[b0]:
        a0, b0 = a0 + 1, b0 + 1
    while a1 - a0 > min_chars and b1 - b0 > min_chars and a[a1 - 1] in _TRAILING_TRIM and a[a1 - 1] == b[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
    return a0, a1, b0, b1


def find_aligned_pairs(
    streams: list[str],
    docs: list[DocShingles],
    index: ShingleIndex,
    ok: list[np.ndarray],
    n: int,
    min_chars: int,
    max_gap: int = 10,
    max_shift: int = 10,
    min_identity: float = 0.8,
    progress=None,
) -> list[AlignedPair]:
    """Aligned span pairs between each report and its partners (see module docstring)."""
    pairs: list[AlignedPair] = []
    for r, d in enumerate(docs):
        if progress is not None:
            progress(r)
        if len(d.hashes) == 0:
            continue
        vp = np.flatnonzero(ok[r])
        if len(vp) == 0:
            continue
        hv = d.hashes[vp]
        k = index.lookup(hv)
        shared = index.df[k] >= 2
        vp, hv, k = vp[shared], hv[shared], k[shared]
        if len(vp) == 0:
            continue
        m1, m2 = index.min1[k], index.min2[k]
        partner = np.where(m1 == r, m2, m1)
        for p in np.unique(partner[partner >= 0]).tolist():
            if p == r:
                continue
            j = docs[p].resolve_positions(vp, hv)
            sel = j >= 0
            if not sel.any():
                continue
            i_s, j_s = vp[sel], j[sel]
            okp = ok[p]
            keep = okp[j_s]
            i_s, j_s = i_s[keep], j_s[keep]
            if len(i_s) == 0:
                continue
            cuts = _chain_breaks(i_s, j_s, n, max_gap, max_shift)
            for ci, cj in zip(np.split(i_s, cuts), np.split(j_s, cuts)):
                if int(ci[-1]) + n - int(ci[0]) < min_chars:
                    continue
                a0, a1, b0, b1, matched = _align_piece(ci, cj, n, streams[r], streams[p])
                a0, a1, b0, b1 = _trim_edges(streams[r], streams[p], a0, a1, b0, b1, min_chars)
                if min(a1 - a0, b1 - b0) < min_chars:
                    continue
                identity = matched / max(a1 - a0, b1 - b0)
                if identity < min_identity:
                    continue
                pairs.append(AlignedPair(r, a0, a1, p, b0, b1, matched, round(identity, 4)))
    return pairs


@dataclass
class Node:
    """A span of one report that takes part in one or more aligned pairs."""

    doc: int
    start: int
    end: int


def cluster_pairs(pairs: list[AlignedPair], min_overlap: float = 0.5) -> tuple[list[Node], list[list[int]]]:
    """Single-link clusters of spans: returns the nodes and, per cluster, its node indexes
    (clusters and members in a stable order: by first report, then start)."""
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for e, p in enumerate(pairs):
        by_doc.setdefault(p.a, []).append((p.a_start, p.a_end, 2 * e))
        by_doc.setdefault(p.b, []).append((p.b_start, p.b_end, 2 * e + 1))
    nodes: list[Node] = []
    end_node = [0] * (2 * len(pairs))
    for doc in sorted(by_doc):
        spans = sorted(by_doc[doc])
        cur: Node | None = None
        for s, e, ref in spans:
            if cur is not None:
                overlap = min(cur.end, e) - max(cur.start, s)
                if overlap >= min_overlap * min(e - s, cur.end - cur.start):
                    cur.end = max(cur.end, e)
                    end_node[ref] = len(nodes) - 1
                    continue
            cur = Node(doc, s, e)
            nodes.append(cur)
            end_node[ref] = len(nodes) - 1
    uf = UnionFind(len(nodes))
    for e in range(len(pairs)):
        uf.union(end_node[2 * e], end_node[2 * e + 1])
    groups: dict[int, list[int]] = {}
    for k in range(len(nodes)):
        groups.setdefault(uf.find(k), []).append(k)
    clusters = sorted(groups.values(), key=lambda ks: (nodes[ks[0]].doc, nodes[ks[0]].start))
    return nodes, clusters
