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
from typing import Iterable, Iterator, Sequence

from ..document import Part, Report, Section
from .. import format as V
from ..sentences import split_sentences
from .shares import nonspace_chars
from .taxonomy import improvement_turn, theme_for_heading, theme_for_opener, theme_for_part

#: bodies shorter than this (characters, whitespace excluded) carry too little to learn from
MIN_BODY_CHARS = 12
#: source of body text no label covers (self-training only)
UNLABELLED_SOURCE = "unlabelled"
#: label sources that count as heading-labelled (evaluation uses only these, at section level)
HEADING_SOURCES = ("heading", "part", "half")


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
    agency: str = ""  # the agency's group (nlp.agency.group_agencies): the cross-validation group
    context: str = ""  # sentences: the paragraph they sit in (the model blends it in)

    @property
    def trainable(self) -> bool:
        """Has a theme (context units have none)."""
        return bool(self.theme)

    @property
    def evaluable(self) -> bool:
        """Heading-labelled section: the only kind the cross-validation scores."""
        return self.unit == "section" and self.source in HEADING_SOURCES


_SENTENCE_END = re.compile(r"[。！？；]")


#: any punctuation of prose: a line with none is a table's header or cell run (or a signature)
_PROSE_PUNCTUATION = re.compile(r"[，。；：、！？,;:]")


def is_narrative(text: str) -> bool:
    """Prose rather than table debris: at least one sentence end, mostly not digits, and at most half
    its characters on lines without any punctuation (a statistics table read line by line, its
    footnote the only sentence)."""
    n = nonspace_chars(text)
    if n == 0 or not _SENTENCE_END.search(text):
        return False
    digits = sum(1 for c in text if c.isdigit())
    if digits / n >= 0.3:
        return False
    bare = sum(nonspace_chars(line) for line in text.split("\n") if not _PROSE_PUNCTUATION.search(line))
    return bare * 2 <= n


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
                if section.marker.strip() and parent_theme is not None:
                    # a numbered item whose heading the parser left in its body (（三）进一步规范…1、…)
                    # among part 五's headed measures: its first phrase is its heading (training only)
                    theme = theme_for_heading(PHRASE_END.split(report.text[spans[0][0]:spans[0][1]], 1)[0],
                                              part.key)
                    source = "weak"
                else:
                    measures_follow = any(theme_for_heading(later.heading, part.key) == "improvements"
                                          for later in part.sections if later.heading.strip() and later.start > section.start)
                    yield from _problem_halves(report, part, spans, units, group, measures_follow)
                    continue
            position = positions.get(id(section), -1)
            body = _join(report, spans)
            if theme is None:
                if "section" in units and position >= 0 and nonspace_chars(body) >= MIN_BODY_CHARS:
                    yield LabelledText(group, "", body, spans[0][0], spans[-1][1], "section", "context", part.key,
                                       section.heading, report.era, position)
                continue
            if nonspace_chars(body) < MIN_BODY_CHARS or (source == "part" and not is_narrative(body)):
                continue
            if "section" in units:
                yield LabelledText(group, theme, body, spans[0][0], spans[-1][1], "section", source, part.key,
                                   section.heading, report.era, position)
            yield from _smaller_units(report, spans, theme, "weak" if source == "weak" else source, part.key,
                                      section.heading, units, group, single=len(spans) == 1)


def _smaller_units(report: Report, spans, theme, source, part_key, heading, units, group, single: bool) -> Iterator[LabelledText]:
    for s, e in spans:
        if "paragraph" in units and not single and nonspace_chars(report.text[s:e]) >= MIN_BODY_CHARS \
                and is_narrative(report.text[s:e]):
            yield LabelledText(group, theme, report.text[s:e], s, e, "paragraph", source, part_key, heading)
        if "sentence" in units:
            sents = split_sentences(report.text, s, e)
            if len(sents) > 1:
                for a, b in sents:
                    if nonspace_chars(report.text[a:b]) >= MIN_BODY_CHARS:
                        yield LabelledText(group, theme, report.text[a:b], a, b, "sentence", source, part_key, heading,
                                           context=report.text[s:e])


