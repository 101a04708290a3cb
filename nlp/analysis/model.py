"""What an analyze run produces in memory: per-report analyses, stage statuses and the run's result."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch import Duplicate, Failure
from ..document import Report

STAGES = ("parse", "tables", "checks", "themes", "summaries", "compare")
#: summary levels kept per report (the briefing shows the report level)
SUMMARY_LEVELS = ("report", "part")


@dataclass
class StageStatus:
    """Whether a stage ran: 'ok', 'partial' (failed on some reports) or 'skipped' (with the reason)."""

    stage: str
    status: str = "ok"
    message: str = ""

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass
class ReportAnalysis:
    """What the per-report stages produced for one input file."""

    path: str
    report: Report
    tables: Any = None                     # nlp.tables.ReportTables
    themes: list[dict] | None = None       # [{start, end, theme, score}] from nlp.themes
    theme_shares: dict[str, float] = field(default_factory=dict)
    problem_specificity: float | None = None   # nlp.themes: concrete ÷ (concrete + generic) in part 五
    summaries: list[dict] = field(default_factory=list)
    cached: bool = False


@dataclass
class AnalyzeResult:
    """The outcome of :func:`~nlp.analysis.analyze`: per-report analyses, findings, compare result and bookkeeping.

    ``published``: the outputs were switched into ``out_dir`` (False when nothing was written, or when
    no report could be read and the previous run's outputs were kept).
    """

    out_dir: Path
    analyses: list[ReportAnalysis]
    findings: list[Any]                    # nlp.checks.Finding
    comparison: Any                        # nlp.comparison.CompareResult or None
    stages: dict[str, StageStatus]
    warnings: list[str]
    failures: list[Failure]
    files: list[Path]
    inputs: list[Path]
    cache_hits: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    published: bool = False
    panel: Any = None                      # nlp.panel.Panel (panel dataset, scorecard, peers)
    #: the number format the headline model ran in ('fp32', 'bf16'; '' when no summaries were made here)
    headline_precision: str = ""

    @property
    def reports(self) -> list[Report]:
        return [a.report for a in self.analyses]

    def failed_findings(self) -> list[Any]:
        return [f for f in self.findings if f.status == "fail"]
