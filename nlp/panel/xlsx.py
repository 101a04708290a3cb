"""A lean streaming xlsx writer for the panel's sheets (plain values, a bold header, a frozen first row).

openpyxl's write-only mode makes a cell object per value; the panel's long sheet has about 220 rows ×
21 columns per report, so at scale that cost more than the rest of the outputs together. This
writer emits the sheet XML directly, a block of rows at a time, into the zip; what a reader gets back
(openpyxl, Excel) is what openpyxl wrote before: the same sheets, header, values and number
formats, strings always as text (inline strings: a value starting with ``=`` is never a formula),
numbers formatted as openpyxl formats them (``%.16g``), Excel's error codes (``#N/A``) as error
values, an empty string or None as an empty cell,
strings cut at Excel's 32,767 characters. Characters XML cannot carry (control characters other
than tab, line feed and carriage return) are dropped (openpyxl refused the whole file).

Every zip entry is dated 1980-01-01 and the document properties carry a fixed time, so a re-run
gives identical bytes.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any, Iterable, Sequence

__all__ = ["XlsxSheet", "write_xlsx", "column_letter"]

#: rows rendered before they are written into the zip (bounds the memory a huge sheet takes)
ROWS_PER_BLOCK = 2000
#: rows above which a sheet's zip entry gets zip64 sizes (it may pass 2 GiB)
ZIP64_ROWS = 200_000
#: style ids in styles.xml: plain, bold (the header), a percentage with one decimal
_BOLD, _PERCENT = 1, 2
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_ESCAPE = re.compile(r"[&<>\r\000-\010\013\014\016-\037]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
#: strings openpyxl writes as error values (``t="e"``), as a reader gets them back
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"


@dataclass(frozen=True)
class XlsxSheet:
    """One sheet: its title, header, rows (one sequence of values per row, in header order), column
    widths, the columns (0-based) whose float values are shown as percentages, and the number of
    rows when known (a sheet of unknown or very many rows is written with zip64 sizes)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float]
    percent: frozenset[int] = frozenset()
    size: int | None = None


