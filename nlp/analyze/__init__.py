"""The main job: every stage on every report of a folder, written as data and as a briefing.

``analyze(paths, out_dir)`` runs parse → tables → checks → themes → summaries → compare
and writes into ``out_dir``:

- ``reports.jsonl``  one report a line: its structure (``Report.to_dict()``, text
  included, so ``Report.from_dict`` rebuilds it), theme shares, summaries, key numbers,
  check counts and the compare measures;
- ``cells.csv``      every table cell in the tidy long format (``nlp.tables.TIDY_FIELDS``);
- ``findings.csv``   every check finding with its evidence (cell keys and text offsets);
- ``compare/``       the compare outputs (passages.jsonl, reports.csv, pairs.csv, similarity.csv);
- ``brief.html``     a self-contained briefing (see :mod:`nlp.analyze.brief`);
- ``analysis.json``  inputs, failed files, stage statuses and warnings.

A stage whose module or model is missing is skipped with a warning (recorded in
``analysis.json`` and the briefing), so the job runs with whatever stages exist. A file
that cannot be read is listed and the batch goes on. Parse, tables, themes and summaries
are cached per input file under ``out_dir/.cache`` (keyed by the file's content hash
and the code/model fingerprint); checks and compare relate reports to each other and
run over the whole set every time. Output is deterministic: same inputs, same files.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..batch import Failure, expand_inputs, write_text
from ..document import Report
from ..errors import XxgkError

__all__ = ["analyze", "AnalyzeResult", "ReportAnalysis", "StageStatus", "STAGES", "CACHE_DIR"]

STAGES = ("parse", "tables", "checks", "themes", "summaries", "compare")
CACHE_DIR = ".cache"
#: bump when the cache entry layout changes
CACHE_VERSION = 1
#: summary levels kept per report (the briefing shows the report level)
SUMMARY_LEVELS = ("report", "part")


@dataclass
class StageStatus:
    """Whether a stage ran: 'ok', 'partial' (failed on some reports) or 'skipped' (with the reason)."""

    stage: str
    status: str = "ok"
    message: str = ""

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass
class ReportAnalysis:
    """What the per-report stages produced for one input file."""

    path: str
    report: Report
    tables: Any = None                     # nlp.tables.ReportTables
    themes: list[dict] | None = None       # [{start, end, theme, ...}] from nlp.themes
    theme_shares: dict[str, float] = field(default_factory=dict)
    problem_specificity: float | None = None   # nlp.themes: concrete ÷ (concrete + generic) in part 五
    summaries: list[dict] = field(default_factory=list)
    cached: bool = False


@dataclass
class AnalyzeResult:
    """The outcome of :func:`analyze`: per-report analyses, findings, compare result and bookkeeping."""

    out_dir: Path
    analyses: list[ReportAnalysis]
    findings: list[Any]                    # nlp.checks.Finding
    comparison: Any                        # nlp.compare.CompareResult or None
    stages: dict[str, StageStatus]
    warnings: list[str]
    failures: list[Failure]
    files: list[Path]
    inputs: list[Path]
    cache_hits: int = 0

    @property
    def reports(self) -> list[Report]:
        return [a.report for a in self.analyses]

    def failed_findings(self) -> list[Any]:
        return [f for f in self.findings if f.status == "fail"]


# ------------------------------------------------------------------ stages available

def _load_stages(stages: Sequence[str] | None) -> tuple[dict[str, Any], dict[str, StageStatus]]:
    """Import each stage's entry point; a missing one is recorded as skipped."""
    wanted = set(stages) if stages is not None else set(STAGES)
    unknown = wanted - set(STAGES)
    if unknown:
        raise XxgkError(f"unknown stage(s): {', '.join(sorted(unknown))}; known: {', '.join(STAGES)}")
    funcs: dict[str, Any] = {}
    status: dict[str, StageStatus] = {}
    imports = {
        "parse": ("nlp.structure", "read_report"),
        "tables": ("nlp.tables", "extract_tables"),
        "checks": ("nlp.checks", "check"),
        "themes": ("nlp.themes", "classify_themes"),
        "summaries": ("nlp.summarize", "summarize"),
        "compare": ("nlp.compare", "compare"),
    }
    from importlib import import_module

    for stage in STAGES:
        if stage not in wanted:
            status[stage] = StageStatus(stage, "skipped", "not requested")
            continue
        module, name = imports[stage]
        try:
            funcs[stage] = getattr(import_module(module), name)
            status[stage] = StageStatus(stage)
        except (ImportError, AttributeError) as e:
            status[stage] = StageStatus(stage, "skipped", f"stage not available ({module}.{name}: {e})")
    if "parse" not in funcs:
        raise XxgkError(f"the parser is required: {status['parse'].message}")
    if "checks" in funcs and "tables" not in funcs:
        funcs.pop("checks")
        status["checks"] = StageStatus("checks", "skipped", "needs the tables stage")
    return funcs, status


