"""The lean xlsx writer (nlp.panel.xlsx) reads back as openpyxl's write-only mode wrote the same sheets."""
from __future__ import annotations

import io
import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")

from nlp.panel.xlsx import XlsxSheet, column_letter, write_xlsx  # noqa: E402

HEADER = ["编号", "文本", "数值", "比例"]
ROWS = [
    ["r1", "=HYPERLINK(\"x\")", 3, 0.125],
    ["r2", "#N/A", 3.0, 1 / 3],
    ["r3", "  前后有空格 ", -2.5e-12, 7],
    ["r4", "a\r\nb\tc", 10 ** 15 + 0.5, 0.1 + 0.2],
    ["r5", "", None, ""],
    ["r6", "<&>\"'", 12345678901234567, 2.0],
    ["r7", "长" * 40000, 0, 0.0],
]


def _reference(sheets: list[tuple[str, list[str], list[list], set[int]]]) -> bytes:
    """What nlp.panel wrote before the lean writer: openpyxl write-only mode, cell by cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook(write_only=True)
    for title, header, rows, percent in sheets:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, h in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(8, min(40, 2 * len(h) + 4))
        head = []
        for h in header:
            c = WriteOnlyCell(ws, h)
            c.font = Font(bold=True)
            head.append(c)
        ws.append(head)
        for row in rows:
            line = []
            for i, v in enumerate(row):
                c = WriteOnlyCell(ws, v)
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"
                elif i in percent and isinstance(c.value, float):
                    c.number_format = "0.0%"
                line.append(c)
            ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _lean(sheets: list[tuple[str, list[str], list[list], set[int]]], rows_per_block: int | None = None) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, [XlsxSheet(t, h, iter(rows), [max(8, min(40, 2 * len(x) + 4)) for x in h], frozenset(p), len(rows))
                     for t, h, rows, p in sheets])
    return buf.getvalue()


def _read_back(body: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(body))
    out: dict = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        out[ws.title] = {
            "freeze": ws.freeze_panes, "size": (ws.max_row, ws.max_column),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "cells": [[(c.value, type(c.value).__name__, c.data_type, c.number_format, bool(c.font.b)) for c in row]
                      for row in ws.iter_rows()]}
    return out


def test_read_back_equals_openpyxl_write_only():
    sheets = [("长表", HEADER, ROWS, {3}), ("说明", ["键", "名称"], [["a", "甲"], ["b", None]], set())]
    ours, theirs = _read_back(_lean(sheets)), _read_back(_reference(sheets))
    assert ours == theirs
    cells = ours["长表"]["cells"]
    assert cells[1][1][:3] == ('=HYPERLINK("x")', "str", "s")       # text, never a formula
    assert cells[2][2][:2] == (3, "int") and cells[1][3][3] == "0.0%" and cells[3][3][3] == "General"
    assert cells[4][1][0] == "a\r\nb\tc" and cells[3][1][0] == "  前后有空格 " and len(cells[7][1][0]) == 32767
    assert cells[0][0][4] is True and cells[1][0][4] is False


def test_control_characters_are_dropped_not_fatal():
    body = _lean([("s", ["h"], [["a\x01b\x1fc"]], set())])
    assert _read_back(body)["s"]["cells"][1][0][0] == "abc"


def test_many_rows_stream_in_blocks_and_stay_in_order(monkeypatch):
    import nlp.panel.xlsx as xlsx

    monkeypatch.setattr(xlsx, "ROWS_PER_BLOCK", 7)
    monkeypatch.setattr(xlsx, "ZIP64_ROWS", 50)
    rows = [[f"r{i}", i, i / 7] for i in range(120)]
    body = _lean([("s", ["id", "n", "x"], rows, {2})])
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    ws = openpyxl.load_workbook(io.BytesIO(body), read_only=True)["s"]
    # numbers as openpyxl wrote them: 16 significant digits
    assert [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] == [[a, b, float("%.16g" % x)] for a, b, x in rows]
    assert _lean([("s", ["id", "n", "x"], rows, {2})]) == body      # same inputs, same bytes


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_unsupported_value_is_an_error():
    for value in (object(), ["not", "hashable"]):
        with pytest.raises(TypeError, match="cannot write a"):
            _lean([("s", ["h"], [[value]], set())])


def test_repeated_values_keep_their_type_and_column_format():
    """Each value's cell XML is made once and reused: True (equal to 1) stays a boolean after 1 was
    written, 1 a number after True, and the same float is a percentage only in the percent column."""
    rows = [[1, 1.0, True, 0.25, 0.25, "同一名称"] for _ in range(3)] + [[True, 1, 1.0, 0.25, 0.25, "同一名称"]]
    body = _lean([("s", list("abcdef"), rows, {3})])
    ws = openpyxl.load_workbook(io.BytesIO(body))["s"]
    got = [[(type(c.value), c.value) for c in r] for r in ws.iter_rows(min_row=2)]
    first = [(int, 1), (int, 1), (bool, True), (float, 0.25), (float, 0.25), (str, "同一名称")]   # 1.0 reads as 1
    assert got == [first] * 3 + [[(bool, True), (int, 1), (int, 1), *first[3:]]]
    assert {ws.cell(r, 4).number_format for r in range(2, 6)} == {"0.0%"}
    assert {ws.cell(r, 5).number_format for r in range(2, 6)} == {"General"}
