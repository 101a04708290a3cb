"""Statistics tables as tidy data: every cell of tables 2, 3 and 4 with its text span.

:func:`extract_tables` finds the three tables of the 2019/2021 layouts in
``Report.text`` (by the format's markers, whatever the parser's table spans say),
reads them from any text shape (one cell a line, markdown pipes, PDF rows split over
pages, HTML tab-separated rows, cells glued without separators) and returns
:class:`ReportTables`, an iterable of :class:`Cell` keyed exactly as the issue's keys
(``requests / refused.state_secret / natural_person`` …). Blank and NA cells are kept
distinct from 0. Old-era (2008–2018) reports get their free-form value rows under
table ``old_era`` with the printed labels as rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from itertools import product
from math import prod
from typing import Any, Iterator

from ..document import Report
from ..vocabulary import (
    ERA_2008,
    ERA_2019,
    ERA_2021,
    PART_HEADING,
    PROACTIVE_2019_HEADERS,
    PROACTIVE_2021_HEADERS,
    PROACTIVE_COLUMNS_2019,
    PROACTIVE_COLUMNS_2021,
    PROACTIVE_REPEAL_HINTS,
    PROACTIVE_ROWS,
    REQUEST_2021_LABELS,
    REQUEST_COLUMNS,
    REQUEST_OUTCOME_GROUPS,
    REQUEST_ROW_FRAGMENTS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    TABLE_START_MARKERS,
)
from .glued import block_total_check, decode, row_total_check
from .labels import clean_label, proactive_label_key, request_label_keys
from .lines import BLANK, NA, NUM, Line, RawRow, Token, group_rows, is_out_of_range, read_lines

__all__ = ["Cell", "Table", "ReportTables", "extract_tables", "cell_key"]

SEMANTIC_NUMBER = "number"
SEMANTIC_BLANK = "blank"
SEMANTIC_NA = "na"
SEMANTIC_INFERRED = "inferred"
#: a number out of range (1e30, inf, 10^12 or more): kept as a cell without a value, reported by the CELL rule
SEMANTIC_INVALID = "invalid"
#: beyond this many combinations of glued-row decodings, column sums are not used to choose
MAX_GLUED_COMBINATIONS = 20000


def cell_key(table: str, row: str, column: str) -> str:
    """The stable key of a cell: ``table:row:column``."""
    return f"{table}:{row}:{column}"


@dataclass
class Cell:
    """One table cell: its value, the text as printed, what that text means, and where it is.

    ``semantic``: 'number', 'blank' (empty cell), 'na' ("/", "—", 无, 不适用), 'invalid' (a number
    out of range: 1e30, inf, 10^12 or more; no value) or
    'inferred' (decoded from glued digits or placed by position); ``uncertain`` when
    another reading fits the text as well (``alternatives`` lists the other values).
    """

    table: str
    row: str
    column: str
    value: int | float | None
    raw: str
    semantic: str
    start: int
    end: int
    uncertain: bool = False
    alternatives: list[int | float] = field(default_factory=list)
    label: str = ""

    @property
    def key(self) -> str:
        return cell_key(self.table, self.row, self.column)

    @property
    def is_number(self) -> bool:
        return self.value is not None and self.semantic in (SEMANTIC_NUMBER, SEMANTIC_INFERRED)

    def to_dict(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies and is slow over thousands of cells
        d = {f: getattr(self, f) for f in _CELL_FIELDS}
        d["alternatives"] = list(self.alternatives)
        d["key"] = self.key
        return d


_CELL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Cell))


@dataclass
class Table:
    """One extracted table: its kind, era, text shape, span and cells."""

    kind: str
    era: str
    shape: str
    start: int
    end: int
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    cells: list[Cell] = field(default_factory=list)
    missing_rows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "era": self.era, "shape": self.shape, "start": self.start, "end": self.end,
                "rows": list(self.rows), "columns": list(self.columns), "missing_rows": list(self.missing_rows),
                "warnings": list(self.warnings), "cells": [c.to_dict() for c in self.cells]}


@dataclass
class ReportTables:
    """All tables of one report; iterating yields every cell in table, row, column order."""

    report_id: str
    agency: str
    year: int | None
    era: str
    tables: dict[str, Table] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _index: dict[str, Cell] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._index = {c.key: c for t in self.tables.values() for c in t.cells}

    def __iter__(self) -> Iterator[Cell]:
        for t in self.tables.values():
            yield from t.cells

    def __len__(self) -> int:
        return sum(len(t.cells) for t in self.tables.values())

    def cells(self) -> list[Cell]:
        return list(self)

    def cell(self, table: str, row: str, column: str) -> Cell | None:
        return self._index.get(cell_key(table, row, column))

    def value(self, table: str, row: str, column: str) -> int | float | None:
        c = self.cell(table, row, column)
        return c.value if c is not None and c.is_number else None

    def table(self, kind: str) -> Table | None:
        return self.tables.get(kind)

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "agency": self.agency, "year": self.year, "era": self.era,
                "warnings": list(self.warnings), "tables": {k: t.to_dict() for k, t in self.tables.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ReportTables":
        """Rebuild tables saved with :meth:`to_dict`."""
        cell_fields = set(_CELL_FIELDS)
        tables = {}
        for kind, td in d.get("tables", {}).items():
            t = Table(td["kind"], td.get("era", ""), td.get("shape", ""), td["start"], td["end"], tuple(td.get("rows", ())),
                      tuple(td.get("columns", ())), missing_rows=list(td.get("missing_rows", [])),
                      warnings=list(td.get("warnings", [])))
            t.cells = [Cell(**{k: v for k, v in cd.items() if k in cell_fields}) for cd in td.get("cells", [])]
            tables[kind] = t
        return cls(d["report_id"], d.get("agency", ""), d.get("year"), d.get("era", ""), tables,
                   list(d.get("warnings", [])))


# ------------------------------------------------------------------ regions

def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching any marker, tolerant of spaces and ASCII/full-width brackets."""
    alts = []
    for m in markers:
        chars = []
        for ch in m:
            if ch in "（(":
                chars.append(r"[（(]")
            elif ch in "）)":
                chars.append(r"[）)]")
            else:
                chars.append(re.escape(ch))
        alts.append(r"\s*".join(chars))
    return re.compile("|".join(alts))


