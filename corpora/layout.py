"""Printed layouts of the statistics tables the generator writes (2019 and 2021 formats).

Row and column keys here are the generator's own; each row carries the label as
printed. Labels follow the official table formats (国办公开办函〔2019〕60号 and
〔2021〕30号); long mandated notes are printed in a shortened form, as many real
reports do.
"""
from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- table 3 (requests)

#: the seven number columns of table 3: key, printed label
T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_LEGAL_PERSON_GROUP = "法人或其他组织"
T3_HEADER = "申请人情况"
T3_NOTE = "（勾稽关系：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class RowSpec:
    """A row of table 3: key, printed label, the group it belongs to ('' for none)."""

    key: str
    label: str
    group: str = ""


T3_RESULTS = "三、本年度办理结果"
T3_GROUPS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other_handling": "（六）其他处理",
}

_T3_HEAD = (
    RowSpec("new", "一、本年新收政府信息公开申请数量"),
    RowSpec("carried", "二、上年结转政府信息公开申请数量"),
)
_T3_OUTCOMES_COMMON = (
    RowSpec("open", "（一）予以公开"),
    RowSpec("partial", "（二）部分公开"),
    RowSpec("withheld_1", "1.属于国家秘密", "withheld"),
    RowSpec("withheld_2", "2.其他法律行政法规禁止公开", "withheld"),
    RowSpec("withheld_3", "3.危及“三安全一稳定”", "withheld"),
    RowSpec("withheld_4", "4.保护第三方合法权益", "withheld"),
    RowSpec("withheld_5", "5.属于三类内部事务信息", "withheld"),
    RowSpec("withheld_6", "6.属于四类过程性信息", "withheld"),
    RowSpec("withheld_7", "7.属于行政执法案卷", "withheld"),
    RowSpec("withheld_8", "8.属于行政查询事项", "withheld"),
    RowSpec("unavailable_1", "1.本机关不掌握相关政府信息", "unavailable"),
    RowSpec("unavailable_2", "2.没有现成信息需要另行制作", "unavailable"),
    RowSpec("unavailable_3", "3.补正后申请内容仍不明确", "unavailable"),
    RowSpec("not_processed_1", "1.信访举报投诉类申请", "not_processed"),
    RowSpec("not_processed_2", "2.重复申请", "not_processed"),
    RowSpec("not_processed_3", "3.要求提供公开出版物", "not_processed"),
    RowSpec("not_processed_4", "4.无正当理由大量反复申请", "not_processed"),
    RowSpec("not_processed_5", "5.要求行政机关确认或重新出具已获取信息", "not_processed"),
)
_T3_OTHER_2019 = (RowSpec("other_handling", "（六）其他处理"),)
_T3_OTHER_2021 = (
    RowSpec("other_handling_1", "1.申请人无正当理由逾期不补正", "other_handling"),
    RowSpec("other_handling_2", "2.申请人逾期未按收费通知要求缴纳费用", "other_handling"),
    RowSpec("other_handling_3", "3.其他", "other_handling"),
)
_T3_TAIL = (
    RowSpec("outcome_total", "（七）总计"),
    RowSpec("carry_forward", "四、结转下年度继续办理"),
)

T3_ROWS: dict[str, tuple[RowSpec, ...]] = {
    "2019": _T3_HEAD + _T3_OUTCOMES_COMMON + _T3_OTHER_2019 + _T3_TAIL,
    "2021": _T3_HEAD + _T3_OUTCOMES_COMMON + _T3_OTHER_2021 + _T3_TAIL,
}
#: rows under 三、本年度办理结果
T3_RESULT_KEYS = frozenset(r.key for r in _T3_OUTCOMES_COMMON + _T3_OTHER_2019 + _T3_OTHER_2021 + _T3_TAIL[:1])
#: outcome rows summed into （七）总计
T3_OUTCOME_KEYS = {era: tuple(r.key for r in rows if r.key in T3_RESULT_KEYS and r.key != "outcome_total")
                   for era, rows in T3_ROWS.items()}

# ---------------------------------------------------------------- table 2 (proactive)


@dataclass(frozen=True)
class BlockSpec:
    """A block of table 2: its title, column labels (after 信息内容) and rows (key, label)."""

    title: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]


T2_ITEM = "信息内容"
T2_BLOCKS: dict[str, tuple[BlockSpec, ...]] = {
    "2019": (
        BlockSpec("第二十条第（一）项",
                  (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total", "对外公开总数量")),
                  (("rules", "规章"), ("normative", "规范性文件"))),
        BlockSpec("第二十条第（五）项",
                  (("previous", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")),
                  (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
        BlockSpec("第二十条第（六）项",
                  (("previous", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")),
                  (("penalty", "行政处罚"), ("coercion", "行政强制"))),
        BlockSpec("第二十条第（八）项",
                  (("previous", "上一年项目数量"), ("change", "本年增/减")),
                  (("fees", "行政事业性收费"),)),
        BlockSpec("第二十条第（九）项",
                  (("projects", "采购项目数量"), ("amount", "采购总金额")),
                  (("procurement", "政府集中采购"),)),
    ),
    "2021": (
        BlockSpec("第二十条第（一）项",
                  (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
                  (("rules", "规章"), ("normative", "行政规范性文件"))),
        BlockSpec("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
        BlockSpec("第二十条第（六）项", (("decisions", "本年处理决定数量"),),
                  (("penalty", "行政处罚"), ("coercion", "行政强制"))),
        BlockSpec("第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),), (("fees", "行政事业性收费"),)),
    ),
}

# ---------------------------------------------------------------- table 4 (review and litigation)

T4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
T4_LITIGATION = "行政诉讼"
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
