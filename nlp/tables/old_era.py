"""Free-form value rows of a 2008–2018 report, and its statistics table read by the units.

A 2008–2018 statistics table prints 指标名称 / 计量单位 / the year / 历年累计, a row as label, unit,
values. Its rows are read by their units (:func:`old_era_rows_by_unit`) however the page printed
them: cells apart (spaces, pipes) or glued by a crawler that saved the page on one line
(``受理申请总数条1230其中：1.当面申请数条5102.网上申请数条720``: the values' digits run together and the
next sub-row's number is glued on). Glued digits are split into the header's value columns with the
constraints the table carries (no leading zeros, a running total never below the year's figure,
sub-rows adding up to no more than their row, and exactly where some reading adds up); a row that
still reads more than one way is marked uncertain with the other values as alternatives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from math import prod

from ..format import (
    ERA_2008,
    OLD_ERA_COLUMN_TITLE,
    OLD_ERA_CUMULATIVE_TITLE,
    OLD_ERA_SUBROWS,
    OLD_ERA_TABLE_HEADER,
    OLD_ERA_UNITS,
)
from .cells import cell_from_token
from .glued import decode
from .labels import clean_label
from .lines import BLANK, group_rows, read_lines
from .model import SEMANTIC_INFERRED, SEMANTIC_NUMBER, Cell, Table

#: at most this many rows in one table, and this many joint readings of a row with its sub-rows
MAX_TABLE_ROWS = 80
MAX_GROUP_READINGS = 20_000

_UNITS = "|".join(re.escape(u) for u in OLD_ERA_UNITS)
_SEP = r"[\s|]*"
_ROW = re.compile(rf"{_SEP}(?P<sub>{OLD_ERA_SUBROWS.pattern})?(?:(?P<item>\d{{1,2}})\s*[、.．]\s*)?"
                  rf"[、.．\s|]*(?P<label>[^\d\n|]{{1,40}}?){_SEP}(?P<unit>{_UNITS})[ \t|]*"
                  rf"(?P<values>\d+(?:[ \t|]+\d+)*)")
#: after a row's digits: the next sub-row's number was glued on (…条5102.网上申请…: 510, then 2.)
_GLUED_ITEM = re.compile(r"\s*[、.．]\s*(?=[^\d\s])")


@dataclass
class UnitRow:
    """One row of an old-era statistics table read by its unit: printed label, unit, and the digit
    strings printed after it with where each starts (one string: the values glued together)."""

    label: str
    unit: str
    strings: list[tuple[str, int]]
    item: int           # its sub-row number (0: a row of its own)
    parent: int         # index of the row it is a sub-row of (-1: none)

    @property
    def end(self) -> int:
        digits, start = self.strings[-1]
        return start + len(digits)


@dataclass
class UnitTable:
    """The rows of one old-era statistics table and its value columns' printed titles."""

    start: int
    columns: tuple[str, ...]
    rows: list[UnitRow]

    @property
    def end(self) -> int:
        return self.rows[-1].end


def _header_columns(text: str, pos: int) -> tuple[list[str], int]:
    """The value columns' titles printed from ``pos`` on (2016年度 / 历年累计), and where they end."""
    columns = []
    while (c := OLD_ERA_COLUMN_TITLE.match(text, pos)) is not None:
        columns.append(re.sub(r"\s+", "", c.group(0)))
        pos = c.end()
        while pos < len(text) and text[pos] in " \t|":
            pos += 1
    return columns, pos


def old_era_rows_by_unit(text: str) -> list[UnitTable]:
    """Every old-era statistics table of ``text`` (a header 指标名称 计量单位 …) read row by row by the
    units: label, unit, then the values, glued together or apart, on one line or many."""
    out: list[UnitTable] = []
    for h in OLD_ERA_TABLE_HEADER.finditer(text):
        columns, pos = _header_columns(text, h.end())
        if not columns:
            continue
        rows: list[UnitRow] = []
        pending, parent = 0, -1
        while len(rows) < MAX_TABLE_ROWS and (m := _ROW.match(text, pos)) is not None:
            item = int(m.group("item")) if m.group("item") else pending
            if m.group("sub"):
                parent = next((i for i in range(len(rows) - 1, -1, -1) if not rows[i].item), -1)
            if not item:
                parent = -1
            strings = [(v.group(0), m.start("values") + v.start()) for v in re.finditer(r"\d+", m.group("values"))]
            pending = 0
            if _GLUED_ITEM.match(text, m.end()):
                # the next sub-row's number is printed (or glued) after these values: the one after this row's
                want = str(item + 1 if item else 1)
                last, at = strings[-1]
                if last == want and len(strings) > 1:
                    strings.pop()
                    pending = int(want)
                else:
                    cut = len(want) if last.endswith(want) and len(last) > len(want) else 1
                    if len(last) > cut:
                        pending, strings[-1] = int(last[-cut:]), (last[:-cut], at)
            rows.append(UnitRow(m.group("label").strip(" 、.．|"), m.group("unit"), strings, item,
                                 parent if item else -1))
            pos = rows[-1].end
        if rows:
            out.append(UnitTable(h.start(), tuple(columns), rows))
    return out


