"""Rules between the narrative and the tables: TXT-NUM (numbers the text restates) and FEE-PART6."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from ..tables import Cell, ReportTables
from ..format import (
    FEE_AMOUNT,
    FEE_PART6_WORDS,
    FEE_WORDS,
    NARRATIVE_CONTEXT_WORDS,
    NARRATIVE_NUMBER_RULES,
    PRINTED_REQUEST_COLUMNS,
    PRINTED_REQUEST_GROUPS,
    PRINTED_REQUEST_LEGAL_PERSONS,
    PROACTIVE_ROW_TITLES,
    REQUEST_COLUMNS,
    REQUEST_ROW_TITLES,
    REVIEW_BLOCK_TITLES,
    REVIEW_BLOCK_WORDS,
    REVIEW_BLOCKS,
    REVIEW_COLUMN_TITLES,
    REVIEW_OUTCOME_WORDS,
    STANDARD_PART_TITLES,
)
from .model import ERROR, FAIL, INFO, NOT_ASSESSABLE, PASS, UNCERTAIN, WARNING, Context, Evidence, Finding, rule

Option = tuple[int | float | None, list[Cell]]

_SENTENCE_END = re.compile(r"[。；！？\n]")
_OUTCOME = re.compile("(?P<w>" + "|".join(re.escape(w) for w, _ in REVIEW_OUTCOME_WORDS) + r")\s*(?P<n>\d+)\s*件")
_BLOCK = re.compile("|".join(re.escape(w) for w, _ in REVIEW_BLOCK_WORDS))
_BLOCK_OF = dict(REVIEW_BLOCK_WORDS)
_OUTCOME_OF = dict(REVIEW_OUTCOME_WORDS)


@lru_cache(maxsize=None)
def _compiled() -> tuple[tuple[str, re.Pattern[str], str, str], ...]:
    return tuple((rid, re.compile(rx), expr, strength) for rid, rx, expr, strength in NARRATIVE_NUMBER_RULES)


def narrative_segments(ctx: Context) -> list[tuple[int, int]]:
    """Spans of ``report.text`` outside the extracted tables."""
    text = ctx.report.text
    spans = sorted((t.start, t.end) for t in ctx.tables.tables.values() if t.kind != "old_era")
    out, pos = [], 0
    for a, b in spans:
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < len(text):
        out.append((pos, len(text)))
    return out


# ------------------------------------------------------------------ cell expressions

def _term_options(term: str, tables: ReportTables) -> list[Option]:
    """Possible (value, cells) of one term of a narrative expression."""
    if term.startswith("proactive:"):
        row = term.split(":", 1)[1]
        opts = []
        for col in ("made", "new_published", "new_made"):
            c = tables.cell("proactive", row, col)
            if c is not None:
                opts.append((c.value if c.is_number else None, [c]))
        return opts or [(None, [])]
    if term in REVIEW_BLOCKS:
        c = tables.cell("review_litigation", term, "total")
        return [(c.value if c is not None and c.is_number else None, [c] if c is not None else [])]
    req = tables.table("requests")
    rows = req.rows if req is not None else ()
    term, _, col = term.partition("@")
    columns = REQUEST_COLUMNS[1:-1] if col == "org" else (col or "total",)
    if term.endswith("."):
        keys = [r for r in rows if r.startswith(term)]
    else:
        keys = [term] if term in rows else []
    if not keys:
        return [(None, [])]
    cells = [tables.cell("requests", k, c) for k in keys for c in columns]
    if any(c is None or not c.is_number for c in cells):
        return [(None, [c for c in cells if c is not None])]
    return [(sum(c.value for c in cells), cells)]  # type: ignore[misc]


def _sum_options(expr: str, tables: ReportTables) -> list[Option]:
    out: list[Option] = []
    for combo in product(*[_term_options(t, tables) for t in expr.split("+")]):
        if any(v is None for v, _ in combo):
            out.append((None, [c for _, cs in combo for c in cs]))
        else:
            out.append((sum(v for v, _ in combo), [c for _, cs in combo for c in cs]))  # type: ignore[misc]
    return out


def evaluate(expr: str, tables: ReportTables) -> list[list[Option]]:
    """Alternatives of a narrative expression; each alternative is a list of conjuncts' options."""
    return [[_sum_options(conj, tables) for conj in alt.split("&")] for alt in expr.split("|")]


