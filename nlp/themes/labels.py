"""Training and evaluation labels taken from the reports themselves.

A section's theme comes from its heading (``theme_for_heading``); the unheaded text
of a part from the part's title (``theme_for_part``). The text a model sees is the
section **body without its heading** (its paragraphs, tables excluded). Part 五's
unheaded text is split at the turn to improvements (下一步 …) into a problems half
and an improvements half: those are *weak* labels, used for training only and never
for evaluation. Paragraphs and sentences of a labelled section inherit its theme
(training only).

Top-level headed sections whose heading matches no rule become *context* units
(theme ``""``, source ``'context'``): never trained on or scored, but predicted in
the cross-validation so that the held-out part's section sequence is decoded as
``classify_themes`` decodes it (``nlp.themes.sequence``). ``position`` is a section's
ordinal among its part's top-level headed sections (-1 for other units).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..document import Part, Report, Section
from ..sentences import split_sentences
from .taxonomy import improvement_turn, theme_for_heading, theme_for_part

#: bodies shorter than this (characters, whitespace excluded) carry too little to learn from
MIN_BODY_CHARS = 12
#: label sources that count as heading-labelled (evaluation uses only these, at section level)
HEADING_SOURCES = ("heading", "part")


@dataclass
class LabelledText:
    """A text with a theme label and where it came from."""

    report: str       # the report it belongs to (the CV group)
    theme: str
    text: str
    start: int        # offsets of the text's first/last character in Report.text
    end: int
    unit: str         # 'section' | 'paragraph' | 'sentence'
    source: str       # 'heading' | 'part' | 'weak'
    part: str = ""
    heading: str = ""
    era: str = ""     # Report.era of the report (structure for the section decoder)
    position: int = -1  # ordinal among the part's top-level headed sections; -1: not one

    @property
    def trainable(self) -> bool:
        """Has a theme (context units have none)."""
        return bool(self.theme)

    @property
    def evaluable(self) -> bool:
        """Heading-labelled section: the only kind the cross-validation scores."""
        return self.unit == "section" and self.source in HEADING_SOURCES


def _chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


_SENTENCE_END = re.compile(r"[。！？；]")


def is_narrative(text: str) -> bool:
    """Prose rather than table debris: at least one sentence end, and mostly not digits."""
    n = _chars(text)
    if n == 0 or not _SENTENCE_END.search(text):
        return False
    digits = sum(1 for c in text if c.isdigit())
    return digits / n < 0.3


def body_spans(report: Report, section: Section) -> list[tuple[int, int]]:
    """The section's paragraph spans clipped to its body (after the heading); empty ones dropped."""
    b = section.body_start if section.body_start >= 0 else section.start
    if section.heading_end > b:
        b = section.heading_end
    spans = []
    for para in section.paragraphs:
        s, e = max(para.start, b), min(para.end, section.end)
        while s < e and report.text[s] in " \t\r\n　。．.：:，,；;":
            s += 1
        while e > s and report.text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _join(report: Report, spans: list[tuple[int, int]]) -> str:
    return "\n".join(report.text[s:e] for s, e in spans)


def _section_theme(part: Part, section: Section, inherited: str | None) -> tuple[str | None, str]:
    if section.heading.strip():
        theme = theme_for_heading(section.heading, part.key)
        if theme is None and inherited is not None:
            return inherited, "heading"
        return theme, "heading"
    return theme_for_part(part.key, part.title), "part"


def _is_sub_marker(section: Section, top_kind: str) -> bool:
    """A lower-level heading (一是…, 1., (1)) under a top-level one (（一）…): it inherits."""
    return bool(top_kind) and _marker_kind(section.marker) != top_kind


def _marker_kind(marker: str) -> str:
    m = (marker or "").strip()
    if not m:
        return ""
    if m[0] in "（(":
        return "paren_arabic" if any(c.isdigit() for c in m) else "paren_cn"
    if m.endswith("是"):
        return "ordinal_shi"
    if m[0].isdigit():
        return "arabic"
    if m.startswith("第"):
        return "di_cn"
    return "other"


