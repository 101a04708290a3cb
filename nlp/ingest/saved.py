"""Reports saved as JSON (``Report.to_dict()``, as ``xxgk parse`` writes them) read back as input.

A saved report is input like any other file: its shape and types are checked and every
offset must lie inside its text, so a hand-edited or truncated file gets a one-line reason
instead of a crash later in a stage that trusts the offsets.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..document import Report
from ..errors import ReportReadError
from .limits import IngestLimits, megabytes, read_limits

#: fields that must be text when present
TEXT_FIELDS = ("id", "source", "format", "encoding", "script", "sha256", "title", "agency", "era",
               "publication_date", "contact")
#: node offsets that may be -1 (no heading, no title line, no body)
OPTIONAL_OFFSETS = ("title_end", "heading_start", "heading_end", "body_start")
#: the lists of child nodes under each level
CHILDREN = {"parts": "sections", "sections": "paragraphs", "paragraphs": "sentences"}


class SavedReportError(ValueError):
    """A saved report's JSON does not have the shape of ``Report.to_dict()``; the message says where."""


def _check_span(node: Any, where: str, n: int) -> None:
    if not isinstance(node, dict):
        raise SavedReportError(f"{where} is {type(node).__name__}, not an object")
    start, end = node.get("start"), node.get("end")
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise SavedReportError(f"{where}.{name} is {v!r}, not an offset")
    if not 0 <= start <= end <= n:
        raise SavedReportError(f"{where} spans {start}-{end}, outside the text (0-{n})")
    for name in OPTIONAL_OFFSETS:
        v = node.get(name, -1)
        if not isinstance(v, int) or isinstance(v, bool) or not -1 <= v <= n:
            raise SavedReportError(f"{where}.{name} is {v!r}, outside the text (0-{n}, or -1)")


def _check_nodes(items: Any, level: str, where: str, n: int) -> None:
    if not isinstance(items, list):
        raise SavedReportError(f"{where}.{level} is {type(items).__name__}, not a list")
    for i, node in enumerate(items):
        here = f"{where}.{level}[{i}]"
        _check_span(node, here, n)
        child = CHILDREN.get(level)
        if child is not None and child in node:
            _check_nodes(node[child], child, here, n)


def validate_saved_report(d: Any) -> None:
    """Raise :class:`SavedReportError` unless ``d`` has the shape of ``Report.to_dict(include_text=True)``."""
    if not isinstance(d, dict):
        raise SavedReportError(f"the file holds {type(d).__name__ if d is not None else 'null'}, "
                               "not a report object")
    for key in ("id", "text"):
        if key not in d:
            raise SavedReportError(f"no {key!r} field")
    if not isinstance(d["text"], str):
        raise SavedReportError("'text' is not a string")
    if not isinstance(d["id"], str) or not d["id"].strip():
        raise SavedReportError("'id' is empty or not a string")
    for key in TEXT_FIELDS:
        if key in d and d[key] is not None and not isinstance(d[key], str):
            raise SavedReportError(f"{key!r} is {type(d[key]).__name__}, not a string")
    if d.get("year") is not None and (not isinstance(d["year"], int) or isinstance(d["year"], bool)):
        raise SavedReportError(f"'year' is {d['year']!r}, not a whole number")
    if d.get("original_text") is not None and (not isinstance(d["original_text"], str)
                                               or len(d["original_text"]) != len(d["text"])):
        raise SavedReportError("'original_text' is not a string of the text's length")
    n = len(d["text"])
    _check_nodes(d.get("parts", []), "parts", "report", n)
    _check_nodes(d.get("tables", []), "tables", "report", n)
    pre = d.get("preamble", [0, 0])
    if (not isinstance(pre, list) or len(pre) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in pre)
            or not 0 <= pre[0] <= pre[1] <= n):
        raise SavedReportError(f"'preamble' is {pre!r}, not a span inside the text")
    pages = d.get("page_starts", [])
    if not isinstance(pages, list) or not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= n for x in pages):
        raise SavedReportError("'page_starts' holds something that is not an offset inside the text")
    for key in ("missing_parts", "warnings"):
        v = d.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise SavedReportError(f"{key!r} is not a list of strings")
    meta = d.get("metadata_sources", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise SavedReportError("'metadata_sources' is not an object of strings")


def read_saved_report(path: str | os.PathLike[str], limits: IngestLimits | None = None) -> Report:
    """A report saved as JSON, validated (shape, types, offsets within the text); raises
    :class:`ReportReadError` naming the file and the first problem."""
    limits = limits if limits is not None else read_limits()
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise ReportReadError(str(p), f"file is {megabytes(size)}, over the {megabytes(limits.max_bytes)} limit "
                                          "(set XXGK_MAX_BYTES to raise it)")
        raw = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ReportReadError(str(p), f"cannot read file: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ReportReadError(str(p), "not a saved xxgk report (JSON): not UTF-8 text") from None
    try:
        d = json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise ReportReadError(str(p), f"not a saved xxgk report (JSON): {str(e)[:120]}") from None
    try:
        validate_saved_report(d)
    except SavedReportError as e:
        raise ReportReadError(str(p), f"not a saved xxgk report (JSON): {e}") from None
    if len(d["text"]) > limits.max_chars:
        raise ReportReadError(str(p), f"{len(d['text']):,} characters of text, over the {limits.max_chars:,} "
                                      "character limit (set XXGK_MAX_CHARS to raise it)")
    return Report.from_dict(d)


__all__ = ["read_saved_report", "validate_saved_report", "SavedReportError"]