def _problem_halves(report: Report, part: Part, spans, units, group, measures_follow: bool) -> Iterator[LabelledText]:
    """The two halves of unheaded part 五 text (存在的主要问题及改进情况): sentences before the turn
    to improvements (下一步, 2024年将 …: ``improvement_turn``) → problems, from the turn on →
    improvements, the turn's own cue words cut off (so that a model scored on the half cannot
    learn the cue that drew the line). With a turn, both halves are evaluable sections (source
    ``'half'``); without one it is all problems, evaluable when headed measures follow it in the
    part (``measures_follow``), else a weak label (training only)."""
    sentences = [(a, b, s, e) for s, e in spans for a, b in split_sentences(report.text, s, e)]
    if not sentences:
        return
    turn_at = None
    for a, b, _, _ in sentences:
        at = improvement_turn(report.text[a:b])
        if at is not None:
            m = V.IMPROVEMENT_TURN.search(report.text, a + at)
            turn_at, cue_end = a, (m.end() if m else a + at)
            break
    source = "half" if turn_at is not None or measures_follow else "weak"
    halves = {"problems": [x for x in sentences if turn_at is None or x[0] < turn_at],
              "improvements": [(max(a, cue_end), b, s, e) for a, b, s, e in sentences
                               if turn_at is not None and a >= turn_at]}
    for theme, sents in halves.items():
        text = "".join(report.text[a:b] for a, b, _, _ in sents).lstrip("，,：: 　")
        if nonspace_chars(text) < MIN_BODY_CHARS:
            continue
        if "section" in units:
            yield LabelledText(group, theme, text, sents[0][0], sents[-1][1], "section", source, part.key, "",
                               report.era)
        if "sentence" in units and len(sents) > 1:
            for a, b, s, e in sents:
                if nonspace_chars(report.text[a:b]) >= MIN_BODY_CHARS:
                    yield LabelledText(group, theme, report.text[a:b], a, b, "sentence", "weak", part.key, "",
                                       context=report.text[s:e])


#: an enumerated opener inside a body: 一是…, （三）…, 3. … at the start of a sentence or clause list
ITEM_OPENER = re.compile(r"(?:(?<=^)|(?<=[。；！？\n：:]))[ \t　]*([一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十]{1,3}[）)]"
                     r"|[（(]\d{1,2}[）)]|\d{1,2}[.．、](?!\d))")
#: the opener's phrase ends at the first clause punctuation
PHRASE_END = re.compile(r"[，,。：:；;！？\n]")
#: longest opener phrase read as a heading (longer ones are sentences, not item titles)
MAX_OPENER_PHRASE = 24


@dataclass(frozen=True)
class EnumeratedItem:
    """One enumerated item of a text: its opener (``match``), where it ends (the next opener or the
    text's end), its text after the opener (stripped) and its opening phrase."""

    match: re.Match[str]
    end: int
    item: str
    phrase: str

    @property
    def titled(self) -> bool:
        """The phrase reads as an item title (not empty, at most :data:`MAX_OPENER_PHRASE`)."""
        return 0 < len(self.phrase) <= MAX_OPENER_PHRASE


def enumerated_items(text: str) -> list[EnumeratedItem]:
    """Every enumerated item of ``text`` (:data:`ITEM_OPENER` to the next opener), in order."""
    marks = list(ITEM_OPENER.finditer(text))
    out: list[EnumeratedItem] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        item = text[m.end():end].strip()
        out.append(EnumeratedItem(m, end, item, PHRASE_END.split(item, 1)[0]))
    return out


def opener_items(report: Report) -> Iterator[LabelledText]:
    """Items of section bodies that an enumerated opener introduces (一是加强培训…, （三）平台建设…),
    labelled by the opener's phrase (``taxonomy.theme_for_opener``).

    An item runs from its opener to the next opener or the end of its paragraph. Outside
    part 一, items after the turn to improvements (下一步, 作进一步的改进 …: ``improvement_turn``)
    in their part are improvements unless their phrase states a shortcoming. An item whose
    phrase names no theme takes its section heading's (source ``'inherited'``, outside part 五).
    Training data only (source ``'opener'``, unit ``'item'``): never scored.
    """
    for part in report.parts:
        turned = False
        for section in part.sections:
            heading_theme = theme_for_heading(section.heading, part.key) if section.heading.strip() else None
            for s, e in body_spans(report, section):
                text = report.text[s:e]
                found = enumerated_items(text)
                before = text[:found[0].match.start()] if found else text
                turned = turned or (part.key != "overview" and improvement_turn(before) is not None)
                for it in found:
                    m, end, item, phrase = it.match, it.end, it.item, it.phrase
                    if not it.titled or nonspace_chars(item) < MIN_BODY_CHARS:
                        continue
                    theme, source = theme_for_opener(phrase, part.key), "opener"
                    if theme is None and heading_theme is not None and part.key != "problems":
                        theme, source = heading_theme, "inherited"  # an item under a themed heading
                    if turned and theme != "problems":
                        theme = "improvements"
                    if part.key != "overview" and improvement_turn(item) is not None:
                        turned = True  # the item itself announces what follows (…作进一步的改进：)
                    if theme is None or not is_narrative(item + "。"):
                        continue
                    a = s + m.start(1)
                    yield LabelledText(report.source or report.id, theme, text[m.start(1):end].strip(), a,
                                       s + end, "item", source, part.key, phrase, report.era,
                                       agency=report.agency, context=text)


