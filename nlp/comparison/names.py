"""Foreign names in copied text: places of another compared agency, officials of another level.

A passage copied from another body often keeps that body's names (``由常务副区长分管`` in a
county's report, ``洪泽区`` in 沭阳县's): the clearest evidence of copying. Places are read
from the compared agencies' own names (``淮安市洪泽区人民政府`` → 淮安市, 洪泽区), so no
gazetteer is needed; a place is foreign to a report when its agency names a different place
of the same level (a 县 report may name its 市, or its towns, but not another 县), or when it is
the place of another agency that printed the same passage and is not placed under one of ours.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from .. import format as V


@lru_cache(maxsize=4096)
def agency_places(agency: str) -> tuple[tuple[str, int, str], ...]:
    """The places an agency's name opens with: (name, level rank, level suffix), outermost first."""
    out = []
    pos = 0
    while True:
        m = V.PLACE_LEVEL_NAME.match(agency, pos)
        if not m:
            return tuple(out)
        level = m.group("level")
        out.append((m.group(0), V.PLACE_LEVEL_RANK[level], level))
        pos = m.end()


def _core(place: str) -> str:
    m = V.PLACE_LEVEL_NAME.fullmatch(place)
    return place[:m.start("level")] if m else place


def _same_place(a: str, b: str) -> bool:
    """One place under two names (平潭县 / 平潭综合实验区, 洪泽县 / 洪泽区): one name's core opens the other's."""
    ca, cb = _core(a), _core(b)
    return a in b or b in a or (min(len(ca), len(cb)) >= 2 and (ca.startswith(cb) or cb.startswith(ca)))


class NameFinder:
    """Find, in a span of text, the names foreign to the agency that printed it."""

    def __init__(self, agencies: Iterable[str]):
        self.rank = {name: rank for a in set(agencies) for name, rank, _ in agency_places(a or "")}
        names = sorted(self.rank, key=lambda p: (-len(p), p))   # longest first
        self.pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None

    def foreign(self, text: str, own_agencies: Iterable[str],
                sharing_agencies: Callable[[], Iterable[str]] = tuple) -> list[str]:
        """Names in ``text`` (whitespace-free) that the reporting agency would not print of itself: a
        place of the same level as one of its own but another; a place of an agency that printed the
        same passage (``sharing_agencies()``, asked only when a place is named) and is none of its own,
        unless that agency lies under one of ours; an official of another level."""
        own = {p for a in own_agencies for p in agency_places(a or "")}
        own_names = {p[0] for p in own}
        out: list[str] = []
        found = set(self.pattern.findall(text)) if self.pattern is not None else set()
        found = {n for n in found if n not in own_names and not any(_same_place(n, o) for o in own_names)}
        if found:
            own_ranks = {rank for _, rank, _ in own}
            sharing: set[str] = set()
            for a in sharing_agencies():
                chain = [p[0] for p in agency_places(a or "")]
                if not any(_same_place(x, o) for x in chain for o in own_names):
                    sharing.update(chain)
            out += [n for n in found if self.rank[n] in own_ranks or n in sharing]
        own_suffixes = {level for _, rank, level in own if rank >= 3}
        if own_suffixes:
            own_title_ranks = {V.PLACE_LEVEL_RANK[s] for s in own_suffixes}
            for m in V.OFFICIAL_TITLE.finditer(text):
                level = m.group("level")
                if level not in own_suffixes and V.PLACE_LEVEL_RANK[level] in own_title_ranks:
                    out.append(m.group(0))
        return sorted(set(out))
