"""Label a parsed report's narrative with themes: sections, paragraphs and sentences.

:func:`classify_themes` classifies every section body (heading excluded), paragraph and
sentence of the report's parts (tables and table debris are skipped), gives each
section a distribution (its label decoded with the other sections of its part where the
part follows the template order: ``nlp.themes.sequence``), counts characters per theme for the whole report (from the
sentence labels) and scores the specificity of the problems/improvements text. Every
label carries ``start``/``end`` offsets into ``Report.text``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .. import format as V
from ..document import Report
from ..errors import XxgkError
from ..sentences import split_sentences
from .labels import body_spans, is_narrative, top_level_sections
from .shares import nonspace_counter, theme_chars, theme_shares
from .taxonomy import theme_for_heading

LEVELS = ("section", "paragraph", "sentence")


@dataclass
class ThemeSpan:
    """One labelled unit of text: its level, where it is, its theme and probabilities."""

    level: str
    part: str
    section: int          # index of the section in report order
    start: int
    end: int
    theme: str
    probability: float
    probabilities: dict[str, float]
    text: str = ""

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        d = {"level": self.level, "part": self.part, "section": self.section, "start": self.start, "end": self.end,
             "theme": self.theme, "probability": self.probability, "probabilities": self.probabilities}
        if with_text:
            d["text"] = self.text
        return d


@dataclass
class SectionThemes:
    """A section: its label and distribution from the body, and character shares of its sentences' themes."""

    index: int
    part: str
    heading: str
    heading_theme: str | None   # what the heading rules say (for comparison; not used to predict)
    start: int
    end: int
    theme: str
    probability: float
    distribution: dict[str, float]
    shares: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SpecificityItem:
    """A concrete item found in problems/improvements text (evidence for the score)."""

    kind: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ProblemSpecificity:
    """Concrete items (numbers, named measures, deadlines, responsible units) vs generic phrasing,
    per 100 characters of problems/improvements text; ``score`` = concrete / (concrete + generic)."""

    chars: int
    concrete: dict[str, int]
    concrete_per_100: float
    generic: int
    generic_per_100: float
    score: float
    by_theme: dict[str, dict[str, float]] = field(default_factory=dict)
    items: list[SpecificityItem] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["items"] = [i.to_dict() for i in self.items]
        d["spans"] = [list(s) for s in self.spans]
        return d


@dataclass
class ReportThemes:
    """The themes of one report."""

    report_id: str
    source: str
    agency: str
    year: int | None
    level: str
    units: list[ThemeSpan]
    sections: list[SectionThemes]
    shares: dict[str, int]
    specificity: ProblemSpecificity | None
    model: dict[str, Any]

    @property
    def share_fractions(self) -> dict[str, float]:
        """Fraction of the sentence characters per theme (themes with none left out)."""
        return theme_shares((0, n, t) for t, n in self.shares.items())

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        return {
            "report": self.report_id, "source": self.source, "agency": self.agency, "year": self.year,
            "level": self.level, "shares": self.shares, "share_fractions": self.share_fractions,
            "sections": [s.to_dict() for s in self.sections],
            "units": [u.to_dict(with_text) for u in self.units],
            "specificity": self.specificity.to_dict() if self.specificity else None,
            "model": self.model,
        }


# ---------------------------------------------------------------- specificity

def problem_specificity(text: str, spans: Sequence[tuple[int, int]], themes: Sequence[str] | None = None) -> ProblemSpecificity | None:
    """Score the text in ``spans`` (offsets into ``text``); ``themes`` (one per span) splits the score by theme."""
    if not spans:
        return None
    kinds = list(V.SPECIFICITY_CONCRETE)
    items: list[SpecificityItem] = []
    generic = 0
    chars = 0
    per_theme: dict[str, list[int]] = {}
    for i, (s, e) in enumerate(spans):
        seg = text[s:e]
        n = sum(1 for c in seg if not c.isspace())
        chars += n
        found: list[tuple[int, int, str]] = []
        for kind in kinds:
            for m in V.SPECIFICITY_CONCRETE[kind].finditer(seg):
                if m.group().strip():
                    found.append((m.start(), m.end(), kind))
        kept: list[tuple[int, int, str]] = []
        for a, b, kind in sorted(found, key=lambda x: (x[0], -(x[1] - x[0]), kinds.index(x[2]))):
            if kept and a < kept[-1][1]:
                continue  # overlaps an item already counted
            kept.append((a, b, kind))
        g = len(V.SPECIFICITY_GENERIC.findall(seg))
        generic += g
        items.extend(SpecificityItem(kind, s + a, s + b, seg[a:b]) for a, b, kind in kept)
        if themes is not None:
            acc = per_theme.setdefault(themes[i], [0, 0, 0])
            acc[0] += n
            acc[1] += len(kept)
            acc[2] += g
    if chars == 0:
        return None
    counts = {k: sum(1 for it in items if it.kind == k) for k in kinds}
    concrete = sum(counts.values())

    def per100(x: int, n: int) -> float:
        return round(100.0 * x / n, 3) if n else 0.0

    by_theme = {t: {"chars": a[0], "concrete_per_100": per100(a[1], a[0]), "generic_per_100": per100(a[2], a[0]),
                    "score": round(a[1] / (a[1] + a[2]), 4) if a[1] + a[2] else 0.0}
                for t, a in sorted(per_theme.items())}
    return ProblemSpecificity(chars, counts, per100(concrete, chars), generic, per100(generic, chars),
                              round(concrete / (concrete + generic), 4) if concrete + generic else 0.0,
                              by_theme, items, list(spans))


