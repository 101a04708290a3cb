"""Re-print a parsed report in the shapes real reports reach us in, each with its ground truth.

A parsed :class:`~nlp.document.Report` and its cells (:func:`nlp.tables.extract_tables`)
are taken apart into narrative text, part headings and statistics tables, and printed
again in one of :data:`FORMS`:

- ``reprint`` — the control: lines kept, tables one cell a line;
- ``oneline_drop`` — web text on one line, newlines dropped: headings glued to the sentence
  before them, table cells glued into digit runs, blank cells lost;
- ``oneline_space`` — one line, every newline → one space (a blank cell leaves two spaces);
- ``glued`` / ``glued_spaced`` — lines kept, each table one run of cells without delimiters,
  header included (``glued_spaced``: a single space survives between some cells, seeded);
- ``pipes`` — tables as `` | ``-joined rows: a row label split over two cells (group and
  sub-row), blank cells kept, header rows spread over several lines, table 4 as its
  header lines and one line of 15 values;
- ``crawler`` — a site crawler's metadata header, then the text on one line (newlines dropped
  or turned into spaces, seeded);
- ``chrome_html`` — the article inside ~300 KB of invented site chrome (menus, search form,
  login links, breadcrumbs, related links, footer, scripts, styles, ``ms-*``/template
  attributes), tables as ``<table>`` with ``colspan``/``rowspan``;
- ``era2008`` / ``era2008_oneline`` — part titles of the 2008–2018 layouts
  (``nlp.format.ERA_2008_PART_TITLES``), a 收费及减免 part and a statistics-table
  appendix added; lines kept / newlines dropped;
- ``paged`` — a PDF's text as a converter prints it: the title, a table of contents (目录: the
  part headings with dot leaders and page numbers), then the report with page furniture every few
  lines, inside tables too (a page-number footer such as — 3 — or 第3页 共9页, a form feed, the
  running header).

Every :class:`Rendering` carries its :class:`Truth` — the part keys in order, the section
count and every cell (blank and NA cells included) — taken from the source report's own
parse. The same report, form and seed give the same bytes.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any, Callable, Sequence

from nlp import format as V
from nlp.document import Report
from nlp.tables import Cell, ReportTables, Table

from . import phrases as P
from .generate import TextBuilder, _html_table, _txt_table

FORMS: tuple[str, ...] = ("reprint", "oneline_drop", "oneline_space", "glued", "glued_spaced", "pipes", "crawler",
                          "chrome_html", "era2008", "era2008_oneline", "paged")
#: ``paged``: narrative lines per printed page (a page break, its footer and the next page's running header)
PAGE_LINES = (4, 9)
#: share of cell boundaries that keep a space in ``glued_spaced``
GLUED_SPACE_RATE = 0.2
#: roughly how many bytes of site chrome surround the article in ``chrome_html``
CHROME_BYTES = 300_000

#: the tables re-printed from cells (old-era free-form rows stay in the narrative as printed)
_PRINTED_TABLES = ("proactive", "requests", "review_litigation")

KIND_NUMBER, KIND_BLANK, KIND_NA = "number", "blank", "na"


# ---------------------------------------------------------------- truth


@dataclass(frozen=True)
class TruthCell:
    """One cell as the source report's parse read it: ``kind`` is number, blank or na."""

    table: str
    row: str
    column: str
    value: int | float | None
    kind: str
    raw: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column, "value": self.value, "kind": self.kind}


@dataclass(frozen=True)
class Truth:
    """What a parser must read back from a rendering."""

    parts: tuple[str, ...]
    sections: int
    cells: tuple[TruthCell, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"parts": list(self.parts), "sections": self.sections, "cells": [c.to_dict() for c in self.cells]}


@dataclass(frozen=True)
class Rendering:
    """A report printed in one form: the file's bytes, its suffix and its truth."""

    form: str
    seed: int
    data: bytes
    suffix: str
    truth: Truth

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def truth_cell(cell: Cell) -> TruthCell:
    """A parsed cell as ground truth (the semantic reduced to number / blank / na)."""
    if cell.is_number:
        kind = KIND_NUMBER
    elif cell.semantic == "na":
        kind = KIND_NA
    else:
        kind = KIND_BLANK
    return TruthCell(cell.table, cell.row, cell.column, cell.value if kind == KIND_NUMBER else None, kind, cell.raw)


def section_count(report: Report) -> int:
    return sum(len(p.sections) for p in report.parts)


# ---------------------------------------------------------------- taking the report apart


@dataclass
class _Heading:
    key: str
    number: str
    title: str
    text: str           # the heading as printed (from the part start to its title end)


