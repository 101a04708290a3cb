"""What the analyze run calls: leave out files that are not reports, give checks and compare canonical agency
names, and build the panel of a finished run."""
from __future__ import annotations

import dataclasses
from typing import Any

from ..batch import Failure
from .agencies import AgencyResolver
from .panel import Panel, build_panel
from .screen import NOT_A_REPORT, report_signals

__all__ = ["screen_reports", "canonical_reports", "panel_of"]


def screen_reports(analyses: list[Any], force: bool = False) -> tuple[list[Any], list[Failure]]:
    """Split per-file analyses (objects with ``.report`` and ``.tables``) into reports and non-reports.

    Returns (kept, failures): each file with no annual-report signals becomes an
    ``nlp.batch.Failure`` (listed at the end like a bad file) unless ``force``.
    """
    if force:
        return list(analyses), []
    kept, failures = [], []
    for a in analyses:
        signals = report_signals(a.report, a.tables)
        if signals.is_report:
            kept.append(a)
        else:
            failures.append(Failure(a.report.source, f"{NOT_A_REPORT} ({signals.describe()})"))
    return kept, failures


def canonical_reports(reports: list[Any], aliases: dict[str, str] | None = None) -> list[Any]:
    """The reports with ``agency`` set to the canonical name (copies where it differs), for stages that group
    by agency (checks across years, compare); the originals keep the name as printed."""
    resolver = AgencyResolver.build((r.agency for r in reports), aliases)
    out = []
    for r in reports:
        c = resolver.canonical(r.agency)
        out.append(r if not c or c == r.agency else dataclasses.replace(r, agency=c))
    return out


def panel_of(result: Any, aliases: dict[str, str] | None = None) -> Panel:
    """The panel of an ``nlp.analyze.AnalyzeResult``."""
    return build_panel([a.report for a in result.analyses], [a.tables for a in result.analyses], result.findings,
                       result.comparison, aliases)

