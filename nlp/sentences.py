"""Chinese sentence and clause splitting: the one implementation every stage uses.

Both functions return ``(start, end)`` offsets into the text they were given
(absolute when ``start``/``end`` bound a region), with surrounding whitespace
trimmed and empty pieces dropped.
"""
from __future__ import annotations

import re

#: characters that end a sentence
SENTENCE_END = "。！？!?…"
#: a semicolon ends a sentence unless an enumeration continues after it (一是…；二是…)
SEMICOLONS = "；;"
#: clause boundaries (inside a sentence)
CLAUSE_END = "，,；;：:。！？!?…"
OPENERS = "“‘「『（(《【〔["
CLOSERS = "”’」』）)》】〕]"
_PAIR = dict(zip(OPENERS, CLOSERS))
#: an enumeration item that continues a sentence after a semicolon
ENUMERATION_CONTINUES = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|第[一二三四五六七八九十]{1,3}[，,、]|其[一二三四五六七八九十][，,、])")
#: a quoted/bracketed run longer than this is treated as unbalanced (stop protecting it)
MAX_BRACKET_RUN = 200


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; quotes and brackets stay balanced, enumerations whole.

    A newline always ends a sentence (paragraphs are split by the caller).
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    s = start
    i = start
    while i < end:
        c = text[i]
        if c in OPENERS and not (c in "“‘" and stack and stack[-1][0] == _PAIR[c]):
            stack.append((_PAIR[c], i))
        elif stack and c == stack[-1][0]:
            stack.pop()
        elif c in CLOSERS and stack and c in {x[0] for x in stack}:
            while stack and stack[-1][0] != c:
                stack.pop()
            if stack:
                stack.pop()
        if stack and i - stack[0][1] > MAX_BRACKET_RUN:
            stack.clear()
        cut = -1
        if c == "\n":
            cut = i
            stack.clear()
        elif not stack and (c in SENTENCE_END or c in SEMICOLONS):
            j = i + 1
            while j < end and (text[j] in SENTENCE_END or text[j] in CLOSERS):
                j += 1
            if c in SEMICOLONS and ENUMERATION_CONTINUES.match(text, j, end):
                i = j
                continue
            cut = j
        if cut >= 0:
            a, b = _trim(text, s, cut)
            if b > a:
                out.append((a, b))
            s = cut
            i = max(cut, i + 1)
            continue
        i += 1
    a, b = _trim(text, s, end)
    if b > a:
        out.append((a, b))
    return out


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into clauses at ，；：。！？ (outside quotes and brackets)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    depth = 0
    run_start = -1
    s = start
    for i in range(start, end):
        c = text[i]
        if c in OPENERS:
            if depth == 0:
                run_start = i
            depth += 1
        elif c in CLOSERS and depth:
            depth -= 1
        if depth and i - run_start > MAX_BRACKET_RUN:
            depth = 0
        if (c in CLAUSE_END and depth == 0) or c == "\n":
            a, b = _trim(text, s, i + 1 if c != "\n" else i)
            if b > a:
                out.append((a, b))
            s = i + 1
    a, b = _trim(text, s, end)
    if b > a:
        out.append((a, b))
    return out
