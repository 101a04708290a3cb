"""Give flattened text back its lines.

A crawler or a copy from a browser often joins a whole report into one line: part
headings glued to the sentence before them, section headings inline, statistics-table
rows glued into one run of labels and digits, a crawler header in front. The parser and
the table reader work line by line, so :func:`reflow` restores the line breaks such a
report was printed with:

- before each crawler-header key and around the ``==== 正文 ====`` mark;
- before each part heading (a numeral and a part-title opening, on a chain of
  consecutive numbers) and after its title;
- before each （一）-style section heading that follows a sentence end;
- inside a statistics table: before each row label (table-3 sub-row numbers are
  recognised even when glued to the digits of the row before) and before table 4's
  run of values.

Only lines that look flattened are touched; a break replaces a space where one is
printed and is inserted otherwise. :class:`Reflowed` records the edits so that a
parallel text of the same length (the original script) gets the same breaks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..format import (
    CRAWLER_BODY_MARK,
    CRAWLER_HEADER_KEY,
    PART_BODY_OPENING,
    PART_TITLE_ENDS,
    PART_TITLE_KEYWORDS,
    PART_TITLE_STARTS,
    PART_TITLE_STRONG,
    REVIEW_HEADER_WORDS,
    REVIEW_ROW_START,
    SECTION_MARKERS,
    TABLE_ROW_STARTS,
    TABLE_START_MARKERS,
    TABLE_SUBROW_NUMBER,
    cn_number_value,
)
from ..sentences import SEMICOLONS, SENTENCE_END
from ..textlines import columns

#: a line shorter than this is never treated as flattened
MIN_FLAT_LINE = 30
#: the longest part title (characters after its numeral)
MAX_TITLE = 40
_SPACES = " \u3000\t\xa0"
_INLINE_PART = re.compile(r"([一二三四五六七八九十]{1,2})\s*[、．.]\s*(?=" + PART_TITLE_STARTS.pattern + "|"
                          + PART_TITLE_KEYWORDS.pattern + ")")
_ATTACHMENT = re.compile(r"附件\s*\d{0,2}\s*[:：]?\s*(?=[^。，；\s]{2,30}统计表)")
_SECTION = re.compile(r"[（(]([一二三四五六七八九十]{1,2})[）)]")
_TITLE_STOP = re.compile(r"[。，,；;：:！？!?（(\s]")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_SENTENCE_END = "。；！？!?;：:"
_VALUE_RUN = re.compile(r"(?:[\d.]+|[/—－\-|]|\s)+$")
_REQUESTS_START = re.compile(r"勾稽关系|申请人情况|本年新收")
_PROACTIVE_START = re.compile(r"第二十条")
_REVIEW_START = re.compile(r"案件类型|" + "|".join(re.escape(m) for m in TABLE_START_MARKERS["review_litigation"]))
#: the end of a cell followed by text: where narrative after a table may begin
_AFTER_CELL = re.compile(r"[\d|/—]\s*(?=[\u4e00-\u9fff“《（(])")
#: what narrative never holds: cell separators, glued digit runs, numbers side by side
_CELL_LIKE = re.compile(r"[|\t]|\d{5,}|\d\s+\d")


@dataclass(frozen=True)
class Reflowed:
    """Reflowed text and its edits: ``inserted`` newlines (offsets in the input where a line
    break was inserted) and ``replaced`` offsets (a space turned into a line break)."""

    text: str
    inserted: tuple[int, ...] = ()
    replaced: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.replaced)

    def moved(self, offset: int) -> int:
        """Where an offset of the input lies in the reflowed text (after the breaks inserted before it)."""
        from bisect import bisect_right

        return offset + bisect_right(self.inserted, offset - 1)

    def apply(self, parallel: str) -> str:
        """The same edits on a text of the input's length (e.g. the original script)."""
        edits = sorted([(i, "\n", 1) for i in self.replaced] + [(i, "\n", 0) for i in self.inserted])
        out: list[str] = []
        pos = 0
        for i, ch, width in edits:
            out.append(parallel[pos:i])
            out.append(ch)
            pos = i + width
        out.append(parallel[pos:])
        return "".join(out)


