"""xxgk command line: a thin typer layer over the ``nlp`` library.

Each command reads its inputs with :func:`load_reports` (directories recursive,
bad files listed at the end, exit code 2 when any input failed), calls one public
function of ``nlp`` and formats the result as JSON, CSV or text.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, get_args

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from nlp.batch import Failure, check_output_dir, check_output_path, expand_inputs, one_line, read_batch, write_text
from nlp.errors import XxgkError

# ------------------------------------------------------------------ help layout

def _tidy_help(params: list[Any]) -> list[Any]:
    """Help that shows what a user types: no type tag for on/off flags, arguments as ``PATH...``."""
    for p in params:
        if isinstance(p, TyperOption) and p.is_flag and p.metavar is None:
            p.metavar = ""  # a switch takes no value, so there is no type to show
        elif isinstance(p, TyperArgument) and p.metavar is None:
            kind = p.type_descriptor.annotation
            if p.type_descriptor.is_list:
                kind = get_args(kind)[0]
            label = "PATH" if kind is Path else (p.name or "value").upper()
            p.metavar = f"{label}..." if p.nargs != 1 else label
    return params


class XxgkCommand(TyperCommand):
    """A command whose help and usage line follow :func:`_tidy_help`."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _tidy_help(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for p in self.get_params(ctx):
            if isinstance(p, TyperArgument):
                pieces.append(p.metavar if p.required else f"[{p.metavar}]")
            else:
                pieces.extend(p.get_usage_pieces(ctx))
        return pieces


class XxgkGroup(TyperGroup):
    """A command group whose own options follow :func:`_tidy_help`."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _tidy_help(super().get_params(ctx))


class XxgkTyper(typer.Typer):
    """``typer.Typer`` whose groups and commands use the tidy help; ``-h`` works like ``--help``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", XxgkGroup)
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(**kwargs)

    def command(self, name: Optional[str] = None, **kwargs: Any) -> Callable:
        kwargs.setdefault("cls", XxgkCommand)
        return super().command(name, **kwargs)


app = XxgkTyper(add_completion=False, no_args_is_help=True,
                help="xxgk — toolkit for 政府信息公开工作年度报告 (government information disclosure annual reports).")
train_app = XxgkTyper(no_args_is_help=True, help="Train the project's own models.")
app.add_typer(train_app, name="train")

#: stderr; soft_wrap: a line is never broken at the terminal width (or at 80 columns without a terminal)
err = Console(stderr=True, soft_wrap=True)

#: batches larger than this show progress
PROGRESS_MIN_FILES = 3
#: without a terminal, a progress line at most this often per stage (seconds), plus one when a stage ends
PLAIN_PROGRESS_EVERY_S = 5.0


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


class TextOrJson(str, Enum):
    """Output as a readable text listing or as JSON (parse, check, summarize)."""

    json = "json"
    text = "text"


