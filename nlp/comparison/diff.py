"""``xxgk diff A B``: what was copied, changed and added between two reports.

Reports are compared part by part (parts matched by their canonical key) and, inside a
part, sentence by sentence (``difflib`` on whitespace-free sentences; a removed and an
added sentence that are ≥ 50% alike are shown as one *changed* sentence with the changed
characters marked, numbers kept whole). Inside a changed sentence the numbers are paired by
the words printed before them (``主动公开政府信息 1136 → 2428``), never by position. A
sentence removed from one part and printed again in another is *moved*, not removed and
new. Template text (headings, tables, contact lines, statutory sentences) is shown but
labelled and left out of the percentages. Statistics tables are compared cell by cell (old
→ new, Δ, %) from the cells the caller passes in (``nlp.tables.extract_tables``).

Rendering (``diff_render``) marks changes by markup and labels, never by colour alone.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np

from ..document import Report
from .template import vocabulary_mask
from .textprep import content_stream

#: row labels (shown next to every row: meaning never rests on colour)
LABELS = {"same": "同 copied", "changed": "改 changed", "new": "新 new", "removed": "删 removed", "moved": "移 moved"}
#: a number in running text with the words before it (its label) and its unit; dates are not numbers here
_LABELLED_NUMBER = re.compile(r"(?P<label>[\u4e00-\u9fff]{1,8})(?P<num>\d+(?:\.\d+)?)(?P<unit>%|[条件个次篇项人期场家户万元份])?(?![年月日\d])")
#: tokens of the character diff: a whole number, or one character
_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)


@dataclass
class Segment:
    op: str    # 'equal', 'delete' (only in A), 'insert' (only in B)
    text: str


@dataclass
class NumberChange:
    """A number of a changed sentence, paired with its counterpart by the words before it."""

    label: str
    a: float | None               # None: only in B
    b: float | None               # None: only in A
    unit: str = ""

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else round(self.b - self.a, 4)


@dataclass
class DiffRow:
    """One aligned sentence pair (or a sentence only in A / only in B)."""

    op: str                       # 'same', 'changed', 'new', 'removed', 'moved'
    a: tuple[int, int] | None     # span in A.text
    b: tuple[int, int] | None     # span in B.text
    a_segments: list[Segment] = field(default_factory=list)
    b_segments: list[Segment] = field(default_factory=list)
    template: bool = False
    section: str = ""             # heading of the section it stands in (B's, else A's)
    numbers: list[NumberChange] = field(default_factory=list)   # changed rows: numbers paired by label
    moved_from: str = ""          # moved rows: the part of A it stood in


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
    moved: int = 0       # scored characters of B printed in another part of A

    @property
    def copied_share(self) -> float:
        total = self.copied + self.changed + self.new
        return self.copied / total if total else 0.0


@dataclass
class CellChange:
    """A statistics-table cell whose value differs: old → new, with the difference."""

    key: str
    label: str
    a: str
    b: str
    delta: float | None = None    # b − a when both are numbers
    pct: float | None = None      # delta ÷ a (None when a is 0 or not a number)


@dataclass
class ReportDiff:
    a: Report
    b: Report
    parts: list[PartDiff]
    cells: list[CellChange] | None   # None: tables not readable
    notes: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(p, k) for p in self.parts) for k in ("copied", "changed", "new", "removed", "moved")}


# ------------------------------------------------------------------ building

def _sentence_spans(report: Report, start: int, end: int) -> list[tuple[int, int]]:
    from ..sentences import split_sentences

    return [(s, e) for s, e in split_sentences(report.text, start, end) if report.text[s:e].strip()]


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
    """Character diff with every number one token (a changed figure is replaced whole)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    sa, sb, same = [], [], 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        x, y = "".join(ta[i1:i2]), "".join(tb[j1:j2])
        if op == "equal":
            sa.append(Segment("equal", x))
            sb.append(Segment("equal", y))
            same += len(_key(y))
        else:
            if x:
                sa.append(Segment("delete", x))
            if y:
                sb.append(Segment("insert", y))
    return sa, sb, same


def _labelled_numbers(s: str) -> list[tuple[str, float, str]]:
    return [(m.group("label"), float(m.group("num")), m.group("unit") or "") for m in _LABELLED_NUMBER.finditer(s)]


