"""One card per report: key numbers, peer percentiles, checks, theme shares, the summary, and the
normalized text whose highlighted spans every link on the page points to (:class:`_Spans`)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import format as V
from .charts import theme_bars_svg
from .common import MEASURE_ZH, STATUS_ZH, UI, esc, fmt_num, fmt_pct, marked_snippet, report_anchor

if TYPE_CHECKING:  # pragma: no cover
    from .. import AnalyzeResult, ReportAnalysis


class _Spans:
    """The text spans the page links to, per report: each link registers its span so that the report's
    normalized text (collapsed at the end of its card) carries the matching highlighted anchor."""

    def __init__(self, reports: dict[str, Any]):
        self.reports = reports
        self.spans: dict[str, set[tuple[int, int]]] = {}

    @staticmethod
    def anchor(report_id: str, start: int, end: int) -> str:
        return f"{report_anchor(report_id)}-s{start}-{end}"

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
    from ...panel.metrics import format_value, load_metrics

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
    from ...panel.metrics import format_value

    rows = []
    for s in stats:
        m = panel.metrics[s.metric]
        f = (lambda x: format_value(m, x))
        rows.append(f"<tr><td>{esc(m.name)}</td><td class=\"num\">{esc(f(s.value))}</td><td class=\"num\">{esc(f(s.p25))}</td>"
                    f"<td class=\"num\">{esc(f(s.p50))}</td><td class=\"num\">{esc(f(s.p75))}</td>"
                    f"<td class=\"num\">{fmt_num(s.percentile)}</td><td class=\"num\">{'—' if s.rank is None else f'{s.rank}/{s.n}'}</td></tr>")
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
    parts = [f'<div class="card" id="{report_anchor(r.id)}"><h3>{esc(labels[r.id])} '
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
            f"{zh} {fmt_num(round(getattr(measures, k), 2)) if k == 'specificity' and getattr(measures, k) is not None else fmt_pct(getattr(measures, k))}"
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
                where = f"{esc(e.key)} = {esc(fmt_num(e.value))}：" if e.key else ""
                whose = f"{esc(labels.get(owner.report.id, ''))} " if owner is not a else ""
                place = spans.link(owner.report.id, e.start, e.end,
                                   f'{UI["evidence"]}（{whose}{esc(spans.where(owner.report.id, e.start, e.end))}）')
                ev.append(f'<div class="ev">{place}{where}{marked_snippet(text, e.start, e.end)}</div>')
        items.append(f'<li><span class="{esc(f.status)}">{esc(STATUS_ZH.get(f.status, f.status))}</span> '
                     f'<code>{esc(f.rule)}</code> {esc(f.message)}{"".join(ev)}</li>')
    listing = f'<ul class="findings">{"".join(items)}</ul>' if items else ""
    return f'<h4>{UI["checks"]}</h4><p>{summary}</p>{listing}'