@contextmanager
def progress_reporter(show: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A ``tick(stage, done, total)`` callback: a live bar per stage on a terminal, plain lines otherwise.

    Without a terminal (a pipe, a log file, CI) each stage prints ``stage: done/total`` to
    stderr at most every :data:`PLAIN_PROGRESS_EVERY_S` seconds and once when it ends.
    """
    if not show:
        yield lambda stage, done, total: None
        return
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as bar:
            tasks: dict[str, Any] = {}

            def tick(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            yield tick
        return
    last: dict[str, float] = {}

    def plain_tick(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last.get(stage, 0.0) >= PLAIN_PROGRESS_EVERY_S:
            last[stage] = now
            err.print(f"{stage}: {done}/{total}", markup=False, highlight=False, soft_wrap=True)

    yield plain_tick


# ------------------------------------------------------------------ shared helpers

def load_reports(paths: list[Path], quiet: bool = False, dedupe: bool = True):
    """Read every input into a Report; returns (reports, inputs, failures). Never raises for a bad file.

    Files with the same content are read once (``dedupe``); the others are named on stderr.
    """
    with progress_reporter(not quiet) as tick:
        def reading(done: int, total: int) -> None:
            if total > PROGRESS_MIN_FILES:
                tick("reading reports", done, total)

        batch = read_batch(paths, progress=reading, dedupe=dedupe)
    for d in batch.duplicates:
        err.print(f"note: {d.line()}", markup=False, highlight=False)
    return batch.reports, batch.files, batch.failures


def out_file(out: Optional[Path], paths: list[Path], force: bool) -> Optional[Path]:
    """Check a file output (``--out``) before any work: see :func:`nlp.batch.check_output_path`."""
    if out is None:
        return None
    files, _ = expand_inputs(paths)
    return check_output_path(out, files, force=force)


def finish(failures: list[Failure], strict_failed: bool = False) -> None:
    """Print the failures (one line each: file + reason) and exit: 2 if any input failed, 1 if a --strict check failed."""
    if failures:
        err.print(f"[bold red]{len(failures)} file(s) failed:[/]")
        for f in failures:
            err.print(f"  {f.line()}", markup=False, highlight=False)
        raise typer.Exit(2)
    if strict_failed:
        raise typer.Exit(1)


def guard(fn):
    """Turn expected errors (and file-system errors) into one clear line and exit code 2 instead of a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except XxgkError as e:
            err.print(f"[bold red]xxgk:[/] {one_line(str(e))}", highlight=False)
            raise typer.Exit(2)
        except OSError as e:   # a path the checks above could not foresee (a disk full, a race)
            where = f"{e.filename}: " if e.filename else ""
            err.print(f"[bold red]xxgk:[/] {one_line(where + (e.strerror or str(e)))}", highlight=False)
            raise typer.Exit(2)

    return wrapper


#: every model artefact folder holds its card: the mark of an earlier training run's output
MODEL_CARD = "card.json"
FORCE = typer.Option(False, "--force", help="overwrite an existing output file or write into a folder that holds other files; analyze: also keep files that show no annual-report signals")


# ------------------------------------------------------------------ parse (foundation)

@app.command()
@guard
def parse(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text outline or json (one line per report)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
    force: bool = FORCE,
) -> None:
    """Read and parse reports into parts, sections, paragraphs, sentences and tables."""
    from nlp.report_text import outline

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


@app.command()
@guard
def tables(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    format: TablesFormat = typer.Option(TablesFormat.csv, "--format", "-f", help="csv or json (tidy, one row per cell)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
    force: bool = FORCE,
) -> None:
    """Statistics tables as tidy data: one row per cell (report, table, row, column, value, raw, span)."""
    from nlp.tables import extract_tables, records_to_csv, tidy_records

    out = out_file(out, paths, force)
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
    paths: Optional[list[Path]] = typer.Argument(None, help="report files or directories; several years of one agency get cross-year rules"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 if any rule fails"),
    show_pass: bool = typer.Option(False, "--show-pass", help="text: list passing findings too"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", help="run only these rule ids (repeatable)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
    force: bool = FORCE,
    list_rules: bool = typer.Option(False, "--list-rules", help="list the rule ids (for --rule) and what each checks, then exit"),
) -> None:
    """Consistency audit (勾稽关系) of the tables and the narrative, with the evidence of every finding."""
    from nlp.checks import RULES
    from nlp.checks import check as run_checks
    from nlp.checks.render import render_text

    if list_rules:
        specs = sorted(RULES.values(), key=lambda r: r.id)
        if format == TextOrJson.json:
            body = json.dumps([{"id": r.id, "scope": r.scope, "description": r.description} for r in specs],
                              ensure_ascii=False, indent=1)
        else:
            width = max(len(r.id) for r in specs)
            body = "\n".join(f"{r.id:<{width}}  {r.scope:<6}  {r.description}" for r in specs)
        write_text(out_file(out, [], force), body, [])
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

# ------------------------------------------------------------------ themes / train themes

class ThemesLevel(str, Enum):
    section = "section"
    paragraph = "paragraph"
    sentence = "sentence"


class ThemesFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command("themes")
@guard
def themes_cmd(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively)"),
    level: ThemesLevel = typer.Option(ThemesLevel.paragraph, "--level", "-l", help="units to label: section, paragraph or sentence"),
    format: ThemesFormat = typer.Option(ThemesFormat.text, "--format", "-f", help="text, json (one object per report) or csv (one row per unit)"),
    model: Optional[Path] = typer.Option(None, "--model", help="theme model directory (default: the shipped models/themes)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
    force: bool = FORCE,
) -> None:
    """Label the narrative with themes (training, proactive, requests, management, platforms, supervision, problems, improvements, other)."""
    from nlp.themes import classify_themes
    from nlp.themes.model import load_model
    from nlp.themes.output import to_csv, to_json_lines, to_text

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


@train_app.command("themes")
@guard
def train_themes_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports whose section headings give the labels"),
    out: Path = typer.Option(Path("models/themes"), "--out", help="artefact directory (model.pkl.gz + card.json)"),
    cv: bool = typer.Option(True, "--cv/--no-cv", help="run leave-one-agency-out cross-validation (recorded in the card)"),
    force: bool = FORCE,
) -> None:
    """Train the theme classifier from the corpus's own headings and enumerated openers (bodies without headings) and write the artefact."""
    from nlp.themes.train import train_themes

    check_output_dir(out, force=force, marker=MODEL_CARD)   # an earlier artefact (its card) is replaced, nothing else

    with progress_reporter() as tick:
        def start(description: str, total: int) -> Callable[[], None]:
            done = [0]

            def advance() -> None:
                done[0] += 1
                tick(description, done[0], total)
            return advance

        run = train_themes(corpus, out, run_cv=cv, progress=start)
    card = run.card
    lines = [f"trained on {len(run.files)} files ({card['training_files_sha256'][:12]}), "
             f"taxonomy {card['taxonomy_version']}, artefact {card['artefact_bytes'] / 1e6:.1f} MB → {run.out_dir}"]
    if run.cv:
        d = run.cv.to_dict()
        lines.append(f"leave-one-agency-out CV ({d['folds']} folds) on {d['sections']} heading-labelled sections "
                     f"(headings removed):")
        for name, s in d["levels"].items():
            per = ", ".join(f"{t} {v['f1']:.2f}" for t, v in s["per_theme"].items())
            lines.append(f"  {name:<16} macro-F1 {s['macro_f1']:.3f} [{s['ci95'][0]:.3f}, {s['ci95'][1]:.3f}]  "
                         f"n={s['units']}  ({per})")
    typer.echo("\n".join(lines))
    finish(run.failures)


@train_app.command("userdict")
@guard
def train_userdict_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports to find frequent terms in"),
    out: Optional[Path] = typer.Option(None, "--out", help="dictionary file (default: the shipped nlp/data/userdict.txt)"),
    force: bool = FORCE,
) -> None:
    """Build the segmenter's domain user dictionary from the format vocabulary and frequent corpus terms."""
    if out is not None:
        check_output_path(out, [], force=force)
    from nlp.ingest import read_source
    from nlp.segmentation import USER_DICT_PATH, build_user_dictionary

    files, failures = expand_inputs([corpus])
    texts = []
    for f in files:
        try:
            texts.append(read_source(f).text)
        except XxgkError as e:
            failures.append(Failure(str(f), getattr(e, "reason", str(e))))
    stats = build_user_dictionary(texts, out or USER_DICT_PATH)
    typer.echo(f"{stats.path}: {stats.vocabulary_terms} vocabulary terms + {stats.corpus_terms} corpus terms "
               f"from {stats.documents} documents")
    finish(failures)


# ------------------------------------------------------------------ compare / diff

class PairFilter(str, Enum):
    all = "all"
    cross_agency = "cross-agency"
    same_agency = "same-agency"
    consecutive_years = "consecutive-years"


def _compare_theme_spans(reports: list) -> tuple[dict[str, list[tuple[int, int, str]]], str]:
    """Per report, (start, end, theme) spans for compare: paragraph labels of the shipped theme
    model, or — when it cannot be loaded — the themes the section headings announce."""
    from nlp.themes import classify_themes
    from nlp.errors import ModelLoadError
    from nlp.themes.model import load_model
    from nlp.themes.taxonomy import theme_for_heading, theme_for_part

    parsed = [r for r in reports if r.parts]
    try:
        model = load_model() if parsed else None
    except ModelLoadError as e:
        model, why = None, str(e)
    out: dict[str, list[tuple[int, int, str]]] = {}
    for r in parsed:
        if model is not None:
            out[r.id] = [(u.start, u.end, u.theme) for u in classify_themes(r, level="paragraph", model=model).units
                         if u.level == "paragraph"]
        else:
            out[r.id] = [(sec.start, sec.end, theme) for part in r.parts for sec in part.sections
                         if (theme := (theme_for_heading(sec.heading, part.key) if sec.heading
                                       else theme_for_part(part.key, part.title)))]
    source = "the trained theme model" if model is not None else f"section headings ({why})" if parsed else ""
    return out, source


@app.command("compare")
@guard
def compare_cmd(
    paths: list[Path] = typer.Argument(..., help="report files or directories (searched recursively), or JSON-lines "
                                                 "files (.jsonl) of {id, text, agency, year, …} records"),
    out: Path = typer.Option(Path("compare-out"), "--out", "-o", help="directory for passages.jsonl, reports.csv, pairs.csv, similarity.csv"),
    min_chars: int = typer.Option(20, "--min-chars", help="shortest reused passage (content characters outside template)"),
    ngram: int = typer.Option(10, "--ngram", help="character n-gram length for shingles (8–13 sensible)"),
    pairs: PairFilter = typer.Option(PairFilter.all, "--pairs", help="which pairs of reports may share a reused passage"),
    reference: Optional[Path] = typer.Option(None, "--reference", help="n-gram document-frequency table pooled with the "
                                             "reports for template and boilerplate (default: the shipped one)"),
    no_reference: bool = typer.Option(False, "--no-reference", help="decide template and boilerplate from the reports alone"),
    force: bool = FORCE,
) -> None:
    """Find reused passages, template and boilerplate text, and year-over-year change across reports."""
    from nlp.comparison import compare, load_reference
    from nlp.comparison.inputs import read_jsonl
    from nlp.comparison.output import summary_text, write_outputs

    if ngram < 2:
        raise XxgkError(f"--ngram must be at least 2 (got {ngram})")
    if min_chars < ngram:
        raise XxgkError(f"--min-chars ({min_chars}) must be at least --ngram ({ngram})")
    check_output_dir(out, expand_inputs(paths)[0], force=force, marker="passages.jsonl")
    table = None if no_reference else (load_reference(reference) if reference else load_reference())
    jsonl = [p for p in paths if p.suffix.lower() == ".jsonl" and p.is_file()]
    reports, inputs, failures = load_reports([p for p in paths if p not in jsonl]) if len(jsonl) < len(paths) else ([], [], [])
    extra: dict[str, dict] = {}
    for p in jsonl:
        got = read_jsonl(p)
        reports += got.reports
        extra.update(got.extra)
        failures += got.failures
        inputs.append(p)
    if not reports:
        finish(failures)
        raise XxgkError("no readable reports to compare")
    themes, theme_source = _compare_theme_spans(reports)
    with progress_reporter(len(reports) > PROGRESS_MIN_FILES) as tick:
        result = compare(reports, progress=tick, reference=table, themes=themes, extra=extra,
                         ngram=ngram, min_chars=min_chars, pairs=pairs.value)
    if theme_source:
        result.notes.append(f"themes from {theme_source}")
    written = write_outputs(result, out, inputs)
    typer.echo(summary_text(result))
    err.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False)
    finish(failures)


