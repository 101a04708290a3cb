"""Themes of the narrative: taxonomy, heading/opener → theme labels, keyword baseline, the
scikit-learn estimator (``estimator.ThemeClassifier``), its artefact (``model``), the agency
cross-validation (``evaluate``), items mined from general official prose for ablations (``mining``), units of generated reports for the themes the corpus has few sections of (``generated``), :func:`classify_themes` (exported as ``nlp.classify_themes``)
and the one theme-share computation (:func:`theme_shares`).

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
from .generated import generated_units
from .mining import mined_items
from .shares import theme_chars, theme_shares
from .taxonomy import TAXONOMY_VERSION, THEME_KEYS, THEME_NAMES, THEMES, theme_for_heading

__all__ = [
    "LEVELS", "ProblemSpecificity", "ReportThemes", "SectionThemes", "ThemeSpan", "classify_themes",
    "problem_specificity", "generated_units", "mined_items", "theme_chars", "theme_shares", "TAXONOMY_VERSION", "THEME_KEYS", "THEME_NAMES", "THEMES", "theme_for_heading",
]
