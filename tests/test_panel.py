"""The panel dataset, metric dictionary, agencies, timeliness, peers, scorecard, not-a-report screening and the brief's
trends/scorecard/evidence (issue 14)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPORTS_DIR, ROOT, corpus_index
from corpora import DEMO_DIR, load_manifest
from nlp.analysis import analyze
from nlp.errors import XxgkError
from nlp.panel import build_panel, load_metrics, read_aliases, report_signals
from nlp.panel.agencies import AgencyResolver, agency_level
from nlp.panel.metrics import evaluate_all
from nlp.panel.peers import percentile_of, quantile
from nlp.panel.timeliness import timeliness
from nlp.tables import Cell, ReportTables, Table

# ------------------------------------------------------------------ metric dictionary, hand-computed


def _tables(cells: list[tuple[str, str, str, object]]) -> ReportTables:
    """ReportTables from (table, row, column, value); a str value is a printed non-number ('/' → na, '' → blank)."""
    by_table: dict[str, Table] = {}
    for i, (table, row, column, value) in enumerate(cells):
        if isinstance(value, str):
            semantic, v = ("na" if value else "blank"), None
        else:
            semantic, v = "number", value
        t = by_table.setdefault(table, Table(table, "2021", "rows", 0, 1000))
        t.cells.append(Cell(table, row, column, v, str(value), semantic, 10 * i, 10 * i + 2))
    out = ReportTables("r1", "某机关", 2023, "2021", by_table)
    out.reindex()
    return out


#: a 2021-layout report with round numbers (every figure below worked out by hand)
FULL = [
    ("requests", "received", "natural_person", 30), ("requests", "received", "total", 40),
    ("requests", "carried_over", "total", 2), ("requests", "granted", "total", 20),
    ("requests", "partly_granted", "total", 4), ("requests", "refused.state_secret", "total", 1),
    ("requests", "refused.third_party", "total", 2), ("requests", "unable.not_held", "total", 5),
    ("requests", "unable.unclear", "total", 1), ("requests", "total", "total", 36),
    ("review_litigation", "review", "upheld", 3), ("review_litigation", "review", "corrected", 1),
    ("review_litigation", "review", "pending", 1), ("review_litigation", "review", "total", 5),
    ("review_litigation", "litigation_direct", "corrected", 1), ("review_litigation", "litigation_direct", "pending", 0),
    ("review_litigation", "litigation_direct", "total", 2), ("review_litigation", "litigation_after_review", "corrected", 0),
    ("review_litigation", "litigation_after_review", "pending", 1),
    ("review_litigation", "litigation_after_review", "total", 3),
    ("proactive", "normative_docs", "made", 7), ("proactive", "licensing", "decisions", 100),
    ("proactive", "penalty", "decisions", 20), ("proactive", "coercion", "decisions", 3),
]
FULL_EXPECTED = {
    "received": 40, "carried_over": 2, "handled": 36, "granted": 20, "partly_granted": 4, "refused": 3, "unable": 6,
    "granted_rate": 20 / 36, "disclosed_rate": 24 / 36, "refused_rate": 3 / 36, "unable_rate": 6 / 36,
    "natural_person_share": 30 / 40, "review": 5, "review_correction_rate": 1 / 4, "litigation": 5,
    "litigation_correction_rate": 1 / 4, "disputes_per_100_requests": 25.0, "normative_docs": 7,
    "enforcement_decisions": 123,
}
#: zero denominators, a blank and a '/' cell, and the 2019 column of table 2
EDGE = [
    ("requests", "received", "natural_person", 0), ("requests", "received", "total", 0),
    ("requests", "granted", "total", 0), ("requests", "partly_granted", "total", 0),
    ("requests", "refused.state_secret", "total", 0), ("requests", "refused.third_party", "total", ""),
    ("requests", "unable.not_held", "total", 0), ("requests", "total", "total", 0),
    ("review_litigation", "review", "corrected", 0), ("review_litigation", "review", "pending", 2),
    ("review_litigation", "review", "total", 2),
    ("proactive", "normative_docs", "new_published", 9), ("proactive", "licensing", "decisions", 4),
    ("proactive", "penalty", "decisions", "/"), ("proactive", "coercion", "decisions", 1),
]
EDGE_EXPECTED = {
    "received": 0, "carried_over": None, "handled": 0, "granted": 0, "partly_granted": 0, "refused": None,
    "unable": 0, "granted_rate": None, "disclosed_rate": None, "refused_rate": None, "unable_rate": None,
    "natural_person_share": None, "review": 2, "review_correction_rate": None, "litigation": None,
    "litigation_correction_rate": None, "disputes_per_100_requests": None, "normative_docs": 9,
    "enforcement_decisions": None,
}


@pytest.mark.parametrize("key", sorted(FULL_EXPECTED))
def test_each_metric_against_hand_computed_values(key):
    full, edge = evaluate_all(_tables(FULL)), evaluate_all(_tables(EDGE))
    assert full[key].value == pytest.approx(FULL_EXPECTED[key])
    assert edge[key].value == (pytest.approx(EDGE_EXPECTED[key]) if EDGE_EXPECTED[key] is not None else None)


def test_every_metric_in_the_dictionary_has_a_hand_computed_test():
    d = load_metrics()
    assert {m.key for m in d} == set(FULL_EXPECTED) == set(EDGE_EXPECTED)
    assert d.version and all(m.name and m.unit and m.caveats for m in d)
    # a rate over a zero denominator is NA with the reason, never 100%
    v = evaluate_all(_tables(EDGE))["granted_rate"]
    assert v.value is None and "division by zero" in v.reason
    assert evaluate_all(_tables(EDGE))["normative_docs"].formula == "{proactive:normative_docs:new_published}"


def test_a_bad_formula_fails_at_load_time_naming_the_file(tmp_path):
    from nlp.panel.metrics import load_metrics as load

    bad = tmp_path / "m.toml"
    bad.write_text('version = "x"\n[[metric]]\nkey = "a"\nname = "甲"\nformula = "__import__(1)"\nunit = "件"\n'
                   'aggregates = true\ncaveats = ""\n', encoding="utf-8")
    with pytest.raises(XxgkError, match="not allowed"):
        load(bad)


def test_the_readme_metric_table_is_generated_from_the_dictionary():
    from nlp.panel.metrics import markdown_table

    table = markdown_table()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's metric table is stale: regenerate with python3 -m nlp.panel.metrics"


# ------------------------------------------------------------------ agencies


def test_place_prefix_and_office_variants_are_one_agency():
    r = AgencyResolver.build(["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市人民政府", "淮安市人民政府办公室",
                              "上海市人民政府办公厅", "上海市人民政府办公室"])
    assert r.canonical("洪泽区人民政府") == r.canonical("淮安市洪泽区人民政府") == "淮安市洪泽区人民政府"
    assert r.canonical("淮安市人民政府") != r.canonical("淮安市人民政府办公室")   # a government and its office differ
    assert r.canonical("上海市人民政府办公厅") == r.canonical("上海市人民政府办公室")
    assert [agency_level(n) for n in ("淮安市洪泽区人民政府", "淮安市人民政府", "上海市人民政府", "淮安市人民政府办公室",
                                      "建章路街道人民政府")] == ["county", "city", "province", "department", "township"]


def test_alias_file(tmp_path):
    f = tmp_path / "aliases.csv"
    f.write_text("alias,canonical\n沐阳县人民政府,沭阳县人民政府\n上海市科委,上海市科学技术委员会\n", encoding="utf-8-sig")
    aliases = read_aliases(f)
    r = AgencyResolver.build(["沐阳县人民政府", "沭阳县人民政府", "上海市科委"], aliases)
    assert r.canonical("沐阳县人民政府") == r.canonical("沭阳县人民政府") == "沭阳县人民政府"
    assert r.info("上海市科委").canonical == "上海市科学技术委员会"
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙,丙\n", encoding="utf-8")
    with pytest.raises(XxgkError, match=r"bad\.csv: line 1"):
        read_aliases(bad)


# ------------------------------------------------------------------ timeliness


@pytest.mark.parametrize("year, level, published, status, days", [
    (2020, "department", "2021-01-27", "on_time", 0),
    (2020, "department", "2021年2月3日", "late", 3),
    (2020, "county", "2021-03-31", "on_time", 0),
    (2020, "city", "2021/4/10", "late", 10),
    (2016, "department", "2017-03-20", "on_time", 0),    # old regulation: 31 March for every body
    (2016, "department", "2017-04-01", "late", 1),
    (2020, "township", "2021-02-01", "unknown", None),   # no dated statutory rule binds a township
    (2020, "county", "", "unknown", None),
])
def test_timeliness_against_the_statutory_deadline(year, level, published, status, days):
    t = timeliness(year, level, published)
    assert (t.status, t.days_late) == (status, days)
    if t.deadline:
        assert "条例" in t.source


def test_demo_publication_dates_are_checked_against_their_deadlines(demo):
    result, out = demo
    manifest = load_manifest(DEMO_DIR)
    by_stem = {Path(r["file"]).stem: r for r in manifest["reports"]}
    rows = {r["report_id"]: r for r in _csv(out / "scorecard.csv", keys=True)}
    assert len(rows) == 12
    for a in result.analyses:
        truth = by_stem[Path(a.report.source).stem]
        month = "03-31" if truth["department"] == "gov" else "01-31"
        row = rows[a.report.id]
        assert row["deadline"] == f"{truth['year'] + 1}-{month}"
        assert row["timeliness"] == "按时"


# ------------------------------------------------------------------ peers on a generated corpus


def test_peer_percentiles_on_a_generated_corpus(tmp_path):
    subprocess.run([sys.executable, "-m", "corpora.generate", "--out", str(tmp_path), "--agencies", "12", "--years", "1",
                    "--formats", "txt", "--seed", "5", "--error-rate", "0", "--cross-copies", "0"], check=True,
                   cwd=ROOT, capture_output=True)
    from nlp.structure import read_report
    from nlp.tables import extract_tables

    manifest = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    truth = {r["file"]: r for r in manifest if r["type"] == "report"}
    reports = [read_report(tmp_path / f) for f in sorted(truth)]
    panel = build_panel(reports, [extract_tables(r) for r in reports])
    # known percentiles: the manifest's printed table-3 totals among the departments (the one 人民政府 is alone)
    received = {Path(r.source).name: truth[Path(r.source).name]["tables"]["printed"]["t3"]["received"][-1] for r in reports}
    dept = {f: v for f, v in received.items() if truth[f]["department"] != "gov"}
    assert len(dept) == 11 and len(set(dept.values())) < len(dept)   # ties make the mid-rank matter
    import numpy as np

    values = list(dept.values())
    stats = {(s.report_id, s.metric): s for s in panel.peers}
    for r in reports:
        s = stats[(r.id, "received")]
        name = Path(r.source).name
        if name not in dept:
            assert s.n == 1 and s.percentile == 50.0 and s.rank == 1
            continue
        v = dept[name]
        assert s.value == v and s.n == 11
        assert s.p25 == pytest.approx(np.percentile(values, 25)) and s.p50 == pytest.approx(np.median(values))
        assert s.p75 == pytest.approx(np.percentile(values, 75))
        below, equal = sum(x < v for x in values), sum(x == v for x in values)
        assert s.percentile == pytest.approx(100 * (below + equal / 2) / 11, abs=0.01)
        assert s.rank == 1 + sum(x > v for x in values)
    assert quantile([1, 2, 3, 4], 0.5) == 2.5 and percentile_of(2, [1, 2, 2, 3]) == 50.0


def test_an_old_era_row_keeps_the_unit_it_prints():
    """A 2008-era statistics table prints a unit per row (条, 件, 元 for the fees waived): the long table says
    it instead of the 2019 tables' 件."""
    from nlp.structure import parse_text
    from nlp.tables import extract_tables

    text = ("某县人民政府2012年政府信息公开工作年度报告\n一、概述\n本年度工作情况如下。\n二、政府信息公开情况统计表\n"
            "指标名称 计量单位 2012年度 历年累计\n主动公开信息数 条 100 400\n收费减免金额 元 0 350\n行政复议数 件 1 3\n")
    report = parse_text(text, source="old.txt")
    panel = build_panel([report], [extract_tables(report)])
    units = {row["row"]: row["unit"] for row in panel.long if row["table"] == "old_era"}
    assert units == {"主动公开信息数": "条", "收费减免金额": "元", "行政复议数": "件"}


