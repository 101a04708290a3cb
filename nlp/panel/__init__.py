"""The data researchers and auditors take away: a panel dataset (long and wide), derived rates from the
metric dictionary, canonical agencies, peer benchmarks, timeliness and an audit scorecard.

``build_panel(reports, tables, findings, comparison, aliases)`` → :class:`Panel`;
``write_panel_outputs(panel, out_dir)`` writes panel.parquet/csv/xlsx and scorecard.csv/xlsx.
Heavy imports (pyarrow, openpyxl, pandas) happen only inside the writers and ``to_frame``.
"""
from __future__ import annotations

from .agencies import AgencyResolver, read_aliases
from .metrics import MetricDictionary, evaluate, evaluate_all, load_metrics
from .panel import PANEL_FILES, Panel, build_panel, panel_writers, write_panel_outputs
from .screen import NOT_A_REPORT, report_signals
from .run import canonical_reports, panel_of, screen_reports
from .timeliness import timeliness

__all__ = ["AgencyResolver", "read_aliases", "MetricDictionary", "evaluate", "evaluate_all", "load_metrics",
           "PANEL_FILES", "Panel", "build_panel", "panel_writers", "write_panel_outputs", "NOT_A_REPORT", "report_signals",
           "timeliness", "screen_reports", "canonical_reports", "panel_of"]

