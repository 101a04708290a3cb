"""Rendering of a :class:`~nlp.comparison.diff.ReportDiff`: plain text and a self-contained HTML page.

Changes are marked by markup and labels, never by colour alone: ``<del>``/``<ins>`` in HTML
plus the row labels 同 / 改 / 新 / 删 / 移 (copied / changed / new / removed / moved); in
text, ``[-removed-]`` / ``{+added+}``; table cells as old → new with Δ and %.
"""
from __future__ import annotations

import html

from .diff import LABELS, NumberChange, ReportDiff, Segment


def _seg_text(segs: list[Segment]) -> str:
    out = []
    for s in segs:
        t = " ".join(s.text.split())
        out.append(t if s.op == "equal" else (f"[-{t}-]" if s.op == "delete" else f"{{+{t}+}}"))
    return "".join(out)


def render_text(d: ReportDiff, show_same: bool = False, show_template: bool = False) -> str:
    """Plain-text diff: per part the shares, then every changed / new / removed sentence
    (template rows — tables, preamble — only counted unless ``show_template``)."""
    lines = [f"A: {d.a.id} ({d.a.agency} {d.a.year or ''})", f"B: {d.b.id} ({d.b.agency} {d.b.year or ''})"]
    t = d.totals()
    total = t["copied"] + t["changed"] + t["new"] + t["moved"]
    if total:
        lines.append(f"B vs A (template excluded): copied {t['copied'] / total:.0%} · moved {t['moved'] / total:.0%} · "
                     f"changed {t['changed'] / total:.0%} · new {t['new'] / total:.0%} · removed from A {t['removed']} chars")
    for p in d.parts:
        lines.append("")
        lines.append(f"== {p.key} {p.title_b or p.title_a}  (copied {p.copied} · moved {p.moved} · changed {p.changed} · "
                     f"new {p.new} · removed {p.removed})")
        hidden = 0
        section = ""
        for r in p.rows:
            if r.op == "same" and not show_same:
                continue
            if r.template and not show_template:
                hidden += 1
                continue
            if r.section and r.section != section:
                section = r.section
                lines.append(f"  -- {section}")
            tag = LABELS[r.op].split()[0] + (" (template)" if r.template else "")
            if r.op == "changed":
                lines.append(f"  {tag} A: {_seg_text(r.a_segments)}")
                lines.append(f"  {' ' * len(tag)} B: {_seg_text(r.b_segments)}")
                if r.numbers:
                    lines.append(f"  {' ' * len(tag)}    numbers: " + "; ".join(_number_text(n) for n in r.numbers))
            elif r.op == "moved":
                lines.append(f"  {tag} (from {r.moved_from}) {_seg_text(r.b_segments)}")
            else:
                lines.append(f"  {tag} {_seg_text(r.b_segments or r.a_segments)}")
        if hidden:
            lines.append(f"  ({hidden} changed template rows not shown: tables, preamble, contact lines)")
    if d.cells:
        lines.append("")
        lines.append("== changed table cells")
        for c in d.cells:
            lines.append(f"  {c.key}{' ' + c.label if c.label else ''}: {c.a or '(none)'} → {c.b or '(none)'}{_delta_text(c.delta, c.pct)}")
    return "\n".join(lines)


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def _delta_text(delta: float | None, pct: float | None) -> str:
    if delta is None:
        return ""
    return f"  (Δ {delta:+g}" + ("" if pct is None else f", {pct:+.1%}") + ")"


def _number_text(n: NumberChange) -> str:
    return f"{n.label} {_num(n.a)} → {_num(n.b)}{n.unit}{_delta_text(n.delta, None)}"


_CSS = """
body{font-family:sans-serif;margin:1.5em;line-height:1.6}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border:1px solid #999;padding:4px 6px;vertical-align:top}
th.label{width:7em}
del{background:#fdd;text-decoration:line-through}
ins{background:#dfd;text-decoration:underline}
tr.template td{color:#555;font-style:italic}
.legend span{margin-right:1.5em}
"""


def _seg_html(segs: list[Segment]) -> str:
    out = []
    for s in segs:
        t = html.escape(s.text)
        if s.op == "equal":
            out.append(t)
        elif s.op == "delete":
            out.append(f'<del title="removed">{t}</del>')
        else:
            out.append(f'<ins title="added">{t}</ins>')
    return "".join(out)


def render_html(d: ReportDiff) -> str:
    """A self-contained HTML page: side by side per part, changes marked with <del>/<ins> and labels."""
    esc = html.escape
    t = d.totals()
    total = t["copied"] + t["changed"] + t["new"] + t["moved"]
    h = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
         f"<title>diff {esc(d.a.id)} → {esc(d.b.id)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{esc(d.a.agency or d.a.id)} {esc(str(d.a.year or ''))} → {esc(d.b.agency or d.b.id)} {esc(str(d.b.year or ''))}</h1>",
         '<p class="legend"><span>同 copied: same sentence</span><span>改 changed: <del>removed text</del> / <ins>added text</ins></span>'
         "<span>新 new: only in B</span><span>删 removed: only in A</span><span>移 moved: from another part of A</span>"
         "<span><i>template</i>: mandated text, not scored</span></p>"]
    if total:
        h.append(f"<p>B compared with A, template text excluded: copied {t['copied'] / total:.0%}, moved "
                 f"{t['moved'] / total:.0%}, changed {t['changed'] / total:.0%}, new {t['new'] / total:.0%}; "
                 f"{t['removed']} characters of A removed.</p>")
    for p in d.parts:
        h.append(f"<h2>{esc(p.key)} {esc(p.title_b or p.title_a)}</h2>")
        h.append(f"<p>copied {p.copied} · changed {p.changed} · new {p.new} · removed {p.removed} characters</p>")
        h.append(f'<table><tr><th class="label">row</th><th>A: {esc(d.a.id)}</th><th>B: {esc(d.b.id)}</th></tr>')
        section = ""
        for r in p.rows:
            if r.section and r.section != section:
                section = r.section
                h.append(f'<tr><th colspan="3" class="section">{esc(section)}</th></tr>')
            label = LABELS[r.op] + (" · template" if r.template else "") + (f" · from {r.moved_from}" if r.moved_from else "")
            cls = ' class="template"' if r.template else ""
            numbers = ("<br><small>" + esc("; ".join(_number_text(n) for n in r.numbers)) + "</small>") if r.numbers else ""
            h.append(f"<tr{cls}><th class=\"label\">{esc(label)}</th><td>{_seg_html(r.a_segments)}</td>"
                     f"<td>{_seg_html(r.b_segments)}{numbers}</td></tr>")
        h.append("</table>")
    if d.cells is not None:
        h.append("<h2>Changed table cells</h2>")
        if d.cells:
            h.append('<table><tr><th>cell</th><th>A</th><th>B</th><th>Δ</th><th>%</th></tr>')
            for c in d.cells:
                h.append(f"<tr><td>{esc(c.key)} {esc(c.label)}</td><td><del>{esc(c.a or '(none)')}</del></td>"
                         f"<td><ins>{esc(c.b or '(none)')}</ins></td><td>{'' if c.delta is None else f'{c.delta:+g}'}</td>"
                         f"<td>{'' if c.pct is None else f'{c.pct:+.1%}'}</td></tr>")
            h.append("</table>")
        else:
            h.append("<p>No table cell changed.</p>")
    h.append("</body></html>")
    return "\n".join(h)
