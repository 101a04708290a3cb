"""Lines of a text as views: ``TextLine(start, end, text)`` with offsets into the whole text."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass
class TextLine:
    """One line of a text (newline excluded) and where it lies."""

    start: int
    end: int
    text: str


def columns(text: str) -> int:
    """Display width of ``text``: two columns for a wide (CJK, full-width) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[TextLine]:
    """Lines of ``text[start:end]`` with absolute offsets (newline excluded)."""
    end = len(text) if end is None else end
    out = []
    i = start
    while i < end:
        j = text.find("\n", i, end)
        if j < 0:
            j = end
        out.append(TextLine(i, j, text[i:j]))
        i = j + 1
    return out


class RegionIndex:
    """Sorted, non-overlapping ``(start, end)`` regions answering "is this offset inside one?" in log time."""

    def __init__(self, regions: list[tuple[int, int]]):
        self.regions = sorted(regions)
        self._starts = [a for a, _ in self.regions]

    def __contains__(self, pos: int) -> bool:
        from bisect import bisect_right

        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self.regions[i][1]

    def overlaps(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` starts or ends inside a region."""
        return a in self or (b - 1) in self


class LineIndex:
    """Lines of a text (sorted, non-overlapping) with bisection over their offsets."""

    def __init__(self, lines: list[TextLine]):
        self.lines = lines
        self._starts = [ln.start for ln in lines]
        self._ends = [ln.end for ln in lines]

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def within(self, start: int, end: int) -> list[TextLine]:
        """The lines that overlap ``[start, end)`` (a line that is empty at ``start`` included)."""
        from bisect import bisect_left

        lo = bisect_left(self._ends, start)
        hi = bisect_left(self._starts, end)
        return self.lines[lo:hi]