@dataclass
class _Table:
    kind: str
    layout: dict[str, Any]   # the generator's neutral table description (corpora.generate.table_rows)


@dataclass
class _Source:
    """The report in text order: narrative strings, part headings and tables."""

    pieces: list[str | _Heading | _Table] = field(default_factory=list)
    truth: Truth = Truth((), 0, ())
    title: str = ""
    agency: str = ""
    year: int | None = None
    date: str = ""


def _value_text(cell: Cell | None) -> str:
    if cell is None or cell.semantic == "blank":
        return ""
    if cell.is_number:
        v = cell.value
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    return cell.raw


def _table_layout(t: Table, rng: random.Random) -> dict[str, Any] | None:
    """The neutral description of a parsed table (labels from ``nlp.format``), or None when it has no cells."""
    cells = {(c.row, c.column): c for c in t.cells}
    if not cells:
        return None
    unit = rng.choice(V.PRINTED_TABLE_UNITS)
    if t.kind == "requests":
        mark = rng.choice(V.PRINTED_NUMBER_MARKS)
        present = {c.row for c in t.cells}
        row_keys = [k for k in (V.REQUEST_ROWS_2021 if t.era == V.ERA_2021 else V.REQUEST_ROWS_2019) if k in present]
        outcomes = set(row_keys) - {"received", "carried_over", "carried_forward"}
        rows = []
        for key in row_keys:
            group = V.PRINTED_REQUEST_GROUPS[key.split(".")[0]] if "." in key else ""
            label = re.sub(r"^(\d+)\.", lambda m: m.group(1) + mark, V.PRINTED_REQUEST_ROWS[key])
            rows.append({"key": key, "section": V.PRINTED_REQUEST_RESULTS if key in outcomes else "", "group": group,
                         "label": label, "values": [_value_text(cells.get((key, c))) for c in V.REQUEST_COLUMNS]})
        return {"kind": t.kind, "unit": unit, "note": rng.choice(V.PRINTED_REQUEST_NOTES),
                "header": V.PRINTED_REQUEST_HEADER, "columns": [V.PRINTED_REQUEST_COLUMNS[c] for c in V.REQUEST_COLUMNS],
                "legal_persons": rng.choice(V.PRINTED_REQUEST_LEGAL_PERSONS_VARIANTS),
                "results": V.PRINTED_REQUEST_RESULTS, "rows": rows}
    if t.kind == "review_litigation":
        values = [_value_text(cells.get((b, c))) for b in V.REVIEW_BLOCKS for c in V.REVIEW_COLUMNS]
        blocks = [V.PRINTED_REVIEW_BLOCKS[b] for b in V.REVIEW_BLOCKS]
        columns = [V.PRINTED_REVIEW_COLUMNS[c] for c in V.REVIEW_COLUMNS[:-1]] + [rng.choice(V.PRINTED_REVIEW_TOTAL_VARIANTS)]
        block_rows = [(blocks[0], values[:5])] + [(f"{V.PRINTED_REVIEW_LITIGATION}（{label}）", values[5 * i:5 * i + 5])
                                                 for i, label in enumerate(blocks[1:], 1)]
        return {"kind": t.kind, "unit": unit, "blocks": blocks, "litigation": V.PRINTED_REVIEW_LITIGATION,
                "columns": columns, "values": values, "block_rows": block_rows}
    era = t.era if t.era in V.PRINTED_PROACTIVE_BLOCKS else V.ERA_2021
    column_labels = dict(V.PRINTED_PROACTIVE_COLUMNS)
    if era == V.ERA_2021:
        column_labels.update(V.PRINTED_PROACTIVE_COLUMNS_2021)
    columns_by_row = V.PROACTIVE_COLUMNS_2021 if era == V.ERA_2021 else V.PROACTIVE_COLUMNS_2019
    present = {c.row for c in t.cells}
    out_blocks = []
    for title, row_keys in V.PRINTED_PROACTIVE_BLOCKS[era]:
        keys = [k for k in row_keys if k in present]
        if not keys:
            continue
        cols = columns_by_row[keys[0]]
        rows = [(V.PRINTED_PROACTIVE_ROWS[era][k], [_value_text(cells.get((k, c))) for c in cols]) for k in keys]
        headers = [column_labels[c] + ("" if c in V.AMOUNT_COLUMNS else V.PRINTED_COUNT_UNIT) for c in cols]
        out_blocks.append({"title": title, "columns": [V.PRINTED_PROACTIVE_ITEM] + headers, "rows": rows})
    return {"kind": t.kind, "unit": unit, "blocks": out_blocks}