def _judge(n: int | float, expr: str, tables: ReportTables) -> tuple[str, list[Cell], int | float | None, str]:
    """('match'/'mismatch'/'none', cells to show, the table value shown, the alternative shown)."""
    first_known: tuple[list[Cell], int | float | None, str] | None = None
    for alt_expr, alt in zip(expr.split("|"), evaluate(expr, tables)):
        # every conjunct must have an option equal to n
        conj_hits = []
        all_known = True
        cells: list[Cell] = []
        for options in alt:
            known = [(v, cs) for v, cs in options if v is not None]
            if not known:
                all_known = False
                break
            hit = next(((v, cs) for v, cs in known if v == n), None)
            conj_hits.append(hit)
            cells += (hit or known[0])[1]
            if first_known is None:
                first_known = (known[0][1], known[0][0], alt_expr)
        if all_known and all(h is not None for h in conj_hits):
            return "match", cells, n, alt_expr
    if first_known is None:
        return "none", [], None, expr.split("|")[0]
    return "mismatch", first_known[0], first_known[1], first_known[2]


def _describe(alt: str) -> str:
    """Chinese name of one alternative of a narrative expression."""
    names = []
    for conj in alt.split("&"):
        for t in conj.split("+"):
            if t.startswith("proactive:"):
                names.append(f"表二{PROACTIVE_ROW_TITLES.get(t.split(':')[1], t)}")
            elif t in REVIEW_BLOCK_TITLES:
                names.append(f"表四{REVIEW_BLOCK_TITLES[t]}总计")
            elif t.endswith("."):
                names.append(f"表三{PRINTED_REQUEST_GROUPS.get(t[:-1], t)}各项之和")
            else:
                row, _, col = t.partition("@")
                where = f"{PRINTED_REQUEST_LEGAL_PERSONS}各列" if col == "org" else PRINTED_REQUEST_COLUMNS.get(col, "")
                names.append(f"表三{REQUEST_ROW_TITLES.get(row, row)}{where}")
    return "+".join(names)


def _finding(ctx: Context, rid_rule: str, strength: str, n: int | float, m: re.Match[str], expr: str,
             status_of: tuple[str, list[Cell], int | float | None, str]) -> Finding:
    rid = ctx.report.id
    kind, cells, shown, alt = status_of
    phrase = re.sub(r"\s+", "", m.group(0))
    span_ev = Evidence(m.start(), m.end(), phrase, "", n, rid)
    num_ev = Evidence(m.start("n"), m.end("n"), m.group("n"), "", n, rid)
    evidence = [span_ev, num_ev] + [Evidence.of_cell(c, rid) for c in cells]
    target = _describe(alt)
    if kind == "none":
        return Finding("TXT-NUM", NOT_ASSESSABLE, INFO, f"正文“{phrase}”：表格中对应单元格（{target}）缺失或为空白，无法核对",
                       f"narrative {phrase!r}: the table cell(s) it restates ({alt}) are missing or blank", rid, rid_rule, evidence)
    if kind == "match":
        return Finding("TXT-NUM", PASS, INFO, f"正文“{phrase}”与{target} {n:g} 一致",
                       f"narrative {phrase!r} equals the table ({alt} = {n:g})", rid, rid_rule, evidence)
    uncertain = strength == "weak" or any(c.uncertain for c in cells)
    status = UNCERTAIN if uncertain else FAIL
    return Finding("TXT-NUM", status, WARNING if uncertain else ERROR,
                   f"正文“{phrase}”称 {n:g}，而{target}为 {shown:g}" + ("（口径可能不同）" if uncertain else ""),
                   f"narrative {phrase!r} says {n:g} but the table ({alt}) has {shown:g}"
                   + (" (the phrase may count differently)" if uncertain else ""), rid, rid_rule, evidence)


