"""xxgk command line: a thin typer layer over the ``nlp`` library.

Each command reads its inputs with :func:`load_reports` (directories recursive,
bad files listed at the end, exit code 2 when any input failed), calls one public
function of ``nlp`` and formats the result as JSON, CSV or text.
"""
from __future__ import annotations

import json
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


class TextOrJson(str, Enum):
    """Output as a readable text listing or as JSON (parse, check, summarize)."""

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
    format: TextOrJson = typer.Option(TextOrJson.json, "--format", "-f", help="json or text outline"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of stdout"),
) -> None:
    """Read and parse reports into parts, sections, paragraphs, sentences and tables."""
    from nlp.report_text import outline

    reports, inputs, failures = load_reports(paths)
    if format == TextOrJson.json:
        body = "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in reports)
    else:
        body = "\n\n".join(outline(r) for r in reports)
    write_text(out, body, inputs)
    finish(failures)


# ------------------------------------------------------------------ tables / check (issue 3)

class TablesFormat(str, Enum):
    csv = "csv"
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
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json"),
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
    if format == TextOrJson.json:
        body = json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1)
    else:
        body = render_text(reports, findings, show_pass=show_pass)
    write_text(out, body, inputs)
    finish(failures, strict_failed=strict and any(f.status == "fail" for f in findings))

# ------------------------------------------------------------------ themes / train themes (issue 4)

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
) -> None:
    """Label the narrative with themes (training, proactive, requests, management, platforms, supervision, problems, improvements, other)."""
    from rich.progress import Progress

    from nlp.themes import classify_themes
    from nlp.themes.model import load_model
    from nlp.themes.output import to_csv, to_json_lines, to_text

    theme_model = load_model(model)
    reports, inputs, failures = load_reports(paths)
    results = []
    with Progress(console=err, transient=True, disable=len(reports) <= PROGRESS_MIN_FILES) as progress:
        task = progress.add_task("classifying themes", total=len(reports))
        for r in reports:
            try:
                results.append(classify_themes(r, level.value, model=theme_model))
            except XxgkError as e:
                failures.append(Failure(r.source, str(e)))
            progress.advance(task)
    render = {ThemesFormat.text: to_text, ThemesFormat.json: to_json_lines, ThemesFormat.csv: to_csv}[format]
    write_text(out, render(results), inputs)
    finish(failures)


@train_app.command("themes")
@guard
def train_themes_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports whose section headings give the labels"),
    out: Path = typer.Option(Path("models/themes"), "--out", help="artefact directory (model.joblib + card.json)"),
    cv: bool = typer.Option(True, "--cv/--no-cv", help="run leave-one-report-out cross-validation (recorded in the card)"),
) -> None:
    """Train the theme classifier from the corpus's own headings (bodies without headings) and write the artefact."""
    from rich.progress import Progress

    from nlp.themes.train import train_themes

    with Progress(console=err, transient=True) as progress:
        def start(description: str, total: int):
            task = progress.add_task(description, total=total)
            return lambda: progress.advance(task)

        run = train_themes(corpus, out, run_cv=cv, progress=start)
    card = run.model.card
    lines = [f"trained on {len(run.files)} files ({card['training_files_sha256'][:12]}), "
             f"taxonomy {card['taxonomy_version']}, artefact {card['artefact_bytes'] / 1e6:.1f} MB → {run.out_dir}"]
    if run.cv:
        d = run.cv.to_dict()
        lines.append(f"leave-one-report-out CV on {d['sections']} heading-labelled sections of {d['reports']} reports (headings removed):")
        for name in ("ordered", "ensemble_parts", "ensemble", "model", "baseline"):
            if not d.get(name):
                continue
            per = ", ".join(f"{t} {v['f1']:.2f}" for t, v in d[name]["per_theme"].items())
            lines.append(f"  {name:<15} macro-F1 {d[name]['macro_f1']:.3f}  accuracy {d[name]['accuracy']:.3f}  ({per})")
        lines.append(f"  sentence accuracy (in context) {d['sentence_accuracy']}")
    typer.echo("\n".join(lines))
    finish(run.failures)


@train_app.command("userdict")
@guard
def train_userdict_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports to find frequent terms in"),
    out: Optional[Path] = typer.Option(None, "--out", help="dictionary file (default: the shipped nlp/data/userdict.txt)"),
) -> None:
    """Build the segmenter's domain user dictionary from the format vocabulary and frequent corpus terms."""
    from nlp.ingest import read_source
    from nlp.segment import USER_DICT_PATH, build_user_dictionary

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


