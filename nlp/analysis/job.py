"""The main job: every stage on every report of a folder, published as one consistent output set."""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..batch import Failure, check_output_dir, expand_inputs, leave_out_duplicates
from ..errors import ReportReadError, XxgkError
from ..guard import run_guarded_each
from ..heap import holding_results, keep_results
from ..isolation import isolate
from ..ingest.limits import IngestLimits, read_limits
from .cache import ReportCache, cache_key, run_fingerprint
from .model import AnalyzeResult, ReportAnalysis, StageStatus
from .outputs import write_outputs
from .pool import ForkedCall, analyse_in_pool, available_cores, worker_count
from .progress import Progress
from .runset import MANIFEST, RunLock, recover
from ..panel import canonical_reports, panel_of, screen_reports
from .stages import Parsed, apply_briefings, load_stages, parse_and_tables, report_briefings, run_report_stages


#: files analysed together: one guarded child reads them, then their summaries are generated in one go
FILES_PER_BATCH = 32


def lookup_batch(paths: Sequence[Path], funcs: dict[str, Callable[..., Any]], cache: ReportCache
                 ) -> tuple[list[ReportAnalysis | Failure | None], list[tuple[int, Path, str]]]:
    """Each input file from the cache when unchanged (else None), a :class:`Failure` when it cannot be
    read; and the files still to analyse as (index, path, cache key)."""
    results: list[ReportAnalysis | Failure | None] = [None] * len(paths)
    todo: list[tuple[int, Path, str]] = []
    for i, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError as e:
            results[i] = Failure(str(path), f"cannot read: {e.strerror or e}")
            continue
        key = cache_key(path, data)
        a = cache.get(path, key, funcs)
        if a is not None:
            results[i] = a
        else:
            todo.append((i, path, key))
    if len(todo) < len(paths):
        keep_results()   # the analyses read from the cache stay to the end of the run
    return results, todo


def analyse_todo(todo: Sequence[tuple[int, Path, str]], funcs: dict[str, Callable[..., Any]],
                 status: dict[str, StageStatus], warnings: list[str], summary_options: dict[str, Any],
                 cache: ReportCache, limits: IngestLimits) -> list[tuple[int, ReportAnalysis | Failure]]:
    """Files not in the cache, (index, path, key): each parsed and its tables read (under the per-file time
    and memory guard, :func:`nlp.guard.run_guarded_each`), run through the other per-report stages
    together (:func:`run_report_stages`), then cached; a file that cannot be read is a :class:`Failure`.
    Returns (index, result) per file, in order."""
    outcomes = run_guarded_each(parse_and_tables, [(path, funcs["parse"], funcs.get("tables")) for _, path, _ in todo],
                                [str(path) for _, path, _ in todo], timeout=limits.file_timeout, memory=limits.file_memory)
    done: list[tuple[int, ReportAnalysis | Failure]] = []
    parsed: list[tuple[int, Path, str, Parsed]] = []
    for (i, path, key), outcome in zip(todo, outcomes):
        if isinstance(outcome, ReportReadError):
            done.append((i, Failure(str(path), outcome.reason)))
        else:
            parsed.append((i, path, key, outcome))
    analysed = run_report_stages([(path, p) for _, path, _, p in parsed], funcs, status, warnings, summary_options)
    for (i, _, key, _), (a, entry) in zip(parsed, analysed):
        cache.put(key, entry)
        done.append((i, a))
    return sorted(done, key=lambda d: d[0])


def file_batches(files: Sequence[Path]) -> list[Sequence[Path]]:
    """``files`` cut into consecutive batches of :data:`FILES_PER_BATCH` (the last may be shorter)."""
    return [files[k:k + FILES_PER_BATCH] for k in range(0, len(files), FILES_PER_BATCH)]


def fill_cache(files: Sequence[Path], out_dir: Path, stages: Sequence[str] | None,
               summary_options: dict[str, Any] | None) -> None:
    """The per-report stages of ``files`` into ``out_dir``'s cache (:data:`.cache.CACHE_DIR`), in batches of
    :data:`FILES_PER_BATCH` in this process, as :func:`analyze` computes them, and nothing else of a
    run (no duplicates screened, no checks, panel or outputs): a Dask worker's share of a run."""
    funcs, status = load_stages(stages)
    cache = ReportCache(Path(out_dir), fingerprint=run_fingerprint(summary_options))
    cache.check()
    options, warnings, limits = dict(summary_options or {}), [], read_limits()
    for batch in file_batches(files):
        _analyse_batch(batch, funcs, status, warnings, options, cache, limits)


