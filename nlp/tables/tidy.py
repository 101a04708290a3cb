"""Cells as tidy long records (one per cell) and CSV."""
from __future__ import annotations

from typing import Any

from .model import ReportTables

# ---- tidy output

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