def column_letter(i: int) -> str:
    """Excel's name of the 0-based column ``i`` (0 → A, 26 → AA)."""
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _escape(s: str) -> str:
    if _ESCAPE.search(s) is None:
        return s
    return _ILLEGAL.sub("", s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _text_tail(value: str, style: str = "") -> str:
    if len(value) > 32767:
        value = value[:32767]
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'


def _number(value: float | int) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    return "%.16g" % value


def _cell_tail(value: Any, percent: bool) -> str:
    """One cell as openpyxl's write-only mode writes it (see the module docstring), after its
    ``<c r="REF"``."""
    if value is None or value == "":
        return f' t="{"n" if value is None else "inlineStr"}"/>'
    if isinstance(value, str):
        return _text_tail(value) if value not in _ERROR_CODES else f' t="e"><v>{value}</v></c>'
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        style = f' s="{_PERCENT}"' if percent and isinstance(value, float) else ""
        return f'{style} t="n"><v>{_number(value)}</v></c>'
    raise TypeError(f"cannot write a {type(value).__name__} into an xlsx cell: {value!r}")


#: distinct values whose cell XML a sheet keeps for reuse (names, labels, units and small counts repeat
#: row after row); keyed by type too, so that 1, 1.0 and True stay apart
VALUES_KEPT = 50_000


def _sheet_head(sheet: XlsxSheet) -> str:
    cols = "".join(f'<col width="{_number(w)}" customWidth="1" min="{i}" max="{i}"/>'
                   for i, w in enumerate(sheet.widths, 1))
    return (f'<worksheet xmlns="{_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>")


def _write_sheet(f: IO[bytes], sheet: XlsxSheet) -> None:
    letters = [column_letter(i) for i in range(len(sheet.header))]
    style = f' s="{_BOLD}"'
    head = "".join(f'<c r="{c}1"' + (_text_tail(h, style) if h else f'{style} t="inlineStr"/>')
                   for c, h in zip(letters, sheet.header))
    block = [_sheet_head(sheet), f'<row r="1">{head}</row>']
    pct = [i in sheet.percent for i in range(len(letters))]
    kept: dict[tuple[type, Any, bool], str] = {}   # a value's cell XML after its reference
    for n, row in enumerate(sheet.rows, 2):
        r = str(n)
        cells = []
        for c, v, p in zip(letters, row, pct):
            key = (type(v), v, p)
            try:
                tail = kept[key]
            except KeyError:
                tail = _cell_tail(v, p)
                if len(kept) < VALUES_KEPT:
                    kept[key] = tail
            except TypeError:   # not hashable: _cell_tail says it cannot be written
                tail = _cell_tail(v, p)
            cells.append(f'<c r="{c}{r}"{tail}')
        block.append(f'<row r="{r}">' + "".join(cells) + "</row>")
        if len(block) >= ROWS_PER_BLOCK:
            f.write("".join(block).encode("utf-8"))
            block = []
    block.append("</sheetData></worksheet>")
    f.write("".join(block).encode("utf-8"))


def _parts(titles: Sequence[str], creator: str, stamp: str) -> dict[str, str]:
    """Every part but the sheets: content types, relationships, workbook, styles, document properties."""
    n = len(titles)
    sheet_ct = f"{_CT}.spreadsheetml.worksheet+xml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_ct}"/>'
                        for i in range(1, n + 1))
    sheets = "".join(f'<sheet xmlns:r="{_REL}" name="{_escape(t)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
                     for i, t in enumerate(titles, 1))
    sheet_rels = "".join(f'<Relationship Type="{_REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
                         for i in range(1, n + 1))
    xf = 'fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"'
    dc = 'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"'
    return {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
            f'{overrides}<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Type="{_REL}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
            f'<Relationship Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
            f'<Relationship Type="{_REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/></Relationships>',
        "docProps/app.xml":
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel Compatible / xxgk</Application></Properties>",
        "docProps/core.xml":
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
            f'<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{_escape(creator)}</dc:creator>'
            f"<dcterms:created {dc}>{stamp}</dcterms:created><dcterms:modified {dc}>{stamp}</dcterms:modified>"
            "</cp:coreProperties>",
        "xl/workbook.xml":
            f'<workbook xmlns="{_NS}"><workbookPr/><bookViews><workbookView visibility="visible" minimized="0" '
            'showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" '
            f'activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>{sheets}</sheets><definedNames/>'
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
            f'<Relationship Type="{_REL}/styles" Target="styles.xml" Id="rId{n + 1}"/></Relationships>',
        "xl/styles.xml":
            f'<styleSheet xmlns="{_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
            '<fonts count="2"><font><name val="Calibri"/><family val="2"/><sz val="11"/><scheme val="minor"/></font>'
            '<font><b val="1"/></font></fonts><fills count="2"><fill><patternFill/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
            '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" {xf}/>'
            f'<xf numFmtId="0" fontId="1" {xf}/><xf numFmtId="164" fontId="0" {xf}/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
            "</styleSheet>",
    }


#: zlib level of the workbook's parts: level 1 deflates the panel of 1,000 generated reports (275 MB
#: of sheet XML) in 0.5 CPU-s into 26 MB, against 1.4 CPU-s and 21 MB at zlib's default of 6
FAST_DEFLATE = 1


def write_xlsx(f: IO[bytes], sheets: Sequence[XlsxSheet], creator: str = "xxgk",
               created: dt.datetime = dt.datetime(2000, 1, 1), compresslevel: int = FAST_DEFLATE) -> None:
    """Write ``sheets`` as an xlsx workbook into the binary file ``f`` (rows streamed, a block at a time;
    ``compresslevel``: zlib's level, :data:`FAST_DEFLATE` by default)."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, body in _parts([s.title for s in sheets], creator, stamp).items():
            z.writestr(zipfile.ZipInfo(name, _ZIP_TIME), body, zipfile.ZIP_DEFLATED, compresslevel)
        for i, sheet in enumerate(sheets, 1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            setattr(info, "_compresslevel", compresslevel)   # what ZipFile.open(mode="w") compresses with
            big = sheet.size is None or sheet.size > ZIP64_ROWS
            with z.open(info, "w", force_zip64=big) as part:
                _write_sheet(part, sheet)