def _analyse_batch(paths: Sequence[Path], funcs: dict[str, Callable[..., Any]], status: dict[str, StageStatus],
                   warnings: list[str], summary_options: dict[str, Any], cache: ReportCache,
                   limits: IngestLimits) -> list[ReportAnalysis | Failure]:
    """Input files, in order: each from the cache when unchanged, else analysed (:func:`analyse_todo`)."""
    results, todo = lookup_batch(paths, funcs, cache)
    for i, r in analyse_todo(todo, funcs, status, warnings, summary_options, cache, limits):
        results[i] = r
    return [r for r in results if r is not None]


def _compare(compare: Callable[..., Any], reports: list[Any], analyses: list[ReportAnalysis], options: dict[str, Any],
             progress: Callable[[str, int, int], None]) -> Any:
    """The compare stage over the canonical reports, with the options the batch jobs pass (themes, reference)."""
    from ..comparison.inputs import caller_options

    return compare(reports, progress=progress, **{**caller_options(analyses), **options})


@dataclass
class Checked:
    """What the checks and briefings gave (:func:`checks_and_briefings`): the findings, why the checks
    failed (else ""), the briefed analyses' report-level summaries by index, why the briefings failed
    (else "")."""

    findings: list[Any] = field(default_factory=list)
    failure: str = ""
    briefings: dict[int, list[dict]] = field(default_factory=dict)
    briefing_failure: str = ""

    def apply(self, analyses: list[ReportAnalysis], status: dict[str, StageStatus], warnings: list[str]) -> list[Any]:
        """The briefings put into ``analyses``, a failure recorded in ``status`` and ``warnings``; returns the findings."""
        if self.failure:
            status["checks"] = StageStatus("checks", "skipped", f"failed: {self.failure}")
            warnings.append(f"checks: {self.failure}")
        apply_briefings(analyses, self.briefings)
        if self.briefing_failure:
            warnings.append(f"summaries: report briefings without check caveats ({self.briefing_failure})")
        return self.findings


def checks_and_briefings(funcs: dict[str, Callable[..., Any]], analyses: list[ReportAnalysis], canonical: list[Any],
                         status: dict[str, StageStatus]) -> Checked:
    """The checks of every report with tables (on the canonical reports: agencies grouped), then the
    report-level briefings with the findings' caveats (when the summaries ran); nothing is changed
    here (:meth:`Checked.apply`), so that this may run in a forked child."""
    out = Checked()
    if "checks" not in funcs or not analyses:
        return out
    by_id = {r.id: r for r in canonical}
    usable = [a for a in analyses if a.tables is not None]
    with isolate("checks") as run:   # a stage's failure must not lose the other stages' outputs
        out.findings = funcs["checks"]([by_id[a.report.id] for a in usable], tables=[a.tables for a in usable])
    if run.failure:
        out.failure = run.failure.reason
    if "summaries" in funcs and status["summaries"].status != "skipped" and out.findings:
        from ..summaries import summarize

        with isolate("summaries") as run:
            out.briefings = report_briefings(analyses, out.findings, {r.id: r.agency for r in canonical}, summarize)
        if run.failure:
            out.briefings, out.briefing_failure = {}, run.failure.reason
    return out


