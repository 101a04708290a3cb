"""The canonical agency of each report, its level and region, and user aliases (``--aliases FILE``).

Builds on :mod:`nlp.agency` (normalising, place prefixes): names that differ only by a
higher-level place prefix (``洪泽区人民政府`` / ``淮安市洪泽区人民政府``), script, brackets or
``办公室``/``办公厅`` spelling variants become one canonical name — the longest spelling in
the group. A user alias file (CSV ``alias,canonical``, header optional) is applied first and
wins over everything else.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..agency import group_agencies, normalize_agency
from ..errors import XxgkError

__all__ = ["AgencyResolver", "AgencyInfo", "read_aliases", "agency_level", "agency_region", "agency_province",
           "LEVEL_ZH"]

#: levels (English key → Chinese label shown in the panel and the brief)
LEVEL_ZH = {"province": "省级政府", "city": "市级政府", "county": "县级政府", "township": "乡镇政府",
            "department": "政府部门", "": "未知"}
#: municipalities directly under the central government (a 市 that is a province)
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_GOVERNMENT = "人民政府"
#: a government's general office: the 办公室/办公厅 of a 人民政府 (spelling variants of one body)
_OFFICE_VARIANTS = re.compile(r"(人民政府)(办公室|办公厅)$")
_PLACE_UNIT = re.compile(r".{1,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|区|县|旗|镇|乡|街道)")
_TOWNSHIP = ("镇", "乡", "街道", "苏木")


@dataclass(frozen=True)
class AgencyInfo:
    """The canonical name, level and region of one agency as printed."""

    printed: str
    canonical: str
    level: str
    region: str
    province: str


def read_aliases(path: str | Path) -> dict[str, str]:
    """Read a CSV of ``alias,canonical`` rows (UTF-8, BOM allowed; a header row ``alias,canonical`` is skipped).

    Raises :class:`XxgkError` naming the file and line for a malformed file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise XxgkError(f"{p}: cannot read the alias file: {e}") from e
    out: dict[str, str] = {}
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise XxgkError(f"{p}: line {n}: expected two columns 'alias,canonical', got {row!r}")
        alias, canonical = row[0].strip(), row[1].strip()
        if n == 1 and (alias.lower(), canonical.lower()) == ("alias", "canonical"):
            continue
        out[normalize_agency(alias) or alias] = canonical
    return out


def agency_level(canonical: str) -> str:
    """'province' | 'city' | 'county' | 'township' for a people's government, 'department' otherwise ('' unknown)."""
    if not canonical:
        return ""
    if not canonical.endswith(_GOVERNMENT):
        return "department"
    place = canonical[: -len(_GOVERNMENT)]
    if place in _MUNICIPALITIES or place.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if place.endswith(_TOWNSHIP):
        return "township"
    if place.endswith(("区", "县", "旗", "自治县", "自治旗")) or place.endswith("市") and _count_units(place) >= 2:
        return "county"       # 沭阳县, 洪泽区, 淮安市洪泽区; a county-level city under a prefecture (江苏省昆山市 → city below)
    if place.endswith(("市", "州", "盟", "地区", "自治州")):
        return "city"
    return ""


def _count_units(place: str) -> int:
    units = _PLACE_UNIT.findall(place)
    return len([u for u in units if not u.endswith(("省", "自治区"))])


def agency_region(canonical: str) -> str:
    """The place-name chain the name starts with (``淮安市洪泽区人民政府`` → ``淮安市洪泽区``), '' when none."""
    region, rest = "", canonical
    while not rest.startswith(_GOVERNMENT):
        m = _PLACE_UNIT.match(rest)
        if not m or re.search(r"[和与局委厅办]", m.group()):
            break
        region += m.group()
        rest = rest[m.end():]
    return region


def agency_province(canonical: str) -> str:
    """The province when the name states it (``江苏省…``, ``上海市…``), else ''."""
    m = re.match(r"^(.{2,7}?(?:省|自治区|特别行政区))", canonical)
    if m:
        return m.group(1)
    return next((c for c in _MUNICIPALITIES if canonical.startswith(c)), "")


@dataclass
class AgencyResolver:
    """Canonical agency names for a set of printed names (plus user aliases, which win).

    ``AgencyResolver.build(names, aliases)`` groups the names once; :meth:`canonical` then
    answers for any of them (and for unseen names, by normalising them).
    """

    aliases: dict[str, str] = field(default_factory=dict)
    _groups: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, names: Iterable[str], aliases: dict[str, str] | None = None) -> "AgencyResolver":
        aliases = dict(aliases or {})
        names = list(dict.fromkeys(n for n in names if n))
        aliased = {n: a for n in names if (a := cls._alias(aliases, n)) is not None}
        # 办公厅 and 办公室 of one government are one body spelled two ways: group on a common key
        key = {n: _OFFICE_VARIANTS.sub(r"\1办公室", normalize_agency(n)) for n in names if n not in aliased}
        group_of_key = group_agencies(key.values())
        members: dict[str, list[str]] = {}
        for n, k in key.items():
            members.setdefault(group_of_key.get(k) or k, []).append(normalize_agency(n) or n)
        # the label shown is the longest (most specific) spelling actually printed in the group
        label = {g: sorted(ms, key=lambda s: (-len(s), s))[0] for g, ms in members.items()}
        resolved = {n: aliased[n] if n in aliased else label[group_of_key.get(key[n]) or key[n]] for n in names}
        return cls(aliases, resolved)

    @staticmethod
    def _alias(aliases: dict[str, str], name: str) -> str | None:
        return aliases.get(name) or aliases.get(normalize_agency(name))

    def canonical(self, printed: str) -> str:
        """The canonical name of an agency as printed ('' for an unnamed one)."""
        if not printed:
            return ""
        if printed in self._groups:
            return self._groups[printed]
        alias = self._alias(self.aliases, printed)
        return alias if alias is not None else normalize_agency(printed)

    def info(self, printed: str) -> AgencyInfo:
        c = self.canonical(printed)
        return AgencyInfo(printed, c, agency_level(c), agency_region(c), agency_province(c))
