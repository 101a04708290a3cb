"""Renderings with known truth (corpora.render): each form has its promised shape, and the parser
reads every rendering of a demo report back to the same parts, about the same sections, and the same
cells (glued forms: a cell may come back uncertain, at most 5% unread; none wrong).

The report below is constructed for these tests (its own wording); the round-trip property runs
on the demo corpus. Forms the current parser cannot yet read back are listed in
``NOT_YET_READ_BACK``: delete an entry when the parser learns that form.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from corpora import DEMO_DIR
from corpora.render import FORMS, compare, read_back, render
from nlp import format as V
from nlp.ingest import read_source
from nlp.structure import parse_text
from nlp.tables import extract_tables

#: renderings today's parser and table reader do not read back yet (the round-trip test xfails on them)
NOT_YET_READ_BACK: list[str] = []
#: renderings whose tables are printed without delimiters: a cell may come back `uncertain`, never wrong
GLUED_FORMS = frozenset({"oneline_drop", "glued", "glued_spaced", "crawler", "era2008_oneline"})

# ------------------------------------------------------------------ a constructed report

_T3 = {  # row key -> 7 cells ('' = blank: the agency left it empty)
    "received": "30 2 0 1 0 1 34", "carried_over": "3 0 0 0 0 0 3", "granted": "12 1 0 0 0 0 13",
    "partly_granted": "4 0 0 0 0 0 4", "unable.not_held": "9 1 0 1 0 0 11", "not_processed.duplicate": "2 0 0 0 0 0 2",
    "other.other": "1 0 0 0 0 1 2", "total": "28 2 0 1 0 1 32", "carried_forward": "5 0 0 0 0 0 5",
}
_T3_BLANK_ROW = "refused.third_party"
#: table 3's columns in printed order (自然人, five kinds of legal person, 总计)
REQUEST_COLUMN_KEYS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")   # one natural person; the five legal-person cells left blank
_T4 = "1 0 0 0 1 0 0 0 1 1 0 0 0 0 0"


#: table 3 as the 2021 layout prints it, one row a line (typed here, not taken from nlp.format, so that the
#: constructed report and the expectations below do not follow a change of the vocabulary)
T3_LABELS = [
    ("received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"), ("partly_granted", "（二）部分公开"), ("refused.state_secret", "1.属于国家秘密"),
    ("refused.prohibited_by_law", "2.其他法律行政法规禁止公开"), ("refused.three_safeties", "3.危及“三安全一稳定”"),
    ("refused.third_party", "4.保护第三方合法权益"), ("refused.internal_affairs", "5.属于三类内部事务信息"),
    ("refused.process_info", "6.属于四类过程性信息"), ("refused.enforcement_file", "7.属于行政执法案卷"),
    ("refused.inquiry", "8.属于行政查询事项"), ("unable.not_held", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "2.没有现成信息需要另行制作"), ("unable.unclear", "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "1.信访举报投诉类申请"), ("not_processed.duplicate", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"), ("not_processed.mass_repeated", "4.无正当理由大量反复申请"),
    ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("other.overdue_correction", "1.申请人无正当理由逾期不补正"), ("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用"),
    ("other.other", "3.其他"), ("total", "（七）总计"), ("carried_forward", "四、结转下年度继续办理"),
]
T3_HEADER = "申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"
T4_LINES = ["案件类型\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计"] + [
    "\t".join([block] + _T4.split()[5 * i:5 * i + 5]) for i, block in enumerate(("行政复议", "未经复议直接起诉", "复议后起诉"))]


def _constructed_text() -> str:
    rows = []
    for key, label in T3_LABELS:
        if key == _T3_BLANK_ROW:
            cells = ["1", "", "", "", "", "", "1"]
        else:
            cells = _T3.get(key, "0 0 0 0 0 0 0").split()
        rows.append("\t".join([label] + cells))
    return "\n".join([
        "河湾县林业局2022年政府信息公开工作年度报告",
        "本报告依照政府信息公开条例编写，统计期间为2022年1月1日至2022年12月31日。",
        "一、总体情况",
        "（一）主动公开。全年在门户网站栏目发布林草防火、苗木补贴等信息一百余条，做到应公开尽公开。",
        "（二）依申请公开。设立专门受理窗口，按期答复每一件申请，无逾期情形。",
        "（三）政府信息管理。每季度清理一次过时内容，目录保持动态更新。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "行政规范性文件\t2\t1\t9",
        "第二十条第（五）项",
        "信息内容\t本年处理决定数量",
        "行政许可\t57",
        "三、收到和处理政府信息公开申请情况",
        T3_HEADER,
        *rows,
        "四、政府信息公开行政复议、行政诉讼情况",
        *T4_LINES,
        "五、存在的主要问题及改进情况",
        "（一）主要问题。基层站点信息更新偏慢，个别栏目内容重复。",
        "（二）改进措施。明年将建立栏目责任清单，按月通报更新情况。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
        "河湾县林业局",
        "2023年1月20日",
        "",
    ])


@pytest.fixture(scope="module")
def constructed():
    report = parse_text(_constructed_text(), source="constructed.txt", filename="constructed.txt")
    tables = extract_tables(report)
    assert [p.key for p in report.parts] == ["overview", "proactive", "requests", "review_litigation", "problems", "other"]
    assert len(tables) > 150  # the constructed text itself is read in full
    return report, tables


def _render(constructed, form: str, seed: int = 0):
    return render(*constructed, form, seed)


# ------------------------------------------------------------------ the shape of each form

def test_truth_is_the_source_parse_with_blank_cells_kept(constructed):
    report, tables = constructed
    r = _render(constructed, "reprint")
    assert r.truth.parts == tuple(p.key for p in report.parts)
    assert r.truth.sections == sum(len(p.sections) for p in report.parts)
    by_key = {c.key: c for c in r.truth.cells}
    assert len(by_key) == len(tables)
    assert by_key[("requests", "received", "total")].value == 34
    blank = by_key[("requests", _T3_BLANK_ROW, "research")]
    assert blank.kind == "blank" and blank.value is None
    assert by_key[("requests", _T3_BLANK_ROW, "total")].value == 1


def test_same_seed_same_bytes_other_seed_other_bytes(constructed):
    for form in FORMS:
        assert _render(constructed, form, 3).data == _render(constructed, form, 3).data, form
    assert _render(constructed, "glued_spaced", 1).data != _render(constructed, "glued_spaced", 2).data


def test_unknown_form_is_refused(constructed):
    with pytest.raises(ValueError, match="unknown rendering"):
        render(*constructed, "fax")


def test_oneline_drop_glues_headings_and_digits(constructed):
    text = _render(constructed, "oneline_drop").text
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "一次过时内容，目录保持动态更新。二、主动公开政府信息情况" in text
    # a table-3 row: its label, then its seven numbers without any delimiter
    assert "一、本年新收政府信息公开申请数量302010134" in text
    # the blank cells vanish: the two printed ones are glued together
    assert re.search(r"保护第三方合法权益115[．、]属于三类内部事务信息", text)


def test_oneline_space_keeps_a_space_per_line_break(constructed):
    text = _render(constructed, "oneline_space").text
    assert text.count("\n") == 1
    assert "目录保持动态更新。 二、主动公开政府信息情况" in text
    assert "一、本年新收政府信息公开申请数量 30 2 0 1 0 1 34 " in text
    assert "保护第三方合法权益 1      1 " in text  # five blank cells: one space for each line break


def test_glued_tables_are_one_run_of_cells_header_included(constructed):
    lines = _render(constructed, "glued").text.split("\n")
    t3 = [ln for ln in lines if "申请人情况" in ln]
    assert len(t3) == 1
    run = t3[0]
    assert "\t" not in run and "|" not in run and " " not in run
    assert "自然人" in run and "总计" in run
    assert "二、上年结转政府信息公开申请数量3000003" in run
    assert re.search(r"（七）总计28201011?32", run)
    # the narrative keeps its lines
    assert "（二）依申请公开。设立专门受理窗口，按期答复每一件申请，无逾期情形。" in lines


def test_glued_spaced_keeps_single_spaces_at_some_cell_boundaries(constructed):
    run = next(ln for ln in _render(constructed, "glued_spaced", 5).text.split("\n") if "申请人情况" in ln)
    assert " " in run and "  " not in run
    assert "\t" not in run and "|" not in run
    # removing the spaces gives the glued run
    glued = next(ln for ln in _render(constructed, "glued", 5).text.split("\n") if "申请人情况" in ln)
    assert run.replace(" ", "") == glued.replace(" ", "")


def test_pipes_split_labels_keep_blanks_and_spread_headers(constructed):
    lines = _render(constructed, "pipes").text.split("\n")
    assert "三、本年度办理结果 | （一）予以公开 | 12 | 1 | 0 | 0 | 0 | 0 | 13" in lines
    assert any(ln.startswith("（四）无法提供 | 1") and ln.endswith(" | 9 | 1 | 0 | 1 | 0 | 0 | 11") for ln in lines)
    assert any(ln.endswith("保护第三方合法权益 | 1 |  |  |  |  |  | 1") for ln in lines)
    # the applicant header over two lines
    i = next(i for i, ln in enumerate(lines) if ln.startswith("申请人情况"))
    assert "自然人" in lines[i] and "商业企业" in lines[i + 1]
    # table 4: header lines, then one line of its 15 values
    values = " | ".join(_T4.split())
    j = lines.index(values)
    assert "行政复议" in lines[j - 3] or "行政复议" in lines[j - 2]
    assert all("|" in ln for ln in lines[j - 2:j])


def test_crawler_header_then_the_text_on_one_line(constructed):
    text = _render(constructed, "crawler").text
    head, _, body = text.partition("正文")
    assert head.startswith("标题: 河湾县林业局2022年政府信息公开工作年度报告\n")
    assert re.search(r"^发布时间: 2023-\d\d-\d\d \d\d:\d\d$", head, re.M)
    assert re.search(r"^原文链接: https://\S+$", head, re.M)
    assert "\n文号: \n" in head and "\n发布机构: " in head and "\n栏目: " in head
    body = body.split("\n", 1)[1]
    assert body.count("\n") == 1 and "二、主动公开政府信息情况" in body


def test_chrome_html_holds_the_article_in_a_whole_site_page(constructed, tmp_path):
    layouts = set()
    for seed in range(6):
        r = _render(constructed, "chrome_html", seed)
        page = r.text
        assert r.suffix == ".html" and len(r.data) > 250_000
        assert re.search(r"<table[^>]*>", page) and 'colspan="' in page and 'rowspan="' in page
        for chrome in ("<form", "<script", "<style", "ms-controller=", "当前位置", "相关链接", "网站标识码", "登录"):
            assert chrome in page, chrome
        layouts.add('width="1002"' in page)
        path = tmp_path / f"page{seed}.html"
        path.write_bytes(r.data)
        text = read_source(path).text
        assert "（三）政府信息管理。每季度清理一次过时内容，目录保持动态更新。" in text, seed
        assert "明年将建立栏目责任清单" in text
        assert "长者模式" not in text and "网站地图" not in text
    assert layouts == {True, False}  # div pages and an old site's layout tables


def test_paged_prints_contents_page_breaks_and_furniture_and_reads_back_as_the_report(constructed, tmp_path):
    from nlp.ingest.normalize import PAGE_NUMBER_LINE

    for seed in range(4):
        r = _render(constructed, "paged", seed)
        head, _, rest = r.text.partition("\f")
        title = head.split("\n", 1)[0]
        assert re.search(r"^目\s*录$", head, re.M)
        entries = re.findall(r"^([一二三四五六七八九十]+)、.*?[…\.·]{6,}(\d+)$", head, re.M)
        assert len(entries) >= 5 and [int(p) for _, p in entries] == sorted(int(p) for _, p in entries)
        assert rest.count("\f" + title) == rest.count("\f") >= 1   # each later page starts with the running header
        assert rest.count("\f") == len(re.findall(r"^(?:— \d+ —|- \d+ -|第\d+页 共\d+页|\d+)\n\f", rest, re.M))
        back, back_tables = read_back(r)
        a = compare(r.truth, back, back_tables)
        assert a.parts_exact and a.wrong == 0, seed
        assert back.parts[0].start > back.text.index("目")             # the contents are preamble
        assert not PAGE_NUMBER_LINE.search(back.text)


def test_era2008_titles_come_from_the_vocabulary_and_are_renumbered(constructed):
    for seed in range(6):
        r = _render(constructed, "era2008", seed)
        heads = re.findall(r"^([一二三四五六七八九十]+)、(.+)$", r.text, re.M)
        heads = [(n, t) for n, t in heads if not V.TABLE_ROW_HEADINGS.search(t)]
        assert [n for n, _ in heads] == list("一二三四五六七八九十"[:len(heads)])
        assert len(heads) == len(r.truth.parts)
        year = "2022"
        for (n, title), key in zip(heads, r.truth.parts):
            options = [t.format(year=year) for t in V.ERA_2008_PART_TITLES[key]]
            if key == "review_litigation":
                options += list(V.ERA_2008_FEES_WITH_REVIEW_TITLES)
            assert title in options, (key, title)
        assert r.truth.parts[0] == "overview"
        added = len(r.truth.parts) - 6
        assert r.truth.sections == _render(constructed, "reprint").truth.sections + added


def test_era2008_varies_titles_and_adds_a_fees_part_for_some_seeds(constructed):
    keys = {_render(constructed, "era2008", s).truth.parts for s in range(12)}
    assert any("fees" in k for k in keys) and any("fees" not in k for k in keys)
    assert len({_render(constructed, "era2008", s).text.split("\n")[2] for s in range(12)}) >= 2


@pytest.mark.parametrize("form", ["era2008", "era2008_oneline", "oneline_space", "crawler"])
def test_a_part_printed_without_its_heading_stays_in_the_truth_and_is_read_back(form):
    """Part 五 printed as its sections only (the parser infers it): the 2008-era renumbering keeps it
    in the truth, after the part it follows, and every form of it is read back with all parts."""
    text = _constructed_text().replace("五、存在的主要问题及改进情况\n", "")
    report = parse_text(text, source="unheaded.txt", filename="unheaded.txt")
    assert [p.key for p in report.parts if p.inferred] == ["problems"]
    tables = extract_tables(report)
    for seed in range(4):
        r = render(report, tables, form, seed)
        assert "problems" in r.truth.parts
        assert r.truth.parts.index("problems") == r.truth.parts.index("review_litigation") + 1
        back, back_tables = read_back(r)
        a = compare(r.truth, back, back_tables)
        assert a.parts_exact, (seed, a.parts, r.truth.parts)
        assert a.wrong == 0


def test_compare_tells_equal_uncertain_silently_wrong_and_missing_cells(constructed):
    import copy

    report, tables = constructed
    truth = _render(constructed, "reprint").truth
    a = compare(truth, report, tables)
    assert a.agrees and a.equal == a.cells == len(tables)
    changed = copy.deepcopy(tables)
    changed.cell("requests", "received", "total").value = 43                  # silently wrong
    changed.cell("requests", "granted", "total").uncertain = True             # flagged
    changed.cell("requests", _T3_BLANK_ROW, "research").semantic = "number"   # a blank read as a number
    changed.cell("requests", _T3_BLANK_ROW, "research").value = 0
    t4 = changed.tables["review_litigation"]
    t4.cells = [c for c in t4.cells if c.row != "review"]                      # five cells not read
    changed.reindex()
    b = compare(truth, report, changed)
    assert (b.equal, b.uncertain, b.wrong, b.missing) == (a.cells - 8, 1, 2, 5)
    assert any("received:total" in k for k in b.wrong_keys) and not b.agrees
    fewer_parts = copy.copy(report)
    fewer_parts.parts = report.parts[:-1]
    assert not compare(truth, fewer_parts, tables).parts_exact


# ------------------------------------------------------------------ the round trip on demo reports

@lru_cache(maxsize=None)
def _demo(i: int):
    from nlp.structure import read_report

    files = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))
    report = read_report(files[i % len(files)])
    return report, extract_tables(report)


def _forms_marked():
    return [pytest.param(f, marks=pytest.mark.xfail(strict=False, reason=f"the parser does not read {f} back yet"))
            if f in NOT_YET_READ_BACK else f for f in FORMS]


@pytest.mark.parametrize("form", _forms_marked())
@settings(max_examples=20, deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # no shrinking: the report id is in the message
@given(index=st.integers(0, 11), seed=st.integers(0, 10_000))
@example(index=11, seed=943)   # one-line 2008 form: its restored lines once looked like a fixed-width export
def test_parse_of_a_rendering_agrees_with_the_parse_of_the_report(form, index, seed):
    report, tables = _demo(index)
    rendering = render(report, tables, form, seed)
    back, back_tables = read_back(rendering)
    a = compare(rendering.truth, back, back_tables)
    assert a.parts_exact, (report.id, a.parts, rendering.truth.parts)
    assert a.sections_close, (report.id, a.sections, rendering.truth.sections)
    assert a.wrong == 0, (report.id, a.wrong_keys[:5])
    # cells printed without delimiters may come back uncertain; at most 5% may be unread (the goal: ≥ 95%)
    allowed_missing = 0.05 * a.cells if form in GLUED_FORMS else 0
    assert a.missing <= allowed_missing, (report.id, a.missing, a.cells)
    if form not in GLUED_FORMS:
        assert a.uncertain == 0, report.id


# ------------------------------------------------------------------ the generator's web print habit

def test_generator_prints_agencies_in_web_forms_recorded_in_the_manifest(tmp_path):
    from corpora import load_manifest, write_corpus
    from corpora.generate import CorpusConfig
    from nlp.structure import read_report

    cfg = CorpusConfig(agencies=2, years=1, start_year=2021, seed=3, web_forms=("pipes", "chrome_html"))
    manifest = write_corpus(tmp_path / "a", cfg)
    assert manifest["config"]["web_forms"] == ["pipes", "chrome_html"]
    entries = manifest["reports"]
    assert sorted(e["style"]["web_form"] for e in entries) == ["chrome_html", "pipes"]
    for e in entries:
        path = tmp_path / "a" / e["file"]
        assert path.suffix == (".html" if e["style"]["web_form"] == "chrome_html" else ".txt")
        assert e["rendering"]["form"] == e["style"]["web_form"] and e["rendering"]["parts"][0] == "overview"
        data = path.read_bytes()
        if e["style"]["web_form"] == "chrome_html":
            assert len(data) > 250_000
        else:
            assert " | " in data.decode("utf-8")
        # both forms are read back today: the cells are the table as printed
        tables = extract_tables(read_report(path))
        printed = e["tables"]["printed"]
        assert e["rendering"]["cells"] == len(tables)
        for row, values in printed["t3"].items():
            assert [tables.value("requests", row, c) for c in REQUEST_COLUMN_KEYS] == values, (e["file"], row)
        for block, values in printed["t4"].items():
            assert [tables.value("review_litigation", block, c) for c in ("upheld", "corrected", "other", "pending", "total")] == values
    # same config, same bytes; a manifest without web forms does not mention them
    write_corpus(tmp_path / "b", cfg)
    assert [p.read_bytes() for p in sorted((tmp_path / "a").iterdir())] == \
        [p.read_bytes() for p in sorted((tmp_path / "b").iterdir())]
    plain = load_manifest(DEMO_DIR)
    assert "web_forms" not in plain["config"] and all("rendering" not in e for e in plain["reports"])
