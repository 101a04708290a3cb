"""The keyword-dictionary baseline: the theme whose keywords occur most (weighted by length).

Keywords are ``nlp.format.THEME_KEYWORDS``. Used as the reference the trained
model must clearly beat (see ``nlp.themes.evaluate``).
"""
from __future__ import annotations

import re
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

    def score_matrix(self, texts: Sequence[str], themes: Sequence[str]):
        """Keyword scores as an array (rows: texts, columns: ``themes``), equal to :meth:`scores`
        but counted once per distinct keyword and summed by one matrix product (fast)."""
        import numpy as np

        words = sorted({k for t in themes for k in self.keywords.get(t, ())})
        weight = np.array([[len(k) * self.keywords.get(t, ()).count(k) for t in themes] for k in words], dtype=float)
        counts = np.zeros((len(texts), len(words)))
        # all texts in one string, NUL between them (no keyword holds one, so no match spans two texts):
        # a keyword absent from it is skipped at once; a present one is counted by one non-overlapping
        # scan (what ``str.count`` does per text), its matches assigned to texts by their offsets
        joined = "\0".join(texts)
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0, dtype=int)
        for j, k in enumerate(words):
            if not k or "\0" in k:
                counts[:, j] = [text.count(k) for text in texts]
            elif k in joined:
                at = [m.start() for m in re.finditer(re.escape(k), joined)]
                np.add.at(counts[:, j], np.searchsorted(starts, at, side="right") - 1, 1.0)
        return counts @ weight

    def predict_one(self, text: str) -> str:
        s = self.scores(text)
        best = max(s.values())
        if best <= 0:
            return self.default
        return next(t for t in THEME_KEYS if s[t] == best)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The theme of each text."""
        return [self.predict_one(t) for t in texts]
