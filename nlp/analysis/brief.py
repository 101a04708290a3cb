"""``brief.html``: one self-contained page (no scripts, no external resources) for a Chinese-reading analyst.

Sections: overview (reports, canonical agencies, years, failed checks), the audit scorecard
(pre-sorted views), trends (a small SVG chart per key indicator for every agency with two or
more years) and year-over-year change (key numbers next to the text-repetition measures),
cross-report findings (most-reused passages, boilerplate ranking, a similarity heat map and
theme shares as inline SVG) and one card per report (key numbers, peer percentiles, checks,
theme shares, the summary, and the normalized text collapsed: every finding, key number and
summary sentence links to its highlighted span there, with the PDF page where known). Every
piece of report text goes through :func:`html.escape`; the stylesheet has a narrow-screen
and a print layout.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .. import format as V
from ..panel.trends import trend_svg, yoy_change

if TYPE_CHECKING:  # pragma: no cover
    from . import AnalyzeResult, ReportAnalysis

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

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --fail:#b42318; --warn:#9a6700; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.6; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 21px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 17px; margin: 22px 0 8px; } h4 { font-size: 15px; margin: 14px 0 6px; color: var(--muted); }
nav { font-size: 14px; margin: 12px 0 20px; } nav a { margin-right: 14px; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.stat { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.stat b { display: block; font-size: 26px; } .stat span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 6px 18px 14px; margin: 18px 0; }
.card h3 small { color: var(--muted); font-weight: normal; font-size: 13px; }
.fail { color: var(--fail); font-weight: bold; } .uncertain { color: var(--warn); font-weight: bold; }
.pass { color: var(--ok); } .muted { color: var(--muted); font-size: 13px; }
blockquote { margin: 6px 0; padding: 4px 12px; border-left: 3px solid var(--line); background: #f6f8fa; white-space: pre-wrap; }
mark { background: #fff1a8; } .masked { color: var(--muted); background: #eaeef2; } ul.findings li { margin-bottom: 6px; } .ev { font-size: 13px; color: var(--muted); }
svg text { font-family: inherit; } .legend span { display: inline-block; margin-right: 12px; font-size: 13px; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
.scroll { overflow-x: auto; max-width: 100%; } .scroll table { min-width: 640px; }
td.name, th.name { min-width: 9em; } .scroll th, td.hint { white-space: nowrap; } svg { max-width: 100%; height: auto; }
.trends { display: flex; flex-wrap: wrap; gap: 10px 18px; } .trends figure { margin: 0; width: 250px; }
.trends figcaption, .explain { font-size: 12.5px; color: var(--muted); line-height: 1.45; }
dl.explain { margin: 6px 0 10px; } dl.explain dt { display: inline; font-weight: bold; } dl.explain dd { display: inline; margin: 0; }
dl.explain dd::after { content: ""; display: block; }
details.source > div { white-space: pre-wrap; font-size: 13px; max-height: 480px; overflow-y: auto; border: 1px solid var(--line);
  padding: 8px 12px; background: #fbfcfd; }
a.span-anchor:target + mark { background: #ffb000; outline: 2px solid #e36209; }
.page { color: var(--muted); font-size: 12px; }
@media (max-width: 640px) {
  body { padding: 10px; font-size: 14px; } h1 { font-size: 21px; } h2 { font-size: 18px; }
  .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); } .stat b { font-size: 20px; }
  .card { padding: 4px 10px 10px; } nav a { display: inline-block; margin: 0 10px 6px 0; }
}
@media print {
  details.source > div { max-height: none; overflow: visible; }
  body { max-width: none; padding: 0; font-size: 10.5pt; } nav { display: none; }
  .card, table, svg, blockquote { break-inside: avoid; } h2 { break-after: avoid; } a { color: inherit; text-decoration: none; }
}
"""


def esc(x: Any) -> str:
    """Escape anything for HTML text and attribute values."""
    return html.escape("" if x is None else str(x), quote=True)


def _pct(x: Any) -> str:
    return "—" if x is None else f"{100 * float(x):.1f}%"


