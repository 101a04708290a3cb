"""Cross-year rules on consecutive reports of one agency: XY-CARRY and XY-STOCK."""
from __future__ import annotations

from ..agency import group_agencies
from ..format import PRINTED_REQUEST_COLUMNS, PROACTIVE_ROW_TITLES, REQUEST_COLUMNS
from .model import ERROR, FAIL, INFO, NOT_ASSESSABLE, PASS, WARNING, Context, Evidence, Finding, rule


def consecutive_pairs(contexts: list[Context]) -> list[tuple[Context, Context]]:
    """(year t−1, year t) pairs of reports of the same agency (names normalised), in a stable order.

    Two reports of one agency for the same year are ambiguous: such years are skipped.
    """
    labels = group_agencies([c.report.agency for c in contexts if c.report.agency])
    groups: dict[str, list[Context]] = {}
    for c in contexts:
        label = labels.get(c.report.agency, "") if c.report.agency else ""
        if label and c.report.year is not None:
            groups.setdefault(label, []).append(c)
    pairs = []
    for label in sorted(groups):
        by_year: dict[int, list[Context]] = {}
        for c in groups[label]:
            by_year.setdefault(c.report.year, []).append(c)  # type: ignore[arg-type]
        for y in sorted(by_year):
            if y - 1 in by_year and len(by_year[y]) == 1 and len(by_year[y - 1]) == 1:
                pairs.append((by_year[y - 1][0], by_year[y][0]))
    return pairs


def _ev(cell, ctx: Context) -> Evidence:
    return Evidence.of_cell(cell, ctx.report.id)


@rule("XY-CARRY", scope="series", description="上年结转（t年）= 结转下年度（t−1年），同一机关，逐列")
def xy_carry(contexts: list[Context]) -> list[Finding]:
    """Per column: carried_over in year t equals carried_forward in year t−1 (same agency)."""
    out: list[Finding] = []
    for prev, cur in consecutive_pairs(contexts):
        y0, y1 = prev.report.year, cur.report.year
        for col in REQUEST_COLUMNS:
            a = cur.tables.cell("requests", "carried_over", col)
            b = prev.tables.cell("requests", "carried_forward", col)
            name = PRINTED_REQUEST_COLUMNS[col]
            ev = [_ev(c, ctx) for c, ctx in ((a, cur), (b, prev)) if c is not None]
            subject = f"requests:carried_over:{col}"
            if a is None or b is None or not a.is_number or not b.is_number:
                out.append(Finding("XY-CARRY", NOT_ASSESSABLE, WARNING,
                                   f"“{name}”列：{y1}年上年结转或{y0}年结转下年度缺失/空白，无法核对",
                                   f"column {col}: {y1} carried_over or {y0} carried_forward missing or blank",
                                   cur.report.id, subject, ev))
            elif a.value == b.value:
                out.append(Finding("XY-CARRY", PASS, INFO,
                                   f"“{name}”列：{y1}年上年结转 {a.value:g} = {y0}年结转下年度 {b.value:g}",
                                   f"column {col}: {y1} carried_over {a.value:g} = {y0} carried_forward {b.value:g}",
                                   cur.report.id, subject, ev))
            else:
                status = "uncertain" if (a.uncertain or b.uncertain) else FAIL
                out.append(Finding("XY-CARRY", status, ERROR if status == FAIL else WARNING,
                                   f"“{name}”列：{y1}年上年结转 {a.value:g}，但{y0}年结转下年度为 {b.value:g}",
                                   f"column {col}: {y1} carried_over {a.value:g} but {y0} carried_forward {b.value:g}",
                                   cur.report.id, subject, ev))
    return out


@rule("XY-STOCK", scope="series", description="现行有效（t）= 现行有效（t−1）+ 本年制发（t）− 本年废止（t）（2021格式）")
def xy_stock(contexts: list[Context]) -> list[Finding]:
    """2021 layout: valid(t) = valid(t−1) + made(t) − repealed(t) for rules and normative documents.
    A legitimate clean-up can break it, so a failure is a warning."""
    out: list[Finding] = []
    for prev, cur in consecutive_pairs(contexts):
        y0, y1 = prev.report.year, cur.report.year
        for row in ("rules", "normative_docs"):
            v1 = cur.tables.cell("proactive", row, "valid")
            made = cur.tables.cell("proactive", row, "made")
            rep = cur.tables.cell("proactive", row, "repealed")
            v0 = prev.tables.cell("proactive", row, "valid")
            name = PROACTIVE_ROW_TITLES[row]
            cells = [(v1, cur), (made, cur), (rep, cur), (v0, prev)]
            ev = [_ev(c, ctx) for c, ctx in cells if c is not None]
            subject = f"proactive:{row}:valid"
            if any(c is None or not c.is_number for c, _ in cells):
                out.append(Finding("XY-STOCK", NOT_ASSESSABLE, INFO,
                                   f"{name}：现行有效/制发/废止单元格缺失或非2021格式，无法核对",
                                   f"{row}: valid/made/repealed cells missing (or not the 2021 layout)",
                                   cur.report.id, subject, ev))
                continue
            expected = v0.value + made.value - rep.value  # type: ignore[operator,union-attr]
            msg = (f"{name}：{y0}年现行有效 {v0.value:g} + {y1}年制发 {made.value:g} − 废止 {rep.value:g} = {expected:g}",  # type: ignore[union-attr]
                   f"{row}: valid {y0} {v0.value:g} + made {made.value:g} − repealed {rep.value:g} = {expected:g}")  # type: ignore[union-attr]
            if expected == v1.value:  # type: ignore[union-attr]
                out.append(Finding("XY-STOCK", PASS, INFO, msg[0] + f"，与{y1}年现行有效 {v1.value:g} 一致",  # type: ignore[union-attr]
                                   msg[1] + f", equals valid {y1} {v1.value:g}", cur.report.id, subject, ev))  # type: ignore[union-attr]
            else:
                unc = any(c.uncertain for c, _ in cells)  # type: ignore[union-attr]
                out.append(Finding("XY-STOCK", "uncertain" if unc else FAIL, WARNING,
                                   msg[0] + f"，但{y1}年现行有效为 {v1.value:g}（可能因清理文件，需核实）",  # type: ignore[union-attr]
                                   msg[1] + f", but valid {y1} is {v1.value:g} (a clean-up may explain it; verify)",  # type: ignore[union-attr]
                                   cur.report.id, subject, ev))
    return out
