"""Theme shares: how many characters of a text each theme labels (one computation for
themes, compare and analyze). No heavy imports."""
from __future__ import annotations

from typing import Callable, Iterable

from .taxonomy import THEME_KEYS

#: (start, end, theme): a labelled span, offsets into some text
ThemeSpanTuple = tuple[int, int, str]


def theme_chars(spans: Iterable[ThemeSpanTuple], counted: Callable[[int, int], int] | None = None,
                all_themes: bool = False) -> dict[str, int]:
    """Characters per theme over ``spans``; ``counted(start, end)`` says how many characters of a
    span count (default: ``end - start``; e.g. non-whitespace ones, or those outside template
    text). Keys in taxonomy order (themes outside it after, sorted); ``all_themes``: every
    taxonomy theme, zeros included."""
    acc: dict[str, int] = {t: 0 for t in THEME_KEYS} if all_themes else {}
    for s, e, t in spans:
        n = counted(s, e) if counted is not None else max(0, e - s)
        acc[t] = acc.get(t, 0) + n
    order = {t: i for i, t in enumerate(THEME_KEYS)}
    return {t: acc[t] for t in sorted(acc, key=lambda t: (order.get(t, len(order)), t))}


def theme_shares(spans: Iterable[ThemeSpanTuple], counted: Callable[[int, int], int] | None = None) -> dict[str, float]:
    """Fraction of the counted characters per theme (rounded to 4 places, themes with none
    left out, sorted by theme key); {} when nothing is counted. See :func:`theme_chars`."""
    chars = theme_chars(spans, counted)
    total = sum(chars.values())
    return {t: round(n / total, 4) for t, n in sorted(chars.items()) if n} if total else {}


def nonspace_chars(text: str) -> int:
    """Number of non-whitespace characters."""
    return len("".join(text.split()))


def nonspace_counter(text: str) -> Callable[[int, int], int]:
    """``counted`` for :func:`theme_chars`: the non-whitespace characters of ``text[start:end]``."""
    return lambda s, e: nonspace_chars(text[s:e])
