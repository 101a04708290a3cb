"""DOCX: paragraphs and tables in body order; a table row becomes a line of tab-separated cells."""
from __future__ import annotations

import io
import zipfile

from ..errors import ReportReadError
from .limits import DEFAULT_MAX_CHARS, DEFAULT_MAX_EXPANDED, megabytes
from .normalize import normalize_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open_errors() -> tuple[type[BaseException], ...]:
    """What python-docx raises for a file it cannot open: not a zip (an old binary .doc, a truncated
    file), a missing part or relationship, not a Word content type, broken XML, a corrupt, encrypted
    or unsupported zip entry."""
    import zlib

    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    return (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, RuntimeError, OpcError, LxmlError)


def expanded_size(data: bytes, path: str) -> int:
    """The bytes a DOCX's parts take once decompressed (from the zip directory, before inflating anything)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        if data[:8] == _OLE_MAGIC:
            raise ReportReadError(path, "password-protected or encrypted document") from None
        raise ReportReadError(path, f"not a readable .docx file ({e or type(e).__name__})") from None


def read_docx(data: bytes, path: str, changes: list[str], *, max_expanded: int = DEFAULT_MAX_EXPANDED,
              max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Paragraphs and tables in body order; refused when it expands past ``max_expanded`` bytes
    or holds more than ``max_chars`` characters of text."""
    if data[:8] != _OLE_MAGIC:
        size = expanded_size(data, path)
        if size > max_expanded:
            raise ReportReadError(path, f"expands to {megabytes(size)} when decompressed, over the "
                                        f"{megabytes(max_expanded)} limit (set XXGK_MAX_EXPANDED to raise it)")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - dependency missing
        raise ReportReadError(path, f"python-docx is not installed: {e}") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except _open_errors() as e:
        msg = str(e) or type(e).__name__
        if "encrypt" in msg.lower() or data[:8] == _OLE_MAGIC:
            raise ReportReadError(path, "password-protected or encrypted document") from None
        raise ReportReadError(path, f"not a readable .docx file ({msg})") from None
    lines: list[str] = []
    chars = 0
    body = document.element.body
    for child in body.iterchildren():
        if chars > max_chars:
            raise ReportReadError(path, f"more than {max_chars:,} characters of text, over the limit "
                                        "(set XXGK_MAX_CHARS to raise it)")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
            chars += len(lines[-1])
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells = []
                prev = None
                for cell in row.cells:
                    if prev is not None and cell._tc is prev:  # merged cell repeated by python-docx
                        continue
                    prev = cell._tc
                    cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells))
                chars += len(lines[-1])
            lines.append("")
    if chars > max_chars:
        raise ReportReadError(path, f"more than {max_chars:,} characters of text, over the limit "
                                    "(set XXGK_MAX_CHARS to raise it)")
    return normalize_text("\n".join(lines), changes)
