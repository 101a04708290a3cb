"""The entry point: every statistics table of a report, read into cells."""
from __future__ import annotations

from ..document import Report
from ..format import (
    ERA_2008,
    ERA_2019,
    ERA_2021,
)
from .model import ReportTables
from .old_era import old_era_table
from .proactive import proactive_table
from .regions import find_regions
from .requests import requests_table
from .review import review_table

# ---- entry point

def _report_era(report: Report) -> str:
    if report.era in (ERA_2008, ERA_2019, ERA_2021):
        return report.era
    if report.year is not None:
        if report.year < 2019:
            return ERA_2008
        return ERA_2019 if report.year < 2021 else ERA_2021
    return ""


def extract_tables(report: Report) -> ReportTables:
    """Read the statistics tables of ``report`` into cells with spans into ``report.text``.

    Tables whose markers are not found are absent (``ReportTables.tables`` lacks the
    kind); rows of a found table that could not be read are listed in ``missing_rows``.
    """
    text = report.text
    era = _report_era(report)
    out = ReportTables(report.id, report.agency, report.year, era)
    regions = find_regions(report)
    if "proactive" in regions:
        out.tables["proactive"] = proactive_table(text, *regions["proactive"], era)
    if "requests" in regions:
        out.tables["requests"] = requests_table(text, *regions["requests"], era)
    if "review_litigation" in regions:
        t = review_table(text, *regions["review_litigation"])
        t.era = out.tables["requests"].era if "requests" in out.tables else era
        out.tables["review_litigation"] = t
    if era == ERA_2008 and not any(t.cells for t in out.tables.values()):
        old = old_era_table(text)
        out.tables = {"old_era": old} if old else {}
        out.warnings.append("old-era (2008–2018) report: free-form tables, rows keyed by their printed labels")
    if not era and out.tables:
        eras = {t.era for t in out.tables.values() if t.era}
        out.era = ERA_2021 if ERA_2021 in eras else (ERA_2019 if eras else "")
    out.reindex()
    return out