def _cut_end(text: str, pos: int) -> int:
    """The offset of the line break at or after ``pos`` (a table's cut runs to the end of its last cell's line)."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


#: a section or part heading's numbering at a line start (such a line never belongs to a table's header)
_SECTION_OR_PART_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、．.])")


def _is_header_line(line: str) -> bool:
    """A line before a table's first cell that belongs to the table: tabs or pipes, or a short line with a table word."""
    s = line.strip()
    if not s or _SECTION_OR_PART_START.match(s) or "。" in s:
        return False
    if "\t" in s or "|" in s:
        return True
    return len(s) <= 40 and ("单位" in s or any(w in s for w in V.TABLE_REGION_WORDS))


def _header_start(text: str, start: int, floor: int) -> int:
    """Move a table's start back over its header, unit and note lines (not past ``floor``)."""
    start = text.rfind("\n", 0, start) + 1
    pos = start
    while pos > floor:
        a = text.rfind("\n", 0, pos - 1) + 1
        if a < floor:
            break
        line = text[a:pos - 1]
        if line.strip() and not _is_header_line(line):
            break
        pos = a
        if line.strip():
            start = a
    return max(start, floor)


def take_apart(report: Report, tables: ReportTables, seed: int = 0) -> _Source:
    """Split a parsed report into narrative, part headings and tables, in text order."""
    rng = random.Random(f"render-layout:{seed}:{report.id}")
    text = report.text
    headings = [(p.start, max(p.title_end, p.start), p) for p in report.parts
                if p.number and not p.inferred and p.title_end > p.start]
    cuts: list[tuple[int, int, str | _Heading | _Table]] = []
    for a, b, p in headings:
        cuts.append((a, b, _Heading(p.key, p.number, p.title, text[a:b])))
    kept_cells: list[Cell] = []
    ordered = sorted((t for k, t in tables.tables.items() if k in _PRINTED_TABLES and t.cells), key=lambda t: t.start)
    prev_end = 0
    for i, t in enumerate(ordered):
        layout = _table_layout(t, rng)
        if layout is None:
            continue
        start = min([t.start] + [c.start for c in t.cells] + [s.start for s in report.tables
                                                              if s.start <= t.start < s.end or t.start <= s.start < t.end])
        end = _cut_end(text, max(c.end for c in t.cells))
        floor = max([b for a, b, _ in headings if b <= start] + [prev_end])
        start = _header_start(text, start, floor)
        # a table's cut never swallows a part heading or the next table
        limits = [a for a, _, _ in headings if a > start] + [min([u.start] + [c.start for c in u.cells])
                                                             for u in ordered[i + 1:]]
        end = min([end] + limits)
        for a, b, _ in headings:
            if a <= start < b:
                start = b
        if end <= start:
            continue
        cuts.append((start, end, _Table(t.kind, layout)))
        prev_end = end
        kept_cells += t.cells
    cuts.sort(key=lambda c: (c[0], c[1]))
    src = _Source(title=report.title, agency=report.agency, year=report.year, date=report.publication_date)
    pos = 0
    for a, b, piece in cuts:
        if a < pos:  # overlapping cut (should not happen): keep the earlier one
            continue
        if a > pos:
            src.pieces.append(text[pos:a])
        src.pieces.append(piece)
        pos = b
    if pos < len(text):
        src.pieces.append(text[pos:])
    kept = {id(c) for c in kept_cells}
    # cells of tables not re-printed (old-era rows) stay in the narrative as printed; they are truth too
    cells = [truth_cell(c) for c in tables if id(c) in kept or c.table not in _PRINTED_TABLES]
    src.truth = Truth(tuple(p.key for p in report.parts), section_count(report), tuple(cells))
    return src


# ---------------------------------------------------------------- table writers


def _cell_lines(layout: dict[str, Any]) -> list[str]:
    """A table one cell a line (blank cells as empty lines), as a DOCX-to-text conversion prints it."""
    tb = TextBuilder()
    _txt_table(tb, layout, "cells")
    return tb.text.split("\n")[:-1]


def _glued_line(layout: dict[str, Any], rng: random.Random, space_rate: float) -> str:
    """A table as one run of cells without delimiters; a single space survives at some cell boundaries."""
    cells = [c for c in _cell_lines(layout) if c]
    out = cells[:1]
    for c in cells[1:]:
        if space_rate and rng.random() < space_rate:
            out.append(" ")
        out.append(c)
    return "".join(out)


def _pipe(cells: Sequence[str]) -> str:
    return " | ".join(cells)


