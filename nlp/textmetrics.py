"""Exact string metrics shared by the stages (ROUGE-L in summarize, 文字重复率 and edit similarity in
compare): bit-parallel, so long texts stay cheap.

- :func:`lcs_length` — longest common subsequence (Allison–Dix / Hyyrö) on Python big integers,
  O(len(a)·len(b)/w), exact; works on strings or on lists of tokens.
- :func:`levenshtein` — Myers/Hyyrö bit-vector edit distance (unit costs), exact.
"""
from __future__ import annotations

from typing import Hashable, Sequence


def _peq(a: Sequence[Hashable]) -> dict[Hashable, int]:
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def lcs_length(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Length of the longest common subsequence of ``a`` and ``b`` (exact)."""
    if not a or not b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    peq = _peq(a)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & peq.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def levenshtein(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance (unit costs) between ``a`` and ``b`` (exact, bit-parallel)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    m = len(a)
    peq = _peq(a)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score