def _outcome_finding(ctx: Context, m: re.Match[str], block: str) -> Finding:
    """A table-4 outcome the narrative states inside a sentence about ``block`` (结果维持72件 …)."""
    rid = ctx.report.id
    col = _OUTCOME_OF[m.group("w")]
    n = _number(m.group("n"))
    terms = ["litigation_direct", "litigation_after_review"] if block == "litigation" else [block]
    cells = [ctx.tables.cell("review_litigation", t, col) for t in terms]
    ev = [Evidence(m.start(), m.end(), m.group(0), "", n, rid), Evidence(m.start("n"), m.end("n"), m.group("n"), "", n, rid)]
    ev += [Evidence.of_cell(c, rid) for c in cells if c is not None]
    subject = f"{block}.{col}"
    name = f"表四{REVIEW_BLOCK_TITLES[block]}{REVIEW_COLUMN_TITLES[col]}"
    if any(c is None or not c.is_number for c in cells):
        return Finding("TXT-NUM", NOT_ASSESSABLE, INFO, f"正文“{m.group(0)}”：{name}缺失或为空白",
                       f"narrative {m.group(0)!r}: table 4 {subject} missing or blank", rid, subject, ev)
    v = sum(c.value for c in cells)  # type: ignore[misc,union-attr]
    if v == n:
        return Finding("TXT-NUM", PASS, INFO, f"正文“{m.group(0)}”与{name} {n:g} 一致",
                       f"narrative {m.group(0)!r} equals table 4 {subject} = {n:g}", rid, subject, ev)
    unc = any(c.uncertain for c in cells)  # type: ignore[union-attr]
    return Finding("TXT-NUM", UNCERTAIN if unc else FAIL, WARNING if unc else ERROR,
                   f"正文“{m.group(0)}”称 {n:g}，而{name}为 {v:g}",
                   f"narrative {m.group(0)!r} says {n:g} but table 4 {subject} has {v:g}", rid, subject, ev)


def _sentence(text: str, pos: int, a: int, b: int) -> str:
    """The sentence of ``text[a:b]`` around ``pos`` (between 。；！？ or line ends)."""
    left = max((text.rfind(ch, a, pos) for ch in "。；！？\n"), default=-1)
    ends = [i for i in (text.find(ch, pos, b) for ch in "。；！？\n") if i >= 0]
    return text[max(a, left + 1):min(ends) if ends else b]


def _number(s: str) -> int | float:
    return float(s) if "." in s else int(s)


@rule("TXT-NUM", description="正文中复述的数字（共收到申请N件、予以公开N件、行政复议N件……）与表格单元格一致")
def text_numbers(ctx: Context) -> list[Finding]:
    """Numbers the narrative states about applications, outcomes, reconsideration and litigation
    equal the table cells they restate."""
    text = ctx.report.text
    tables = ctx.tables
    if not tables.tables or "old_era" in tables.tables:
        return []
    out: list[Finding] = []
    for a, b in narrative_segments(ctx):
        consumed: list[tuple[int, int]] = []
        hits: list[tuple[int, Finding]] = []
        for rid_rule, rx, expr, strength in _compiled():
            for m in rx.finditer(text, a, b):
                if any(m.start() < y and x < m.end() for x, y in consumed):
                    continue
                consumed.append((m.start(), m.end()))
                if expr == "none":
                    continue
                n = _number(m.group("n"))
                eff = strength
                if strength == "context":
                    eff = "strong" if any(w in _sentence(text, m.start(), a, b) for w in NARRATIVE_CONTEXT_WORDS) else "weak"
                hits.append((m.start(), _finding(ctx, rid_rule, eff, n, m, expr, _judge(n, expr, tables))))
        # outcome words inside a sentence about one table-4 block: 行政复议351件，其中结果维持72件……
        pos = a
        for s_end_m in list(_SENTENCE_END.finditer(text, a, b)) + [None]:
            s_end = s_end_m.start() if s_end_m else b
            for m in _OUTCOME.finditer(text, pos, s_end):
                if any(m.start() < y and x < m.end() for x, y in consumed):
                    continue
                blocks = list(_BLOCK.finditer(text, pos, m.start()))
                if blocks:
                    consumed.append((m.start(), m.end()))
                    hits.append((m.start(), _outcome_finding(ctx, m, _BLOCK_OF[blocks[-1].group()])))
            pos = s_end + 1
        out.extend(f for _, f in sorted(hits, key=lambda h: h[0]))
    return out


