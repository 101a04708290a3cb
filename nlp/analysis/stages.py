"""The stages of an analyze run: which run, and the per-report ones (parse, tables, themes, summaries).

Checks and compare relate reports to each other and run over the whole set in :mod:`.job`.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import ModelLoadError, XxgkError
from ..isolation import describe, isolate
from .model import STAGES, SUMMARY_LEVELS, ReportAnalysis, StageStatus

#: each stage's entry point (module, function)
ENTRY_POINTS = {
    "parse": ("nlp.structure", "read_report"),
    "tables": ("nlp.tables", "extract_tables"),
    "checks": ("nlp.checks", "check"),
    "themes": ("nlp.themes", "classify_themes"),
    "summaries": ("nlp.summaries", "summarize_many"),
    "compare": ("nlp.comparison", "compare"),
}


def load_stages(stages: Sequence[str] | None) -> tuple[dict[str, Callable[..., Any]], dict[str, StageStatus]]:
    """The entry point of each requested stage and the initial status of every stage.

    A stage that is not requested is 'skipped' ("not requested"). A requested stage whose module
    does not import is an error, not a silent skip: a broken import is a bug to fix. (A stage
    whose *model* is missing is skipped when it runs: see :func:`record_stage_error`.)
    """
    wanted = set(stages) if stages is not None else set(STAGES)
    unknown = wanted - set(STAGES)
    if unknown:
        raise XxgkError(f"unknown stage(s): {', '.join(sorted(unknown))}; known: {', '.join(STAGES)}")
    wanted.add("parse")
    funcs: dict[str, Callable[..., Any]] = {}
    status: dict[str, StageStatus] = {}
    for stage in STAGES:
        if stage not in wanted:
            status[stage] = StageStatus(stage, "skipped", "not requested")
            continue
        module, name = ENTRY_POINTS[stage]
        funcs[stage] = getattr(import_module(module), name)
        status[stage] = StageStatus(stage)
    if "checks" in funcs and "tables" not in funcs:
        funcs.pop("checks")
        status["checks"] = StageStatus("checks", "skipped", "needs the tables stage")
    return funcs, status


def theme_segments(output: Any) -> list[dict]:
    """``classify_themes`` output (:class:`nlp.themes.ReportThemes`) as [{start, end, theme, score}], in text order."""
    segs = [{"start": u.start, "end": u.end, "theme": u.theme, "score": round(float(u.probability), 4)}
            for u in output.units]
    return sorted(segs, key=lambda s: (s["start"], s["end"], s["theme"]))


def theme_shares(segments: Iterable[dict]) -> dict[str, float]:
    """Share of classified characters per theme (sorted by theme key), from saved segments."""
    from ..themes.shares import theme_shares as shares_of_spans

    return shares_of_spans((s["start"], s["end"], s["theme"]) for s in segments)


def record_stage_error(status: dict[str, StageStatus], warnings: list[str], stage: str, path: Path,
                       e: BaseException | str) -> None:
    """A stage failed on one report: a missing model skips the stage, anything else marks it 'partial'
    and a warning names the stage, the report and the reason."""
    if isinstance(e, ModelLoadError):
        status[stage] = StageStatus(stage, "skipped", f"model not available: {e}")
        return
    if status[stage].status == "ok":
        status[stage] = StageStatus(stage, "partial", "failed on some reports (see warnings)")
    warnings.append(f"{stage}: {path}: {e if isinstance(e, str) else describe(e)}")


@dataclass
class Parsed:
    """One file parsed and its tables read (in the guarded worker): the report, its tables, or why tables failed."""

    report: Any
    tables: Any = None
    tables_error: str = ""


def parse_and_tables(path: Path, parse: Callable[..., Any], tables: Callable[..., Any] | None) -> Parsed:
    """Parse one file and read its tables: the part of a report's work that depends on the input's size
    alone, run under the per-file time and memory guard (:func:`nlp.guard.run_guarded`)."""
    parsed = Parsed(parse(path))
    if tables is not None:
        with isolate("tables") as run:
            parsed.tables = tables(parsed.report)
        if run.failure:
            parsed.tables_error = run.failure.reason
    return parsed


def run_report_stages(items: Sequence[tuple[Path, Parsed]], funcs: dict[str, Callable[..., Any]],
                      status: dict[str, StageStatus], warnings: list[str],
                      summary_options: dict[str, Any]) -> list[tuple[ReportAnalysis, dict]]:
    """Themes and summaries of parsed reports (whose tables :func:`parse_and_tables` read); returns each
    one's analysis and cache entry, in order. The summaries of all of them are made together
    (``nlp.summaries.summarize_many``: headlines generated in batches); when that fails, again report
    by report, so that a failure is recorded (:func:`record_stage_error`) for the report it belongs to
    and the others go on (:func:`nlp.isolation.isolate`).
    """
    out = [_themes(path, parsed, funcs, status, warnings) for path, parsed in items]
    if "summaries" in funcs and status["summaries"].status != "skipped" and out:
        analyses = [a for a, _ in out]
        with isolate("summaries") as batch:
            _summaries(analyses, funcs["summaries"], summary_options)
        made = [batch.failure is None] * len(out)
        if batch.failure:
            for k, ((path, _), a) in enumerate(zip(items, analyses)):
                if status["summaries"].status == "skipped":   # the model is missing: no use trying the others
                    break
                with isolate("summaries") as run:
                    _summaries([a], funcs["summaries"], summary_options)
                made[k] = run.failure is None
                if run.failure:
                    record_stage_error(status, warnings, "summaries", path, run.failure.error)
        for (a, entry), ok in zip(out, made):
            if ok:
                entry["summaries"] = a.summaries
    return out


def _themes(path: Path, parsed: Parsed, funcs: dict[str, Callable[..., Any]], status: dict[str, StageStatus],
            warnings: list[str]) -> tuple[ReportAnalysis, dict]:
    """One report's analysis with its tables and themes, and its cache entry so far."""
    report = parsed.report
    a = ReportAnalysis(str(path), report)
    entry: dict[str, Any] = {"report": report.to_dict()}
    if "tables" in funcs:
        if parsed.tables_error:
            record_stage_error(status, warnings, "tables", path, parsed.tables_error)
        else:
            a.tables = parsed.tables
            entry["tables"] = a.tables.to_dict()
    if "themes" in funcs and status["themes"].status != "skipped":
        with isolate("themes") as run:
            output = funcs["themes"](report)
            a.themes = theme_segments(output)
            shares = output.share_fractions
            a.theme_shares = {k: v for k, v in sorted(shares.items()) if v} if shares else theme_shares(a.themes)
            a.problem_specificity = output.specificity.score if output.specificity is not None else None
            entry["themes"] = {"segments": a.themes, "shares": a.theme_shares, "problem_specificity": a.problem_specificity}
        if run.failure:
            record_stage_error(status, warnings, "themes", path, run.failure.error)
    return a, entry