def test_peer_checks_are_uncertain_never_fail():
    from nlp.document import Report

    def rep(i: int, agency: str, year: int, received: int) -> tuple[Report, ReportTables]:
        r = Report(f"r{i}", f"r{i}.txt", "txt", "x" * 100, agency=agency, year=year)
        t = _tables([("requests", "received", "total", received)])
        t.report_id = r.id
        return r, t

    pairs = [rep(0, "甲县教育局", 2022, 10), rep(1, "甲县教育局", 2023, 60),          # ×6: a jump
             rep(2, "乙县教育局", 2023, 0)] + [rep(3 + k, f"{n}县教育局", 2023, 40) for k, n in enumerate("丙丁戊")]
    panel = build_panel([r for r, _ in pairs], [t for _, t in pairs])
    got = sorted((f.rule, f.report_id, f.status) for f in panel.peer_findings if f.subject == "received")
    assert got == [("PEER-YOY-JUMP", "r1", "uncertain"), ("PEER-ZERO", "r2", "uncertain")]
    jump = next(f for f in panel.peer_findings if f.rule == "PEER-YOY-JUMP")
    assert [e.report_id for e in jump.evidence] == ["r1", "r0"]


# ------------------------------------------------------------------ not a report


def test_a_file_that_is_not_a_report_is_left_out_unless_forced(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "notes.txt").write_text("会议记录\n明天下午三点讨论第四季度预算，请各位准时参加。\n", encoding="utf-8")
    (src / "qinghe-edu-2020.txt").write_text((DEMO_DIR / "qinghe-edu-2020.txt").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    result = analyze([src], tmp_path / "out", stages=["parse", "tables", "checks"])
    assert [Path(a.report.source).name for a in result.analyses] == ["qinghe-edu-2020.txt"]
    assert [(Path(f.path).name, "not an annual report" in f.reason) for f in result.failures] == [("notes.txt", True)]
    assert "--force" in result.failures[0].reason
    assert len(_csv(tmp_path / "out" / "scorecard.csv")) == 1
    forced = analyze([src], tmp_path / "forced", stages=["parse", "tables", "checks"], force=True)
    assert len(forced.analyses) == 2 and not forced.failures
    # every real report and every excerpt of the shared corpus counts as a report
    from nlp.structure import read_report

    files = sorted(REPORTS_DIR.parent.glob("excerpts/*.txt")) + sorted(REPORTS_DIR.glob("*.txt"))
    listed = {d["file"] for d in corpus_index() if d["file"].endswith(".txt") and not d["file"].startswith("web/")}
    assert listed and {f"{f.parent.name}/{f.name}" for f in files} == listed   # every one the index lists
    for f in files:
        assert report_signals(read_report(f)).is_report, f


# ------------------------------------------------------------------ panel files


def _csv(path: Path, keys: bool = False) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    if not keys:
        return rows
    from nlp.panel.scorecard import SCORECARD_FIELDS

    zh_to_key = {zh: k for k, zh in SCORECARD_FIELDS}
    return [{zh_to_key.get(k, k): v for k, v in r.items()} for r in rows]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel-demo")
    return analyze([DEMO_DIR], out, stages=["parse", "tables", "checks", "compare"]), out


#: the seven complete reports of the shared corpus, named (the corpus grows between waves)
REAL_REPORTS = ("hongze-district-2023.pdf", "hongze-district-2024.pdf", "huaian-city-2024.pdf", "huaian-office-2019.txt",
                "shanghai-office-2025.md", "shanghai-stcsm-2024.md", "shuyang-county-2025.txt")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel-real")
    files = [REPORTS_DIR / n for n in REAL_REPORTS]
    return analyze(files, out, stages=["parse", "tables", "checks", "compare"]), out


def test_panel_files_open_with_pyarrow_openpyxl_and_duckdb(demo):
    result, out = demo
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    n_cells = sum(len(a.tables) for a in result.analyses)
    n_metrics = len(load_metrics().metrics)
    expected_rows = n_cells + 12 * n_metrics
    table = pq.read_table(out / "panel.parquet")
    assert table.num_rows == expected_rows
    rows = table.to_pylist()
    granted = [r for r in rows if r["table"] == "requests" and r["row"] == "granted" and r["column"] == "total"]
    assert len(granted) == 12 and all(r["label"] == "表三（申请办理）·（一）予以公开·总计" for r in granted)
    assert {r["agency"] for r in rows} == {"金穗县人民政府办公室", "柳川市交通运输局", "芦湾区人民政府", "青禾市教育局"}
    # the value and its span point back into the report text
    by_id = {a.report.id: a.report for a in result.analyses}
    for r in granted:
        assert by_id[r["report_id"]].text[r["start"]:r["end"]] == str(int(r["value"]))
    # planted table errors show as failed cells
    assert any(r["check_status"] == "fail" for r in rows)

    wb = load_workbook(out / "panel.xlsx", read_only=True)
    assert wb.sheetnames == ["长表", "宽表", "审计评分", "同类比较", "指标说明"]
    long = list(wb["长表"].iter_rows(values_only=True))
    assert long[0][:3] == ("报告编号", "机关", "报告所署机关") and len(long) == expected_rows + 1
    wide = list(wb["宽表"].iter_rows(values_only=True))
    assert len(wide) == 13 and "予以公开率" in wide[0] and "本年新收申请数（件）" in wide[0]
    assert len(list(wb["审计评分"].iter_rows(values_only=True))) == 13
    assert len(list(wb["指标说明"].iter_rows(values_only=True))) == n_metrics + 1

    csv_rows = _csv(out / "panel.csv")
    assert len(csv_rows) == expected_rows and "指标" in csv_rows[0]
    assert len(_csv(out / "panel_wide.csv")) == 12 and len(_csv(out / "scorecard.csv")) == 12

    duckdb = pytest.importorskip("duckdb")
    q = (f"SELECT agency, year, value FROM '{out / 'panel.parquet'}' WHERE \"table\" = 'derived' "
         "AND \"row\" = 'granted_rate' ORDER BY agency, year")
    got = duckdb.sql(q).fetchall()
    assert len(got) == 12
    wide_rates = {(w["agency"], w["year"]): w["granted_rate"] for w in result.panel.wide}
    rated = [(a, y, v) for a, y, v in got if v is not None]
    assert rated and all(v == pytest.approx(wide_rates[(a, y)]) for a, y, v in rated)


def test_the_long_table_is_made_as_it_is_read_and_parquet_written_in_groups(demo, tmp_path, monkeypatch):
    """The long rows are made from the entries each time they are read (never all held), the same every
    time; panel.parquet in row groups reads back as those rows, whatever the group size."""
    import pyarrow.parquet as pq

    import nlp.panel.panel as panel_module

    result, out = demo
    rows = list(result.panel.long)
    assert len(rows) == len(result.panel.long) and rows == list(result.panel.long)
    assert result.panel.long[3] == rows[3] and result.panel.long[-2:] == rows[-2:]
    monkeypatch.setattr(panel_module, "PARQUET_ROWS_PER_GROUP", 97)
    panel_module._write_parquet(tmp_path / "p.parquet", result.panel.long)
    meta = pq.ParquetFile(tmp_path / "p.parquet").metadata
    assert meta.num_row_groups == -(-len(rows) // 97) > 1
    back = pq.read_table(tmp_path / "p.parquet")
    assert back.equals(pq.read_table(out / "panel.parquet"))
    assert back.to_pylist()[5]["label"] == rows[5]["label"]


def test_text_reaching_csv_and_xlsx_is_formula_safe(tmp_path):
    from openpyxl import load_workbook

    from nlp.document import Report
    from nlp.panel import write_panel_outputs

    r = Report("r0", "=cmd.txt", "txt", "x" * 50, agency="=HYPERLINK(1)", year=2023)
    panel = build_panel([r], [None])
    write_panel_outputs(panel, tmp_path)
    assert _csv(tmp_path / "panel_wide.csv")[0]["报告所署机关"] == "'=HYPERLINK(1)"
    ws = load_workbook(tmp_path / "panel.xlsx")["宽表"]
    cell = ws.cell(2, 3)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_real_reports_count_six_agencies_and_the_cli_takes_aliases(real, tmp_path):
    result, out = real
    assert len(result.analyses) == len(REAL_REPORTS)
    assert result.panel.agencies() == sorted({"淮安市洪泽区人民政府", "淮安市人民政府", "淮安市人民政府办公室",
                                              "上海市科委", "上海市人民政府办公厅", "沐阳县人民政府"})
    hongze = [e for e in result.panel.entries if e.agency == "淮安市洪泽区人民政府"]
    assert sorted((e.report.year, e.report.agency) for e in hongze) == [(2023, "洪泽区人民政府"), (2024, "淮安市洪泽区人民政府")]
    brief = (out / "brief.html").read_text(encoding="utf-8")
    assert '<b>6</b><span>机关</span>' in brief
    # the year-over-year table and the trend charts know the two Hongze reports are one series
    assert "淮安市洪泽区人民政府（2023–2024）" in brief and '2023→2024' in brief
    # OCR slip 沐阳 fixed by an alias file; the CLI prints the agency count
    from typer.testing import CliRunner

    from cli import app

    aliases = tmp_path / "aliases.csv"
    aliases.write_text("沐阳县人民政府,沭阳县人民政府\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["analyze", str(REPORTS_DIR / "shuyang-county-2025.txt"),
                                   str(REPORTS_DIR / "huaian-office-2019.txt"), "--out", str(tmp_path / "out"),
                                   "--aliases", str(aliases), "--stages", "tables"])
    assert res.exit_code == 0, res.output
    assert "2 reports" in res.output and "2 agencies" in res.output
    assert "沭阳县人民政府" in {r["机关"] for r in _csv(tmp_path / "out" / "panel_wide.csv")}


def test_panel_to_frame():
    pytest.importorskip("pandas")
    from nlp.document import Report

    r = Report("r0", "a.txt", "txt", "x" * 50, agency="甲县教育局", year=2023)
    t = _tables(FULL)
    panel = build_panel([r], [t])
    wide = panel.to_frame("wide")
    assert wide.shape[0] == 1 and wide.loc[0, "granted_rate"] == pytest.approx(20 / 36)
    assert panel.to_frame().shape[0] == len(FULL) + len(load_metrics().metrics)


# ------------------------------------------------------------------ the brief: evidence, trends, scorecard


def test_brief_links_every_finding_and_key_number_to_a_highlighted_span(demo):
    result, out = demo
    import re

    brief = (out / "brief.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="#(r-[^"]+-s\d+-\d+)"', brief))
    anchors = set(re.findall(r'<a class="span-anchor" id="([^"]+)"></a><mark>', brief))
    assert links and links <= anchors
    assert brief.count('<details class="source">') == 12
    # every failed finding's evidence is a link
    fails = [f for f in result.findings if f.status == "fail"]
    for f in fails:
        for e in f.evidence[:6]:
            owner = e.report_id or f.report_id
            assert any(x.endswith(f"-s{e.start}-{e.end}") and owner.replace(".", "-") in x for x in links), (f.rule, e)
    assert 'id="scorecard"' in brief and 'id="trends"' in brief and brief.count('class="trend"') == 4 * 7
    assert "照搬上年超过一半；变化较大" not in brief


def _browser():
    from test_analyze import _browser as browser

    return browser()


def test_brief_at_400_and_1400_px(demo):
    result, out = demo
    browser = _browser()
    shots = ROOT / "artifacts"
    shots.mkdir(exist_ok=True)
    try:
        for width in (1400, 400):
            browser.set_window_size(width, 900)
            browser.get((out / "brief.html").resolve().as_uri())
            inner = browser.execute_script("return window.innerWidth")
            # nothing wider than the window: wide tables scroll inside their own box
            assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
            # a report name in the overview is not broken one character per line
            name = browser.find_element("css selector", "#overview td.name a")
            assert name.size["width"] > 80 and name.size["height"] < 50, name.size   # at most two lines
            for section in ("scorecard", "trends"):
                browser.execute_script(f"document.getElementById('{section}').scrollIntoView()")
                path = shots / f"brief-{section}-{width}.png"
                assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
            # following a finding's evidence opens the collapsed text at the highlighted span
            link = browser.find_element("css selector", ".ev a")
            target = link.get_attribute("href").split("#")[1]
            browser.execute_script("arguments[0].click()", link)
            opened = browser.execute_script(
                "const a = document.getElementById(arguments[0]); return [a.closest('details').open, "
                "getComputedStyle(a.nextElementSibling).backgroundColor]", target)
            assert opened[0] is True and opened[1] == "rgb(255, 176, 0)"
    finally:
        browser.quit()


def test_pdf_pages_are_printed_with_spans_and_kept_in_the_panel():
    from nlp.analysis.brief.cards import _Spans
    from nlp.document import Report

    r = Report("r0", "a.pdf", "pdf", "甲" * 300, agency="甲县教育局", year=2023, page_starts=[0, 100, 200])
    t = _tables([("requests", "received", "total", 4)])       # the cell sits at offsets 0–2
    t.tables["requests"].cells[0].start, t.tables["requests"].cells[0].end = 150, 152
    t.reindex()
    rows = build_panel([r], [t]).long
    assert [x["page"] for x in rows if x["table"] == "requests"] == [2]
    spans = _Spans({"r0": r})
    assert spans.where("r0", 210, 215) == "第3页，210–215"
    link = spans.link("r0", 210, 215, "依据")
    text = spans.source_text("r0")
    assert link == '<a href="#r-r0-s210-215">依据</a>'
    assert '<a class="span-anchor" id="r-r0-s210-215"></a><mark>甲甲甲甲甲</mark>' in text
    assert text.index('<span class="page">〔第3页〕</span>') < text.index('id="r-r0-s210-215"')
    assert text.count("〔第") == 3


def test_panel_files_are_byte_identical_on_a_rerun(tmp_path):
    from nlp.panel import PANEL_FILES

    files = [DEMO_DIR / "qinghe-edu-2020.txt", DEMO_DIR / "qinghe-edu-2021.txt"]
    for name in ("a", "b"):
        analyze(files, tmp_path / name, stages=["parse", "tables", "checks"], use_cache=False)
    for f in PANEL_FILES:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert not list((tmp_path / "a").glob("*.tmp"))


def test_the_python_api_is_listed_and_results_become_frames():
    pytest.importorskip("pandas")
    import nlp

    for name in ("read_report", "extract_tables", "check", "classify_themes", "summarize", "compare", "analyze",
                 "to_frame", "build_panel"):
        assert name in dir(nlp)
    r = nlp.read_report(DEMO_DIR / "qinghe-edu-2020.txt")
    t = nlp.extract_tables(r)
    paragraphs = nlp.to_frame(r)
    assert {"part", "start", "end", "text"} <= set(paragraphs.columns)
    assert all(r.text[s:e] == x for s, e, x in zip(paragraphs.start, paragraphs.end, paragraphs.text))
    cells = nlp.to_frame(t)
    assert len(cells) == len(t) and set(cells.table) == {"proactive", "requests", "review_litigation"}
    findings = nlp.to_frame(nlp.check([r], tables=[t]))
    assert {"rule", "status", "evidence"} <= set(findings.columns) and len(findings) > 10
    with pytest.raises(TypeError, match="does not know"):
        nlp.to_frame(42)
