"""Arithmetic rules inside the tables: T3-BALANCE, T3-OUTCOMES, T3-COLUMNS, T4-SUMS, CELL, OLD-SUBROWS."""
from __future__ import annotations

from ..tables import Cell
from ..format import (
    AMOUNT_COLUMNS,
    PRINTED_REQUEST_COLUMNS,
    PROACTIVE_COLUMN_TITLES,
    PROACTIVE_ROW_TITLES,
    REQUEST_COLUMNS,
    REQUEST_OUTCOME_GROUPS,
    REQUEST_ROW_TITLES,
    REVIEW_BLOCK_TITLES,
    REVIEW_BLOCKS,
    REVIEW_COLUMN_TITLES,
    REVIEW_COLUMNS,
    SIGNED_COLUMNS,
    TABLE_TITLES,
)
from .model import ERROR, FAIL, INFO, NOT_ASSESSABLE, PASS, UNCERTAIN, WARNING, Context, Evidence, Finding, rule

Term = tuple[str, str, Cell | None]   # (zh name, en name, cell)


def _fmt(v: int | float | None) -> str:
    if v is None:
        return "?"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _side(terms: list[Term]) -> tuple[str, str, int | float]:
    total = sum(c.value for _, _, c in terms)  # type: ignore[union-attr,misc]
    zh = " + ".join(f"{n}{_fmt(c.value)}" for n, _, c in terms)  # type: ignore[union-attr]
    en = " + ".join(f"{e} {_fmt(c.value)}" for _, e, c in terms)  # type: ignore[union-attr]
    return zh, en, total


def equation(ctx: Context, rule_id: str, subject: str, what_zh: str, what_en: str,
             left: list[Term], right: list[Term], at_most: bool = False) -> Finding:
    """One identity ``sum(left) == sum(right)`` over cells (``sum(left) <= sum(right)`` with ``at_most``):
    pass, fail, uncertain or not assessable."""
    rid = ctx.report.id
    cells = [c for _, _, c in left + right if c is not None]
    evidence = [Evidence.of_cell(c, rid) for c in cells]
    missing = [(n, e) for n, e, c in left + right if c is None]
    if missing:
        return Finding(rule_id, NOT_ASSESSABLE, WARNING,
                       f"{what_zh}：缺少单元格 {'、'.join(n for n, _ in missing)}，无法核对",
                       f"{what_en}: cell(s) {', '.join(e for _, e in missing)} not found, cannot check", rid, subject, evidence)
    blank = [(n, e, c) for n, e, c in left + right if not c.is_number]  # type: ignore[union-attr]
    if blank:
        shown = "、".join(f"{n}（“{c.raw or '空白'}”）" for n, _, c in blank)  # type: ignore[union-attr]
        return Finding(rule_id, NOT_ASSESSABLE, WARNING,
                       f"{what_zh}：{shown} 为空白或无数值，不视为0，无法核对",
                       f"{what_en}: {', '.join(e for _, e, _ in blank)} blank or not a number (never read as 0), cannot check",
                       rid, subject, evidence)
    lz, le, lv = _side(left)
    rz, re_, rv = _side(right)
    if lv == rv:
        return Finding(rule_id, PASS, INFO, f"{what_zh}：{lz} = {rz} = {_fmt(lv)}，一致",
                       f"{what_en}: {le} = {re_} = {_fmt(lv)}, consistent", rid, subject, evidence)
    if at_most and lv < rv:
        return Finding(rule_id, PASS, INFO, f"{what_zh}：{lz} = {_fmt(lv)}，不超过 {rz} = {_fmt(rv)}",
                       f"{what_en}: {le} = {_fmt(lv)}, within {re_} = {_fmt(rv)}", rid, subject, evidence)
    inferred = any(c.uncertain for c in cells)
    status = UNCERTAIN if inferred else FAIL
    note_zh = "（涉及推断的单元格，可能为拆分歧义）" if inferred else ""
    note_en = " (involves inferred cells; the decoding may be ambiguous)" if inferred else ""
    return Finding(rule_id, status, ERROR if status == FAIL else WARNING,
                   f"{what_zh}：{lz} = {_fmt(lv)}，但 {rz} = {_fmt(rv)}，相差 {_fmt(lv - rv)}{note_zh}",
                   f"{what_en}: {le} = {_fmt(lv)} but {re_} = {_fmt(rv)}, off by {_fmt(lv - rv)}{note_en}",
                   rid, subject, evidence)