def _common_suffix(x: str, y: str) -> int:
    k = 0
    while k < min(len(x), len(y)) and x[-1 - k] == y[-1 - k]:
        k += 1
    return k


def number_changes(a: str, b: str) -> list[NumberChange]:
    """Numbers of two versions of a sentence paired by their labels (the same words before them, else
    the longest shared ending of at least two characters, same unit); changed and unpaired ones."""
    na, nb = _labelled_numbers(a), _labelled_numbers(b)
    used: set[int] = set()
    out = []
    for label, va, unit in na:
        best, best_k = 1, None
        for k, (lb, _, ub) in enumerate(nb):
            if k in used or ub != unit:
                continue
            score = 99 if lb == label else _common_suffix(lb, label)
            if score > best:
                best, best_k = score, k
        if best_k is None:
            out.append(NumberChange(label, va, None, unit))
            continue
        used.add(best_k)
        if nb[best_k][1] != va:
            out.append(NumberChange(label, va, nb[best_k][1], unit))
    out += [NumberChange(lb, None, vb, ub) for k, (lb, vb, ub) in enumerate(nb) if k not in used]
    return out


def _scored(flags: np.ndarray, text: str, s: int, e: int) -> int:
    return sum(1 for k in range(s, e) if not text[k].isspace() and not flags[k])


def diff_reports(a: Report, b: Report, similar: float = 0.5, cells: tuple[list, list] | None = None) -> ReportDiff:
    """Part-by-part, sentence-by-sentence diff of report ``b`` against report ``a``; ``cells``: the
    statistics-table cells of both (``nlp.tables.extract_tables``), compared cell by cell."""
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
                    da, db = _display(a.text[s:e]), _display(b.text[t:u])
                    sa, sb, _ = _char_segments(da, db)
                    pd.rows.append(DiffRow("changed", (s, e), (t, u), sa, sb, numbers=number_changes(da, db)))
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
    _mark_moved(out, a, b, fa, fb)
    return ReportDiff(a, b, out, _cell_changes(*cells) if cells is not None else None)


def _mark_moved(parts: list[PartDiff], a: Report, b: Report, fa: np.ndarray, fb: np.ndarray) -> None:
    """A sentence removed from one part of A and new in another part of B is one *moved* row."""
    removed: dict[str, list[tuple[PartDiff, DiffRow]]] = {}
    for pd in parts:
        for row in pd.rows:
            if row.op == "removed" and not row.template:
                removed.setdefault(_key(a.text[row.a[0]:row.a[1]]), []).append((pd, row))
    for pd in parts:
        for row in pd.rows:
            if row.op != "new" or row.template:
                continue
            found = removed.get(_key(b.text[row.b[0]:row.b[1]]))
            if not found:
                continue
            src_part, src = found.pop(0)
            if src_part is pd:
                continue
            src_part.rows.remove(src)
            src_part.removed -= _scored(fa, a.text, *src.a)
            row.op, row.a, row.moved_from = "moved", src.a, src_part.key
            row.a_segments = [Segment("equal", _display(a.text[src.a[0]:src.a[1]]))]
            scored = _scored(fb, b.text, *row.b)
            pd.new -= scored
            pd.moved += scored


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


def _number(x) -> float | None:
    return float(x.value) if x is not None and isinstance(x.value, (int, float)) and not isinstance(x.value, bool) else None


def _cell_changes(cells_a, cells_b) -> list[CellChange]:
    """Cells whose value differs between the two reports' tables, keyed by table:row:column."""
    ca = {f"{c.table}:{c.row}:{c.column}": c for c in cells_a}
    cb = {f"{c.table}:{c.row}:{c.column}": c for c in cells_b}
    out = []
    for k in sorted(set(ca) | set(cb)):
        x, y = ca.get(k), cb.get(k)
        va = "" if x is None else (_fmt(x.value) if x.value is not None else x.raw)
        vb = "" if y is None else (_fmt(y.value) if y.value is not None else y.raw)
        if va != vb:
            na, nb = _number(x), _number(y)
            delta = None if na is None or nb is None else round(nb - na, 4)
            pct = None if delta is None or not na else round(delta / na, 4)
            out.append(CellChange(k, (y or x).label, va, vb, delta, pct))
    return out


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)
