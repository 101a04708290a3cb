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

#: the key of a part whose title matches no standard part
UNKNOWN_PART = PART_KEYS[-1]

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
    # a statistics-table appendix is not one of the narrative parts
    PartRule("unknown", re.compile(r"统计表|^附表|^附件")),
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
#: a contact sentence (starts at a sentence or line start, so the search stays linear)
CONTACT_PATTERN = re.compile(r"(?:(?<=[。\n])|^)[^。\n]*(?:联系|电话|地址|邮编|电子邮箱)[^。\n]*(?:\d{3,4}-?\d{7,8}|@)[^。\n]*[。]?", re.M)
#: how an agency's name ends (a candidate that does not is a phrase, never an agency)
AGENCY_NAME_END = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|局|委|办|厅|部|署|中心|院|所|站|处|镇|乡|街道|街|办事处|"
    r"区|县|市|旗|州|盟)$")
#: words an agency's name never holds (their presence means a phrase was caught)
AGENCY_NAME_STOP = re.compile(r"[的及与在对是为了等将把被从向以按据]|我|本|各|全|该|此|有关|相关|下属|所属|上级|部分|其他|工作|情况|报告|公开|"
                              r"认真|做好|通过|加强|推进|开展|进行|落实|组织|实现|不断|持续|深入|积极")
#: a place in a name (an agency named after itself alone, 监督局, is too vague to keep)
AGENCY_PLACE = re.compile(r"[省市区县州旗盟镇乡村]|街道|国家|国务院|中央|中国")
#: a sentence subject that names the agency: ``2022年，春城街道办事处按照…``
AGENCY_AS_SUBJECT = re.compile(
    r"(?:(?:19|20)\d{2}\s*年度?|一年来|今年以来|近年来)\s*[，,]?\s*"
    r"(?P<agency>[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|委|办|厅|部|中心|院|镇|乡|街道|街|办事处|区|县|市|旗))"
    r"(?=以|按照|坚持|在|认真|深入|紧紧|围绕|始终|严格|全面|进一步|持续|不断|高度|积极|扎实|立足|根据|继续|强化|共|全年|主动|切实|聚焦|牢固)")
#: the reporting body referring to itself (我局, 我办, 本机关 …): its suffix finds its printed name nearby
AGENCY_SELF_REFERENCE = re.compile(r"(?:我|本)(局|委|办|部|厅|院|中心|区|县|市|镇|乡|街道|署)")
#: a signature line at the end: the agency's name, then the date (digits or Chinese numerals)
SIGNATURE_DATE = re.compile(r"(?P<agency>[\u4e00-\u9fff（）()]{3,30})\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                            r"[二〇○零一三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)(?:\s*[^\n。]{0,10})?\s*$")
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
    ("cn_dun", re.compile(r"([一二三四五六七八九十]{1,3})\s*[、．.]")),
)
#: marker kinds whose numbering may start above one (sub-parts numbered on from their part's number)
SECTION_KINDS_ANY_START: tuple[str, ...] = ("cn_dun",)
#: a section heading that opens the problems/improvements part when that part has no heading of its own
PROBLEMS_SECTION_HEADING = re.compile(r"^[（(][一二三四五六七八九十][）)]\s*[^。\n]{0,20}(问题|改进|不足|整改)")
#: a part whose whole body is one of these says it has nothing to report
EMPTY_PART_BODY = re.compile(r"^\s*(无|暂无|没有|本年度无|无其他需要报告的事项)[。.]?\s*$")

#: a part heading at the start of a line: 一、总体情况 / 一．概述 / 第一部分 概述
PART_HEADING = re.compile(
    r"^[#>*\s]*(?:第([一二三四五六七八九十]{1,3})部分[、，,：:．.\s]*|([一二三四五六七八九十]{1,3})\s*[、，,．.：:]\s*)"
)

# ---------------------------------------------------------------- flattened text (web pages on one line)
# Words that let the parser break a report saved as one line back into its printed lines:
# part titles glued to the sentence before them, crawler headers, table rows glued together.

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
#: where a row of a flattened statistics table starts (searched inside the table's zone)
TABLE_ROW_STARTS: dict[str, re.Pattern[str]] = {
    "proactive": re.compile(
        r"第二十条第?[（(][一二三四五六七八九十][）)]项?|(?:行政)?规范性文件(?!清理)|(?<!行政)(?<!规范性文件)规章|"
        r"其他对外管理服务事项|行政许可|行政处罚|行政强制|行政事业性收费|政府集中采购"),
    "requests": re.compile(
        r"申请人情况|[一二三四][、.．](?=\s*(?:本年新收|上年结转|本年度办理结果|结转下年度))|"
        r"[（(][一二三四五六七][）)](?=\s*[\u4e00-\u9fff])"),
}
#: a row of table 4 printed one block a line: its label, then its values
REVIEW_ROW_START = re.compile(
    r"(?:行政复议|行政诉讼\s*[|（(]?\s*(?:未经复议直接起诉|复议后起诉)\s*[）)]?)"
    r"(?=\s*\|?\s*(?:\d+(?![\d.]*\s*[件次起个项条])|[/—－-]\s))")
#: a table-3 sub-row number (1. … 8.), possibly glued to the digits of the row before
TABLE_SUBROW_NUMBER = re.compile(r"([1-9])\s*[.．、](?=\s*[\u4e00-\u9fff“\"])")
#: labels after which table 4 prints its values (the last header word)
REVIEW_HEADER_WORDS = re.compile(r"总计|合计|尚未审结")

# ---------------------------------------------------------------- table regions (structure)

#: words of the statistics tables' labels; a short line holding one is part of a table
TABLE_REGION_WORDS: tuple[str, ...] = (
    "信息内容", "第二十条", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
    "法律服务机构", "总计", "结果", "尚未", "结果维持", "结果纠正", "其他结果", "尚未审结", "维持", "纠正", "审结",
    "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "本年度办理结果", "予以公开", "部分公开",
    "不予公开", "无法提供", "不予处理", "其他处理", "本年新收", "上年结转", "结转下年度", "规章",
    "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "本年制发件数",
    "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "本年新制作数量", "本年新公开数量",
    "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量", "采购项目数量", "采购总金额",
    "国家秘密", "三安全一稳定", "第三方合法权益", "内部事务信息", "过程性信息", "行政执法案卷", "行政查询事项",
    "不掌握相关政府信息", "另行制作", "补正后", "信访举报投诉", "重复申请", "公开出版物", "大量反复申请",
    "重新出具", "逾期不补正", "逾期未按收费通知", "勾稽关系", "表二", "表三", "表四",
)

