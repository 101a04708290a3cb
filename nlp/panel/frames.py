"""``nlp.to_frame(result)``: any public result as a pandas DataFrame, for notebooks.

One row per natural unit: a report's paragraphs, a report's table cells, a finding, a theme
span, a summary, a compared report, a panel row. pandas is imported only here.
"""
from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["to_frame"]


def _rows(result: Any, which: str) -> list[dict[str, Any]]:
    from ..analysis import AnalyzeResult
    from ..checks import Finding
    from ..comparison.core import CompareResult
    from ..document import Report
    from ..tables import ReportTables, tidy_records
    from .panel import Panel

    if isinstance(result, Panel):
        return result.to_frame(which).to_dict("records")
    if isinstance(result, AnalyzeResult):
        if result.panel is None:
            raise ValueError("this analysis has no panel")
        return result.panel.to_frame(which).to_dict("records")
    if isinstance(result, Report):
        return [{"report_id": result.id, "part": part.key, "section": section.heading, "start": p.start, "end": p.end,
                 "page": result.page_at(p.start), "text": p.text}
                for part in result.parts for section in part.sections for p in section.paragraphs]
    if isinstance(result, ReportTables):
        return tidy_records(result)
    if isinstance(result, CompareResult):
        if which == "pairs":
            return [p.row() for p in result.pairs]
        return [m.row() for m in result.reports]
    if isinstance(result, list):
        if all(isinstance(f, Finding) for f in result):
            return [{**{k: v for k, v in f.to_dict().items() if k != "evidence"},
                     "evidence": "; ".join(f"{e.key or 'text'}@{e.start}-{e.end}" for e in f.evidence)} for f in result]
        from ..summaries import Summary

        if all(isinstance(s, Summary) for s in result):
            return [s.to_dict() for s in result]
        if all(isinstance(x, Report) for x in result):
            return [{"id": r.id, "source": r.source, "agency": r.agency, "year": r.year, "era": r.era,
                     "format": r.format, "publication_date": r.publication_date, "chars": len(r.text)} for r in result]
    from ..themes.classify import ReportThemes

    if isinstance(result, ReportThemes):
        return [{"report_id": result.report_id, **dataclasses.asdict(u)} for u in result.units]
    raise TypeError(f"to_frame() does not know {type(result).__name__}; pass a Report, ReportTables, a list of "
                    "Findings/Summaries/Reports, ReportThemes, CompareResult, AnalyzeResult or Panel")


def to_frame(result: Any, which: str = "long") -> Any:
    """``result`` of any xxgk function as a pandas DataFrame.

    ``which`` chooses the table where a result has several: for an analysis or a panel
    'long' (one row per report × indicator), 'wide', 'scorecard' or 'peers'; for a comparison
    'reports' or 'pairs'.
    """
    import pandas as pd

    return pd.DataFrame(_rows(result, which))
