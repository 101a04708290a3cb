"""Commands that read reports and print one stage's result: ``parse``, ``tables``, ``check``, ``themes``
(registered on the app by ``cli.py``)."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..batch import Failure, write_text
from ..errors import XxgkError
from .common import FORCE, OUT_FILE, PATHS, TextOrJson, finish, guard, load_reports, out_file
from .console import PROGRESS_MIN_FILES, progress_reporter
from .prepare import rules_listing


@guard
def parse(
    paths: list[Path] = PATHS,
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text outline or json (one line per report)"),
    out: Optional[Path] = OUT_FILE,
    force: bool = FORCE,
) -> None:
    """Read and parse reports into parts, sections, paragraphs, sentences and tables."""
    from ..report_text import outline

    out = out_file(out, paths, force)
    reports, inputs, failures = load_reports(paths)
    if format == TextOrJson.json:
        body = "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in reports)
    else:
        body = "\n\n".join(outline(r) for r in reports)
    write_text(out, body, inputs)
    finish(failures)


# ------------------------------------------------------------------ tables / check

class TablesFormat(str, Enum):
    csv = "csv"
    json = "json"


@guard
def tables(
    paths: list[Path] = PATHS,
    format: TablesFormat = typer.Option(TablesFormat.csv, "--format", "-f", help="csv or json (tidy, one row per cell)"),
    out: Optional[Path] = OUT_FILE,
    force: bool = FORCE,
) -> None:
    """Statistics tables as tidy data: one row per cell (report, table, row, column, value, raw, span)."""
    from ..tables import extract_tables, records_to_csv, tidy_records

    out = out_file(out, paths, force)
    reports, inputs, failures = load_reports(paths)
    records = [rec for r in reports for rec in tidy_records(extract_tables(r))]
    if format == TablesFormat.csv:
        body = records_to_csv(records)
    else:
        body = json.dumps(records, ensure_ascii=False, indent=1)
    write_text(out, body, inputs)
    finish(failures)


@guard
def check(
    paths: Optional[list[Path]] = typer.Argument(None, help="report files or directories; several years of one agency get cross-year rules"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 if any rule fails"),
    show_pass: bool = typer.Option(False, "--show-pass", help="text: list passing findings too"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", help="run only these rule ids (repeatable)"),
    out: Optional[Path] = OUT_FILE,
    force: bool = FORCE,
    list_rules: bool = typer.Option(False, "--list-rules", help="list the rule ids (for --rule) and what each checks, then exit"),
) -> None:
    """Consistency audit (勾稽关系) of the tables and the narrative, with the evidence of every finding."""
    from ..checks import check as run_checks
    from ..checks.render import render_text

    if list_rules:
        write_text(out_file(out, [], force), rules_listing(format == TextOrJson.json), [])
        return
    if not paths:
        raise XxgkError("check needs at least one PATH (or --list-rules)")
    out = out_file(out, paths, force)
    reports, inputs, failures = load_reports(paths)
    findings = run_checks(reports, rules=rule or None)
    if format == TextOrJson.json:
        body = json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1)
    else:
        body = render_text(reports, findings, show_pass=show_pass)
    write_text(out, body, inputs)
    finish(failures, strict_failed=strict and any(f.status == "fail" for f in findings))


class ThemesLevel(str, Enum):
    section = "section"
    paragraph = "paragraph"
    sentence = "sentence"


class ThemesFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@guard
def themes_cmd(
    paths: list[Path] = PATHS,
    level: ThemesLevel = typer.Option(ThemesLevel.paragraph, "--level", "-l", help="units to label: section, paragraph or sentence"),
    format: ThemesFormat = typer.Option(ThemesFormat.text, "--format", "-f", help="text, json (one object per report) or csv (one row per unit)"),
    model: Optional[Path] = typer.Option(None, "--model", help="theme model directory (default: the shipped models/themes)"),
    out: Optional[Path] = OUT_FILE,
    force: bool = FORCE,
) -> None:
    """Label the narrative with themes (training, proactive, requests, management, platforms, supervision, problems, improvements, other)."""
    from ..themes import classify_themes
    from ..themes.model import load_model
    from ..themes.output import to_csv, to_json_lines, to_text

    out = out_file(out, paths, force)
    theme_model = load_model(model)
    reports, inputs, failures = load_reports(paths)
    results = []
    with progress_reporter(len(reports) > PROGRESS_MIN_FILES) as tick:
        for i, r in enumerate(reports, 1):
            try:
                results.append(classify_themes(r, level.value, model=theme_model))
            except XxgkError as e:
                failures.append(Failure(r.source, str(e)))
            tick("classifying themes", i, len(reports))
    render = {ThemesFormat.text: to_text, ThemesFormat.json: to_json_lines, ThemesFormat.csv: to_csv}[format]
    write_text(out, render(results), inputs)
    finish(failures)



__all__ = ["parse", "tables", "check", "themes_cmd", "TablesFormat", "ThemesLevel", "ThemesFormat"]
