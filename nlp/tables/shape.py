"""The one classifier of how a table is printed (its *shape*)."""
from __future__ import annotations

from .lines import TableLine

#: the shapes a table is printed in
SHAPES: tuple[str, ...] = ("glued", "pipes", "tabs", "cell_per_line", "rows", "none")


def table_shape(lines: list[TableLine], glued: bool = False) -> str:
    """``glued`` (digits without delimiters), ``pipes`` (Markdown or `` | ``-joined cells), ``tabs``
    (tab-separated cells, e.g. converted HTML or DOCX), ``cell_per_line``, ``rows`` (label and
    space-separated numbers on a line) or ``none`` (no value lines)."""
    if glued:
        return "glued"
    vl = [ln for ln in lines if ln.values]
    if not vl:
        return "none"
    modes = [ln.mode for ln in vl]
    if modes.count("pipe") * 2 >= len(modes):
        return "pipes"
    singles = sum(1 for ln in vl if len(ln.values) == 1 and not ln.label)
    if singles * 2 >= len(vl) and len(vl) >= 5:
        return "cell_per_line"
    if modes.count("tab") * 2 >= len(modes):
        return "tabs"
    return "rows"
