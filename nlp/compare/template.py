"""Template masking: find the text the format mandates, so no score counts it as reuse.

Two sources, both per character of the content stream:

- **vocabulary** — the statutory preamble, part headings, the statistics tables (labels
  and the printed 勾稽 note), contact lines and fragments listed in
  ``nlp.vocabulary`` (``TEMPLATE_FRAGMENTS``, ``TEMPLATE_SENTENCE_FRAGMENTS``,
  ``STANDARD_PART_TITLES``, ``CONTACT_PATTERN``, ``TEMPLATE_TABLE_ROW``);
- **near-universal frequency** — n-grams found in at least ``template_df`` of the
  compared reports (when at least ``template_min_docs`` are compared).

Masked text is excluded from every score (reuse, boilerplate, redundancy,
year-over-year) but still listed, as template passages with their reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from ..document import Report
from .textprep import ContentStream, _fold

#: reason codes stored per character (0 = not template)
REASONS: dict[int, str] = {
    1: "vocabulary",
    2: "preamble",
    3: "table",
    4: "contact",
    5: "heading",
    6: "frequent",
}
REASON_CODE = {v: k for k, v in REASONS.items()}

#: a preamble longer than this (content characters) is not taken whole as template
MAX_PREAMBLE_CHARS = 600


def _folded(s: str) -> str:
    return "".join(_fold(c) for c in s if not c.isspace())


_FRAGMENTS = None


def _fragments() -> tuple[list[str], set[str]]:
    global _FRAGMENTS
    if _FRAGMENTS is None:
        frags = sorted({_folded(f) for f in V.TEMPLATE_FRAGMENTS if f.strip()}, key=len, reverse=True)
        sentence = {_folded(f) for f in getattr(V, "TEMPLATE_SENTENCE_FRAGMENTS", ())}
        _FRAGMENTS = (frags, sentence)
    return _FRAGMENTS


_TABLE_WORDS = None
#: a line that may hold a contact line (prefilter for CONTACT_PATTERN)
_CONTACT_WORD = re.compile(r"联系|电话|地址|邮编|电子邮箱")
_LINE = re.compile(r"[^\n]+")


def _table_words() -> re.Pattern[str]:
    global _TABLE_WORDS
    if _TABLE_WORDS is None:
        words = sorted({_folded(w) for w in getattr(V, "TABLE_REGION_WORDS", ())}, key=len, reverse=True)
        _TABLE_WORDS = re.compile("|".join(re.escape(w) for w in words) if words else r"(?!x)x")
    return _TABLE_WORDS


@dataclass
class TemplateMask:
    """Per stream character: 0, or the code of the first reason it was masked for."""

    reasons: np.ndarray  # uint8

    @property
    def mask(self) -> np.ndarray:
        return self.reasons > 0

    def mark(self, start: int, end: int, reason: str) -> None:
        seg = self.reasons[start:end]
        seg[seg == 0] = REASON_CODE[reason]

    def runs(self, min_len: int = 1) -> list[tuple[int, int, str]]:
        """Maximal masked runs (start, end, main reason) of at least ``min_len`` characters."""
        m = self.mask.astype(np.int8)
        if not m.any():
            return []
        d = np.diff(np.concatenate([[0], m, [0]]))
        starts = np.flatnonzero(d == 1)
        ends = np.flatnonzero(d == -1)
        out = []
        for s, e in zip(starts, ends):
            if e - s >= min_len:
                codes = self.reasons[s:e]
                main = int(np.bincount(codes).argmax())
                out.append((int(s), int(e), REASONS[main]))
        return out


def _sentence_of(bounds: list[tuple[int, int]], starts: np.ndarray, pos: int) -> tuple[int, int]:
    k = int(np.searchsorted(starts, pos, side="right")) - 1
    if k < 0:
        return bounds[0]
    return bounds[k]


def _text_span_to_stream(stream: ContentStream, start: int, end: int) -> tuple[int, int]:
    return stream.to_stream_pos(start), stream.to_stream_pos(end)


def vocabulary_mask(report: Report, stream: ContentStream, sentences: list[tuple[int, int]]) -> TemplateMask:
    """Mask the format-mandated text of one report (vocabulary rules only)."""
    tm = TemplateMask(np.zeros(len(stream), dtype=np.uint8))
    if len(stream) == 0:
        return tm
    text = report.text
    chars = stream.chars
    starts = np.asarray([s for s, _ in sentences], dtype=np.int64) if sentences else np.zeros(0, dtype=np.int64)

    # preamble: before part 一 (parser's parts / preamble), else before the first 一、 heading
    pre_end_text = 0
    if report.parts:
        pre_end_text = report.parts[0].start
    elif report.preamble and report.preamble[1] > report.preamble[0]:
        pre_end_text = report.preamble[1]
    else:
        m = re.search(r"(?m)^\s*(?:第一部分|一\s*[、.．])", text)
        if m:
            pre_end_text = m.start()
    pre_end = stream.to_stream_pos(pre_end_text)
    if 0 < pre_end <= MAX_PREAMBLE_CHARS:
        tm.mark(0, pre_end, "preamble")

    # tables: the parser's table spans, table rows printed as text, PDF page numbers
    table_ranges: list[tuple[int, int]] = []
    for t in report.tables:
        s, e = _text_span_to_stream(stream, t.start, t.end)
        table_ranges.append((s, e))
        tm.mark(s, e, "table")
    for pat in (V.TEMPLATE_TABLE_ROW, V.TEMPLATE_PAGE_NUMBER, V.TEMPLATE_TABLE_CELL, V.TEMPLATE_TABLE_PIPES):
        for m in pat.finditer(text):
            s, e = _text_span_to_stream(stream, m.start(), m.end())
            tm.mark(s, e, "table")
    # short lines (or '|' cells) holding a table label: the table printed one cell a line
    words = _table_words()
    for m in re.finditer(r"[^\n|]+", text):
        s, e = _text_span_to_stream(stream, m.start(), m.end())
        if 0 < e - s <= V.TEMPLATE_TABLE_LABEL_MAX and words.search(chars[s:e]):
            tm.mark(s, e, "table")

    # part headings: the parser's title lines, else the standard titles wherever printed
    if report.parts:
        for p in report.parts:
            if p.title_end > p.start:
                s, e = _text_span_to_stream(stream, p.start, p.title_end)
                tm.mark(s, e, "heading")
    for title in V.STANDARD_PART_TITLES.values():
        f = _folded(title)
        for m in re.finditer(re.escape(f), chars):
            tm.mark(m.start(), m.end(), "heading")

    # contact lines
    # (the pattern is run line by line, only on lines holding a contact word: it is slow on long text)
    for line in _LINE.finditer(text):
        if not _CONTACT_WORD.search(line.group()):
            continue
        for m in V.CONTACT_PATTERN.finditer(text, line.start(), line.end()):
            s, e = _text_span_to_stream(stream, m.start(), m.end())
            tm.mark(s, e, "contact")

    # fragments: the fragment itself, or its whole sentence for sentence-level fragments,
    # in the preamble and inside tables
    frags, sentence_frags = _fragments()
    for f in frags:
        k = chars.find(f)
        while k >= 0:
            whole = f in sentence_frags or k < pre_end or any(s <= k < e for s, e in table_ranges)
            if whole and sentences:
                s, e = _sentence_of(sentences, starts, k)
                tm.mark(s, max(e, k + len(f)), "vocabulary")
            else:
                tm.mark(k, k + len(f), "vocabulary")
            k = chars.find(f, k + len(f))
    return tm


def mark_frequent(tm: TemplateMask, hashes_df: np.ndarray, n: int, threshold: int) -> None:
    """Mask every character covered by an n-gram found in at least ``threshold`` reports."""
    hot = np.flatnonzero(hashes_df >= threshold)
    if len(hot) == 0:
        return
    cover = np.zeros(len(tm.reasons) + 1, dtype=np.int32)
    np.add.at(cover, hot, 1)
    np.add.at(cover, np.minimum(hot + n, len(tm.reasons)), -1)
    covered = np.cumsum(cover)[:-1] > 0
    sel = covered & (tm.reasons == 0)
    tm.reasons[sel] = REASON_CODE["frequent"]
