"""Table 4 (reconsideration and litigation): 15 cells in three blocks."""
from __future__ import annotations

from ..format import (
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
)
from .cells import cell_from_token, glued_cells, glued_strings
from .glued import block_total_check, decode
from .lines import BLANK, NA, NUM, Token, group_rows, read_lines
from .model import Cell, Table
from .shape import table_shape

# ---- table 4

def review_table(text: str, start: int, end: int) -> Table:
    lines = read_lines(text, start, end)
    width = len(REVIEW_BLOCKS) * len(REVIEW_COLUMNS)
    columns = tuple(f"{b}.{c}" for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS)
    toks: list[Token] = []
    for r in group_rows(lines, width):
        vals = [t for t in r.values]
        if not any(t.kind in (NUM, NA) for t in vals):
            continue
        toks.extend(vals)
        while len(toks) > width and toks[-1].kind == BLANK:
            toks.pop()
        if len(toks) < width:
            while toks and toks[-1].kind == BLANK:
                toks.pop()
        if len(toks) >= width:
            break
    glued = False
    table = Table("review_litigation", "", "none", start, end, REVIEW_BLOCKS, REVIEW_COLUMNS)
    cells: list[Cell] = []
    if len(toks) >= width:
        if len(toks) > width:
            table.warnings.append(f"{len(toks)} value cells where table 4 has {width}; the first {width} read")
        for col, tok in zip(columns, toks[:width]):
            cells.append(cell_from_token("review_litigation", "", col, tok))
    elif toks:
        strings = glued_strings(toks)
        decs = decode(strings, width, block_total_check(len(REVIEW_COLUMNS))) if strings else []
        if decs:
            glued = True
            cells = glued_cells("review_litigation", "", columns, [t for t in toks if t.kind != BLANK],
                                 decs, 0, "")
        else:
            table.warnings.append(f"only {len(toks)} value cells found where table 4 has {width}")
    for c in cells:
        block, _, col = c.column.partition(".")
        c.row, c.column = block, col
    table.cells = cells
    table.shape = table_shape(lines, glued)
    found = {c.row for c in cells}
    table.missing_rows = [b for b in REVIEW_BLOCKS if b not in found]
    return table
