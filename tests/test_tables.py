"""Cell-level tests of the table extractor on every complete report of the shared corpus,
plus constructed shapes (glued cells, HTML tables, one cell a line, old era).

Expected numbers were read by hand from each report (tables 2, 3 and 4 as printed).
"""
from __future__ import annotations

import pytest

from conftest import CORPUS, REPORTS_DIR
from nlp.document import Report
from nlp.structure import parse_text, read_report
from nlp.tables import extract_tables, records_to_csv, tidy_records
from nlp.tables.glued import decode, row_total_check
from nlp.tables.labels import proactive_label_key, request_label_keys
from nlp.format import (
    REQUEST_COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
)

Z = (0, 0, 0, 0, 0, 0, 0)


def one(n: int) -> tuple[int, ...]:
    """A table-3 row with n natural-person applications and nothing else."""
    return (n, 0, 0, 0, 0, 0, n)


# table 3 rows in printed order (2019 layout: 23 rows, 2021 layout: 25 rows)
EXPECTED = {
    "huaian-office-2019.txt": {
        "shape": "cell_per_line", "layout": "2019",
        "requests": [one(54), Z, one(31), Z, Z, Z, Z, Z, Z, Z, Z, one(1), one(21), one(1), Z,
                     Z, Z, Z, Z, Z, Z, one(54), Z],
        "review": (0,) * 15,
        "proactive": {"rules": (2, 2, 8), "normative_docs": (0, 0, 58), "licensing": (3, 0, 199),
                      "other_services": (1, 0, 0), "penalty": (0, 0, 0), "coercion": (0, 0, 0), "fees": (0, 0),
                      "procurement": (4, 97.8)},
    },
    "hongze-district-2023.pdf": {
        "shape": "rows", "layout": "2019",  # a 2021 report whose table 3 keeps one （六） row
        "requests": [one(21), Z, Z, one(4), one(1), Z, Z, Z, Z, one(1), one(1), Z, one(10), one(3), Z,
                     one(1), Z, Z, Z, Z, Z, one(21), Z],
        "review": (10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0),
        "proactive": {"rules": (0, 0, 0), "normative_docs": (0, 5, 5), "licensing": (550,), "penalty": (4119,),
                      "coercion": (195,), "fees": (7730.28,)},
    },
    "hongze-district-2024.pdf": {
        "shape": "rows", "layout": "2019",
        "requests": [one(95), Z, one(50), one(9), Z, Z, one(1), Z, Z, one(1), one(1), Z, one(31), one(1), Z,
                     one(1), Z, Z, Z, Z, Z, one(95), Z],
        "review": (1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3),
        "proactive": {"rules": (0, 0, 0), "normative_docs": (3, 0, 8), "licensing": (9487,), "penalty": (2776,),
                      "coercion": (84,), "fees": (7545,)},
    },
    "huaian-city-2024.pdf": {
        "shape": "rows", "layout": "2021",
        "requests": [(3001, 53, 0, 0, 61, 4, 3119), one(34), (1288, 21, 0, 0, 50, 3, 1362), (447, 7, 0, 0, 0, 0, 454),
                     one(2), (30, 1, 0, 0, 0, 0, 31), one(5), one(6), (7, 1, 0, 0, 0, 0, 8), one(12), one(9), one(105),
                     (746, 12, 0, 0, 10, 1, 769), one(11), one(1),
                     (56, 6, 0, 0, 0, 0, 62), one(25), Z, Z, one(1),
                     (67, 3, 0, 0, 1, 0, 71), one(6), (108, 2, 0, 0, 0, 0, 110),
                     (2932, 53, 0, 0, 61, 4, 3050), one(103)],
        "review": (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20),
        "proactive": {"rules": (1, 0, 11), "normative_docs": (8, 26, 66), "licensing": (447228,),
                      "penalty": (3985758,), "coercion": (88283,), "fees": (96171.6,)},
    },
    "shanghai-stcsm-2024.md": {
        "shape": "pipes", "layout": "2021",  # table 3 shredded: labels away from their numbers
        "requests": [(32, 2, 0, 0, 0, 0, 34), one(2), one(9), Z, Z, Z, Z, Z, one(1), one(1), Z, Z, one(4), one(6), Z,
                     Z, Z, Z, Z, Z, (8, 2, 0, 0, 0, 0, 10), Z, one(4), (33, 2, 0, 0, 0, 0, 35),
                     (1, 0, 0, 0, 0, 0, None)],  # the total of 四 is printed blank
        "review": (1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        "proactive": {"rules": (0, 0, 0), "normative_docs": (13, 0, 55), "licensing": (97,), "penalty": (0,),
                      "coercion": (0,), "fees": (0,)},
    },
    "shanghai-office-2025.md": {
        "shape": "pipes", "layout": "2021",
        "requests": [(1259, 36, 0, 0, 0, 0, 1295), (170, 15, 0, 0, 4, 0, 189), (201, 5, 0, 0, 0, 0, 206), one(2),
                     one(4), Z, one(1), Z, (8, 0, 0, 0, 1, 0, 9), one(1), Z, one(5),
                     (484, 28, 0, 0, 1, 0, 513), (47, 1, 0, 0, 0, 0, 48), one(3),
                     (61, 1, 0, 0, 0, 0, 62), one(16), one(1), one(1), Z,
                     (40, 1, 0, 0, 2, 0, 43), Z, (264, 12, 0, 0, 0, 0, 276),
                     (1139, 48, 0, 0, 4, 0, 1191), (290, 3, 0, 0, 0, 0, 293)],
        "review": (40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22),
        # the 废止 cells are printed outside the table rows (with 其中修订/含自然失效 notes)
        "proactive": {"rules": (22, 22, 235), "normative_docs": (34, 55, 189), "licensing": (0,), "penalty": (0,),
                      "coercion": (0,), "fees": (0,)},
    },
    "shuyang-county-2025.txt": {
        "shape": "pipes", "layout": "2021",  # OCR text, one markdown table per row group
        "requests": [(705, 3, 0, 0, 5, 0, 713), one(36), (290, 1, 0, 0, 3, 0, 294), (99, 0, 0, 0, 2, 0, 101),
                     Z, Z, one(2), one(2), one(13), one(2), one(4), one(9), one(111), one(2), Z,
                     one(12), (6, 1, 0, 0, 0, 0, 7), Z, Z, Z, one(9), one(7), (142, 1, 0, 0, 0, 0, 143),
                     (710, 3, 0, 0, 5, 0, 718), one(31)],
        "review": (27, 10, 9, 15, 61, 3, 0, 0, 0, 3, 8, 0, 1, 1, 10),
        "proactive": {"rules": (0, 0, 0), "normative_docs": (6, 1, 32), "licensing": (517645,), "penalty": (693957,),
                      "coercion": (2154,), "fees": (4068.208,)},
    },
}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {name: read_report(REPORTS_DIR / name) for name in EXPECTED}


@pytest.fixture(scope="module")
def extracted(reports):
    return {name: extract_tables(r) for name, r in reports.items()}


def test_every_complete_report_is_covered(index):
    # crawler-saved web reports are checked against their own gold file (tests/test_web_gold.py)
    complete = {d["file"].split("/")[-1] for d in index
                if d.get("complete") and d.get("year", 0) >= 2019 and d["file"].startswith("reports/")}
    assert complete == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_requests_cells_equal_printed_numbers(name, extracted):
    exp = EXPECTED[name]
    t = extracted[name].table("requests")
    assert t is not None
    rows = REQUEST_ROWS_2021 if exp["layout"] == "2021" else REQUEST_ROWS_2019
    assert t.rows == rows and not t.missing_rows
    got = [tuple(extracted[name].value("requests", r, c) for c in REQUEST_COLUMNS) for r in rows]
    assert got == exp["requests"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_review_litigation_cells_equal_printed_numbers(name, extracted):
    got = tuple(extracted[name].value("review_litigation", b, c) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS)
    assert got == EXPECTED[name]["review"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_proactive_cells_equal_printed_numbers(name, extracted):
    t = extracted[name].table("proactive")
    rows: dict[str, list] = {}
    for c in t.cells:
        rows.setdefault(c.row, []).append(c.value)
    assert {k: tuple(v) for k, v in rows.items()} == EXPECTED[name]["proactive"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spans_point_at_the_printed_text(name, reports, extracted):
    text = reports[name].text
    cells = extracted[name].cells()
    assert len(cells) >= 23 * 7 + 15
    for c in cells:
        if c.semantic == "blank":
            assert c.start == c.end and c.raw == ""
        else:
            assert text[c.start:c.end] == c.raw, c.key
            assert c.raw.startswith(str(c.value).split(".")[0]) or c.raw == str(c.value)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_is_recognised(name, extracted):
    assert extracted[name].table("requests").shape == EXPECTED[name]["shape"]


def test_blank_is_not_zero(extracted):
    c = extracted["shanghai-stcsm-2024.md"].cell("requests", "carried_forward", "total")
    assert c.semantic == "blank" and c.value is None
    assert extracted["shanghai-stcsm-2024.md"].value("requests", "carried_forward", "total") is None


def test_loose_repealed_cells_are_marked_inferred(extracted):
    t = extracted["shanghai-office-2025.md"]
    for row in ("rules", "normative_docs"):
        c = t.cell("proactive", row, "repealed")
        assert c.semantic == "inferred" and not c.uncertain
        assert t.cell("proactive", row, "made").semantic == "number"


def test_eras(extracted):
    assert extracted["huaian-office-2019.txt"].table("proactive").era == "2019"
    assert extracted["huaian-city-2024.pdf"].table("proactive").era == "2021"
    assert extracted["huaian-city-2024.pdf"].era == "2021"


# ------------------------------------------------------------------ labels

@pytest.mark.parametrize("label,key", [
    ("2.其他法律行政止公开", "refused.prohibited_by_law"),          # typo in the 2019 DOCX
    ("三 2.其他法律行政法规禁止公开", "refused.prohibited_by_law"),
    ("（四）无 1.本机关不掌握相关政府信息", "unable.not_held"),
    ("缴纳费用、行政机关不再处理其政", "other.overdue_fee"),
    ("3、其他", "other.other"),
    ("（七）总计", "total"),
    ("四、结转下年度继续办理", "carried_forward"),
    ("5.要求行政机关确认或重 新出具", "not_processed.confirmation"),
    # OCR slips: no fragment survives, the standard label is still the nearest
    ("1.本机关不掌捂相关政府信息", "unable.not_held"),
    ("7.属于行政执沄案卷", "refused.enforcement_file"),
    ("二、上年结砖政府信息公开申请数量", "carried_over"),
])
def test_fuzzy_request_labels(label, key):
    assert key in request_label_keys(label)


def test_unrelated_label_names_no_row():
    for header in ("申请人情况", "自然人", "法人或其他组织", "商业企业"):
        assert request_label_keys(header) == frozenset()
    assert proactive_label_key("信息内容") == ""
    assert proactive_label_key("行政规范性文件") == "normative_docs"


# ------------------------------------------------------------------ glued cells

def test_glued_row_decodes_uniquely():
    decs = decode(["801000081"], 7, row_total_check)
    assert [[v for v, _, _ in d] for d in decs] == [[80, 1, 0, 0, 0, 0, 81]]


def test_glued_row_with_two_readings():
    # 10,1,0,0,0,0,11 and 1,0,10,0,0,0,11 print the same digits
    vals = sorted([v for v, _, _ in d] for d in decode(["101000011"], 7, row_total_check))
    assert vals == [[1, 0, 10, 0, 0, 0, 11], [10, 1, 0, 0, 0, 0, 11]]


#: table 3's row labels as reports print them (typed here, not taken from nlp.format, so that the
#: constructed tables do not follow a change of the vocabulary): (row key, label); None for a group line
T3_HEAD = [("received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
           (None, "三、本年度办理结果"), ("granted", "（一）予以公开"),
           ("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), (None, "（三）不予公开"),
           ("refused.state_secret", "1.属于国家秘密"), ("refused.prohibited_by_law", "2.其他法律行政法规禁止公开"),
           ("refused.three_safeties", "3.危及“三安全一稳定”"), ("refused.third_party", "4.保护第三方合法权益"),
           ("refused.internal_affairs", "5.属于三类内部事务信息"), ("refused.process_info", "6.属于四类过程性信息"),
           ("refused.enforcement_file", "7.属于行政执法案卷"), ("refused.inquiry", "8.属于行政查询事项"),
           (None, "（四）无法提供"), ("unable.not_held", "1.本机关不掌握相关政府信息"),
           ("unable.needs_creation", "2.没有现成信息需要另行制作"), ("unable.unclear", "3.补正后申请内容仍不明确"),
           (None, "（五）不予处理"), ("not_processed.petition", "1.信访举报投诉类申请"),
           ("not_processed.duplicate", "2.重复申请"), ("not_processed.publication", "3.要求提供公开出版物"),
           ("not_processed.mass_repeated", "4.无正当理由大量反复申请"),
           ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息")]
T3_TAIL = [("total", "（七）总计"), ("carried_forward", "四、结转下年度继续办理")]
PRINTED_T3 = {
    "2019": T3_HEAD + [("other", "（六）其他处理")] + T3_TAIL,
    "2021": T3_HEAD + [(None, "（六）其他处理"),
                       ("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                       ("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                       ("other.other", "3.其他")] + T3_TAIL,
}
LABEL = {k: label for k, label in PRINTED_T3["2021"] + PRINTED_T3["2019"] if k}


def test_printed_labels_name_every_row_of_each_layout():
    assert [k for k, _ in PRINTED_T3["2019"] if k] == list(REQUEST_ROWS_2019)
    assert [k for k, _ in PRINTED_T3["2021"] if k] == list(REQUEST_ROWS_2021)


def _table3_text(rows: dict[str, tuple], glue: set[str], layout: str = "2019", sep: str = " ") -> str:
    """A constructed table 3 printed with the labels above, cells glued for ``glue`` rows."""
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况"]
    for k, label in PRINTED_T3[layout]:
        if k is None:
            lines.append(label)
            continue
        vals = rows.get(k, Z)
        cells = "".join(map(str, vals)) if k in glue else sep.join(map(str, vals))
        lines.append(f"{label}{cells}" if k in glue else f"{label}{sep}{cells}")
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append(" ".join(["0"] * 15))
    return "\n".join(lines) + "\n"


def test_glued_table_is_decoded_and_marked_inferred():
    rows = {"received": (80, 1, 0, 0, 0, 0, 81), "granted": (70, 1, 0, 0, 0, 0, 71), "unable.not_held": one(10),
            "total": (80, 1, 0, 0, 0, 0, 81)}
    text = _table3_text(rows, glue={"received", "granted", "unable.not_held", "total"})
    t = extract_tables(parse_text(text))
    req = t.table("requests")
    assert req.shape == "glued" and not req.missing_rows
    for key, vals in rows.items():
        got = tuple(t.value("requests", key, c) for c in REQUEST_COLUMNS)
        assert got == vals
        for c in REQUEST_COLUMNS:
            cell = t.cell("requests", key, c)
            assert cell.semantic == "inferred" and not cell.uncertain
            assert text[cell.start:cell.end] == str(cell.value)
    assert t.cell("requests", "carried_over", "total").semantic == "number"


def test_glued_ambiguity_resolved_by_column_sums():
    rows = {"received": (10, 1, 0, 0, 0, 0, 11), "granted": (10, 1, 0, 0, 0, 0, 11), "total": (10, 1, 0, 0, 0, 0, 11)}
    t = extract_tables(parse_text(_table3_text(rows, glue={"received"})))
    assert tuple(t.value("requests", "received", c) for c in REQUEST_COLUMNS) == rows["received"]
    assert not t.cell("requests", "received", "natural_person").uncertain


def test_glued_ambiguity_left_uncertain():
    rows = {"received": (10, 1, 0, 0, 0, 0, 11), "granted": (10, 1, 0, 0, 0, 0, 11), "total": (10, 1, 0, 0, 0, 0, 11)}
    t = extract_tables(parse_text(_table3_text(rows, glue={"received", "granted", "total"})))
    c = t.cell("requests", "received", "natural_person")
    assert c.semantic == "inferred" and c.uncertain and c.alternatives


def test_tab_separated_rows_with_na_and_blank_cells():
    rows = {"received": (5, 0, 0, 0, 0, 0, 5), "granted": (5, 0, 0, 0, 0, 0, 5), "total": (5, 0, 0, 0, 0, 0, 5)}
    text = _table3_text(rows, glue=set(), sep="\t")
    text = text.replace(LABEL["carried_over"] + "\t0\t0", LABEL["carried_over"] + "\t/\t")
    t = extract_tables(parse_text(text))
    assert t.cell("requests", "carried_over", "natural_person").semantic == "na"
    assert t.cell("requests", "carried_over", "commercial").semantic == "blank"
    assert t.value("requests", "carried_over", "commercial") is None
    assert t.value("requests", "total", "total") == 5


def test_html_table_through_the_reader(tmp_path):
    """An HTML report: the reader renders table rows as tab-separated cells (huaian-city-2024's numbers)."""
    exp = EXPECTED["huaian-city-2024.pdf"]
    values = dict(zip(REQUEST_ROWS_2021, exp["requests"], strict=True))
    trs = []
    for k, label in PRINTED_T3["2021"]:
        tds = "".join(f"<td>{v}</td>" for v in values[k]) if k else ""
        trs.append(f"<tr><td>{label}</td>{tds}</tr>")
    body = ("<h2>三、收到和处理政府信息公开申请情况</h2><table><tr><td>申请人情况</td></tr>" + "".join(trs) + "</table>"
            "<h2>四、政府信息公开行政复议、行政诉讼情况</h2><table><tr>"
            + "".join(f"<td>{v}</td>" for v in exp["review"]) + "</tr></table><p>五、存在的主要问题及改进情况</p>")
    p = tmp_path / "report.html"
    p.write_text(f"<html><body><h1>某市人民政府2024年政府信息公开工作年度报告</h1>{body}</body></html>", encoding="utf-8")
    t = extract_tables(read_report(p))
    for k in REQUEST_ROWS_2021:
        assert tuple(t.value("requests", k, c) for c in REQUEST_COLUMNS) == values[k], k
    assert t.value("review_litigation", "review", "total") == 351


def test_one_cell_a_line_with_page_break_inside_a_row():
    rows = {"received": (3, 1, 0, 0, 0, 0, 4), "granted": (3, 1, 0, 0, 0, 0, 4), "total": (3, 1, 0, 0, 0, 0, 4)}
    text = _table3_text(rows, glue=set(), sep="\n")
    # a page footer between two cells of the received row
    text = text.replace(LABEL["received"] + "\n3\n1\n0", LABEL["received"] + "\n3\n1\n- 2 -\n0")
    t = extract_tables(parse_text(text))
    assert tuple(t.value("requests", "received", c) for c in REQUEST_COLUMNS) == rows["received"]


def test_old_era_report_extracts_what_is_there_and_says_the_era():
    text = ("某县人民政府2012年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n"
            "二、主动公开政府信息的情况\n主动公开信息 120 35 85\n依申请公开 4 3 1\n三、复议、诉讼和申诉的情况\n无。\n")
    t = extract_tables(parse_text(text))
    assert t.era == "2008"
    old = t.table("old_era")
    assert old is not None and old.era == "2008"
    assert [c.value for c in old.cells if c.row == old.rows[0]] == [120, 35, 85]
    assert any("old-era" in w for w in t.warnings)


def _old_era_table(rows: list[tuple[str, int, int]], sep: str = "", row_sep: str = "") -> str:
    """A 2008-era statistics table (label, unit, this year, running total) printed with ``sep`` between its
    cells and ``row_sep`` between its rows; with ``sep=""`` the values are glued as a crawler glues them,
    and with both empty the sub-rows' numbers (其中：1. … 2. …) are glued to the digits before them."""
    out, item = [sep.join(["指标名称", "计量单位", "2010年度", "历年累计"])], 0
    for label, this_year, total in rows:
        if label.startswith("其中"):
            item = 1
            label = f"其中：1.{label[2:]}"
        elif label.startswith("-"):
            item += 1
            label = f"{item}.{label[1:]}"
        else:
            item = 0
        out.append(sep.join([label, "条", str(this_year), str(total)]) if sep else f"{label}条{this_year}{total}")
    return row_sep.join(out)


OLD_ERA_ROWS = [("主动公开信息数", 425, 1516), ("其中网站公开", 418, 1509), ("-政府公报公开", 7, 7),
                ("受理申请总数", 12, 30), ("其中当面申请数", 5, 10), ("-网上申请数", 7, 20), ("行政复议数", 0, 0)]


@pytest.mark.parametrize("sep,row_sep", [("", ""), ("", "\n"), ("", " "), (" ", "\n"), (" | ", "\n"), (" ", " ")],
                         ids=["glued", "glued-rows-on-lines", "glued-rows-spaced", "spaces", "pipes", "one-line-spaced"])
def test_an_old_era_statistics_table_is_read_alike_however_it_is_printed(sep, row_sep):
    table = _old_era_table(OLD_ERA_ROWS, sep, row_sep)
    text = ("某县人民政府2010年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n"
            "二、存在的主要问题和改进措施\n公开形式有待丰富。\n三、政府信息公开情况统计表\n" + table + "\n")
    report = parse_text(text)
    old = extract_tables(report).table("old_era")
    assert old is not None
    read = {c.row: [] for c in old.cells}
    for c in old.cells:
        read[c.row].append(c.value)
        assert report.text[c.start:c.end] == c.raw == str(c.value)   # each value points at its own digits
        assert c.semantic == ("inferred" if not sep else "number")
        assert c.unit == "条"   # the unit the row prints
    # the rows are named by their printed labels, without the unit or the sub-row number, in every printing
    assert read == {label.lstrip("-").replace("其中", ""): [a, b] for label, a, b in OLD_ERA_ROWS}
    # glued, 4251516 also reads 42 | 51516 and 1230 as 1 | 230: the sub-rows' sums decide, nothing is uncertain
    assert not any(c.uncertain for c in old.cells)


def test_a_glued_old_era_row_no_sum_decides_is_uncertain():
    text = ("某县人民政府2010年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n三、政府信息公开情况统计表\n"
            + _old_era_table([("主动公开信息数", 3460, 85376)]) + "\n")
    first = extract_tables(parse_text(text)).table("old_era").cells
    assert [c.value for c in first] == [3460, 85376] and all(c.uncertain for c in first)
    assert 34 in first[0].alternatives and 6085376 in first[1].alternatives


def test_old_era_rows_no_reading_fits_are_kept_as_printed_or_named_unread():
    head = "某县人民政府2010年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n二、政府信息公开情况统计表\n"

    def old(table: str):
        return extract_tables(parse_text(head + table)).table("old_era")

    # three value columns (this year, last year's change); a running total printed below the year's figure
    t = old("指标名称 计量单位 2009年度 2010年度 增减\n主动公开信息数 条 100 120 20\n")
    assert [c.value for c in t.cells] == [100, 120, 20]
    t = old("指标名称 计量单位 2010年度 历年累计\n行政复议数 件 3 1\n")
    assert [c.value for c in t.cells] == [3, 1] and not t.missing_rows   # printed apart: kept as printed
    # glued digits too few for the columns: no cell, the row named as unread (never a guess)
    t = old("指标名称计量单位2010年度历年累计主动公开信息数条9行政复议数件00\n")
    assert t.missing_rows == ["主动公开信息数"] and {c.row for c in t.cells} == {"行政复议数"}
    assert any("主动公开信息数" in w for w in t.warnings)


def test_the_glued_statistics_tables_of_real_crawled_reports_add_up():
    """../shared/corpus/web: 2008-era reports whose statistics table the crawler glued onto one line. Every
    row gets one value per column, side by side in the printed digits, a running total never below the
    year's figure, and the header is never read as a row (it was: one cell, its value the last two digits)."""
    found = 0
    for path in sorted((CORPUS / "web").glob("*.txt")):
        report = read_report(path)
        old = extract_tables(report).table("old_era")
        if old is None or "历年累计" not in report.text:
            continue
        found += 1
        by_row: dict[str, list] = {}
        for c in old.cells:
            by_row.setdefault(c.row, []).append(c)
        assert len(by_row) >= 10 and all(len(cs) == 2 for cs in by_row.values())
        for cs in by_row.values():
            assert cs[1].value >= cs[0].value and cs[0].end == cs[1].start
        assert not any("指标名称" in c.row or "统计表" in c.row for c in old.cells)
        assert len({(c.row, c.column) for c in old.cells}) == len(old.cells)   # one cell per row and column
    assert found >= 2


def test_report_without_tables_gives_no_cells():
    t = extract_tables(parse_text("某局2022年政府信息公开工作年度报告\n一、总体情况\n本年度无统计表。\n"))
    assert len(t) == 0


def test_tidy_records_and_csv(extracted):
    recs = tidy_records(extracted["huaian-office-2019.txt"])
    assert len(recs) == len(extracted["huaian-office-2019.txt"])
    csv_text = records_to_csv(recs)
    header = csv_text.splitlines()[0].split(",")
    assert header[:7] == ["report_id", "agency", "year", "era", "table", "row", "column"]
    assert len(csv_text.splitlines()) == len(recs) + 1


def glue_requests_rows(report: Report) -> tuple[str, int]:
    """The report's text with every table-3 row printed on one line re-printed without separators."""
    t = extract_tables(report).table("requests")
    rows: dict[str, list] = {}
    for c in t.cells:
        rows.setdefault(c.row, []).append(c)
    text, glued = report.text, 0
    for cells in sorted(rows.values(), key=lambda cs: -cs[0].start):
        a, b = cells[0].start, cells[-1].end
        if all(c.semantic == "number" for c in cells) and "\n" not in text[a:b]:
            text = text[:a] + "".join(c.raw for c in cells) + text[b:]
            glued += 1
    return text, glued


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if EXPECTED[n]["shape"] != "cell_per_line"])
def test_real_table3_printed_glued_is_decoded(name, reports):
    """Every row of a real table 3 glued (``3001530061...``): decoded back with the row and column sums."""
    text, glued = glue_requests_rows(reports[name])
    assert glued >= 23
    t = extract_tables(parse_text(text))
    exp = EXPECTED[name]
    rows = REQUEST_ROWS_2021 if exp["layout"] == "2021" else REQUEST_ROWS_2019
    assert t.table("requests").shape == "glued"
    assert [tuple(t.value("requests", r, c) for c in REQUEST_COLUMNS) for r in rows] == exp["requests"]
    inferred = [c for c in t.table("requests").cells if c.semantic == "inferred"]
    assert len(inferred) == 7 * glued and not any(c.uncertain for c in inferred)
    for c in inferred:
        assert text[c.start:c.end] == str(c.value)


def test_docx_table_with_merged_label_cells(tmp_path):
    """A DOCX report whose table 3 has the merged 三、本年度办理结果 / （三）不予公开 label cells
    (shanghai-office-2025's numbers)."""
    import docx

    exp = EXPECTED["shanghai-office-2025.md"]
    values = dict(zip(REQUEST_ROWS_2021, exp["requests"], strict=True))
    labels = [(k, label) for k, label in PRINTED_T3["2021"] if k]
    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = d.add_table(rows=len(labels) + 1, cols=3 + len(REQUEST_COLUMNS))
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    for i, (k, label) in enumerate(labels, start=1):
        table.cell(i, 2).text = label
        for j, v in enumerate(values[k]):
            table.cell(i, 3 + j).text = str(v)
    table.cell(3, 0).merge(table.cell(23, 0)).text = "三、本年度办理结果"
    table.cell(5, 1).merge(table.cell(12, 1)).text = "（三）不予公开"
    table.cell(13, 1).merge(table.cell(15, 1)).text = "（四）无法提供"
    table.cell(16, 1).merge(table.cell(20, 1)).text = "（五）不予处理"
    table.cell(21, 1).merge(table.cell(23, 1)).text = "（六）其他处理"
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = d.add_table(rows=1, cols=15)
    for j, v in enumerate(exp["review"]):
        t4.cell(0, j).text = str(v)
    d.add_paragraph("五、存在的主要问题及改进情况")
    p = tmp_path / "report.docx"
    d.save(p)
    t = extract_tables(read_report(p))
    for k in REQUEST_ROWS_2021:
        assert tuple(t.value("requests", k, c) for c in REQUEST_COLUMNS) == values[k], k
    assert [t.value("review_litigation", b, "total") for b in REVIEW_BLOCKS] == [55, 12, 22]


@pytest.mark.parametrize("values,unique", [
    ((40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22), True),
    ((0,) * 15, True),
    ((72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20), False),   # several block splits fit
])
def test_glued_table4(values, unique):
    rows = {"received": one(1), "granted": one(1), "total": one(1)}
    text = _table3_text(rows, glue=set()).replace(" ".join(["0"] * 15), "".join(map(str, values)))
    t = extract_tables(parse_text(text))
    cells = t.table("review_litigation").cells
    assert len(cells) == 15 and all(c.semantic == "inferred" for c in cells)
    if unique:
        assert tuple(c.value for c in cells) == values and not any(c.uncertain for c in cells)
    else:
        assert any(c.uncertain for c in cells)
        for b in REVIEW_BLOCKS:  # whatever reading is kept satisfies the block sums
            vals = [t.value("review_litigation", b, c) for c in REVIEW_COLUMNS]
            assert vals[-1] == sum(vals[:-1])


def test_excerpt_with_pipe_separator_lines(index):
    """HTML page text (an excerpt) printing table 2 one cell a line with '|' lines between."""
    from conftest import EXCERPTS_DIR

    t = extract_tables(read_report(EXCERPTS_DIR / "2019-department-c4db01e1.txt"))
    p = t.table("proactive")
    assert p.era == "2019" and not p.missing_rows
    assert [t.value("proactive", "normative_docs", c) for c in ("new_made", "new_published", "total_published")] == [30, 30, 30]
    assert [t.value("proactive", "procurement", c) for c in ("count", "amount")] == [8, 160.5964]


def test_excerpt_cut_inside_a_row_marks_the_guess():
    """An excerpt that stops after two cells of the 行政强制 row: read, but uncertain and warned."""
    from conftest import EXCERPTS_DIR

    t = extract_tables(read_report(EXCERPTS_DIR / "2019-department-d30f4001.txt"))
    cells = [c for c in t.table("proactive").cells if c.row == "coercion"]
    assert len(cells) == 2 and all(c.uncertain for c in cells)
    assert any("coercion" in w for w in t.table("proactive").warnings)


def test_tables_round_trip_through_dict(extracted):
    import json

    from nlp.tables import ReportTables

    t = extracted["shanghai-office-2025.md"]
    back = ReportTables.from_dict(json.loads(json.dumps(t.to_dict(), ensure_ascii=False)))
    assert back.cells() == t.cells() and back.era == t.era
    assert back.value("requests", "total", "total") == 1191
    assert back.cell("proactive", "rules", "repealed").semantic == "inferred"


def test_table4_after_a_narrative_note_and_part_heading_is_read():
    """A note naming the table (…行政复议和行政诉讼…见下表) before table 4 is not taken for the table."""
    text = ("三、收到和处理政府信息公开申请情况\n本年度共收到申请3件。\n"
            "四、政府信息公开行政复议、行政诉讼情况\n"
            "本年度本机关发生因政府信息公开引起的行政复议和行政诉讼案件各一件，具体数据见下表。\n"
            "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n"
            "1 0 0 0 1 0 0 0 0 0 1 0 0 0 1\n"
            "五、存在的主要问题及改进情况\n培训不够。\n")
    t = extract_tables(parse_text(text))
    assert t.value("review_litigation", "review", "upheld") == 1
    assert t.value("review_litigation", "litigation_after_review", "total") == 1
    cell = t.cell("review_litigation", "review", "total")
    assert text[cell.start:cell.end] == "1"


def test_docx_table_rows_are_python_docx_cells_without_the_repeats():
    """nlp.ingest.docx.table_rows walks the grid once: per row the same content cells, in the same
    order, as python-docx's ``_Row.cells`` with consecutive repeats dropped: horizontal and vertical
    merges, a vertical merge below a horizontal one, and a row starting after grid columns left empty."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from nlp.ingest.docx import table_rows

    d = docx.Document()
    table = d.add_table(rows=6, cols=5)
    for r in range(6):
        for c in range(5):
            table.cell(r, c).text = f"{r}-{c}"
    table.cell(0, 0).merge(table.cell(0, 2))
    table.cell(1, 0).merge(table.cell(4, 0))
    table.cell(1, 3).merge(table.cell(3, 4))      # two columns over three rows
    table.cell(4, 1).merge(table.cell(5, 2))
    tr = table.rows[5]._tr                          # the last row starts one grid column in
    tr.remove(tr.tc_lst[0])
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr.get_or_add_trPr().append(before)
    expected = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cells[-1] is not cell._tc:
                cells.append(cell._tc)
        expected.append(cells)
    got = table_rows(table._tbl)
    assert got == expected
    assert [len(r) for r in got] == [3, 4, 4, 4, 4, 3]   # the merges are there to check
    assert got[5][0] is got[4][1]                       # found past the empty grid column