#: words that tell the three tables apart (table kind → its words)
TABLE_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "proactive": ("第二十条", "信息内容", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
                  "本年制发件数", "现行有效件数", "本年新制作数量", "政府集中采购"),
    "requests": ("申请人情况", "自然人", "本年新收", "上年结转", "予以公开", "不予公开", "无法提供", "不予处理",
                 "其他处理", "结转下年度", "国家秘密"),
    "review_litigation": ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "尚未审结", "结果维持"),
}

#: a part-heading candidate whose title holds one of these is a table 3 row label, not a part
TABLE_ROW_HEADINGS = re.compile(r"本年新收|上年结转|本年度办理结果|结转下年度|本法提供|继续办理|申请数量")

#: standard part titles since 2019, as patterns (a strong signal of a part heading)
STANDARD_PART_PATTERNS: dict[str, re.Pattern[str]] = {
    "overview": re.compile(r"^(总体情况|概述|概况)"),
    "proactive": re.compile(r"主动公开政府信息(的)?情况"),
    "requests": re.compile(r"收到和处理政府信息公开申请"),
    "review_litigation": re.compile(r"(政府信息公开)?行政复议[、和及与]?行政诉讼"),
    "problems": re.compile(r"存在的?主要问题|主要问题(及|和)改进"),
    "other": re.compile(r"其他需要报告的事项"),
}

# ---------------------------------------------------------------- template text

#: fragments of sentences the format or the regulation mandates (the statutory preamble and
#: notes); with the table notes below they make TEMPLATE_FRAGMENTS
TEMPLATE_FRAGMENTS_STATUTORY: tuple[str, ...] = (
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

# ---------------------------------------------------------------- summarizer

#: markup noise removed from lines before mining heading -> body pairs
SUMMARY_NOISE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\[bookmark:[^\]]*\]"),
    re.compile(r"\*\*|__"),
    re.compile(r"^#+\s*"),
)
#: a numbered item that is a legal condition (……的), an article reference or a question, not a heading
SUMMARY_LEGAL_CONDITION = re.compile(r"的$|第[一二三四五六七八九十百零\d]+条|[？?]$|^(?:对|在|因|由于|经|依照|按照)")
#: headings too generic to learn from (the standard part titles say nothing about the body)
SUMMARY_GENERIC_HEADINGS: frozenset[str] = frozenset({
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况", "其他需要报告的事项", "主要问题", "改进情况", "改进措施", "存在问题", "其他",
    "概述", "基本情况", "工作情况", "主要做法", "下一步工作", "工作打算", "工作回顾",
})
#: sentence fragments that mark boilerplate in summaries (besides TEMPLATE_FRAGMENTS)
SUMMARY_BOILERPLATE_FRAGMENTS: tuple[str, ...] = (
    "现将", "特此报告", "报告如下", "予以公开", "不予公开", "联系电话", "电子邮箱", "邮编",
)

# ---------------------------------------------------------------- segmentation and themes
# Words the segmenter keeps whole, the heading→theme rules that label training data,
# the keyword dictionary of the baseline classifier and the problem-specificity cues.
# nlp/segmentation.py and nlp/themes/ read these; nothing else in those modules is vocabulary.

#: domain terms jieba keeps whole (the seed of nlp/data/userdict.txt; corpus-frequent
#: word sequences are added by nlp.segmentation.build_user_dictionary)
SEGMENT_TERMS: tuple[str, ...] = (
    # the regulation and its institutions
    "政务公开", "政府信息公开", "政府信息", "信息公开", "依申请公开", "主动公开", "政务信息",
    "政府信息公开条例", "新条例", "政务公开领导小组", "政务公开工作要点",
    "基层政务公开", "标准化规范化", "公开属性", "公开方式", "公开指南", "公开目录",
    "政府信息公开指南", "政府信息公开目录", "公开事项目录", "政府信息公开专栏", "政务公开专栏",
    # proactive disclosure
    "政策解读", "解读材料", "图文解读", "简明问答", "一图读懂", "重点领域", "财政预决算",
    "预决算", "三公经费", "政策文件", "规章", "回应关切", "政务舆情", "信息发布",
    # requests
    "依申请", "申请人", "补正", "延期答复", "答复书", "告知书", "予以公开", "部分公开",
    "不予公开", "无法提供", "不予处理", "信访举报投诉", "重复申请", "国家秘密",
    "过程性信息", "内部事务信息", "行政执法案卷", "行政查询事项", "信息处理费",
    "结转下年度", "本年新收", "上年结转",
    # management
    "政府信息管理", "保密审查", "发布审核", "三审三校", "规范性文件", "行政规范性文件",
    "规范性文件清理", "动态更新", "公文公开属性", "源头认定", "发文办理",
    # platforms
    "政府网站", "门户网站", "政府门户网站", "政务新媒体", "微信公众号", "政务微博",
    "新闻发布会", "政策吹风会", "公开栏", "政务公开栏", "查阅点", "政府信息查阅点",
    "政务服务中心", "政务服务大厅", "政务热线", "12345热线", "政府开放日", "政府公报",
    "政务服务", "公开平台", "政务公开专区",
    # supervision
    "监督保障", "组织领导", "领导小组", "工作机制", "绩效考核", "工作考核", "社会评议",
    "责任追究", "第三方评估", "考核评估", "督促检查", "督查",
    # training
    "宣传培训", "业务培训", "专题培训", "培训班", "以干代训",
    # problems / improvements and review
    "存在的主要问题", "改进情况", "下一步", "行政复议", "行政诉讼",
)

#: theme keys (the taxonomy itself, with descriptions, is nlp.themes.taxonomy)
THEME_KEYS: tuple[str, ...] = (
    "training", "proactive", "requests", "management", "platforms", "supervision",
    "problems", "improvements", "other",
)


@dataclass(frozen=True)
class ThemeRule:
    """A heading pattern and the theme of the body under a matching heading.

    ``parts``: the part keys the rule applies in (empty = any part).
    """

    theme: str
    pattern: re.Pattern[str]
    parts: tuple[str, ...] = ()


#: heading → theme rules, tried in order on the heading without its marker and
#: whitespace; the first match wins. Inside part 五 (problems) only the
#: problems/improvements rules apply (see nlp.themes.taxonomy.theme_for_heading).
HEADING_THEME_RULES: tuple[ThemeRule, ...] = (
    # part 五: its 问题 half and its 改进 half
    ThemeRule("improvements", re.compile(r"改进|整改|改善")),
    ThemeRule("problems", re.compile(r"问题|不足|短板|差距|薄弱")),
    ThemeRule("improvements", re.compile(r"下一步|努力方向|打算|计划|展望|今后|措施|思路"), ("problems",)),
    # reconsideration, litigation, fees: outside the narrative themes
    ThemeRule("other", re.compile(r"复议|诉讼|申诉|收费|减免|费用|其他需要报告|其它需要报告")),
    ThemeRule("training", re.compile(r"培训|宣传|教育|学习|宣贯")),
    ThemeRule("requests", re.compile(r"依申请|申请公开|公开申请|咨询|申请.{0,6}(办理|处理|答复)|(办理|处理|答复).{0,6}申请")),
    ThemeRule("platforms", re.compile(r"平台|载体|网站|新媒体|公开栏|发布会|热线|查阅|政报|公报|渠道|公开形式|阵地")),
    ThemeRule("management", re.compile(r"信息管理|审核|保密|审查|清理|规范性文件|发布流程|公开属性")),
    ThemeRule("supervision", re.compile(r"监督|保障|组织领导|领导|考核|评议|追究|问责|机构|机制|制度|队伍|督查|督导")),
    ThemeRule("management", re.compile(r"管理")),
    ThemeRule("proactive", re.compile(r"主动公开|公开内容|公开范围|解读|重点领域|领域.{0,4}公开|公开力度|主要类别|主要内容|公开.{0,4}数量|公开.{0,4}统计")),
)

