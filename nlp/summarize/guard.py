"""Faithfulness guard: every number, date, percentage and quoted name in generated text
must occur in the source; otherwise the generated text is rejected."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: numbers (with decimals/thousands separators), optionally percentages or date units
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|％|‰|年|月|日|号)?")
#: Chinese numerals of two or more characters (三十五, 一百二十) and with a unit (两年)
_CN_NUMBER = re.compile(r"[零一二三四五六七八九十百千万亿两]{2,}(?=[个件次条项年月日名家所万亿%])|[零一二三四五六七八九十百千万亿两]{3,}")
#: quoted names: 《…》, “…”, "…", 「…」
_QUOTED = re.compile(r"《[^《》]{1,40}》|“[^“”]{1,40}”|\"[^\"]{1,40}\"|「[^「」]{1,40}」")


@dataclass
class GuardResult:
    """``passed`` is False when an item of the generated text is absent from the source."""

    passed: bool
    checked: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checked": self.checked, "unsupported": self.unsupported}


def _norm(text: str) -> str:
    """NFKC (full-width digits/percent to ASCII) without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def checkable_items(text: str) -> list[str]:
    """Numbers, dates, percentages and quoted names in ``text`` (normalized), in order."""
    t = _norm(text)
    items = [m.group(0) for m in _QUOTED.finditer(t)]
    rest = _QUOTED.sub(" ", t)
    items += [m.group(0) for m in _NUMBER.finditer(rest)]
    items += [m.group(0) for m in _CN_NUMBER.finditer(rest)]
    return items


def _whole_number_in(num: str, src: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(num)}(?![\d])", src) is not None


def _supported(item: str, src: str) -> bool:
    num = re.match(r"\d+(?:[.,]\d+)*", item)
    if num:
        unit = item[num.end():]
        if not _whole_number_in(num.group(0), src):
            return False
        # a date unit must follow the number in the source too (2019年 vs a bare 2019 is fine)
        return not unit or unit in ("年", "月", "日", "号") or (num.group(0) + unit) in src
    if item in src:
        return True
    # a quoted name may be quoted differently in the source: accept the bare name
    bare = item.strip("《》“”\"「」")
    return bool(bare) and bare in src


def check_faithful(generated: str, source: str) -> GuardResult:
    """Check that every checkable item of ``generated`` occurs in ``source``."""
    src = _norm(source)
    items = checkable_items(generated)
    missing = []
    for it in items:
        if _supported(it, src):
            continue
        missing.append(it)
    return GuardResult(not missing, items, missing)
