"""The one CSV writer: formula-safe cells; files for people carry a UTF-8 BOM and are written atomically.

Every CSV the toolkit writes goes through :func:`write_csv_rows` (or :func:`safe_cell`): a field
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
(the OWASP rule), so ``=HYPERLINK(…)`` from a file name or a saved report's agency stays
text when the file is opened in Excel or LibreOffice. A field that is just a number
(``-3``, ``+1.5%``) or just dashes (``-``, the tables' "none") cannot run anything and is
written as it is, so numbers stay numbers.

A CSV *file* that people open (the output set of ``analyze`` and ``store export``: cells,
findings, compare, panel, scorecard) starts with a UTF-8 byte-order mark (:func:`csv_file`,
:func:`write_csv`): without one, Excel reads UTF-8 as the local code page and the Chinese text
turns into mojibake. CSV printed to stdout (``xxgk tables``) has no mark: it is data for a pipe.
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import IO, Any, Iterable, Mapping, Sequence

#: a text field starting with one of these is prefixed with ``'``
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the UTF-8 byte-order mark a CSV file for people starts with (Excel then reads it as UTF-8)
CSV_BOM = "\ufeff"
#: text that starts like a formula but is only a number or dashes
_INERT = re.compile(r"[+-]?(?:\d[\d,]*)?\.?\d+(?:[eE][+-]?\d+)?%?|-+")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: None → ``""``, formula-like text → ``'`` + text, anything else unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _INERT.fullmatch(value):
        return "'" + value
    return value


def write_csv_rows(out: IO[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]], fields: Sequence[str] | None = None,
                   header: bool = True, *, headers: Sequence[str] | None = None, line_end: str = "\n") -> None:
    """Write rows as CSV into the text file ``out``, every cell through :func:`safe_cell`.

    With ``fields``, rows are mappings written in that column order (missing keys empty) and a
    header row comes first (``headers``, when given, are the printed column names; default the
    field keys); without, rows are sequences written as they are. ``line_end``: ``"\\n"`` or ``"\\r\\n"``.
    """
    w = csv.writer(out, lineterminator=line_end)
    if fields is not None:
        if header:
            w.writerow([safe_cell(f) for f in (headers if headers is not None else fields)])
        for r in rows:
            w.writerow([safe_cell(r.get(k)) for k in fields])  # type: ignore[union-attr]
    else:
        for r in rows:
            w.writerow(map(safe_cell, r))  # type: ignore[arg-type]


def csv_text(rows: Iterable[Sequence[Any] | Mapping[str, Any]], fields: Sequence[str] | None = None,
             header: bool = True, *, headers: Sequence[str] | None = None, line_end: str = "\n") -> str:
    """Rows as CSV text (:func:`write_csv_rows`)."""
    buf = io.StringIO()
    write_csv_rows(buf, rows, fields, header, headers=headers, line_end=line_end)
    return buf.getvalue()


def as_csv_file(text: str) -> str:
    """CSV text as the content of a file for people: the BOM first (an empty text stays empty)."""
    return CSV_BOM + text if text and not text.startswith(CSV_BOM) else text


def csv_file(rows: Iterable[Sequence[Any] | Mapping[str, Any]], fields: Sequence[str] | None = None,
             header: bool = True, *, headers: Sequence[str] | None = None, line_end: str = "\n") -> str:
    """:func:`csv_text` as the content of a CSV file: the UTF-8 BOM first."""
    return as_csv_file(csv_text(rows, fields, header, headers=headers, line_end=line_end))


class _BomFirst(io.TextIOWrapper):
    """UTF-8 text into a binary file, the BOM before the first character (none in an empty file)."""

    started = False

    def write(self, text: str) -> int:
        if text and not self.started:
            self.started = True
            super().write(CSV_BOM)
        return super().write(text)


def write_csv(path: str | os.PathLike[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]],
              fields: Sequence[str] | None = None, header: bool = True, *, headers: Sequence[str] | None = None,
              line_end: str = "\n") -> Path:
    """Write :func:`csv_file` to ``path`` atomically (:func:`nlp.batch.atomic_writer`), streamed row by
    row (a large table is never one string in memory); returns the path."""
    from .batch import atomic_writer

    with atomic_writer(path) as f:
        text = _BomFirst(f, encoding="utf-8", newline="", write_through=False)
        write_csv_rows(text, rows, fields, header, headers=headers, line_end=line_end)
        text.flush()
        text.detach()
    return Path(path)


__all__ = ["safe_cell", "write_csv_rows", "csv_text", "csv_file", "as_csv_file", "write_csv", "CSV_BOM", "FORMULA_START"]
