"""The statistics tables of the 2019 and 2021 layouts (tables 2, 3 and 4) and the 2008-era table,
each one :class:`TableSchema`; the lookups the readers, checks, summaries and the demo generator
use are derived from them below. Cells are keyed ``table / row / column``
(``requests / refused.state_secret / natural_person``).
"""
from __future__ import annotations

import re

from .eras import ERA_2019, ERA_2021
from .schema import BlockSpec, ColumnSpec, RowSpec, TableSchema

# ---------------------------------------------------------------- table 2: proactive disclosure

PROACTIVE_TABLE = TableSchema(
    key="proactive",
    title="表二（主动公开）",
    rows=(
        RowSpec("rules", "规章", fragments=("规章",)),
        RowSpec("normative_docs", "规范性文件", short="（行政）规范性文件", fragments=("规范性文件",),
                era_labels=((ERA_2021, "行政规范性文件"),)),
        RowSpec("licensing", "行政许可", fragments=("行政许可",)),
        RowSpec("other_services", "其他对外管理服务事项", fragments=("其他对外管理服务", "对外管理服务事项")),
        RowSpec("penalty", "行政处罚", fragments=("行政处罚",)),
        RowSpec("coercion", "行政强制", fragments=("行政强制",)),
        RowSpec("fees", "行政事业性收费", fragments=("行政事业性收费", "事业性收费")),
        RowSpec("procurement", "政府集中采购", fragments=("政府集中采购", "集中采购")),
    ),
    columns=(
        ColumnSpec("new_made", "本年新制作数量", "本年新制作"),
        ColumnSpec("new_published", "本年新公开数量", "本年新公开"),
        ColumnSpec("total_published", "对外公开总数量", "对外公开总数"),
        ColumnSpec("prev_count", "上一年项目数量", "上一年项目数"),
        ColumnSpec("change", "本年增/减", signed=True),
        ColumnSpec("decisions", "处理决定数量", "处理决定数", era_labels=((ERA_2021, "本年处理决定数量"),)),
        ColumnSpec("count", "采购项目数量", "采购项目数"),
        ColumnSpec("amount", "采购总金额", "金额", era_labels=((ERA_2021, "本年度收费金额（万元）"),), amount=True),
        ColumnSpec("made", "本年制发件数", "本年制发"),
        ColumnSpec("repealed", "本年废止件数", "本年废止"),
        ColumnSpec("valid", "现行有效件数", "现行有效"),
    ),
    blocks=(
        (ERA_2019, (
            BlockSpec("第二十条第（一）项", ("rules", "normative_docs"), ("new_made", "new_published", "total_published")),
            BlockSpec("第二十条第（五）项", ("licensing", "other_services"), ("prev_count", "change", "decisions")),
            BlockSpec("第二十条第（六）项", ("penalty", "coercion"), ("prev_count", "change", "decisions")),
            BlockSpec("第二十条第（八）项", ("fees",), ("prev_count", "change")),
            BlockSpec("第二十条第（九）项", ("procurement",), ("count", "amount")),
        )),
        (ERA_2021, (
            BlockSpec("第二十条第（一）项", ("rules", "normative_docs"), ("made", "repealed", "valid")),
            BlockSpec("第二十条第（五）项", ("licensing",), ("decisions",)),
            BlockSpec("第二十条第（六）项", ("penalty", "coercion"), ("decisions",)),
            BlockSpec("第二十条第（八）项", ("fees",), ("amount",)),
        )),
    ),
    corner="信息内容",
    start_markers=("第二十条第（一）项", "第二十条（一）", "信息内容"),
    kind_words=("第二十条", "信息内容", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
                "本年制发件数", "现行有效件数", "本年新制作数量", "政府集中采购"),
    row_start=re.compile(
        r"第二十条第?[（(][一二三四五六七八九十][）)]项?|(?:行政)?规范性文件(?!清理)|(?<!行政)(?<!规范性文件)规章|"
        r"其他对外管理服务事项|行政许可|行政处罚|行政强制|行政事业性收费|政府集中采购"),
    era_markers=(
        (ERA_2019, ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额")),
        (ERA_2021, ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")),
    ),
)

# ---------------------------------------------------------------- table 3: requests

#: （六）其他处理: one row in the 2019 layout, the heading of three rows in the 2021 one
_OTHER_PROCESSED = RowSpec("other", "其他处理", "（六）", fragments=("其他处理",), eras=(ERA_2019,), outcome=True)

REQUEST_TABLE = TableSchema(
    key="requests",
    title="表三（申请办理）",
    rows=(
        RowSpec("received", "本年新收政府信息公开申请数量", "一、", "本年新收", fragments=("本年新收", "新收政府信息")),
        RowSpec("carried_over", "上年结转政府信息公开申请数量", "二、", "上年结转", fragments=("上年结转",)),
        RowSpec("granted", "予以公开", "（一）", fragments=("予以公开",), outcome=True),
        RowSpec("partly_granted", "部分公开", "（二）", fragments=("部分公开", "区分处理"), outcome=True),
        RowSpec("refused.state_secret", "属于国家秘密", "1.", "国家秘密", fragments=("国家秘密",), outcome=True),
        RowSpec("refused.prohibited_by_law", "其他法律行政法规禁止公开", "2.", "法律行政法规禁止",
                fragments=("禁止公开", "法律行政", "行政法规禁", "行政止公开"),
                variants=("其他法律、行政法规禁止公开", "其他法律法规禁止公开"), outcome=True),
        RowSpec("refused.three_safeties", "危及“三安全一稳定”", "3.", "三安全一稳定", fragments=("三安全", "一稳定"),
                variants=("危及三安全一稳定", "危及‘三安全一稳定’"), outcome=True),
        RowSpec("refused.third_party", "保护第三方合法权益", "4.", "第三方权益", fragments=("第三方",), outcome=True),
        RowSpec("refused.internal_affairs", "属于三类内部事务信息", "5.", "内部事务", fragments=("内部事务",), outcome=True),
        RowSpec("refused.process_info", "属于四类过程性信息", "6.", "过程性信息", fragments=("过程性",), outcome=True),
        RowSpec("refused.enforcement_file", "属于行政执法案卷", "7.", "行政执法案卷", fragments=("执法案卷",), outcome=True),
        RowSpec("refused.inquiry", "属于行政查询事项", "8.", "行政查询事项", fragments=("查询事项",), outcome=True),
        RowSpec("unable.not_held", "本机关不掌握相关政府信息", "1.", "不掌握", fragments=("不掌握",), outcome=True),
        RowSpec("unable.needs_creation", "没有现成信息需要另行制作", "2.", "需另行制作", fragments=("另行制作", "没有现成"),
                variants=("没有现成信息，需要另行制作", "没有现成信息需另行制作"), outcome=True),
        RowSpec("unable.unclear", "补正后申请内容仍不明确", "3.", "补正后仍不明确", fragments=("仍不明确", "补正后申请"),
                variants=("补正后申请内容仍然不明确", "申请内容经补正后仍不明确"), outcome=True),
        RowSpec("not_processed.petition", "信访举报投诉类申请", "1.", "信访举报投诉", fragments=("信访", "举报投诉"),
                outcome=True),
        RowSpec("not_processed.duplicate", "重复申请", "2.", fragments=("重复申请",), outcome=True),
        RowSpec("not_processed.publication", "要求提供公开出版物", "3.", "公开出版物", fragments=("出版物",), outcome=True),
        RowSpec("not_processed.mass_repeated", "无正当理由大量反复申请", "4.", "大量反复申请", fragments=("大量反复",),
                variants=("无正当理由大量反复提出申请", "无正当理由，大量反复申请"), outcome=True),
        RowSpec("not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", "5.", "确认或重新出具",
                fragments=("重新出具", "确认或"),
                variants=("要求行政机关确认或者重新出具已获取信息", "要求确认或者重新出具已获取的信息"), outcome=True),
        _OTHER_PROCESSED,
        RowSpec("other.overdue_correction", "申请人无正当理由逾期不补正", "1.", "逾期不补正",
                fragments=("逾期不补正", "无正当理由逾期", "不补正"), eras=(ERA_2021,), outcome=True),
        RowSpec("other.overdue_fee", "申请人逾期未按收费通知要求缴纳费用", "2.", "逾期未缴费",
                fragments=("收费通知", "缴纳费用"), eras=(ERA_2021,), outcome=True),
        RowSpec("other.other", "其他", "3.", exact=("其他",), eras=(ERA_2021,), outcome=True),
        RowSpec("total", "总计", "（七）", fragments=("（七）总计",), exact=("总计", "合计")),
        RowSpec("carried_forward", "结转下年度继续办理", "四、", "结转下年度", fragments=("结转下年度", "下年度继续", "转下年度")),
    ),
    columns=(
        ColumnSpec("natural_person", "自然人"),
        ColumnSpec("commercial", "商业企业"),
        ColumnSpec("research", "科研机构"),
        ColumnSpec("social_welfare", "社会公益组织"),
        ColumnSpec("legal_service", "法律服务机构"),
        ColumnSpec("other_org", "其他"),
        ColumnSpec("total", "总计"),
    ),
    groups=(
        RowSpec("refused", "不予公开", "（三）"),
        RowSpec("unable", "无法提供", "（四）"),
        RowSpec("not_processed", "不予处理", "（五）"),
        _OTHER_PROCESSED,
    ),
    start_markers=("勾稽关系", "申请人情况", "本年新收政府信息公开申请"),
    kind_words=("申请人情况", "自然人", "本年新收", "上年结转", "予以公开", "不予公开", "无法提供", "不予处理",
                "其他处理", "结转下年度", "国家秘密"),
    row_start=re.compile(
        r"申请人情况|[一二三四][、.．](?=\s*(?:本年新收|上年结转|本年度办理结果|结转下年度))|"
        r"[（(][一二三四五六七][）)](?=\s*[\u4e00-\u9fff])"),
    era_markers=((ERA_2021, ("逾期不补正", "不补正", "收费通知", "缴纳费用")),),
)
#: the heading row above the outcome rows (一、 and 二、 count applications, 三、 their outcomes, 四、 what is left)
REQUEST_RESULTS_HEADING = RowSpec("results", "本年度办理结果", "三、")
#: the header over the applicant columns, and over the five columns of legal persons (商业企业 … 其他)
PRINTED_REQUEST_HEADER = "申请人情况"
PRINTED_REQUEST_LEGAL_PERSONS = "法人或其他组织"
#: how the 法人或其他组织 group of table 3 is headed (the regulation's 或者 in some reports)
PRINTED_REQUEST_LEGAL_PERSONS_VARIANTS: tuple[str, ...] = (PRINTED_REQUEST_LEGAL_PERSONS, "法人或者其他组织")

# ---------------------------------------------------------------- table 4: reconsideration and litigation

#: the two litigation blocks are printed under one 行政诉讼 heading
_LITIGATION = RowSpec("litigation", "行政诉讼")

REVIEW_TABLE = TableSchema(
    key="review_litigation",
    title="表四（复议诉讼）",
    rows=(
        RowSpec("review", "行政复议"),
        RowSpec("litigation_direct", "未经复议直接起诉", short=f"{_LITIGATION.label}（未经复议直接起诉）"),
        RowSpec("litigation_after_review", "复议后起诉", short=f"{_LITIGATION.label}（复议后起诉）"),
    ),
    columns=(
        ColumnSpec("upheld", "结果维持"),
        ColumnSpec("corrected", "结果纠正"),
        ColumnSpec("other", "其他结果"),
        ColumnSpec("pending", "尚未审结"),
        ColumnSpec("total", "总计", variants=("合计",)),
    ),
    groups=(_LITIGATION,),
    # text renderings (as in the demo corpus) print table 4 one block a row under this corner cell
    corner="案件类型",
    start_markers=("行政复议",),
    kind_words=("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "尚未审结", "结果维持"),
)

# ---------------------------------------------------------------- 2008–2018: free-form rows keyed by their labels

OLD_ERA_TABLE = TableSchema(key="old_era", title="旧版表格")

#: the three tables of the 2019 and 2021 layouts, in printed order
STATISTICS_TABLES: tuple[TableSchema, ...] = (PROACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE)

# ---------------------------------------------------------------- derived lookups (the names the code reads)

TABLE_KINDS: tuple[str, ...] = tuple(t.key for t in STATISTICS_TABLES)
#: display names (for audit messages) of the tables
TABLE_TITLES: dict[str, str] = {t.key: t.title for t in (*STATISTICS_TABLES, OLD_ERA_TABLE)}
#: where each table starts (searched in order in the text)
TABLE_START_MARKERS: dict[str, tuple[str, ...]] = {t.key: t.start_markers for t in STATISTICS_TABLES}
#: words that tell the three tables apart (table kind → its words)
TABLE_KIND_WORDS: dict[str, tuple[str, ...]] = {t.key: t.kind_words for t in STATISTICS_TABLES}
#: where a row of a flattened statistics table starts (searched inside the table's zone)
TABLE_ROW_STARTS: dict[str, re.Pattern[str]] = {t.key: t.row_start for t in STATISTICS_TABLES if t.row_start}

# table 2
PROACTIVE_ROWS: tuple[str, ...] = tuple(r.key for r in PROACTIVE_TABLE.rows)
PROACTIVE_COLUMNS_2019: dict[str, tuple[str, ...]] = {
    k: b.columns for b in PROACTIVE_TABLE.blocks_in(ERA_2019) for k in b.rows}
PROACTIVE_COLUMNS_2021: dict[str, tuple[str, ...]] = {
    k: b.columns for b in PROACTIVE_TABLE.blocks_in(ERA_2021) for k in b.rows}
#: columns whose values may be decimal amounts (万元) or negative (本年增/减)
AMOUNT_COLUMNS: frozenset[str] = frozenset(c.key for c in PROACTIVE_TABLE.columns if c.amount)
SIGNED_COLUMNS: frozenset[str] = frozenset(c.key for c in PROACTIVE_TABLE.columns if c.signed)
#: the order row labels of table 2 are tried in (first match wins)
PROACTIVE_LABEL_ORDER: tuple[str, ...] = (
    "normative_docs", "rules", "other_services", "licensing", "penalty", "coercion", "fees", "procurement",
)
#: row labels of table 2 (matched after numbering is stripped; first match wins)
PROACTIVE_ROW_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (k, PROACTIVE_TABLE.row(k).fragments) for k in PROACTIVE_LABEL_ORDER)
#: column headers that mark the era of table 2
PROACTIVE_2021_HEADERS: tuple[str, ...] = PROACTIVE_TABLE.markers(ERA_2021)
PROACTIVE_2019_HEADERS: tuple[str, ...] = PROACTIVE_TABLE.markers(ERA_2019)
PROACTIVE_ROW_TITLES: dict[str, str] = {r.key: PROACTIVE_TABLE.row_title(r) for r in PROACTIVE_TABLE.rows}
PROACTIVE_COLUMN_TITLES: dict[str, str] = {c.key: c.title for c in PROACTIVE_TABLE.columns}
PRINTED_PROACTIVE_ITEM = PROACTIVE_TABLE.corner
#: table 2 blocks per era: (block title, row keys)
PRINTED_PROACTIVE_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    era: tuple((b.title, b.rows) for b in blocks) for era, blocks in PROACTIVE_TABLE.blocks}
PRINTED_PROACTIVE_ROWS: dict[str, dict[str, str]] = {
    era: {k: PROACTIVE_TABLE.row(k).label_in(era) for k in PROACTIVE_TABLE.row_keys(era)}
    for era, _ in PROACTIVE_TABLE.blocks}
PRINTED_PROACTIVE_COLUMNS: dict[str, str] = {c.key: c.label for c in PROACTIVE_TABLE.columns}
#: 2021 wording where it differs from the 2019 one (by column key)
PRINTED_PROACTIVE_COLUMNS_2021: dict[str, str] = {
    c.key: c.label_in(ERA_2021) for c in PROACTIVE_TABLE.columns if c.label_in(ERA_2021) != c.label}

# table 3
#: applicant columns, in printed order (the last is the row total)
REQUEST_COLUMNS: tuple[str, ...] = tuple(c.key for c in REQUEST_TABLE.columns)
REQUEST_ROWS_2019: tuple[str, ...] = REQUEST_TABLE.row_keys(ERA_2019)
#: the 2021 layout splits (六) into three rows
REQUEST_ROWS_2021: tuple[str, ...] = REQUEST_TABLE.row_keys(ERA_2021)
#: the outcome groups summed into （七）总计 (prefixes of row keys)
REQUEST_OUTCOME_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(
    r.key.split(".")[0] for r in REQUEST_TABLE.rows if r.outcome))