# ---------------------------------------------------------------- classification

@dataclass
class _Unit:
    level: str
    part: str
    section: int
    start: int
    end: int
    parent: int = -1     # index of the paragraph unit a sentence belongs to
    position: int = -1   # sections: ordinal among the part's top-level headed sections


def _units(report: Report) -> tuple[list[_Unit], list[tuple[int, str, str, str, int, int]]]:
    """Section/paragraph/sentence units of the report's narrative, and section descriptors."""
    units: list[_Unit] = []
    sections: list[tuple[int, str, str, str, int, int]] = []
    index = -1
    for part in report.parts:
        positions = {id(s): i for i, s in enumerate(top_level_sections(part))}
        for section in part.sections:
            index += 1
            spans = [(s, e) for s, e in body_spans(report, section) if is_narrative(report.text[s:e])]
            if not spans:
                continue
            sections.append((index, part.key, section.heading, part.title, spans[0][0], spans[-1][1]))
            units.append(_Unit("section", part.key, index, spans[0][0], spans[-1][1],
                               position=positions.get(id(section), -1)))
            for s, e in spans:
                units.append(_Unit("paragraph", part.key, index, s, e))
                p_index = len(units) - 1
                for a, b in split_sentences(report.text, s, e):
                    units.append(_Unit("sentence", part.key, index, a, b, parent=p_index))
    return units, sections


def _section_text(report: Report, unit: _Unit, spans_by_section: dict[int, list[tuple[int, int]]]) -> str:
    return "\n".join(report.text[s:e] for s, e in spans_by_section[unit.section])


def classify_themes(report: Report, level: str = "paragraph", model: Any = None,
                    model_dir: Path | str | None = None) -> ReportThemes:
    """Theme labels of ``report``'s narrative at ``level`` ('section', 'paragraph' or 'sentence'),
    plus section distributions, per-report character shares and problem specificity.

    ``model``: a fitted :class:`~nlp.themes.estimator.ThemeClassifier` (default: the one in
    ``model_dir``, else the shipped one). Sentences are labelled with their paragraph as
    context, every unit knowing its part; sections are decoded per part.
    """
    import numpy as np

    from .estimator import ThemeInput
    from .model import load_model

    if level not in LEVELS:
        raise XxgkError(f"unknown level {level!r} (choose from {', '.join(LEVELS)})")
    if not isinstance(report, Report):
        raise XxgkError(f"classify_themes() expects a Report, got {type(report).__name__}")
    model = model if model is not None else load_model(model_dir)
    units, section_rows = _units(report)
    spans_by_section: dict[int, list[tuple[int, int]]] = {}
    for u in units:
        if u.level == "paragraph":
            spans_by_section.setdefault(u.section, []).append((u.start, u.end))
    texts = [_section_text(report, u, spans_by_section) if u.level == "section" else report.text[u.start:u.end]
             for u in units]
    inputs = [ThemeInput(texts[i], u.part, texts[u.parent] if u.parent >= 0 else "") for i, u in enumerate(units)]
    classes = [str(c) for c in model.classes_]
    probs = model.predict_proba(inputs) if units else np.zeros((0, len(classes)))

    def as_dict(row) -> dict[str, float]:
        return {c: round(float(row[j]), 4) for j, c in enumerate(classes)}

    # sections: decoded as a sequence within their part (template order), others argmax
    section_units = [i for i, u in enumerate(units) if u.level == "section"]
    decoded = dict(zip(section_units, model.decode_sections(
        probs[section_units], [units[i].part for i in section_units], [report.era] * len(section_units),
        [units[i].position for i in section_units]))) if section_units else {}
    spans: list[ThemeSpan] = []
    for i, u in enumerate(units):
        j = classes.index(decoded[i]) if i in decoded else int(probs[i].argmax())
        spans.append(ThemeSpan(u.level, u.part, u.section, u.start, u.end, classes[j], round(float(probs[i][j]), 4),
                               as_dict(probs[i]), texts[i]))
    sentences = [sp for sp in spans if sp.level == "sentence"]
    count = nonspace_counter(report.text)
    shares = theme_chars(((sp.start, sp.end, sp.theme) for sp in sentences), count, all_themes=True)
    by_index = {sp.section: sp for sp in spans if sp.level == "section"}
    sections = []
    for index, part_key, heading, _title, start, end in section_rows:
        sp = by_index[index]
        own = theme_chars(((x.start, x.end, x.theme) for x in sentences if x.section == index), count)
        sections.append(SectionThemes(index, part_key, heading, theme_for_heading(heading, part_key) if heading else None,
                                      start, end, sp.theme, sp.probability, sp.probabilities,
                                      {k: v for k, v in own.items() if v}))
    problem_sents = [sp for sp in sentences if sp.theme in ("problems", "improvements")]
    specificity = problem_specificity(report.text, [(sp.start, sp.end) for sp in problem_sents],
                                      [sp.theme for sp in problem_sents])
    card = model.card_ or {}
    return ReportThemes(report.id, report.source, report.agency, report.year, level,
                        [sp for sp in spans if sp.level == level], sections, shares, specificity,
                        {"name": card.get("name", ""), "taxonomy_version": card.get("taxonomy_version", ""),
                         "training_files_sha256": card.get("training_files_sha256", "")})
