"""``xxgk diff A B``: what was copied, changed and added between two reports.

Reports are compared part by part (parts matched by their canonical key) and, inside a
part, sentence by sentence (``difflib`` on whitespace-free sentences; a removed and an
added sentence that are ≥ 50% alike are shown as one *changed* sentence with the changed
characters marked). Template text (mandated preamble, headings, tables, contact lines)
is shown but labelled and left out of the percentages. Changed statistics-table cells
are listed when ``nlp.tables`` can read both reports.

Rendering marks changes by markup and labels, never by colour alone: ``<del>``/``<ins>``
in HTML plus the row labels 同 / 改 / 新 / 删 (copied / changed / new / removed); in text,
``[-removed-]`` / ``{+added+}``.
"""
from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field

import numpy as np

from ..document import Report
from .template import vocabulary_mask
from .textprep import content_stream

#: row labels (shown next to every row: meaning never rests on colour)
LABELS = {"same": "同 copied", "changed": "改 changed", "new": "新 new", "removed": "删 removed"}


@dataclass
class Segment:
    op: str    # 'equal', 'delete' (only in A), 'insert' (only in B)
    text: str


@dataclass
class DiffRow:
    """One aligned sentence pair (or a sentence only in A / only in B)."""

    op: str                       # 'same', 'changed', 'new', 'removed'
    a: tuple[int, int] | None     # span in A.text
    b: tuple[int, int] | None     # span in B.text
    a_segments: list[Segment] = field(default_factory=list)
    b_segments: list[Segment] = field(default_factory=list)
    template: bool = False
    section: str = ""             # heading of the section it stands in (B's, else A's)


@dataclass
class PartDiff:
    key: str
    title_a: str
    title_b: str
    rows: list[DiffRow]
    copied: int = 0      # scored characters of B copied from A
    changed: int = 0     # scored characters of B in changed sentences that differ from A
    new: int = 0         # scored characters of B in new sentences
    removed: int = 0     # scored characters of A not in B

    @property
    def copied_share(self) -> float:
        total = self.copied + self.changed + self.new
        return self.copied / total if total else 0.0


@dataclass
class CellChange:
    key: str
    label: str
    a: str
    b: str


@dataclass
class ReportDiff:
    a: Report
    b: Report
    parts: list[PartDiff]
    cells: list[CellChange] | None   # None: tables not readable
    notes: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(p, k) for p in self.parts) for k in ("copied", "changed", "new", "removed")}


# ------------------------------------------------------------------ building

def _sentence_spans(report: Report, start: int, end: int) -> list[tuple[int, int]]:
    try:
        from ..sentences import split_sentences

        spans = split_sentences(report.text, start, end)
    except Exception:
        spans = []
    if not spans:
        import re

        spans, prev = [], start
        for m in re.finditer(r"[。！？；\n]", report.text[start:end]):
            e = start + m.end()
            if report.text[prev:e].strip():
                spans.append((prev, e))
            prev = e
        if report.text[prev:end].strip():
            spans.append((prev, end))
    return [(s, e) for s, e in spans if report.text[s:e].strip()]


def _parts(report: Report) -> list[tuple[str, str, int, int]]:
    if report.parts:
        out = []
        if report.parts[0].start > 0:
            out.append(("preamble", "", 0, report.parts[0].start))
        for p in report.parts:
            out.append((p.key, p.title, p.start, p.end))
        return out
    return [("text", "", 0, len(report.text))]


def _template_flags(report: Report) -> np.ndarray:
    stream = content_stream(report.text)
    from .textprep import sentence_bounds

    tm = vocabulary_mask(report, stream, sentence_bounds(stream, report.text))
    flags = np.zeros(len(report.text) + 1, dtype=bool)
    if len(stream):
        flags[stream.offsets[tm.mask]] = True
    return flags


def _key(s: str) -> str:
    return "".join(s.split())


_SPACE_RUN = re.compile(r"\s+")


def _display(s: str) -> str:
    """A sentence as shown: line wraps and the spaces PDF text puts around numbers removed,
    one space kept between two Latin letters or digits (``www.gov.cn 2010``)."""
    def keep(m: re.Match) -> str:
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        return " " if before.isascii() and after.isascii() and before.isalnum() and after.isalnum() else ""

    return _SPACE_RUN.sub(keep, s.strip())


def _char_segments(a: str, b: str) -> tuple[list[Segment], list[Segment], int]:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    sa, sb, same = [], [], 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            sa.append(Segment("equal", a[i1:i2]))
            sb.append(Segment("equal", b[j1:j2]))
            same += len(_key(b[j1:j2]))
        else:
            if i2 > i1:
                sa.append(Segment("delete", a[i1:i2]))
            if j2 > j1:
                sb.append(Segment("insert", b[j1:j2]))
    return sa, sb, same


