"""The audit scorecard: one row per report — completeness, arithmetic, narrative vs table, repetition,
specificity, timeliness and peer checks — with the number of problems to sort by."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import format as V
from .agencies import LEVEL_ZH
from .timeliness import STATUS_ZH as TIMELINESS_ZH
from .timeliness import timeliness

if TYPE_CHECKING:  # pragma: no cover
    from .panel import Panel

__all__ = ["SCORECARD_FIELDS", "scorecard_rows", "REPETITION_LIMIT", "NARRATIVE_RULE", "PEER_RULE_PREFIX"]

#: share of last year's text repeated above which a report is flagged (a municipal assessment rule)
REPETITION_LIMIT = 0.5
NARRATIVE_RULE = "TXT-NUM"
PEER_RULE_PREFIX = "PEER-"

SCORECARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("report_id", "报告编号"), ("agency", "机关"), ("year", "年度"), ("level", "层级"),
    ("problems", "问题数"),
    ("parts_present", "法定部分（已有/6）"), ("parts_missing", "缺少的部分"),
    ("tables_present", "统计表（已有/3）"),
    ("arithmetic_fail", "勾稽未通过"), ("arithmetic_uncertain", "勾稽存疑"), ("arithmetic_pass", "勾稽通过"),
    ("narrative_fail", "文表不符"), ("narrative_pass", "文表一致"),
    ("repeated_share", "照搬上年占比"), ("repetition_flag", "照搬超过一半"),
    ("specificity", "具体性（每百字）"),
    ("publication_date", "发布日期"), ("deadline", "法定期限"), ("timeliness", "时效"), ("days_late", "逾期天数"),
    ("peer_flags", "同类比较提示"), ("source", "来源文件"),
)


def _counts(findings: list[Any], keep: Any) -> dict[str, int]:
    out = {"fail": 0, "uncertain": 0, "pass": 0, "not_assessable": 0}
    for f in findings:
        if keep(f.rule):
            out[f.status] = out.get(f.status, 0) + 1
    return out


def scorecard_rows(panel: "Panel", comparison: Any = None) -> list[dict[str, Any]]:
    """One scorecard row per report of ``panel`` (in the panel's order)."""
    yoy = {}
    spec = {}
    if comparison is not None:
        yoy = {p.report_b: p for p in comparison.pairs if p.kind == "year_over_year"}
        spec = {m.report: m.specificity for m in comparison.reports}
    rows = []
    for e in panel.entries:
        r = e.report
        parts = [k for k in V.REQUIRED_PARTS_2019 if r.part(k) is not None]
        missing = [V.STANDARD_PART_TITLES.get(k, k) for k in V.REQUIRED_PARTS_2019 if k not in parts]
        tables = 0 if e.tables is None else sum(
            1 for k in V.TABLE_KINDS if (t := e.tables.table(k)) is not None and any(c.is_number for c in t.cells))
        arithmetic = _counts(e.findings, lambda rule: rule != NARRATIVE_RULE and not rule.startswith(PEER_RULE_PREFIX))
        narrative = _counts(e.findings, lambda rule: rule == NARRATIVE_RULE)
        peers = [f for f in e.findings if f.rule.startswith(PEER_RULE_PREFIX)]
        pair = yoy.get(r.id)
        repeated = pair.repeated_share if pair is not None else None
        flag = repeated is not None and repeated > REPETITION_LIMIT
        t = timeliness(r.year, e.level, r.publication_date)
        problems = (len(missing) + (len(V.TABLE_KINDS) - tables if r.era != V.ERA_2008 else 0) + arithmetic["fail"]
                    + narrative["fail"] + int(flag) + int(t.status == "late") + len(peers))
        rows.append({
            "report_id": r.id, "agency": e.agency, "year": r.year, "level": LEVEL_ZH.get(e.level, e.level),
            "problems": problems, "parts_present": len(parts), "parts_missing": "、".join(missing),
            "tables_present": tables, "arithmetic_fail": arithmetic["fail"],
            "arithmetic_uncertain": arithmetic["uncertain"], "arithmetic_pass": arithmetic["pass"],
            "narrative_fail": narrative["fail"], "narrative_pass": narrative["pass"],
            "repeated_share": repeated, "repetition_flag": flag if pair is not None else None,
            "specificity": round(spec[r.id], 2) if spec.get(r.id) is not None else None,
            "publication_date": t.published, "deadline": t.deadline,
            "timeliness": TIMELINESS_ZH[t.status], "days_late": t.days_late,
            "peer_flags": len(peers), "source": r.source,
        })
    return rows