def _pipe_lines(layout: dict[str, Any], rng: random.Random) -> list[str]:
    """A converted HTML table: `` | ``-joined rows, split row labels, blank cells kept, header over several lines."""
    out = [layout["unit"]]
    if layout["kind"] == "proactive":
        for block in layout["blocks"]:
            out.append(block["title"])
            out.append(_pipe(block["columns"]))
            out += [_pipe([label] + vals) for label, vals in block["rows"]]
        return out
    if layout["kind"] == "requests":
        cols = layout["columns"]
        out.append(layout["note"])
        out.append(_pipe([layout["header"], cols[0], layout["legal_persons"], cols[6]]))
        out.append(_pipe(cols[1:6]))
        seen: set[str] = set()
        repeat_group = rng.random() < 0.5
        for r in layout["rows"]:
            if r["group"]:
                first = r["group"] not in seen
                seen.add(r["group"])
                lead = [r["group"]] if first or repeat_group else []
                out.append(_pipe(lead + [r["label"]] + r["values"]))
            elif r["section"] and r["section"] not in seen:
                seen.add(r["section"])
                out.append(_pipe([r["section"], r["label"]] + r["values"]))
            else:
                out.append(_pipe([r["label"]] + r["values"]))
        return out
    cols = layout["columns"]
    blocks = layout["blocks"]
    out.append(_pipe([blocks[0], layout["litigation"]]))
    if rng.random() < 0.5:  # three header lines: the two litigation blocks on a line of their own
        out.append(_pipe(blocks[1:]))
        out.append(_pipe(cols * 3))
    else:
        out.append(_pipe(cols + blocks[1:]))
    out.append(_pipe(layout["values"]))
    return out


# ---------------------------------------------------------------- narrative


def _era2008_pieces(src: _Source, rng: random.Random) -> tuple[list[str | _Heading | _Table], tuple[str, ...], int]:
    """Pieces with 2008-era part titles, renumbered; a fees part and a statistics appendix added."""
    keys = [p.key for p in src.pieces if isinstance(p, _Heading)]
    year = src.year or 2012
    fees_at = next((k for k in ("review_litigation", "problems", "other") if k in keys), None)
    merge_fees = fees_at == "review_litigation" and rng.random() < 0.3
    add_fees = fees_at is not None and not merge_fees and rng.random() < 0.7
    add_appendix = bool(keys) and rng.random() < 0.6
    pieces: list[str | _Heading | _Table] = []
    out_keys: list[str] = []
    n = 0
    added = 0

    def heading(key: str, title: str) -> _Heading:
        nonlocal n
        n += 1
        number = V.CN_NUMERALS[n - 1] if n <= 10 else f"十{V.CN_NUMERALS[n - 11]}"
        out_keys.append(key)
        return _Heading(key, number, title, f"{number}、{title}")

    for p in src.pieces:
        if not isinstance(p, _Heading):
            pieces.append(p)
            continue
        if add_fees and p.key == fees_at:
            pieces.append(heading("fees", rng.choice(V.ERA_2008_PART_TITLES["fees"])))
            pieces.append("\n" + rng.choice(_FEES_SENTENCES).format(year=year) + "\n")
            added += 1
        if merge_fees and p.key == "review_litigation":
            title = rng.choice(V.ERA_2008_FEES_WITH_REVIEW_TITLES)
        elif p.key in V.ERA_2008_PART_TITLES and p.key != "unknown":
            title = rng.choice(V.ERA_2008_PART_TITLES[p.key]).format(year=year)
        else:
            title = p.title
        tail = p.text[-1] if p.text and p.text[-1] in "。：:" else ""
        pieces.append(heading(p.key, title + tail))
    if add_appendix:
        title = rng.choice(V.ERA_2008_PART_TITLES["unknown"]).format(year=year)
        pieces.append("\n")
        pieces.append(heading("unknown", title))
        pieces.append("\n" + rng.choice(_APPENDIX_NOTES).format(year=year) + "\n")
        added += 1
    return pieces, _with_unheaded(out_keys, src.truth.parts, keys), added


def _with_unheaded(out_keys: list[str], truth_parts: Sequence[str], headed: Sequence[str]) -> tuple[str, ...]:
    """``out_keys`` (the renumbered headings' parts) with the source's parts that have no heading of
    their own (e.g. a problems part inferred from its sections), each after the part it follows in
    the source; such a part is printed as it was, so a parser reads it back."""
    out = list(out_keys)
    for i, key in enumerate(truth_parts):
        if key in headed or key in out:
            continue
        before = next((k for k in reversed(truth_parts[:i]) if k in out), None)
        out.insert(out.index(before) + 1 if before is not None else 0, key)
    return tuple(out)