#: label fragments that identify a table-3 row (any fragment found in the label → the row);
#: ``REQUEST_ROW_EXACT`` labels must equal the whole label once numbering is stripped
REQUEST_ROW_FRAGMENTS: dict[str, tuple[str, ...]] = {r.key: r.fragments for r in REQUEST_TABLE.rows if r.fragments}
REQUEST_ROW_EXACT: dict[str, tuple[str, ...]] = {r.key: r.exact for r in REQUEST_TABLE.rows if r.exact}
#: labels that mark the 2021 layout of table 3
REQUEST_2021_LABELS: tuple[str, ...] = REQUEST_TABLE.markers(ERA_2021)
REQUEST_ROW_TITLES: dict[str, str] = {r.key: REQUEST_TABLE.row_title(r) for r in REQUEST_TABLE.rows}
PRINTED_REQUEST_COLUMNS: dict[str, str] = {c.key: c.label for c in REQUEST_TABLE.columns}
PRINTED_REQUEST_RESULTS = REQUEST_RESULTS_HEADING.printed
#: outcome groups with numbered sub-rows (row-key prefix → printed group label)
PRINTED_REQUEST_GROUPS: dict[str, str] = {g.key: g.printed for g in REQUEST_TABLE.groups}
PRINTED_REQUEST_ROWS: dict[str, str] = {r.key: r.printed for r in REQUEST_TABLE.rows}
#: table 3 rows whose wording varies between reports (the law's 或者, a 、 in a list, shortened forms)
PRINTED_REQUEST_ROW_VARIANTS: dict[str, tuple[str, ...]] = {
    r.key: tuple(r.number + v for v in r.variants) for r in REQUEST_TABLE.rows if r.variants}

