"""Themes of the narrative: taxonomy, heading → theme labels, keyword baseline, the
scikit-learn model and :func:`classify_themes` (exported as ``nlp.classify_themes``).

scikit-learn is imported only when a model is built, trained or loaded.
"""
from __future__ import annotations

from .classify import (
    LEVELS,
    ProblemSpecificity,
    ReportThemes,
    SectionThemes,
    ThemeSpan,
    classify_themes,
    problem_specificity,
)
from .taxonomy import TAXONOMY_VERSION, THEME_KEYS, THEME_NAMES, THEMES, theme_for_heading

__all__ = [
    "LEVELS", "ProblemSpecificity", "ReportThemes", "SectionThemes", "ThemeSpan", "classify_themes",
    "problem_specificity", "TAXONOMY_VERSION", "THEME_KEYS", "THEME_NAMES", "THEMES", "theme_for_heading",
]
