"""Each real-world rendering of a report, built from constructed text (our own wording):
one-line web text with a crawler header and glued tables, `` | `` tables with split labels and
blank cells, 2008-era part titles, a whole web page with site chrome."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.checks import check
from nlp.structure import parse_text, read_report
from nlp.structure.reflow import reflow
from nlp.tables import extract_tables

#: table 3 of an invented agency: row label → 7 cells (自然人, five 法人 columns, 总计); None = blank
REQUEST_ROWS = [
    ("一、本年新收政府信息公开申请数量", [41, 3, 0, 0, 1, 0, 45]),
    ("二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
    ("（一）予以公开", [18, 1, 0, 0, 0, 0, 19]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [3, 0, 0, 0, 0, 0, 3]),
    ("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
    ("2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0, 0]),
    ("3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0, 0]),
    ("4.保护第三方合法权益", [1, 0, 0, 0, 0, 0, 1]),
    ("5.属于三类内部事务信息", [0, 0, 0, 0, 0, 0, 0]),
    ("6.属于四类过程性信息", [2, 0, 0, 0, 0, 0, 2]),
    ("7.属于行政执法案卷", [0, 0, 0, 0, 0, 0, 0]),
    ("8.属于行政查询事项", [0, 0, 0, 0, 0, 0, 0]),
    ("1.本机关不掌握相关政府信息", [12, 2, 0, 0, 1, 0, 15]),
    ("2.没有现成信息需要另行制作", [1, 0, 0, 0, 0, 0, 1]),
    ("3.补正后申请内容仍不明确", [0, 0, 0, 0, 0, 0, 0]),
    ("1.信访举报投诉类申请", [2, 0, 0, 0, 0, 0, 2]),
    ("2.重复申请", [1, 0, 0, 0, 0, 0, 1]),
    ("3.要求提供公开出版物", [0, 0, 0, 0, 0, 0, 0]),
    ("4.无正当理由大量反复申请", [0, 0, 0, 0, 0, 0, 0]),
    ("5.要求行政机关确认或重新出具已获取信息", [0, 0, 0, 0, 0, 0, 0]),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0, 0]),
    ("3.其他", [0, 0, 0, 0, 0, 0, 0]),
    ("（七）总计", [41, 3, 0, 0, 1, 0, 45]),
    ("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2]),
]
GROUPS = {4: "（三）不予公开", 12: "（四）无法提供", 15: "（五）不予处理", 20: "（六）其他处理"}
ROW_KEYS = ["received", "carried_over", "granted", "partly_granted", "refused.state_secret"]
REVIEW = [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]
NARRATIVE = {
    "overview": "2021年，白沙镇人民政府紧扣群众关切推进政务公开，公开栏和网站同步更新，信息发布更加及时。",
    "proactive": "全年主动公开各类信息326条。",
    "problems": "（一）存在的问题。部分栏目更新不够及时。（二）改进措施。下一步将健全巡查制度，按月通报。",
    "other": "本年度未收取信息处理费。",
}


def _glued_table3(rows=REQUEST_ROWS) -> str:
    out = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计"
           "商业企业科研机构社会公益组织法律服务机构其他"]
    for i, (label, cells) in enumerate(rows):
        if i == 2:
            out.append("三、本年度办理结果")
        out.append(GROUPS.get(i, ""))
        out.append(label + "".join(str(c) for c in cells))
    return "".join(out)


def one_line_report(rows=REQUEST_ROWS, review=REVIEW) -> str:
    """The whole report on one line after a crawler header, tables glued."""
    body = ("本报告依据《中华人民共和国政府信息公开条例》编制，统计期限为2021年1月1日至12月31日。"
            "一、总体情况" + NARRATIVE["overview"] + "二、主动公开政府信息情况" + NARRATIVE["proactive"]
            + "三、收到和处理政府信息公开申请情况" + _glued_table3(rows)
            + " 四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
            + " ".join(str(v) for v in review)
            + " 五、存在的主要问题及改进情况" + NARRATIVE["problems"] + "六、其他需要报告的事项" + NARRATIVE["other"])
    header = ("标题: 白沙镇人民政府2021年政府信息公开工作年度报告\n发布时间: 2022-01-18 09:30\n文号: \n"
              "发布机构: 白沙镇人民政府\n栏目: 年度报告\n原文链接: https://example.invalid/nb/2021.htm\n==== 正文 ====\n")
    return header + body


def test_one_line_web_text_gets_parts_cells_and_metadata(tmp_path: Path):
    path = tmp_path / "baisha-2021.txt"
    path.write_text(one_line_report(), encoding="utf-8")
    r = read_report(path)
    assert [p.key for p in r.parts] == ["overview", "proactive", "requests", "review_litigation", "problems", "other"]
    assert r.agency == "白沙镇人民政府" and r.year == 2021
    assert r.publication_date == "2022-01-18"
    assert len(r.part("problems").sections) == 2
    t = extract_tables(r)
    for (label, cells), key in zip(REQUEST_ROWS, ROW_KEYS):
        got = [t.value("requests", key, col) for col in t.table("requests").columns]
        assert got == cells, label
    assert len(t.table("requests").cells) == 25 * 7 and not t.table("requests").missing_rows
    assert [c.value for c in t.table("review_litigation").cells] == REVIEW
    # every cell's span is its digits in the report text
    for c in t:
        assert r.text[c.start:c.end] == c.raw


def test_reflow_keeps_offsets_for_the_original_script():
    text = "一、總體情況" + "甲" * 40 + "。二、主動公開政府信息情況乙。"
    simplified = "一、总体情况" + "甲" * 40 + "。二、主动公开政府信息情况乙。"
    rf = reflow(simplified)
    assert rf.changed and "\n二、主动公开" in rf.text
    assert len(rf.apply(text)) == len(rf.text)


def test_glued_table_with_a_real_arithmetic_error_fails_the_outcome_check():
    rows = [list(x) for x in REQUEST_ROWS]
    rows[2] = ("（一）予以公开", [24, 1, 0, 0, 0, 0, 25])  # outcomes now sum to 51, 总计 says 45
    r = parse_text(one_line_report([tuple(x) for x in rows]), filename="baisha-2021.txt")
    t = extract_tables(r)
    assert t.value("requests", "granted", "total") == 25
    findings = {(f.rule, f.subject): f for f in check(r, tables=[t])}
    outcome = findings[("T3-OUTCOMES", "requests:total:total")]
    assert outcome.status == "fail" and outcome.evidence
    assert findings[("T3-OUTCOMES", "requests:total:commercial")].status == "pass"


def test_glued_row_that_does_not_add_up_is_uncertain_never_silent():
    rows = [list(x) for x in REQUEST_ROWS]
    rows[0] = ("一、本年新收政府信息公开申请数量", [41, 3, 0, 0, 1, 0, 46])  # its own total misprinted
    r = parse_text(one_line_report([tuple(x) for x in rows]), filename="baisha-2021.txt")
    cells = [c for c in extract_tables(r) if c.row == "received"]
    assert len(cells) == 7 and all(c.uncertain for c in cells)


def pipe_report(change: tuple[int, int, int] | None = None, review_change: int | None = None,
                zeros_blank: bool = False) -> str:
    """Tables as converted HTML rows joined with ' | ': split labels, blank cells kept
    (``zeros_blank``: the agency leaves every zero cell blank)."""
    lines = ["白沙镇人民政府2021年政府信息公开工作年度报告", "一、总体情况", NARRATIVE["overview"],
             "二、主动公开政府信息情况", NARRATIVE["proactive"], "三、收到和处理政府信息公开申请情况",
             "申请人情况 | | 自然人 | 法人或其他组织 | | | | | 总计",
             " | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | "]
    for i, (label, cells) in enumerate(REQUEST_ROWS):
        cells = list(cells)
        if change and change[0] == i:
            cells[change[1]] = change[2]
        shown = [("" if c == 0 and zeros_blank else str(c)) for c in cells]
        group = "三、本年度办理结果" if i == 2 else GROUPS.get(i, "")
        first, second = (label, "") if i < 2 or i >= 23 else (group, label)
        lines.append(" | ".join([first, second] + shown))
    review = list(REVIEW)
    if review_change is not None:
        review[review_change] += 1
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 | | | | | 行政诉讼",
              " | | | | | 未经复议直接起诉 | | | | | 复议后起诉",
              " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
              " | ".join("" if v == 0 and zeros_blank else str(v) for v in review) + " | ",
              "五、存在的主要问题及改进情况", NARRATIVE["problems"], "六、其他需要报告的事项", NARRATIVE["other"]]
    return "\n".join(lines)


def test_pipe_rows_keep_blanks_blank_and_split_labels():
    r = parse_text(pipe_report(zeros_blank=True), filename="baisha-2021.txt")
    t = extract_tables(r)
    req = t.table("requests")
    assert not req.missing_rows and len(req.cells) == 175
    granted = [t.cell("requests", "granted", c) for c in req.columns]
    assert [c.value for c in granted] == [18, 1, None, None, None, None, 19]
    assert [c.semantic for c in granted[2:6]] == ["blank"] * 4   # blank stays blank, never 0
    assert t.value("requests", "unable.not_held", "legal_service") == 1
    review = t.table("review_litigation")
    assert [c.value for c in review.cells] == [v or None for v in REVIEW]


def test_planted_single_cell_errors_in_pipe_tables_are_found():
    """Every planted wrong cell of table 3 (one per row group) and table 4 makes a check fail."""
    planted = [(0, 0, 42), (2, 1, 2), (4, 0, 1), (12, 4, 2), (15, 0, 3), (23, 6, 44)]
    for row, col, value in planted:
        r = parse_text(pipe_report(change=(row, col, value)), filename="baisha-2021.txt")
        statuses = {f.status for f in check(r, tables=[extract_tables(r)]) if f.rule.startswith("T3")}
        assert "fail" in statuses, (row, col)
    for k in (0, 3, 5, 8, 10, 13):
        r = parse_text(pipe_report(review_change=k), filename="baisha-2021.txt")
        statuses = {f.status for f in check(r, tables=[extract_tables(r)]) if f.rule == "T4-SUMS"}
        assert "fail" in statuses, k


def test_2008_era_titles_on_one_line():
    text = ("某市审计局2012年政府信息公开工作年度报告 一、概述 2012年，我局按照条例要求开展公开工作。"
            "二、主动公开政府信息情况（一）公开的数量。全年公开信息120条。（二）公开的形式。以网站为主。"
            "三、依申请公开政府信息情况 2012年未收到申请。四、政府信息公开的收费及减免情况 本年度未收取任何费用。"
            "五、因政府信息公开申请行政复议、提起行政诉讼的情况 无。六、存在的主要问题和改进措施 队伍力量不足，将加强培训。"
            "七、某市审计局2012年政府信息公开情况统计表 指标名称 单位 数量")
    r = parse_text(text, filename="audit-2012.txt")
    assert [p.key for p in r.parts if p.key != "unknown"] == [
        "overview", "proactive", "requests", "fees", "review_litigation", "problems"]
    assert r.part("proactive").title == "主动公开政府信息情况"
    assert len(r.part("proactive").sections) == 2
    assert r.agency == "某市审计局"


def test_whole_web_page_with_chrome(tmp_path: Path):
    menu = "".join(f'<li class="ms-nav-item"><a href="/c{i}">栏目{i}</a></li>' for i in range(300))
    links = "".join(f'<li><a href="/r{i}">相关链接{i}</a></li>' for i in range(200))
    article = "".join(f"<p>{line}</p>" for line in pipe_report().split("\n")[1:6])
    page = (f"<html><head><title>白沙镇人民政府2021年政府信息公开工作年度报告_白沙镇门户网站</title>"
            f'<meta name="ContentSource" content="白沙镇人民政府办公室"><meta name="PubDate" content="2022-01-20 10:00">'
            f"<style>.x{{color:red}}</style><script>var a=1;</script></head><body>"
            f'<div class="header"><form class="search"><input name="q"></form><a href="/login">登录</a></div>'
            f'<ul class="nav">{menu}</ul><div class="breadcrumb">首页 &gt; 政务公开 &gt; 年报</div>'
            f'<div class="article-content">{article}</div><ul class="related">{links}</ul>'
            f'<div class="footer">版权所有 白沙镇人民政府 备案号</div></body></html>')
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    r = read_report(path)
    assert [p.key for p in r.parts] == ["overview", "proactive", "requests"]
    assert "栏目12" not in r.text and "相关链接" not in r.text
    assert r.agency == "白沙镇人民政府" and r.year == 2021
    assert r.publication_date == "2022-01-20"


def test_one_shape_for_a_table_in_the_parser_and_the_table_reader():
    """The parser's table span and the table reader name a table's print the same way."""
    tabbed = pipe_report().replace(" | ", "\t")
    piped = "\n".join(("| " + ln + " |") if " | " in ln else ln for ln in pipe_report().split("\n"))
    for text, shape in ((tabbed, "tabs"), (piped, "pipes")):
        r = parse_text(text, filename="baisha-2021.txt")
        span = r.table("requests")
        assert span is not None and span.shape == shape
        assert extract_tables(r).table("requests").shape == shape


#: table 4 printed a row per case type (label, then 结果维持 … 总计), as some agencies do
REVIEW_BY_ROW = [("行政复议", [1, 0, 0, 1, 2]), ("行政诉讼（未经复议直接起诉）", [1, 0, 0, 0, 1]),
                 ("行政诉讼（复议后起诉）", [0, 0, 0, 0, 0])]


@pytest.mark.parametrize("glue", [" ", ""])
def test_unheaded_problems_part_after_a_review_table_on_one_line(glue: str):
    """Part 五 printed only as its （一）/（二） sections right after table 4's last cell, the other
    parts numbered as if it had a heading: the problems part is found and part 六 keeps its title line."""
    rows = "".join(label + glue + glue.join(str(v) for v in values) + glue for label, values in REVIEW_BY_ROW)
    text = ("一、总体情况" + NARRATIVE["overview"] + "二、主动公开政府信息情况" + NARRATIVE["proactive"]
            + "三、收到和处理政府信息公开申请情况" + _glued_table3()
            + " 四、政府信息公开行政复议、行政诉讼情况" + glue + "案件类型 结果维持 结果纠正 其他结果 尚未审结 总计" + glue
            + rows + glue + "（一）上年度问题的改进情况" + glue + "针对上年问题，完善了发布前审核流程。"
            + "（二）本年度存在的主要问题" + glue + "部分栏目更新不够及时，解读形式较为单一。"
            + "六、其他需要报告的事项" + NARRATIVE["other"])
    r = parse_text(text)
    assert [p.key for p in r.parts] == ["overview", "proactive", "requests", "review_litigation", "problems", "other"]
    assert r.text[r.part("problems").start:].startswith("（一）上年度问题的改进情况")
    assert r.text[r.part("other").start:r.part("other").title_end].rstrip() == "六、其他需要报告的事项"
    t = extract_tables(r)
    assert [c.value for c in t.table("review_litigation").cells] == [v for _, values in REVIEW_BY_ROW for v in values]
