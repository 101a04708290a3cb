"""Is this file an annual report at all? Decided from annual-report signals, not from its name.

A ``notes.txt`` or a meeting memo read by mistake has no report title, none of the statutory
parts and no statistics table; such a file is left out of aggregates (and listed at the end
like an unreadable file) unless the user forces it in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import format as V
from ..document import Report

__all__ = ["ReportSignals", "report_signals", "NOT_A_REPORT"]

#: the reason a file is left out (shown with the file's name)
NOT_A_REPORT = ("not an annual report (no report title, statutory parts, statistics tables or talk of 信息公开 found); "
                "left out of the analysis — use --force to include it")
#: how far into the text a report title is looked for
TITLE_WINDOW = 400
#: words that show the text is about government information disclosure (an excerpt of a report mentions them
#: several times even where its title and tables are cut off)
DISCLOSURE_WORDS = ("信息公开", "政务公开")
MIN_DISCLOSURE_MENTIONS = 2


@dataclass(frozen=True)
class ReportSignals:
    """The annual-report signals found in one parsed file and the verdict."""

    title: bool            # a report title (…年政府信息公开工作年度报告) near the start
    parts: int             # statutory parts recognised (一 总体情况 … 六 其他需要报告的事项)
    tables: int            # statistics tables with at least one number
    disclosure_mentions: int

    @property
    def is_report(self) -> bool:
        return self.title or self.parts >= 2 or self.tables >= 1 or self.disclosure_mentions >= MIN_DISCLOSURE_MENTIONS

    def describe(self) -> str:
        return (f"title {'found' if self.title else 'not found'}, {self.parts} statutory part(s), "
                f"{self.tables} statistics table(s), {self.disclosure_mentions} mention(s) of 信息公开/政务公开")


def report_signals(report: Report, tables: Any = None) -> ReportSignals:
    """The signals of ``report`` (and of its extracted ``tables``, an ``nlp.tables.ReportTables``, when given)."""
    head = report.text[:TITLE_WINDOW]
    title = bool(V.TITLE_PATTERN.search(head) or V.YEAR_IN_TEXT.search(head))
    parts = len({p.key for p in report.parts if p.key in V.REQUIRED_PARTS_2019})
    n_tables = 0
    if tables is not None:
        n_tables = sum(1 for t in tables.tables.values() if any(c.is_number for c in t.cells))
    mentions = sum(report.text.count(w) for w in DISCLOSURE_WORDS)
    return ReportSignals(title, parts, n_tables, mentions)