#: themes of whole parts, for the unheaded text of a part (by nlp.vocabulary part key)
PART_THEMES: dict[str, str] = {
    "proactive": "proactive",
    "requests": "requests",
    "review_litigation": "other",
    "fees": "other",
    "other": "other",
}

#: the order in which part 一 (总体情况) of the 2019 and 2021 layouts presents its themed
#: sections (宣传培训 first where a report has it; themes may be left out, rarely repeated):
#: the section decoder (nlp.themes.sequence) prefers label sequences that follow it
OVERVIEW_THEME_ORDER: tuple[str, ...] = ("training", "proactive", "requests", "management", "platforms", "supervision")
#: report eras (``Report.era``) whose part 一 follows OVERVIEW_THEME_ORDER (the 2008 layout has no such template)
OVERVIEW_ORDER_ERAS: tuple[str, ...] = ("2019", "2021")

#: marks where the improvements half of an unheaded part 五 begins
IMPROVEMENT_TURN = re.compile(r"下一步|今后|下阶段|新的一年|\d{4}\s*年[，,]?\s*(?:我|本)[^。]{0,6}将|改进(?:情况|措施|方向)|将(?:进一步|继续|持续)")

#: an enumerated item's opening phrase that states a shortcoming (二是…仍需进一步规范) or
#: opens a measure to come (进一步拓展…): problems/improvements whatever the item's topic,
#: also where a parser filed part 五's lists under another part
OPENER_PROBLEM = re.compile(r"需(?:要)?进一步|亟需|亟待|不足|不够|有待|仍需|还需|尚需|欠缺|单一|不准确|不到位|不高|不强|不完善|不规范|不及时|滞后|较弱|薄弱|缺乏|缺少")
OPENER_IMPROVEMENT = re.compile(r"^(?:进一步|继续|持续|不断)")

#: the keyword-dictionary baseline: words that speak for a theme (a body is assigned
#: the theme with the most keyword hits, weighted by keyword length)
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "training": ("培训", "宣传", "学习", "宣贯", "培训班", "授课", "业务能力", "业务水平", "以干代训", "专题讲座", "业务素质", "条例"),
    "proactive": ("主动公开", "公开信息", "政策解读", "解读", "重点领域", "预决算", "公开各类", "发布信息", "条", "公开政府信息", "回应关切", "财政"),
    "requests": ("依申请", "申请", "答复", "受理", "办理", "申请人", "予以公开", "不予公开", "无法提供", "件", "补正", "办结"),
    "management": ("审核", "保密审查", "保密", "规范性文件", "清理", "公开属性", "发布", "管理", "动态更新", "审查", "三审三校", "源头"),
    "platforms": ("网站", "门户网站", "平台", "新媒体", "微信", "公众号", "专栏", "栏目", "发布会", "热线", "公开栏", "政务服务", "微博", "客户端"),
    "supervision": ("监督", "考核", "领导", "领导小组", "组织", "评议", "责任追究", "机制", "督查", "制度", "保障", "纳入", "第三方"),
    "problems": ("问题", "不足", "不够", "有待", "仍需", "还需", "短板", "差距", "薄弱", "不高", "欠缺", "存在"),
    "improvements": ("下一步", "将", "进一步", "加强", "持续", "推进", "继续", "着力", "努力", "提升", "完善", "深化"),
    "other": ("复议", "诉讼", "收费", "减免", "费用", "无"),
}

#: problem-specificity cues: concrete items (counted per 100 characters) versus generic phrasing
SPECIFICITY_CONCRETE: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"\d+(?:\.\d+)?\s*(?:%|个|件|项|条|次|家|人|篇|期|场|天|日|个月|年|万)"),
    "named_measure": re.compile(r"《[^》]{2,40}》|“[^”]{2,20}”|[\u4E00-\u9FFF]{2,10}(?:制度|机制|平台|系统|专栏|清单|台账|办法|规范|标准)(?=[，。；、\s])"),
    "deadline": re.compile(r"(?:\d{4}\s*年)?\s*\d{1,2}\s*月(?:底|前|份|\d{1,2}\s*日)?|年底前|年内|季度|限期|\d+\s*个?工作日|每月|每季度|每周|定期"),
    "responsible_unit": re.compile(r"(?:由|牵头|责任单位|负责|会同)[\u4E00-\u9FFF]{0,12}(?:局|委|办|厅|部|处|科|中心|室|政府|街道|镇|乡)|[\u4E00-\u9FFF]{1,8}(?:局|委|办公室|办|中心|处|科)(?:牵头|负责)"),
}
SPECIFICITY_GENERIC: re.Pattern[str] = re.compile(
    r"进一步|不断|切实|持续|大力|全面|积极|认真|有待|不够|尚需|仍需|还需|力度|水平|意识|能力|质量|效果|有效|提升|加强|加大|完善|规范|深化|不足|薄弱"
)

# ---------------------------------------------------------------- statistics tables
# Row and column keys of the three statistics tables (2019 and 2021 layouts), the label
# fragments that identify each row, the narrative phrases that restate table cells, and
# the NA / blank markers. Read by nlp.tables (extraction) and nlp.checks (consistency audit).

TABLE_KINDS: tuple[str, ...] = ("proactive", "requests", "review_litigation")

#: table 3 applicant columns, in printed order (the last is the row total)
REQUEST_COLUMNS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total",
)
#: table 3 rows (2019 layout), in printed order
REQUEST_ROWS_2019: tuple[str, ...] = (
    "received", "carried_over", "granted", "partly_granted",
    "refused.state_secret", "refused.prohibited_by_law", "refused.three_safeties", "refused.third_party",
    "refused.internal_affairs", "refused.process_info", "refused.enforcement_file", "refused.inquiry",
    "unable.not_held", "unable.needs_creation", "unable.unclear",
    "not_processed.petition", "not_processed.duplicate", "not_processed.publication",
    "not_processed.mass_repeated", "not_processed.confirmation",
    "other", "total", "carried_forward",
)
#: table 3 rows (2021 layout): (六) split into three rows
REQUEST_ROWS_2021: tuple[str, ...] = REQUEST_ROWS_2019[:20] + (
    "other.overdue_correction", "other.overdue_fee", "other.other", "total", "carried_forward",
)
#: the outcome groups summed into （七）总计 (prefixes of row keys)
REQUEST_OUTCOME_GROUPS: tuple[str, ...] = ("granted", "partly_granted", "refused", "unable", "not_processed", "other")

