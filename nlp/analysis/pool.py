"""The per-report stages in a small pool of worker processes (``analyze --workers N`` on the local engine).

The files are cut into the batches the in-process run uses (:data:`.job.FILES_PER_BATCH` files, in
order); the parent looks each batch up in the cache, and the files still to analyse go to a worker
process, which parses them, reads their tables, classifies themes, generates their summaries
together (one model per worker, loaded once) and writes their cache entries. The parent takes the
batches back in order and merges the stage statuses and warnings as the in-process run would have
recorded them, so the result is the in-process result, file for file.

The workers are forked from a fork server (a fresh process that imported the stages, torch and the
model classes once, :mod:`.preload_model`: nothing is copied from the parent, no state, locks or threads;
fresh interpreters where there is no fork server) and run torch, BLAS and OpenMP with ``cores // workers``
threads each (``OMP_NUM_THREADS`` when set wins), so the processes do not fight over the cores.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from ..batch import Failure
from ..errors import XxgkError
from ..forked import ForkedCall
from ..heap import freeze_long_lived
from .cache import ReportCache
from .model import ReportAnalysis, StageStatus

if TYPE_CHECKING:
    from ..ingest.limits import IngestLimits

__all__ = ["available_cores", "worker_count", "preload_modules", "stop_fork_server", "analyse_in_pool", "merge_status",
           "ForkedCall"]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_count(jobs: int | None, batches: int) -> int:
    """Worker processes for ``batches`` batches of files: ``jobs``, never more than there are batches
    (None: the available cores, at most one per two batches, since starting a worker, which imports
    torch and loads the model, costs about as much as a batch); 1 means in this process."""
    if jobs is not None and jobs < 1:
        raise XxgkError(f"--workers must be at least 1 (got {jobs})")
    if jobs is None:
        return max(1, min(available_cores(), batches // 2))
    return max(1, min(jobs, batches))


@dataclass(frozen=True)
class _Job:
    """What every batch of one run shares (sent to the worker with each batch)."""

    stages: tuple[str, ...] | None
    summary_options: dict[str, Any]
    cache_dir: str
    fingerprint: str
    limits: "IngestLimits"


@dataclass
class _Outcome:
    """A batch analysed by a worker: (index in the batch, result) per file, the stage statuses and warnings."""

    results: list[tuple[int, ReportAnalysis | Failure]]
    status: dict[str, StageStatus]
    warnings: list[str] = field(default_factory=list)


_STAGES: dict[tuple[str, ...] | None, tuple[dict[str, Callable[..., Any]], dict[str, StageStatus]]] = {}


def _init_worker(threads: int) -> None:
    """In a new worker: its share of the cores for torch and for every native thread pool already
    loaded (``OMP_NUM_THREADS`` when set wins)."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("MKL_NUM_THREADS", os.environ["OMP_NUM_THREADS"])
    try:
        share = max(1, int(os.environ["OMP_NUM_THREADS"]))
    except ValueError:
        share = threads
    if "torch" in sys.modules:   # imported by the fork server (preload): the variables came too late
        import torch

        torch.set_num_threads(share)
    # the BLAS and OpenMP libraries the fork server loaded (numpy's and SciPy's OpenBLAS, scikit-learn's
    # OpenMP) sized their pools for all the cores before the variables were set: two workers would each
    # run two threads on two cores
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:   # pragma: no cover - a scikit-learn dependency
        return
    threadpool_limits(share)


def preload_modules(summaries: bool) -> list[str]:
    """What a fork server of per-report workers imports once: the stages with their readers and the
    theme estimator (:mod:`.preload`), and torch with the headline model's classes
    (:mod:`.preload_model`) only when the summaries run (torch costs each worker memory)."""
    return ["nlp.analysis.preload_model"] if summaries else ["nlp.analysis.preload"]


def _context(summaries: bool) -> multiprocessing.context.BaseContext:
    """Where workers come from: a fork server that imported the stages (and torch, for the summaries)
    once, where the system has one; else fresh interpreters."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload_modules(summaries))
    return context


def _run_batch(job: _Job, todo: list[tuple[int, str, str]]) -> _Outcome:
    """In a worker: the per-report stages of one batch's files still to analyse (their cache entries written)."""
    from .job import analyse_todo
    from .stages import load_stages

    if job.stages not in _STAGES:
        _STAGES[job.stages] = load_stages(job.stages)
    # what the batches before loaded (the models) stays; what they left is garbage: collected now,
    # the rest frozen, so the collector's full collections walk this batch's objects only
    freeze_long_lived()
    funcs, initial = _STAGES[job.stages]
    status = {k: StageStatus(v.stage, v.status, v.message) for k, v in initial.items()}
    warnings: list[str] = []
    cache = ReportCache(Path(job.cache_dir).parent, fingerprint=job.fingerprint)
    results = analyse_todo([(i, Path(p), key) for i, p, key in todo], funcs, status, warnings, job.summary_options,
                           cache, job.limits)
    return _Outcome(results, status, warnings)


def merge_status(status: dict[str, StageStatus], batch: dict[str, StageStatus]) -> None:
    """Fold one batch's stage statuses into the run's, as the in-process run records them batch after
    batch: a stage skipped stays skipped, 'partial' replaces 'ok', 'skipped' replaces both."""
    for stage, s in batch.items():
        now = status.get(stage)
        if now is None or now.status == "skipped":
            continue
        if s.status == "skipped" or (s.status == "partial" and now.status == "ok"):
            status[stage] = s


def analyse_in_pool(batches: Sequence[Sequence[Path]], funcs: dict[str, Callable[..., Any]],
                    status: dict[str, StageStatus], warnings: list[str], summary_options: dict[str, Any],
                    cache: ReportCache, limits: "IngestLimits", stages: Sequence[str] | None, workers: int,
                    ) -> Iterator[list[ReportAnalysis | Failure]]:
    """Each batch's results in order (as :func:`.job._analyse_batch` gives them), the files still to
    analyse run by ``workers`` processes; ``status`` and ``warnings`` are updated batch by batch."""
    from .job import lookup_batch

    job = _Job(tuple(stages) if stages is not None else None, dict(summary_options), str(cache.dir), cache.fingerprint,
               limits)
    threads = max(1, available_cores() // workers)
    context = _context("summaries" in funcs)
    ours = not fork_server_running()   # one that runs already (a local Dask cluster's) is not ours to stop
    looked_up = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(threads,)) as pool:
        try:
            for paths in batches:
                results, todo = lookup_batch(paths, funcs, cache)
                future: Future | None = pool.submit(_run_batch, job, [(i, str(p), key) for i, p, key in todo]) \
                    if todo else None
                looked_up.append((results, future))
            for results, future in looked_up:
                if future is not None:
                    outcome = future.result()
                    merge_status(status, outcome.status)
                    warnings += outcome.warnings
                    for i, r in outcome.results:
                        results[i] = r
                yield [r for r in results if r is not None]
        except BrokenProcessPool as e:
            raise XxgkError(f"a worker process died ({e}); out of memory? rerun with --workers 1") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if ours:
                stop_fork_server(context)


def fork_server_running() -> bool:
    """Whether multiprocessing's fork server (one per process) runs now: started for another pool, or
    for the worker processes of a local Dask cluster, which it keeps as its children."""
    from multiprocessing import forkserver

    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None) is not None


def stop_fork_server(context: multiprocessing.context.BaseContext) -> None:
    """Stop the fork server with the run and wait for it, so that its CPU time and its workers' count
    as this process's children (``getrusage``, ``time``) and nothing outlives the run (only a server
    the run started: waiting for one whose children still run would never end)."""
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        stop()