def _scored(flags: np.ndarray, text: str, s: int, e: int) -> int:
    return sum(1 for k in range(s, e) if not text[k].isspace() and not flags[k])


def diff_reports(a: Report, b: Report, similar: float = 0.5) -> ReportDiff:
    """Part-by-part, sentence-by-sentence diff of report ``b`` against report ``a``."""
    fa, fb = _template_flags(a), _template_flags(b)
    parts_a = {k: (t, s, e) for k, t, s, e in _parts(a)}
    order = [k for k, *_ in _parts(b)] + [k for k, *_ in _parts(a) if k not in {x for x, *_ in _parts(b)}]
    if not a.parts or not b.parts:
        parts_a = {"text": ("", 0, len(a.text))}
        order = ["text"]
    parts_b = {k: (t, s, e) for k, t, s, e in _parts(b)} if b.parts and a.parts else {"text": ("", 0, len(b.text))}
    out = []
    for key in order:
        ta, sa0, ea0 = parts_a.get(key, ("", 0, 0))
        tb, sb0, eb0 = parts_b.get(key, ("", 0, 0))
        sents_a = _sentence_spans(a, sa0, ea0) if ea0 > sa0 else []
        sents_b = _sentence_spans(b, sb0, eb0) if eb0 > sb0 else []
        pd = PartDiff(key, ta, tb, [])
        keys_a = [_key(a.text[s:e]) for s, e in sents_a]
        keys_b = [_key(b.text[s:e]) for s, e in sents_b]
        sm = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    (s, e), (t, u) = sents_a[i], sents_b[j]
                    row = DiffRow("same", (s, e), (t, u), [Segment("equal", _display(a.text[s:e]))],
                                  [Segment("equal", _display(b.text[t:u]))])
                    pd.rows.append(row)
                continue
            # pair removed and added sentences that are alike; the rest are removed / new
            used_b: set[int] = set()
            pending_a = list(range(i1, i2))
            for i in pending_a:
                best, best_j = 0.0, None
                for j in range(j1, j2):
                    if j in used_b:
                        continue
                    r = difflib.SequenceMatcher(None, keys_a[i], keys_b[j], autojunk=False).ratio()
                    if r > best:
                        best, best_j = r, j
                if best_j is not None and best >= similar:
                    used_b.add(best_j)
                    (s, e), (t, u) = sents_a[i], sents_b[best_j]
                    sa, sb, _ = _char_segments(_display(a.text[s:e]), _display(b.text[t:u]))
                    pd.rows.append(DiffRow("changed", (s, e), (t, u), sa, sb))
                else:
                    s, e = sents_a[i]
                    pd.rows.append(DiffRow("removed", (s, e), None, [Segment("delete", _display(a.text[s:e]))], []))
            for j in range(j1, j2):
                if j not in used_b:
                    t, u = sents_b[j]
                    pd.rows.append(DiffRow("new", None, (t, u), [], [Segment("insert", _display(b.text[t:u]))]))
        sort_keys = [(r.b[0] if r.b else _anchor(pd.rows, k), 0 if r.b else 1, k) for k, r in enumerate(pd.rows)]
        pd.rows = [pd.rows[k] for *_, k in sorted(sort_keys)]
        for row in pd.rows:
            row.section = _section_heading(b, row.b[0]) if row.b else _section_heading(a, row.a[0])
            ta_ = _scored(fa, a.text, *row.a) if row.a else 0
            tb_ = _scored(fb, b.text, *row.b) if row.b else 0
            total_a = sum(1 for k in range(*row.a) if not a.text[k].isspace()) if row.a else 0
            total_b = sum(1 for k in range(*row.b) if not b.text[k].isspace()) if row.b else 0
            row.template = (total_b and tb_ < 0.2 * total_b) or (not row.b and total_a and ta_ < 0.2 * total_a)
            if row.template:
                continue
            if row.op == "same":
                pd.copied += tb_
            elif row.op == "new":
                pd.new += tb_
            elif row.op == "removed":
                pd.removed += ta_
            else:
                same = sum(len(_key(sg.text)) for sg in row.b_segments if sg.op == "equal")
                pd.copied += min(same, tb_)
                pd.changed += max(0, tb_ - same)
        out.append(pd)
    return ReportDiff(a, b, out, _cell_changes(a, b))