@app.command("diff")
@guard
def diff_cmd(
    a: Path = typer.Argument(..., help="the earlier report"),
    b: Path = typer.Argument(..., help="the later report"),
    html: Optional[Path] = typer.Option(None, "--html", help="write a side-by-side HTML page here"),
    show_template: bool = typer.Option(False, "--show-template", help="also list changed template rows (tables, preamble)"),
    force: bool = FORCE,
) -> None:
    """Side-by-side diff of two reports by part: copied, moved, changed and new text (numbers paired by their
    labels), and the statistics tables cell by cell."""
    from nlp.comparison.diff import diff_reports
    from nlp.comparison.diff_render import render_html, render_text

    html = out_file(html, [a, b], force)
    reports, inputs, failures = load_reports([a, b], quiet=True, dedupe=False)
    if len(reports) != 2:
        finish(failures)
        raise XxgkError("diff needs two readable reports")
    from nlp.tables import extract_tables

    d = diff_reports(reports[0], reports[1], cells=(list(extract_tables(reports[0])), list(extract_tables(reports[1]))))
    if html is not None:
        write_text(html, render_html(d), inputs)
        err.print(f"wrote {html}", highlight=False)
    typer.echo(render_text(d, show_template=show_template))
    finish(failures)


# ------------------------------------------------------------------ summarize / train summarizer

