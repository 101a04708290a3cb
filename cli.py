"""xxgk command line: a thin typer layer over the ``nlp`` library.

Each command reads its inputs with :func:`load_reports` (directories recursive,
bad files listed at the end, exit code 2 when any input failed), calls one public
function of ``nlp`` and formats the result as JSON, CSV or text. This module builds
the app and registers every command; the commands that no option here concerns, the
help layout and the shared helpers live in :mod:`nlp.cli_support`.
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from nlp.batch import write_text
from nlp.cli_support.common import (BATCH_OPTION, DEVICE_OPTION, PRECISION_OPTION, ENGINE_OPTION, FORCE, SCHEDULER_OPTION, SCRATCH_OPTION,
                                    WORKERS_OPTION, TextOrJson, engine_config, finish, guard, load_reports, out_file,
                                    stage_list, summary_options)
from nlp.cli_support.compare_commands import compare_cmd, diff_cmd
from nlp.cli_support.console import err, progress_reporter
from nlp.cli_support.layout import XxgkTyper
from nlp.cli_support.prepare import report_evidence
from nlp.cli_support.read_commands import check, parse, tables, themes_cmd
from nlp.cli_support.train_commands import train_summarizer_cmd, train_themes_cmd, train_userdict_cmd
from nlp.errors import XxgkError

app = XxgkTyper(add_completion=False, no_args_is_help=True,
                help="xxgk — toolkit for 政府信息公开工作年度报告 (government information disclosure annual reports).")
train_app = XxgkTyper(no_args_is_help=True, help="Train the project's own models.")
app.add_typer(train_app, name="train")


def _print_version(value: bool) -> None:
    if value:
        from nlp import __version__

        typer.echo(f"xxgk {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Options of ``xxgk`` itself (the help text shown is the app's)."""


# ------------------------------------------------------------------ commands, in the order the help lists them

app.command()(parse)
app.command()(tables)
app.command()(check)
app.command("themes")(themes_cmd)
train_app.command("themes")(train_themes_cmd)
train_app.command("userdict")(train_userdict_cmd)
app.command("compare")(compare_cmd)
app.command("diff")(diff_cmd)
train_app.command("summarizer")(train_summarizer_cmd)


# ------------------------------------------------------------------ summarize

class SummaryLevel(str, Enum):
    report = "report"
    part = "part"
    section = "section"


class SummaryMethod(str, Enum):
    auto = "auto"
    extractive = "extractive"
    abstractive = "abstractive"