#: label fragments that identify a table-3 row (any fragment found in the label → the row);
#: ``REQUEST_ROW_EXACT`` labels must equal the whole label once numbering is stripped
REQUEST_ROW_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "received": ("本年新收", "新收政府信息"),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partly_granted": ("部分公开", "区分处理"),
    "refused.state_secret": ("国家秘密",),
    "refused.prohibited_by_law": ("禁止公开", "法律行政", "行政法规禁", "行政止公开"),
    "refused.three_safeties": ("三安全", "一稳定"),
    "refused.third_party": ("第三方",),
    "refused.internal_affairs": ("内部事务",),
    "refused.process_info": ("过程性",),
    "refused.enforcement_file": ("执法案卷",),
    "refused.inquiry": ("查询事项",),
    "unable.not_held": ("不掌握",),
    "unable.needs_creation": ("另行制作", "没有现成"),
    "unable.unclear": ("仍不明确", "补正后申请"),
    "not_processed.petition": ("信访", "举报投诉"),
    "not_processed.duplicate": ("重复申请",),
    "not_processed.publication": ("出版物",),
    "not_processed.mass_repeated": ("大量反复",),
    "not_processed.confirmation": ("重新出具", "确认或"),
    "other": ("其他处理",),
    "other.overdue_correction": ("逾期不补正", "无正当理由逾期", "不补正"),
    "other.overdue_fee": ("收费通知", "缴纳费用"),
    "total": ("（七）总计",),
    "carried_forward": ("结转下年度", "下年度继续", "转下年度"),
}
REQUEST_ROW_EXACT: dict[str, tuple[str, ...]] = {
    "other.other": ("其他",),
    "total": ("总计", "合计"),
}
#: labels that mark the 2021 layout of table 3
REQUEST_2021_LABELS: tuple[str, ...] = ("逾期不补正", "不补正", "收费通知", "缴纳费用")

#: table 4: three blocks of five columns, in printed order
REVIEW_BLOCKS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

#: table 2 rows in printed order and, per era, the columns each row has
PROACTIVE_ROWS: tuple[str, ...] = (
    "rules", "normative_docs", "licensing", "other_services", "penalty", "coercion", "fees", "procurement",
)
PROACTIVE_COLUMNS_2019: dict[str, tuple[str, ...]] = {
    "rules": ("new_made", "new_published", "total_published"),
    "normative_docs": ("new_made", "new_published", "total_published"),
    "licensing": ("prev_count", "change", "decisions"),
    "other_services": ("prev_count", "change", "decisions"),
    "penalty": ("prev_count", "change", "decisions"),
    "coercion": ("prev_count", "change", "decisions"),
    "fees": ("prev_count", "change"),
    "procurement": ("count", "amount"),
}
PROACTIVE_COLUMNS_2021: dict[str, tuple[str, ...]] = {
    "rules": ("made", "repealed", "valid"),
    "normative_docs": ("made", "repealed", "valid"),
    "licensing": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}
#: columns whose values may be decimal amounts (万元) or negative (本年增/减)
AMOUNT_COLUMNS: frozenset[str] = frozenset({"amount"})
SIGNED_COLUMNS: frozenset[str] = frozenset({"change"})
#: row labels of table 2 (matched after numbering is stripped; first match wins, so the
#: longer 其他对外管理服务事项 precedes nothing it contains)
PROACTIVE_ROW_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("normative_docs", ("规范性文件",)),
    ("rules", ("规章",)),
    ("other_services", ("其他对外管理服务", "对外管理服务事项")),
    ("licensing", ("行政许可",)),
    ("penalty", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("行政事业性收费", "事业性收费")),
    ("procurement", ("政府集中采购", "集中采购")),
)
#: column headers that mark the era of table 2
PROACTIVE_2021_HEADERS: tuple[str, ...] = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
PROACTIVE_2019_HEADERS: tuple[str, ...] = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
                                           "采购项目数量", "采购总金额")
#: an annotation beside a loose table-2 number that says it counts repealed documents
PROACTIVE_REPEAL_HINTS: tuple[str, ...] = ("失效", "废止", "修订", "宣布失效")

#: where each table starts (searched in order in the text) and what ends the tables
TABLE_START_MARKERS: dict[str, tuple[str, ...]] = {
    "proactive": ("第二十条第（一）项", "第二十条（一）", "信息内容"),
    "requests": ("勾稽关系", "申请人情况", "本年新收政府信息公开申请"),
    "review_litigation": ("行政复议",),
}
#: cells that print "no value": kept distinct from 0 (semantic 'na')
NA_MARKERS: frozenset[str] = frozenset({"/", "／", "\\", "—", "——", "-", "--", "–", "－", "─", "无", "不适用", "空", "×", "N/A", "n/a"})
#: units that may follow a printed number in a cell
CELL_UNITS: tuple[str, ...] = ("万元", "元", "件", "条", "项", "个", "%")

