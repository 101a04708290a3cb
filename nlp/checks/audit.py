"""Running the audit: every registered rule on one report or a series of reports."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..document import Report
from ..tables import ReportTables, extract_tables
from .model import RULES, STATUSES, Context, Finding


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
