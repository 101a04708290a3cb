"""xxgk command line: a thin typer layer over the ``nlp`` library.

Each command reads its inputs with :func:`load_reports` (directories recursive,
bad files listed at the end, exit code 2 when any input failed), calls one public
function of ``nlp`` and formats the result as JSON, CSV or text.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from nlp.batch import Failure, expand_inputs, write_text
from nlp.errors import XxgkError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="xxgk — toolkit for 政府信息公开工作年度报告 (government information disclosure annual reports).")
train_app = typer.Typer(no_args_is_help=True, help="Train the project's own models.")
app.add_typer(train_app, name="train")

err = Console(stderr=True)

#: batches larger than this show a progress bar
PROGRESS_MIN_FILES = 3


class ParseFormat(str, Enum):
    json = "json"
    text = "text"


# ------------------------------------------------------------------ shared helpers

def load_reports(paths: list[Path], quiet: bool = False):
    """Read every input into a Report; returns (reports, inputs, failures). Never raises for a bad file."""
    from rich.progress import Progress

    from nlp.structure import read_report

    files, failures = expand_inputs(paths)
    reports = []
    show = len(files) > PROGRESS_MIN_FILES and not quiet
    with Progress(console=err, transient=True, disable=not show) as progress:
        task = progress.add_task("reading reports", total=len(files))
        for f in files:
            try:
                reports.append(read_report(f))
            except XxgkError as e:
                failures.append(Failure(str(f), getattr(e, "reason", str(e))))
            except Exception as e:  # a parser bug must not stop the batch
                failures.append(Failure(str(f), f"internal error while reading: {type(e).__name__}: {e}"))
            progress.advance(task)
    return reports, files, failures


def finish(failures: list[Failure], strict_failed: bool = False) -> None:
    """Print the failures (file + reason) and exit: 2 if any input failed, 1 if a --strict check failed."""
    if failures:
        err.print(f"[bold red]{len(failures)} file(s) failed:[/]")
        for f in failures:
            err.print(f"  {f.path}: {f.reason}", markup=False, highlight=False)
        raise typer.Exit(2)
    if strict_failed:
        raise typer.Exit(1)


def guard(fn):
    """Turn expected errors into a clear message and exit code 2 instead of a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except XxgkError as e:
            err.print(f"[bold red]error:[/] {e}", highlight=False)
            raise typer.Exit(2)

    return wrapper


# ------------------------------------------------------------------ parse (foundation)

@app.command()
@guard
def parse(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    format: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="json or text outline"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
) -> None:
    """Read and parse reports into parts, sections, paragraphs, sentences and tables."""
    from nlp.report_text import outline

    reports, inputs, failures = load_reports(paths)
    if format == ParseFormat.json:
        body = "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in reports)
    else:
        body = "\n\n".join(outline(r) for r in reports)
    write_text(out, body, inputs)
    finish(failures)


# ------------------------------------------------------------------ tables / check (issue 3)

class TablesFormat(str, Enum):
    csv = "csv"
    json = "json"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
@guard
def tables(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    format: TablesFormat = typer.Option(TablesFormat.csv, "--format", "-f", help="csv or json (tidy, one row per cell)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
) -> None:
    """Statistics tables as tidy data: one row per cell (report, table, row, column, value, raw, span)."""
    from nlp.tables import extract_tables, records_to_csv, tidy_records

    reports, inputs, failures = load_reports(paths)
    records = [rec for r in reports for rec in tidy_records(extract_tables(r))]
    if format == TablesFormat.csv:
        body = records_to_csv(records)
    else:
        body = json.dumps(records, ensure_ascii=False, indent=1)
    write_text(out, body, inputs)
    finish(failures)


@app.command()
@guard
def check(
    paths: list[Path] = typer.Argument(..., help="report files or directories; several years of one agency get cross-year rules"),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text or json"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 if any rule fails"),
    show_pass: bool = typer.Option(False, "--show-pass", help="text: list passing findings too"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", help="run only these rule ids (repeatable)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
) -> None:
    """Consistency audit (勾稽关系) of the tables and the narrative, with the evidence of every finding."""
    from nlp.checks import check as run_checks
    from nlp.checks.render import render_text

    reports, inputs, failures = load_reports(paths)
    findings = run_checks(reports, rules=rule or None)
    if format == CheckFormat.json:
        body = json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1)
    else:
        body = render_text(reports, findings, show_pass=show_pass)
    write_text(out, body, inputs)
    finish(failures, strict_failed=strict and any(f.status == "fail" for f in findings))

# ------------------------------------------------------------------ themes / train themes (issue 4)
# ------------------------------------------------------------------ compare / diff (issue 5)
# ------------------------------------------------------------------ summarize / train summarizer (issue 7)
# ------------------------------------------------------------------ analyze (issue 6)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
