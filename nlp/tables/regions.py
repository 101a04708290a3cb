"""Where tables 2, 3 and 4 are printed in a report's text (by the format's markers)."""
from __future__ import annotations

import re

from ..document import Report
from ..textlines import split_lines
from ..format import (
    PART_HEADING,
    REQUEST_ROW_FRAGMENTS,
    TABLE_KIND_WORDS,
    TABLE_NOTE,
    TABLE_NOTE_CHARS,
    TABLE_REGION_WORDS,
    TABLE_START_MARKERS,
)

# ---- regions

def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching any marker, tolerant of spaces and ASCII/full-width brackets."""
    alts = []
    for m in markers:
        chars = []
        for ch in m:
            if ch in "（(":
                chars.append(r"[（(]")
            elif ch in "）)":
                chars.append(r"[）)]")
            else:
                chars.append(re.escape(ch))
        alts.append(r"\s*".join(chars))
    return re.compile("|".join(alts))


_START = {k: _marker_pattern(v) for k, v in TABLE_START_MARKERS.items()}
_PROACTIVE_FIRST = _marker_pattern(TABLE_START_MARKERS["proactive"][:2])
_CARRIED_FORWARD = _marker_pattern(REQUEST_ROW_FRAGMENTS["carried_forward"])
_NARRATIVE_LINE = re.compile(r"[。！？]")
#: a line holding only a numeral and its comma (vertical header text such as 三、)
_BARE_NUMERAL_LINE = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*$")
_NUMBER_RUN = re.compile(r"(?<![\d.])\d+")


def _line_at(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _is_narrative(line: str) -> bool:
    s = line.strip()
    return len(s) >= 30 and bool(_NARRATIVE_LINE.search(s)) and s.count("|") < 2 and s.count("\t") < 2


def _region_end(text: str, start: int, limit: int, need_values: int = 1) -> int:
    """Where a table starting at ``start`` ends: the first narrative line or part heading after its values."""
    pos = text.find("\n", start)
    if pos < 0 or pos >= limit:
        return limit
    pos += 1
    seen = 0
    while pos < limit:
        nl = text.find("\n", pos, limit)
        le = limit if nl < 0 else nl
        line = text[pos:le]
        if _is_narrative(line):
            return pos
        if seen >= need_values and PART_HEADING.match(line) and not _BARE_NUMERAL_LINE.match(line):
            return pos
        seen += len(_NUMBER_RUN.findall(line))
        pos = le + 1
    return limit


def _search_marker(pattern: re.Pattern[str], text: str, start: int, end: int | None = None,
                   headings: frozenset[int] = frozenset()) -> re.Match[str] | None:
    """The first table marker at or after ``start`` that is neither inside a narrative sentence
    (a note such as 具体数据见下表 may name the table before it) nor on a part heading line
    (``headings``: the lines where the parser found part headings)."""
    end = len(text) if end is None else end
    while True:
        m = pattern.search(text, start, end)
        if m is None:
            return None
        a, b = _line_at(text, m.start())
        if not _is_narrative(text[a:b]) and not any(a <= h < b for h in headings):
            return m
        start = b + 1


def find_regions(report: Report) -> dict[str, tuple[int, int]]:
    """Spans of tables 2, 3 and 4 in ``report.text`` (only those whose markers are found)."""
    text = report.text
    n = len(text)
    regions: dict[str, tuple[int, int]] = {}
    heads = frozenset(p.start for p in report.parts if not p.inferred)
    m = _search_marker(_PROACTIVE_FIRST, text, 0, None, heads) or _search_marker(_START["proactive"], text, 0, None, heads)
    p_start = _line_at(text, m.start())[0] if m else -1
    search_from = p_start if p_start >= 0 else 0
    m = _search_marker(_START["requests"], text, search_from, None, heads)
    r_start = _line_at(text, m.start())[0] if m else -1
    v_start = -1
    if r_start >= 0:
        cf = _CARRIED_FORWARD.search(text, r_start)
        after = _line_at(text, cf.start())[1] if cf else r_start
        m = _search_marker(_START["review_litigation"], text, after, None, heads)
        if m:
            v_start = _line_at(text, m.start())[0]
    else:
        part = report.part("review_litigation")
        if part is not None:
            m = _search_marker(_START["review_litigation"], text, part.start, part.end, heads)
            v_start = _line_at(text, m.start())[0] if m else -1
    review_part = report.part("review_litigation")
    if v_start < 0 and review_part is not None and not review_part.inferred and review_part.start > r_start:
        # table 4 printed without its header: its values follow the part heading directly
        body = review_part.title_end if review_part.title_end > review_part.start else review_part.start
        nl = text.find("\n", body, review_part.end)
        if nl >= 0 and _NUMBER_RUN.search(text, nl, review_part.end):
            v_start = nl + 1
    # the parser's table spans fill in a table whose markers were not found
    starts = {"proactive": p_start, "requests": r_start, "review_litigation": v_start}
    for kind, start in starts.items():
        span = report.table(kind)
        if start < 0 and span is not None:
            starts[kind] = span.start
    p_start, r_start, v_start = starts.values()
    if p_start >= 0:
        end = r_start if r_start > p_start else _region_end(text, p_start, n)
        regions["proactive"] = (p_start, end)
    if r_start >= 0:
        end = v_start if v_start > r_start else _region_end(text, r_start, n, need_values=7)
        regions["requests"] = (r_start, end)
    if v_start >= 0:
        limit = n
        for part in report.parts:
            if part.key in ("problems", "other") and part.start > v_start + 1:
                limit = min(limit, part.start)
        regions["review_litigation"] = (v_start, _region_end(text, v_start, limit, need_values=15))
    return regions


# ---- runs of table lines (any table, any shape): what the structure parser keeps out of paragraphs

#: a line ending in a number after a label or a space: ``行政许可 550``, ``（七）总计 21 0 0 0 0 0 21``
NUMERIC_TAIL = re.compile(r"(?:^|[\s\u4e00-\u9fff）)、.])[-\d.,/]+(?:\s+[-\d.,/]+|\s+[—/-])*\s*$")
ONLY_NUMBERS = re.compile(r"^\s*(?:[-\d.,/%]+|/|—|-|无)(?:\s+(?:[-\d.,/%]+|/|—|-|无))*\s*$")
SENTENCE_PUNCT = re.compile(r"[。；！？]")
_REGION_WORD = re.compile("|".join(map(re.escape, sorted(TABLE_REGION_WORDS, key=len, reverse=True))))
#: short label lines (a row label wrapped over lines) allowed between two table lines
MAX_LABEL_GAP = 4


def is_table_line(line: str) -> bool:
    """Whether a line belongs to a statistics table in one of its text shapes."""
    if "\t" in line:
        return True
    s = line.strip()
    if not s:
        return False
    if s.startswith("|") or s.endswith("|"):
        return True
    if ONLY_NUMBERS.match(s):
        return True
    if SENTENCE_PUNCT.search(s) and len(s) > 40:
        return False
    if len(s) <= 80 and NUMERIC_TAIL.search(s) and not s.endswith(("年", "月", "日")) and "。" not in s:
        # a label followed by numbers; narrative sentences end in 。 or a unit word
        return True
    if len(s) <= 4 and not SENTENCE_PUNCT.search(s):
        return True  # vertical fragments of a rotated header cell (本/年/度 …)
    if len(s) <= 60 and not re.search(r"[。，；]", s) and _REGION_WORD.search(s):
        return True
    if s.startswith(("（本列数据", "(本列数据")):
        return True
    return False


def table_kind(text: str) -> str:
    """Which statistics table a region holds, from its words."""
    scores = {k: sum(text.count(w) for w in words) for k, words in TABLE_KIND_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "unknown"


def find_table_regions(text: str, start: int = 0, end: int | None = None,
                       min_lines: int = 3) -> list[tuple[int, int]]:
    """Maximal runs of table lines (short non-table lines inside a run are absorbed)."""
    lines = split_lines(text, start, end)
    flags = [is_table_line(ln.text) for ln in lines]
    regions: list[tuple[int, int]] = []
    i = 0
    n = len(lines)
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        last = i
        count = 0
        while j < n:
            if flags[j]:
                last = j
                count += 1
                j += 1
                continue
            s = lines[j].text.strip()
            # allow a blank line, a short label fragment or a note (注：…) between table lines
            gap = not s or (len(s) <= 30 and "。" not in s) or (len(s) <= TABLE_NOTE_CHARS and TABLE_NOTE.match(s))
            if gap and j + 1 < n and any(flags[j + 1:j + 1 + MAX_LABEL_GAP]):
                j += 1
                continue
            break
        has_numbers = any(re.search(r"\d", lines[k].text) for k in range(i, last + 1))
        strong = any(("\t" in lines[k].text or "|" in lines[k].text) for k in range(i, last + 1))
        if has_numbers and (count >= min_lines or strong):
            regions.append((lines[i].start, lines[last].end))
        i = last + 1
    return regions