def _section_heading(report: Report, offset: int) -> str:
    """The printed heading (marker + heading) of the section holding ``offset``, or ''."""
    for part in report.parts:
        if part.start <= offset < part.end:
            for sec in part.sections:
                if sec.start <= offset < sec.end and sec.heading:
                    return f"{sec.marker}{sec.heading}"
            return ""
    return ""


def _anchor(rows: list[DiffRow], k: int) -> int:
    """Sort position of a removed row: just after the B sentence that precedes it."""
    for prev in reversed(rows[:k]):
        if prev.b:
            return prev.b[0]
    return -1


def _cell_changes(a: Report, b: Report) -> list[CellChange] | None:
    try:
        from ..tables import extract_tables

        ca = {f"{c.table}:{c.row}:{c.column}": c for c in extract_tables(a)}
        cb = {f"{c.table}:{c.row}:{c.column}": c for c in extract_tables(b)}
    except Exception:
        return None
    if not ca and not cb:
        return None
    out = []
    for k in sorted(set(ca) | set(cb)):
        x, y = ca.get(k), cb.get(k)
        va = "" if x is None else (str(x.value) if x.value is not None else x.raw)
        vb = "" if y is None else (str(y.value) if y.value is not None else y.raw)
        if va != vb:
            out.append(CellChange(k, (y or x).label or k, va, vb))
    return out


# ------------------------------------------------------------------ rendering

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
    total = t["copied"] + t["changed"] + t["new"]
    if total:
        lines.append(f"B vs A (template excluded): copied {t['copied'] / total:.0%} · changed {t['changed'] / total:.0%} · "
                     f"new {t['new'] / total:.0%} · removed from A {t['removed']} chars")
    for p in d.parts:
        lines.append("")
        lines.append(f"== {p.key} {p.title_b or p.title_a}  (copied {p.copied} · changed {p.changed} · new {p.new} · removed {p.removed})")
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
            else:
                lines.append(f"  {tag} {_seg_text(r.b_segments or r.a_segments)}")
        if hidden:
            lines.append(f"  ({hidden} changed template rows not shown: tables, preamble, contact lines)")
    if d.cells:
        lines.append("")
        lines.append("== changed table cells")
        for c in d.cells:
            lines.append(f"  {c.key}: {c.a or '(none)'} → {c.b or '(none)'}")
    return "\n".join(lines)


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
    total = t["copied"] + t["changed"] + t["new"]
    h = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
         f"<title>diff {esc(d.a.id)} → {esc(d.b.id)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{esc(d.a.agency or d.a.id)} {esc(str(d.a.year or ''))} → {esc(d.b.agency or d.b.id)} {esc(str(d.b.year or ''))}</h1>",
         '<p class="legend"><span>同 copied: same sentence</span><span>改 changed: <del>removed text</del> / <ins>added text</ins></span>'
         "<span>新 new: only in B</span><span>删 removed: only in A</span><span><i>template</i>: mandated text, not scored</span></p>"]
    if total:
        h.append(f"<p>B compared with A, template text excluded: copied {t['copied'] / total:.0%}, changed "
                 f"{t['changed'] / total:.0%}, new {t['new'] / total:.0%}; {t['removed']} characters of A removed.</p>")
    for p in d.parts:
        h.append(f"<h2>{esc(p.key)} {esc(p.title_b or p.title_a)}</h2>")
        h.append(f"<p>copied {p.copied} · changed {p.changed} · new {p.new} · removed {p.removed} characters</p>")
        h.append(f'<table><tr><th class="label">row</th><th>A: {esc(d.a.id)}</th><th>B: {esc(d.b.id)}</th></tr>')
        section = ""
        for r in p.rows:
            if r.section and r.section != section:
                section = r.section
                h.append(f'<tr><th colspan="3" class="section">{esc(section)}</th></tr>')
            label = LABELS[r.op] + (" · template" if r.template else "")
            cls = ' class="template"' if r.template else ""
            h.append(f"<tr{cls}><th class=\"label\">{esc(label)}</th><td>{_seg_html(r.a_segments)}</td>"
                     f"<td>{_seg_html(r.b_segments)}</td></tr>")
        h.append("</table>")
    if d.cells is not None:
        h.append("<h2>Changed table cells</h2>")
        if d.cells:
            h.append('<table><tr><th>cell</th><th>A</th><th>B</th></tr>')
            for c in d.cells:
                h.append(f"<tr><td>{esc(c.key)}</td><td><del>{esc(c.a or '(none)')}</del></td>"
                         f"<td><ins>{esc(c.b or '(none)')}</ins></td></tr>")
            h.append("</table>")
        else:
            h.append("<p>No table cell changed.</p>")
    h.append("</body></html>")
    return "\n".join(h)