#: invented bodies of an added 收费及减免 part ({year}: the report's year)
_FEES_SENTENCES: tuple[str, ...] = (
    "{year}年度办理依申请公开事项时未向申请人收取检索、复制或邮寄费用，亦无减免费用的情形。",
    "本年度本机关在提供政府信息过程中没有收取任何费用，未发生收费减免事项。",
    "全年未收取政府信息公开相关费用。",
)
#: invented notes under an added statistics-table appendix
_APPENDIX_NOTES: tuple[str, ...] = (
    "注：表内数据的统计期限为{year}年1月1日至{year}年12月31日。",
    "说明：本统计表各项数据均截至{year}年12月31日。",
)


def _lines(pieces: Sequence[str | _Heading | _Table], table_lines: Callable[[dict[str, Any]], list[str]]) -> str:
    """Text with lines kept: narrative as printed, headings re-printed, tables by ``table_lines``
    (one string a line; an empty line is a blank cell)."""
    out: list[str] = []
    after_table = False
    for p in pieces:
        if isinstance(p, _Table):
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            out.append("\n".join(table_lines(p.layout)) + "\n")
            after_table = True
            continue
        chunk = p.text if isinstance(p, _Heading) else p
        if after_table and chunk.startswith("\n"):  # the newline that ended the table's last line in the source
            chunk = chunk[1:]
        out.append(chunk)
        after_table = False
    return "".join(out)


def _one_line(text: str, joiner: str) -> str:
    return text.strip("\n").replace("\n", joiner)


# ---------------------------------------------------------------- crawler header and site chrome


def _publication(src: _Source, rng: random.Random) -> tuple[str, str]:
    """(date 'YYYY-MM-DD', time 'HH:MM') from the report's date, else invented from its year."""
    m = re.search(r"((?:19|20)\d{2})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", src.date or "")
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        y, mo, d = (src.year or 2019) + 1, rng.randint(1, 3), rng.randint(1, 28)
    return f"{y:04d}-{mo:02d}-{d:02d}", f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"


def _site(rng: random.Random) -> tuple[str, str, str]:
    """An invented site: (place, site name, host)."""
    place, slug, level = rng.choice(P.PLACES)
    return place, f"{place}{level}人民政府", f"www.{slug}.gov.cn"


def _title(src: _Source) -> str:
    if src.title:
        return src.title
    for p in src.pieces:
        if isinstance(p, str) and p.strip():
            return p.strip().split("\n", 1)[0][:60]
    return "政府信息公开工作年度报告"


def crawler_header(src: _Source, rng: random.Random) -> str:
    """A site crawler's metadata lines (invented values) and the rule before the article text."""
    date, clock = _publication(src, rng)
    _, site, host = _site(rng)
    column = rng.choice(("政府信息公开年报", "信息公开年度报告", "年度报告", "政务公开 > 年报"))
    path = f"xxgk/ndbg/{date[:4]}{date[5:7]}/t{date.replace('-', '')}_{rng.randint(10000, 999999)}.html"
    agency = src.agency if rng.random() < 0.5 else ""
    return (f"标题: {_title(src)}\n发布时间: {date} {clock}\n文号: \n发布机构: {agency}\n"
            f"栏目: {column}\n原文链接: https://{host}/{path}\n来源站点: {site}\n"
            f"{'=' * 12} 正文 {'=' * 12}\n")


_MENU = ("首页", "政务公开", "政务服务", "互动交流", "走进本地", "专题专栏", "数据开放", "新闻中心", "政策文件", "便民服务")
_SUBMENU = ("通知公告", "政策解读", "人事信息", "规划计划", "财政信息", "统计数据", "应急管理", "重点领域", "建议提案",
            "机构职能", "领导之窗", "部门动态", "基层动态", "图片新闻", "视频新闻", "在线访谈", "征集调查", "办事指南")
_RELATED = ("关于做好年度政务公开工作的通知", "本机关政务公开工作要点", "政府信息公开指南", "政府信息公开目录",
            "依申请公开办理流程图", "政府信息公开工作年度报告（上一年度）", "政务公开工作培训会召开", "网站工作年度报表")


def _chrome_css(rng: random.Random, n: int) -> str:
    rules = []
    for i in range(n):
        cls = f".m{rng.randint(100, 999)}-{i}"
        rules.append(f"{cls}{{margin:{rng.randint(0, 20)}px {rng.randint(0, 20)}px;color:#{rng.randint(0, 0xffffff):06x};"
                     f"font-size:{rng.randint(12, 18)}px;line-height:{rng.randint(16, 30)}px}}")
    return "\n".join(rules)


def _chrome_js(rng: random.Random, n: int) -> str:
    lines = ["(function(w,d){'use strict';var cfg={site:'portal',ver:'" + str(rng.randint(1, 9)) + ".0'};"]
    for i in range(n):
        lines.append(f"function f{i}(e){{var t=d.getElementById('n{i}');if(t){{t.className=e?'on':'';}}"
                     f"return {rng.randint(0, 9999)};}}")
    lines.append("w.portal=cfg;})(window,document);")
    return "\n".join(lines)


