"""The tables' data model: a :class:`Cell` (value, printed text, meaning, span), a
:class:`Table` and all tables of one report (:class:`ReportTables`)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterator

SEMANTIC_NUMBER = "number"
SEMANTIC_BLANK = "blank"
SEMANTIC_NA = "na"
SEMANTIC_INFERRED = "inferred"
#: a number out of range (1e30, inf, 10^12 or more): kept as a cell without a value, reported by the CELL rule
SEMANTIC_INVALID = "invalid"


def cell_key(table: str, row: str, column: str) -> str:
    """The stable key of a cell: ``table:row:column``."""
    return f"{table}:{row}:{column}"


@dataclass
class Cell:
    """One table cell: its value, the text as printed, what that text means, and where it is.

    ``semantic``: 'number', 'blank' (empty cell), 'na' ("/", "—", 无, 不适用), 'invalid' (a number
    out of range: 1e30, inf, 10^12 or more; no value) or
    'inferred' (decoded from glued digits or placed by position); ``uncertain`` when
    another reading fits the text as well (``alternatives`` lists the other values). ``unit``: the
    unit the row prints (the 2008-era table's 计量单位: 条, 件, 元 …); '' where the table's schema
    gives it (件, 万元 for amounts).
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
    unit: str = ""

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
    #: sub-rows of a free-form table (其中：1. … 2. …): sub-row → the row it details
    parents: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "era": self.era, "shape": self.shape, "start": self.start, "end": self.end,
                "rows": list(self.rows), "columns": list(self.columns), "missing_rows": list(self.missing_rows),
                "warnings": list(self.warnings), "parents": dict(self.parents),
                "cells": [c.to_dict() for c in self.cells]}


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
                      warnings=list(td.get("warnings", [])), parents=dict(td.get("parents", {})))
            t.cells = [Cell(**{k: v for k, v in cd.items() if k in cell_fields}) for cd in td.get("cells", [])]
            tables[kind] = t
        return cls(d["report_id"], d.get("agency", ""), d.get("year"), d.get("era", ""), tables,
                   list(d.get("warnings", [])))
