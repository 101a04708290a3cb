"""The files of an analyze run, built in one place (:func:`output_files`) and published as one set.

- ``reports.jsonl``  one report a line: its structure (``Report.to_dict()``, text included, so
  ``Report.from_dict`` rebuilds it), theme shares, summaries, key numbers, check counts and the
  compare measures;
- ``cells.csv``      every table cell in the tidy long format (``nlp.tables.TIDY_FIELDS``);
- ``findings.csv``   every check finding with its evidence (cell keys and text offsets);
- ``compare/``       the compare outputs (passages.jsonl, reports.csv, pairs.csv, similarity.csv);
- ``brief.html``     a self-contained briefing (see :mod:`nlp.analysis.brief`);
- ``analysis.json``  inputs, failed and duplicate files, stage statuses, warnings and the list of outputs.

Every CSV of the set (the panel's too) starts with the UTF-8 BOM, so Excel shows the Chinese text.

A new output is one more entry in :func:`output_files`; :func:`write_outputs` publishes the whole
set atomically (:mod:`.runset`).
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterable

from ..csvsafe import as_csv_file, csv_text
from .model import AnalyzeResult, ReportAnalysis

FINDING_FIELDS = ("report_id", "source", "agency", "year", "rule", "status", "severity", "subject", "message",
                  "gloss", "evidence")


def key_numbers(tables: Any) -> dict[str, Any]:
    """Headline numbers from table 3 and table 4 (None where a cell was not read)."""
    if tables is None:
        return {}
    from .. import format as V

    def v(table: str, row: str, col: str = "total") -> Any:
        return tables.value(table, row, col)

    rows = dict.fromkeys(V.REQUEST_ROWS_2019 + V.REQUEST_ROWS_2021)

    def group(prefix: str) -> Any:
        vals = [v("requests", r) for r in rows if r.startswith(prefix + ".")]
        vals = [x for x in vals if x is not None]
        return sum(vals) if vals else None

    return {
        "received": v("requests", "received"), "carried_over": v("requests", "carried_over"),
        "handled": v("requests", "total"), "granted": v("requests", "granted"),
        "partly_granted": v("requests", "partly_granted"), "refused": group("refused"),
        "unable": group("unable"), "not_processed": group("not_processed"),
        "carried_forward": v("requests", "carried_forward"),
        "review": v("review_litigation", "review"),
        "litigation": _add(v("review_litigation", "litigation_direct"), v("review_litigation", "litigation_after_review")),
    }


def _add(*xs: Any) -> Any:
    return None if any(x is None for x in xs) else sum(xs)


def _status_counts(findings: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    return dict(sorted(counts.items()))


def findings_by_report(result: AnalyzeResult) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {a.report.id: [] for a in result.analyses}
    for f in result.findings:
        out.setdefault(f.report_id, []).append(f)
    return out


def report_record(a: ReportAnalysis, findings: list[Any], measures: Any) -> dict[str, Any]:
    """One line of reports.jsonl."""
    r = a.report
    rec: dict[str, Any] = {
        "id": r.id, "source": r.source, "agency": r.agency, "year": r.year, "era": r.era, "format": r.format,
        "key_numbers": key_numbers(a.tables),
        "checks": _status_counts(findings),
        "theme_shares": a.theme_shares,
        "problem_specificity": a.problem_specificity,
        "themes": a.themes,
        "summaries": a.summaries,
        "compare": dataclasses.asdict(measures) if measures is not None else None,
        "structure": r.to_dict(),
    }
    return rec


def _evidence_text(f: Any) -> str:
    parts = []
    for e in f.evidence:
        where = f"{e.start}-{e.end}"
        parts.append(f"{e.key}={e.value}@{where}" if e.key else f"text@{where}:{e.text}")
    return "; ".join(parts)


def findings_csv(result: AnalyzeResult) -> str:
    by_id = {a.report.id: a.report for a in result.analyses}
    rows = []
    for f in result.findings:
        r = by_id.get(f.report_id)
        rows.append({"report_id": f.report_id, "source": r.source if r else "", "agency": r.agency if r else "",
                     "year": None if r is None else r.year, "rule": f.rule, "status": f.status,
                     "severity": f.severity, "subject": f.subject, "message": f.message, "gloss": f.gloss,
                     "evidence": _evidence_text(f)})
    return csv_text(rows, FINDING_FIELDS)


def cells_csv(result: AnalyzeResult) -> str:
    from ..tables import records_to_csv, tidy_records

    records: list[dict[str, Any]] = []
    for a in result.analyses:
        if a.tables is not None:
            records += tidy_records(a.tables)
    return records_to_csv(records)


def analysis_json(result: AnalyzeResult, outputs: Iterable[str] = ()) -> str:
    """Inputs, failures, duplicates, stage statuses, warnings and the outputs (no timings: re-runs give the same file)."""
    counts = _status_counts(result.findings)
    body = {
        "inputs": [str(p) for p in result.inputs],
        "reports": [{"id": a.report.id, "source": a.report.source, "agency": a.report.agency, "year": a.report.year}
                    for a in result.analyses],
        "failures": [f.to_dict() for f in result.failures],
        "duplicates": [d.to_dict() for d in result.duplicates],
        "stages": {k: v.to_dict() for k, v in result.stages.items()},
        "warnings": list(result.warnings),
        "findings": counts,
        "outputs": list(outputs),
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def top_level_names(paths: Iterable[str]) -> list[str]:
    """``["a.csv", "compare/x.csv", "compare/y.csv"]`` → ``["a.csv", "compare/"]`` (first-seen order)."""
    names: list[str] = []
    for p in paths:
        head, sep, _ = p.partition("/")
        name = head + ("/" if sep else "")
        if name not in names:
            names.append(name)
    return names


def output_files(result: AnalyzeResult) -> dict[str, str | bytes]:
    """Every output file of the run: path relative to the output folder → content. The one place that
    says what a run writes (``analysis.json``, last, lists them)."""
    from .brief import render_brief

    by_report = findings_by_report(result)
    measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
    lines = [json.dumps(report_record(a, by_report.get(a.report.id, []), measures.get(a.report.id)), ensure_ascii=False)
             for a in result.analyses]
    files: dict[str, str] = {
        "reports.jsonl": "\n".join(lines) + ("\n" if lines else ""),
        "cells.csv": cells_csv(result) if result.stages["tables"].status != "skipped" else "",
        "findings.csv": findings_csv(result),
    }
    if result.comparison is not None:
        from ..comparison.output import output_files as compare_files

        files.update({f"compare/{name}": body for name, body in compare_files(result.comparison).items()})
    # every CSV of the set is a file for people: the UTF-8 BOM first, as the panel's own CSVs have it
    files = {name: as_csv_file(body) if name.endswith(".csv") else body for name, body in files.items()}
    files["brief.html"] = render_brief(result)
    if result.panel is not None:
        files.update(panel_files(result.panel))
    files["analysis.json"] = analysis_json(result, top_level_names([*files, "analysis.json"]))
    return files


def panel_files(panel: Any) -> dict[str, bytes]:
    """The panel and scorecard files (``nlp.panel.PANEL_FILES``) as bytes, to join the run's set."""
    import tempfile

    from ..panel import write_panel_outputs

    with tempfile.TemporaryDirectory(prefix="xxgk-panel-") as tmp:
        return {p.name: p.read_bytes() for p in write_panel_outputs(panel, tmp)}


def write_outputs(result: AnalyzeResult) -> list[Path]:
    """Publish the run's output set into ``result.out_dir`` as one consistent set; returns the file paths."""
    from .runset import publish

    return publish(result.out_dir, output_files(result))
