"""DOCX: paragraphs and tables in body order; a table row becomes a line of tab-separated cells.

Only the main document part is read (:func:`document_body`): found through the package's
relationships and content types as python-docx finds it, parsed with python-docx's parser
settings, and walked with the element tree alone. python-docx's ``Document`` parses every XML
part of the package (styles, numbering, settings, headers, …) first, about ten times the work
on a plain report; the text is the same (``tests/test_ingest.py`` compares them).
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from ..errors import ReportReadError
from .limits import DEFAULT_MAX_CHARS, DEFAULT_MAX_EXPANDED, megabytes
from .normalize import normalize_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TR, _W_TC = f"{_W}p", f"{_W}tr", f"{_W}tc"
_W_R, _W_HYPERLINK, _W_T, _W_BR = f"{_W}r", f"{_W}hyperlink", f"{_W}t", f"{_W}br"
#: a run's children that carry text, as python-docx's ``CT_R.text`` takes them: the text of ``w:t``, a
#: line break (``w:br`` of type textWrapping, the default; page and column breaks give nothing) and
#: ``w:cr`` as a newline, ``w:tab`` and ``w:ptab`` as a tab, ``w:noBreakHyphen`` as a hyphen
_FIXED_TEXT = {f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-", f"{_W}ptab": "\t", f"{_W}tab": "\t"}
_RUN_TEXT = (_W_T, _W_BR, *_FIXED_TEXT)
_BR_TYPE = f"{_W}type"

#: the package's relationships, content types and what they say of the main document part
_PACKAGE_RELS, _CONTENT_TYPES = "_rels/.rels", "[Content_Types].xml"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _run_child_text(e) -> str:
    if e.tag == _W_T:
        return e.text or ""
    if e.tag == _W_BR:
        return "\n" if e.get(_BR_TYPE, "textWrapping") == "textWrapping" else ""
    return _FIXED_TEXT[e.tag]


def paragraph_text(p) -> str:
    """A ``w:p`` element's text as python-docx's ``Paragraph.text`` gives it (its runs and its
    hyperlinks' runs, each run's text, tab, break and hyphen elements as their text), walking the
    children instead of one XPath query per paragraph and per run."""
    parts: list[str] = []
    for child in p.iterchildren(_W_R, _W_HYPERLINK):
        for run in (child,) if child.tag == _W_R else child.iterchildren(_W_R):
            parts += [_run_child_text(e) for e in run.iterchildren(*_RUN_TEXT)]
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
    """What opening a file that is not a readable .docx raises (:func:`document_body`): not a zip (an old
    binary .doc, a truncated file), a missing part or relationship, not a Word content type, broken
    XML, a corrupt, encrypted or unsupported zip entry."""
    import zlib

    from lxml.etree import LxmlError

    return (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, RuntimeError, NotImplementedError,
            LxmlError)


def _xml(z: zipfile.ZipFile, member: str):
    from lxml import etree

    # python-docx's parser settings (its oxml parser): blank text between elements dropped, no entities
    return etree.fromstring(z.read(member), etree.XMLParser(remove_blank_text=True, resolve_entities=False))


def document_body(data: bytes):
    """The ``w:body`` element of a .docx's main document part, the one part parsed. The part is found
    as python-docx finds it: the package's one relationship of the office-document type (an internal
    target, resolved against the package root) whose content type ([Content_Types].xml: an override
    for its name, else the default for its extension, both case-insensitive) is a Word document's.
    Raises what :func:`_open_errors` lists when the file is no such package."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        found = [r for r in _xml(z, _PACKAGE_RELS).iter(_RELS) if r.get("Type") == _OFFICE_DOCUMENT]
        if len(found) != 1:
            raise KeyError(f"{len(found)} relationships of type officeDocument in the package (one expected)")
        if found[0].get("TargetMode") == "External":
            raise ValueError("the main document part is an external target")
        name = posixpath.abspath(posixpath.join("/", found[0].get("Target", "")))
        types = _xml(z, _CONTENT_TYPES)
        overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types.iter(f"{_TYPES}Override")}
        defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{_TYPES}Default")}
        ext = posixpath.splitext(name)[1][1:].lower()
        content_type = overrides.get(name.lower(), defaults.get(ext))
        if content_type is None:
            raise KeyError(f"no content type for partname '{name}' in [Content_Types].xml")
        if content_type != _WORD_MAIN:
            raise ValueError(f"not a Word file, content type is '{content_type}'")
        body = _xml(z, name[1:]).find(f"{_W}body")
    if body is None:
        raise ValueError("the main document part has no body")
    return body


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
        body = document_body(data)
    except _open_errors() as e:
        msg = str(e) or type(e).__name__
        if "encrypt" in msg.lower() or data[:8] == _OLE_MAGIC:
            raise ReportReadError(path, "password-protected or encrypted document") from None
        raise ReportReadError(path, f"not a readable .docx file ({msg})") from None
    lines: list[str] = []
    chars = 0
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