#: narrative phrases that restate table cells (TXT-NUM). Each: an id, a regex whose group
#: 'n' is the number, the cell expression(s) it may restate ('|' separates acceptable
#: alternatives, '+' sums rows; a row prefix ending in '.' sums the group; 'row@column' names a
#: column ('@org': the five 法人或其他组织 columns); block keys are
#: table-4 blocks), and whether a mismatch is a fail ('strong') or only uncertain ('weak';
#: 'context': strong when the sentence speaks of applications, see NARRATIVE_CONTEXT_WORDS).
NARRATIVE_NUMBER_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("granted_partly", r"予以公开(?:及|和|、|与)部分公开[^。；，\d]{0,6}?(?P<n>\d+)\s*件", "granted+partly_granted", "strong"),
    ("received", r"(?:收到|受理|接收|新收|共收|接到)[^。；，\d]{0,16}?申请[^。；，\d]{0,6}?(?P<n>\d+)\s*件",
     "received|received+carried_over", "weak"),
    ("received_alt", r"受理(?:依申请公开|依申请|申请)?(?:共计|共|总计|合计)\s*(?P<n>\d+)\s*件", "received|received+carried_over", "weak"),
    ("received_person", r"其中自然人(?:申请|提出)?[^。；，\d]{0,4}?(?P<n>\d+)\s*件",
     "received@natural_person|received@natural_person+carried_over@natural_person", "weak"),
    ("received_org", r"法人或其他组织(?:申请|提出)?[^。；，\d]{0,4}?(?P<n>\d+)\s*件", "received@org|received@org+carried_over@org", "weak"),
    ("carried_over", r"上一?年度?结转(?:的|政府信息公开)?(?:申请)?[^。；，\d]{0,8}?(?P<n>\d+)\s*件", "carried_over", "strong"),
    ("carried_forward", r"(?:结转|转)(?:至|到)?下一?年度?[^。；，\d]{0,12}?(?P<n>\d+)\s*件", "carried_forward", "strong"),
    ("carried_forward_pre", r"(?P<n>\d+)\s*件[^。；，\d]{0,4}?(?:顺延|结转|转)(?:到|至)?下一?年度?", "carried_forward", "strong"),
    ("granted", r"(?:予以公开|同意公开)(?:答复)?(?:的)?(?:共)?\s*(?P<n>\d+)\s*件", "granted", "strong"),
    ("partly_granted", r"部分公开(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "partly_granted", "strong"),
    ("refused", r"不予公开(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "refused.", "strong"),
    ("unable", r"无法提供(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "unable.", "strong"),
    ("not_processed", r"不予处理(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "not_processed.", "strong"),
    ("other_processed", r"其他处理(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "other.|other", "strong"),
    ("total", r"(?<!公开)(?<!提供)(?<!处理)(?:办结|答复|办理|处理完成|办理完毕)(?:了)?(?:申请)?(?:共计|共|总计)?\s*(?P<n>\d+)\s*件", "total", "context"),
    ("both_zero", r"行政复议(?:和|、|及|与)(?:行政)?诉讼(?:案件)?(?:数量|数)?均为\s*(?P<n>\d+)", "review&litigation_direct+litigation_after_review", "strong"),
    ("review_pre", r"(?P<n>\d+)\s*件[^。；，\d]{0,16}?行政复议", "review", "strong"),
    ("review", r"行政复议(?:案件)?(?:数量|数)?(?:共|为|共计)?\s*(?P<n>\d+)\s*件", "review", "strong"),
    ("litigation", r"行政诉讼(?:案件)?(?:数量|数)?(?:共|为|共计)?\s*(?P<n>\d+)\s*件", "litigation_direct+litigation_after_review", "strong"),
    ("review_and_litigation", r"复议[、和及与](?:行政)?诉讼[^。；\d]{0,24}?案件\s*(?P<n>\d+)\s*件",
     "review+litigation_direct+litigation_after_review", "weak"),
    ("proactive_rules", r"(?:主动公开|公开|制发|出台|发布)[^。；，\d]{0,10}?规章\s*(?P<n>\d+)\s*件", "proactive:rules", "weak"),
    ("proactive_normative", r"(?:主动公开|公开|制发|出台|发布)[^。；，\d]{0,14}?规范性文件\s*(?P<n>\d+)\s*件",
     "proactive:normative_docs", "weak"),
    ("proactive_items", r"主动公开[^。；，\d]{0,16}?信息\s*(?P<n>[\d.]+)\s*万?余?条", "none", "weak"),
)
#: words that make a 'context' narrative rule strong when its sentence contains one
NARRATIVE_CONTEXT_WORDS: tuple[str, ...] = ("政府信息公开申请", "依申请")
#: inside a sentence about one table-4 block: outcome words → table-4 columns
REVIEW_OUTCOME_WORDS: tuple[tuple[str, str], ...] = (
    ("结果维持", "upheld"), ("维持", "upheld"), ("结果纠正", "corrected"), ("纠正", "corrected"),
    ("其他结果", "other"), ("尚未审结", "pending"), ("未审结", "pending"),
)
#: words that mark a sentence about one table-4 block
REVIEW_BLOCK_WORDS: tuple[tuple[str, str], ...] = (
    ("复议后起诉", "litigation_after_review"), ("直接起诉", "litigation_direct"),
    ("行政复议", "review"), ("行政诉讼", "litigation"),
)
#: words that say information-processing fees were charged, and what part 六 must mention
FEE_WORDS: tuple[str, ...] = ("信息处理费", "处理费")
FEE_PART6_WORDS: tuple[str, ...] = ("信息处理费", "处理费", "收费", "收取", "费用")
#: a narrative amount of fees charged: 收取……信息处理费……N元
FEE_AMOUNT = re.compile(r"收取[^。；]{0,30}?(?:信息)?处理费[^。；\d]{0,10}?(?P<n>\d+(?:\.\d+)?)\s*(?:万)?元")

# ---------------------------------------------------------------- template text: compare
# Mandated text that template masking (nlp.comparison.template) excludes from reuse,
# boilerplate and year-over-year scores — still listed as template passages.
# Matching ignores whitespace and folds full-/half-width forms (NFKC).

#: further fragments of the statutory preamble, the contact lines and the printed table notes
TEMPLATE_FRAGMENTS_COMPARE: tuple[str, ...] = (
    "国务院令第711号",
    "国令第711号",
    "现将本年度报告",
    "年度报告予以公布",
    "年度报告予以公开",
    "本年度报告中所列数据",
    "报告中所列数据",
    "统计期限是",
    "本列数据的勾稽关系为",
    "等于第三项加第四项之和",
    "区分处理的，只计这一情形，不计其他情形",
    "政府信息公开工作年度报告",
)
#: every fragment whose sentence is template text (masked before boilerplate/reuse scores)
TEMPLATE_FRAGMENTS: tuple[str, ...] = TEMPLATE_FRAGMENTS_STATUTORY + TEMPLATE_FRAGMENTS_COMPARE

#: fragments that make their whole sentence template wherever it stands (preamble,
#: contact and table-note sentences); other fragments are masked on their own
#: unless they stand in the preamble (before part 一) or inside a table
TEMPLATE_SENTENCE_FRAGMENTS: tuple[str, ...] = (
    "统计期限",
    "如对本报告有疑问",
    "如对本年度报告有疑问",
    "勾稽关系",
    "第一项加第二项之和",
    "本报告中所列数据",
    "本年度报告中所列数据",
    "报告中所列数据",
)

#: a table row printed as text: a label followed by three or more numbers (or only numbers)
TEMPLATE_TABLE_ROW = re.compile(r"^[^\n]{0,40}?(?:[-\d.]+\s+){2,}[-\d.]+\s*$", re.M)
#: a table cell printed on its own line (DOCX/Markdown conversions): a number, a dash or a pipe
TEMPLATE_TABLE_CELL = re.compile(r"^[ \t|]*(?:[-+]?[\d.,%/]+|—+|-+|无|/|\|)?[ \t|]*$", re.M)
#: a Markdown table row (three or more pipes)
TEMPLATE_TABLE_PIPES = re.compile(r"^[^\n]*\|[^\n]*\|[^\n]*\|[^\n]*$", re.M)
#: longest label line (content characters) taken as a table label when it holds a TABLE_REGION_WORDS word
TEMPLATE_TABLE_LABEL_MAX = 24
#: a page number line of PDF text ('- 3 -', '第 3 页')
TEMPLATE_PAGE_NUMBER = re.compile(r"^\s*(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$", re.M)

# ---------------------------------------------------------------- printed table layouts (read by the demo generator)
# The labels as printed in the 2019 / 2021 table formats, keyed by the table keys above
# (REQUEST_ROWS_*, REQUEST_COLUMNS, PROACTIVE_COLUMNS_*, REVIEW_*). corpora.generate writes
# its tables from these; long mandated notes are printed shortened, as many reports do.

PRINTED_REQUEST_COLUMNS: dict[str, str] = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构", "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构", "other_org": "其他", "total": "总计",
}
PRINTED_REQUEST_HEADER = "申请人情况"
PRINTED_REQUEST_LEGAL_PERSONS = "法人或其他组织"
PRINTED_REQUEST_RESULTS = "三、本年度办理结果"
#: outcome groups with numbered sub-rows (row-key prefix → printed group label)
PRINTED_REQUEST_GROUPS: dict[str, str] = {
    "refused": "（三）不予公开", "unable": "（四）无法提供", "not_processed": "（五）不予处理", "other": "（六）其他处理",
}
PRINTED_REQUEST_ROWS: dict[str, str] = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开",
    "refused.state_secret": "1.属于国家秘密",
    "refused.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "refused.three_safeties": "3.危及“三安全一稳定”",
    "refused.third_party": "4.保护第三方合法权益",
    "refused.internal_affairs": "5.属于三类内部事务信息",
    "refused.process_info": "6.属于四类过程性信息",
    "refused.enforcement_file": "7.属于行政执法案卷",
    "refused.inquiry": "8.属于行政查询事项",
    "unable.not_held": "1.本机关不掌握相关政府信息",
    "unable.needs_creation": "2.没有现成信息需要另行制作",
    "unable.unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.mass_repeated": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.overdue_correction": "1.申请人无正当理由逾期不补正",
    "other.overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用",
    "other.other": "3.其他",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
PRINTED_PROACTIVE_ITEM = "信息内容"
#: table 2 blocks per era: (block title, row keys)
PRINTED_PROACTIVE_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2019": (("第二十条第（一）项", ("rules", "normative_docs")), ("第二十条第（五）项", ("licensing", "other_services")),
             ("第二十条第（六）项", ("penalty", "coercion")), ("第二十条第（八）项", ("fees",)),
             ("第二十条第（九）项", ("procurement",))),
    "2021": (("第二十条第（一）项", ("rules", "normative_docs")), ("第二十条第（五）项", ("licensing",)),
             ("第二十条第（六）项", ("penalty", "coercion")), ("第二十条第（八）项", ("fees",))),
}
PRINTED_PROACTIVE_ROWS: dict[str, dict[str, str]] = {
    "2019": {"rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
             "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购"},
    "2021": {"rules": "规章", "normative_docs": "行政规范性文件", "licensing": "行政许可", "penalty": "行政处罚",
             "coercion": "行政强制", "fees": "行政事业性收费"},
}
PRINTED_PROACTIVE_COLUMNS: dict[str, str] = {
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
    "prev_count": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量", "count": "采购项目数量",
    "amount": "采购总金额", "made": "本年制发件数", "repealed": "本年废止件数", "valid": "现行有效件数",
}
#: 2021 wording where it differs from the 2019 one (by column key)
PRINTED_PROACTIVE_COLUMNS_2021: dict[str, str] = {"decisions": "本年处理决定数量", "amount": "本年度收费金额（万元）"}
PRINTED_REVIEW_BLOCKS: dict[str, str] = {
    "review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉",
}
PRINTED_REVIEW_LITIGATION = "行政诉讼"
#: the corner cell of table 4 printed one block a row (as text renderings of the demo corpus do)
PRINTED_REVIEW_ITEM = "案件类型"
PRINTED_REVIEW_COLUMNS: dict[str, str] = {
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计",
}
# Printing habits that vary between agencies (each generated agency picks one of each):
#: the mark after a sub-row number of table 3 (1．属于国家秘密 / 1、属于国家秘密)
PRINTED_NUMBER_MARKS: tuple[str, ...] = ("．", "、")
#: the 勾稽关系 note of table 3 as printed in shortened forms
PRINTED_REQUEST_NOTES: tuple[str, ...] = (
    "（勾稽关系：第一项＋第二项＝第三项＋第四项）",
    "（勾稽关系：一加二之和等于三加四之和）",
    "（注：勾稽关系为第一项与第二项之和，等于第三项与第四项之和）",
)
#: the unit line printed between a part heading and its table
PRINTED_TABLE_UNITS: tuple[str, ...] = ("单位：件", "（单位：件）", "计量单位：件")
#: how the 法人或其他组织 group of table 3 is headed
PRINTED_REQUEST_LEGAL_PERSONS_VARIANTS: tuple[str, ...] = ("法人或其他组织", "法人或者其他组织")
#: the unit a count column of table 2 carries in its header
PRINTED_COUNT_UNIT = "（件）"
#: the total column of table 4 as some reports print it
PRINTED_REVIEW_TOTAL_VARIANTS: tuple[str, ...] = ("总计", "合计")
#: table 3 rows whose wording varies between reports (the law's 或者, a 、 in a list, shortened forms)
PRINTED_REQUEST_ROW_VARIANTS: dict[str, tuple[str, ...]] = {
    "refused.prohibited_by_law": ("2.其他法律、行政法规禁止公开", "2.其他法律法规禁止公开"),
    "refused.three_safeties": ("3.危及三安全一稳定", "3.危及‘三安全一稳定’"),
    "unable.needs_creation": ("2.没有现成信息，需要另行制作", "2.没有现成信息需另行制作"),
    "unable.unclear": ("3.补正后申请内容仍然不明确", "3.申请内容经补正后仍不明确"),
    "not_processed.mass_repeated": ("4.无正当理由大量反复提出申请", "4.无正当理由，大量反复申请"),
    "not_processed.confirmation": ("5.要求行政机关确认或者重新出具已获取信息", "5.要求确认或者重新出具已获取的信息"),
}

#: display names (for audit messages) of tables, rows and columns — short forms of the printed labels
TABLE_TITLES: dict[str, str] = {
    "proactive": "表二（主动公开）", "requests": "表三（申请办理）", "review_litigation": "表四（复议诉讼）",
    "old_era": "旧版表格",
}
REQUEST_ROW_TITLES: dict[str, str] = {
    "received": "一、本年新收", "carried_over": "二、上年结转", "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开", "refused.state_secret": "（三）1.国家秘密",
    "refused.prohibited_by_law": "（三）2.法律行政法规禁止", "refused.three_safeties": "（三）3.三安全一稳定",
    "refused.third_party": "（三）4.第三方权益", "refused.internal_affairs": "（三）5.内部事务",
    "refused.process_info": "（三）6.过程性信息", "refused.enforcement_file": "（三）7.行政执法案卷",
    "refused.inquiry": "（三）8.行政查询事项", "unable.not_held": "（四）1.不掌握",
    "unable.needs_creation": "（四）2.需另行制作", "unable.unclear": "（四）3.补正后仍不明确",
    "not_processed.petition": "（五）1.信访举报投诉", "not_processed.duplicate": "（五）2.重复申请",
    "not_processed.publication": "（五）3.公开出版物", "not_processed.mass_repeated": "（五）4.大量反复申请",
    "not_processed.confirmation": "（五）5.确认或重新出具", "other": "（六）其他处理",
    "other.overdue_correction": "（六）1.逾期不补正", "other.overdue_fee": "（六）2.逾期未缴费",
    "other.other": "（六）3.其他", "total": "（七）总计", "carried_forward": "四、结转下年度",
}
REVIEW_BLOCK_TITLES: dict[str, str] = {
    "review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）", "litigation": "行政诉讼",
}
REVIEW_COLUMN_TITLES: dict[str, str] = {
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计",
}
PROACTIVE_ROW_TITLES: dict[str, str] = {
    "rules": "规章", "normative_docs": "（行政）规范性文件", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购",
}
PROACTIVE_COLUMN_TITLES: dict[str, str] = {
    "new_made": "本年新制作", "new_published": "本年新公开", "total_published": "对外公开总数", "prev_count": "上一年项目数",
    "change": "本年增/减", "decisions": "处理决定数", "count": "采购项目数", "amount": "金额", "made": "本年制发",
    "repealed": "本年废止", "valid": "现行有效",
}
#: label of the key-numbers line in a report-level summary
SUMMARY_KEY_NUMBERS_LABEL = "关键数字："
#: table cells a report summary quotes as key numbers: (table, row, column, label, unit)
SUMMARY_TABLE_KEY_NUMBERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("requests", "received", "total", "本年新收申请", "件"),
    ("requests", "carried_over", "total", "上年结转", "件"),
    ("requests", "granted", "total", "予以公开", "件"),
    ("requests", "partly_granted", "total", "部分公开", "件"),
    ("requests", "total", "total", "办理合计", "件"),
    ("requests", "carried_forward", "total", "结转下年", "件"),
    ("review_litigation", "review", "total", "行政复议", "件"),
    ("review_litigation", "litigation_direct", "total", "行政诉讼（直接起诉）", "件"),
    ("review_litigation", "litigation_after_review", "total", "行政诉讼（复议后起诉）", "件"),
)
#: rows of those cells that also go on the report summary's key-numbers line
SUMMARY_HEADLINE_ROWS: frozenset[str] = frozenset({"received", "granted", "review", "litigation_direct",
                                                   "litigation_after_review"})
