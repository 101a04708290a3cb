"""``brief.html``: one self-contained page (no scripts, no external resources) for a Chinese-reading analyst.

Sections: overview (reports, agencies, years, failed checks), cross-report findings
(most-reused passages, boilerplate ranking, year-over-year change, a similarity heat map
and theme shares as inline SVG) and one card per report (key numbers, checks with their
evidence, theme shares, the summary). Every piece of report text goes through
:func:`html.escape`; the stylesheet has a print layout.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

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
@media print {
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


def _label(a: "ReportAnalysis") -> str:
    r = a.report
    year = f"{r.year}年" if r.year else ""
    return f"{r.agency or Path(r.source).stem}{year}"


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


def _overview(result: "AnalyzeResult") -> str:
    analyses = result.analyses
    agencies = {a.report.agency for a in analyses if a.report.agency}
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

    for a in _ordered(analyses):
        r = a.report
        c = Counter(f.status for f in by_report.get(r.id, []))
        kn = key_numbers(a.tables)
        m = measures.get(r.id)
        fail_cell = f'<span class="fail">{c["fail"]}</span>' if c["fail"] else "0"
        rows.append(
            f'<tr><td><a href="#{_anchor(r.id)}">{esc(_label(a))}</a></td><td>{esc(r.format)}</td><td>{esc(r.era)}</td>'
            f'<td class="num">{_num(kn.get("received"))}</td><td class="num">{_num(kn.get("handled"))}</td>'
            f'<td class="num">{fail_cell}</td><td class="num">{c["uncertain"]}</td>'
            f'<td class="num">{_pct(m.reused_share) if m else "—"}</td>'
            f'<td class="num">{_pct(m.boilerplate_share) if m else "—"}</td></tr>')
    table = ("<table><thead><tr><th>报告</th><th>格式</th><th>表格式样</th><th>本年新收申请</th><th>本年办结</th>"
             "<th>未通过检查</th><th>存疑</th><th>重复使用占比</th><th>套话占比</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table>")
    return f'<section id="overview"><h2>{UI["overview"]}</h2><div class="stats">{cells}</div>{table}</section>'


def _ordered(analyses: Iterable["ReportAnalysis"]) -> list["ReportAnalysis"]:
    return sorted(analyses, key=lambda a: (a.report.agency or "", a.report.year or 0, a.report.source))


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
    return (f'<h3 id="boilerplate">{UI["boilerplate"]}</h3>{note}<table><thead><tr><th>报告</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _year_over_year(result: "AnalyzeResult", labels: dict[str, str]) -> str:
    pairs = [p for p in result.comparison.pairs if p.kind == "year_over_year"]
    if not pairs:
        return f'<h3 id="yoy">{UI["yoy"]}</h3><p class="muted">{UI["none"]}</p>'
    pairs.sort(key=lambda p: (p.agency, p.year_a or 0, p.year_b or 0))
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in YOY_ZH)
    rows = []
    for p in pairs:
        vals = "".join(f'<td class="num">{_pct(getattr(p, k))}</td>' for k, _ in YOY_ZH)
        flags = []
        if p.repeated_over_limit:
            flags.append('<span class="fail">照搬上年超过一半</span>')
        if p.changed_a_lot:
            flags.append('<span class="uncertain">变化较大</span>')
        rows.append(f"<tr><td>{esc(p.agency)}</td><td>{esc(p.year_a)}→{esc(p.year_b)}</td>{vals}<td>{'；'.join(flags)}</td></tr>")
    return (f'<h3 id="yoy">{UI["yoy"]}</h3><table><thead><tr><th>机关</th><th>年份</th>{head}<th>提示</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


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


def _theme_chart(result: "AnalyzeResult", names: dict[str, str]) -> str:
    rows = [(_label(a), a.theme_shares) for a in _ordered(result.analyses) if a.theme_shares]
    source = "主题分类"
    if not rows and result.comparison is not None:
        by_id = {a.report.id: a for a in result.analyses}
        rows = [(_label(by_id[m.report]), m.theme_shares) for m in result.comparison.reports
                if m.theme_shares and m.report in by_id]
        rows.sort()
        source = "按小标题归类"
    if not rows:
        return f'<h3 id="themes">{UI["themes"]}</h3><p class="muted">{UI["none"]}</p>'
    return (f'<h3 id="themes">{UI["themes"]}</h3><p class="muted">来源：{source}；各报告叙述文字按主题的字数占比。</p>'
            f'{theme_bars_svg(rows, names)}')


def _card(a: "ReportAnalysis", findings: list[Any], measures: Any, names: dict[str, str],
          others: dict[str, "ReportAnalysis"]) -> str:
    from . import key_numbers

    r = a.report
    parts = [f'<div class="card" id="{_anchor(r.id)}"><h3>{esc(_label(a))} '
             f'<small>{esc(Path(r.source).name)} · {esc(r.format)} · {esc(r.era)} 式样</small></h3>']
    if r.title:
        parts.append(f'<div class="muted">{esc(r.title)}</div>')
    kn = key_numbers(a.tables)
    if kn:
        cells = "".join(f"<th>{esc(zh)}</th>" for _, zh in KEY_NUMBER_ZH)
        vals = "".join(f'<td class="num">{_num(kn.get(k))}</td>' for k, _ in KEY_NUMBER_ZH)
        parts.append(f'<h4>{UI["key_numbers"]}</h4><table><tr>{cells}</tr><tr>{vals}</tr></table>')
    parts.append(_checks_block(a, findings, others))
    if a.theme_shares:
        spec = ("" if a.problem_specificity is None else
                f'<p class="muted">问题与改进表述的具体性：{a.problem_specificity:.2f}（具体事项 ÷（具体事项 + 笼统表述））</p>')
        parts.append(f'<h4>{UI["theme_shares"]}</h4>' + theme_bars_svg([("", a.theme_shares)], names, width=700) + spec)
    report_summary = next((s for s in a.summaries if s.get("level") == "report"), None)
    if report_summary:
        lines = [ln for ln in str(report_summary.get("summary", "")).splitlines() if ln.strip()]
        body = "".join(f"<li>{esc(ln)}</li>" for ln in lines)
        parts.append(f'<h4>{UI["summary"]}</h4><p><b>{esc(report_summary.get("headline", ""))}</b></p><ul>{body}</ul>')
    if measures is not None:
        vals = "；".join(
            f"{zh} {_num(round(getattr(measures, k), 2)) if k == 'specificity' and getattr(measures, k) is not None else _pct(getattr(measures, k))}"
            for k, zh in MEASURE_ZH)
        parts.append(f'<h4>{UI["measures"]}</h4><p class="muted">{esc(vals)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _checks_block(a: "ReportAnalysis", findings: list[Any], others: dict[str, "ReportAnalysis"]) -> str:
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
                whose = f"{esc(_label(owner))} " if owner is not a else ""
                ev.append(f'<div class="ev">{UI["evidence"]}（{whose}{e.start}–{e.end}）{where}'
                          f'{_snippet(text, e.start, e.end)}</div>')
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
    labels = {a.report.id: _label(a) for a in result.analyses}
    nav = [("overview", UI["overview"])]
    body = [_overview(result)]
    if result.comparison is not None:
        nav += [("reused", UI["reused"]), ("boilerplate", UI["boilerplate"]), ("yoy", UI["yoy"]),
                ("heatmap", UI["heatmap"])]
        body.append(f'<section id="cross"><h2>{UI["cross"]}</h2>' + _reused(result, labels) + _boilerplate(result, labels)
                    + _year_over_year(result, labels) + _heatmap(result, labels) + _theme_chart(result, names) + "</section>")
        nav.append(("themes", UI["themes"]))
    elif any(a.theme_shares for a in result.analyses):
        body.append(f'<section id="cross"><h2>{UI["cross"]}</h2>{_theme_chart(result, names)}</section>')
        nav.append(("themes", UI["themes"]))
    findings: dict[str, list[Any]] = {}
    for f in result.findings:
        findings.setdefault(f.report_id, []).append(f)
    measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
    by_id = {a.report.id: a for a in result.analyses}
    cards = [_card(a, findings.get(a.report.id, []), measures.get(a.report.id), names, by_id)
             for a in _ordered(result.analyses)]
    body.append(f'<section id="cards"><h2>{UI["cards"]}</h2>{"".join(cards)}</section>')
    nav += [("cards", UI["cards"]), ("notes", UI["run_notes"])]
    body.append(_run_notes(result))
    nav_html = "".join(f'<a href="#{k}">{esc(v)}</a>' for k, v in nav)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{UI['title']}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{UI['title']}</h1><div class=\"muted\">xxgk analyze · {len(result.analyses)} 份报告</div></header>"
            f"<nav>{nav_html}</nav>{''.join(body)}</body></html>\n")
