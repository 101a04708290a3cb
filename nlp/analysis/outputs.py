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
from typing import Any, Callable, Iterable, Sequence, Union

from ..batch import atomic_write, atomic_writer
from ..csvsafe import as_csv_file, csv_text, write_csv
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


def finding_rows(result: AnalyzeResult) -> Iterable[dict[str, Any]]:
    """The rows of ``findings.csv`` (:data:`FINDING_FIELDS`), one per finding, made as they are read."""
    by_id = {a.report.id: a.report for a in result.analyses}
    for f in result.findings:
        r = by_id.get(f.report_id)
        yield {"report_id": f.report_id, "source": r.source if r else "", "agency": r.agency if r else "",
               "year": None if r is None else r.year, "rule": f.rule, "status": f.status,
               "severity": f.severity, "subject": f.subject, "message": f.message, "gloss": f.gloss,
               "evidence": _evidence_text(f)}


def findings_csv(result: AnalyzeResult) -> str:
    return csv_text(finding_rows(result), FINDING_FIELDS)


def cell_records(result: AnalyzeResult) -> Iterable[dict[str, Any]]:
    """The tidy records of ``cells.csv`` (``nlp.tables.TIDY_FIELDS``), report after report."""
    from ..tables import tidy_records

    for a in result.analyses:
        if a.tables is not None:
            yield from tidy_records(a.tables)


def cells_csv(result: AnalyzeResult) -> str:
    from ..tables import records_to_csv

    return records_to_csv(list(cell_records(result)))


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
        **({"headline_precision": result.headline_precision} if result.headline_precision else {}),
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


#: an output file's content: text, bytes, or a function that writes the file at the path it is given
#: (large files are streamed that way: the run's set is never in memory at once)
OutputBody = Union[str, bytes, Callable[[Path], Any]]


def _streamed_csv(rows: Callable[[], Iterable[Any]], fields: Sequence[str]) -> Callable[[Path], Any]:
    return lambda path: write_csv(path, rows(), fields)


def _compare_file(result: AnalyzeResult, make: Callable[[Any], str], csv: bool) -> Callable[[Path], Any]:
    """A compare output file made by ``make`` (a CSV with the BOM, as every CSV of the set)."""
    def write(path: Path) -> None:
        body = make(result.comparison)
        atomic_write(path, as_csv_file(body) if csv else body)

    return write


def _reports_jsonl(result: AnalyzeResult) -> Callable[[Path], Any]:
    def write(path: Path) -> None:
        by_report = findings_by_report(result)
        measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
        with atomic_writer(path) as f:
            for a in result.analyses:
                record = report_record(a, by_report.get(a.report.id, []), measures.get(a.report.id))
                f.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))

    return write


def output_files(result: AnalyzeResult) -> dict[str, OutputBody]:
    """Every output file of the run: path relative to the output folder → content (:data:`OutputBody`).
    The one place that says what a run writes (``analysis.json``, last, lists them)."""
    from ..tables import TIDY_FIELDS
    from .brief import write_brief

    files: dict[str, OutputBody] = {
        "reports.jsonl": _reports_jsonl(result),
        # every CSV of the set is a file for people: the UTF-8 BOM first, as the panel's own CSVs have it
        "cells.csv": _streamed_csv(lambda: cell_records(result), TIDY_FIELDS)
        if result.stages["tables"].status != "skipped" else "",
        "findings.csv": _streamed_csv(lambda: finding_rows(result), FINDING_FIELDS),
    }
    if result.comparison is not None:
        from ..comparison.output import OUTPUT_MAKERS

        # made where the file is written (on the writing processes, beside the other outputs)
        files.update({f"compare/{name}": _compare_file(result, make, name.endswith(".csv"))
                      for name, make in OUTPUT_MAKERS.items()})
    files["brief.html"] = lambda path: write_brief(result, path)
    if result.panel is not None:
        from ..panel import panel_writers

        files.update(panel_writers(result.panel))
    files["analysis.json"] = analysis_json(result, top_level_names([*files, "analysis.json"]))
    return files


#: the outputs that take longest to write (about 5, 2.4, 1.3 and 1 s for 1,000 generated reports):
#: started first when several processes write the set
SLOW_OUTPUTS = ("panel.xlsx", "panel.csv", "panel.parquet", "brief.html")


def write_outputs(result: AnalyzeResult, processes: int = 1) -> list[Path]:
    """Publish the run's output set into ``result.out_dir`` as one consistent set; returns the file paths.
    ``processes`` > 1: the files are written by that many processes at once (the same files)."""
    from .runset import publish

    return publish(result.out_dir, output_files(result), processes=processes, slow_first=SLOW_OUTPUTS)