#: clauses that open a section body without saying anything (a year, 今年来, 根据…): skipped by the
#: extractive headline (first informative clause)
SUMMARY_EMPTY_OPENER = re.compile(
    r"^(?:\d{4}\s*年(?:度|以来|来)?|本年度|今年(?:以)?来|近年来|一年来|全年|截至.{0,16}"
    r"|(?:我[局办委区县市厅部]|本(?:机关|单位|部门))?(?:根据|按照|依据|为了?|围绕).*)$")
#: political formulas a summary sentence is not chosen for (坚持以…为指导, 深入贯彻…精神)
SUMMARY_FORMULA = re.compile(
    r"坚持以[^。；]{0,40}为指导|以习近平新时代中国特色社会主义思想为指导|深入贯彻(?:落实)?[^。；]{0,40}(?:精神|思想|决策部署)"
    r"|认真贯彻落实[^。；]{0,40}(?:精神|部署|要求)|在[^。；]{0,20}(?:正确|坚强)领导下"
    r"|(?:贯彻|围绕|落实)[^。；]{0,40}(?:精神|决策部署|重要指示|重要讲话)")
#: lines that are table furniture, not prose (（单位：件）, 表头)
SUMMARY_UNIT_NOTE = re.compile(r"^[（(]?\s*(?:单位|计量单位)\s*[:：]")
#: sentences of part 五 that name a problem
SUMMARY_PROBLEM_CUES = re.compile(r"问题|不足|差距|短板|薄弱|有待|不够|不高|不强|不深|不全|滞后|欠缺|仍需|尚需|还需|不到位|不平衡|不规范")
#: sentences of part 五 that name a measure (the improvement turn, or 将 + a verb of action)
SUMMARY_MEASURE_CUES = re.compile(IMPROVEMENT_TURN.pattern + r"|将[^。；]{0,6}(?:加强|推进|完善|健全|提升|强化|加大|落实)")
#: a report summary's line labels (key numbers use SUMMARY_KEY_NUMBERS_LABEL)
SUMMARY_BRIEF_LABELS: dict[str, str] = {"did": "主要做法：", "problems": "问题与改进："}
#: the previous year's value after a key number: 本年新收申请54件（上年48件）
SUMMARY_PREVIOUS_YEAR = "（上年{value}{unit}）"
#: caveat on a number a failed check touches, by the rule id's prefix (T3-BALANCE → T3)
SUMMARY_CAVEATS: dict[str, str] = {
    "T3": "⚠ 与表内合计不符", "T4": "⚠ 与表内合计不符", "CELL": "⚠ 单元格填写不规范",
    "TXT": "⚠ 与正文所述不符", "XY": "⚠ 与上年数据不衔接", "FEE": "⚠ 与收费情况不符",
}
#: caveat on a number an uncertain check touches (and on a failed rule without its own caveat)
SUMMARY_CAVEAT_UNCERTAIN = "⚠ 核对存疑"
SUMMARY_CAVEAT_DEFAULT = "⚠ 核对未通过"
#: phrases of the format's headings that a headline model trained on headings writes into unrelated
#: headlines (2024年工作中存在的主要问题 for an overview); the guard accepts them only where the source has them
SUMMARY_TEMPLATE_PHRASES: tuple[str, ...] = tuple(sorted(
    set(STANDARD_PART_TITLES.values()) | {"存在的主要问题", "主要问题", "存在问题", "改进情况", "改进措施", "下一步工作",
                                          "工作打算"}, key=lambda p: (-len(p), p)))

