"""The consistency audit on real reports, on mutated real reports, and through the CLI."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import REPORTS_DIR
from nlp.checks import RULES, check, summarize_statuses
from nlp.document import Report
from nlp.structure import parse_text, read_report
from nlp.tables import ReportTables, extract_tables

#: the complete reports read by hand for these tests (named: the shared corpus grows between waves)
NAMES = ["hongze-district-2023.pdf", "hongze-district-2024.pdf", "huaian-city-2024.pdf", "huaian-office-2019.txt",
         "shanghai-office-2025.md", "shanghai-stcsm-2024.md", "shuyang-county-2025.txt"]
#: the real reports whose own numbers do not add up (see test_real_inconsistency_is_found)
INCONSISTENT = {"hongze-district-2023.pdf"}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {n: read_report(REPORTS_DIR / n) for n in NAMES}


def fails(findings, rule=None):
    return [f for f in findings if f.status == "fail" and (rule is None or f.rule == rule)]


def reparse(report: Report, text: str) -> Report:
    r = parse_text(text, source=report.source, format=report.format, filename=report.source)
    r.agency, r.year = report.agency, report.year
    return r


def test_every_rule_is_registered():
    assert set(RULES) == {"T3-BALANCE", "T3-OUTCOMES", "T3-COLUMNS", "T4-SUMS", "CELL", "OLD-SUBROWS", "FEE-PART6",
                          "TXT-NUM", "XY-CARRY", "XY-STOCK"}


@pytest.mark.parametrize("name", [n for n in NAMES if n not in INCONSISTENT])
def test_real_reports_that_balance_have_no_fail(name, reports):
    findings = check([reports[name]])
    assert fails(findings) == []
    counts = summarize_statuses(findings)
    assert counts["pass"] >= 40
    for rule in ("T3-BALANCE", "T3-OUTCOMES", "T3-COLUMNS", "T4-SUMS"):
        assert any(f.rule == rule and f.status == "pass" for f in findings)
    for f in findings:
        assert f.message and f.gloss and f.report_id == reports[name].id


def test_real_inconsistency_is_found(reports):
    """洪泽区 2023 prints 行政复议 10+1+0+0 with 总计 0, and 复议后起诉 5 with 总计 0."""
    r = reports["hongze-district-2023.pdf"]
    bad = fails(check([r]))
    assert {(f.rule, f.subject) for f in bad} == {("T4-SUMS", "review_litigation:review:total"),
                                                 ("T4-SUMS", "review_litigation:litigation_after_review:total")}
    ev = {e.key: e for e in bad[0].evidence}
    assert ev["review_litigation:review:upheld"].text == "10"
    assert r.text[ev["review_litigation:review:upheld"].start:ev["review_litigation:review:upheld"].end] == "10"


def test_blank_cell_is_not_assessable_not_zero(reports):
    findings = check([reports["shanghai-stcsm-2024.md"]])
    na = [f for f in findings if f.status == "not_assessable" and f.rule == "T3-BALANCE"]
    assert [f.subject for f in na] == ["requests:*:total"]
    assert any(f.rule == "CELL" and f.subject == "requests:carried_forward:total" for f in findings)


def test_seed_narrative_passes_txt_num(reports):
    r = reports["huaian-office-2019.txt"]
    txt = [f for f in check([r], rules=["TXT-NUM"])]
    said = {int(f.evidence[1].text): f.status for f in txt if f.evidence[1].text.isdigit() and f.subject != "both_zero"}
    assert said == {54: "pass", 31: "pass", 1: "pass", 22: "pass"}
    both = [f for f in txt if f.subject == "both_zero"]
    assert both and both[0].status == "pass"


def test_narrative_restating_outcomes_and_litigation(reports):
    txt = check([reports["huaian-city-2024.pdf"]], rules=["TXT-NUM"])
    assert len(txt) >= 12 and all(f.status == "pass" for f in txt)
    assert {f.subject for f in txt} >= {"received", "review", "litigation", "review.upheld", "litigation.pending"}


def test_narrative_scope_mismatch_is_uncertain_not_fail(reports):
    """洪泽区 2024: the office 'received 17 on behalf of the government' while table 3 shows 95."""
    txt = check([reports["hongze-district-2024.pdf"]], rules=["TXT-NUM"])
    assert [(f.status, f.evidence[1].text) for f in txt if f.subject == "received"] == [("uncertain", "17")]


# ------------------------------------------------------------------ mutations

def _mutate(report: Report, start: int, end: int, new: str) -> Report:
    return reparse(report, report.text[:start] + new + report.text[end:])


def _cells_to_mutate(tables, kind: str, step: int):
    cells = [c for c in tables.table(kind).cells if c.semantic == "number"]
    assert cells, f"{tables.report_id}: no {kind} cell to change"   # an empty loop would prove nothing
    return cells[::step]


@pytest.mark.parametrize("name", [n for n in NAMES if n not in INCONSISTENT])
def test_mutating_any_table3_cell_fails_the_right_rule(name, reports):
    r = reports[name]
    base = extract_tables(r)
    for c in _cells_to_mutate(base, "requests", 1):
        m = _mutate(r, c.start, c.end, str(c.value + 1))
        bad = fails(check([m], rules=["T3-BALANCE", "T3-OUTCOMES", "T3-COLUMNS"]))
        assert bad, f"{name}: changing {c.key} went unnoticed"
        # the row identity of that row fails and names the mutated cell at its offset
        row_fail = [f for f in bad if f.rule == "T3-COLUMNS" and f.subject == f"requests:{c.row}:total"]
        row_blank = base.cell("requests", c.row, "total").semantic == "blank"
        assert row_fail or row_blank, f"{name}: {c.key}"
        for f in row_fail:
            ev = {e.key: e for e in f.evidence}
            assert ev[c.key].start == c.start and ev[c.key].value == c.value + 1
        # and so does a column identity (balance or outcomes), unless the column total is blank
        col_fail = [f for f in bad if f.rule in ("T3-BALANCE", "T3-OUTCOMES") and any(e.key == c.key for e in f.evidence)]
        col_blank = any(f.status == "not_assessable" for f in check([m], rules=["T3-BALANCE", "T3-OUTCOMES"])
                        if any(e.key == c.key for e in f.evidence))
        assert col_fail or col_blank, f"{name}: {c.key}"
        assert row_fail or col_fail


@pytest.mark.parametrize("name", [n for n in NAMES if n not in INCONSISTENT])
def test_mutating_any_table4_cell_fails_t4_sums(name, reports):
    r = reports[name]
    for c in _cells_to_mutate(extract_tables(r), "review_litigation", 1):
        m = _mutate(r, c.start, c.end, str(c.value + 1))
        bad = fails(check([m], rules=["T4-SUMS"]))
        assert [f.subject for f in bad] == [f"review_litigation:{c.row}:total"], c.key
        assert any(e.key == c.key and e.start == c.start for e in bad[0].evidence)


def test_mutating_a_narrative_number_fails_txt_num(reports):
    r = reports["huaian-office-2019.txt"]
    t = extract_tables(r)
    i = r.text.index("予以公开31件")
    j = i + len("予以公开")
    m = _mutate(r, j, j + 2, "32")
    bad = fails(check([m], rules=["TXT-NUM"]))
    assert len(bad) == 1 and bad[0].subject == "granted"
    assert bad[0].evidence[1].start == j and bad[0].evidence[1].text == "32"
    assert bad[0].evidence[2].key == "requests:granted:total"
    assert bad[0].evidence[2].start == t.cell("requests", "granted", "total").start


def test_negative_or_fractional_count_fails_cell(reports):
    r = reports["huaian-city-2024.pdf"]
    c = extract_tables(r).cell("requests", "granted", "research")
    for new in ("-1", "0.5"):
        m = _mutate(r, c.start, c.end, new)
        bad = fails(check([m], rules=["CELL"]))
        assert [f.subject for f in bad] == [c.key]


def test_na_marker_is_not_assessable_never_zero(reports):
    r = reports["huaian-city-2024.pdf"]
    c = extract_tables(r).cell("requests", "granted", "research")
    m = _mutate(r, c.start, c.end, "/")
    f = check([m], rules=["T3-COLUMNS", "T3-OUTCOMES", "CELL"])
    assert not fails(f)
    na = {x.rule for x in f if x.status == "not_assessable" and any(e.key == c.key for e in x.evidence)}
    assert na == {"T3-COLUMNS", "T3-OUTCOMES", "CELL"}


def test_fee_charged_without_part6_fails(reports):
    r = reports["shuyang-county-2025.txt"]
    assert [f.status for f in check([r], rules=["FEE-PART6"])] == ["pass"]
    part = r.part("other")
    heading_end = r.text.index("\n", part.start)
    m = _mutate(r, heading_end, part.end, "\n本年度无其他需要报告的情况。")
    bad = fails(check([m], rules=["FEE-PART6"]))
    assert len(bad) == 1
    assert any(e.key == "requests:other.overdue_fee:total" for e in bad[0].evidence)


# ------------------------------------------------------------------ cross-year

def test_cross_year_rules_on_one_agency(reports):
    pair = [reports["hongze-district-2024.pdf"], reports["hongze-district-2023.pdf"]]  # names differ, order reversed
    xy = check(pair, rules=["XY-CARRY", "XY-STOCK"])
    assert summarize_statuses(xy) == {"pass": 9, "fail": 0, "uncertain": 0, "not_assessable": 0}
    assert {f.report_id for f in xy} == {reports["hongze-district-2024.pdf"].id}


def test_cross_year_carry_mutation_points_at_both_years(reports):
    r23, r24 = reports["hongze-district-2023.pdf"], reports["hongze-district-2024.pdf"]
    c = extract_tables(r23).cell("requests", "carried_forward", "natural_person")
    m23 = _mutate(r23, c.start, c.end, "3")
    bad = fails(check([m23, r24], rules=["XY-CARRY"]))
    assert [f.subject for f in bad] == ["requests:carried_over:natural_person"]
    keys = {(e.report_id, e.key) for e in bad[0].evidence}
    assert (m23.id, "requests:carried_forward:natural_person") in keys
    assert (r24.id, "requests:carried_over:natural_person") in keys


def test_cross_year_stock_break_is_a_warning(reports):
    r23, r24 = reports["hongze-district-2023.pdf"], reports["hongze-district-2024.pdf"]
    c = extract_tables(r24).cell("proactive", "normative_docs", "valid")
    m24 = _mutate(r24, c.start, c.end, "9")
    bad = fails(check([r23, m24], rules=["XY-STOCK"]))
    assert [(f.subject, f.severity) for f in bad] == [("proactive:normative_docs:valid", "warning")]


def test_different_agencies_get_no_cross_year_findings(reports):
    xy = check([reports["huaian-city-2024.pdf"], reports["hongze-district-2023.pdf"]], rules=["XY-CARRY", "XY-STOCK"])
    assert xy == []


def _old_era_report(web_this_year: int) -> Report:
    """A 2008-era report whose statistics table is printed apart: 主动公开 = 网站 + 公报 when ``web_this_year`` is 90."""
    table = ("指标名称 计量单位 2012年度 历年累计\n主动公开信息数 条 100 400\n其中：1.网站公开 条 "
             f"{web_this_year} 380\n2.政府公报公开 条 10 20\n受理申请总数 件 6 15\n")
    return parse_text("某县人民政府2012年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n"
                      "二、政府信息公开情况统计表\n" + table, source="old.txt")


def test_old_era_subrows_never_exceed_their_row():
    good = [f for f in check([_old_era_report(90)]) if f.rule == "OLD-SUBROWS"]
    assert [(f.subject, f.status) for f in good] == [("old_era:主动公开信息数:v1", "pass"),
                                                      ("old_era:主动公开信息数:v2", "pass")]
    bad = [f for f in check([_old_era_report(95)]) if f.rule == "OLD-SUBROWS" and f.status == "fail"]
    assert [f.subject for f in bad] == ["old_era:主动公开信息数:v1"]
    report = _old_era_report(95)
    assert sorted(e.text for e in bad[0].evidence) == ["10", "100", "95"]
    assert all(report.text[e.start:e.end] == e.text for e in bad[0].evidence)
    # the sub-row relation survives a save and load of the tables
    tables = extract_tables(report)
    assert ReportTables.from_dict(tables.to_dict()).table("old_era").parents == tables.table("old_era").parents


def test_reports_without_an_old_era_table_get_no_subrow_finding(reports):
    assert not [f for r in reports.values() for f in check([r]) if f.rule == "OLD-SUBROWS"]


def test_unknown_rule_is_a_clear_error(reports):
    from nlp.errors import XxgkError

    with pytest.raises(XxgkError, match="unknown rule"):
        check([reports["huaian-office-2019.txt"]], rules=["NOPE"])


# ------------------------------------------------------------------ CLI

runner = CliRunner()


def test_cli_check_strict_exit_codes():
    from cli import app

    ok = runner.invoke(app, ["check", str(REPORTS_DIR / "huaian-office-2019.txt"), "--strict"])
    assert ok.exit_code == 0, ok.output
    assert "fail: 0" in ok.output
    bad = runner.invoke(app, ["check", str(REPORTS_DIR / "hongze-district-2023.pdf"), "--strict"])
    assert bad.exit_code == 1
    assert "T4-SUMS" in bad.output and "review_litigation:review:upheld" in bad.output


def test_cli_check_json_and_directory_series(tmp_path):
    from cli import app

    out = tmp_path / "findings.json"
    res = runner.invoke(app, ["check", str(REPORTS_DIR), "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {d["rule"] for d in data} >= {"T3-BALANCE", "XY-CARRY", "XY-STOCK", "TXT-NUM"}
    assert all(d["evidence"] or d["rule"] in ("FEE-PART6", "CELL") for d in data)


def test_cli_tables_csv_and_json(tmp_path):
    from cli import app

    res = runner.invoke(app, ["tables", str(REPORTS_DIR / "huaian-office-2019.txt")])
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("report_id,agency,year,era,table,row,column,value,raw,semantic")
    assert any(",requests,received,total,54,54,number," in ln for ln in lines)
    out = tmp_path / "cells.json"
    res = runner.invoke(app, ["tables", str(REPORTS_DIR / "shanghai-stcsm-2024.md"), "-f", "json", "-o", str(out)])
    assert res.exit_code == 0
    cells = json.loads(out.read_text(encoding="utf-8"))
    blank = [c for c in cells if c["row"] == "carried_forward" and c["column"] == "total"]
    assert blank == [dict(blank[0], value=None, semantic="blank")]


def test_cli_bad_input_is_listed_not_a_traceback(tmp_path):
    from cli import app

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = runner.invoke(app, ["check", str(empty), str(REPORTS_DIR / "huaian-office-2019.txt")])
    assert res.exit_code == 2
    assert "empty.txt" in res.output and "Traceback" not in res.output


def test_narrative_per_column_and_combined_counts(reports):
    """沭阳: 受理 = 新收 + 上年结转, 其中自然人/法人或其他组织 per column, 复议+诉讼 案件 together."""
    txt = check([reports["shuyang-county-2025.txt"]], rules=["TXT-NUM"])
    assert {f.subject: f.status for f in txt} == {
        "received": "pass", "received_person": "pass", "received_org": "pass", "total": "pass",
        "carried_forward": "pass", "review_and_litigation": "pass"}


def test_handled_total_in_an_application_sentence_is_strong(reports):
    """'办结N件' in a sentence about applications is a strong claim: a changed number fails."""
    r = reports["shanghai-office-2025.md"]
    i = r.text.index("办结1191件") + len("办结")
    bad = fails(check([_mutate(r, i, i + 4, "1190")], rules=["TXT-NUM"]))
    assert [(f.subject, f.evidence[1].text) for f in bad] == [("total", "1190")]