@rule("OLD-SUBROWS", description="旧版统计表每列：“其中”各分项之和不超过所属指标")
def old_subrows(ctx: Context) -> list[Finding]:
    """2008–2018 statistics table, per value column: a row's sub-rows (其中：1. 2. …) add up to no more than the
    row (other channels may make up the rest). Reports without such a table get no finding."""
    table = ctx.tables.table("old_era")
    if table is None or not table.parents:
        return []
    children: dict[str, list[str]] = {}
    for child, parent in table.parents.items():
        children.setdefault(parent, []).append(child)
    columns = list(dict.fromkeys(c.column for c in table.cells))
    out = []
    for parent, kids in children.items():
        for col in columns:
            out.append(equation(ctx, "OLD-SUBROWS", f"old_era:{parent}:{col}", f"旧版统计表“{parent}”第{col.lstrip('v')}列 其中各项之和",
                                f"old-era table row {parent} column {col}: its sub-rows' sum",
                                [(k, k, ctx.tables.cell("old_era", k, col)) for k in kids],
                                [(parent, parent, ctx.tables.cell("old_era", parent, col))], at_most=True))
    return out


def _absent(ctx: Context, rule_id: str, kind: str) -> list[Finding]:
    era = ctx.tables.era
    why_zh = "旧版（2008–2018）格式没有此表" if era == "2008" else "未在报告中找到此表"
    why_en = "the old (2008–2018) layout has no such table" if era == "2008" else "table not found in the report"
    return [Finding(rule_id, NOT_ASSESSABLE, WARNING, f"{TABLE_TITLES[kind]}：{why_zh}", f"{kind}: {why_en}",
                    ctx.report.id, kind)]


def _req(ctx: Context, row: str, col: str) -> Term:
    return (f"{REQUEST_ROW_TITLES.get(row, row)}", row, ctx.tables.cell("requests", row, col))


@rule("T3-BALANCE", description="表三每列：一（本年新收）+ 二（上年结转）= 三（七）总计 + 四（结转下年度）")
def t3_balance(ctx: Context) -> list[Finding]:
    """Table 3, per column: received + carried_over = total + carried_forward (printed on the table)."""
    if ctx.tables.table("requests") is None:
        return _absent(ctx, "T3-BALANCE", "requests")
    out = []
    for col in REQUEST_COLUMNS:
        out.append(equation(ctx, "T3-BALANCE", f"requests:*:{col}",
                            f"表三“{PRINTED_REQUEST_COLUMNS[col]}”列 一+二 与 三（七）+四",
                            f"table 3 column {col}: received + carried_over vs total + carried_forward",
                            [_req(ctx, "received", col), _req(ctx, "carried_over", col)],
                            [_req(ctx, "total", col), _req(ctx, "carried_forward", col)]))
    return out


@rule("T3-OUTCOMES", description="表三每列：（七）总计 = （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）")
def t3_outcomes(ctx: Context) -> list[Finding]:
    """Table 3, per column: total equals the sum of all outcome rows."""
    table = ctx.tables.table("requests")
    if table is None:
        return _absent(ctx, "T3-OUTCOMES", "requests")
    outcome_rows = [r for r in table.rows if r.split(".")[0] in REQUEST_OUTCOME_GROUPS]
    out = []
    for col in REQUEST_COLUMNS:
        out.append(equation(ctx, "T3-OUTCOMES", f"requests:total:{col}",
                            f"表三“{PRINTED_REQUEST_COLUMNS[col]}”列 （七）总计 与 各办理结果之和",
                            f"table 3 column {col}: total vs the sum of outcome rows",
                            [_req(ctx, "total", col)], [_req(ctx, r, col) for r in outcome_rows]))
    return out


@rule("T3-COLUMNS", description="表三每行：总计 = 自然人 + 法人或其他组织五列")
def t3_columns(ctx: Context) -> list[Finding]:
    """Table 3, per row: the total column equals the natural-person column plus the five organisation columns."""
    table = ctx.tables.table("requests")
    if table is None:
        return _absent(ctx, "T3-COLUMNS", "requests")
    out = []
    for row in table.rows:
        parts = [(PRINTED_REQUEST_COLUMNS[c], c, ctx.tables.cell("requests", row, c)) for c in REQUEST_COLUMNS[:-1]]
        if all(p[2] is None for p in parts) and ctx.tables.cell("requests", row, "total") is None:
            continue  # the row is missing entirely: T3-BALANCE/T3-OUTCOMES report it
        out.append(equation(ctx, "T3-COLUMNS", f"requests:{row}:total",
                            f"表三“{REQUEST_ROW_TITLES.get(row, row)}”行 总计 与 各申请人列之和",
                            f"table 3 row {row}: total column vs the sum of applicant columns",
                            [("总计", "total", ctx.tables.cell("requests", row, "total"))], parts))
    return out