#: how the page is built: block class names that say what a block is, opaque ones, or an old site's layout tables
SITE_STYLES: tuple[str, ...] = ("semantic", "opaque", "layout_table")
_CLASSES: dict[str, dict[str, str]] = {
    "semantic": {"top": "top-bar", "head": "header", "nav": "nav", "crumbs": "breadcrumb", "box": "article-box",
                 "info": "article-info", "body": "article-content TRS_Editor", "tools": "article-tools",
                 "side": "related-links", "foot": "footer"},
    "opaque": {"top": "t-a", "head": "w1200 hd0", "nav": "dh clearfix", "crumbs": "wz", "box": "xl-box",
               "info": "xl-xx", "body": "xl-nr", "tools": "xl-gj", "side": "xg-xx", "foot": "bt w1200"},
}
#: how the article's lines are marked up: a <p> each, indented <p> with &nbsp;, or lines split by <br>
ARTICLE_STYLES: tuple[str, ...] = ("p", "indent", "br")


def _nav(rng: random.Random, host: str, cls: str) -> str:
    items = []
    for i, name in enumerate(_MENU):
        subs = rng.sample(_SUBMENU, 8)
        sub = "".join(f'<li ms-class="active:cur==={i}{j}"><a href="https://{host}/c{i}{j}/index.html" '
                      f'title="{s}">{s}</a></li>' for j, s in enumerate(subs))
        items.append(f'<li class="{cls}-item" ms-hover="on"><a href="https://{host}/c{i}/">{name}</a>'
                     f'<ul class="{cls}-sub">{sub}</ul></li>')
    return f'<div class="{cls}"><ul ms-controller="nav">{"".join(items)}</ul></div>'


def _article_html(pieces: Sequence[str | _Heading | _Table], style: str, rng: random.Random) -> str:
    """The article's markup: narrative lines, part headings in bold or <h3>, tables as <table>."""
    out: list[str] = []
    lines: list[str] = []   # narrative lines waiting to be written (joined by <br> in the 'br' style)

    def flush() -> None:
        if style == "br" and lines:
            out.append("<div>" + "<br/>\n".join(lines) + "</div>")
        elif style == "indent":
            out.extend(f'<p style="text-indent:2em">&nbsp;&nbsp;{line}</p>' for line in lines)
        else:
            out.extend(f"<p>{line}</p>" for line in lines)
        lines.clear()

    for p in pieces:
        if isinstance(p, str):
            lines += [escape(line) for line in p.split("\n") if line.strip()]
        elif isinstance(p, _Heading):
            heading = escape(p.text)
            if style == "br":
                lines.append(f"<strong>{heading}</strong>")
            else:
                flush()
                out.append(f"<h3>{heading}</h3>" if rng.random() < 0.3 else f"<p><strong>{heading}</strong></p>")
        else:
            flush()
            out.append(_html_table(p.layout))
    flush()
    return "\n".join(out)


