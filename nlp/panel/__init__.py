"""The data researchers and auditors take away: a panel dataset (long and wide), derived rates from the
metric dictionary, canonical agencies, peer benchmarks, timeliness and an audit scorecard.

``build_panel(reports, tables, findings, comparison, aliases)`` → :class:`Panel`;
``write_panel_outputs(panel, out_dir)`` writes panel.parquet/csv/xlsx and scorecard.csv/xlsx.
Heavy imports (pyarrow, openpyxl, pandas) happen only inside the writers and ``to_frame``.
"""
from __future__ import annotations

from .agencies import AgencyResolver, read_aliases
from .metrics import MetricDictionary, evaluate, evaluate_all, load_metrics
from .panel import PANEL_FILES, Panel, build_panel, write_panel_outputs
from .screen import NOT_A_REPORT, report_signals
from .timeliness import timeliness

__all__ = ["AgencyResolver", "read_aliases", "MetricDictionary", "evaluate", "evaluate_all", "load_metrics",
           "PANEL_FILES", "Panel", "build_panel", "write_panel_outputs", "NOT_A_REPORT", "report_signals",
           "timeliness"]


def screen_reports(analyses: list, force: bool = False) -> tuple[list, list]:
    """Split per-file analyses (objects with ``.report`` and ``.tables``) into reports and non-reports.

    Returns (kept, failures): each file with no annual-report signals becomes an
    ``nlp.batch.Failure`` (listed at the end like a bad file) unless ``force``.
    """
    from ..batch import Failure

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


def canonical_reports(reports: list, aliases: dict[str, str] | None = None) -> list:
    """The reports with ``agency`` set to the canonical name (copies where it differs), for stages that group
    by agency (checks across years, compare); the originals keep the name as printed."""
    import dataclasses

    resolver = AgencyResolver.build((r.agency for r in reports), aliases)
    out = []
    for r in reports:
        c = resolver.canonical(r.agency)
        out.append(r if not c or c == r.agency else dataclasses.replace(r, agency=c))
    return out


def panel_of(result, aliases: dict[str, str] | None = None) -> Panel:
    """The panel of an ``nlp.analyze.AnalyzeResult``."""
    return build_panel([a.report for a in result.analyses], [a.tables for a in result.analyses], result.findings,
                       result.comparison, aliases)


__all__ += ["screen_reports", "canonical_reports", "panel_of"]