_START = {k: _marker_pattern(v) for k, v in TABLE_START_MARKERS.items()}
_PROACTIVE_FIRST = _marker_pattern(TABLE_START_MARKERS["proactive"][:2])
_CARRIED_FORWARD = _marker_pattern(REQUEST_ROW_FRAGMENTS["carried_forward"])
_NARRATIVE_LINE = re.compile(r"[。！？]")
#: a line holding only a numeral and its comma (vertical header text such as 三、)
_BARE_NUMERAL_LINE = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*$")
_NUMBER_RUN = re.compile(r"(?<![\d.])\d+")


def _line_at(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _is_narrative(line: str) -> bool:
    s = line.strip()
    return len(s) >= 30 and bool(_NARRATIVE_LINE.search(s)) and s.count("|") < 2 and s.count("\t") < 2


def _region_end(text: str, start: int, limit: int, need_values: int = 1) -> int:
    """Where a table starting at ``start`` ends: the first narrative line or part heading after its values."""
    pos = text.find("\n", start)
    if pos < 0 or pos >= limit:
        return limit
    pos += 1
    seen = 0
    while pos < limit:
        nl = text.find("\n", pos, limit)
        le = limit if nl < 0 else nl
        line = text[pos:le]
        if _is_narrative(line):
            return pos
        if seen >= need_values and PART_HEADING.match(line) and not _BARE_NUMERAL_LINE.match(line):
            return pos
        seen += len(_NUMBER_RUN.findall(line))
        pos = le + 1
    return limit


def _search_marker(pattern: re.Pattern[str], text: str, start: int, end: int | None = None,
                   headings: frozenset[int] = frozenset()) -> re.Match[str] | None:
    """The first table marker at or after ``start`` that is neither inside a narrative sentence
    (a note such as 具体数据见下表 may name the table before it) nor on a part heading line
    (``headings``: the lines where the parser found part headings)."""
    end = len(text) if end is None else end
    while True:
        m = pattern.search(text, start, end)
        if m is None:
            return None
        a, b = _line_at(text, m.start())
        if not _is_narrative(text[a:b]) and not any(a <= h < b for h in headings):
            return m
        start = b + 1


def find_regions(report: Report) -> dict[str, tuple[int, int]]:
    """Spans of tables 2, 3 and 4 in ``report.text`` (only those whose markers are found)."""
    text = report.text
    n = len(text)
    regions: dict[str, tuple[int, int]] = {}
    heads = frozenset(p.start for p in report.parts if not p.inferred)
    m = _search_marker(_PROACTIVE_FIRST, text, 0, None, heads) or _search_marker(_START["proactive"], text, 0, None, heads)
    p_start = _line_at(text, m.start())[0] if m else -1
    search_from = p_start if p_start >= 0 else 0
    m = _search_marker(_START["requests"], text, search_from, None, heads)
    r_start = _line_at(text, m.start())[0] if m else -1
    v_start = -1
    if r_start >= 0:
        cf = _CARRIED_FORWARD.search(text, r_start)
        after = _line_at(text, cf.start())[1] if cf else r_start
        m = _search_marker(_START["review_litigation"], text, after, None, heads)
        if m:
            v_start = _line_at(text, m.start())[0]
    else:
        part = report.part("review_litigation")
        if part is not None:
            m = _search_marker(_START["review_litigation"], text, part.start, part.end, heads)
            v_start = _line_at(text, m.start())[0] if m else -1
    review_part = report.part("review_litigation")
    if v_start < 0 and review_part is not None and not review_part.inferred and review_part.start > r_start:
        # table 4 printed without its header: its values follow the part heading directly
        body = review_part.title_end if review_part.title_end > review_part.start else review_part.start
        nl = text.find("\n", body, review_part.end)
        if nl >= 0 and _NUMBER_RUN.search(text, nl, review_part.end):
            v_start = nl + 1
    # the parser's table spans fill in a table whose markers were not found
    starts = {"proactive": p_start, "requests": r_start, "review_litigation": v_start}
    for kind, start in starts.items():
        span = report.table(kind)
        if start < 0 and span is not None:
            starts[kind] = span.start
    p_start, r_start, v_start = starts.values()
    if p_start >= 0:
        end = r_start if r_start > p_start else _region_end(text, p_start, n)
        regions["proactive"] = (p_start, end)
    if r_start >= 0:
        end = v_start if v_start > r_start else _region_end(text, r_start, n, need_values=7)
        regions["requests"] = (r_start, end)
    if v_start >= 0:
        limit = n
        for part in report.parts:
            if part.key in ("problems", "other") and part.start > v_start + 1:
                limit = min(limit, part.start)
        regions["review_litigation"] = (v_start, _region_end(text, v_start, limit, need_values=15))
    return regions


# ------------------------------------------------------------------ cells

def _cell(table: str, row: str, column: str, tok: Token, label: str = "") -> Cell:
    if tok.kind in (NUM, NA) and is_out_of_range(tok.text, tok.value):
        return Cell(table, row, column, None, tok.text, SEMANTIC_INVALID, tok.start, tok.end, label=label)
    if tok.kind == NUM:
        return Cell(table, row, column, tok.value, tok.text, SEMANTIC_NUMBER, tok.start, tok.end, label=label)
    if tok.kind == NA:
        return Cell(table, row, column, None, tok.text, SEMANTIC_NA, tok.start, tok.end, label=label)
    return Cell(table, row, column, None, tok.text, SEMANTIC_BLANK, tok.start, tok.end, label=label)


def _glued_cells(table: str, row: str, columns: tuple[str, ...], toks: list[Token],
                 decodings: list[list[tuple[int, int, int]]], chosen: int, label: str) -> list[Cell]:
    """Cells of a glued row from decoding ``chosen`` (others become alternatives)."""
    out = []
    uncertain = len(decodings) > 1
    for ci, (col, (value, ti, off)) in enumerate(zip(columns, decodings[chosen])):
        tok = toks[ti]
        digits = str(value)
        alts = sorted({d[ci][0] for d in decodings if d[ci][0] != value})
        out.append(Cell(table, row, col, value, digits, SEMANTIC_INFERRED, tok.start + off, tok.start + off + len(digits),
                        uncertain=uncertain and bool(alts), alternatives=alts, label=label))
    return out


def _glued_strings(values: list[Token]) -> list[str] | None:
    vals = [t for t in values if t.kind != BLANK]
    if vals and all(t.kind == NUM and t.digits for t in vals):
        return [t.digits for t in vals]
    return None


def _shape(lines: list[Line], glued: bool) -> str:
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
        return "html"
    return "rows"


# ------------------------------------------------------------------ table 3

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
            if any(t.kind in (NUM, NA) for t in vals):
                out.append((r, vals, None))
            continue
        if len(vals) == 2 * width and not r.inline_label:
            out.append((RawRow(vals[:width], r.label, r.label_start, r.label_end, False, r.line_start, r.near_label), vals[:width], None))
            out.append((RawRow(vals[width:], "", -1, -1, False, r.line_start), vals[width:], None))
            continue
        if len(vals) > width:
            out.append((r, vals[:width], None))
            continue
        strings = _glued_strings(vals)
        if strings and sum(map(len, strings)) >= width:
            decs = decode(strings, width, row_total_check)
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


def _requests_table(text: str, start: int, end: int, report_era: str) -> Table:
    lines = read_lines(text, start, end)
    width = len(REQUEST_COLUMNS)
    cands = _request_candidates(group_rows(lines, width), width)
    labels_text = "".join(ln.label for ln in lines)
    is_2021 = any(w in labels_text for w in REQUEST_2021_LABELS) or len(cands) >= len(REQUEST_ROWS_2021)
    keys = REQUEST_ROWS_2021 if is_2021 else REQUEST_ROWS_2019
    era = ERA_2021 if is_2021 else ERA_2019
    glued = any(c[2] for c in cands)
    table = Table("requests", era, _shape(lines, glued), start, end, keys, REQUEST_COLUMNS)
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
            cells = _glued_cells("requests", key, REQUEST_COLUMNS, vals, kept, 0, label)
        else:
            cells = [_cell("requests", key, col, tok, label) for col, tok in zip(REQUEST_COLUMNS, vals)]
        if not exact and not confirmed:
            for c in cells:
                c.uncertain = True
        table.cells.extend(cells)
    table.missing_rows = [k for k in keys if k not in matched]
    return table


# ------------------------------------------------------------------ table 4

def _review_table(text: str, start: int, end: int) -> Table:
    lines = read_lines(text, start, end)
    width = len(REVIEW_BLOCKS) * len(REVIEW_COLUMNS)
    columns = tuple(f"{b}.{c}" for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS)
    toks: list[Token] = []
    for r in group_rows(lines, width):
        vals = [t for t in r.values]
        if not any(t.kind in (NUM, NA) for t in vals):
            continue
        toks.extend(vals)
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
            cells.append(_cell("review_litigation", "", col, tok))
    elif toks:
        strings = _glued_strings(toks)
        decs = decode(strings, width, block_total_check(len(REVIEW_COLUMNS))) if strings else []
        if decs:
            glued = True
            cells = _glued_cells("review_litigation", "", columns, [t for t in toks if t.kind != BLANK],
                                 decs, 0, "")
        else:
            table.warnings.append(f"only {len(toks)} value cells found where table 4 has {width}")
    for c in cells:
        block, _, col = c.column.partition(".")
        c.row, c.column = block, col
    table.cells = cells
    table.shape = _shape(lines, glued)
    found = {c.row for c in cells}
    table.missing_rows = [b for b in REVIEW_BLOCKS if b not in found]
    return table


# ------------------------------------------------------------------ table 2

def _proactive_era(region_text: str, report_era: str) -> str:
    if any(h in region_text for h in PROACTIVE_2021_HEADERS):
        return ERA_2021
    if any(h in region_text for h in PROACTIVE_2019_HEADERS):
        return ERA_2019
    return report_era if report_era in (ERA_2019, ERA_2021) else ERA_2021


def _proactive_table(text: str, start: int, end: int, report_era: str) -> Table:
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
            table.cells.extend(_cell("proactive", key, c, t, label) for c, t in zip(cols, vals))
        elif len(vals) < len(cols) and (strings := _glued_strings(vals)) and sum(map(len, strings)) == len(cols):
            decs = decode(strings, len(cols))
            glued = True
            table.cells.extend(_glued_cells("proactive", key, cols, [t for t in vals if t.kind != BLANK], decs, 0, label))
        elif len(cols) == 3 and len(vals) == 2:
            first = _cell("proactive", key, cols[0], vals[0], label)
            last = _cell("proactive", key, cols[2], vals[1], label)
            table.cells.append(first)
            if orphans:
                tok, hinted = orphans.pop(0)
                mid = _cell("proactive", key, cols[1], tok, label)
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
                cell = _cell("proactive", key, c, t, label)
                cell.uncertain = True
                table.cells.append(cell)
    order = {k: i for i, k in enumerate(PROACTIVE_ROWS)}
    table.cells.sort(key=lambda c: (order.get(c.row, 99), all_columns.index(c.column) if c.column in all_columns else 99))
    table.missing_rows = [k for k in table.rows if k not in seen]
    table.shape = _shape(lines, glued)
    return table


# ------------------------------------------------------------------ old era

def _old_era_table(text: str) -> Table | None:
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
            cells.append(_cell("old_era", row, f"v{i}", tok, label))
    if not cells:
        return None
    return Table("old_era", ERA_2008, "free_form", 0, len(text), tuple(dict.fromkeys(c.row for c in cells)), (), cells)


# ------------------------------------------------------------------ entry point

def _report_era(report: Report) -> str:
    if report.era in (ERA_2008, ERA_2019, ERA_2021):
        return report.era
    if report.year is not None:
        if report.year < 2019:
            return ERA_2008
        return ERA_2019 if report.year < 2021 else ERA_2021
    return ""


def extract_tables(report: Report) -> ReportTables:
    """Read the statistics tables of ``report`` into cells with spans into ``report.text``.

    Tables whose markers are not found are absent (``ReportTables.tables`` lacks the
    kind); rows of a found table that could not be read are listed in ``missing_rows``.
    """
    text = report.text
    era = _report_era(report)
    out = ReportTables(report.id, report.agency, report.year, era)
    regions = find_regions(report)
    if "proactive" in regions:
        out.tables["proactive"] = _proactive_table(text, *regions["proactive"], era)
    if "requests" in regions:
        out.tables["requests"] = _requests_table(text, *regions["requests"], era)
    if "review_litigation" in regions:
        t = _review_table(text, *regions["review_litigation"])
        t.era = out.tables["requests"].era if "requests" in out.tables else era
        out.tables["review_litigation"] = t
    if era == ERA_2008 and not any(t.cells for t in out.tables.values()):
        old = _old_era_table(text)
        out.tables = {"old_era": old} if old else {}
        out.warnings.append("old-era (2008–2018) report: free-form tables, rows keyed by their printed labels")
    if not era and out.tables:
        eras = {t.era for t in out.tables.values() if t.era}
        out.era = ERA_2021 if ERA_2021 in eras else (ERA_2019 if eras else "")
    out.reindex()
    return out


# ------------------------------------------------------------------ tidy output

#: columns of the tidy long format (one row per cell)
TIDY_FIELDS: tuple[str, ...] = ("report_id", "agency", "year", "era", "table", "row", "column", "value", "raw",
                                "semantic", "uncertain", "start", "end")


def tidy_records(tables: ReportTables) -> list[dict[str, Any]]:
    """One record per cell in the tidy long format (:data:`TIDY_FIELDS`)."""
    out = []
    for t in tables.tables.values():
        for c in t.cells:
            out.append({"report_id": tables.report_id, "agency": tables.agency, "year": tables.year,
                        "era": tables.era or t.era, "table": c.table, "row": c.row, "column": c.column,
                        "value": c.value, "raw": c.raw, "semantic": c.semantic, "uncertain": c.uncertain,
                        "start": c.start, "end": c.end})
    return out


def records_to_csv(records: list[dict[str, Any]]) -> str:
    """The tidy records as CSV text (header row first)."""
    from ..csvsafe import csv_text

    return csv_text(records, TIDY_FIELDS)