#: a sentence this long shared word for word by two agencies' reports joins them in one CV group
SHARED_TEXT_CHARS = 30


def corpus_units(reports: Iterable[Report], units: Iterable[str] = ("section", "paragraph", "sentence"),
                 items: bool = True) -> list[LabelledText]:
    """Labelled units of many reports in a stable order, each with its cross-validation group.

    The group is the agency (``nlp.agency.group_agencies`` over the reports' agency names;
    the report itself when unnamed), and agencies whose reports share a sentence of at
    least :data:`SHARED_TEXT_CHARS` characters word for word (one site's copied text under
    two names) are merged, so that no text is on both sides of a split. ``items``: also
    the opener-labelled items (:func:`opener_items`).
    """
    from ..agency import group_agencies

    reports = sorted(reports, key=lambda r: r.source or r.id)
    names = group_agencies(r.agency for r in reports)
    found: list[tuple[str, list[LabelledText]]] = []
    for r in reports:
        found.append((names.get(r.agency, "") or (r.source or r.id),
                      list(labelled_units(r, units)) + (list(opener_items(r)) if items else [])))
    parent: dict[str, str] = {}

    def root(g: str) -> str:
        while parent.get(g, g) != g:
            g = parent[g]
        return g

    seen: dict[str, str] = {}
    for agency, us in found:
        for u in us:
            for a, b in split_sentences(u.text, 0, len(u.text)):
                key = "".join(u.text[a:b].split())
                if len(key) < SHARED_TEXT_CHARS:
                    continue
                other = seen.setdefault(key, agency)
                ra, rb = root(agency), root(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    out: list[LabelledText] = []
    for agency, us in found:
        for u in us:
            u.agency = root(agency)
        out.extend(us)
    return out


def unlabelled_units(reports: Iterable[Report], labelled: Sequence[LabelledText]) -> list[LabelledText]:
    """Body paragraphs (and their sentences) that no labelled unit covers (part 一's unheaded
    introductions, sections whose heading matches no rule): theme ``""``, source ``'unlabelled'``,
    for self-training. Each carries its report's CV group from ``labelled`` (the report itself
    when it has no labelled unit), so that a held-out agency's text never enters training."""
    covered: dict[str, list[tuple[int, int]]] = {}
    agency: dict[str, str] = {}
    for u in labelled:
        agency.setdefault(u.report, u.agency)
        if u.trainable:
            covered.setdefault(u.report, []).append((u.start, u.end))
    out: list[LabelledText] = []
    for r in sorted(reports, key=lambda r: r.source or r.id):
        key = r.source or r.id
        spans = covered.get(key, [])
        for part in r.parts:
            for section in part.sections:
                for s, e in body_spans(r, section):
                    text = r.text[s:e]
                    if any(a < e and s < b for a, b in spans) or nonspace_chars(text) < MIN_BODY_CHARS \
                            or not is_narrative(text):
                        continue
                    out.append(LabelledText(key, "", text, s, e, "paragraph", UNLABELLED_SOURCE, part.key,
                                            agency=agency.get(key, key)))
                    for a, b in split_sentences(r.text, s, e):
                        if nonspace_chars(r.text[a:b]) >= MIN_BODY_CHARS and (a, b) != (s, e):
                            out.append(LabelledText(key, "", r.text[a:b], a, b, "sentence", UNLABELLED_SOURCE, part.key,
                                                    agency=agency.get(key, key), context=text))
    return out
