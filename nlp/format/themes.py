"""Segmentation terms and theme vocabulary: the heading → theme rules that label training data, the
keyword dictionary of the baseline classifier, the part 一 theme order and the problem-specificity cues.
nlp.segmentation and nlp.themes read these; nothing else in those modules is vocabulary."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .eras import ERA_2019, ERA_2021

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

#: the order in which part 一 (总体情况) of the 2019 and 2021 layouts presents its themed
#: sections (宣传培训 first where a report has it; themes may be left out, rarely repeated):
#: the section decoder (nlp.themes.sequence) prefers label sequences that follow it
OVERVIEW_THEME_ORDER: tuple[str, ...] = ("training", "proactive", "requests", "management", "platforms", "supervision")
#: report eras (``Report.era``) whose part 一 follows OVERVIEW_THEME_ORDER (the 2008 layout has no such template)
OVERVIEW_ORDER_ERAS: tuple[str, ...] = (ERA_2019, ERA_2021)

#: marks where the improvements half of an unheaded part 五 begins
IMPROVEMENT_TURN = re.compile(r"下一步|今后|下阶段|新的一年|\d{4}\s*年[，,]?\s*(?:我|本)[^。]{0,6}将|改进(?:情况|措施|方向)|将(?:进一步|继续|持续)")

#: an enumerated item's opening phrase that states a shortcoming (二是…仍需进一步规范) or
#: opens a measure to come (进一步拓展…): problems/improvements whatever the item's topic,
#: also where a parser filed part 五's lists under another part
OPENER_PROBLEM = re.compile(r"需(?:要)?进一步|亟需|亟待|不足|不够|有待|仍需|还需|尚需|欠缺|单一|不准确|不到位|不高|不强|不完善|不规范|不及时|滞后|较弱|薄弱|缺乏|缺少")
OPENER_IMPROVEMENT = re.compile(r"^(?:进一步|继续|持续|不断)")
#: a paragraph of general official prose that speaks of disclosure (``nlp.themes.mining.prose_paragraphs``)
DISCLOSURE_WORDS = re.compile(r"政务公开|信息公开|公开政府信息|主动公开|依申请公开|政策解读")

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
