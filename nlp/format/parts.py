"""The parts of the report: one :class:`PartSpec` per part, and the names derived from them.

The 2019 and 2021 layouts have six numbered parts with fixed titles; 2008–2018 reports (old
regulation) chose their own wordings and added a fees part. A heading's title is mapped to a
part key by :func:`part_key_for_title`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PartSpec:
    """One part of the report.

    ``title_rule`` is searched in any heading's title (2008-era wordings included) to map it to
    this part; ``numeral``, ``title`` and ``title_pattern`` are the part's number, standard title
    and a pattern of that title's usual variants since 2019 (empty for parts the 2019 layout does
    not have); ``titles_2008`` are wordings of the 2008–2018 layouts (``{year}``: the report's
    year); ``theme`` is the theme of the part's unheaded text ('' where it has none of its own).
    """

    key: str
    title_rule: re.Pattern[str]
    numeral: str = ""
    title: str = ""
    title_pattern: re.Pattern[str] | None = None
    titles_2008: tuple[str, ...] = ()
    theme: str = ""


#: every part, in the order of the 2019/2021 layouts; the last one is the part no title matches
PARTS: tuple[PartSpec, ...] = (
    PartSpec(
        "overview", re.compile(r"总体|概述|概况|基本情况|工作情况|组织|机构|制度|总述|开展情况|主要工作|公文类"),
        "一", "总体情况", re.compile(r"^(总体情况|概述|概况)"),
        ("概述", "基本情况", "政府信息公开工作概述", "工作概述")),
    PartSpec(
        "proactive", re.compile(r"主动公开"),
        "二", "主动公开政府信息情况", re.compile(r"主动公开政府信息(的)?情况"),
        ("主动公开政府信息情况", "主动公开政府信息的情况", "政府信息主动公开情况"), theme="proactive"),
    PartSpec(
        "requests", re.compile(r"依申请|收到和处理|申请(公开)?(情况|办理)|处理.*申请|申请.*处理|咨询"),
        "三", "收到和处理政府信息公开申请情况", re.compile(r"收到和处理政府信息公开申请"),
        ("政府信息依申请公开情况", "依申请公开政府信息情况", "政府信息依申请公开工作情况",
         "依申请公开政府信息和不予公开政府信息的情况"), theme="requests"),
    PartSpec(
        "review_litigation", re.compile(r"(行政)?复议|(行政)?诉讼|申诉"),
        "四", "政府信息公开行政复议、行政诉讼情况", re.compile(r"(政府信息公开)?行政复议[、和及与]?行政诉讼"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "因政府信息公开申请行政复议和提起行政诉讼情况",
         "政府信息公开申请行政复议、行政诉讼情况"), theme="other"),
    PartSpec(
        "problems", re.compile(r"问题|不足|改进|努力方向|下一步|工作(打算|计划|思路)|措施"),
        "五", "存在的主要问题及改进情况", re.compile(r"存在的?主要问题|主要问题(及|和)改进"),
        ("存在的主要问题及改进措施", "政府信息公开工作存在的主要问题和改进措施", "存在的不足及改进措施")),
    PartSpec(
        "other", re.compile(r"其他|其它|说明|附表|需要报告"),
        "六", "其他需要报告的事项", re.compile(r"其他需要报告的事项"),
        ("其他需要报告的事项", "其他需要说明的事项"), theme="other"),
    # the 2008-era part on fees (the 2019 layout reports fees under 六)
    PartSpec(
        "fees", re.compile(r"收费|减免|费用|收支"),
        titles_2008=("政府信息公开的收费及减免情况", "政府信息公开收费及减免情况", "信息公开收费及减免情况"),
        theme="other"),
    # a statistics-table appendix is not one of the narrative parts; as in the web gold
    # (../shared/corpus/web/gold.jsonl) it has no key of its own
    PartSpec(
        "unknown", re.compile(r"统计表|^附表|^附件"),
        titles_2008=("政府信息公开情况统计表", "{year}年度政府信息公开工作统计表", "附表：{year}年政府信息公开情况统计表")),
)
PART_BY_KEY: dict[str, PartSpec] = {p.key: p for p in PARTS}

#: canonical part keys, in the order of the 2019/2021 layouts
PART_KEYS: tuple[str, ...] = tuple(p.key for p in PARTS)
#: the key of a part whose title matches no standard part
UNKNOWN_PART = PART_KEYS[-1]
#: parts every report since 2019 must have: the six standard parts (part 六 is often missing)
REQUIRED_PARTS_2019: tuple[str, ...] = tuple(p.key for p in PARTS if p.title)
#: the standard titles since 2019, by key (for display and templates)
STANDARD_PART_TITLES: dict[str, str] = {p.key: p.title for p in PARTS if p.title}
#: standard part titles since 2019, as patterns (a strong signal of a part heading)
STANDARD_PART_PATTERNS: dict[str, re.Pattern[str]] = {p.key: p.title_pattern for p in PARTS if p.title_pattern}
#: themes of whole parts, for the unheaded text of a part (by part key)
PART_THEMES: dict[str, str] = {p.key: p.theme for p in PARTS if p.theme}


@dataclass(frozen=True)
class PartRule:
    """A part key and the regular expression its title must match (searched in the title)."""

    key: str
    pattern: re.Pattern[str]


#: the order title rules are tried in; the first match wins, so the words of the specific parts
#: (an appendix, 复议, 收费, 问题) decide before the general words of 申请, 主动公开, 其他 and 总体
PART_RULE_ORDER: tuple[str, ...] = (
    "unknown", "review_litigation", "fees", "problems", "requests", "proactive", "other", "overview",
)
#: tried in order; the first match wins. Patterns cover 2008-era variants too.
PART_RULES: tuple[PartRule, ...] = tuple(PartRule(k, PART_BY_KEY[k].title_rule) for k in PART_RULE_ORDER)


def part_key_for_title(title: str) -> str:
    """Map a part title (without its number) to a canonical part key."""
    t = re.sub(r"\s+", "", title)
    for rule in PART_RULES:
        if rule.pattern.search(t):
            return rule.key
    return "unknown"


# ---- 2008-era layouts

#: the order of the parts in 2008-era reports (fees before reconsideration, the appendix last)
ERA_2008_PART_ORDER: tuple[str, ...] = (
    "overview", "proactive", "requests", "fees", "review_litigation", "problems", "other", "unknown",
)
#: 2008-era part titles by part key ({year} is the report's year); corpora.render composes its
#: 2008-era renderings from them
ERA_2008_PART_TITLES: dict[str, tuple[str, ...]] = {k: PART_BY_KEY[k].titles_2008 for k in ERA_2008_PART_ORDER}
#: one number holding two 2008-era parts: fees and reconsideration/litigation (keyed review_litigation)
ERA_2008_FEES_WITH_REVIEW_TITLES: tuple[str, ...] = (
    "政府信息公开的收费及减免情况和因政府信息公开申请行政复议、提起行政诉讼的情况",
    "政府信息公开收费及减免、行政复议和行政诉讼情况",
)

# ---- numerals

#: Chinese numerals used for part numbers 一…十二
CN_NUMERALS = "一二三四五六七八九十"


def cn_number_value(s: str) -> int | None:
    """Value of a small Chinese numeral (一..九十九), or None."""
    s = s.strip()
    if not s:
        return None
    if all(c in CN_NUMERALS for c in s):
        if s == "十":
            return 10
        if "十" in s:
            a, _, b = s.partition("十")
            tens = CN_NUMERALS.index(a) + 1 if a else 1
            ones = CN_NUMERALS.index(b) + 1 if b else 0
            return tens * 10 + ones
        if len(s) == 1:
            return CN_NUMERALS.index(s) + 1
    if s.isdigit():
        return int(s)
    return None