def top_level_sections(part: Part) -> list[Section]:
    """The part's headed sections at the top numbering level (sub-headings like 一是…/1. under （一）… excluded)."""
    top_kind = next((_marker_kind(s.marker) for s in part.sections if s.heading.strip() and s.marker), "")
    return [s for s in part.sections if s.heading.strip() and not _is_sub_marker(s, top_kind)]


def labelled_units(report: Report, units: Iterable[str] = ("section", "paragraph", "sentence")) -> Iterator[LabelledText]:
    """Every labelled text of ``report``: sections (bodies without headings), their paragraphs, sentences."""
    units = tuple(units)
    group = report.source or report.id
    for part in report.parts:
        top_kind = next((_marker_kind(s.marker) for s in part.sections if s.heading.strip() and s.marker), "")
        parent_theme: str | None = None
        positions = {id(s): i for i, s in enumerate(top_level_sections(part))}
        for section in part.sections:
            inherited = parent_theme if _is_sub_marker(section, top_kind) else None
            theme, source = _section_theme(part, section, inherited)
            if section.heading.strip() and not _is_sub_marker(section, top_kind):
                parent_theme = theme
            spans = body_spans(report, section)
            if not spans:
                continue
            if theme is None and part.key == "problems" and not section.heading.strip():
                yield from _problem_halves(report, part, section, spans, units, group)
                continue
            position = positions.get(id(section), -1)
            body = _join(report, spans)
            if theme is None:
                if "section" in units and position >= 0 and _chars(body) >= MIN_BODY_CHARS:
                    yield LabelledText(group, "", body, spans[0][0], spans[-1][1], "section", "context", part.key,
                                       section.heading, report.era, position)
                continue
            if _chars(body) < MIN_BODY_CHARS or (source == "part" and not is_narrative(body)):
                continue
            if "section" in units:
                yield LabelledText(group, theme, body, spans[0][0], spans[-1][1], "section", source, part.key,
                                   section.heading, report.era, position)
            yield from _smaller_units(report, spans, theme, "weak" if source == "weak" else source, part.key,
                                      section.heading, units, group, single=len(spans) == 1)


def _smaller_units(report: Report, spans, theme, source, part_key, heading, units, group, single: bool) -> Iterator[LabelledText]:
    for s, e in spans:
        if "paragraph" in units and not single and _chars(report.text[s:e]) >= MIN_BODY_CHARS:
            yield LabelledText(group, theme, report.text[s:e], s, e, "paragraph", source, part_key, heading)
        if "sentence" in units:
            sents = split_sentences(report.text, s, e)
            if len(sents) > 1:
                for a, b in sents:
                    if _chars(report.text[a:b]) >= MIN_BODY_CHARS:
                        yield LabelledText(group, theme, report.text[a:b], a, b, "sentence", source, part_key, heading)


def _problem_halves(report: Report, part: Part, section: Section, spans, units, group) -> Iterator[LabelledText]:
    """Weak labels for unheaded part 五 text: sentences before the turn → problems, after → improvements."""
    sentences = [x for s, e in spans for x in split_sentences(report.text, s, e)]
    if not sentences:
        return
    turn_at = None
    for a, b in sentences:
        if improvement_turn(report.text[a:b]) is not None:
            turn_at = a
            break
    halves = {"problems": [x for x in sentences if turn_at is None or x[0] < turn_at],
              "improvements": [x for x in sentences if turn_at is not None and x[0] >= turn_at]}
    for theme, sents in halves.items():
        text = "".join(report.text[a:b] for a, b in sents)
        if _chars(text) < MIN_BODY_CHARS:
            continue
        if "section" in units:
            yield LabelledText(group, theme, text, sents[0][0], sents[-1][1], "section", "weak", part.key, "")
        if "sentence" in units and len(sents) > 1:
            for a, b in sents:
                if _chars(report.text[a:b]) >= MIN_BODY_CHARS:
                    yield LabelledText(group, theme, report.text[a:b], a, b, "sentence", "weak", part.key, "")


def corpus_units(reports: Iterable[Report], units: Iterable[str] = ("section", "paragraph", "sentence")) -> list[LabelledText]:
    """Labelled units of many reports, in a stable order."""
    out: list[LabelledText] = []
    for r in sorted(reports, key=lambda r: r.source or r.id):
        out.extend(labelled_units(r, units))
    return out
