"""Formula-safe CSV: text that a spreadsheet would run as a formula is written as text.

Every CSV the toolkit writes goes through :func:`csv_text` (or :func:`safe_cell`): a field
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
(the OWASP rule), so ``=HYPERLINK(…)`` from a file name or a saved report's agency stays
text when the file is opened in Excel or LibreOffice. A field that is just a number
(``-3``, ``+1.5%``) or just dashes (``-``, the tables' "none") cannot run anything and is
written as it is, so numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Mapping, Sequence

#: a text field starting with one of these is prefixed with ``'``
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: text that starts like a formula but is only a number or dashes
_INERT = re.compile(r"[+-]?(?:\d[\d,]*)?\.?\d+(?:[eE][+-]?\d+)?%?|-+")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: None → ``""``, formula-like text → ``'`` + text, anything else unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _INERT.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[Any] | Mapping[str, Any]], fields: Sequence[str] | None = None,
             header: bool = True) -> str:
    """Rows as CSV text (``\\n`` line ends), every cell through :func:`safe_cell`.

    With ``fields``, rows are mappings written in that column order (missing keys empty) and a
    header row comes first; without, rows are sequences written as they are.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if fields is not None:
        if header:
            w.writerow([safe_cell(f) for f in fields])
        for r in rows:
            w.writerow([safe_cell(r.get(k)) for k in fields])  # type: ignore[union-attr]
    else:
        for r in rows:
            w.writerow([safe_cell(v) for v in r])  # type: ignore[union-attr]
    return buf.getvalue()


__all__ = ["safe_cell", "csv_text", "FORMULA_START"]
