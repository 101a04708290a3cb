"""The report format's vocabulary, in one place.

Every stage (parser, table reader, checks, template masking, themes) reads the
words of the 政府信息公开工作年度报告 format from here; no stage hard-codes them.

Sections below:
- parts: canonical part keys and the title patterns that map to them;
- eras: markers of the 2008 / 2019 / 2021 layouts;
- section markers: the numbering shapes of headings inside parts;
- tables: row and column labels of the statistics tables with their keys;
- template: sentences the format mandates (masked before reuse scores).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------- parts

#: canonical part keys, in the order of the 2019/2021 layouts
PART_KEYS: tuple[str, ...] = (
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "problems",
    "other",
    "fees",
    "unknown",
)

#: parts every report since 2019 must have (part 六 is often missing)
REQUIRED_PARTS_2019: tuple[str, ...] = (
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "problems",
    "other",
)

#: the standard titles since 2019, by key (for display and templates)
STANDARD_PART_TITLES: dict[str, str] = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}


@dataclass(frozen=True)
class PartRule:
    """A part key and the regular expression its title must match (searched in the title)."""

    key: str
    pattern: re.Pattern[str]


#: tried in order; the first match wins. Patterns cover 2008-era variants too.
PART_RULES: tuple[PartRule, ...] = (
    PartRule("review_litigation", re.compile(r"(行政)?复议|(行政)?诉讼|申诉")),
    PartRule("fees", re.compile(r"收费|减免|费用|收支")),
    PartRule("problems", re.compile(r"问题|不足|改进|努力方向|下一步|工作(打算|计划|思路)|措施")),
    PartRule("requests", re.compile(r"依申请|收到和处理|申请(公开)?(情况|办理)|处理.*申请|申请.*处理|咨询")),
    PartRule("proactive", re.compile(r"主动公开")),
    PartRule("other", re.compile(r"其他|其它|说明|附表|需要报告")),
    PartRule("overview", re.compile(r"总体|概述|概况|基本情况|工作情况|组织|机构|制度|总述|开展情况|主要工作|公文类")),
)


def part_key_for_title(title: str) -> str:
    """Map a part title (without its number) to a canonical part key."""
    t = re.sub(r"\s+", "", title)
    for rule in PART_RULES:
        if rule.pattern.search(t):
            return rule.key
    return "unknown"


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


# ---------------------------------------------------------------- eras

ERA_2008 = "2008"
ERA_2019 = "2019"
ERA_2021 = "2021"
ERAS = (ERA_2008, ERA_2019, ERA_2021)

#: labels that appear only in the 2021 layout's tables
ERA_2021_MARKERS: tuple[str, ...] = ("本年制发件数", "本年废止件数", "现行有效件数", "逾期不补正", "逾期未按收费通知")
#: labels that appear in the 2019 (and not the 2021) layout's tables
ERA_2019_MARKERS: tuple[str, ...] = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "采购项目数量")
#: words of the 2008-era layouts (old regulation)
ERA_2008_MARKERS: tuple[str, ...] = ("概述", "收费及减免", "减免情况", "申诉")

# ---------------------------------------------------------------- metadata

TITLE_PATTERN = re.compile(
    r"(?P<agency>[^\n。，；]{2,60}?)\s*(?:（[^）]*）)?\s*(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?报告"
)
YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
STAT_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
DATE_PATTERN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CONTACT_PATTERN = re.compile(r"[^。\n]*(?:联系|电话|地址|邮编|电子邮箱)[^。\n]*(?:\d{3,4}-?\d{7,8}|@)[^。\n]*[。]?")
AGENCY_SUFFIXES = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "局", "厅", "部", "署",
                   "中心", "办事处", "街道", "镇", "乡", "委", "办", "院", "所", "站", "处", "会")

# ---------------------------------------------------------------- sections

#: heading markers inside a part, most specific first: (kind, regex matching at a line/paragraph start)
SECTION_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paren_cn", re.compile(r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")),
    ("ordinal_shi", re.compile(r"([一二三四五六七八九十]{1,3})是")),
    ("di_cn", re.compile(r"第([一二三四五六七八九十]{1,3})[，,、：:．.]")),
    ("arabic", re.compile(r"(\d{1,2})\s*[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"[（(](\d{1,2})[）)]")),
)

#: a part heading at the start of a line: 一、总体情况 / 一．概述 / 第一部分 概述
PART_HEADING = re.compile(
    r"^[#>*\s]*(?:第([一二三四五六七八九十]{1,3})部分[、，,：:．.\s]*|([一二三四五六七八九十]{1,3})\s*[、，,．.：:]\s*)"
)

# ---------------------------------------------------------------- template text

#: fragments of sentences the format or the regulation mandates; matching
#: sentences are template text (masked before boilerplate/reuse scores)
TEMPLATE_FRAGMENTS: tuple[str, ...] = (
    "根据《中华人民共和国政府信息公开条例》",
    "本报告由",
    "统计期限自",
    "如对本报告有疑问",
    "如对本年度报告有疑问",
    "勾稽关系",
    "第一项加第二项之和",
    "以下简称《条例》",
    "本报告中所列数据",
    "报告全文",
    "电子版可",
)