# ---------------------------------------------------------------- compare: template by evidence, formulas, names
# The comparison (nlp.comparison) never takes text as template because of where it stands;
# only because the format mandates its words (below and above) or many agencies print it.
# Patterns here run on the *content stream* (whitespace removed, NFKC-folded: "，" → ","),
# so commas are written as [,，].

#: statutory-preamble and report-note phrases that make their whole sentence template
#: wherever it stands (the preamble is template by these words, not by its position)
TEMPLATE_STATUTORY_SENTENCE_FRAGMENTS: tuple[str, ...] = (
    "本报告由", "现将本年度报告", "编制本报告", "编制了本报告", "特编制", "年度报告予以公布", "年度报告予以公开",
    "报告全文", "电子版可", "本报告电子版", "报告如下", "年度报告格式》", "国办公开办函",
    "政府信息与政务公开办公室",
)
#: a legal citation: the title of a law, regulation or document in 《》 with its document number and
#: short name, as the statutory sentences print them (a template phrase wherever it stands)
LEGAL_CITATION = re.compile(r"《[^《》]{2,60}?(?:条例|规定|办法|意见|通知|细则|规则|格式|要点|决定|法)》"
                            r"(?:[(（][^()（）]{0,16}?〔\d{4}〕\d{1,4}号[)）])?(?:[(（](?:以下简称|下称)[^()（）]{1,12}[)）])?")