#: code whose output is cached per file (checks, compare and this package run every time)
_CACHED_CODE = ("ingest", "structure", "tables", "themes", "summarize", "document.py", "vocabulary.py",
                "sentences.py", "segment.py", "agency.py", "errors.py", "data")


def _fingerprint() -> str:
    """A hash of the cached stages' code, data and model cards: a cached result is reused only under the same one."""
    h = hashlib.sha256(f"cache-{CACHE_VERSION}".encode())
    root = Path(__file__).resolve().parents[1]
    for name in _CACHED_CODE:
        p = root / name
        for f in sorted(p.rglob("*") if p.is_dir() else [p]):
            if f.is_file() and f.suffix in (".py", ".txt", ".json"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    models = root.parent / "models"
    if models.is_dir():
        for p in sorted(models.glob("*/card.json")):
            h.update(str(p.relative_to(models)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


# ------------------------------------------------------------------ per-report stages

def _theme_segments(output: Any) -> list[dict]:
    """Normalize ``classify_themes`` output to [{start, end, theme, score?}] (dicts or objects)."""
    items = output
    for attr in ("segments", "units", "items", "predictions"):
        if hasattr(output, attr):
            items = getattr(output, attr)
            break
    if isinstance(items, dict):
        items = items.get("segments") or items.get("units") or []
    segs = []
    for it in items or []:
        get = it.get if isinstance(it, dict) else (lambda k, d=None, _i=it: getattr(_i, k, d))
        theme = get("theme") or get("label")
        start, end = get("start"), get("end")
        if theme is None or start is None or end is None:
            continue
        seg = {"start": int(start), "end": int(end), "theme": str(theme)}
        score = next((get(k) for k in ("probability", "score", "confidence") if get(k) is not None), None)
        if score is not None:
            seg["score"] = round(float(score), 4)
        segs.append(seg)
    return sorted(segs, key=lambda s: (s["start"], s["end"], s["theme"]))


def theme_shares(segments: Iterable[dict]) -> dict[str, float]:
    """Share of classified characters per theme (sorted by theme key)."""
    chars: dict[str, int] = {}
    for s in segments:
        chars[s["theme"]] = chars.get(s["theme"], 0) + max(0, s["end"] - s["start"])
    total = sum(chars.values())
    return {k: round(v / total, 4) for k, v in sorted(chars.items())} if total else {}


def _run_report_stages(path: Path, funcs: dict[str, Any], status: dict[str, StageStatus], warnings: list[str],
                       summary_options: dict[str, Any]) -> tuple[ReportAnalysis, dict]:
    """Parse one file and run tables, themes and summaries on it; returns the analysis and its cache entry."""
    report: Report = funcs["parse"](path)
    a = ReportAnalysis(str(path), report)
    entry: dict[str, Any] = {"report": report.to_dict()}
    if "tables" in funcs:
        try:
            a.tables = funcs["tables"](report)
            entry["tables"] = a.tables.to_dict()
        except Exception as e:  # a stage bug on one report must not stop the batch
            _stage_error(status, warnings, "tables", path, e)
    if "themes" in funcs:
        try:
            output = funcs["themes"](report)
            a.themes = _theme_segments(output)
            shares = getattr(output, "share_fractions", None)
            a.theme_shares = {k: v for k, v in sorted(shares.items()) if v} if shares else theme_shares(a.themes)
            spec = getattr(output, "specificity", None)
            a.problem_specificity = getattr(spec, "score", None)
            entry["themes"] = {"segments": a.themes, "shares": a.theme_shares, "problem_specificity": a.problem_specificity}
        except Exception as e:
            _stage_error(status, warnings, "themes", path, e)
    if "summaries" in funcs:
        try:
            for level in SUMMARY_LEVELS:
                a.summaries += [s.to_dict() for s in funcs["summaries"](report, level=level, **summary_options)]
            entry["summaries"] = a.summaries
        except Exception as e:
            _stage_error(status, warnings, "summaries", path, e)
    return a, entry


def _stage_error(status: dict[str, StageStatus], warnings: list[str], stage: str, path: Path, e: Exception) -> None:
    from ..errors import ModelLoadError

    if isinstance(e, ModelLoadError):
        status[stage] = StageStatus(stage, "skipped", f"model not available: {e}")
        return
    if status[stage].status == "ok":
        status[stage] = StageStatus(stage, "partial", "failed on some reports (see warnings)")
    warnings.append(f"{stage}: {path}: {type(e).__name__}: {e}")


def _from_cache(path: Path, entry: dict, funcs: dict[str, Any]) -> ReportAnalysis | None:
    """The analysis stored for this file, or None when it lacks a stage that is now available."""
    for stage, key in (("tables", "tables"), ("themes", "themes"), ("summaries", "summaries")):
        if stage in funcs and key not in entry:
            return None
    report = Report.from_dict(entry["report"])
    a = ReportAnalysis(str(path), report, cached=True)
    if "tables" in funcs:
        from ..tables import ReportTables

        a.tables = ReportTables.from_dict(entry["tables"])
    if "themes" in funcs:
        a.themes = entry["themes"]["segments"]
        a.theme_shares = entry["themes"]["shares"]
        a.problem_specificity = entry["themes"]["problem_specificity"]
    if "summaries" in funcs:
        a.summaries = entry["summaries"]
    return a


def _cache_key(path: Path, data: bytes) -> str:
    """Content hash of the file (plus its name, which the report id is made from)."""
    return hashlib.sha256(path.name.encode() + b"\0" + data).hexdigest()


def _analyse_file(path: Path, funcs: dict[str, Any], status: dict[str, StageStatus], warnings: list[str],
                  summary_options: dict[str, Any], cache_dir: Path | None, fingerprint: str) -> ReportAnalysis:
    """One input file: from the cache when unchanged, else through the per-report stages (then cached)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise XxgkError(f"cannot read: {e.strerror or e}") from e
    key = _cache_key(path, data)
    cached = _read_cache(cache_dir, key, fingerprint) if cache_dir is not None else None
    a = _from_cache(path, cached, funcs) if cached else None
    if a is not None:
        a.report.source = str(path)
        return a
    a, entry = _run_report_stages(path, funcs, status, warnings, summary_options)
    if cache_dir is not None:
        _write_cache(cache_dir, key, fingerprint, entry)
    return a


# ------------------------------------------------------------------ the job

def analyze(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
            progress: bool | Callable[[str, int, int], None] = False, use_cache: bool = True,
            stages: Sequence[str] | None = None, compare_options: dict[str, Any] | None = None,
            summary_options: dict[str, Any] | None = None, write: bool = True) -> AnalyzeResult:
    """Run every available stage on the reports under ``paths`` and write the outputs into ``out_dir``.

    ``progress``: True for a progress bar on stderr, or a callback ``(stage, done, total)``.
    ``use_cache``: reuse per-file results from ``out_dir/.cache`` for unchanged files.
    ``stages``: restrict to these stage names (parse is always run). Bad files are listed
    in ``AnalyzeResult.failures``; the batch goes on.
    """
    out = Path(out_dir)
    files, failures = expand_inputs(paths)
    ours = [f for f in files if f.resolve().is_relative_to(out.resolve())]   # e.g. OUT/brief.html of an earlier run
    files = [f for f in files if f not in ours]
    if not files and not failures:
        raise XxgkError("no input files" + (f" outside the output folder {out}" if ours else ""))
    funcs, status = _load_stages(stages)
    warnings: list[str] = [f"{s.stage}: {s.message}" for s in status.values() if s.status == "skipped"
                           and s.message != "not requested"]
    if ours:
        warnings.append(f"inputs: {len(ours)} file(s) inside the output folder {out} left out")
    summary_options = dict(summary_options or {})
    cache_dir = out / CACHE_DIR
    fingerprint = _fingerprint() if use_cache else ""

    with _Progress(progress, len(files)) as tick:
        analyses: list[ReportAnalysis] = []
        hits = 0
        for i, path in enumerate(files):
            try:
                a = _analyse_file(path, funcs, status, warnings, summary_options, cache_dir if use_cache else None,
                                  fingerprint)
                hits += a.cached
                analyses.append(a)
            except XxgkError as e:
                failures.append(Failure(str(path), getattr(e, "reason", str(e))))
            except Exception as e:  # a parser bug must not stop the batch
                failures.append(Failure(str(path), f"internal error while reading: {type(e).__name__}: {e}"))
            tick("reports", i + 1, len(files))

        findings: list[Any] = []
        if "checks" in funcs and analyses:
            usable = [a for a in analyses if a.tables is not None]
            try:
                findings = funcs["checks"]([a.report for a in usable], tables=[a.tables for a in usable])
            except Exception as e:
                status["checks"] = StageStatus("checks", "skipped", f"failed: {type(e).__name__}: {e}")
                warnings.append(f"checks: {type(e).__name__}: {e}")
            tick("checks", 1, 1)

        comparison = None
        if "compare" in funcs and analyses:
            try:
                from ..compare.reference import load_reference

                given = {"reference": load_reference(),
                         "themes": {a.report.id: [(t["start"], t["end"], t["theme"]) for t in a.themes]
                                    for a in analyses if a.themes}, **(compare_options or {})}
                comparison = funcs["compare"]([a.report for a in analyses], progress=lambda s, d, t: tick(f"compare: {s}", d, t),
                                              **given)
            except Exception as e:
                status["compare"] = StageStatus("compare", "skipped", f"failed: {type(e).__name__}: {e}")
                warnings.append(f"compare: {type(e).__name__}: {e}")

    result = AnalyzeResult(out, analyses, findings, comparison, status, warnings, failures, [], files, hits)
    if write:
        result.files = write_outputs(result)
    return result


# ------------------------------------------------------------------ cache

def _read_cache(cache_dir: Path, key: str, fingerprint: str) -> dict | None:
    p = cache_dir / f"{key}.json"
    try:
        entry = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.get("fingerprint") != fingerprint or entry.get("version") != CACHE_VERSION:
        return None
    return entry


def _write_cache(cache_dir: Path, key: str, fingerprint: str, entry: dict) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"version": CACHE_VERSION, "fingerprint": fingerprint, **entry}, ensure_ascii=False)
    tmp = cache_dir / f"{key}.json.tmp"
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(cache_dir / f"{key}.json")


# ------------------------------------------------------------------ progress

class _Progress:
    """A rich progress bar per stage on stderr, a user callback, or nothing."""

    def __init__(self, progress: bool | Callable[[str, int, int], None], n_files: int):
        self.callback = progress if callable(progress) else None
        self.show = progress is True
        self.bar = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Callable[[str, int, int], None]:
        if self.show:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        return self.tick

    def tick(self, stage: str, done: int, total: int) -> None:
        if self.callback is not None:
            self.callback(stage, done, total)
        if self.bar is not None:
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(stage, total=total)
            self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


# ------------------------------------------------------------------ outputs

FINDING_FIELDS = ("report_id", "source", "agency", "year", "rule", "status", "severity", "subject", "message",
                  "gloss", "evidence")


def key_numbers(tables: Any) -> dict[str, Any]:
    """Headline numbers from table 3 and table 4 (None where a cell was not read)."""
    if tables is None:
        return {}
    from .. import vocabulary as V

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
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(FINDING_FIELDS), lineterminator="\n")
    w.writeheader()
    for f in result.findings:
        r = by_id.get(f.report_id)
        w.writerow({"report_id": f.report_id, "source": r.source if r else "", "agency": r.agency if r else "",
                    "year": "" if r is None or r.year is None else r.year, "rule": f.rule, "status": f.status,
                    "severity": f.severity, "subject": f.subject, "message": f.message, "gloss": f.gloss,
                    "evidence": _evidence_text(f)})
    return buf.getvalue()


def cells_csv(result: AnalyzeResult) -> str:
    from ..tables import records_to_csv, tidy_records

    records: list[dict[str, Any]] = []
    for a in result.analyses:
        if a.tables is not None:
            records += tidy_records(a.tables)
    return records_to_csv(records)


def analysis_json(result: AnalyzeResult) -> str:
    """Inputs, failures, stage statuses and warnings (no timings: re-runs give the same file)."""
    counts = _status_counts(result.findings)
    body = {
        "inputs": [str(p) for p in result.inputs],
        "reports": [{"id": a.report.id, "source": a.report.source, "agency": a.report.agency, "year": a.report.year}
                    for a in result.analyses],
        "failures": [f.to_dict() for f in result.failures],
        "stages": {k: v.to_dict() for k, v in result.stages.items()},
        "warnings": list(result.warnings),
        "findings": counts,
        "outputs": ["reports.jsonl", "cells.csv", "findings.csv", "compare/", "brief.html", "analysis.json"],
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def write_outputs(result: AnalyzeResult) -> list[Path]:
    """Write every output file into ``result.out_dir``; returns their paths."""
    from .brief import render_brief

    out = result.out_dir
    out.mkdir(parents=True, exist_ok=True)
    inputs = result.inputs
    written: list[Path] = []
    by_report = findings_by_report(result)
    measures = {m.report: m for m in result.comparison.reports} if result.comparison is not None else {}
    lines = [json.dumps(report_record(a, by_report.get(a.report.id, []), measures.get(a.report.id)), ensure_ascii=False)
             for a in result.analyses]
    for name, body in (("reports.jsonl", "\n".join(lines) + ("\n" if lines else "")),
                       ("cells.csv", cells_csv(result) if result.stages["tables"].status != "skipped" else ""),
                       ("findings.csv", findings_csv(result))):
        write_text(out / name, body, inputs)
        written.append(out / name)
    if result.comparison is not None:
        from ..compare.output import write_outputs as write_compare

        written += write_compare(result.comparison, out / "compare", inputs)
    write_text(out / "brief.html", render_brief(result), inputs)
    written.append(out / "brief.html")
    write_text(out / "analysis.json", analysis_json(result), inputs)
    written.append(out / "analysis.json")
    return written


from .._callable import make_module_callable  # noqa: E402

make_module_callable(__name__, "analyze")  # ``nlp.analyze(...)`` works after the package is imported
