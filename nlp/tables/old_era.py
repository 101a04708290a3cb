"""Free-form value rows of a 2008–2018 report."""
from __future__ import annotations

from ..format import (
    ERA_2008,
)
from .cells import cell_from_token
from .labels import clean_label
from .lines import BLANK, group_rows, read_lines
from .model import Cell, Table

# ---- old era

def old_era_table(text: str) -> Table | None:
    """Free-form value rows of a 2008–2018 report: printed label as the row, v1… as columns."""
    lines = read_lines(text, 0, len(text))
    cells: list[Cell] = []
    used: dict[str, int] = {}
    for r in group_rows(lines, 64):
        vals = [t for t in r.values if t.kind != BLANK]
        if not vals or not r.inline_label and len(vals) < 2:
            continue
        label = clean_label(r.label)[:30] or f"row{len(used) + 1}"
        used[label] = used.get(label, 0) + 1
        row = label if used[label] == 1 else f"{label}#{used[label]}"
        for i, tok in enumerate(vals, 1):
            cells.append(cell_from_token("old_era", row, f"v{i}", tok, label))
    if not cells:
        return None
    return Table("old_era", ERA_2008, "free_form", 0, len(text), tuple(dict.fromkeys(c.row for c in cells)), (), cells)