@dataclass
class _Part:
    start: int        # the numeral
    value: int | None
    title_start: int


def reflow(text: str) -> Reflowed:
    """Restore the line breaks of flattened lines of ``text`` (others are left as they are)."""
    inserted: list[int] = []
    replaced: list[int] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        if len(line) >= MIN_FLAT_LINE:
            for b in sorted(set(_line_breaks(line))):
                if b <= 0 or b >= len(line):
                    continue
                if line[b] in _SPACES:
                    replaced.append(pos + b)
                elif line[b - 1] in _SPACES:
                    replaced.append(pos + b - 1)
                else:
                    inserted.append(pos + b)
        if nl < 0:
            break
        pos = nl + 1
    if not inserted and not replaced:
        return Reflowed(text)
    rf = Reflowed(text, tuple(sorted(set(inserted))), tuple(sorted(set(replaced))))
    return Reflowed(rf.apply(text), rf.inserted, rf.replaced)


#: a line ending in one of these ends its sentence (a fixed-width export never needs to cut there)
_SENTENCE_ENDS = SENTENCE_END + SEMICOLONS
#: a line that opens an enumerated item or a part starts anew even after a wrapped line
_ITEM_START = re.compile("|".join(rx.pattern for _, rx in SECTION_MARKERS))
#: lines at least this wide (display columns: 20 Chinese characters) are candidates for a fixed
#: wrap width; narrower ones are headings, titles and signatures
MIN_WRAP_COLUMNS = 40
#: a wrap width needs this many lines cut at it, and joins this many (a title or two of equal
#: width is not a fixed-width export)
MIN_WRAPPED_LINES = 6
#: a wrapped line may fall short of the width by this many columns (a wide character that did not fit)
WRAP_SLACK = 3


def wrap_width(lines: list[str]) -> int | None:
    """The width (display columns) at which ``lines`` were hard-wrapped — most of the wide lines that
    end mid-sentence are about that wide — or None when they were not."""
    stripped = [ln.strip() for ln in lines]
    widths = [w for w in (columns(ln) for ln in stripped
                          if ln and ln[-1] not in _SENTENCE_ENDS and not _CELL_LIKE.search(ln))
              if w >= MIN_WRAP_COLUMNS]
    if len(widths) < MIN_WRAPPED_LINES:
        return None
    counts = Counter(widths)
    best = max(sorted(counts), key=lambda w: sum(counts[v] for v in range(w - WRAP_SLACK, w + 1)))
    inside = sum(counts[v] for v in range(best - WRAP_SLACK, best + 1))
    return best if inside * 2 >= len(widths) else None


