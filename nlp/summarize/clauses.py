"""Clause and sentence splitting with offsets (local helpers for the summarizer).

``nlp.sentences`` (the parser's splitter) is used for sentences when present; the
clause split here is the summarizer's own unit for headline extraction.
"""
from __future__ import annotations

import re

_CLAUSE_END = re.compile(r"[，,。；;：:！!？?\n]")
_SENT_END = re.compile(r"[。；;！!？?]")
_OPEN, _CLOSE = "《“（(「【", "》”）)」】"


def _split(text: str, start: int, end: int, pattern: re.Pattern[str], min_len: int) -> list[tuple[int, int]]:
    """Split text[start:end] after each delimiter that is not inside brackets/quotes."""
    spans: list[tuple[int, int]] = []
    depth = 0
    s = start
    for i in range(start, end):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and pattern.match(c):
            spans.append((s, i + 1))
            s = i + 1
    if s < end:
        spans.append((s, end))
    # strip whitespace, drop empties, merge fragments shorter than min_len into the previous span
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        if out and (b - a) < min_len:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def clause_spans(text: str, start: int = 0, end: int | None = None, min_len: int = 3) -> list[tuple[int, int]]:
    """Clauses (ending at ，。；：！？) of text[start:end] as (start, end) offsets."""
    return _split(text, start, len(text) if end is None else end, _CLAUSE_END, min_len)


def sentence_spans(text: str, start: int = 0, end: int | None = None, min_len: int = 4) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as offsets; paragraphs (newlines) always break a sentence."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        out.extend(_split(text, a, b, _SENT_END, min_len))
    return out


def strip_punct(clause: str) -> str:
    """A clause without its trailing delimiter and surrounding whitespace."""
    return clause.strip().rstrip("，,。；;：:！!？?、").strip()
