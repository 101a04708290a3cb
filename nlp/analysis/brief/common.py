"""The brief's own words (interface text, not report-format vocabulary), its number formats and
its escaping: every piece of report text reaching the page goes through :func:`esc`."""
from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .. import ReportAnalysis


#: the page's own words (interface text, not report-format vocabulary)
UI = {
    "title": "政府信息公开工作年度报告分析简报",
    "overview": "总览", "reports": "报告", "agencies": "机关", "years": "年份", "failed_checks": "未通过的检查",
    "reports_with_fail": "有未通过检查的报告", "unreadable": "未能读取的文件", "stages": "处理环节",
    "cross": "跨报告分析", "reused": "重复使用最多的段落", "boilerplate": "套话与重复排行",
    "yoy": "年度变化", "heatmap": "报告相似度热图", "themes": "主题占比", "cards": "各报告详情",
    "key_numbers": "关键数字", "checks": "勾稽检查", "summary": "摘要", "theme_shares": "主题占比",
    "measures": "文本指标", "evidence": "依据", "none": "无", "run_notes": "运行说明",
    "appears_in": "出现于", "n_reports": "份报告", "n_agencies": "个机关",
    "skipped": "未运行", "partial": "部分失败", "ok": "已完成",
    "scorecard": "审计评分", "trends": "趋势", "series": "历年变化", "peers": "同类比较", "source_text": "规范化全文",
}
STATUS_ZH = {"pass": "通过", "fail": "未通过", "uncertain": "存疑", "not_assessable": "无法判断"}
STAGE_ZH = {"parse": "解析", "tables": "表格", "checks": "勾稽检查", "themes": "主题", "summaries": "摘要",
            "compare": "比对"}
KEY_NUMBER_ZH = (
    ("received", "本年新收申请"), ("carried_over", "上年结转"), ("handled", "本年办结"), ("granted", "予以公开"),
    ("partly_granted", "部分公开"), ("refused", "不予公开"), ("unable", "无法提供"), ("not_processed", "不予处理"),
    ("carried_forward", "结转下年度"), ("review", "行政复议"), ("litigation", "行政诉讼"),
)
MEASURE_ZH = (
    ("boilerplate_share", "套话占比"), ("template_share", "模板文字占比"), ("reused_share", "重复使用占比"),
    ("reused_other_agency_share", "与其他机关相同占比"), ("redundancy", "内部冗余度"), ("specificity", "具体性（每百字）"),
)
YOY_ZH = (
    ("text_repeat_rate", "文字重复率"), ("stickiness", "粘性"), ("repeated_share", "照搬上年占比"),
    ("cosine", "余弦相似度"),
)
#: one-line explanations of the per-report text measures (shown where they appear)
MEASURE_EXPLAIN = {
    "boilerplate_share": "含有在 30%–75% 的报告中都出现的词组（套话）的句子，其字数占全文比例（Lang 与 Stice-Lawrence 2015）；报告太少时不计算。",
    "template_share": "法定模板文字（条例规定的表格标签、勾稽说明、联系方式等）占全文比例。",
    "reused_share": "非模板文字中，与其他报告（含本机关其他年份）逐字相同段落（≥ 设定字数）所占比例。",
    "reused_other_agency_share": "非模板文字中，与其他机关报告逐字相同段落所占比例。",
    "redundancy": "同一报告内重复出现两次以上的 10 字片段所占比例（Cazier 与 Pfeiffer）。",
    "specificity": "每百字中的具体事项：数字、日期、机构名称、措施名称（Hope、Hu 与 Lu 2016）。",
}
#: theme colours (print-safe, distinguishable)
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f", "#bab0ac")
HEATMAP_MAX = 60
#: why a phrase inside a reused passage is not counted
MASKED_ZH = {"formula": "政治套语", "vocabulary": "法定模板", "table": "表格", "contact": "联系方式", "heading": "标题",
             "frequent": "多数报告均有的文字"}
REUSED_TOP = 10
MEMBERS_SHOWN = 12


def esc(x: Any) -> str:
    """Escape anything for HTML text and attribute values."""
    return html.escape("" if x is None else str(x), quote=True)


def fmt_pct(x: Any) -> str:
    """A fraction as a percentage with one decimal (``—`` for none)."""
    return "—" if x is None else f"{100 * float(x):.1f}%"


def fmt_num(x: Any) -> str:
    """A number as printed: floats to at most two decimals without trailing zeros (``—`` for none)."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def report_label(a: "ReportAnalysis", agency: str = "") -> str:
    """Agency (canonical when given) and year: ``淮安市洪泽区人民政府2023年``."""
    r = a.report
    year = f"{r.year}年" if r.year else ""
    return f"{agency or r.agency or Path(r.source).stem}{year}"


def report_anchor(report_id: str) -> str:
    """The HTML id of a report's card."""
    return "r-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in report_id)


def marked_snippet(text: str, start: int, end: int, context: int = 24) -> str:
    """The span highlighted in a little surrounding text (all escaped)."""
    a, b = max(0, start - context), min(len(text), end + context)
    before, span, after = text[a:start], text[start:end], text[end:b]
    return (("…" if a > 0 else "") + esc(before) + "<mark>" + esc(span) + "</mark>" + esc(after)
            + ("…" if b < len(text) else "")).replace("\n", " ")


def explain_list(items: Iterable[tuple[str, str]]) -> str:
    """One-line explanations (term, what it means) as a definition list."""
    return '<dl class="explain">' + "".join(f"<dt>{esc(k)}：</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"
