"""Sections inside a part (（一）, 一是, 1. … headings), their paragraphs and sentences."""
from __future__ import annotations

import re

from ..document import Paragraph, Part, Report, Section, Sentence
from ..sentences import split_sentences
from ..textlines import LineIndex, RegionIndex
from ..format import (
    SECTION_KINDS_ANY_START,
    SECTION_MARKERS,
    cn_number_value,
)
from .parts import MAX_TITLE


def _section_markers(text: str, lines: LineIndex, start: int, end: int,
                     tables: RegionIndex) -> list[tuple[int, str, str]]:
    """Section heading positions inside [start, end): (offset, marker kind, marker text)."""
    for kind, pat in SECTION_MARKERS:
        found: list[tuple[int, str, str]] = []
        expect = 1
        for ln in lines.within(start, end):
            if ln.end <= start or ln.start >= end or ln.start in tables:
                continue
            body = ln.text
            offset = ln.start
            # at the line start (after bullets, markdown markers and spaces)
            lead = len(body) - len(body.lstrip(" \t#*>-"))
            positions = [offset + lead]
            if kind == "paren_cn":
                # inline after a sentence end, e.g. web text flattened to one line
                sep = r"[。；\s]" if len(body) >= 200 else r"[。；]"
                positions += [offset + m.end() for m in re.finditer(sep + r"(?=\s*[（(][一二三四五六七八九十]{1,3}[）)])", body)]
            for pos in positions:
                if pos < start or pos >= end:
                    continue
                m = pat.match(text, pos)
                while m is None and pos < ln.end and text[pos] == " ":
                    pos += 1
                    m = pat.match(text, pos)
                if not m:
                    continue
                value = cn_number_value(m.group(1))
                if not found and kind in SECTION_KINDS_ANY_START and value is not None and value > 1:
                    expect = value
                if value == expect:
                    found.append((pos, kind, m.group(0)))
                    expect += 1
        if len(found) >= 2 or (found and kind == "paren_cn"):
            return found
    return []


#: where an inline heading without punctuation runs into its body: an enumeration or a year
HEADING_RUNS_INTO_BODY = re.compile(r"[一二三四五六七八九十]是|[（(]1[）)]|1[.、．]|(?:19|20)\d{2}年")


def _section_heading(text: str, pos: int, marker: str, end: int) -> tuple[str, int, int, int]:
    """(heading, heading_start, heading_end, body_start) for a section starting at ``pos``."""
    h, hs, he, bs = _section_heading_raw(text, pos, marker, end)
    if he > hs and bs <= he:  # inline heading cut at a comma: it may run into its body
        m = HEADING_RUNS_INTO_BODY.search(h, 4)
        if m:
            return h[:m.start()], hs, hs + m.start(), hs + m.start()
    return h, hs, he, bs


def _section_heading_raw(text: str, pos: int, marker: str, end: int) -> tuple[str, int, int, int]:
    hs = pos + len(marker)
    while hs < end and text[hs] in " \t":
        hs += 1
    line_end = text.find("\n", hs, end)
    line_end = end if line_end < 0 else line_end
    line = text[hs:line_end]
    if len(line.rstrip()) <= MAX_TITLE and not re.search(r"[。；！？][^。；！？\s]", line.rstrip()):
        h = line.rstrip().rstrip("。：:；;")
        return h, hs, hs + len(h), min(line_end + 1, end)
    m = re.search(r"[。：:；;！？]", line)
    w = re.search(r"\s", line)
    if w and w.start() <= 30 and (not m or w.start() < m.start()):
        # text flattened to one line: the heading ends at the space before its body
        return line[:w.start()], hs, hs + w.start(), hs + w.end()
    if m and m.start() <= MAX_TITLE:
        return line[:m.start()], hs, hs + m.start(), hs + m.end()
    m = re.search(r"[，,]", line)
    if m and m.start() <= 25:
        return line[:m.start()], hs, hs + m.start(), hs + m.start()
    return "", hs, hs, hs


def _paragraphs(text: str, lines: LineIndex, start: int, end: int,
                tables: RegionIndex, doc: Report) -> list[Paragraph]:
    out = []
    for ln in lines.within(start, end):
        a, b = max(ln.start, start), min(ln.end, end)
        if b <= a:
            continue
        if tables.overlaps(a, b):
            continue
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        sents = [Sentence(s, e, _doc=doc) for s, e in split_sentences(text, a, b)]
        out.append(Paragraph(a, b, sentences=sents, _doc=doc))
    return out


def build_sections(text: str, lines: LineIndex, part: Part, tables: RegionIndex, doc: Report) -> None:
    body_start = part.title_end if part.title_end > part.start else part.start
    markers = _section_markers(text, lines, body_start, part.end, tables)
    bounds = [(m[0], m[2]) for m in markers]
    sections: list[Section] = []
    first = bounds[0][0] if bounds else part.end
    if text[body_start:first].strip():
        sec = Section(body_start, first, heading="", marker="", body_start=body_start, _doc=doc)
        sections.append(sec)
    for i, (pos, marker) in enumerate(bounds):
        nxt = bounds[i + 1][0] if i + 1 < len(bounds) else part.end
        heading, hs, he, bs = _section_heading(text, pos, marker, nxt)
        sections.append(Section(pos, nxt, heading=heading, marker=marker, heading_start=hs, heading_end=he,
                                body_start=bs, _doc=doc))
    for sec in sections:
        # trim trailing whitespace so the section ends on text
        e = sec.end
        while e > sec.start and text[e - 1].isspace():
            e -= 1
        sec.end = e
        b = sec.body_start if sec.body_start >= 0 else sec.start
        if sec.heading and sec.heading_end > sec.heading_start and b <= sec.heading_end:
            # inline heading: the heading sentence is not a body paragraph of its own
            b = sec.heading_end
        sec.paragraphs = _paragraphs(text, lines, min(b, sec.end), sec.end, tables, doc)
    part.sections = sections