def unwrap(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with the line breaks of a fixed-width export joined: a line cut in mid-sentence at the
    text's wrap width (:func:`wrap_width`) runs on into the next, its newline turned into a space (the
    length and every offset stay). Returns the text and the offsets of the newlines joined."""
    lines = text.split("\n")
    width = wrap_width(lines)
    if width is None:
        return text, ()
    joined: list[int] = []
    pos = 0
    for k, line in enumerate(lines[:-1]):
        pos += len(line)
        body, nxt = line.strip(), lines[k + 1].strip()
        if (body and nxt and body[-1] not in _SENTENCE_ENDS and columns(body) >= width - WRAP_SLACK
                and not _CELL_LIKE.search(line) and not _CELL_LIKE.search(lines[k + 1])
                and not _ITEM_START.match(nxt)):
            joined.append(pos)
        pos += 1
    if len(joined) < MIN_WRAPPED_LINES:
        return text, ()
    return spaces_at(text, joined), tuple(joined)


def spaces_at(text: str, offsets: Sequence[int]) -> str:
    """``text`` with the characters at ``offsets`` turned into spaces (the joins of :func:`unwrap`,
    applied to the text itself or to a parallel one of the same length, such as the printed script)."""
    chars = list(text)
    for i in offsets:
        chars[i] = " "
    return "".join(chars)


# ------------------------------------------------------------------ breaks in one line

def _line_breaks(line: str) -> list[int]:
    parts = _part_chain(line)
    if not parts and len(CRAWLER_HEADER_KEY.findall(line)) < 2:
        # no headings: only a statistics table printed on one line gets its rows back
        return _segment_breaks(line, 0, len(line)) if _table_zones(line, 0, len(line)) else []
    breaks: list[int] = []
    body_from = 0
    mark = CRAWLER_BODY_MARK.search(line)
    header_end = mark.start() if mark else (parts[0].start if parts else 0)
    for m in CRAWLER_HEADER_KEY.finditer(line, 0, header_end):
        breaks.append(m.start())
    if mark:
        breaks += [mark.start(), mark.end()]
        body_from = mark.end()
    # segments between part headings: [segment start, segment end, title end]
    bounds: list[tuple[int, int]] = []
    for i, p in enumerate(parts):
        if p.start < body_from:
            continue
        breaks.append(p.start)
        nxt = parts[i + 1].start if i + 1 < len(parts) else len(line)
        title_end = _title_end(line, p.title_start, nxt)
        if title_end > 0:
            breaks.append(title_end)
        bounds.append((title_end if title_end > 0 else p.title_start, nxt))
    segments = [(body_from, parts[0].start if parts and parts[0].start >= body_from else len(line))] + bounds
    for a, b in segments:
        if b > a:
            breaks += _segment_breaks(line, a, b)
    return breaks


def _part_chain(line: str) -> list[_Part]:
    """Part headings of the line: the longest chain of consecutive numerals (attachments after it)."""
    cands: list[_Part] = []
    for m in _INLINE_PART.finditer(line):
        before = line[m.start() - 1] if m.start() > 0 else ""
        if before and (before in "第（(、" or before in "一二三四五六七八九十"):
            continue
        cands.append(_Part(m.start(), cn_number_value(m.group(1)), m.end()))
    if not cands:
        return []
    n = len(cands)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if cands[j].value is not None and cands[i].value is not None and best[j] + 1 > best[i] and (
                    cands[j].value + 1 == cands[i].value
                    # one part without a heading of its own (the problems part printed as sections
                    # only): the next numeral follows with a strong title
                    or cands[j].value + 2 == cands[i].value and PART_TITLE_STRONG.match(line, cands[i].title_start)):
                best[i], prev[i] = best[j] + 1, j
    i = max(range(n), key=lambda k: (best[k], -k))
    chain: list[_Part] = []
    while i >= 0:
        chain.append(cands[i])
        i = prev[i]
    chain.reverse()
    if len(chain) == 1:
        # a single heading inside a line must follow a sentence end (or open the line)
        p = chain[0]
        before = line[:p.start].rstrip(_SPACES)
        if (before and before[-1] not in _SENTENCE_END + "）)" and p.value != 1
                and not PART_TITLE_STRONG.match(line, p.title_start)):
            return []
    last = chain[-1].start
    for m in _ATTACHMENT.finditer(line, last):
        chain.append(_Part(m.start(), None, m.end()))
        break
    return chain


def _title_end(line: str, start: int, limit: int) -> int:
    """Where the part title starting at ``start`` ends (its body follows), or -1 when unclear."""
    window = line[start:min(limit, start + MAX_TITLE)]
    stop = len(window)
    m = _TITLE_STOP.search(window)
    if m:
        stop = m.start()
    y = _YEAR.search(window, 2)
    if y and y.start() < stop:
        stop = y.start()
    ends = [e.end() for e in PART_TITLE_ENDS.finditer(window, 0, stop)]
    if ends:
        # the first title ending that the body's opening words follow, else the last one
        end = next((e for e in ends if PART_BODY_OPENING.match(window, e)), ends[-1])
    elif stop < len(window):
        end = stop
    else:
        return -1
    # a colon or full stop right after the title stays on the title's line
    while end < len(window) and window[end] in "：:。":
        end += 1
    return start + end


def _segment_breaks(line: str, a: int, b: int) -> list[int]:
    """Section headings and table rows inside one part's text ``line[a:b]``."""
    out: list[int] = []
    zones = _table_zones(line, a, b)
    first_zone = min((z[0] for z in zones), default=b)
    for m in _SECTION.finditer(line, a, first_zone):
        before = line[a:m.start()].rstrip(_SPACES)
        if m.start() > a and (not before or before[-1] in _SENTENCE_END):
            out.append(m.start())
    for za, zb, kind in zones:
        out.append(za)
        tail = _narrative_tail(line, za, zb, kind)
        if tail < zb:
            out.append(tail)
            zb = tail
        if kind == "review_litigation":
            rows = [m.start() for m in REVIEW_ROW_START.finditer(line, za, zb) if m.start() > za]
            run = _VALUE_RUN.search(line, za, zb)
            if rows:
                out += rows
            elif run and run.start() > za:
                k = run.start()
                while k < zb and line[k] in _SPACES + "|":
                    k += 1
                out.append(k)
            continue
        out += [m.start() for m in TABLE_ROW_STARTS[kind].finditer(line, za, zb) if m.start() > za]
        if kind == "requests":
            out += _subrow_breaks(line, za, zb)
    return out