# table 4
#: three blocks of five columns, in printed order
REVIEW_BLOCKS: tuple[str, ...] = tuple(r.key for r in REVIEW_TABLE.rows)
REVIEW_COLUMNS: tuple[str, ...] = tuple(c.key for c in REVIEW_TABLE.columns)
PRINTED_REVIEW_LITIGATION = _LITIGATION.label
PRINTED_REVIEW_ITEM = REVIEW_TABLE.corner
PRINTED_REVIEW_BLOCKS: dict[str, str] = {r.key: r.label for r in REVIEW_TABLE.rows}
PRINTED_REVIEW_COLUMNS: dict[str, str] = {c.key: c.label for c in REVIEW_TABLE.columns}
#: the total column of table 4 as some reports print it
PRINTED_REVIEW_TOTAL_VARIANTS: tuple[str, ...] = (
    REVIEW_TABLE.column("total").label, *REVIEW_TABLE.column("total").variants)
#: display names of the blocks (and of both litigation blocks together)
REVIEW_BLOCK_TITLES: dict[str, str] = {
    **{r.key: REVIEW_TABLE.row_title(r) for r in REVIEW_TABLE.rows}, _LITIGATION.key: _LITIGATION.label}
REVIEW_COLUMN_TITLES: dict[str, str] = {c.key: c.title for c in REVIEW_TABLE.columns}
