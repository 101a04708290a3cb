"""Words of the statistics tables that belong to no single row: region words, cell markers, units,
the line shapes of flattened tables, and the printing habits that vary between agencies."""
from __future__ import annotations

import re

# ---- flattened tables: where a row starts when a web page printed the table on one line

#: a row of table 4 printed one block a line: its label, then its values
REVIEW_ROW_START = re.compile(
    r"(?:行政复议|行政诉讼\s*[|（(]?\s*(?:未经复议直接起诉|复议后起诉)\s*[）)]?)"
    r"(?=\s*\|?\s*(?:\d+(?![\d.]*\s*[件次起个项条])|[/—－-]\s))")
#: a table-3 sub-row number (1. … 8.), possibly glued to the digits of the row before
TABLE_SUBROW_NUMBER = re.compile(r"([1-9])\s*[.．、](?=\s*[\u4e00-\u9fff“\"])")
#: labels after which table 4 prints its values (the last header word)
REVIEW_HEADER_WORDS = re.compile(r"总计|合计|尚未审结")

# ---- table regions: which lines of a report belong to a table

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

#: a note printed under a table's header (注：行政复议、行政诉讼数量含上年度结转数量。): part of the table
TABLE_NOTE = re.compile(r"^[（(]?\s*注\s*[：:]")
#: a table note is at most this long
TABLE_NOTE_CHARS = 80

#: a part-heading candidate whose title holds one of these is a table 3 row label, not a part
TABLE_ROW_HEADINGS = re.compile(r"本年新收|上年结转|本年度办理结果|结转下年度|本法提供|继续办理|申请数量")

#: an annotation beside a loose table-2 number that says it counts repealed documents
PROACTIVE_REPEAL_HINTS: tuple[str, ...] = ("失效", "废止", "修订", "宣布失效")

# ---- cells

#: cells that print "no value": kept distinct from 0 (semantic 'na')
NA_MARKERS: frozenset[str] = frozenset({"/", "／", "\\", "—", "——", "-", "--", "–", "－", "─", "无", "不适用", "空", "×", "N/A", "n/a"})
#: units that may follow a printed number in a cell
CELL_UNITS: tuple[str, ...] = ("万元", "元", "件", "条", "项", "个", "%")


# ---- the 2008–2018 statistics table (指标名称 / 计量单位 / 2016年度 / 历年累计), as crawled pages glue it

#: its header: the label and unit columns, then the value columns' titles
OLD_ERA_TABLE_HEADER = re.compile(r"指标名称[\s|]*计量单位[\s|]*")
#: a value column's title in that header (this year, the last year, the running total)
OLD_ERA_COLUMN_TITLE = re.compile(r"(?:19|20)\d{2}\s*年度?|本年度?|比上年增减|同比增减|增减|上年度?|历年累计|累计")
#: value-column titles that hold a running total (never below the year's figure beside it)
OLD_ERA_CUMULATIVE_TITLE = re.compile(r"累计")
#: units printed in the 计量单位 column, longest first
OLD_ERA_UNITS: tuple[str, ...] = ("万元", "人次", "条", "件", "元", "个", "次", "项", "份", "人", "期")
#: opens the sub-rows of a row (其中：1、网站公开 …)
OLD_ERA_SUBROWS = re.compile(r"其中\s*[：:]?\s*")


# ---- printing habits that vary between agencies (the demo generator picks one of each per agency)

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
#: the unit a count column of table 2 carries in its header
PRINTED_COUNT_UNIT = "（件）"
