"""Findings, their evidence and statuses, and the registry of rules (each rule a function of a :class:`Context`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from ..document import Report
from ..tables import Cell, ReportTables


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
