"""DOCX: paragraphs and tables in body order; a table row becomes a line of tab-separated cells."""
from __future__ import annotations

import io

from ..errors import ReportReadError
from .normalize import normalize_text


def read_docx(data: bytes, path: str, changes: list[str]) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - dependency missing
        raise ReportReadError(path, f"python-docx is not installed: {e}") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        msg = str(e) or type(e).__name__
        if "encrypt" in msg.lower() or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ReportReadError(path, "password-protected or encrypted document") from None
        raise ReportReadError(path, f"not a readable .docx file ({msg})") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
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
            lines.append("")
    return normalize_text("\n".join(lines), changes)
