"""Table 2 (proactive disclosure): rows by label, columns by era."""
from __future__ import annotations

import re

from ..format import (
    ERA_2019,
    ERA_2021,
    PROACTIVE_2019_HEADERS,
    PROACTIVE_2021_HEADERS,
    PROACTIVE_COLUMNS_2019,
    PROACTIVE_COLUMNS_2021,
    PROACTIVE_REPEAL_HINTS,
    PROACTIVE_ROWS,
)
from .cells import cell_from_token, glued_cells, glued_strings
from .glued import decode
from .labels import clean_label, proactive_label_key
from .lines import BLANK, NUM, Token, group_rows, read_lines
from .model import SEMANTIC_INFERRED, Table
from .shape import table_shape

# ---- table 2

def _proactive_era(region_text: str, report_era: str) -> str:
    if any(h in region_text for h in PROACTIVE_2021_HEADERS):
        return ERA_2021
    if any(h in region_text for h in PROACTIVE_2019_HEADERS):
        return ERA_2019
    return report_era if report_era in (ERA_2019, ERA_2021) else ERA_2021


def _proactive_plausibility(decoding: list[tuple[int, int, int]]) -> tuple[int, int]:
    """Sort key of a glued table-2 row's splits: the last column (a stock or a total) is rarely
    below the others; then cells of even length (no long number beside one digit)."""
    values = [v for v, _, _ in decoding]
    widths = [len(str(v)) for v in values]
    return (0 if values[-1] >= max(values) else 1, max(widths) - min(widths))


def proactive_table(text: str, start: int, end: int, report_era: str) -> Table:
    region = text[start:end]
    compact = re.sub(r"\s+", "", region)
    era = _proactive_era(compact, report_era)
    columns_by_row = PROACTIVE_COLUMNS_2021 if era == ERA_2021 else PROACTIVE_COLUMNS_2019
    lines = read_lines(text, start, end)
    rows = group_rows(lines, 3)
    all_columns: list[str] = []
    for cols in columns_by_row.values():
        all_columns += [c for c in cols if c not in all_columns]
    table = Table("proactive", era, "none", start, end, tuple(k for k in PROACTIVE_ROWS if k in columns_by_row),
                  tuple(all_columns))
    orphans: list[tuple[Token, bool]] = []
    glued = False
    seen: set[str] = set()
    # annotations printed beside loose numbers: （含自然失效29件）
    hints = [ln for ln in lines if not ln.values and any(h in ln.label for h in PROACTIVE_REPEAL_HINTS)]
    for r in rows:
        key = proactive_label_key(r.label)
        vals = [t for t in r.values]
        while vals and vals[-1].kind == BLANK:
            vals.pop()
        if not key or key not in columns_by_row or key in seen:
            if len(vals) == 1 and vals[0].kind == NUM:
                hinted = any(h.start > r.start and h.start - r.end < 40 for h in hints)
                orphans.append((vals[0], hinted))
            continue
        seen.add(key)
        cols = columns_by_row[key]
        label = clean_label(r.label)
        if len(vals) == len(cols):
            table.cells.extend(cell_from_token("proactive", key, c, t, label) for c, t in zip(cols, vals))
        elif (len(vals) < len(cols) and (strings := glued_strings(vals))
              and (sum(map(len, strings)) == len(cols) or len(strings) == 1 and len(strings[0]) > len(cols))
              and (decs := decode(strings, len(cols)))):
            # no identity ties these cells together: every split is kept, the likeliest first,
            # and the cells are uncertain whenever more than one split exists
            decs.sort(key=_proactive_plausibility)
            glued = True
            table.cells.extend(glued_cells("proactive", key, cols, [t for t in vals if t.kind != BLANK], decs, 0, label))
        elif len(cols) == 3 and len(vals) == 2:
            first = cell_from_token("proactive", key, cols[0], vals[0], label)
            last = cell_from_token("proactive", key, cols[2], vals[1], label)
            table.cells.append(first)
            if orphans:
                tok, hinted = orphans.pop(0)
                mid = cell_from_token("proactive", key, cols[1], tok, label)
                mid.semantic = SEMANTIC_INFERRED
                mid.uncertain = not hinted
                table.cells.append(mid)
                table.warnings.append(f"{key}: {cols[1]} read from a number printed apart from its row")
            else:
                first.uncertain = last.uncertain = True
                table.warnings.append(f"{key}: 2 of 3 cells printed; read as {cols[0]} and {cols[2]}")
            table.cells.append(last)
        else:
            table.warnings.append(f"{key}: {len(vals)} cells where {len(cols)} expected")
            for c, t in zip(cols, vals):
                cell = cell_from_token("proactive", key, c, t, label)
                cell.uncertain = True
                table.cells.append(cell)
    order = {k: i for i, k in enumerate(PROACTIVE_ROWS)}
    table.cells.sort(key=lambda c: (order.get(c.row, 99), all_columns.index(c.column) if c.column in all_columns else 99))
    table.missing_rows = [k for k in table.rows if k not in seen]
    table.shape = table_shape(lines, glued)
    return table
