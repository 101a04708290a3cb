"""Template and formula masking: the text no score may count as copying between two reports.

Text is template by **evidence**, never by where it stands (the preamble is not template
because it comes before part 一):

- **vocabulary** — the format's mandated words in ``nlp.format``: part titles, the
  statutory-preamble and report-note sentences (``TEMPLATE_SENTENCE_FRAGMENTS``,
  ``TEMPLATE_STATUTORY_SENTENCE_FRAGMENTS``: their whole sentence), legal citations and other
  fragments (``TEMPLATE_FRAGMENTS``: the fragment itself), legal citations (``LEGAL_CITATION``),
  the statistics tables and their
  labels, contact items (``CONTACT_ITEM``: the label and its value, nothing after it);
- **frequency** — n-grams (digits folded) printed by at least ``template_df`` of the reports:
  the compared ones pooled with the shipped reference table (``nlp.comparison.reference``).

Political formulas (``POLITICAL_FORMULAS``) are their own kind, ``formula``: never reuse,
counted as boilerplate. Masked text is excluded from reuse scores but still listed, as
template / formula passages with their reason; a copied sentence holding a masked phrase
is reported whole, with the phrase marked inside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import format as V
from ..document import Report
from .textprep import ContentStream, fold_text

#: reason codes stored per character (0 = neither template nor formula)
REASONS: dict[int, str] = {
    1: "vocabulary",
    3: "table",
    4: "contact",
    5: "heading",
    6: "frequent",
    7: "formula",
}
REASON_CODE = {v: k for k, v in REASONS.items()}
FORMULA = REASON_CODE["formula"]


@lru_cache(maxsize=1)
def _fragments() -> tuple[tuple[str, ...], frozenset[str]]:
    """(every fragment, longest first; the fragments that take their whole sentence), folded."""
    sentence = {fold_text(f) for f in V.TEMPLATE_SENTENCE_FRAGMENTS + V.TEMPLATE_STATUTORY_SENTENCE_FRAGMENTS}
    frags = {fold_text(f) for f in V.TEMPLATE_FRAGMENTS if f.strip()} | sentence
    return tuple(sorted(frags, key=len, reverse=True)), frozenset(sentence)


@lru_cache(maxsize=1)
def _table_words() -> re.Pattern[str]:
    words = sorted({fold_text(w) for w in V.TABLE_REGION_WORDS}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def _formulas() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in V.POLITICAL_FORMULAS))


@dataclass
class TemplateMask:
    """Per stream character: 0, or the code of the first reason it was masked for."""

    reasons: np.ndarray  # uint8

    @property
    def mask(self) -> np.ndarray:
        """Template or formula: excluded from reuse."""
        return self.reasons > 0

    @property
    def template(self) -> np.ndarray:
        """Template only (formulas are scored text: they count as boilerplate)."""
        return (self.reasons > 0) & (self.reasons != FORMULA)

    def mark(self, start: int, end: int, reason: str) -> None:
        seg = self.reasons[start:end]
        seg[seg == 0] = REASON_CODE[reason]

    def runs(self, min_len: int = 1, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """Maximal masked runs (start, end, main reason) of at least ``min_len`` characters
        inside [start, end); formula and template runs are kept apart."""
        end = len(self.reasons) if end is None else end
        codes = self.reasons[start:end]
        if not codes.any():
            return []
        cls = np.where(codes == 0, 0, np.where(codes == FORMULA, 2, 1)).astype(np.int8)
        change = np.flatnonzero(np.diff(np.concatenate([[0], cls, [0]])) != 0)
        out = []
        for s, e in zip(change[:-1], change[1:]):
            if cls[s] and e - s >= min_len:
                main = int(np.bincount(codes[s:e]).argmax())
                out.append((int(start + s), int(start + e), REASONS[main]))
        return out


#: the longest sentence a sentence-level fragment masks whole (content characters)
MAX_TEMPLATE_SENTENCE = 150
_CLAUSE_MARK = re.compile(r"[,;:。!?]")


def _clause_of(chars: str, start: int, end: int) -> tuple[int, int]:
    """The clause around chars[start:end]: from after the previous clause mark to the next one."""
    before = [m.end() for m in _CLAUSE_MARK.finditer(chars, max(0, start - 80), start)]
    after = _CLAUSE_MARK.search(chars, end, min(len(chars), end + 80))
    return (before[-1] if before else max(0, start - 80)), (after.end() if after else min(len(chars), end + 80))


def _sentence_of(bounds: list[tuple[int, int]], starts: np.ndarray, pos: int) -> tuple[int, int]:
    k = int(np.searchsorted(starts, pos, side="right")) - 1
    return bounds[max(k, 0)]


def vocabulary_mask(report: Report, stream: ContentStream, sentences: list[tuple[int, int]]) -> TemplateMask:
    """Mask the format-mandated text and the political formulas of one report (no frequencies)."""
    tm = TemplateMask(np.zeros(len(stream), dtype=np.uint8))
    if len(stream) == 0:
        return tm
    text = report.text
    chars = stream.chars
    starts = np.asarray([s for s, _ in sentences], dtype=np.int64)

    def to_stream(a: int, b: int) -> tuple[int, int]:
        return stream.to_stream_pos(a), stream.to_stream_pos(b)

    # tables: the parser's table spans, table rows printed as text, PDF page numbers
    table_ranges: list[tuple[int, int]] = []
    for t in report.tables:
        s, e = to_stream(t.start, t.end)
        table_ranges.append((s, e))
        tm.mark(s, e, "table")
    for pat in (V.TEMPLATE_TABLE_ROW, V.TEMPLATE_PAGE_NUMBER, V.TEMPLATE_TABLE_CELL, V.TEMPLATE_TABLE_PIPES):
        for m in pat.finditer(text):
            tm.mark(*to_stream(m.start(), m.end()), "table")
    # short lines (or '|' cells) holding a table label: the table printed one cell a line
    words = _table_words()
    for m in re.finditer(r"[^\n|]+", text):
        s, e = to_stream(m.start(), m.end())
        if 0 < e - s <= V.TEMPLATE_TABLE_LABEL_MAX and words.search(chars, s, e):
            tm.mark(s, e, "table")

    # part headings: the parser's title lines, else the standard titles wherever printed
    for p in report.parts:
        if p.title_end > p.start:
            tm.mark(*to_stream(p.start, p.title_end), "heading")
    for title in V.STANDARD_PART_TITLES.values():
        f = fold_text(title)
        for m in re.finditer(re.escape(f), chars):
            tm.mark(m.start(), m.end(), "heading")

    # contact items: the label and its value only
    for m in V.CONTACT_ITEM.finditer(chars):
        tm.mark(m.start(), m.end(), "contact")

    # fragments: the fragment itself, or its whole sentence (sentence fragments, and inside tables)
    frags, sentence_frags = _fragments()
    for f in frags:
        k = chars.find(f)
        while k >= 0:
            whole = f in sentence_frags or any(s <= k < e for s, e in table_ranges)
            if whole and sentences:
                s, e = _sentence_of(sentences, starts, k)
                if e - s > MAX_TEMPLATE_SENTENCE:  # a run-on "sentence" (glued lines): the fragment's clause only
                    s, e = _clause_of(chars, k, k + len(f))
                tm.mark(s, max(e, k + len(f)), "vocabulary")
            else:
                tm.mark(k, k + len(f), "vocabulary")
            k = chars.find(f, k + len(f))

    # legal citations: the cited title, its document number and short name
    for m in V.LEGAL_CITATION.finditer(chars):
        tm.mark(m.start(), m.end(), "vocabulary")

    # political formulas: their own kind
    for m in _formulas().finditer(chars):
        tm.mark(m.start(), m.end(), "formula")
    return tm


def mark_frequent(tm: TemplateMask, frequent: np.ndarray, n: int) -> None:
    """Mask every character covered by an n-gram window flagged in ``frequent`` (per window start)."""
    hot = np.flatnonzero(frequent)
    if len(hot) == 0:
        return
    cover = np.zeros(len(tm.reasons) + 1, dtype=np.int32)
    np.add.at(cover, hot, 1)
    np.add.at(cover, np.minimum(hot + n, len(tm.reasons)), -1)
    covered = np.cumsum(cover)[:-1] > 0
    tm.reasons[covered & (tm.reasons == 0)] = REASON_CODE["frequent"]
