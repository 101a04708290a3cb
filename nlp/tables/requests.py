"""Table 3 (applications received and handled): rows placed by label and order,
glued rows decoded with the row and column identities."""
from __future__ import annotations

from itertools import product
from math import prod

from ..format import (
    ERA_2019,
    ERA_2021,
    REQUEST_2021_LABELS,
    REQUEST_COLUMNS,
    REQUEST_OUTCOME_GROUPS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
)
from .cells import cell_from_token, glued_cells, glued_strings
from .glued import decode, row_total_check
from .labels import clean_label, request_label_keys
from .lines import BLANK, NA, NUM, RawRow, Token, group_rows, read_lines
from .model import Table
from .shape import table_shape

#: beyond this many combinations of glued-row decodings, column sums are not used to choose
MAX_GLUED_COMBINATIONS = 20000


# ---- table 3

def _row_label_keys(r: RawRow) -> frozenset[str]:
    """Row keys named by the row's label: the line right before it when that names one, else the whole label."""
    return request_label_keys(r.near_label) or request_label_keys(r.label)


def _align(rows: list[RawRow], keys: tuple[str, ...]) -> list[int | None]:
    """Order-preserving assignment of rows to keys: most rows matched first, then label agreement."""
    n, m = len(rows), len(keys)
    labels = [_row_label_keys(r) for r in rows]

    def score(i: int, j: int) -> int:
        ks = labels[i]
        if keys[j] in ks:
            return 103 if len(ks) == 1 else 102
        if ks and rows[i].inline_label:
            return 98
        return 100

    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], score(i, j) + best[i + 1][j + 1])
    out: list[int | None] = [None] * n
    i = j = 0
    while i < n and j < m:
        if best[i][j] == score(i, j) + best[i + 1][j + 1]:
            out[i] = j
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _request_candidates(rows: list[RawRow], width: int) -> list[tuple[RawRow, list[Token], list | None]]:
    """Rows that can be table-3 rows: (row, its cells, glued decodings or None)."""
    out = []
    for r in rows:
        vals = r.values
        while len(vals) > width and vals and vals[0].kind == BLANK:
            vals = vals[1:]
        if len(vals) == width:
            # a row of blank cells is a row too when its label names one
            if any(t.kind in (NUM, NA) for t in vals) or _row_label_keys(r):
                out.append((r, vals, None))
            continue
        if len(vals) == 2 * width and not r.inline_label:
            out.append((RawRow(vals[:width], r.label, r.label_start, r.label_end, False, r.line_start, r.near_label), vals[:width], None))
            out.append((RawRow(vals[width:], "", -1, -1, False, r.line_start), vals[width:], None))
            continue
        if len(vals) > width:
            out.append((r, vals[:width], None))
            continue
        strings = glued_strings(vals)
        if strings and sum(map(len, strings)) >= width:
            # the row's total is the sum of its cells — unless the report misprinted it: then every
            # split is kept and the column identities choose (the cells stay uncertain)
            decs = decode(strings, width, row_total_check) or decode(strings, width)
            if decs:
                out.append((r, [t for t in vals if t.kind != BLANK], decs))
    return out


def _column_score(values: dict[str, list[int | float | None]], rows: tuple[str, ...]) -> int:
    """How many column identities of table 3 hold for a full set of row values."""
    ok = 0
    for ci in range(len(REQUEST_COLUMNS)):
        def v(key: str) -> int | float | None:
            r = values.get(key)
            return r[ci] if r else None
        a, b, t, f = v("received"), v("carried_over"), v("total"), v("carried_forward")
        if None not in (a, b, t, f) and a + b == t + f:
            ok += 1
        outs = [v(k) for k in rows if k.split(".")[0] in REQUEST_OUTCOME_GROUPS]
        if t is not None and None not in outs and sum(outs) == t:
            ok += 1
    return ok


def _plausible_decodings(cands: list, assign: list[int | None], keys: tuple[str, ...]) -> tuple[dict[int, list[int]], str]:
    """For each placed glued row, the decodings that satisfy the most column identities of table 3
    (several left = ambiguous). Returns ({candidate index: decoding indices}, a warning or '')."""
    glued = [(i, c[2]) for i, c in enumerate(cands) if c[2] and assign[i] is not None]
    if not glued:
        return {}, ""
    options = [range(len(decs)) for _, decs in glued]
    if prod(len(o) for o in options) > MAX_GLUED_COMBINATIONS:
        return {i: list(range(len(decs))) for i, decs in glued}, "too many glued decodings to resolve by column sums"
    fixed: dict[str, list] = {}
    for i, (r, vals, decs) in enumerate(cands):
        if assign[i] is not None and not decs:
            fixed[keys[assign[i]]] = [t.value if t.kind == NUM else None for t in vals]
    scored = []
    for combo in product(*options):
        values = dict(fixed)
        for (i, decs), k in zip(glued, combo):
            values[keys[assign[i]]] = [d[0] for d in decs[k]]
        scored.append((_column_score(values, keys), combo))
    top = max(score for score, _ in scored)
    best = [combo for score, combo in scored if score == top]
    return {i: sorted({combo[pos] for combo in best}) for pos, (i, _) in enumerate(glued)}, ""


def requests_table(text: str, start: int, end: int, report_era: str) -> Table:
    lines = read_lines(text, start, end)
    width = len(REQUEST_COLUMNS)
    cands = _request_candidates(group_rows(lines, width), width)
    labels_text = "".join(ln.label for ln in lines)
    is_2021 = any(w in labels_text for w in REQUEST_2021_LABELS) or len(cands) >= len(REQUEST_ROWS_2021)
    keys = REQUEST_ROWS_2021 if is_2021 else REQUEST_ROWS_2019
    era = ERA_2021 if is_2021 else ERA_2019
    glued = any(c[2] for c in cands)
    table = Table("requests", era, table_shape(lines, glued), start, end, keys, REQUEST_COLUMNS)
    if report_era == ERA_2021 and not is_2021:
        table.warnings.append("table 3 printed with the 2019 rows (one （六）其他处理 row) in a 2021-layout report")
    assign = _align([c[0] for c in cands], keys)
    exact = len(cands) == len(keys)
    if not exact:
        table.warnings.append(f"found {len(cands)} rows where the {era} layout has {len(keys)}; rows placed by label and order")
    plausible, note = _plausible_decodings(cands, assign, keys)
    if note:
        table.warnings.append(note)
    matched: set[str] = set()
    for i, (r, vals, decs) in enumerate(cands):
        j = assign[i]
        if j is None:
            table.warnings.append(f"unplaced row of {len(vals)} cells at offset {r.start} (label {clean_label(r.label)[:20]!r})")
            continue
        key = keys[j]
        matched.add(key)
        label = clean_label(r.label)
        confirmed = key in _row_label_keys(r)
        if decs:
            kept = [decs[k] for k in plausible.get(i, [0])]
            cells = glued_cells("requests", key, REQUEST_COLUMNS, vals, kept, 0, label)
            if not row_total_check([c.value for c in cells]):
                # no split makes the row add up: whichever was chosen is a guess
                for c in cells:
                    c.uncertain = True
                table.warnings.append(f"{key}: no split of the glued digits makes the row add up; cells uncertain")
        else:
            cells = [cell_from_token("requests", key, col, tok, label) for col, tok in zip(REQUEST_COLUMNS, vals)]
        if not exact and not confirmed:
            for c in cells:
                c.uncertain = True
        table.cells.extend(cells)
    table.missing_rows = [k for k in keys if k not in matched]
    return table