class SummaryLevel(str, Enum):
    report = "report"
    part = "part"
    section = "section"


class SummaryMethod(str, Enum):
    auto = "auto"
    extractive = "extractive"
    abstractive = "abstractive"


def _report_evidence(reports: list) -> tuple[dict, list, dict]:
    """What a report summary quotes and qualifies: each report's tables, the audit's findings
    (cross-year rules included) and the previous year's tables of the same agency."""
    from nlp.checks import Context, check
    from nlp.checks.series import consecutive_pairs
    from nlp.tables import extract_tables

    tables = {r.id: extract_tables(r) for r in reports}
    findings = check(reports, tables=[tables[r.id] for r in reports]) if reports else []
    pairs = consecutive_pairs([Context(r, tables[r.id]) for r in reports])
    previous = {this.report.id: before.tables for before, this in pairs}
    return tables, findings, previous


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
) -> None:
    """Headline + key sentences per section, part or report (spans point into the text)."""
    from nlp.summaries import REPORT_ABSTRACTIVE_REFUSED
    from nlp.summaries import summarize as run_summarize

    if model is not None and not model.exists():
        raise XxgkError(f"{model}: model folder not found")
    if level == SummaryLevel.report and method == SummaryMethod.abstractive:
        raise XxgkError(REPORT_ABSTRACTIVE_REFUSED)
    out = out_file(out, paths, force)
    reports, inputs, failures = load_reports(paths)
    tables, findings, previous = _report_evidence(reports) if level == SummaryLevel.report else ({}, [], {})
    summaries = []
    for r in reports:
        summaries.extend(run_summarize(r, level=level.value, method=method.value, max_chars=max_chars,
                                       model_dir=model, num_beams=beams, tables=tables.get(r.id),
                                       findings=findings, previous_tables=previous.get(r.id)))
    if format == TextOrJson.json:
        body = "\n".join(json.dumps(s.to_dict(), ensure_ascii=False) for s in summaries)
    else:
        body = "\n\n".join(s.to_text() for s in summaries)
    write_text(out, body, inputs)
    finish(failures)


