"""Agency names: normalise the issuing body's name so the same agency matches across years.

Real reports name the same body differently from year to year (``洪泽区人民政府`` in
2023, ``淮安市洪泽区人民政府`` in 2024), in traditional script on mirror sites, with
notes in brackets (``乌拉特前旗（旗政府办公室）``) or as a bare place name
(``西乌珠穆沁旗``). :func:`normalize_agency` gives one canonical spelling;
:func:`same_agency` and :func:`agency_keys` also accept a name that differs only by
the higher-level place prefix (``淮安市`` + ``洪泽区人民政府``).

Conservative on purpose: an office's own report (``…人民政府办公室``) is NOT merged
with its government's report — they are different reports by different bodies.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from nlp.ingest.script import t2s_converter

#: brackets holding editorial notes: （据网址推断） (旗政府办公室) 【…】
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
#: names that are not names (the page did not state the agency)
_UNSTATED = re.compile(r"^(未标明|不详|未知|无)")
#: a bare administrative unit (a place name with no body after it)
_BARE_PLACE = re.compile(r"(省|自治区|市|地区|自治州|州|盟|区|县|自治县|旗|自治旗|镇|乡|民族乡|苏木)$")
#: a place's government named without 人民 (``唐村镇政府``)
_SHORT_GOVERNMENT = re.compile(r"(?<!人民)(?:省|自治区|市|自治州|州|盟|区|县|自治县|旗|镇|乡)政府$")
#: one level of place prefix a name may carry or drop between years (province, prefecture, county)
_PLACE_LEVEL = re.compile(r".{1,8}?(?:省|自治区|特别行政区|市|地区|自治州|盟|新区|区|县|旗)")
#: bodies whose names end with one of these are complete names
_BODY_SUFFIXES = ("人民政府", "办公室", "办公厅", "委员会", "局", "厅", "部", "署", "中心", "办事处", "街道", "委", "办",
                  "院", "所", "站", "处", "会", "分局", "公司", "队", "馆")


def _simplify(s: str) -> str:
    return t2s_converter().convert(s)


def normalize_agency(name: str) -> str:
    """Canonical spelling of an agency name ('' when the name is not stated).

    Steps: NFKC (full-width → half-width), traditional → simplified, drop notes in
    brackets and whitespace, drop a trailing year/report title if one leaked into the
    name, and complete a bare place name with ``人民政府`` (``河包镇`` → ``河包镇人民政府``).
    """
    if not name:
        return ""
    s = unicodedata.normalize("NFKC", name)
    s = _simplify(s)
    s = re.sub(r"\s+", "", s)
    if _UNSTATED.match(s):
        # '（未标明，页面称“我局”）' → not a name
        return ""
    s = _BRACKETED.sub("", s)
    s = re.sub(r"(?:19|20)\d{2}年.*$", "", s)  # '…人民政府2023年政府信息公开…'
    s = s.strip("，,。:：;；、 ")
    if not s:
        return ""
    if _BARE_PLACE.search(s) and not s.endswith(_BODY_SUFFIXES):
        s += "人民政府"
    elif _SHORT_GOVERNMENT.search(s):
        s = s[:-2] + "人民政府"          # 唐村镇政府 → 唐村镇人民政府
    elif s.endswith(("街道", "街道办")):
        s = s[:s.rindex("街道")] + "街道办事处"   # 建章路街道(办) → 建章路街道办事处
    return s


def is_place_chain(prefix: str) -> bool:
    """True when ``prefix`` is one or more place levels (``江苏省淮安市``, ``荣昌区``)."""
    rest = prefix
    while rest:
        m = _PLACE_LEVEL.match(rest)
        if not m:
            return False
        rest = rest[m.end():]
    return bool(prefix)


def strip_place_prefix(norm: str) -> str:
    """The name without its higher-level place prefixes (``淮安市洪泽区人民政府`` → ``洪泽区人民政府``).

    Strips one level at a time while what remains is still a place plus a body
    (``淮安市人民政府`` stays whole: without ``淮安市`` only a body is left).
    """
    s = norm
    while True:
        m = _PLACE_LEVEL.match(s)
        if not m:
            return s
        rest = s[m.end():]
        if len(rest) < 3 or rest.startswith(_BODY_SUFFIXES) or not _PLACE_LEVEL.match(rest):
            return s
        s = rest


def _place_suffixes(norm: str) -> list[str]:
    """Every tail of ``norm`` left after dropping one or more leading place levels."""
    out = []
    s = norm
    while True:
        m = _PLACE_LEVEL.match(s)
        if not m:
            return out
        s = s[m.end():]
        if len(s) < 3 or s.startswith(_BODY_SUFFIXES):
            return out
        out.append(s)


def agency_keys(name: str) -> tuple[str, str]:
    """(full normalised name, the name without higher-level place prefixes)."""
    n = normalize_agency(name)
    return n, strip_place_prefix(n)


def same_agency(a: str, b: str) -> bool:
    """True when two names denote the same body (equal after normalising, or equal
    once a province/prefecture prefix that only one of them carries is dropped)."""
    na, nb = normalize_agency(a), normalize_agency(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    longer, shorter = (na, nb) if len(na) >= len(nb) else (nb, na)
    if len(shorter) < 3 or shorter.startswith(_BODY_SUFFIXES) or not longer.endswith(shorter):
        return False
    return is_place_chain(longer[: len(longer) - len(shorter)])


def group_agencies(names: Iterable[str]) -> dict[str, str]:
    """Map each raw name to a group label, merging names that :func:`same_agency` links.

    The label is the longest (most specific) normalised spelling in the group. A short
    name that two different long names share (``鼓楼区人民政府`` under two cities) is
    left on its own rather than merged with either.
    """
    raw = list(dict.fromkeys(names))
    norms = {r: normalize_agency(r) for r in raw}
    distinct = sorted({n for n in norms.values() if n}, key=lambda s: (-len(s), s))
    label: dict[str, str] = {}
    for n in distinct:
        if n in label:
            continue
        label[n] = n
    # a short name that is a place-suffix of exactly one longer name joins it
    by_suffix: dict[str, set[str]] = {}
    for n in distinct:
        for suffix in _place_suffixes(n):
            by_suffix.setdefault(suffix, set()).add(n)
    for short in distinct:
        longs = by_suffix.get(short, set())
        if len(longs) == 1:
            label[short] = label[next(iter(longs))]
    return {r: (label.get(norms[r], norms[r]) if norms[r] else "") for r in raw}
