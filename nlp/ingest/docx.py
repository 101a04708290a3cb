"""DOCX: paragraphs and tables in body order; a table row becomes a line of tab-separated cells."""
from __future__ import annotations

import io
import zipfile

from ..errors import ReportReadError
from .limits import DEFAULT_MAX_CHARS, DEFAULT_MAX_EXPANDED, megabytes
from .normalize import normalize_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TR, _W_TC = f"{_W}p", f"{_W}tr", f"{_W}tc"
_W_R, _W_HYPERLINK = f"{_W}r", f"{_W}hyperlink"
#: a run's children that carry text, as python-docx's ``CT_R.text`` takes them (each its ``str``)
_RUN_TEXT = tuple(f"{_W}{t}" for t in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def paragraph_text(p) -> str:
    """A ``w:p`` element's text as python-docx's ``Paragraph.text`` gives it (its runs and its
    hyperlinks' runs, each run's text, tab, break and hyphen elements as their text), walking the
    children instead of one XPath query per paragraph and per run."""
    parts: list[str] = []
    for child in p.iterchildren(_W_R, _W_HYPERLINK):
        for run in (child,) if child.tag == _W_R else child.iterchildren(_W_R):
            parts += [str(e) for e in run.iterchildren(*_RUN_TEXT)]
    return "".join(parts)


def _val(parent, path: str, default: str | None) -> str | None:
    """``w:val`` of the element at ``path`` under ``parent`` (None: no such element; ``default``: no value)."""
    found = parent.find(path.replace("w:", _W))
    return None if found is None else found.get(f"{_W}val", default)


def _span(tc) -> int:
    v = _val(tc, "w:tcPr/w:gridSpan", "1")
    return int(v) if v is not None and v.isdigit() and int(v) > 0 else 1


def table_rows(tbl) -> list[list]:
    """Each row of a ``w:tbl`` element as the ``w:tc`` elements holding its cells' content, left to right,
    as python-docx's ``_Row.cells`` gives them less the repeats: a cell spanning columns once, a cell
    continuing a vertical merge as the merge's first cell (the one at the same grid column in the row
    above; itself where there is none), in one pass over the rows instead of an XPath query per cell."""
    rows: list[list] = []
    above: dict[int, object] = {}       # grid column -> the content cell starting there in the row above
    for tr in tbl.iterchildren(_W_TR):
        before = _val(tr, "w:trPr/w:gridBefore", "0")
        offset = int(before) if before is not None and before.isdigit() else 0
        here: dict[int, object] = {}
        row: list = []
        for tc in tr.iterchildren(_W_TC):
            merge = _val(tc, "w:tcPr/w:vMerge", "continue")
            content = above.get(offset, tc) if merge == "continue" else tc
            here[offset] = content
            offset += _span(tc)
            if not row or row[-1] is not content:
                row.append(content)
        rows.append(row)
        above = here
    return rows


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
            lines.append(paragraph_text(child))
            chars += len(lines[-1])
        elif tag == "tbl":
            for row in table_rows(child):
                cells = [" ".join("\n".join(paragraph_text(p) for p in tc.iterchildren(_W_P)).split())
                         for tc in row]
                lines.append("\t".join(cells))
                chars += len(lines[-1])
            lines.append("")
    if chars > max_chars:
        raise ReportReadError(path, f"more than {max_chars:,} characters of text, over the limit "
                                    "(set XXGK_MAX_CHARS to raise it)")
    return normalize_text("\n".join(lines), changes)
