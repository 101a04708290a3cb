"""Reuse and similarity measures, adapted to Chinese characters.

Definitions follow ``reuse-and-summary-measures.md``; adaptations (Chinese is not
space-delimited) are stated on each function. All text arguments here are template-
masked content strings (whitespace removed, template characters taken out).

- :func:`lcs_length` — bit-parallel LCS (Allison–Dix / Hyyrö) on Python big integers:
  O(len(a)·len(b)/w), exact.
- :func:`levenshtein` — Myers/Hyyrö bit-vector edit distance, exact.
- :func:`dice_lcs` — the peer tool's 文字重复率: 2·LCS ÷ (len₁ + len₂).
- :func:`cosine_tf`, :func:`jaccard_sets` — on character bigrams (the unsegmented
  stand-in for words: no segmenter dependency, deterministic).
- :func:`specificity` — specific items per 100 characters (Hope, Hu & Lu 2016): numbers,
  dates, named bodies, named documents/measures.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from .. import format as V
from ..textmetrics import lcs_length, levenshtein  # noqa: F401  (part of this module's API)


def dice_lcs(a: str, b: str) -> float:
    """文字重复率: 2·LCS(a, b) ÷ (len(a) + len(b)); 0 when both are empty."""
    total = len(a) + len(b)
    return 2.0 * lcs_length(a, b) / total if total else 0.0


def edit_similarity(a: str, b: str) -> float:
    """1 − Levenshtein(a, b) ÷ max(len): 1 identical, 0 nothing in common."""
    longest = max(len(a), len(b))
    return 1.0 - levenshtein(a, b) / longest if longest else 1.0


def bigrams(s: str) -> Counter:
    """Character-bigram term frequencies (the terms of the TF vectors)."""
    return Counter(s[i:i + 2] for i in range(len(s) - 1))


def cosine_tf(a: Counter, b: Counter) -> float:
    """Cosine of two term-frequency vectors (Lazy Prices' cosine; modification = 1 − this)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def jaccard_sets(a: set, b: set) -> float:
    """|A ∩ B| ÷ |A ∪ B| (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


# ---------------------------------------------------------------- specificity

#: specific items (Hope, Hu & Lu 2016, adapted): numbers with a unit or a count, dates,
#: named bodies (a name ending in an agency suffix), named documents and measures
_DATE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|％)?")
_NAMED_DOC = re.compile(r"《[^《》]{2,40}》|“[^“”]{2,20}”")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:" + "|".join(
    sorted((re.escape(s) for s in V.AGENCY_SUFFIXES if len(s) >= 2), key=len, reverse=True)) + ")")


def specific_items(s: str) -> dict[str, int]:
    """Counts of each kind of specific item in ``s`` (dates first: their digits are not numbers)."""
    counts = {"dates": 0, "numbers": 0, "named_documents": 0, "named_bodies": 0}
    rest = s
    for key, pat in (("dates", _DATE), ("named_documents", _NAMED_DOC), ("numbers", _NUMBER), ("named_bodies", _BODY)):
        found = pat.findall(rest)
        counts[key] = len(found)
        rest = pat.sub("□", rest)
    return counts


def specificity(s: str) -> float:
    """Specific items per 100 characters of ``s``."""
    if not s:
        return 0.0
    return 100.0 * sum(specific_items(s).values()) / len(s)