# ------------------------------------------------------------------ FEE-PART6

def _part6_span(ctx: Context) -> tuple[int, int] | None:
    part = ctx.report.part("other")
    if part is not None:
        return part.start, part.end
    i = ctx.report.text.find(STANDARD_PART_TITLES["other"])
    return (i, len(ctx.report.text)) if i >= 0 else None


@rule("FEE-PART6", description="收取信息处理费（表三（六）2 > 0 或正文提及信息处理费）⇒ 第六部分报告收费情况")
def fee_part6(ctx: Context) -> list[Finding]:
    """When fees were charged (table 3 (六)2 > 0, or the narrative reports a fee amount > 0),
    part 六 must report the fees (国办函〔2020〕109号)."""
    rid = ctx.report.id
    text = ctx.report.text
    if ctx.tables.era == "2008" or "old_era" in ctx.tables.tables:
        return []
    evidence: list[Evidence] = []
    reasons_zh, reasons_en = [], []
    fee_cell = ctx.tables.cell("requests", "other.overdue_fee", "total")
    if fee_cell is not None and fee_cell.is_number and fee_cell.value and fee_cell.value > 0:
        evidence.append(Evidence.of_cell(fee_cell, rid))
        reasons_zh.append(f"表三（六）2 逾期未缴费 {fee_cell.value:g} 件")
        reasons_en.append(f"table 3 other.overdue_fee = {fee_cell.value:g}")
    for m in FEE_AMOUNT.finditer(text):
        if _number(m.group("n")) > 0:
            evidence.append(Evidence(m.start(), m.end(), m.group(0), "", _number(m.group("n")), rid))
            reasons_zh.append(f"正文“{m.group(0)}”")
            reasons_en.append(f"narrative {m.group(0)!r}")
            break
    span = _part6_span(ctx)
    if not reasons_zh:
        for w in FEE_WORDS:
            i = text.find(w)
            while i >= 0 and span is not None and span[0] <= i < span[1]:
                i = text.find(w, i + 1)
            if i >= 0:
                evidence.append(Evidence(i, i + len(w), w, "", None, rid))
                reasons_zh.append(f"正文提及“{w}”")
                reasons_en.append(f"the narrative mentions {w}")
                break
    if not reasons_zh:
        return [Finding("FEE-PART6", PASS, INFO, "未见收取信息处理费的记录，本规则不触发",
                        "no sign that information-processing fees were charged; rule not triggered", rid, "fees", evidence)]
    if span is None:
        return [Finding("FEE-PART6", FAIL, WARNING, f"{'；'.join(reasons_zh)}，但报告缺少第六部分“其他需要报告的事项”",
                        f"{'; '.join(reasons_en)}, but the report has no part 6 (other matters)", rid, "fees", evidence)]
    part_text = text[span[0]:span[1]]
    word = next((w for w in FEE_PART6_WORDS if w in part_text), None)
    if word is None:
        return [Finding("FEE-PART6", FAIL, WARNING, f"{'；'.join(reasons_zh)}，但第六部分未报告信息处理费收取情况",
                        f"{'; '.join(reasons_en)}, but part 6 does not report the fees", rid, "fees",
                        evidence + [Evidence(span[0], span[1], part_text[:40], "", None, rid)])]
    i = span[0] + part_text.index(word)
    return [Finding("FEE-PART6", PASS, INFO, f"{'；'.join(reasons_zh)}；第六部分已报告收费情况",
                    f"{'; '.join(reasons_en)}; part 6 reports the fees", rid, "fees",
                    evidence + [Evidence(i, i + len(word), word, "", None, rid)])]

