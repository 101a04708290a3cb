"""The brief's sections about the whole set: overview, audit scorecard, trends, year-over-year
change, most-reused passages, boilerplate ranking, similarity heat map and theme shares."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from ...panel.trends import trend_svg, yoy_change
from .charts import heatmap_svg, theme_bars_svg
from .common import (HEATMAP_MAX, MASKED_ZH, MEASURE_EXPLAIN, MEASURE_ZH, MEMBERS_SHOWN, REUSED_TOP, UI, YOY_ZH, esc,
                     explain_list, fmt_num, fmt_pct, report_anchor)

if TYPE_CHECKING:  # pragma: no cover
    from .. import AnalyzeResult, ReportAnalysis


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
    from .. import key_numbers

    for a in _ordered(analyses, labels):
        r = a.report
        c = Counter(f.status for f in by_report.get(r.id, []))
        kn = key_numbers(a.tables)
        m = measures.get(r.id)
        fail_cell = f'<span class="fail">{c["fail"]}</span>' if c["fail"] else "0"
        rows.append(
            f'<tr><td class="name"><a href="#{report_anchor(r.id)}">{esc(labels[r.id])}</a></td><td>{esc(r.format)}</td><td>{esc(r.era)}</td>'
            f'<td class="num">{fmt_num(kn.get("received"))}</td><td class="num">{fmt_num(kn.get("handled"))}</td>'
            f'<td class="num">{fail_cell}</td><td class="num">{c["uncertain"]}</td>'
            f'<td class="num">{fmt_pct(m.reused_share) if m else "—"}</td>'
            f'<td class="num">{fmt_pct(m.boilerplate_share) if m else "—"}</td></tr>')
    table = ('<div class="scroll"><table><thead><tr><th class="name">报告</th><th>格式</th>'
             "<th>表格式样</th><th>本年新收申请</th><th>本年办结</th>"
             "<th>未通过检查</th><th>存疑</th><th>重复使用占比</th><th>套话占比</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table></div>")
    note = ('<p class="muted">机关按规范名称计数：只差上级地名前缀（如“洪泽区人民政府”与“淮安市洪泽区人民政府”）、'
            '繁简或“办公室/办公厅”写法的名称视为同一机关；可用 --aliases 文件补充。</p>')
    explain = explain_list([("重复使用占比", MEASURE_EXPLAIN["reused_share"]), ("套话占比", MEASURE_EXPLAIN["boilerplate_share"])])
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
            vals.append(f'<td class="num">{fmt_num(round(v, 2)) if key == "specificity" and v is not None else fmt_pct(v)}</td>')
        rows.append(f'<tr><td><a href="#{report_anchor(m.report)}">{esc(labels.get(m.report, m.report))}</a></td>{"".join(vals)}</tr>')
    note = ""
    if all(m.boilerplate_share is None for m in ms):
        note = '<p class="muted">报告数量不足且未用参照语料，套话占比无法计算（按重复使用占比排序）。</p>'
    elif result.comparison.reference:
        note = f'<p class="muted">套话与模板按参照语料一并统计：{esc(result.comparison.reference)}</p>'
    explain = explain_list([(zh, MEASURE_EXPLAIN[k]) for k, zh in MEASURE_ZH])
    return (f'<h3 id="boilerplate">{UI["boilerplate"]}</h3>{explain}{note}<div class="scroll"><table><thead><tr>'
            f'<th class="name">报告</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


#: one-line explanations of the text-repetition measures (shown where the measures appear)
YOY_EXPLAIN = {
    "repeated_share": "本年报告中与上年报告逐字对齐的文字占比（不计法定模板文字）；超过 50% 提示“照搬上年超过一半”（宿迁市部门考核规则）。",
    "text_repeat_rate": "两年全文的最长公共子序列 Dice 系数：2 × 公共字数 ÷ 两篇字数之和；低于 60% 提示“变化较大”。",
    "stickiness": "本年报告的字符 n 元组中，在上年报告里也出现过的比例（Dyer、Lang 与 Stice-Lawrence 2017）。",
    "cosine": "两年报告字二元组词频向量的余弦相似度（Cohen、Malloy 与 Nguyen 2020）；1 表示用字分布相同。",
}


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
            text = "".join(f'<td class="num">{fmt_pct(getattr(p, k)) if p is not None else "—"}</td>' for k, _ in YOY_ZH)
            rows.append(f'<tr><td class="name"><a href="#{report_anchor(b.id)}">{esc(agency)}</a></td>'
                        f'<td class="num">{esc(a.report.year)}→{esc(b.report.year)}</td>{nums}{text}'
                        f'<td class="hint">{_yoy_hint(p)}</td></tr>')
    if not rows:
        return f'<h3 id="yoy">{UI["yoy"]}</h3><p class="muted">{UI["none"]}（没有同一机关连续两年的报告）</p>'
    head = ("".join(f"<th>{esc(m.name)}</th>" for m in metrics) + "".join(f"<th>{esc(zh)}</th>" for _, zh in YOY_ZH))
    explain = explain_list([(zh, YOY_EXPLAIN[k]) for k, zh in YOY_ZH]
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
        return f'<td class="num"><span{cls}>{fmt_pct(v)}</span></td>'
    if key == "timeliness":
        late = f'（逾期 {row["days_late"]} 天）' if row.get("days_late") else ""
        cls = "fail" if late else ("pass" if v == "按时" else "muted")
        published = f'发布 {esc(row["publication_date"])}，' if row.get("publication_date") else "发布日期不详，"
        when = f'<br><span class="muted">{published}期限 {esc(row["deadline"])}</span>' if row.get("deadline") else ""
        return f'<td class="hint"><span class="{cls}">{esc(v)}{esc(late)}</span>{when}</td>'
    if key in ("problems", "arithmetic_fail", "narrative_fail") and v:
        return f'<td class="num"><span class="fail">{esc(v)}</span></td>'
    return f'<td class="num">{fmt_num(v)}</td>'


def _scorecard_table(rows: list[dict[str, Any]], labels: dict[str, str]) -> str:
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in SCORECARD_SHOWN)
    body = "".join(f'<tr><td class="name"><a href="#{report_anchor(r["report_id"])}">{esc(labels.get(r["report_id"], r["agency"]))}'
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
    return (f'<section id="scorecard"><h2>{UI["scorecard"]}</h2>{explain_list(SCORECARD_EXPLAIN)}'
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