# ------------------------------------------------------------------ compare / diff (issue 5)

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
) -> None:
    """Find reused passages, template and boilerplate text, and year-over-year change across reports."""
    from rich.progress import Progress

    from nlp.compare import compare, load_reference
    from nlp.compare.inputs import read_jsonl
    from nlp.compare.output import summary_text, write_outputs

    if ngram < 2:
        raise XxgkError(f"--ngram must be at least 2 (got {ngram})")
    if min_chars < ngram:
        raise XxgkError(f"--min-chars ({min_chars}) must be at least --ngram ({ngram})")
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
    with Progress(console=err, transient=True, disable=len(reports) <= PROGRESS_MIN_FILES) as progress:
        tasks: dict[str, int] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

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
) -> None:
    """Side-by-side diff of two reports by part: copied, moved, changed and new text (numbers paired by their
    labels), and the statistics tables cell by cell."""
    from nlp.compare.diff import diff_reports
    from nlp.compare.diff_render import render_html, render_text

    reports, inputs, failures = load_reports([a, b], quiet=True)
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


# ------------------------------------------------------------------ summarize / train summarizer (issue 7)

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
) -> None:
    """Headline + key sentences per section, part or report (spans point into the text)."""
    from nlp.summarize import summarize as run_summarize

    if model is not None and not model.exists():
        raise XxgkError(f"{model}: model folder not found")
    reports, inputs, failures = load_reports(paths)
    summaries = []
    for r in reports:
        summaries.extend(run_summarize(r, level=level.value, method=method.value, max_chars=max_chars,
                                       model_dir=model, num_beams=beams))
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
) -> None:
    """Train the headline model (pre-training, fine-tuning, clause scorer, ablation) into --out."""
    from nlp.summarize.model import CONFIGS
    from nlp.summarize.train import TrainPlan, train_summarizer

    if config not in CONFIGS:
        raise XxgkError(f"unknown --config {config!r} (choose one of {', '.join(c for c in CONFIGS if c != 'tiny')})")
    plan = TrainPlan(config=config, seed=seed, threads=threads)
    for name, value in (("pretrain_steps", pretrain_steps), ("finetune_steps", finetune_steps),
                        ("scorer_steps", scorer_steps), ("plain_steps", plain_steps)):
        if value is not None:
            setattr(plan, name, value)
            if name != "plain_steps":  # an explicit step count gets its own learning-rate schedule
                setattr(plan, name.replace("_steps", "_schedule"), None)
    card = train_summarizer(out, plan, shared, log=lambda m: err.print(m, markup=False, highlight=False),
                            evaluate_after=not no_eval, work_dir=work_dir)
    err.print(f"wrote {out} ({card.get('status')}; default headline: {card.get('default_variant_row', 'n/a')})")

# ------------------------------------------------------------------ analyze (issue 6)

@app.command("analyze")
@guard
def analyze_cmd(
    paths: Optional[list[Path]] = typer.Argument(None, help="report files or directories (default: the shipped demo corpus)"),
    out: Path = typer.Option(Path("analysis"), "--out", "-o", help="output folder (reports.jsonl, cells.csv, findings.csv, compare/, brief.html)"),
    no_cache: bool = typer.Option(False, "--no-cache", help="re-process every file (ignore OUT/.cache)"),
    stages: Optional[str] = typer.Option(None, "--stages", help="comma-separated subset of parse,tables,checks,themes,summaries,compare"),
) -> None:
    """The main job: every stage on every report, written as data files and a self-contained brief.html."""
    from nlp.analyze import analyze

    if not paths:
        from corpora import DEMO_DIR

        paths = [DEMO_DIR]
        err.print(f"no PATH given: analyzing the demo corpus {DEMO_DIR}", highlight=False)
    wanted = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    if wanted is not None and "parse" not in wanted:
        wanted.insert(0, "parse")
    result = analyze(paths, out, progress=True, use_cache=not no_cache, stages=wanted)
    fails = result.failed_findings()
    typer.echo(f"{len(result.analyses)} reports ({result.cache_hits} unchanged, from cache), "
               f"{len({a.report.agency for a in result.analyses})} agencies, {len(fails)} failed checks "
               f"in {len({f.report_id for f in fails})} reports")
    for s in result.stages.values():
        if s.status != "ok" and s.message != "not requested":
            err.print(f"[yellow]{s.stage}: {s.status}[/] {s.message}", highlight=False)
    typer.echo(f"wrote {out / 'brief.html'} and {len(result.files) - 1} more files in {out}")
    finish(result.failures)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
