"""The units a summary is made for (sections, parts, the whole text) and the model's input text.

A unit keeps its span, where its body begins (after a heading or part title), the
parser's sentence spans inside it and, for a section with an informative heading of
its own, that heading normalised (:func:`heading_headline`): such a section's headline
is its heading; generation is for unheaded text and for parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.document import Report, Section
from nlp.format import SUMMARY_GENERIC_HEADINGS, UNKNOWN_PART

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: numbering left at the start of a heading phrase (（一） 一、 1. 一是 第一，)
_LEADING_MARKER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、．.]|\d{1,2}[、．.]"
                             r"|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、]?)\s*")
#: a heading longer than this is cut at its first clause end
MAX_HEADING_CHARS = 40


@dataclass
class Unit:
    """One unit to summarize: ``key`` (``overview.2``, ``problems``, ``text``), its span,
    where its body begins, its sentence spans (None: split on demand) and its own heading."""

    key: str
    start: int
    end: int
    body_start: int
    sentences: list[tuple[int, int]] | None
    heading: str = ""


def table_spans(report: Report) -> list[tuple[int, int]]:
    """The report's table regions (the parser's table spans)."""
    return [(t.start, t.end) for t in report.tables]


def sentences_in(report: Report, a: int, b: int) -> list[tuple[int, int]] | None:
    """The parser's sentence spans inside ``[a, b)`` (None when there are none)."""
    sents = [(s.start, s.end) for s in report.sentences() if a <= s.start and s.end <= b]
    return sents or None


def has_prose(text: str) -> bool:
    """At least 12 characters, mostly Chinese, with clause punctuation."""
    t = re.sub(r"\s", "", text)
    return len(t) >= 12 and len(_CJK.findall(t)) / max(1, len(t)) >= 0.5 and any(c in t for c in "，。；")


def body_for_model(report: Report, a: int, b: int, tables: list[tuple[int, int]]) -> str:
    """The text of ``[a, b)`` without table regions, whitespace removed (the model's input)."""
    keep = []
    pos = a
    for ta, tb in sorted(tables):
        if tb <= a or ta >= b:
            continue
        keep.append(report.text[pos:max(pos, ta)])
        pos = max(pos, tb)
    keep.append(report.text[pos:b])
    return re.sub(r"\s+", "", "".join(keep))


def heading_headline(heading: str) -> str:
    """A section heading as a headline: whitespace, numbering and trailing punctuation removed,
    cut at its first clause end when longer than ``MAX_HEADING_CHARS``; '' when the heading
    is missing or generic (主要做法, 存在问题 …)."""
    h = re.sub(r"\s+", "", heading)
    h = _LEADING_MARKER.sub("", h)
    h = h.strip("。：:；;，,、！!？?")
    if len(h) > MAX_HEADING_CHARS:
        m = re.search(r"[，,；;：:。]", h)
        h = h[:m.start()] if m and m.start() >= 4 else h[:MAX_HEADING_CHARS]
    if len(_CJK.findall(h)) < 2 or h in SUMMARY_GENERIC_HEADINGS:
        return ""
    return h


def _section_unit(report: Report, key: str, sec: Section, tables: list[tuple[int, int]]) -> Unit | None:
    a = sec.body_start if sec.body_start >= 0 else sec.start
    if not has_prose(body_for_model(report, a, sec.end, tables)):
        return None
    return Unit(key, sec.start, sec.end, a, sentences_in(report, a, sec.end), heading_headline(sec.heading))


def is_structured(report: Report) -> bool:
    """True when the parser found at least one standard part (not only ``unknown`` ones)."""
    return any(p.key != UNKNOWN_PART for p in report.parts)


def units(report: Report, level: str, tables: list[tuple[int, int]]) -> list[Unit]:
    """The units of ``report`` at ``level``; a text without standard parts is one unit ``text``."""
    text = report.text
    if not is_structured(report):
        a = report.preamble[1] if report.preamble and report.preamble[1] > 0 else 0
        return [Unit("text", 0, len(text), a, sentences_in(report, a, len(text)))]
    out = []
    for part in report.parts:
        if level == "part":
            a = part.title_end if part.title_end > 0 else part.start
            if has_prose(body_for_model(report, a, part.end, tables)):
                out.append(Unit(part.key, part.start, part.end, a, sentences_in(report, a, part.end)))
            continue
        for i, sec in enumerate(part.sections, 1):
            u = _section_unit(report, f"{part.key}.{i}", sec, tables)
            if u is not None:
                out.append(u)
    return out
