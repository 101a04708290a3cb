"""The page shell of ``brief.html``: the stylesheet (a narrow-screen and a print layout), the
navigation, the run notes, and :func:`render_brief` assembling the sections and the cards."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ...batch import atomic_writer

from .cards import _card, _Spans
from .common import STAGE_ZH, UI, esc, report_label
from .sections import (_boilerplate, _heatmap, _ordered, _overview, _reused, _scorecard, _theme_chart, _trends,
                       _year_over_year)

if TYPE_CHECKING:  # pragma: no cover
    from .. import AnalyzeResult


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


def _theme_names() -> dict[str, str]:
    """Theme key → its Chinese name."""
    from ...themes.taxonomy import THEME_NAMES

    return dict(THEME_NAMES)


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
    return "".join(brief_pieces(result))


def write_brief(result: "AnalyzeResult", path: Path) -> Path:
    """The page written to ``path`` atomically, piece by piece (each report's source text made as it is
    written: the texts are most of the page)."""
    with atomic_writer(path) as f:
        for piece in brief_pieces(result):
            f.write(piece.encode("utf-8"))
    return path


def brief_pieces(result: "AnalyzeResult") -> Iterator[str]:
    """The page in pieces, in order (:func:`render_brief` joined)."""
    names = _theme_names()
    canonical = {e.id: e.agency for e in result.panel.entries} if result.panel is not None else {}
    labels = {a.report.id: report_label(a, canonical.get(a.report.id, "")) for a in result.analyses}
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
    nav += [("cards", UI["cards"]), ("notes", UI["run_notes"])]
    nav_html = "".join(f'<a href="#{k}">{esc(v)}</a>' for k, v in nav)
    yield ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{UI['title']}</title><style>{CSS}</style></head><body>"
           f"<header><h1>{UI['title']}</h1><div class=\"muted\">xxgk analyze · {len(result.analyses)} 份报告</div></header>"
           f"<nav>{nav_html}</nav>{''.join(body)}")
    # the texts come last: every link to a span (also from other reports' cards) is known by now
    yield f'<section id="cards"><h2>{UI["cards"]}</h2>'
    for c, a in zip(cards, ordered):
        yield (c + f'<details class="source"><summary>{UI["source_text"]}（{len(a.report.text)} 字；高亮处为上文引用的依据）</summary>'
               f'<div>{spans.source_text(a.report.id)}</div></details></div>')
    yield "</section>" + _run_notes(result) + "</body></html>\n"
