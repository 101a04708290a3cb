"""One report file read into a normalized :class:`Source` (the reader picked by format, limits checked)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportReadError
from .limits import IngestLimits, megabytes, read_limits
from .quality import check_text_layer, measure
from .script import to_simplified

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
    #: what the file says about itself outside the text (a web page's title and meta tags)
    metadata: dict[str, str] = field(default_factory=dict)
    #: offsets into ``text`` where each source page begins (PDF); empty when unpaged
    page_starts: list[int] = field(default_factory=list)


def max_bytes() -> int:
    """The size limit on disk (``XXGK_MAX_BYTES``); raises :class:`~nlp.ingest.limits.LimitError` on a bad value."""
    return read_limits().max_bytes


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


def read_source(path: str | os.PathLike[str], limits: IngestLimits | None = None) -> Source:
    """Read one file into a normalized :class:`Source`; raises :class:`ReportReadError` naming the problem.

    ``limits``: what the file may cost (default: :func:`~nlp.ingest.limits.read_limits`, from the environment).
    """
    limits = limits if limits is not None else read_limits()
    p = Path(path)
    if not p.exists():
        raise ReportReadError(str(p), "no such file")
    if p.is_dir():
        raise ReportReadError(str(p), "is a directory, not a report file")
    size = p.stat().st_size
    if size == 0:
        raise ReportReadError(str(p), "empty file (0 bytes)")
    if size > limits.max_bytes:
        raise ReportReadError(str(p), f"file is {megabytes(size)}, over the {megabytes(limits.max_bytes)} limit "
                                      "(set XXGK_MAX_BYTES to raise it)")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReportReadError(str(p), f"cannot read file: {e.strerror or e}") from None
    fmt = sniff_format(p, data[:1024])
    changes: list[str] = []
    warnings: list[str] = []
    metadata: dict[str, str] = {}
    encoding = ""
    page_starts: list[int] = []
    if fmt in ("txt", "md"):
        from .text import decode_bytes, read_markdown_or_text

        raw, encoding = decode_bytes(data, str(p))
        _check_chars(len(raw), str(p), limits)
        text = read_markdown_or_text(raw, fmt, changes)
    elif fmt == "html":
        from .html import read_html
        from .text import decode_bytes

        from .pagemeta import page_metadata

        raw, encoding = decode_bytes(data, str(p), html=True)
        text = read_html(raw, str(p), changes, max_chars=limits.max_chars)
        metadata = page_metadata(raw)
    elif fmt == "docx":
        from .docx import read_docx

        text = read_docx(data, str(p), changes, max_expanded=limits.max_expanded, max_chars=limits.max_chars)
        encoding = "docx"
    elif fmt == "pdf":
        from .pdf import read_pdf

        text = read_pdf(data, str(p), changes, warnings, page_starts)
        if measure(text).looks_mojibake:
            # UTF-8 bytes drawn as Latin glyphs: pdfminer keeps each glyph's byte, PDFium maps some of
            # them to other code points, so the repair reads the layer through pdfminer
            changes.clear()
            warnings.clear()
            text = read_pdf(data, str(p), changes, warnings, page_starts, reader="pdfplumber")
        _check_chars(len(text), str(p), limits)
        encoding = "pdf"
    else:  # pragma: no cover - sniff_format returns one of the above
        raise ReportReadError(str(p), f"unsupported format {fmt}")
    if not text.strip():
        raise ReportReadError(str(p), "no text found in the file")
    text = check_text_layer(text, str(p), changes, warnings)
    simplified, script = to_simplified(text)
    original = text if script == "traditional" else None
    if script == "traditional":
        changes.append("converted traditional script to simplified (one for one; offsets index both texts)")
    return Source(path=str(p), format=fmt, text=simplified, encoding=encoding, script=script, original_text=original,
                  changes=changes, warnings=warnings, sha256=hashlib.sha256(data).hexdigest(), metadata=metadata,
                  page_starts=page_starts)


def _check_chars(n: int, path: str, limits: IngestLimits) -> None:
    if n > limits.max_chars:
        raise ReportReadError(path, f"{n:,} characters of text, over the {limits.max_chars:,} character limit "
                                    "(set XXGK_MAX_CHARS to raise it)")