@train_app.command("summarizer")
@guard
def train_summarizer_cmd(
    out: Path = typer.Option(Path("models/summarizer"), "--out", help="artefact folder"),
    config: str = typer.Option("small", "--config", help="small (~5 M parameters, CPU) or base (GPU)"),
    seed: int = typer.Option(13, "--seed"),
    pretrain_steps: Optional[int] = typer.Option(None, "--pretrain-steps"),
    finetune_steps: Optional[int] = typer.Option(None, "--finetune-steps"),
    scorer_steps: Optional[int] = typer.Option(None, "--scorer-steps"),
    plain_steps: Optional[int] = typer.Option(None, "--plain-steps", help="0: as many body->heading examples as fine-tuning"),
    threads: int = typer.Option(1, "--threads", help="torch threads"),
    shared: Optional[Path] = typer.Option(None, "--shared", help="the shared data folder (default ../shared)"),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="where the ablation's extra model and dev pairs go"),
    no_eval: bool = typer.Option(False, "--no-eval", help="skip the ablation / CSL evaluation"),
    miner: str = typer.Option("parser", "--miner", help="in-domain pairs: parser (nlp.structure sections) or lines"),
    init_from: Optional[Path] = typer.Option(None, "--init-from",
                                             help="continue from this artefact (fine-tune steps only by default)"),
    force: bool = FORCE,
) -> None:
    """Train the headline model (pre-training, fine-tuning, clause scorer, ablation) into --out."""
    check_output_dir(out, force=force, marker=MODEL_CARD)   # an earlier artefact (its card) is replaced, nothing else
    from nlp.summaries.model import CONFIGS
    from nlp.summaries.train import TrainPlan, train_summarizer

    if config not in CONFIGS:
        raise XxgkError(f"unknown --config {config!r} (choose one of {', '.join(c for c in CONFIGS if c != 'tiny')})")
    if miner not in ("parser", "lines"):
        raise XxgkError(f"unknown --miner {miner!r} (choose parser or lines)")
    if init_from is not None and not (init_from / "generator.safetensors").is_file():
        raise XxgkError(f"{init_from}: not a summarizer artefact (no generator.safetensors)")
    plan = TrainPlan(config=config, seed=seed, threads=threads, in_domain_miner=miner,
                     init_from=str(init_from) if init_from is not None else None)
    if init_from is not None:  # a continuation (the shipped run's settings): fine-tune only, pretrain and scorer kept
        plan.pretrain_steps = plan.scorer_steps = 0
        plan.finetune_steps, plan.finetune_schedule = 200, None
        plan.finetune_lr, plan.max_pretrain_windows = 2e-4, 100
    for name, value in (("pretrain_steps", pretrain_steps), ("finetune_steps", finetune_steps),
                        ("scorer_steps", scorer_steps), ("plain_steps", plain_steps)):
        if value is not None:
            setattr(plan, name, value)
            if name != "plain_steps":  # an explicit step count gets its own learning-rate schedule
                setattr(plan, name.replace("_steps", "_schedule"), None)
    card = train_summarizer(out, plan, shared, log=lambda m: err.print(m, markup=False, highlight=False),
                            evaluate_after=not no_eval, work_dir=work_dir)
    err.print(f"wrote {out} ({card.get('status')}; default headline: {card.get('default_variant_row', 'n/a')})")

