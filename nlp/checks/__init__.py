"""The consistency audit (勾稽关系): rules registered by id, each finding pointing at its evidence.

:func:`check` runs every registered rule on a list of reports: per-report rules
(T3-BALANCE, T3-OUTCOMES, T3-COLUMNS, T4-SUMS, CELL, FEE-PART6, TXT-NUM) on each
report's extracted tables and narrative, and cross-year rules (XY-CARRY, XY-STOCK) on
consecutive years of one agency. Arithmetic has zero tolerance. A finding's status is
``pass``, ``fail``, ``uncertain`` (the cells were inferred/ambiguous, or the narrative
phrase may mean something else) or ``not_assessable`` (a cell is missing, blank or NA
— never read as 0).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Sequence

from ..document import Report
from ..tables import Cell, ReportTables, extract_tables

__all__ = ["Evidence", "Finding", "RuleSpec", "RULES", "rule", "check", "summarize_statuses", "STATUSES"]

PASS = "pass"
FAIL = "fail"
UNCERTAIN = "uncertain"
NOT_ASSESSABLE = "not_assessable"
STATUSES = (PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE)

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass
class Evidence:
    """A cell (``key`` set) or a text span (``key`` empty) that a finding rests on."""

    start: int
    end: int
    text: str
    key: str = ""
    value: int | float | None = None
    report_id: str = ""

    @classmethod
    def of_cell(cls, c: Cell, report_id: str = "") -> "Evidence":
        return cls(c.start, c.end, c.raw, c.key, c.value, report_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Finding:
    """One rule applied to one subject (a column, a row, a block, a sentence) of one report."""

    rule: str
    status: str
    severity: str
    message: str          # Chinese, for the auditor
    gloss: str            # English gloss of the message
    report_id: str
    subject: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = [e.to_dict() for e in self.evidence]
        return d


@dataclass
class Context:
    """What a per-report rule sees: the report and its extracted tables."""

    report: Report
    tables: ReportTables


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: id, scope ('report' or 'series'), a one-line description and the function."""

    id: str
    scope: str
    description: str
    fn: Callable[..., list[Finding]]


RULES: dict[str, RuleSpec] = {}


def rule(rule_id: str, scope: str = "report", description: str = "") -> Callable:
    """Register a rule function under ``rule_id`` (report rules take a Context, series rules a list)."""
    def register(fn: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
        RULES[rule_id] = RuleSpec(rule_id, scope, description or (fn.__doc__ or "").strip().split("\n")[0], fn)
        return fn
    return register


def check(reports: Report | Iterable[Report], rules: Sequence[str] | None = None,
          tables: Sequence[ReportTables] | None = None) -> list[Finding]:
    """Run the consistency audit on ``reports`` (one or several; several years of one agency
    also get the cross-year rules). ``rules`` restricts the rule ids; ``tables`` passes
    already extracted tables (same order as ``reports``)."""
    if isinstance(reports, Report):
        reports = [reports]
    reports = list(reports)
    unknown = [r for r in (rules or ()) if r not in RULES]
    if unknown:
        from ..errors import XxgkError
        raise XxgkError(f"unknown rule id(s): {', '.join(unknown)}; known: {', '.join(RULES)}")
    extracted = list(tables) if tables is not None else [extract_tables(r) for r in reports]
    contexts = [Context(r, t) for r, t in zip(reports, extracted)]
    out: list[Finding] = []
    for ctx in contexts:
        for spec in RULES.values():
            if spec.scope == "report" and (rules is None or spec.id in rules):
                out.extend(spec.fn(ctx))
    for spec in RULES.values():
        if spec.scope == "series" and (rules is None or spec.id in rules):
            out.extend(spec.fn(contexts))
    return out


def summarize_statuses(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts of findings per status (every status present, in STATUSES order)."""
    counts = {s: 0 for s in STATUSES}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    return counts


# the rule modules register themselves on import (they need the names above)
from . import narrative, series, table_rules  # noqa: E402,F401
