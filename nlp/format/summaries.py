"""Words the summaries read: markup noise, generic headings, boilerplate, key numbers, caveats."""
from __future__ import annotations

import re

from .parts import STANDARD_PART_TITLES
from .themes import IMPROVEMENT_TURN

#: markup noise removed from lines before mining heading -> body pairs
SUMMARY_NOISE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\[bookmark:[^\]]*\]"),
    re.compile(r"\*\*|__"),
    re.compile(r"^#+\s*"),
)
#: a numbered item that is a legal condition (……的), an article reference or a question, not a heading
SUMMARY_LEGAL_CONDITION = re.compile(r"的$|第[一二三四五六七八九十百零\d]+条|[？?]$|^(?:对|在|因|由于|经|依照|按照)")
#: headings too generic to learn from (the standard part titles say nothing about the body)
SUMMARY_GENERIC_HEADINGS: frozenset[str] = frozenset(STANDARD_PART_TITLES.values()) | frozenset({
    "主要问题", "改进情况", "改进措施", "存在问题", "其他",
    "概述", "基本情况", "工作情况", "主要做法", "下一步工作", "工作打算", "工作回顾",
})
#: sentence fragments that mark boilerplate in summaries (besides TEMPLATE_FRAGMENTS)
SUMMARY_BOILERPLATE_FRAGMENTS: tuple[str, ...] = (
    "现将", "特此报告", "报告如下", "予以公开", "不予公开", "联系电话", "电子邮箱", "邮编",
)

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
