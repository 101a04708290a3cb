"""Part headings: candidates on lines (or inline in long lines) and the chain of parts chosen."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Part, Report
from ..format import (
    APPENDIX_HEADING,
    PART_HEADING,
    PART_TITLE_ENDS,
    PROBLEMS_SECTION_HEADING,
    STANDARD_PART_PATTERNS,
    STATISTICS_APPENDIX_TITLE,
    TABLE_ROW_HEADINGS,
    UNKNOWN_PART,
    cn_number_value,
    part_key_for_title,
)

#: a part title longer than this is an inline heading followed by its body
MAX_TITLE = 40
#: canonical order of parts since 2019 (for choosing among candidates)
PART_ORDER = {k: i for i, k in enumerate(("overview", "proactive", "requests", "review_litigation", "problems", "other"))}
INLINE_PART = re.compile(
    r"(?:(?<=[。；！？\s])|^)([一二三四五六七八九十]{1,2})\s*[、.．]\s*(?=总体情况|概述|主动公开政府信息|收到和处理政府信息公开申请|"
    r"政府信息公开行政复议|存在的主要问题|其他需要报告的事项)")
from ..textlines import LineIndex, RegionIndex


@dataclass
class _Candidate:
    start: int          # offset of the numeral (after markdown/bullets)
    heading_end: int    # end of the heading line (or of the inline title)
    number: str
    value: int
    title: str
    title_end: int
    key: str
    strong: bool


def _heading_title(text: str, pos: int, line_end: int) -> tuple[str, int]:
    """Title text from ``pos`` to the line end, or to the first 。/： when the line goes on (inline heading)."""
    raw = text[pos:line_end]
    stripped = raw.rstrip()
    if len(stripped) <= MAX_TITLE and not re.search(r"[。：:][^。：:]", stripped):
        t = stripped.rstrip("。：:")
        return t.strip(), pos + len(stripped)
    m = re.search(r"[。：:]", raw)
    if m and m.start() <= MAX_TITLE:
        return raw[:m.start()].strip(), pos + m.end()
    return "", -1


def _titled_like_a_part(title: str) -> bool:
    """A heading inside a table region that still reads as a part title: no digits, a title ending."""
    return not re.search(r"\d", title) and bool(PART_TITLE_ENDS.search(title[-4:]))


def part_candidates(text: str, lines: LineIndex, tables: RegionIndex) -> list[_Candidate]:
    out: list[_Candidate] = []
    seen: set[int] = set()

    for ln in lines:
        m = PART_HEADING.match(ln.text)
        if not m:
            continue
        number = m.group(1) or m.group(2)
        value = cn_number_value(number)
        if value is None:
            continue
        start = ln.start + m.start(1 if m.group(1) else 2)
        if m.group(1):
            start = ln.start + ln.text.index("第", 0)
        title, title_end = _heading_title(text, ln.start + m.end(), ln.end)
        if not title or title_end < 0:
            continue
        compact = re.sub(r"\s+", "", title)
        if TABLE_ROW_HEADINGS.search(compact) or re.search(r"\s\d+(\s+\d+)+\s*$", title):
            continue
        strong_key = next((k for k, pat in STANDARD_PART_PATTERNS.items() if pat.search(compact)), None)
        if start in tables and not strong_key and not _titled_like_a_part(compact):
            continue
        key = strong_key or part_key_for_title(compact)
        out.append(_Candidate(start, ln.end, number, value, compact, title_end, key, strong_key is not None))
        seen.add(start)
    # inline headings in text flattened to long lines (web pages)
    for ln in lines:
        if len(ln.text) < 200:
            continue
        for m in INLINE_PART.finditer(ln.text):
            start = ln.start + m.start(1)
            if start in seen:
                continue
            value = cn_number_value(m.group(1))
            rest = text[ln.start + m.end():ln.end]
            pat_key, title = None, ""
            for k, pat in STANDARD_PART_PATTERNS.items():
                mm = re.match(r"[^。：:，,\s]{2,30}?(情况|事项|概述)", rest)
                if mm and pat.search(mm.group(0)):
                    pat_key, title = k, mm.group(0)
                    break
            if pat_key is None or value is None:
                continue
            title_end = ln.start + m.end() + len(title)
            if title_end < ln.end and text[title_end] in "。：:":
                title_end += 1
            out.append(_Candidate(start, title_end, m.group(1), value, title, title_end, pat_key, True))
    out.sort(key=lambda c: c.start)
    return out


#: how far past an appendix label its title may run onto the next line (附件1：某某政府 / 2011年…统计表)
APPENDIX_TITLE_REACH = 40


def appendix_candidates(text: str, lines: LineIndex) -> list[_Candidate]:
    """Appendix labels at a line start whose title names the statistics table (附件1：…统计表,
    附表：…): the part of a 2008–2018 report that holds its table. The title may go on to the next
    line within :data:`APPENDIX_TITLE_REACH` characters; ``value`` is 0 (an appendix has no part number)."""
    out: list[_Candidate] = []
    rows = lines.lines
    for i, ln in enumerate(rows):
        m = APPENDIX_HEADING.match(ln.text)
        if not m or not m.group(1):
            continue
        pos = ln.start + m.end()
        rest = text[pos:ln.end].rstrip()
        title_end = pos + len(rest)
        found = STATISTICS_APPENDIX_TITLE.search(rest)
        if found is None and i + 1 < len(rows):
            nxt = rows[i + 1]
            found = STATISTICS_APPENDIX_TITLE.search(nxt.text[:APPENDIX_TITLE_REACH])
            if found is not None:
                rest, title_end = rest + nxt.text[:found.end()], nxt.start + found.end()
        elif found is not None and len(rest) > MAX_TITLE:
            rest, title_end = rest[:found.end()], pos + found.end()
        if found is None and not m.group(1).startswith("附表"):
            continue
        label = re.sub(r"\s+", "", m.group(1))
        out.append(_Candidate(ln.start + m.start(1), ln.end, label, 0, re.sub(r"\s+", "", rest), title_end,
                              UNKNOWN_PART, False))
    return out


def is_statistics_appendix(c: _Candidate) -> bool:
    """Whether a numbered heading is the statistics-table appendix (七、政府信息公开情况统计表)."""
    return part_key_for_title(c.title) == UNKNOWN_PART and bool(STATISTICS_APPENDIX_TITLE.search(c.title))


def with_appendix(chosen: list[_Candidate], appendices: list[_Candidate]) -> list[_Candidate]:
    """``chosen`` with the statistics table under an appendix label after its last part (附件1：…统计表)
    as a part of its own (key ``unknown``, as the web gold has it) instead of the end of that part.
    (A numbered one, 七、…统计表, is chosen with the parts: :func:`choose_parts`.)"""
    if not chosen or chosen[-1].key == UNKNOWN_PART:
        return chosen
    after = [c for c in appendices if c.start > chosen[-1].heading_end]
    return chosen + after[:1]


#: a table of contents at the top spans at most this many characters (titles, sub-entries, page numbers)
CONTENTS_MAX_CHARS = 1200
#: and lists at least this many part headings before the first one comes again
CONTENTS_MIN_ENTRIES = 3
_LEADER = re.compile(r"[.．…·\s\d]+$")


def _same_heading(a: _Candidate, b: _Candidate) -> bool:
    """Whether two candidates are the same part heading: the same numeral and the same known part,
    or the same title (dot leaders and a page number at its end left out)."""
    if a.value != b.value:
        return False
    if a.key != "unknown" or b.key != "unknown":
        return a.key == b.key
    return _LEADER.sub("", a.title) == _LEADER.sub("", b.title)


def without_contents(cands: list[_Candidate]) -> list[_Candidate]:
    """The candidates after a table of contents: when the first part heading comes again (the same
    numeral and part) after at least :data:`CONTENTS_MIN_ENTRIES` headings and within
    :data:`CONTENTS_MAX_CHARS` characters, the headings before it were the contents' entries (left to
    the preamble) and the parts start at its second appearance."""
    if not cands:
        return cands
    first = cands[0]
    for j in range(CONTENTS_MIN_ENTRIES, len(cands)):
        if cands[j].start - first.start > CONTENTS_MAX_CHARS:
            break
        if _same_heading(cands[j], first):
            return cands[j:]
    return cands


def choose_parts(cands: list[_Candidate]) -> list[_Candidate]:
    """Pick the part headings among candidates (those of a table of contents left out: :func:`without_contents`).

    With three or more standard titles (2019/2021 layouts) the chain of standard
    titles in canonical order is taken, plus numbered headings that fill gaps in
    its numbering; otherwise (2008-era free layouts) the longest run of
    consecutively numbered headings.
    """
    cands = without_contents(cands)
    strong = [c for c in cands if c.strong]
    if len({c.key for c in strong}) >= 3:
        # longest chain increasing in canonical order (ties: earliest), DP over strong candidates
        # (one pass: for each canonical position, the longest chain so far ending there and its earliest end)
        n = len(strong)
        best = [1] * n
        prev = [-1] * n
        ending: dict[int, tuple[int, int]] = {}   # canonical position → (chain length, earliest index)
        for i in range(n):
            k = PART_ORDER[strong[i].key]
            before = [ending[v] for v in ending if v < k]
            if before:
                length, j = max(before, key=lambda t: (t[0], -t[1]))
                best[i], prev[i] = length + 1, j
            if k not in ending or best[i] > ending[k][0]:
                ending[k] = (best[i], i)
        # prefer the longest chain; among equals the one ending last (covers the most text)
        i = max(range(n), key=lambda k: (best[k], k))
        chain = []
        while i >= 0:
            chain.append(strong[i])
            i = prev[i]
        chain.reverse()
        chosen = list(chain)
        # fill numbering gaps with weak numbered headings (e.g. 五、存在问题及整改措施), and the statistics
        # table's (七、…统计表) between or after the parts
        bounds = [None] + chain + [None]
        for a, b in zip(bounds, bounds[1:]):
            lo = a.start if a else -1
            hi = b.start if b else float("inf")
            want = (a.value + 1) if a else 1
            stop = b.value if b else want + 3
            for c in cands:
                if c.strong or not (lo < c.start < hi) or want >= stop:
                    continue
                if c.value == want and (c.key != UNKNOWN_PART or is_statistics_appendix(c)) \
                        and c.key not in {x.key for x in chosen if x.key != "other"}:
                    chosen.append(c)
                    want += 1
        chosen.sort(key=lambda c: c.start)
        return chosen
    # free layout: longest run of consecutive numbers, scored by known keys
    n = len(cands)
    if n == 0:
        return []
    score = [0.0] * n
    prev = [-1] * n
    by_value: dict[int, tuple[float, int]] = {}   # numeral → (best chain score ending there, earliest index)
    for i, c in enumerate(cands):
        own = 1.0 + (0.5 if c.key != "unknown" else 0.0) + (0.5 if c.strong else 0.0)
        score[i] = own + (0.5 if c.value == 1 else 0.0)
        before = by_value.get(c.value - 1)
        if before is not None and before[0] + own > score[i]:
            score[i], prev[i] = before[0] + own, before[1]
        if c.value not in by_value or score[i] > by_value[c.value][0]:
            by_value[c.value] = (score[i], i)
    i = max(range(n), key=lambda k: (score[k], -k))
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = prev[i]
    chain.reverse()
    if len(chain) == 1 and chain[0].key == "unknown":
        return []
    return chain


def infer_unheaded_problems(text: str, lines: LineIndex, parts: list[Part], doc: Report) -> None:
    """When the problems part has no heading but a later part holds sections headed (一)…问题/改进
    after its table, split that part there and mark the new part ``inferred``."""
    keys = {p.key for p in parts}
    if "problems" in keys or not ({"review_litigation", "requests"} & keys):
        return
    for i, p in enumerate(parts):
        if p.key not in ("review_litigation", "requests"):
            continue
        if i + 1 < len(parts) and parts[i + 1].key not in ("other",):
            continue
        for ln in lines.within(p.title_end, p.end):
            if ln.start <= p.title_end or ln.start >= p.end:
                continue
            stripped = ln.text.lstrip(" #*")
            if PROBLEMS_SECTION_HEADING.match(stripped):
                at = ln.start + (len(ln.text) - len(stripped))
                new = Part(at, p.end, key="problems", number="", title="", title_end=at, inferred=True, _doc=doc)
                e = at
                while e > p.start and text[e - 1].isspace():
                    e -= 1
                p.end = e
                parts.insert(i + 1, new)
                doc.warnings.append(f"part problems has no heading in the text; inferred from the section heading at offset {at}")
                return