#: a contact item: a label with a colon and its value (to the next clause mark), or a label
#: followed by a telephone number or e-mail address; the mask ends where the value ends
CONTACT_ITEM = re.compile(
    r"(?:联系(?:人|电话|方式|地址|单位|部门)|咨询电话|办公电话|通讯地址|办公地址|受理地址|地址|电话|传真|邮政编码|邮编"
    r"|电子邮箱|电子信箱|邮箱|网址)\s*(?:[:：]\s*)?"
    r"(?:\(?0\d{2,3}\)?[\-—–]?\s?\d{7,8}(?:[\-—–转]\d{1,5})?(?:[、/或和]\s*(?:\(?0\d{2,3}\)?[\-—–]?)?\d{7,8})*"
    r"|\d{11}|\d{6}(?!\d)|[\w.\-]+@[\w.\-]+\.[A-Za-z]{2,}|(?<=[:：])\s*[^，,；;。\n]{1,40})")

#: political formulas: the sentences every body prints to show the line it follows. Their own kind,
#: ``formula``: counted as boilerplate, never reported as copying between two reports.
POLITICAL_FORMULAS: tuple[str, ...] = (
    r"(?:坚持)?以习近平(?:同志为核心的党中央|新时代中国特色社会主义思想|法治思想|总书记关于[^,，。;；]{1,20}重要论述)为(?:指导|指引|统领)",
    r"(?:深入|全面|认真|坚决)?(?:学习)?(?:宣传)?贯彻(?:落实)?(?:习近平新时代中国特色社会主义思想(?:和|及|以及))?"
    r"党的[一二三四五六七八九十]+大(?:(?:、|和|及|以及)(?:党的)?[一二三四五六七八九十]+(?:大|届(?:[一二三四五六七八九十、中历次]+)?全会))*精神",
    r"(?:深入|全面|认真)?(?:学习)?贯彻(?:落实)?习近平总书记(?:[^,，。;；]{0,24}?)重要(?:讲话|指示|论述|指示批示)(?:和[^,，。;；]{0,12}?)?精神",
    r"(?:深入|全面|认真)?学习贯彻习近平新时代中国特色社会主义思想",
    r"(?:坚决|认真|全面)?贯彻落实党中央[、,，]?国务院(?:[^,，。;；]{0,16}?)决策部署",
    r"增强[“\"]?四个意识[”\"]?[、,，]坚定[“\"]?四个自信[”\"]?[、,，]做到[“\"]?两个维护[”\"]?",
    r"深刻领悟[“\"]?两个确立[”\"]?的决定性意义",
    r"坚持以人民为中心的发展(?:思想|理念)",
    r"习近平新时代中国特色社会主义思想",
    r"习近平法治思想",
)

#: one place level at the start of an agency's name (淮安市 · 洪泽区 · 人民政府): agency names are
#: cut into their places with this pattern, matched again and again from the start
PLACE_LEVEL_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}?(?P<level>自治区|特别行政区|自治州|自治县|自治旗|省|市|地区|州|盟|新区|区|县|旗|镇|乡|街道)")
#: level rank of each suffix (1 province … 4 township); names of equal rank that differ are different places
PLACE_LEVEL_RANK: dict[str, int] = {"省": 1, "自治区": 1, "特别行政区": 1, "市": 2, "地区": 2, "州": 2, "自治州": 2,
                                    "盟": 2, "县": 3, "区": 3, "新区": 3, "旗": 3, "自治县": 3, "自治旗": 3, "镇": 4,
                                    "乡": 4, "街道": 4}
#: official titles that carry an administrative level (常务副区长 names a district's official)
OFFICIAL_TITLE = re.compile(r"(?:常务)?副?(?P<level>县|区|旗|镇|乡)长")

# ---------------------------------------------------------------- 2008-era part titles (issue 16: corpora.render)
# Part titles of the 2008–2018 layouts (old regulation) in the wordings reports used, by part key.
# corpora.render composes its 2008-era renderings from them. A statistics-table appendix
# (…统计表) has no part key of its own: it is keyed 'unknown', as in ../shared/corpus/web/gold.jsonl.

#: 2008-era part titles by part key ({year} is the report's year)
ERA_2008_PART_TITLES: dict[str, tuple[str, ...]] = {
    "overview": ("概述", "基本情况", "政府信息公开工作概述", "工作概述"),
    "proactive": ("主动公开政府信息情况", "主动公开政府信息的情况", "政府信息主动公开情况"),
    "requests": ("政府信息依申请公开情况", "依申请公开政府信息情况", "政府信息依申请公开工作情况",
                 "依申请公开政府信息和不予公开政府信息的情况"),
    "fees": ("政府信息公开的收费及减免情况", "政府信息公开收费及减免情况", "信息公开收费及减免情况"),
    "review_litigation": ("因政府信息公开申请行政复议、提起行政诉讼的情况", "因政府信息公开申请行政复议和提起行政诉讼情况",
                          "政府信息公开申请行政复议、行政诉讼情况"),
    "problems": ("存在的主要问题及改进措施", "政府信息公开工作存在的主要问题和改进措施", "存在的不足及改进措施"),
    "other": ("其他需要报告的事项", "其他需要说明的事项"),
    "unknown": ("政府信息公开情况统计表", "{year}年度政府信息公开工作统计表", "附表：{year}年政府信息公开情况统计表"),
}
#: one number holding two 2008-era parts: fees and reconsideration/litigation (keyed review_litigation)
ERA_2008_FEES_WITH_REVIEW_TITLES: tuple[str, ...] = (
    "政府信息公开的收费及减免情况和因政府信息公开申请行政复议、提起行政诉讼的情况",
    "政府信息公开收费及减免、行政复议和行政诉讼情况",
)
