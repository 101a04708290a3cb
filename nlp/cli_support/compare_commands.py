"""Commands that relate reports to each other: ``compare`` (reused passages, template text, year-over-year
measures) and ``diff`` (two reports side by side); registered on the app by ``cli.py``."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..batch import check_output_dir, expand_inputs, write_text
from ..errors import XxgkError
from .common import FORCE, finish, guard, load_reports, out_file
from .console import PROGRESS_MIN_FILES, err, progress_reporter
from .prepare import compare_theme_spans


class PairFilter(str, Enum):
    all = "all"
    cross_agency = "cross-agency"
    same_agency = "same-agency"
    consecutive_years = "consecutive-years"



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
    workers: Optional[int] = typer.Option(None, "--workers", help="processes reading and aligning the reports "
                                          "(default: the available cores; the result is the same)"),
    force: bool = FORCE,
) -> None:
    """Find reused passages, template and boilerplate text, and year-over-year change across reports."""
    from ..analysis.pool import available_cores
    from ..comparison import LocalPairs, compare, load_reference
    from ..comparison.inputs import read_jsonl
    from ..comparison.output import summary_text, write_outputs

    if ngram < 2:
        raise XxgkError(f"--ngram must be at least 2 (got {ngram})")
    if min_chars < ngram:
        raise XxgkError(f"--min-chars ({min_chars}) must be at least --ngram ({ngram})")
    if workers is not None and workers < 1:
        raise XxgkError(f"--workers must be at least 1 (got {workers})")
    check_output_dir(out, expand_inputs(paths)[0], force=force, marker="passages.jsonl")
    table = None if no_reference else (load_reference(reference) if reference else load_reference())
    jsonl = [p for p in paths if p.suffix.lower() == ".jsonl" and p.is_file()]
    reports, inputs, failures = load_reports([p for p in paths if p not in jsonl], processes=workers) if len(jsonl) < len(paths) else ([], [], [])
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
    themes, theme_source = compare_theme_spans(reports, processes=workers or available_cores())
    with progress_reporter(len(reports) > PROGRESS_MIN_FILES) as tick:
        result = compare(reports, progress=tick, reference=table, themes=themes, extra=extra,
                         ngram=ngram, min_chars=min_chars, pairs=pairs.value,
                         pair_engine=LocalPairs(workers=workers or available_cores()))
    if theme_source:
        result.notes.append(f"themes from {theme_source}")
    written = write_outputs(result, out, inputs)
    typer.echo(summary_text(result))
    err.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False)
    finish(failures)


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
    from ..comparison.diff import diff_reports
    from ..comparison.diff_render import render_html, render_text

    html = out_file(html, [a, b], force)
    reports, inputs, failures = load_reports([a, b], quiet=True, dedupe=False)
    if len(reports) != 2:
        finish(failures)
        raise XxgkError("diff needs two readable reports")
    from ..tables import extract_tables

    d = diff_reports(reports[0], reports[1], cells=(list(extract_tables(reports[0])), list(extract_tables(reports[1]))))
    if html is not None:
        write_text(html, render_html(d), inputs)
        err.print(f"wrote {html}", highlight=False)
    typer.echo(render_text(d, show_template=show_template))
    finish(failures)


__all__ = ["compare_cmd", "diff_cmd", "PairFilter"]