def _num(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def _label(a: "ReportAnalysis", agency: str = "") -> str:
    """Agency (canonical when given) and year: ``淮安市洪泽区人民政府2023年``."""
    r = a.report
    year = f"{r.year}年" if r.year else ""
    return f"{agency or r.agency or Path(r.source).stem}{year}"


def _anchor(report_id: str) -> str:
    return "r-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in report_id)


def _snippet(text: str, start: int, end: int, context: int = 24) -> str:
    """The span highlighted in a little surrounding text (all escaped)."""
    a, b = max(0, start - context), min(len(text), end + context)
    before, span, after = text[a:start], text[start:end], text[end:b]
    return (("…" if a > 0 else "") + esc(before) + "<mark>" + esc(span) + "</mark>" + esc(after)
            + ("…" if b < len(text) else "")).replace("\n", " ")


# ------------------------------------------------------------------ svg charts

def heatmap_scale(matrix: Any) -> tuple[float, float]:
    """The colour scale of a similarity heat map: the range of the off-diagonal values (a report is
    always identical to itself), so that differences inside a narrow range stay visible."""
    n = len(matrix)
    vals = [float(matrix[i][j]) for i in range(n) for j in range(n) if i != j and matrix[i][j] == matrix[i][j]]
    if not vals:
        return 0.0, 1.0
    lo, hi = min(vals), max(vals)
    return (lo, hi) if hi > lo else (max(0.0, lo - 0.05), min(1.0, hi + 0.05))


def _heat_colour(t: float) -> str:
    t = max(0.0, min(1.0, t))
    return f"rgb({int(255 - 200 * t)},{int(255 - 150 * t)},255)"


def heatmap_svg(labels: Sequence[str], matrix: Any, anchors: Sequence[str] = (), groups: Sequence[str] = ()) -> str:
    """A similarity heat map: rows and columns are reports labelled by agency (and year), colour =
    similarity scaled to the off-diagonal range of the data, the value printed in each cell; a line
    separates consecutive ``groups`` (the agencies, when the caller orders reports by agency)."""
    n = len(labels)
    cell = max(8, min(34, 620 // max(1, n)))
    left, top = 250, 30
    lo, hi = heatmap_scale(matrix)
    w, h = left + n * cell + 10, top + n * cell + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{esc(UI["heatmap"])}">']
    for j in range(n):
        out.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{top - 8}" font-size="10" text-anchor="middle">{j + 1}</text>')
    for i in range(n):
        y = top + i * cell
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.1f}" font-size="11" text-anchor="end">{i + 1}. {esc(labels[i][:22])}</text>')
        for j in range(n):
            v = float(matrix[i][j])
            v = 0.0 if v != v else max(0.0, min(1.0, v))
            t = 1.0 if i == j else (v - lo) / (hi - lo)
            out.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell}" height="{cell}" fill="{_heat_colour(t)}" stroke="#fff" '
                       f'stroke-width="0.5"><title>{esc(labels[i])} × {esc(labels[j])}: {v:.2f}</title></rect>')
            if cell >= 22 and i != j:
                ink = "#fff" if t > 0.6 else "#1f2328"
                out.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{y + cell / 2 + 3:.1f}" font-size="8.5" '
                           f'text-anchor="middle" fill="{ink}">{v:.2f}</text>')
    if groups:
        for k in range(1, n):
            if groups[k] != groups[k - 1]:
                out.append(f'<line x1="{left}" y1="{top + k * cell}" x2="{left + n * cell}" y2="{top + k * cell}" '
                           'stroke="#1f2328" stroke-width="1.5"/>')
                out.append(f'<line x1="{left + k * cell}" y1="{top}" x2="{left + k * cell}" y2="{top + n * cell}" '
                           'stroke="#1f2328" stroke-width="1.5"/>')
    ly = top + n * cell + 16
    for k in range(11):
        out.append(f'<rect x="{left + k * 24}" y="{ly}" width="24" height="10" fill="{_heat_colour(k / 10)}"/>')
    out.append(f'<text x="{left - 6}" y="{ly + 9}" font-size="11" text-anchor="end">{lo:.2f}</text>')
    out.append(f'<text x="{left + 11 * 24 + 4}" y="{ly + 9}" font-size="11">{hi:.2f}</text>')
    out.append(f'<text x="{left}" y="{ly + 24}" font-size="10">颜色按报告之间相似度的实际范围 {lo:.2f}–{hi:.2f} 着色；对角线为报告自身</text>')
    out.append("</svg>")
    return "".join(out)


def theme_bars_svg(rows: Sequence[tuple[str, dict[str, float]]], names: dict[str, str], width: int = 900) -> str:
    """Stacked horizontal bars: one per report, segments = theme shares."""
    every = list(names) + sorted({k for _, s in rows for k in s} - set(names))
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(every)}   # same colour for a theme on every chart
    themes = [k for k in every if any(s.get(k) for _, s in rows)]
    left, bar_h, gap = (230 if any(label for label, _ in rows) else 4), 16, 6
    span = width - left - 10
    h = len(rows) * (bar_h + gap) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" viewBox="0 0 {width} {h}" role="img" '
           f'aria-label="{esc(UI["themes"])}">']
    for i, (label, shares) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        out.append(f'<text x="{left - 6}" y="{y + bar_h - 3}" font-size="11" text-anchor="end">{esc(label[:22])}</text>')
        x = float(left)
        total = sum(shares.values()) or 1.0
        for k in themes:
            share = shares.get(k, 0.0) / total
            if share <= 0:
                continue
            wdt = share * span
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{wdt:.1f}" height="{bar_h}" fill="{colour[k]}">'
                       f'<title>{esc(label)} · {esc(names.get(k, k))}: {share:.1%}</title></rect>')
            x += wdt
    out.append("</svg>")
    legend = "".join(f'<span><i style="background:{colour[k]}"></i>{esc(names.get(k, k))}</span>' for k in themes)
    return "".join(out) + f'<div class="legend">{legend}</div>'


# ------------------------------------------------------------------ page parts

def _theme_names() -> dict[str, str]:
    try:
        from ..themes.taxonomy import THEME_NAMES

        return dict(THEME_NAMES)
    except ImportError:  # themes stage not installed: keys as names
        return {}