def _table_zones(line: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the statistics tables printed in ``line[a:b]``."""
    starts: list[tuple[int, str]] = []
    m = _PROACTIVE_START.search(line, a, b)
    if m:
        starts.append((m.start(), "proactive"))
    m = _REQUESTS_START.search(line, a, b)
    if m and len(TABLE_ROW_STARTS["requests"].findall(line, m.start(), b)) >= 3:
        s = m.start()
        if line.startswith("勾稽关系", s):
            # the note's opening bracket belongs to the table's first line
            k = line.rfind("（", a, s)
            s = k if k >= 0 and s - k <= 8 else s
        starts.append((s, "requests"))
    if not starts:
        m = _REVIEW_START.search(line, a, b)
        if m and REVIEW_HEADER_WORDS.search(line, m.start(), b):
            end = _narrative_tail(line, m.start(), b)
            if len(re.findall(r"\d", line[m.start():end])) >= 5:
                starts.append((m.start(), "review_litigation"))
    starts.sort()
    return [(s, starts[i + 1][0] if i + 1 < len(starts) else b, kind) for i, (s, kind) in enumerate(starts)]


def _subrow_breaks(line: str, a: int, b: int) -> list[int]:
    """Table-3 sub-rows 1. 2. …, numbered from 1 in each outcome group."""
    out: list[int] = []
    expect = 1
    for m in TABLE_SUBROW_NUMBER.finditer(line, a, b):
        k = int(m.group(1))
        # numbering goes on, or restarts at 1 in the next group (whose label may be printed anywhere)
        if k == expect or k == 1:
            out.append(m.start())
            expect = k + 1
    return out


def _narrative_tail(line: str, a: int, b: int, kind: str = "") -> int:
    """Where the narrative after a table starts in ``line[a:b]`` (``b`` when the zone ends on cells):
    the earliest point right after a cell from which only full sentences, free of cells and row
    labels, run to the zone's end. After table 4 (``kind`` review_litigation, the last table) the
    other tables' row labels are not looked for: a （一）-style section heading may open the narrative."""
    row_starts = [] if kind == "review_litigation" else list(TABLE_ROW_STARTS.values())
    for m in _AFTER_CELL.finditer(line, a, b):
        rest = line[m.end():b].rstrip(_SPACES)
        if rest and rest[-1] in "。！？" and not _CELL_LIKE.search(rest) and not REVIEW_ROW_START.search(rest) \
                and not any(p.search(rest) for p in row_starts):
            return m.end()
    return b