def _readings(row: UnitRow, columns: tuple[str, ...]) -> list[tuple[int, ...]]:
    """The ways a row's digits split into the columns (a running total never below a year's figure)."""
    cumulative = [bool(OLD_ERA_CUMULATIVE_TITLE.search(c)) for c in columns]
    out = []
    for d in decode([d for d, _ in row.strings], len(columns)):
        values = tuple(v for v, _, _ in d)
        yearly = [v for v, cum in zip(values, cumulative) if not cum]
        if all(v >= max(yearly, default=0) for v, cum in zip(values, cumulative) if cum):
            out.append(values)
    return out


def _constrained(table: UnitTable) -> list[list[tuple[int, ...]]]:
    """Each row's readings left by its sub-rows: they add up to no more than their row in every column,
    and exactly where some joint reading does."""
    readings = [_readings(r, table.columns) for r in table.rows]
    for p in range(len(table.rows)):
        kids = [i for i, r in enumerate(table.rows) if r.parent == p]
        group = [p] + kids
        if not kids or any(not readings[i] for i in group) or prod(len(readings[i]) for i in group) > MAX_GROUP_READINGS:
            continue
        fits, exact = [], []
        for combo in product(*(readings[i] for i in group)):
            sums = [sum(v[j] for v in combo[1:]) for j in range(len(table.columns))]
            if all(s <= t for s, t in zip(sums, combo[0])):
                fits.append(combo)
                if list(combo[0]) == sums:
                    exact.append(combo)
        kept = exact or fits
        if kept:
            for k, i in enumerate(group):
                readings[i] = [r for r in readings[i] if any(c[k] == r for c in kept)]
    return readings


def _balanced(values: tuple[int, ...]) -> tuple[int, int]:
    """Rank of a reading among equally possible ones: digit counts as even as can be, then the longer first."""
    lengths = [len(str(v)) for v in values]
    return max(lengths) - min(lengths), -lengths[0]


@dataclass
class UnitCells:
    """What an old-era table read by its units gives: cells, sub-row → row, and the rows whose glued
    digits split into the columns no way (named, with no cell: never a guess)."""

    cells: list[Cell]
    parents: dict[str, str]
    unread: list[str]


def old_era_cells_by_unit(table: UnitTable, used: dict[str, int] | None = None) -> UnitCells:
    """Cells of an old-era table read by its units (columns ``v1``…, as the free-form rows), and its
    sub-rows' parents (row name → the row it details); a row with several possible readings takes the
    most even one and is marked uncertain with the others as alternatives; a row printed apart with
    more values than the header has columns keeps them as printed. ``used``: how many times each row
    name was given already (a repeated label gets ``#2``…)."""
    cells: list[Cell] = []
    parents: dict[str, str] = {}
    unread: list[str] = []
    names: dict[int, str] = {}
    used = {} if used is None else used
    for i, (r, readings) in enumerate(zip(table.rows, _constrained(table))):
        label = clean_label(r.label)[:30] or f"row{len(used) + 1}"
        used[label] = used.get(label, 0) + 1
        row = names[i] = label if used[label] == 1 else f"{label}#{used[label]}"
        if r.parent in names:
            parents[row] = names[r.parent]
        if not readings:
            if len(r.strings) < len(table.columns):
                unread.append(row)
                continue
            readings = [tuple(int(d) for d, _ in r.strings)]
        chosen = min(readings, key=_balanced)
        # where each value is printed: its string, then the values before it in that string
        semantic = SEMANTIC_NUMBER if len(r.strings) == len(chosen) else SEMANTIC_INFERRED
        place = [(si, off) for si, (digits, _) in enumerate(r.strings) for off in range(len(digits))]
        k = 0
        for col, value in enumerate(chosen):
            raw = str(value)
            si, off = place[k]
            start = r.strings[si][1] + off
            k += len(raw)
            alts = sorted({x[col] for x in readings if x[col] != value})
            cells.append(Cell("old_era", row, f"v{col + 1}", value, raw, semantic, start, start + len(raw),
                              uncertain=bool(alts), alternatives=alts, label=r.label, unit=r.unit))
    return UnitCells(cells, parents, unread)


def _line_spans(text: str, a: int, b: int) -> tuple[int, int]:
    """``a``..``b`` widened to whole lines."""
    end = text.find("\n", b)
    return text.rfind("\n", 0, a) + 1, len(text) if end < 0 else end


def old_era_table(text: str) -> Table | None:
    """Free-form value rows of a 2008–2018 report: printed label as the row, v1… as columns; the
    lines of its statistics table (:func:`old_era_rows_by_unit`) are read by their units instead."""
    by_unit = old_era_rows_by_unit(text)
    spans = [_line_spans(text, g.start, g.end) for g in by_unit]
    gaps, at = [], 0
    for a, b in spans:
        if a > at:
            gaps.append((at, a))
        at = max(at, b)
    gaps.append((at, len(text)))
    lines = [ln for a, b in gaps if b > a for ln in read_lines(text, a, b)]
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
    parents: dict[str, str] = {}
    unread: list[str] = []
    for g in by_unit:
        read = old_era_cells_by_unit(g, used)
        cells.extend(read.cells)
        parents.update(read.parents)
        unread.extend(read.unread)
    cells.sort(key=lambda c: c.start)
    if not cells and not unread:
        return None
    warnings = [f"row {row}: its glued digits split into the header's columns no way; left unread" for row in unread]
    return Table("old_era", ERA_2008, "free_form", 0, len(text), tuple(dict.fromkeys(c.row for c in cells)), (), cells,
                 missing_rows=unread, warnings=warnings, parents=parents)
