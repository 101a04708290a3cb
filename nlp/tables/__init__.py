"""Statistics tables as tidy data: every cell of tables 2, 3 and 4 with its text span.

:func:`extract_tables` finds the three tables of the 2019/2021 layouts in
``Report.text`` (by the format's markers, whatever the parser's table spans say),
reads them from any text shape (one cell a line, Markdown pipes or `` | ``-joined cells,
PDF rows split over pages, tab-separated rows, cells glued without separators) and
returns :class:`ReportTables`, an iterable of :class:`Cell` keyed as
``requests / refused.state_secret / natural_person`` …. Blank and NA cells are kept
distinct from 0. Old-era (2008–2018) reports get their free-form value rows under table
``old_era`` with the printed labels as rows.

Modules: ``model`` (Cell, Table, ReportTables) · ``lines`` (text lines → cells) ·
``regions`` (where tables are printed) · ``shape`` · ``glued`` (digit runs → cells) ·
``labels`` · ``requests`` / ``review`` / ``proactive`` / ``old_era`` (one table each) ·
``extract`` (the entry point) · ``tidy`` (long records, CSV).
"""
from __future__ import annotations

from .extract import extract_tables
from .model import (
    SEMANTIC_BLANK,
    SEMANTIC_INFERRED,
    SEMANTIC_NA,
    SEMANTIC_NUMBER,
    Cell,
    ReportTables,
    Table,
    cell_key,
)
from .regions import find_regions
from .tidy import TIDY_FIELDS, records_to_csv, tidy_records

__all__ = ["Cell", "Table", "ReportTables", "extract_tables", "cell_key", "find_regions", "tidy_records",
           "records_to_csv", "TIDY_FIELDS", "SEMANTIC_NUMBER", "SEMANTIC_BLANK", "SEMANTIC_NA", "SEMANTIC_INFERRED"]
