"""Exporting the corpus store: analyze's outputs from the current versions, plus ``history.csv``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..batch import write_text
from ..errors import XxgkError
from .schema import StoreBase


class ExportMixin(StoreBase):
    """:meth:`export`."""

    def export(self, out_dir: str | Path) -> list[Path]:
        """Write analyze's outputs for the current versions into ``out_dir``, plus ``history.csv``."""
        from ..analysis import STAGES, AnalyzeResult, StageStatus, write_outputs
        from ..checks import check
        from ..csvsafe import as_csv_file, csv_text
        from ..panel import canonical_reports, panel_of

        out = Path(out_dir)
        wanted = self.stages()
        analyses = self.analyses()
        if not analyses:
            raise XxgkError(f"{self.path}: the store holds no reports")
        stages = {s: StageStatus(s) if s in wanted else StageStatus(s, "skipped", "not requested") for s in STAGES}
        findings: list[Any] = []
        if "checks" in wanted and "tables" in wanted:
            # as analyze does: agencies grouped under their canonical names, so series rules see one agency
            by_id = {r.id: r for r in canonical_reports([a.report for a in analyses], None)}
            usable = [a for a in analyses if a.tables is not None]
            findings = check([by_id[a.report.id] for a in usable], tables=[a.tables for a in usable])
            if "summaries" in wanted and findings:
                from ..analysis.stages import brief_report_summaries
                from ..summaries import summarize

                brief_report_summaries(analyses, findings, {i: r.agency for i, r in by_id.items()}, summarize)
        comparison = self._comparison() if "compare" in wanted else None
        inputs = [Path(a.path) for a in analyses]
        result = AnalyzeResult(out, analyses, findings, comparison, stages, [], [], [], inputs)
        if "summaries" in wanted:   # as analyze's analysis.json: the number format the headlines were made in
            result.headline_precision = self._meta("headline_precision") or ""
        result.panel = panel_of(result, None)
        result.findings = list(findings) + result.panel.peer_findings
        files = write_outputs(result)
        fields = ["created_at", "kind", "report_id", "version", "subject", "old", "new", "reason", "author"]
        history = [{k: "" if h[k] is None else str(h[k]) for k in fields} for h in self.history()]
        write_text(out / "history.csv", as_csv_file(csv_text(history, fields)), inputs)
        return files + [out / "history.csv"]

