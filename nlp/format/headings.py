"""Heading shapes: section numbering inside a part, part headings, and the words that let the
parser break a report saved as one line (web pages) back into its printed lines."""
from __future__ import annotations

import re

#: heading markers inside a part, most specific first: (kind, regex matching at a line/paragraph start)
SECTION_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paren_cn", re.compile(r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")),
    ("ordinal_shi", re.compile(r"([一二三四五六七八九十]{1,3})是")),
    ("di_cn", re.compile(r"第([一二三四五六七八九十]{1,3})[，,、：:．.]")),
    ("arabic", re.compile(r"(\d{1,2})\s*[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"[（(](\d{1,2})[）)]")),
    ("cn_dun", re.compile(r"([一二三四五六七八九十]{1,3})\s*[、．.]")),
)
#: marker kinds whose numbering may start above one (sub-parts numbered on from their part's number)
SECTION_KINDS_ANY_START: tuple[str, ...] = ("cn_dun",)
#: a section heading that opens the problems/improvements part when that part has no heading of its own
PROBLEMS_SECTION_HEADING = re.compile(r"^[（(][一二三四五六七八九十][）)]\s*[^。\n]{0,20}(问题|改进|不足|整改)")
#: a part whose whole body is one of these says it has nothing to report
EMPTY_PART_BODY = re.compile(r"^\s*(无|暂无|没有|本年度无|无其他需要报告的事项)[。.]?\s*$")

#: an appendix label at the start of a line: 附件1： / 附表 / 附件二、 (what follows names the appendix)
APPENDIX_HEADING = re.compile(r"^[#>*\s]*((?:附件|附表)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})?)\s*[：:、.．]?\s*")
#: an appendix that is the statistics table (the words its title holds)
STATISTICS_APPENDIX_TITLE = re.compile(r"统计表|统计情况|附表")
#: a part heading at the start of a line: 一、总体情况 / 一．概述 / 第一部分 概述
PART_HEADING = re.compile(
    r"^[#>*\s]*(?:第([一二三四五六七八九十]{1,3})部分[、，,：:．.\s]*|([一二三四五六七八九十]{1,3})\s*[、，,．.：:]\s*)"
)

# ---- flattened text: web pages saved on one line, broken back into their printed lines
# (part titles glued to the sentence before them, crawler headers)

#: how a part title may begin (2008-era and 2019+ wording), right after its numeral 一、
PART_TITLE_STARTS = re.compile(
    r"总体情况|概述|概况|基本情况|主动公开|收到和处理|政府信息公开行政|政府信息公开的?收费|收费及减免|收费和减免|"
    r"行政复议|因政府信息公开|政府信息依申请公开|依申请公开|政府信息公开工作存在|存在的?主要问题|存在(?:的)?问题|"
    r"主要问题|其他需要报告|其它需要报告|其他事项|需要说明的|下一步|改进措施|工作打算|"
    r"(?:19|20)\d{2}年度?(?:政府信息公开|政务公开)|政府信息公开(?:工作)?(?:情况)?统计|[^。，；\s]{2,24}统计表|附表|附件"
)
#: a looser part-title opening: a few words, then a word only part titles hold (2008-era wording varies)
PART_TITLE_KEYWORDS = re.compile(
    r"[^。，,；;：:\s]{0,14}?(?:基本情况|基本概况|概述|概况|主动公开|依申请公开|收费|减免|复议|诉讼|存在的?问题|主要问题|"
    r"改进|其他需要|其它需要|统计)"
)
#: strong part-title openings: a heading with one of these opens a part even glued to the text before it
PART_TITLE_STRONG = re.compile(r"总体情况|概述|主动公开政府信息|收到和处理政府信息公开申请|政府信息公开行政复议|存在的主要问题|其他需要报告的事项")
#: words a part title ends with (the last one before the body starts decides)
PART_TITLE_ENDS = re.compile(r"情况|事项|概述|概况|措施|计划|打算|不足|方向|统计表|附表|说明|问题|举措|思路")
#: how the body of a part may open right after its title (glued flattened text): a year, 本年度, 我局, 无 …
PART_BODY_OPENING = re.compile(
    r"(?:19|20)\d{2}|本年|今年|全年|我[局委办厅区县市省镇乡院部署]|本(?:局|机关|单位|部门|委|办|区|县|市|镇|乡)|"
    r"目前|近年来|一年来|按照|根据|截至|无|没有|未")
#: a crawler's metadata header: ``标题: … 发布时间: … 原文链接: … ==== 正文 ====``
CRAWLER_HEADER_KEY = re.compile(
    r"(?:标题|题目|发布时间|发布日期|发文日期|成文日期|文号|发布机构|发文机关|来源|信息来源|栏目|所属栏目|原文链接|"
    r"本地目录|索引号|主题分类|访问量|页面链接与图片详见)\s*[:：]"
)
CRAWLER_BODY_MARK = re.compile(r"=+\s*正文\s*=+")
