"""The one classifier of how a table is printed (its *shape*)."""
from __future__ import annotations

import re

from .lines import TableLine

_DIGIT = re.compile(r"\d")
_BARE_NUMBER = re.compile(r"^\s*[-+]?[\d,]*\d(?:\.\d+)?\s*$")
#: seven or more digits in one run: a row of cells printed without delimiters
_GLUED_RUN = re.compile(r"\d{7,}")

#: the shapes a table is printed in
SHAPES: tuple[str, ...] = ("glued", "pipes", "tabs", "cell_per_line", "rows", "none")


def table_shape(lines: list[TableLine], glued: bool = False) -> str:
    """``glued`` (digits without delimiters), ``pipes`` (Markdown or `` | ``-joined cells), ``tabs``
    (tab-separated cells, e.g. converted HTML or DOCX), ``cell_per_line``, ``rows`` (label and
    space-separated numbers on a line) or ``none`` (no value lines)."""
    vl = [ln for ln in lines if ln.values]
    return _decide([ln.mode for ln in vl], sum(1 for ln in vl if len(ln.values) == 1 and not ln.label), glued)


def text_shape(text: str, start: int, end: int) -> str:
    """:func:`table_shape` of ``text[start:end]`` from its raw lines (no cell reading): a line with a
    number is a value line; a bare number alone on its line is a one-cell line."""
    modes: list[str] = []
    singles = 0
    for line in text[start:end].split("\n"):
        if not _DIGIT.search(line):
            continue
        modes.append("pipe" if "|" in line else "tab" if "\t" in line else "space")
        singles += bool(_BARE_NUMBER.match(line))
    return _decide(modes, singles, _GLUED_RUN.search(text, start, end) is not None)


def _decide(modes: list[str], singles: int, glued: bool) -> str:
    if glued:
        return "glued"
    if not modes:
        return "none"
    if modes.count("pipe") * 2 >= len(modes):
        return "pipes"
    if singles * 2 >= len(modes) and len(modes) >= 5:
        return "cell_per_line"
    if modes.count("tab") * 2 >= len(modes):
        return "tabs"
    return "rows"