def analyze(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
            progress: bool | Callable[[str, int, int], None] = False, use_cache: bool = True,
            stages: Sequence[str] | None = None, compare_options: dict[str, Any] | None = None,
            summary_options: dict[str, Any] | None = None, write: bool = True, force: bool = False,
            aliases: dict[str, str] | None = None, jobs: int | None = 1,
            decoded: dict[str, ReportAnalysis] | None = None) -> AnalyzeResult:
    """Run every requested stage on the reports under ``paths`` and publish the outputs into ``out_dir``.

    ``progress``: True for a progress bar on stderr, or a callback ``(stage, done, total)``.
    ``use_cache``: reuse per-file results from ``out_dir/.cache`` (False: recompute every file, and
    refresh its entry). ``stages``: restrict to these stage names (parse always runs). ``force``:
    write into a folder that holds other files, and keep files with no annual-report signals (else
    they are listed as failures and left out). ``aliases``: agency ``alias → canonical`` names
    (``nlp.panel.read_aliases``). ``decoded``: cache entries already decoded, by key
    (:func:`.cache.decoded_entry`: a Dask client's, as its workers send them). ``jobs``: worker processes for the per-report stages (:mod:`.pool`;
    None: the available cores; never more than there are batches of :data:`FILES_PER_BATCH` files;
    1: in this process); the outputs are the same. Bad files are listed in ``AnalyzeResult.failures``
    and files with the same content in ``duplicates``; the batch goes on. The outputs are switched
    in as one set at the end (:mod:`.runset`); a run in which no report could be read keeps the
    previous run's outputs. Runs into one ``out_dir`` take turns.
    """
    out = Path(out_dir)
    limits = read_limits()
    files, failures = expand_inputs(paths)
    ours = [f for f in files if f.resolve().is_relative_to(out.resolve())]   # e.g. OUT/brief.html of an earlier run
    files = [f for f in files if f not in ours]
    if not files and not failures:
        raise XxgkError("no input files" + (f" outside the output folder {out}" if ours else ""))
    funcs, status = load_stages(stages)
    if write:
        check_output_dir(out, files, force=force, marker=MANIFEST)
    cache = ReportCache(out, enabled_read=use_cache, fingerprint=run_fingerprint(summary_options), decoded=decoded)
    cache.check()
    warnings: list[str] = [f"{s.stage}: {s.message}" for s in status.values()
                           if s.status == "skipped" and s.message != "not requested"]
    if ours:
        warnings.append(f"inputs: {len(ours)} file(s) inside the output folder {out} left out")
    summary_options = dict(summary_options or {})

    # the analyses are kept to the end: frozen as they come, so the collector stops walking them
    with RunLock(out) if write else contextlib.nullcontext(), Progress(progress) as tick, holding_results():
        if write:
            warnings += recover(out)
        unique, duplicates = leave_out_duplicates(files)
        warnings += [f"inputs: {d.line()}" for d in duplicates]
        analyses: list[ReportAnalysis] = []
        hits = 0
        batches = file_batches(unique)
        workers = worker_count(jobs, len(batches))
        per_batch = (_analyse_batch(b, funcs, status, warnings, summary_options, cache, limits) for b in batches) \
            if workers == 1 else analyse_in_pool(batches, funcs, status, warnings, summary_options, cache, limits,
                                                 stages, workers)
        for k, batch in enumerate(per_batch):
            for r in batch:
                if isinstance(r, Failure):
                    failures.append(r)
                else:
                    hits += r.cached
                    analyses.append(r)
            keep_results()
            tick("reports", min((k + 1) * FILES_PER_BATCH, len(unique)), len(unique))
        warnings += cache.healed
        analyses, not_reports = screen_reports(analyses, force)
        failures += not_reports
        canonical = canonical_reports([a.report for a in analyses], aliases)   # agencies grouped for checks/compare
        comparing = None
        checking = None
        if "compare" in funcs and analyses:
            # with local worker processes, compare runs in a forked child beside checks and briefings (it
            # reads neither); with a pair engine of its own (e.g. Dask's, whose client cannot be used in a
            # forked child) compare runs in this process, and the checks and briefings in a forked child
            options = dict(compare_options or {})
            own_engine = "pair_engine" in options
            if workers > 1 and not own_engine:   # the pool is done: its cores align the reports
                from ..comparison import LocalPairs

                options["pair_engine"] = LocalPairs(workers=workers)
            if own_engine and available_cores() > 1 and "checks" in funcs:
                checking = ForkedCall(checks_and_briefings, funcs, analyses, canonical, status, collect=True)
            comparing = ForkedCall(_compare, funcs["compare"], canonical, analyses, options,
                                   lambda s, d, t: tick(f"compare: {s}", d, t), inline=workers == 1 or own_engine)

        comparison, compare_failure = None, ""
        checks_run = "checks" in funcs and bool(analyses)
        if checking is None:
            checked = checks_and_briefings(funcs, analyses, canonical, status)
            if checks_run:
                tick("checks", 1, 1)
        if comparing is not None:
            try:
                with isolate("compare") as run:
                    comparison = comparing.result()
            except BaseException:
                if checking is not None:
                    checking.stop()
                raise
            if run.failure:
                compare_failure = run.failure.reason
        if checking is not None:
            with isolate("checks") as run:
                checked = checking.result()
            if run.failure:
                checked = Checked(failure=run.failure.reason)
            tick("checks", 1, 1)
        findings = checked.apply(analyses, status, warnings)
        if compare_failure:
            status["compare"] = StageStatus("compare", "skipped", f"failed: {compare_failure}")
            warnings.append(f"compare: {compare_failure}")

        result = AnalyzeResult(out, analyses, findings, comparison, status, warnings, failures, [], files, hits,
                               duplicates=duplicates)
        if "summaries" in funcs and status["summaries"].status != "skipped":
            from ..summaries.hf import options_precision

            result.headline_precision = options_precision(summary_options)
        result.panel = panel_of(result, aliases)
        result.findings = list(findings) + result.panel.peer_findings   # PEER-* checks (uncertain) join findings.csv
        if write:
            if not analyses and (out / MANIFEST).exists():
                result.warnings.append(f"no report could be read: the previous outputs in {out} are kept")
            else:
                result.files = write_outputs(result, processes=workers)   # the pool's cores write the files
                result.published = True
    return result
