"""Find the statistics tables' regions in the normalized text (their cells are read by ``nlp.tables``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocabulary import TABLE_REGION_WORDS, TABLE_KIND_WORDS

#: a line ending in a number after a label or a space: ``行政许可 550``, ``（七）总计 21 0 0 0 0 0 21``
NUMERIC_TAIL = re.compile(r"(?:^|[\s\u4e00-\u9fff）)、.])[-\d.,/]+(?:\s+[-\d.,/]+|\s+[—/-])*\s*$")
ONLY_NUMBERS = re.compile(r"^\s*(?:[-\d.,/%]+|/|—|-|无)(?:\s+(?:[-\d.,/%]+|/|—|-|无))*\s*$")
SENTENCE_PUNCT = re.compile(r"[。；！？]")
#: short label lines (a row label wrapped over lines) allowed between two table lines
MAX_LABEL_GAP = 4


@dataclass
class Line:
    start: int
    end: int
    text: str


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of ``text[start:end]`` with absolute offsets (newline excluded)."""
    end = len(text) if end is None else end
    out = []
    i = start
    while i < end:
        j = text.find("\n", i, end)
        if j < 0:
            j = end
        out.append(Line(i, j, text[i:j]))
        i = j + 1
    return out


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
    if len(s) <= 60 and not re.search(r"[。，；]", s) and any(w in s for w in TABLE_REGION_WORDS):
        return True
    if s.startswith(("（本列数据", "(本列数据")):
        return True
    return False


def table_kind(text: str) -> str:
    """Which statistics table a region holds, from its words."""
    scores = {k: sum(text.count(w) for w in words) for k, words in TABLE_KIND_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "unknown"


def table_shape(text: str) -> str:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        return "rows"
    if sum(ln.lstrip().startswith("|") for ln in lines) >= 0.3 * len(lines):
        return "pipes"
    if sum(("\t" in ln) for ln in lines) >= 0.3 * len(lines):
        cells_per_line = sum(len([c for c in ln.split("\t") if c.strip()]) for ln in lines) / len(lines)
        return "cell_per_line" if cells_per_line <= 1.5 else "html"
    if any(re.search(r"\d{7,}", ln) for ln in lines):
        return "glued"
    return "rows"


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
            # allow a blank line or a short label fragment between table lines
            if (not s or (len(s) <= 30 and "。" not in s)) and j + 1 < n and any(flags[j + 1:j + 1 + MAX_LABEL_GAP]):
                j += 1
                continue
            break
        has_numbers = any(re.search(r"\d", lines[k].text) for k in range(i, last + 1))
        strong = any(("\t" in lines[k].text or "|" in lines[k].text) for k in range(i, last + 1))
        if has_numbers and (count >= min_lines or strong):
            regions.append((lines[i].start, lines[last].end))
        i = last + 1
    return regions
