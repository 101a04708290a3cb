"""Content streams and character shingles: what the comparison actually looks at.

A report's ``text`` carries layout noise that must not decide whether two passages
are the same: hard line wraps and page numbers of PDFs, spaces around numbers
(``2023 年``), full- vs half-width punctuation (``（`` / ``(``). The comparison works
on a *content stream*: the text's characters without whitespace, each folded with
NFKC, plus ``offsets`` mapping every stream position back to ``Report.text`` — so every
span found in the stream is reported as offsets into ``Report.text``.

Shingles are floating character n-grams of the stream (every start position), hashed
to 64-bit integers with a polynomial rolling hash and the splitmix64 finaliser:
deterministic across processes (Python's ``hash`` of str is salted).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_BASE = np.uint64(1_000_003)


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """NFKC-fold one character; keep it one character long (else keep it as is)."""
    f = unicodedata.normalize("NFKC", ch)
    return f if len(f) == 1 else ch


def fold_text(s: str) -> str:
    """``s`` as it appears in a content stream: whitespace dropped, each character NFKC-folded."""
    return "".join(_fold(c) for c in s if not c.isspace())


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """str.translate table: every BMP character whose NFKC form is one other character."""
    table = {}
    for c in range(0x20, 0x10000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        f = unicodedata.normalize("NFKC", ch)
        if len(f) == 1 and f != ch:
            table[c] = f
    return table


#: characters dropped from the stream (str.isspace plus zero-width space and BOM)
_DROP = np.asarray(sorted({c for c in range(0x3100) if chr(c).isspace()} | {0x200B, 0xFEFF}), dtype=np.uint32)


@dataclass
class ContentStream:
    """The comparable characters of a text and where each came from.

    ``chars[k]`` is the folded character of ``text[offsets[k]]``; whitespace is dropped.
    """

    chars: str
    offsets: np.ndarray  # int64, len(chars)
    text_len: int

    def __len__(self) -> int:
        return len(self.chars)

    def to_text_span(self, start: int, end: int) -> tuple[int, int]:
        """Stream span [start, end) → text span [start, end) (end exclusive)."""
        if end <= start:
            o = int(self.offsets[start]) if start < len(self.offsets) else self.text_len
            return o, o
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def to_stream_pos(self, text_offset: int) -> int:
        """The first stream position at or after ``text_offset``."""
        return int(np.searchsorted(self.offsets, text_offset, side="left"))

    def to_stream_positions(self, text_offsets: Iterable[int]) -> list[int]:
        """:meth:`to_stream_pos` of many text offsets at once."""
        return np.searchsorted(self.offsets, np.fromiter(text_offsets, dtype=np.int64), side="left").tolist()


def content_stream(text: str) -> ContentStream:
    """Build the :class:`ContentStream` of ``text`` (vectorised: UTF-32 code points, one mask)."""
    if not text:
        return ContentStream("", np.zeros(0, dtype=np.int64), 0)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = ~np.isin(cps, _DROP)
    offsets = np.flatnonzero(keep).astype(np.int64)
    kept = cps[keep].astype("<u4").tobytes().decode("utf-32-le")
    return ContentStream(kept.translate(_fold_table()), offsets, len(text))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def codepoints(chars: str) -> np.ndarray:
    """The stream's code points as uint64 (UTF-32 decoding: fast, exact)."""
    if not chars:
        return np.zeros(0, dtype=np.uint64)
    return np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


_ZERO, _NINE = np.uint64(ord("0")), np.uint64(ord("9"))


def shingle_hashes(chars: str, n: int, fold_digits: bool = True) -> np.ndarray:
    """64-bit hashes of every n-character window of ``chars`` (len(chars) − n + 1 of them).

    With ``fold_digits`` every digit counts as ``0``: a sentence copied with updated
    figures (``公开信息1136条`` → ``2428条``) still shares its shingles; the alignment and
    the character measures see the real digits.
    """
    cps = codepoints(chars)
    if fold_digits and len(cps):
        cps = np.where((cps >= _ZERO) & (cps <= _NINE), _ZERO, cps)
    m = len(cps) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + cps[k:k + m]
    return _splitmix64(h)


#: a paragraph break in the text: a blank line, or a line opening with a part/section number
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|#))")
#: clause marks in the content stream (folded: "，" is ",")
_CLAUSE_CPS = np.asarray([ord(c) for c in ",;:、)》”"], dtype=np.uint64)


def sentence_bounds(stream: ContentStream, text: str, breaks: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """Sentences of the stream, end to end: ``nlp.sentences.split_sentences`` on the stream
    (whitespace-free, so a PDF line wrap never ends a sentence), also cut at paragraph breaks
    of the text and at the text offsets ``breaks`` (e.g. the parser's paragraph bounds)."""
    from ..sentences import split_sentences

    n = len(stream)
    if n == 0:
        return []
    cuts = {e for _, e in split_sentences(stream.chars)}
    cuts.update(stream.to_stream_positions(m.end() for m in _PARAGRAPH_BREAK.finditer(text)))
    cuts.update(stream.to_stream_positions(breaks))
    out, prev = [], 0
    for c in sorted(c for c in cuts if 0 < c < n) + [n]:
        if c > prev:
            out.append((prev, c))
            prev = c
    return out


def clause_starts(chars: str) -> np.ndarray:
    """Stream positions just after a clause mark (，；：、) or a closing bracket or quote: weaker
    bounds than sentences."""
    cps = codepoints(chars)
    return np.flatnonzero(np.isin(cps, _CLAUSE_CPS)).astype(np.int64) + 1