def chrome_page(src: _Source, pieces: Sequence[str | _Heading | _Table], rng: random.Random,
                size: int = CHROME_BYTES) -> str:
    """The article inside an invented government site page of about ``size`` bytes (site and article
    styles seeded: :data:`SITE_STYLES`, :data:`ARTICLE_STYLES`)."""
    place, site, host = _site(rng)
    date, clock = _publication(src, rng)
    title = _title(src)
    site_style = rng.choice(SITE_STYLES)
    c = _CLASSES["semantic" if site_style == "semantic" else "opaque"]
    related = "".join(f'<li><a href="https://{host}/art/{rng.randint(1000, 9999)}.html">{escape(t)}</a>'
                      f'<span>{date[:4]}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</span></li>' for t in _RELATED)
    head = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="SiteName" content="{site}"><meta name="ColumnName" content="政府信息公开年报">'
            f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="{date} {clock}">'
            f"<title>{escape(title)}_{site}</title>")
    top = (f'<div class="{c["top"]}" ms-controller="top"><a href="https://{host}/login">登录</a> | '
           f'<a href="https://{host}/register">注册</a> | <a href="#" ms-click="toggleElder">长者模式</a> | '
           f'<a href="#" ms-click="toggleBarrier">无障碍浏览</a></div>'
           f'<div class="{c["head"]}"><a class="logo" href="https://{host}/">{site}</a>'
           f'<form action="https://{host}/search" method="get">'
           f'<input type="text" name="q" placeholder="请输入搜索关键词"><button type="submit">搜索</button></form></div>')
    crumbs = (f'<div class="{c["crumbs"]}">当前位置：<a href="https://{host}/">首页</a> &gt; '
              f'<a href="https://{host}/zwgk/">政务公开</a> &gt; <a href="https://{host}/zwgk/ndbg/">政府信息公开年报</a></div>')
    article = (f'<div class="{c["box"]}" ms-controller="article"><h1>{escape(title)}</h1>'
               f'<div class="{c["info"]}">发布时间：{date} {clock} 来源：{site} 浏览次数：<span ms-text="hits">'
               f'{rng.randint(100, 9999)}</span> 字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>'
               f'<div class="{c["body"]}">\n{_article_html(pieces, rng.choice(ARTICLE_STYLES), rng)}\n</div>'
               f'<div class="{c["tools"]}"><a href="javascript:window.print()">打印本页</a> '
               f'<a href="javascript:window.close()">关闭窗口</a></div></div>')
    side = (f'<div class="{c["side"]}"><h3>相关链接</h3><ul>{related}</ul></div>'
            f'<script type="text/template" id="tpl-list"><li ms-repeat="list"><a ms-attr="{{href:el.url}}">'
            "{{el.title}}</a></li></script>")
    foot = (f'<div class="{c["foot"]}"><p>主办单位：{site}办公室 承办单位：{place}大数据中心</p>'
            f'<p>网站标识码：{rng.randint(10**9, 10**10 - 1)} 备案号：某ICP备{rng.randint(10**7, 10**8 - 1)}号</p>'
            f'<p><a href="https://{host}/sitemap">网站地图</a> | <a href="https://{host}/contact">联系我们</a></p></div>')
    nav = _nav(rng, host, c["nav"])
    if site_style == "layout_table":
        body = (f'<table width="1002" align="center" cellpadding="0" cellspacing="0"><tr><td colspan="2">{top}{nav}</td></tr>'
                f'<tr><td colspan="2">{crumbs}</td></tr><tr><td valign="top"><table width="100%"><tr><td>{article}'
                f'</td></tr></table></td><td width="260" valign="top">{side}</td></tr>'
                f'<tr><td colspan="2">{foot}</td></tr></table>')
    else:
        body = top + nav + crumbs + article + side + foot
    base = len((head + body).encode("utf-8"))
    # styles and scripts fill the page up to the chrome size
    css_rules = max(0, (size - base) // 2 // 80)
    js_funcs = max(0, (size - base) // 2 // 95)
    return (f"{head}<style>\n{_chrome_css(rng, css_rules)}\n</style>"
            f'<script src="https://{host}/js/jquery.min.js"></script>'
            f"<script>\n{_chrome_js(rng, js_funcs)}\n</script></head>"
            f'<body ms-controller="page">{body}</body></html>\n')


# ---------------------------------------------------------------- reading a rendering back


def cell_is_uncertain(cell: Cell) -> bool:
    """Whether the table reader flagged a cell as uncertain (the one place that reads the flag)."""
    return bool(cell.uncertain or cell.alternatives)


def _same_value(truth: TruthCell, cell: Cell) -> bool:
    if truth.kind == KIND_NUMBER:
        return cell.is_number and cell.value is not None and abs(float(cell.value) - float(truth.value or 0)) < 1e-9
    if truth.kind == KIND_NA:
        return cell.semantic == "na"
    return cell.semantic == "blank"


@dataclass
class Agreement:
    """How a parse of a rendering compares with the rendering's truth.

    Cells: ``equal`` (same value, not flagged), ``uncertain`` (flagged, whatever its value),
    ``wrong`` (another value, not flagged: silently wrong), ``missing`` (not read).
    """

    parts_exact: bool
    parts: tuple[str, ...]
    sections: int
    sections_close: bool
    cells: int = 0
    equal: int = 0
    uncertain: int = 0
    wrong: int = 0
    missing: int = 0
    wrong_keys: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.parts_exact and self.sections_close and self.equal == self.cells

    def to_dict(self) -> dict[str, Any]:
        return {"parts_exact": self.parts_exact, "parts": list(self.parts), "sections": self.sections,
                "sections_close": self.sections_close, "cells": self.cells, "equal": self.equal,
                "uncertain": self.uncertain, "wrong": self.wrong, "missing": self.missing,
                "wrong_keys": list(self.wrong_keys)}


#: how far the section count of a parse may stray from the truth (a share of the truth's count)
SECTION_TOLERANCE = 0.1


def known_parts(keys: Sequence[str]) -> list[str]:
    """Part keys without 'unknown' (appendices and unheaded text are not scored, as in web/gold.jsonl)."""
    return [k for k in keys if k != "unknown"]


def compare(truth: Truth, report: Report, tables: ReportTables) -> Agreement:
    """Compare a parse (``report`` and its cells) with a rendering's truth."""
    parts = tuple(p.key for p in report.parts)
    sections = section_count(report)
    out = Agreement(known_parts(parts) == known_parts(truth.parts), parts, sections,
                    abs(sections - truth.sections) <= SECTION_TOLERANCE * truth.sections)
    for t in truth.cells:
        out.cells += 1
        cell = tables.cell(*t.key)
        if cell is None:
            out.missing += 1
        elif cell_is_uncertain(cell):
            out.uncertain += 1
        elif _same_value(t, cell):
            out.equal += 1
        else:
            out.wrong += 1
            out.wrong_keys.append(f"{cell.key}={cell.raw!r} (truth {t.value if t.kind == KIND_NUMBER else t.kind})")
    return out


def read_back(rendering: Rendering, stem: str = "rendering") -> tuple[Report, ReportTables]:
    """Parse a rendering as a file of its kind would be read (``nlp.structure.read_report``) and extract its cells."""
    import tempfile
    from pathlib import Path

    from nlp.structure import read_report
    from nlp.tables import extract_tables

    with tempfile.TemporaryDirectory(prefix="xxgk-render-") as d:
        path = Path(d) / f"{stem}{rendering.suffix}"
        path.write_bytes(rendering.data)
        report = read_report(path)
    return report, extract_tables(report)


# ---------------------------------------------------------------- entry points


def _contents(src: _Source, pieces: Sequence[str | _Heading | _Table], rng: random.Random) -> str:
    """The title and a table of contents: each part heading, dot leaders, its page number."""
    lines, page = [_title(src), "", rng.choice(("目录", "目  录", "目 录"))], 1
    for p in pieces:
        if isinstance(p, _Heading):
            page += rng.randint(0, 2)
            heading = " ".join(p.text.split())
            lines.append(heading + rng.choice(("…", ".", "·")) * rng.randint(6, 30) + str(page))
    return "\n".join(lines) + "\n\f"


def _paged(text: str, title: str, rng: random.Random) -> str:
    """``text`` with page furniture after every few non-empty lines, inside tables too (a page-number
    footer, a form feed, the running header); a bare-number footer is not printed (one cell a line,
    it would be a cell)."""
    out, since, page, limit = [], 0, 1, rng.randint(*PAGE_LINES)
    footer = rng.choice(("— {n} —", "- {n} -", "第{n}页 共{total}页"))
    lines = text.split("\n")
    total = len(lines) // PAGE_LINES[0] + 2
    for line in lines:
        out.append(line)
        since += 1
        if since >= limit and line.strip():
            out += [footer.format(n=page, total=total), "\f" + title]
            page, since, limit = page + 1, 0, rng.randint(*PAGE_LINES)
    return "\n".join(out)


def render(report: Report, tables: ReportTables, form: str, seed: int = 0) -> Rendering:
    """``report`` (with its cells ``tables``) printed in ``form``, with the truth from its own parse."""
    if form not in FORMS:
        raise ValueError(f"unknown rendering {form!r}; choose from {', '.join(FORMS)}")
    src = take_apart(report, tables, seed)
    rng = random.Random(f"render:{form}:{seed}:{report.id}")
    truth = src.truth
    pieces = src.pieces
    if form.startswith("era2008"):
        pieces, keys, added = _era2008_pieces(src, rng)
        truth = Truth(keys if keys else truth.parts, truth.sections + added, truth.cells)
    if form == "chrome_html":
        return Rendering(form, seed, chrome_page(src, pieces, rng).encode("utf-8"), ".html", truth)
    if form == "pipes":
        text = _lines(pieces, lambda layout: _pipe_lines(layout, rng))
    elif form in ("glued", "glued_spaced"):
        rate = GLUED_SPACE_RATE if form == "glued_spaced" else 0.0
        text = _lines(pieces, lambda layout: [_glued_line(layout, rng, rate)])
    else:
        text = _lines(pieces, _cell_lines)
    if form in ("oneline_drop", "era2008_oneline"):
        text = _one_line(text, "") + "\n"
    elif form == "oneline_space":
        text = _one_line(text, " ") + "\n"
    elif form == "crawler":  # the article joined on one line, its line breaks dropped or turned into spaces
        text = crawler_header(src, rng) + _one_line(text, rng.choice(("", " "))) + "\n"
    elif form == "paged":
        text = _contents(src, pieces, rng) + _paged(text, _title(src), rng)
    return Rendering(form, seed, text.encode("utf-8"), ".txt", truth)


__all__ = ["FORMS", "Agreement", "Rendering", "Truth", "TruthCell", "cell_is_uncertain", "compare", "known_parts",
           "read_back", "render", "truth_cell"]
