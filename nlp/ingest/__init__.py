"""Ingest: bytes of a report file → one normalized text (:class:`Source`).

One reader per format behind :func:`read_source`: ``.txt``/``.md`` (encoding
detected), ``.docx`` (paragraphs and tables in body order), ``.pdf`` (text layer,
page by page), ``.html``/``.htm`` (main content only, tables kept as rows of
tab-separated cells). Normalization (``nlp.ingest.normalize``) records what it
changed in ``Source.changes``. Traditional-script input is converted to simplified
characters one for one, so offsets index both ``text`` and ``original_text``.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportReadError
from .normalize import normalize_text
from .script import to_simplified

#: files larger than this are refused (override with XXGK_MAX_BYTES)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

FORMAT_BY_SUFFIX = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}


@dataclass
class Source:
    """A file read into normalized text, before structure is parsed."""

    path: str
    format: str
    text: str
    encoding: str = ""
    script: str = "simplified"
    original_text: str | None = None
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    #: offsets into ``text`` where each source page begins (PDF); empty when unpaged
    page_starts: list[int] = field(default_factory=list)


def max_bytes() -> int:
    try:
        return int(os.environ.get("XXGK_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def sniff_format(path: Path, head: bytes) -> str:
    """The format by suffix, corrected by magic bytes (a PDF named .txt is still a PDF)."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt:
        return fmt
    low = head[:512].lower()
    if b"<html" in low or b"<!doctype html" in low:
        return "html"
    return "txt"


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read one file into a normalized :class:`Source`; raises :class:`ReportReadError` naming the problem."""
    p = Path(path)
    if not p.exists():
        raise ReportReadError(str(p), "no such file")
    if p.is_dir():
        raise ReportReadError(str(p), "is a directory, not a report file")
    size = p.stat().st_size
    if size == 0:
        raise ReportReadError(str(p), "empty file (0 bytes)")
    limit = max_bytes()
    if size > limit:
        raise ReportReadError(str(p), f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit (set XXGK_MAX_BYTES to raise it)")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReportReadError(str(p), f"cannot read file: {e.strerror or e}") from None
    fmt = sniff_format(p, data[:1024])
    changes: list[str] = []
    warnings: list[str] = []
    encoding = ""
    page_starts: list[int] = []
    if fmt in ("txt", "md"):
        from .text import decode_bytes, read_markdown_or_text

        raw, encoding = decode_bytes(data, str(p))
        text = read_markdown_or_text(raw, fmt, changes)
    elif fmt == "html":
        from .html import read_html
        from .text import decode_bytes

        raw, encoding = decode_bytes(data, str(p), html=True)
        text = read_html(raw, str(p), changes)
    elif fmt == "docx":
        from .docx import read_docx

        text = read_docx(data, str(p), changes)
        encoding = "docx"
    elif fmt == "pdf":
        from .pdf import read_pdf

        text = read_pdf(data, str(p), changes, warnings, page_starts)
        encoding = "pdf"
    else:  # pragma: no cover - sniff_format returns one of the above
        raise ReportReadError(str(p), f"unsupported format {fmt}")
    if not text.strip():
        raise ReportReadError(str(p), "no text found in the file")
    simplified, script = to_simplified(text)
    original = text if script == "traditional" else None
    if script == "traditional":
        changes.append("converted traditional script to simplified (one for one; offsets index both texts)")
    return Source(path=str(p), format=fmt, text=simplified, encoding=encoding, script=script, original_text=original,
                  changes=changes, warnings=warnings, sha256=hashlib.sha256(data).hexdigest(), page_starts=page_starts)


__all__ = ["Source", "read_source", "normalize_text", "DEFAULT_MAX_BYTES"]