# ------------------------------------------------------------------ engine options

ENGINE_OPTION = typer.Option("local", "--engine", help="where the per-report stages run: local (this process) or dask")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help="with --engine dask: a running scheduler, e.g. tcp://HOST:8786")
WORKERS_OPTION = typer.Option(None, "--workers", help="with --engine dask and no --scheduler: start N local workers")


def engine_config(engine: str, scheduler: Optional[str], workers: Optional[int]):
    from nlp.engine import EngineConfig

    return EngineConfig(kind=engine, scheduler=scheduler, workers=workers)


def stage_list(stages: Optional[str]) -> Optional[list[str]]:
    return [s.strip() for s in stages.split(",") if s.strip()] if stages else None


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
) -> None:
    """The main job: every stage on every report, written as data files and a self-contained brief.html."""
    from nlp.engine import analyze
    from nlp.panel import read_aliases

    config = engine_config(engine, scheduler, workers)
    if not paths:
        from corpora import DEMO_DIR

        paths = [DEMO_DIR]
        err.print(f"no PATH given: analyzing the demo corpus {DEMO_DIR}", highlight=False)
    wanted = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    if wanted is not None and "parse" not in wanted:
        wanted.insert(0, "parse")
    with progress_reporter() as tick:
        result = analyze(paths, out, config, progress=tick, use_cache=not no_cache, stages=wanted, force=force,
                         aliases=read_aliases(aliases) if aliases else None)
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
              workers: Optional[int] = WORKERS_OPTION) -> None:
    """Analyse the new or changed files and add them; checks and compare are brought up to date."""
    from nlp.store import CorpusStore

    with CorpusStore(db) as store:
        r = store.add(paths, engine=engine_config(engine, scheduler, workers), stages=stage_list(stages), progress=True)
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
