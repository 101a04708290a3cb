"""The keyword-dictionary baseline: the theme whose keywords occur most (weighted by length).

Keywords are ``nlp.format.THEME_KEYWORDS``. Used as the reference the trained
model must clearly beat (see ``nlp.themes.evaluate``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .. import format as V
from .taxonomy import THEME_KEYS


@dataclass
class KeywordBaseline:
    """Scores each theme by keyword occurrences × keyword length; ties and no hits → ``default``."""

    keywords: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(V.THEME_KEYWORDS))
    default: str = "other"

    def scores(self, text: str) -> dict[str, float]:
        """Theme → keyword score for ``text``."""
        return {theme: float(sum(text.count(k) * len(k) for k in self.keywords.get(theme, ())))
                for theme in THEME_KEYS}

    def predict_one(self, text: str) -> str:
        s = self.scores(text)
        best = max(s.values())
        if best <= 0:
            return self.default
        return next(t for t in THEME_KEYS if s[t] == best)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The theme of each text."""
        return [self.predict_one(t) for t in texts]