@rule("T4-SUMS", description="表四每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结")
def t4_sums(ctx: Context) -> list[Finding]:
    """Table 4, per block: total = upheld + corrected + other + pending."""
    if ctx.tables.table("review_litigation") is None:
        return _absent(ctx, "T4-SUMS", "review_litigation")
    out = []
    for block in REVIEW_BLOCKS:
        def term(col: str) -> Term:
            return (REVIEW_COLUMN_TITLES[col], col, ctx.tables.cell("review_litigation", block, col))
        out.append(equation(ctx, "T4-SUMS", f"review_litigation:{block}:total",
                            f"表四“{REVIEW_BLOCK_TITLES[block]}” 总计 与 各结果之和",
                            f"table 4 {block}: total vs upheld + corrected + other + pending",
                            [term("total")], [term(c) for c in REVIEW_COLUMNS[:-1]]))
    return out


def _cell_name(c: Cell) -> tuple[str, str]:
    if c.table == "requests":
        zh = f"{REQUEST_ROW_TITLES.get(c.row, c.row)}/{PRINTED_REQUEST_COLUMNS.get(c.column, c.column)}"
    elif c.table == "review_litigation":
        zh = f"{REVIEW_BLOCK_TITLES.get(c.row, c.row)}/{REVIEW_COLUMN_TITLES.get(c.column, c.column)}"
    elif c.table == "proactive":
        zh = f"{PROACTIVE_ROW_TITLES.get(c.row, c.row)}/{PROACTIVE_COLUMN_TITLES.get(c.column, c.column)}"
    else:
        zh = f"{c.row}/{c.column}"
    return f"{TABLE_TITLES.get(c.table, c.table)} {zh}", c.key


@rule("CELL", description="单元格：数量为非负整数；空白、“/”、“—”、无、不适用不是0")
def cell_hygiene(ctx: Context) -> list[Finding]:
    """Every count is an integer ≥ 0 (amounts may be decimal, 本年增/减 may be negative);
    blank and NA cells are reported as such, never as 0; ambiguous decodings are uncertain."""
    rid = ctx.report.id
    out: list[Finding] = []
    for kind, table in ctx.tables.tables.items():
        bad = 0
        for c in table.cells:
            zh, en = _cell_name(c)
            ev = [Evidence.of_cell(c, rid)]
            if c.semantic == "invalid":
                out.append(Finding("CELL", FAIL, ERROR, f"{zh}：数值超出范围，印为 {c.raw}",
                                   f"{en}: number out of range, printed {c.raw!r}", rid, c.key, ev))
                bad += 1
                continue
            if c.semantic in ("blank", "na"):
                what = "空白" if c.semantic == "blank" else f"“{c.raw}”"
                out.append(Finding("CELL", NOT_ASSESSABLE, WARNING, f"{zh} 为{what}，不视为0",
                                   f"{en} is {'blank' if c.semantic == 'blank' else repr(c.raw)}, not 0", rid, c.key, ev))
                bad += 1
                continue
            v = c.value
            problem_zh = problem_en = ""
            if isinstance(v, float) and not v.is_integer() and c.column not in AMOUNT_COLUMNS:
                problem_zh, problem_en = f"数量应为整数，印为 {c.raw}", f"a count must be an integer, printed {c.raw!r}"
            elif v is not None and v < 0 and c.column not in SIGNED_COLUMNS:
                problem_zh, problem_en = f"数量不能为负，印为 {c.raw}", f"a count cannot be negative, printed {c.raw!r}"
            if problem_zh:
                out.append(Finding("CELL", FAIL, ERROR, f"{zh}：{problem_zh}", f"{en}: {problem_en}", rid, c.key, ev))
                bad += 1
            elif c.uncertain:
                alts = "、".join(_fmt(a) for a in c.alternatives)
                out.append(Finding("CELL", UNCERTAIN, WARNING,
                                   f"{zh} 读作 {_fmt(v)}（推断{('，也可能是 ' + alts) if alts else ''}）",
                                   f"{en} read as {_fmt(v)} (inferred{'; could also be ' + alts if alts else ''})",
                                   rid, c.key, ev))
                bad += 1
        if table.cells and bad == 0:
            out.append(Finding("CELL", PASS, INFO, f"{TABLE_TITLES.get(kind, kind)}：{len(table.cells)} 个单元格均为有效数值",
                               f"{kind}: all {len(table.cells)} cells are valid numbers", rid, kind))
    return out