def _overview(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    analyses = result.analyses
    agencies = set(result.panel.agencies()) if result.panel is not None else {a.report.agency for a in analyses
                                                                                if a.report.agency}
    years = sorted({a.report.year for a in analyses if a.report.year})
    fails = result.failed_findings()
    reports_with_fail = {f.report_id for f in fails}
    year_text = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else "—"
    stats = [
        (len(analyses), UI["reports"]), (len(agencies), UI["agencies"]), (year_text, UI["years"]),
        (len(fails), UI["failed_checks"]), (len(reports_with_fail), UI["reports_with_fail"]),
        (len(result.failures), UI["unreadable"]),
    ]
    cells = "".join(f'<div class="stat"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for v, k in stats)
    rows = []
    by_report: dict[str, list[Any]] = {}
    for f in result.findings:
        by_report.setdefault(f.report_id, []).append(f)
    measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
    from . import key_numbers

    for a in _ordered(analyses, labels):
        r = a.report
        c = Counter(f.status for f in by_report.get(r.id, []))
        kn = key_numbers(a.tables)
        m = measures.get(r.id)
        fail_cell = f'<span class="fail">{c["fail"]}</span>' if c["fail"] else "0"
        rows.append(
            f'<tr><td class="name"><a href="#{_anchor(r.id)}">{esc(labels[r.id])}</a></td><td>{esc(r.format)}</td><td>{esc(r.era)}</td>'
            f'<td class="num">{_num(kn.get("received"))}</td><td class="num">{_num(kn.get("handled"))}</td>'
            f'<td class="num">{fail_cell}</td><td class="num">{c["uncertain"]}</td>'
            f'<td class="num">{_pct(m.reused_share) if m else "—"}</td>'
            f'<td class="num">{_pct(m.boilerplate_share) if m else "—"}</td></tr>')
    table = ('<div class="scroll"><table><thead><tr><th class="name">报告</th><th>格式</th>'
             "<th>表格式样</th><th>本年新收申请</th><th>本年办结</th>"
             "<th>未通过检查</th><th>存疑</th><th>重复使用占比</th><th>套话占比</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table></div>")
    note = ('<p class="muted">机关按规范名称计数：只差上级地名前缀（如“洪泽区人民政府”与“淮安市洪泽区人民政府”）、'
            '繁简或“办公室/办公厅”写法的名称视为同一机关；可用 --aliases 文件补充。</p>')
    explain = _explain([("重复使用占比", MEASURE_EXPLAIN["reused_share"]), ("套话占比", MEASURE_EXPLAIN["boilerplate_share"])])
    return f'<section id="overview"><h2>{UI["overview"]}</h2><div class="stats">{cells}</div>{note}{explain}{table}</section>'


def _ordered(analyses: Iterable["ReportAnalysis"], labels: dict[str, str] | None = None) -> list["ReportAnalysis"]:
    """Reports by (canonical) agency, year and file."""
    return sorted(analyses, key=lambda a: ((labels or {}).get(a.report.id) or a.report.agency or "", a.report.year or 0,
                                           a.report.source))


def _passage_html(p: Any, text: str, limit: int = 300) -> str:
    """The passage as printed in its first report, template and formula phrases inside it muted."""
    m = p.members[0]
    out, pos = [], m.start
    for a, b, why in sorted(m.masked):
        if a < pos:
            continue
        out.append(esc(text[pos:a]))
        out.append(f'<span class="masked" title="{esc(MASKED_ZH.get(why, why))}">{esc(text[a:b])}</span>')
        pos = b
    out.append(esc(text[pos:m.end]))
    html_text = "".join(out)
    return html_text if m.end - m.start <= limit else esc(text[m.start:m.start + limit]) + "…"


def _reused(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    comp = result.comparison
    texts = {a.report.id: a.report.text for a in result.analyses}
    # most repeated characters first, counted outside template and formula phrases; formulas never here
    passages = sorted(comp.reuse_passages, key=lambda p: (-p.scored_chars * (p.n_reports - 1), -p.n_agencies, p.id))
    passages = passages[:REUSED_TOP]
    if not passages:
        return f'<h3 id="reused">{UI["reused"]}</h3><p class="muted">{UI["none"]}</p>'
    items = []
    for p in passages:
        by_agency: dict[str, list[str]] = {}
        for m in p.members:
            who = m.agency or labels.get(m.report, m.report)
            mark = "（最早）" if m.report == p.first_printed else ""
            foreign = f"（含他机关名称：{'、'.join(m.foreign_names)}）" if m.foreign_names else ""
            by_agency.setdefault(who, []).append(f"{m.year or '?'}年{mark}{foreign}")
        agencies = [f"{a}：{'、'.join(sorted(set(ys)))}" for a, ys in sorted(by_agency.items())]
        if len(agencies) > MEMBERS_SHOWN:
            agencies = agencies[:MEMBERS_SHOWN] + [f"等 {len(agencies)} 个机关"]
        first = p.members[0].report
        body = _passage_html(p, texts[first]) if first in texts else esc(p.text)
        flag = ' <span class="fail">含其他机关的名称</span>' if "foreign_name" in p.flags else ""
        direction = {"earlier_year": "年份较早者", "publication_date": "发布日期较早者"}.get(p.direction, "先后无法判断")
        items.append(f'<li><blockquote>{body}</blockquote><div class="muted">{UI["appears_in"]} {p.n_reports} '
                     f'{UI["n_reports"]}、{p.n_agencies} {UI["n_agencies"]}（模板与套语外 {p.scored_chars} 字；最早刊出：'
                     f'{direction}）{flag}</div><ul class="muted">{"".join(f"<li>{esc(a)}</li>" for a in agencies)}</ul></li>')
    return (f'<h3 id="reused">{UI["reused"]}</h3><p class="muted">整句摘出；按重复字数排序（模板与政治套语以外的字数 ×'
            f'（出现次数 − 1））；灰色为模板文字或政治套语，不计入。</p><ol>{"".join(items)}</ol>')


def _boilerplate(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    ms = list(result.comparison.reports)
    ms.sort(key=lambda m: (-(m.boilerplate_share if m.boilerplate_share is not None else -1), -m.reused_share, m.report))
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in MEASURE_ZH)
    rows = []
    for m in ms:
        vals = []
        for key, _ in MEASURE_ZH:
            v = getattr(m, key)
            vals.append(f'<td class="num">{_num(round(v, 2)) if key == "specificity" and v is not None else _pct(v)}</td>')
        rows.append(f'<tr><td><a href="#{_anchor(m.report)}">{esc(labels.get(m.report, m.report))}</a></td>{"".join(vals)}</tr>')
    note = ""
    if all(m.boilerplate_share is None for m in ms):
        note = '<p class="muted">报告数量不足且未用参照语料，套话占比无法计算（按重复使用占比排序）。</p>'
    elif result.comparison.reference:
        note = f'<p class="muted">套话与模板按参照语料一并统计：{esc(result.comparison.reference)}</p>'
    explain = _explain([(zh, MEASURE_EXPLAIN[k]) for k, zh in MEASURE_ZH])
    return (f'<h3 id="boilerplate">{UI["boilerplate"]}</h3>{explain}{note}<div class="scroll"><table><thead><tr>'
            f'<th class="name">报告</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


#: one-line explanations of the text-repetition measures (shown where the measures appear)
YOY_EXPLAIN = {
    "repeated_share": "本年报告中与上年报告逐字对齐的文字占比（不计法定模板文字）；超过 50% 提示“照搬上年超过一半”（宿迁市部门考核规则）。",
    "text_repeat_rate": "两年全文的最长公共子序列 Dice 系数：2 × 公共字数 ÷ 两篇字数之和；低于 60% 提示“变化较大”。",
    "stickiness": "本年报告的字符 n 元组中，在上年报告里也出现过的比例（Dyer、Lang 与 Stice-Lawrence 2017）。",
    "cosine": "两年报告字二元组词频向量的余弦相似度（Cohen、Malloy 与 Nguyen 2020）；1 表示用字分布相同。",
}


def _explain(items: Iterable[tuple[str, str]]) -> str:
    return '<dl class="explain">' + "".join(f"<dt>{esc(k)}：</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def _yoy_hint(p: Any) -> str:
    """One hint per pair, never two that contradict: much copied wins over much changed (both can be true
    when a report repeats last year's text and adds a lot of new text)."""
    if p is None:
        return ""
    if p.repeated_over_limit:
        return '<span class="fail">照搬上年超过一半</span>'
    if p.changed_a_lot:
        return '<span class="uncertain">变化较大</span>'
    return ""


def _year_over_year(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    """Consecutive years of one (canonical) agency: key numbers then and now, next to the text-repetition measures."""
    panel = result.panel
    text_pairs = {}
    if result.comparison is not None:
        text_pairs = {(p.report_a, p.report_b): p for p in result.comparison.pairs if p.kind == "year_over_year"}
    rows = []
    metrics = panel.metrics.key_indicators() if panel is not None else []
    for agency, series in (panel.series().items() if panel is not None else []):
        for a, b in zip(series, series[1:]):
            if a.report.year is None or b.report.year is None or a.report.year == b.report.year:
                continue
            p = text_pairs.get((a.id, b.id))
            nums = "".join(f'<td class="num">{esc(yoy_change(m, a.metrics[m.key].value, b.metrics[m.key].value))}</td>'
                           for m in metrics)
            text = "".join(f'<td class="num">{_pct(getattr(p, k)) if p is not None else "—"}</td>' for k, _ in YOY_ZH)
            rows.append(f'<tr><td class="name"><a href="#{_anchor(b.id)}">{esc(agency)}</a></td>'
                        f'<td class="num">{esc(a.report.year)}→{esc(b.report.year)}</td>{nums}{text}'
                        f'<td class="hint">{_yoy_hint(p)}</td></tr>')
    if not rows:
        return f'<h3 id="yoy">{UI["yoy"]}</h3><p class="muted">{UI["none"]}（没有同一机关连续两年的报告）</p>'
    head = ("".join(f"<th>{esc(m.name)}</th>" for m in metrics) + "".join(f"<th>{esc(zh)}</th>" for _, zh in YOY_ZH))
    explain = _explain([(zh, YOY_EXPLAIN[k]) for k, zh in YOY_ZH]
                       + [("关键数字", "上年 → 本年（变化）；比率的变化以百分点计；“—”为表格未载或无法计算（NA）。")])
    return (f'<h3 id="yoy">{UI["yoy"]}</h3>{explain}<div class="scroll"><table><thead><tr><th class="name">机关</th>'
            f'<th>年份</th>{head}<th>提示</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _trends(result: "AnalyzeResult") -> str:
    """For every agency with two or more years: one small line chart per key indicator, each explained in a line."""
    panel = result.panel
    blocks = []
    for agency, series in (panel.series().items() if panel is not None else []):
        years = sorted({e.report.year for e in series if e.report.year is not None})
        if len(years) < 2:
            continue
        by_year = {e.report.year: e for e in series}
        figures = []
        for m in panel.metrics.key_indicators():
            points = [(y, by_year[y].metrics[m.key].value) for y in years]
            figures.append(f'<figure>{trend_svg(m, points, agency)}<figcaption>{esc(m.caveats)}</figcaption></figure>')
        blocks.append(f'<h4>{esc(agency)}（{years[0]}–{years[-1]}）</h4><div class="trends">{"".join(figures)}</div>')
    if not blocks:
        return f'<h3 id="trends">{UI["trends"]}</h3><p class="muted">{UI["none"]}（没有机关有两个以上年度的报告）</p>'
    return (f'<h3 id="trends">{UI["trends"]}</h3><p class="muted">每个有两个以上年度报告的机关，关键指标逐年变化；'
            f'纵轴从 0 开始，“—”表示该年无法计算（NA）。指标定义见 README 的指标词典。</p>{"".join(blocks)}')


SCORECARD_SHOWN = (("problems", "问题数"), ("parts_present", "法定部分"), ("tables_present", "统计表"),
                   ("arithmetic_fail", "勾稽未通过"), ("arithmetic_uncertain", "勾稽存疑"), ("narrative_fail", "文表不符"),
                   ("repeated_share", "照搬上年"), ("specificity", "具体性"), ("timeliness", "时效"),
                   ("peer_flags", "同类提示"))
SCORECARD_EXPLAIN = (
    ("问题数", "下列各项问题之和：缺少的法定部分与统计表、勾稽未通过、文表不符、照搬上年超过一半、逾期发布、同类比较提示。"),
    ("法定部分", "六个法定部分（总体情况…其他需要报告的事项）找到几个。"), ("统计表", "表二、表三、表四读到数字的有几张。"),
    ("勾稽未通过 / 存疑", "表内与跨年勾稽规则（T3-BALANCE 等）未通过与无法确定的条数。"),
    ("文表不符", "正文所述数字与表格单元格不一致的条数（TXT-NUM）。"),
    ("照搬上年", "与上年报告逐字相同的文字占比；超过 50% 记为问题。"),
    ("具体性", "每百字中的具体事项（数字、日期、机构、措施名称）。"),
    ("时效", "发布日期与法定期限比较：部门 1 月 31 日前、县级以上人民政府 3 月 31 日前（2019 年修订《条例》第四十九条；"
             "2018 年及以前各级机关 3 月 31 日前，旧《条例》第三十一条）；发布日期不详时无法判断。"),
    ("同类提示", "与上年相比变化 5 倍以上、或为 0 而同类中位数远高于 0 的关键数字条数（存疑，不判定为错误）。"),
)


def _scorecard_cell(key: str, row: dict[str, Any]) -> str:
    v = row.get(key)
    if key == "parts_present":
        missing = f'<span class="muted">缺：{esc(row["parts_missing"])}</span>' if row["parts_missing"] else ""
        return f'<td class="num">{esc(v)}/6 {missing}</td>'
    if key == "tables_present":
        return f'<td class="num">{esc(v)}/3</td>'
    if key == "repeated_share":
        cls = ' class="fail"' if row.get("repetition_flag") else ""
        return f'<td class="num"><span{cls}>{_pct(v)}</span></td>'
    if key == "timeliness":
        late = f'（逾期 {row["days_late"]} 天）' if row.get("days_late") else ""
        cls = "fail" if late else ("pass" if v == "按时" else "muted")
        published = f'发布 {esc(row["publication_date"])}，' if row.get("publication_date") else "发布日期不详，"
        when = f'<br><span class="muted">{published}期限 {esc(row["deadline"])}</span>' if row.get("deadline") else ""
        return f'<td class="hint"><span class="{cls}">{esc(v)}{esc(late)}</span>{when}</td>'
    if key in ("problems", "arithmetic_fail", "narrative_fail") and v:
        return f'<td class="num"><span class="fail">{esc(v)}</span></td>'
    return f'<td class="num">{_num(v)}</td>'


def _scorecard_table(rows: list[dict[str, Any]], labels: dict[str, str]) -> str:
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in SCORECARD_SHOWN)
    body = "".join(f'<tr><td class="name"><a href="#{_anchor(r["report_id"])}">{esc(labels.get(r["report_id"], r["agency"]))}'
                   f'</a></td>{"".join(_scorecard_cell(k, r) for k, _ in SCORECARD_SHOWN)}</tr>' for r in rows)
    return (f'<div class="scroll"><table><thead><tr><th class="name">报告</th>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


def _scorecard(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    """The audit scorecard in two pre-sorted views (by problems, by agency and year) — no scripts needed."""
    rows = result.panel.scorecard if result.panel is not None else []
    if not rows:
        return ""
    by_problems = sorted(rows, key=lambda r: (-r["problems"], -r["arithmetic_fail"], labels.get(r["report_id"], ""),
                                              r["report_id"]))
    by_agency = sorted(rows, key=lambda r: (r["agency"], r["year"] or 0, r["report_id"]))
    return (f'<section id="scorecard"><h2>{UI["scorecard"]}</h2>{_explain(SCORECARD_EXPLAIN)}'
            f'<h4>按问题数排序</h4>{_scorecard_table(by_problems, labels)}'
            f'<details><summary>按机关与年份排序</summary>{_scorecard_table(by_agency, labels)}</details>'
            f'<p class="muted">每份报告一行，另见 scorecard.csv / scorecard.xlsx。</p></section>')

def _heatmap(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    comp = result.comparison
    if comp.similarity is None or not comp.report_ids:
        return f'<h3 id="heatmap">{UI["heatmap"]}</h3><p class="muted">报告过多，未生成热图（见 compare/similarity.csv）。</p>'
    ids = list(comp.report_ids)
    index = {rid: i for i, rid in enumerate(ids)}
    group = {m.report: m.agency_group or m.agency or labels.get(m.report, m.report) for m in comp.reports}
    year = {m.report: m.year or 0 for m in comp.reports}
    order = sorted(ids, key=lambda rid: (group.get(rid, rid), year.get(rid, 0), rid))[:HEATMAP_MAX]
    matrix = [[comp.similarity[index[a]][index[b]] for b in order] for a in order]
    note = f'<p class="muted">仅显示前 {HEATMAP_MAX} 份报告。</p>' if len(ids) > HEATMAP_MAX else ""
    return (f'<h3 id="heatmap">{UI["heatmap"]}</h3>{note}'
            f'<div>{heatmap_svg([labels.get(r, r) for r in order], matrix, groups=[group.get(r, r) for r in order])}'
            '<p class="muted">按机关分组、按年份排列；粗线分隔不同机关。</p></div>')


def _theme_chart(result: "AnalyzeResult", names: dict[str, str], labels: dict[str, str]) -> str:
    rows = [(labels[a.report.id], a.theme_shares) for a in _ordered(result.analyses, labels) if a.theme_shares]
    source = "主题分类"
    if not rows and result.comparison is not None:
        by_id = {a.report.id: a for a in result.analyses}
        rows = [(labels[m.report], m.theme_shares) for m in result.comparison.reports
                if m.theme_shares and m.report in by_id]
        rows.sort()
        source = "按小标题归类"
    if not rows:
        return f'<h3 id="themes">{UI["themes"]}</h3><p class="muted">{UI["none"]}</p>'
    return (f'<h3 id="themes">{UI["themes"]}</h3><p class="muted">来源：{source}；各报告叙述文字按主题的字数占比。</p>'
            f'{theme_bars_svg(rows, names)}')


class _Spans:
    """The text spans the page links to, per report: each link registers its span so that the report's
    normalized text (collapsed at the end of its card) carries the matching highlighted anchor."""

    def __init__(self, reports: dict[str, Any]):
        self.reports = reports
        self.spans: dict[str, set[tuple[int, int]]] = {}

    @staticmethod
    def anchor(report_id: str, start: int, end: int) -> str:
        return f"{_anchor(report_id)}-s{start}-{end}"

    def where(self, report_id: str, start: int, end: int) -> str:
        """'第3页，1972–1973' (the page only when the source had pages)."""
        r = self.reports.get(report_id)
        page = r.page_at(start) if r is not None and r.page_starts else None
        return (f"第{page}页，" if page else "") + f"{start}–{end}"

    def link(self, report_id: str, start: int | None, end: int | None, inner_html: str) -> str:
        """``inner_html`` as a link to the span (plain when the span is unusable)."""
        r = self.reports.get(report_id)
        if r is None or start is None or end is None or not 0 <= start < end <= len(r.text):
            return inner_html
        self.spans.setdefault(report_id, set()).add((start, end))
        return f'<a href="#{self.anchor(report_id, start, end)}">{inner_html}</a>'

    def source_text(self, report_id: str) -> str:
        """The report's normalized text with every linked span highlighted and anchored, and page marks."""
        r = self.reports[report_id]
        text = r.text
        spans = sorted(self.spans.get(report_id, ()))
        pages = {p: i + 1 for i, p in enumerate(r.page_starts)} if r.page_starts else {}
        cuts = sorted({0, len(text), *pages, *(s for s, _ in spans), *(e for _, e in spans)})
        starts: dict[int, list[tuple[int, int]]] = {}
        for sp in spans:
            starts.setdefault(sp[0], []).append(sp)
        out = []
        for a, b in zip(cuts, cuts[1:]):
            if a in pages:
                out.append(f'<span class="page">〔第{pages[a]}页〕</span>')
            out += [f'<a class="span-anchor" id="{self.anchor(report_id, s, e)}"></a>' for s, e in starts.get(a, [])]
            piece = esc(text[a:b])
            out.append(f"<mark>{piece}</mark>" if any(s <= a and b <= e for s, e in spans) else piece)
        return "".join(out)


def _key_numbers(entry: Any, spans: _Spans) -> str:
    """Counts and rates from the metric dictionary, each value a link to its table cell."""
    if entry is None or entry.tables is None:
        return ""
    cells = {c.key: c for c in entry.tables}
    if not entry.metrics:
        return ""
    from ..panel.metrics import format_value, load_metrics

    d = load_metrics()
    rows = []
    for group in ([m for m in d if not m.is_rate], [m for m in d if m.is_rate]):
        head = "".join(f"<th>{esc(m.name)}</th>" for m in group)
        vals = []
        for m in group:
            v = entry.metrics[m.key]
            c = cells.get(v.cells[0]) if v.cells else None
            shown = esc(format_value(m, v.value))
            title = esc(f"{m.caveats} 依据：{v.formula or v.reason}")
            inner = f'<span title="{title}">{shown}</span>'
            vals.append(f'<td class="num">{spans.link(entry.id, c.start, c.end, inner) if c is not None else inner}</td>')
        rows.append(f'<div class="scroll"><table><tr>{head}</tr><tr>{"".join(vals)}</tr></table></div>')
    return f'<h4>{UI["key_numbers"]}</h4><p class="muted">点击数字跳到表格中的原文；比率为 NA（—）时分母为 0 或单元格缺失。</p>' + "".join(rows)


def _peer_block(result: "AnalyzeResult", report_id: str) -> str:
    panel = result.panel
    stats = [s for s in panel.peers if s.report_id == report_id and s.n >= 2] if panel is not None else []
    if not stats:
        return ""
    from ..panel.metrics import format_value

    rows = []
    for s in stats:
        m = panel.metrics[s.metric]
        f = (lambda x: format_value(m, x))
        rows.append(f"<tr><td>{esc(m.name)}</td><td class=\"num\">{esc(f(s.value))}</td><td class=\"num\">{esc(f(s.p25))}</td>"
                    f"<td class=\"num\">{esc(f(s.p50))}</td><td class=\"num\">{esc(f(s.p75))}</td>"
                    f"<td class=\"num\">{_num(s.percentile)}</td><td class=\"num\">{'—' if s.rank is None else f'{s.rank}/{s.n}'}</td></tr>")
    group = stats[0].group
    return (f'<h4>{UI["peers"]}</h4><p class="muted">同类：{esc(group)}（同层级、同年度，已知省份时同省），共 {stats[0].n} 份；'
            f'百分位按中位秩计算，排名 1 为最高。</p><div class="scroll"><table><tr><th>指标</th><th>本报告</th><th>P25</th>'
            f'<th>P50</th><th>P75</th><th>百分位</th><th>排名</th></tr>{"".join(rows)}</table></div>')


def _summary_block(a: "ReportAnalysis", spans: _Spans) -> str:
    s = next((s for s in a.summaries if s.get("level") == "report"), None)
    if not s:
        return ""
    rid = a.report.id
    lines = [ln for ln in str(s.get("summary", "")).splitlines() if ln.strip()]
    sources = [tuple(x) for x in s.get("source_spans") or []]
    items = []
    for i, ln in enumerate(lines):
        if ln.startswith(V.SUMMARY_KEY_NUMBERS_LABEL):
            nums = [spans.link(rid, k.get("start"), k.get("end"), esc(k.get("text", ""))) for k in s.get("key_numbers") or []]
            items.append(f"<li>{esc(V.SUMMARY_KEY_NUMBERS_LABEL)}{'；'.join(nums) if nums else esc(ln)}</li>")
        elif i < len(sources) and len(sources[i]) == 2:
            items.append(f"<li>{spans.link(rid, sources[i][0], sources[i][1], esc(ln))}</li>")
        else:
            items.append(f"<li>{esc(ln)}</li>")
    return f'<h4>{UI["summary"]}</h4><p><b>{esc(s.get("headline", ""))}</b></p><ul>{"".join(items)}</ul>'


def _card(a: "ReportAnalysis", findings: list[Any], measures: Any, names: dict[str, str],
          others: dict[str, "ReportAnalysis"], labels: dict[str, str], result: "AnalyzeResult", spans: _Spans) -> str:
    """One report's card, without its closing tag (the normalized text is appended once every link is known)."""
    r = a.report
    printed = f" · 报告所署：{r.agency}" if r.agency and not labels[r.id].startswith(r.agency) else ""
    parts = [f'<div class="card" id="{_anchor(r.id)}"><h3>{esc(labels[r.id])} '
             f'<small>{esc(Path(r.source).name)} · {esc(r.format)} · {esc(r.era)} 式样{esc(printed)}</small></h3>']
    if r.title:
        parts.append(f'<div class="muted">{esc(r.title)}</div>')
    parts.append(_key_numbers(result.panel.entry(r.id) if result.panel is not None else None, spans))
    parts.append(_peer_block(result, r.id))
    parts.append(_checks_block(a, findings, others, labels, spans))
    if a.theme_shares:
        spec = ("" if a.problem_specificity is None else
                f'<p class="muted">问题与改进表述的具体性：{a.problem_specificity:.2f}（具体事项 ÷（具体事项 + 笼统表述））</p>')
        parts.append(f'<h4>{UI["theme_shares"]}</h4>' + theme_bars_svg([("", a.theme_shares)], names, width=700) + spec)
    parts.append(_summary_block(a, spans))
    if measures is not None:
        vals = "；".join(
            f"{zh} {_num(round(getattr(measures, k), 2)) if k == 'specificity' and getattr(measures, k) is not None else _pct(getattr(measures, k))}"
            for k, zh in MEASURE_ZH)
        parts.append(f'<h4>{UI["measures"]}</h4><p class="muted">{esc(vals)}</p>')
    return "".join(parts)


def _checks_block(a: "ReportAnalysis", findings: list[Any], others: dict[str, "ReportAnalysis"],
                  labels: dict[str, str], spans: _Spans) -> str:
    if not findings:
        return ""
    counts = Counter(f.status for f in findings)
    summary = "，".join(f'<span class="{s}">{STATUS_ZH.get(s, s)} {counts[s]}</span>'
                       for s in ("fail", "uncertain", "pass", "not_assessable") if counts[s])
    shown = [f for f in findings if f.status in ("fail", "uncertain")]
    shown.sort(key=lambda f: (f.status != "fail", f.rule, f.subject))
    items = []
    for f in shown:
        ev = []
        for e in f.evidence[:6]:
            owner = others.get(getattr(e, "report_id", "") or a.report.id, a)   # cross-year rules cite last year's report
            text = owner.report.text
            if 0 <= e.start < e.end <= len(text):
                where = f"{esc(e.key)} = {esc(_num(e.value))}：" if e.key else ""
                whose = f"{esc(labels.get(owner.report.id, ''))} " if owner is not a else ""
                place = spans.link(owner.report.id, e.start, e.end,
                                   f'{UI["evidence"]}（{whose}{esc(spans.where(owner.report.id, e.start, e.end))}）')
                ev.append(f'<div class="ev">{place}{where}{_snippet(text, e.start, e.end)}</div>')
        items.append(f'<li><span class="{esc(f.status)}">{esc(STATUS_ZH.get(f.status, f.status))}</span> '
                     f'<code>{esc(f.rule)}</code> {esc(f.message)}{"".join(ev)}</li>')
    listing = f'<ul class="findings">{"".join(items)}</ul>' if items else ""
    return f'<h4>{UI["checks"]}</h4><p>{summary}</p>{listing}'

def _run_notes(result: "AnalyzeResult") -> str:
    rows = "".join(f"<tr><td>{esc(STAGE_ZH.get(s.stage, s.stage))}</td><td>{esc(UI.get(s.status, s.status))}</td>"
                   f"<td>{esc(s.message)}</td></tr>" for s in result.stages.values())
    out = [f'<section id="notes"><h2>{UI["run_notes"]}</h2><table><thead><tr><th>{UI["stages"]}</th><th>状态</th>'
           f'<th>说明</th></tr></thead><tbody>{rows}</tbody></table>']
    if result.failures:
        items = "".join(f"<li>{esc(f.path)}：{esc(f.reason)}</li>" for f in result.failures)
        out.append(f'<h3 id="unreadable">{UI["unreadable"]}</h3><ul>{items}</ul>')
    if result.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in result.warnings[:50])
        out.append(f"<h3>警告</h3><ul>{items}</ul>")
    out.append("</section>")
    return "".join(out)


def render_brief(result: "AnalyzeResult") -> str:
    """The whole page as one string (deterministic for the same result)."""
    names = _theme_names()
    canonical = {e.id: e.agency for e in result.panel.entries} if result.panel is not None else {}
    labels = {a.report.id: _label(a, canonical.get(a.report.id, "")) for a in result.analyses}
    nav = [("overview", UI["overview"])]
    body = [_overview(result, labels)]
    scorecard = _scorecard(result, labels)
    if scorecard:
        nav.append(("scorecard", UI["scorecard"]))
        body.append(scorecard)
    nav.append(("trends", UI["trends"]))
    body.append(f'<section id="series"><h2>{UI["series"]}</h2>{_trends(result)}{_year_over_year(result, labels)}</section>')
    nav.append(("yoy", UI["yoy"]))
    if result.comparison is not None:
        nav += [("reused", UI["reused"]), ("boilerplate", UI["boilerplate"]), ("heatmap", UI["heatmap"])]
        body.append(f'<section id="cross"><h2>{UI["cross"]}</h2>' + _reused(result, labels) + _boilerplate(result, labels)
                    + _heatmap(result, labels) + _theme_chart(result, names, labels) + "</section>")
        nav.append(("themes", UI["themes"]))
    elif any(a.theme_shares for a in result.analyses):
        body.append(f'<section id="cross"><h2>{UI["cross"]}</h2>{_theme_chart(result, names, labels)}</section>')
        nav.append(("themes", UI["themes"]))
    findings: dict[str, list[Any]] = {}
    for f in result.findings:
        findings.setdefault(f.report_id, []).append(f)
    measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
    by_id = {a.report.id: a for a in result.analyses}
    spans = _Spans({rid: a.report for rid, a in by_id.items()})
    ordered = _ordered(result.analyses, labels)
    cards = [_card(a, findings.get(a.report.id, []), measures.get(a.report.id), names, by_id, labels, result, spans)
             for a in ordered]
    # the texts come last: every link to a span (also from other reports' cards) is known by now
    cards = [c + f'<details class="source"><summary>{UI["source_text"]}（{len(a.report.text)} 字；高亮处为上文引用的依据）</summary>'
             f'<div>{spans.source_text(a.report.id)}</div></details></div>' for c, a in zip(cards, ordered)]
    body.append(f'<section id="cards"><h2>{UI["cards"]}</h2>{"".join(cards)}</section>')
    nav += [("cards", UI["cards"]), ("notes", UI["run_notes"])]
    body.append(_run_notes(result))
    nav_html = "".join(f'<a href="#{k}">{esc(v)}</a>' for k, v in nav)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{UI['title']}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{UI['title']}</h1><div class=\"muted\">xxgk analyze · {len(result.analyses)} 份报告</div></header>"
            f"<nav>{nav_html}</nav>{''.join(body)}</body></html>\n")