@app.command("summarize")
@guard
def summarize_cmd(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    level: SummaryLevel = typer.Option(SummaryLevel.section, "--level", help="report, part or section"),
    method: SummaryMethod = typer.Option(SummaryMethod.auto, "--method",
                                         help="auto (the ablation's best), extractive or abstractive"),
    max_chars: int = typer.Option(200, "--max-chars", help="character budget of the key sentences per summary"),
    model: Optional[Path] = typer.Option(None, "--model",
                                         help="model folder: an xxgk artefact or any local HF seq2seq checkpoint"),
    beams: int = typer.Option(1, "--beams", help="beam size for generated headlines (1 = greedy)"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json (one line each)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
    force: bool = FORCE,
    device: str = DEVICE_OPTION, batch_size: Optional[int] = BATCH_OPTION, precision: Optional[str] = PRECISION_OPTION,
) -> None:
    """Headline + key sentences per section, part or report (spans point into the text)."""
    from nlp.summaries import REPORT_ABSTRACTIVE_REFUSED, summarize_many

    if model is not None and not model.exists():
        raise XxgkError(f"{model}: model folder not found")
    if level == SummaryLevel.report and method == SummaryMethod.abstractive:
        raise XxgkError(REPORT_ABSTRACTIVE_REFUSED)
    options = summary_options(device, batch_size, precision)
    out = out_file(out, paths, force)
    reports, inputs, failures = load_reports(paths)
    tables, findings, previous = report_evidence(reports) if level == SummaryLevel.report else ({}, [], {})
    per_report = summarize_many(reports, level=level.value, method=method.value, max_chars=max_chars, model_dir=model,
                                num_beams=beams, tables=[tables.get(r.id) for r in reports],
                                findings=[findings] * len(reports), previous_tables=[previous.get(r.id) for r in reports],
                                **options)
    summaries = [s for report_summaries in per_report for s in report_summaries]
    if format == TextOrJson.json:
        body = "\n".join(json.dumps(s.to_dict(), ensure_ascii=False) for s in summaries)
    else:
        body = "\n\n".join(s.to_text() for s in summaries)
    write_text(out, body, inputs)
    finish(failures)


# ------------------------------------------------------------------ analyze

@app.command("analyze")
@guard
def analyze_cmd(
    paths: Optional[list[Path]] = typer.Argument(None, help="report files or directories (default: the shipped demo corpus)"),
    out: Path = typer.Option(Path("analysis"), "--out", "-o", help="output folder (reports.jsonl, cells.csv, findings.csv, compare/, brief.html)"),
    no_cache: bool = typer.Option(False, "--no-cache", help="re-process every file (ignore OUT/.cache)"),
    stages: Optional[str] = typer.Option(None, "--stages", help="comma-separated subset of parse,tables,checks,themes,summaries,compare"),
    force: bool = FORCE,
    aliases: Optional[Path] = typer.Option(None, "--aliases", help="CSV of alias,canonical agency names (one agency under several names)"),
    engine: str = ENGINE_OPTION, scheduler: Optional[str] = SCHEDULER_OPTION, workers: Optional[int] = WORKERS_OPTION,
    scratch: Optional[Path] = SCRATCH_OPTION, device: str = DEVICE_OPTION, batch_size: Optional[int] = BATCH_OPTION,
    precision: Optional[str] = PRECISION_OPTION,
) -> None:
    """The main job: every stage on every report, written as data files and a self-contained brief.html."""
    from nlp.engine import analyze
    from nlp.panel import read_aliases

    config = engine_config(engine, scheduler, workers, scratch)
    if not paths:
        from corpora import DEMO_DIR

        paths = [DEMO_DIR]
        err.print(f"no PATH given: analyzing the demo corpus {DEMO_DIR}", highlight=False)
    wanted = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    if wanted is not None and "parse" not in wanted:
        wanted.insert(0, "parse")
    with progress_reporter() as tick:
        result = analyze(paths, out, config, progress=tick, use_cache=not no_cache, stages=wanted, force=force,
                         aliases=read_aliases(aliases) if aliases else None,
                         summary_options=summary_options(device, batch_size, precision))
    fails = result.failed_findings()
    typer.echo(f"{len(result.analyses)} reports ({result.cache_hits} unchanged, from cache), "
               f"{len(result.panel.agencies())} agencies, {len(fails)} failed checks "
               f"in {len({f.report_id for f in fails})} reports")
    for s in result.stages.values():
        if s.status != "ok" and s.message != "not requested":
            err.print(f"[yellow]{s.stage}: {s.status}[/] {s.message}", highlight=False)
    for d in result.duplicates:
        err.print(f"note: {d.line()}", markup=False, highlight=False)
    if result.published:
        typer.echo(f"wrote {out / 'brief.html'} and {len(result.files) - 1} more files in {out}")
    else:
        err.print(f"no report could be read: the previous outputs in {out} are kept", markup=False, highlight=False)
    finish(result.failures)


# ------------------------------------------------------------------ the corpus store (issue 15)

store_app = typer.Typer(no_args_is_help=True, help="The corpus store: reports analysed once, kept in DuckDB, corrected with history.")
app.add_typer(store_app, name="store")
DB_OPTION = typer.Option(Path("corpus.duckdb"), "--db", help="the store file (created when missing)")


@store_app.command("add")
@guard
def store_add(paths: list[Path] = typer.Argument(..., help="report files or directories"), db: Path = DB_OPTION,
              stages: Optional[str] = typer.Option(None, "--stages", help="stages this store runs (fixed by the first add)"),
              engine: str = ENGINE_OPTION, scheduler: Optional[str] = SCHEDULER_OPTION,
              workers: Optional[int] = WORKERS_OPTION, scratch: Optional[Path] = SCRATCH_OPTION,
              device: str = DEVICE_OPTION, batch_size: Optional[int] = BATCH_OPTION,
              precision: Optional[str] = PRECISION_OPTION) -> None:
    """Analyse the new or changed files and add them; checks and compare are brought up to date."""
    from nlp.store import CorpusStore

    if engine == "local" and workers is not None:
        raise XxgkError("store add: --workers needs --engine dask (the store analyses in this process otherwise)")
    options = summary_options(device, batch_size, precision)
    with CorpusStore(db) as store:
        r = store.add(paths, engine=engine_config(engine, scheduler, workers, scratch), stages=stage_list(stages), progress=True,
                      summary_options=options)
    typer.echo(f"{len(r.added)} added, {len(r.unchanged)} unchanged, {len(r.replaced)} replaced (content changed) in {db}")
    if r.pairs_computed or r.pairs_reused:
        typer.echo(f"compare: {r.pairs_computed} report pairs aligned, {r.pairs_reused} reused from the store")
    for w in r.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    finish(r.failures)


@store_app.command("query")
@guard
def store_query(sql: str = typer.Argument(..., help="SQL over reports, cells, findings, themes, passages, …"),
                db: Path = DB_OPTION) -> None:
    """Run SQL on the store; prints tab-separated rows under a header."""
    from nlp.store import CorpusStore

    with CorpusStore(db, read_only=True) as store:
        cols, rows = store.query(sql)
    if cols:
        typer.echo("\t".join(cols))
    for row in rows:
        typer.echo("\t".join("" if v is None else str(v) for v in row))


@store_app.command("export")
@guard
def store_export(out: Path = typer.Option(Path("analysis"), "--out", "-o", help="output folder"), db: Path = DB_OPTION) -> None:
    """Write analyze's outputs (reports.jsonl, cells.csv, findings.csv, compare/, brief.html) and history.csv."""
    from nlp.store import CorpusStore

    with CorpusStore(db, read_only=True) as store:
        files = store.export(out)
    typer.echo(f"wrote {len(files)} files in {out}")


@store_app.command("correct")
@guard
def store_correct(report: str = typer.Argument(..., help="report id (or its source path)"),
                  cell: str = typer.Argument(..., help="table:row:column, e.g. requests:received:total"),
                  value: str = typer.Argument(..., help="the correct number"),
                  reason: str = typer.Option(..., "--reason", help="why (kept in the history)"),
                  author: Optional[str] = typer.Option(None, "--author"), db: Path = DB_OPTION) -> None:
    """Correct a misread cell: a new version of the report's tables, checks re-run, the old version kept."""
    from nlp.store import CorpusStore

    with CorpusStore(db) as store:
        version = store.correct(report, cell, value, reason, author)
    typer.echo(f"{report}: version {version}")


@store_app.command("review")
@guard
def store_review(finding: str = typer.Argument(..., help="finding id (findings.finding_id)"),
                 verdict: str = typer.Argument(..., help="confirmed or wrong"),
                 reason: str = typer.Option("", "--reason"), author: Optional[str] = typer.Option(None, "--author"),
                 db: Path = DB_OPTION) -> None:
    """Record an auditor's verdict on a finding."""
    from nlp.store import CorpusStore

    with CorpusStore(db) as store:
        store.review(finding, verdict, reason, author)
    typer.echo(f"{finding}: {verdict}")


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
