"""Fuzzy matching of printed row labels against the format's vocabulary.

Labels come split over lines, interleaved with vertical header text, with typos
(``其他法律行政止公开``) or OCR slips. A label matches a row key when one of the key's
fragments occurs in it, when it equals one of the key's exact labels once numbering is
stripped, or — failing both — when its character-bigram Dice similarity with one key's
standard label is high and higher than with any other.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..format import (
    PRINTED_REQUEST_ROWS,
    PROACTIVE_ROW_LABELS,
    REQUEST_ROW_EXACT,
    REQUEST_ROW_FRAGMENTS,
)

_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}\s*[.．、，,]|\s)+")
_NOISE = re.compile(r"[\s|#*：:，,。；;“”\"'（）()、.．]")
#: bigram Dice similarity with a standard label at or above which a label matches without a fragment
DICE_MIN = 0.6


def clean_label(label: str) -> str:
    """Label without numbering, spaces and punctuation."""
    return _NOISE.sub("", _NUMBERING.sub("", label.strip()))


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


def dice(a: str, b: str) -> float:
    """Character-bigram Dice similarity of two strings."""
    if not a or not b:
        return 0.0
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


@lru_cache(maxsize=1)
def _standard_labels() -> tuple[tuple[str, str], ...]:
    return tuple((k, clean_label(label)) for k, label in PRINTED_REQUEST_ROWS.items())


@lru_cache(maxsize=4096)
def request_label_keys(label: str) -> frozenset[str]:
    """Table-3 row keys a printed label names (empty when it names none)."""
    if not label:
        return frozenset()
    keys = {k for k, frags in REQUEST_ROW_FRAGMENTS.items() if any(f in label for f in frags)}
    core = clean_label(label)
    for k, exact in REQUEST_ROW_EXACT.items():
        if core in exact or any(core.endswith(e) and len(core) - len(e) <= 1 for e in exact):
            keys.add(k)
    if not keys and len(core) >= 3:
        # OCR slips and typos: the standard label most similar to the printed one, if clearly so
        ranked = sorted(((dice(core, std), k) for k, std in _standard_labels()), reverse=True)
        if ranked[0][0] >= DICE_MIN and ranked[1][0] < ranked[0][0]:
            keys.add(ranked[0][1])
    return frozenset(keys)


@lru_cache(maxsize=1024)
def proactive_label_key(label: str) -> str:
    """The table-2 row key a printed label names, or ''."""
    core = clean_label(label)
    for key, frags in PROACTIVE_ROW_LABELS:
        if any(f in core for f in frags):
            return key
    return ""