def _summaries(analyses: list[ReportAnalysis], summarize_many: Callable[..., list], options: dict[str, Any]) -> None:
    """Every summary level of ``analyses`` made together (each report's, as ``nlp.summaries.summarize`` gives)."""
    reports = [a.report for a in analyses]
    by_level = [summarize_many(reports, level=level, tables=[a.tables for a in analyses], **options)
                for level in SUMMARY_LEVELS]
    for k, a in enumerate(analyses):
        a.summaries = [s.to_dict() for level_out in by_level for s in level_out[k]]


def report_briefings(analyses: list[ReportAnalysis], findings: list[Any], agency_of: dict[str, str],
                     summarize: Callable[..., list]) -> dict[int, list[dict]]:
    """The report-level summaries again, now that the checks have run: key numbers that a failed or
    uncertain finding touches carry a caveat, and last year's value of the same (canonical) agency.
    Returns each briefed analysis's new report-level summaries by its index in ``analyses`` (nothing
    is changed here: :func:`apply_briefings` puts them in)."""
    by_report: dict[str, list[Any]] = {}
    for f in findings:
        by_report.setdefault(f.report_id, []).append(f)
    by_agency_year = {(agency_of.get(a.report.id, a.report.agency), a.report.year): a for a in analyses}
    fresh_of: dict[int, list[dict]] = {}
    for k, a in enumerate(analyses):
        if not a.summaries or a.tables is None:
            continue
        agency = agency_of.get(a.report.id, a.report.agency)
        prev = by_agency_year.get((agency, a.report.year - 1)) if a.report.year else None
        fresh_of[k] = [s.to_dict() for s in summarize(a.report, level="report", tables=a.tables,
                                                     findings=by_report.get(a.report.id, []),
                                                     previous_tables=prev.tables if prev is not None else None)]
    return fresh_of


def apply_briefings(analyses: list[ReportAnalysis], briefings: dict[int, list[dict]]) -> None:
    """Each briefed analysis's report-level summaries replaced by its briefing (:func:`report_briefings`)."""
    for k, fresh in briefings.items():
        a = analyses[k]
        a.summaries = fresh + [s for s in a.summaries if s.get("level") != "report"]


def brief_report_summaries(analyses: list[ReportAnalysis], findings: list[Any], agency_of: dict[str, str],
                           summarize: Callable[..., list]) -> None:
    """:func:`report_briefings` applied: each analysis's report-level summaries replaced by its briefing."""
    apply_briefings(analyses, report_briefings(analyses, findings, agency_of, summarize))
