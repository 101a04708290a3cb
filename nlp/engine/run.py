"""Where the per-report stages run: in this process (default) or on a Dask cluster.

The per-report stages (parse, tables, themes, summaries) of each file are independent,
so :func:`run_report_stages` maps them over partitions of the input files; compare's
index, candidate pairs and alignment run on the same cluster (:mod:`.sharded`). On Dask each
partition is one task: a worker runs :func:`nlp.analysis.analyze` on its files (no
outputs written) and sends back the per-file cache entries analyze keeps in
``OUT/.cache``; the client writes them into its own cache. The client then runs the
ordinary analyze, which finds every file in the cache and runs the corpus-wide stages
(checks on the client; compare with its pair engine on the cluster) and writes the
outputs, so the result is the in-process result byte for byte. Models are loaded once per
worker process (each stage keeps its model loaded); the workers of a cluster started here come
from a fork server that imported the stages once (:func:`local_cluster`).

A worker that dies costs the tasks it held: the scheduler gives them to another worker
(``retries`` more attempts on an error). A client that dies loses nothing already sent
back: the entries are in the cache, and the next run sends only the files still missing.

Dask is imported only when the Dask engine is used.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import XxgkError
from ..heap import freeze_long_lived, holding_results, keep_results

__all__ = ["EngineConfig", "ENGINES", "PER_REPORT_STAGES", "local_cluster", "dask_client",
           "run_report_stages", "analyze"]

ENGINES = ("local", "dask")
#: stages that look at one report at a time (the rest relate reports to each other)
PER_REPORT_STAGES = ("parse", "tables", "themes", "summaries")


@dataclass(frozen=True)
class EngineConfig:
    """Which engine runs the per-report stages.

    ``scheduler``: address of a running Dask scheduler (``tcp://HOST:8786``); without it
    ``workers`` local worker processes are started for the run (one thread each) and
    closed after. On the local engine ``workers`` is the number of processes that run the
    per-report stages (:mod:`nlp.analysis.pool`; None: the available cores, 1: in this process).
    ``partition_size``: files per Dask task at most (a task's summaries are generated in one go,
    so larger tasks batch better; fewer files than workers × size are spread over every worker);
    ``compare_partitions``: hash partitions of compare's n-gram shuffle (:mod:`.sharded`; None:
    one per 128 reports); ``compare_scratch``: a directory the client and every worker can
    read and write (a shared file system on a cluster) through which compare's sharded stages
    hand each other their data, so a worker's memory stays flat in the corpus size (None: the
    system's temporary directory for workers started here, the workers' memory on a cluster
    given by ``scheduler``; see :func:`compare_scratch`).
    """

    kind: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    threads_per_worker: int = 1
    partition_size: int = 32
    retries: int = 2
    connect_timeout: float = 20.0
    compare_partitions: int | None = None
    compare_scratch: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise XxgkError(f"unknown engine {self.kind!r}; known: {', '.join(ENGINES)}")
        if self.kind == "local" and self.scheduler:
            raise XxgkError("--scheduler needs --engine dask")
        if self.scheduler and self.workers:
            raise XxgkError("give either --scheduler (a running cluster) or --workers (start one here), not both")
        if self.workers is not None and self.workers < 1:
            raise XxgkError("--workers must be at least 1")
        if self.partition_size < 1:
            raise XxgkError("partition size must be at least 1")
        if self.compare_scratch is not None and self.kind != "dask":
            raise XxgkError("--scratch needs --engine dask")


def per_report_stages(stages: Sequence[str] | None) -> list[str]:
    """The requested stages that run per report (all of them when ``stages`` is None); parse always."""
    wanted = set(stages) if stages is not None else set(PER_REPORT_STAGES)
    return [s for s in PER_REPORT_STAGES if s in wanted or s == "parse"]


def partitions(files: Sequence[Path], size: int) -> list[list[Path]]:
    """Consecutive chunks of ``size`` files (the last may be shorter)."""
    return [list(files[i:i + size]) for i in range(0, len(files), size)]


def analyse_partition(files: list[str], stages: list[str], summary_options: dict[str, Any]) -> list[tuple[str, bytes]]:
    """Run on a worker: the per-report stages of ``files``; returns analyze's cache entries (name, bytes)."""
    from ..analysis import CACHE_DIR
    from ..analysis.job import fill_cache

    # what the partitions before loaded (the models) stays; what they left is garbage: collected now,
    # the rest frozen, so the collector's full collections walk this partition's objects only (as the
    # local engine's pool does per batch)
    freeze_long_lived()
    with tempfile.TemporaryDirectory(prefix="xxgk-part-") as tmp:
        fill_cache([Path(f) for f in files], Path(tmp), stages, summary_options)
        cache = Path(tmp) / CACHE_DIR
        return sorted((p.name, p.read_bytes()) for p in cache.glob("*.json")) if cache.is_dir() else []


def _write_entry(cache_dir: Path, name: str, body: bytes) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(body)
    tmp.replace(cache_dir / name)


#: Dask's setting of the workers' ``MALLOC_TRIM_THRESHOLD_`` (65536 by default), left unset on the
#: workers started here (:func:`local_cluster`; the README says how on a cluster)
TRIM_THRESHOLD_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
#: Dask's statistical profiler, off on the workers started here: it samples a worker's running task
#: every 10 ms for the dashboard, which a cluster started here does not serve (0.8 CPU-s per 1,000
#: generated reports on two workers, about half of what the workers spent outside their tasks)
PROFILE_SETTING = "distributed.worker.profile.enabled"
#: how often each Dask server (scheduler, nannies, workers) checks its event loop for stalls (20 ms by
#: default) and samples the system for the dashboard (500 ms): on the workers started here every 500 ms
#: and 2 s (the event-loop threads then cost about 0.7 instead of 1.1 CPU-s per worker per 1,000
#: generated reports, the client's 2.4 instead of 3.2; a stall still shows, in 0.5 s steps)
QUIET_SETTINGS = {"distributed.admin.tick.interval": "500ms", "distributed.admin.system-monitor.interval": "2s"}


@contextmanager
def local_cluster(workers: int, threads_per_worker: int = 1, summaries: bool = True) -> Iterator[Any]:
    """A Dask cluster of ``workers`` processes on this machine, closed on exit.

    Where the system has a fork server, the workers (and any the nannies restart) are forked from
    one that imported Dask and the per-report stages once (with ``summaries``, torch and the model
    classes too: :func:`nlp.analysis.pool.preload_modules`), as the local engine's pool does; else
    Dask's default (fresh interpreters, each importing everything). Dask's worker environment (one
    torch thread) still applies: the nannies set it before the fork server starts; all but its
    ``MALLOC_TRIM_THRESHOLD_``, which fixes glibc's mmap threshold, so that every tensor of the
    headline model came from fresh pages: the per-report stages ran about a quarter slower with it
    (25 against 33 s on 1,000 generated reports, two workers). The fork server stops with the
    cluster (its workers' CPU time counts as this process's children's).
    """
    import dask
    from distributed import LocalCluster

    from ..analysis.pool import preload_modules, stop_fork_server

    forkserver = "forkserver" in multiprocessing.get_all_start_methods()
    settings: dict[str, Any] = {TRIM_THRESHOLD_SETTING: None,   # None: the variable is not set
                                PROFILE_SETTING: False, **QUIET_SETTINGS}
    if forkserver:
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(settings):
        if forkserver:
            from distributed.utils import get_mp_context

            # no effect where this process already runs a fork server (e.g. the local engine's pool)
            get_mp_context().set_forkserver_preload(["distributed", *preload_modules(summaries)])
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=None)
        try:
            yield cluster
        finally:
            cluster.close()
            if forkserver:
                stop_fork_server(multiprocessing.get_context("forkserver"))


@contextmanager
def dask_client(config: EngineConfig, stages: Sequence[str] | None = None) -> Iterator[Any]:
    """A Dask client of the configured cluster, closed on exit: the running scheduler at
    ``config.scheduler``, else a :func:`local_cluster` of ``config.workers`` processes started
    here for ``stages`` (None: all) and closed with the client."""
    from distributed import Client

    if config.scheduler:
        try:
            client = Client(config.scheduler, timeout=f"{config.connect_timeout}s")
        except OSError as e:
            raise XxgkError(f"cannot reach the Dask scheduler at {config.scheduler}: {e}") from None
        with client:
            yield client
        return
    with local_cluster(config.workers or os.cpu_count() or 1, config.threads_per_worker,
                       summaries="summaries" in per_report_stages(stages)) as cluster, \
            Client(cluster) as client:
        yield client


def run_report_stages(files: Sequence[Path], cache_dir: Path, config: EngineConfig, stages: Sequence[str] | None = None,
                      summary_options: dict[str, Any] | None = None, client: Any = None,
                      decoded: dict[str, Any] | None = None) -> int:
    """Fill ``cache_dir`` with the per-report results of ``files`` computed on the Dask cluster
    (``client``: an open client of it; else one is opened and closed here).

    A file whose entry in ``cache_dir`` is current for this run (this client's code fingerprint and
    options, every stage asked for) is not sent: a run after a client died sends only the files still
    missing, and a run over unchanged files none. ``decoded``: filled with each entry's analysis by key
    (:func:`nlp.analysis.cache.decoded_entry`), those found in the cache and those the workers send as
    they come, so that the run's lookups need not read them again (the client decodes while the workers
    work). Returns the number of entries written.
    """
    if config.kind == "local" or not files:
        return 0
    from distributed import as_completed

    from ..analysis.cache import current_entry, decoded_entry, run_fingerprint

    wanted = per_report_stages(stages)
    options = dict(summary_options or {})
    fingerprint = run_fingerprint(options)
    todo: list[Path] = []
    for f in files:
        found = current_entry(cache_dir, f, fingerprint, wanted)
        if found is None:
            todo.append(f)
        elif decoded is not None:
            decoded[found[0]] = found[1]
    if len(todo) < len(files):
        keep_results()   # within the run (nlp.heap): the analyses found in the cache stay to its end
    files = todo
    if not files:
        return 0
    written = 0
    run = uuid.uuid4().hex[:12]  # task keys unique to this run: a scheduler never hands back another run's result
    with dask_client(config, stages) if client is None else nullcontext(client) as client:
        threads = sum(client.nthreads().values()) or config.workers or 1
        size = max(1, min(config.partition_size, math.ceil(len(files) / threads)))
        futures = [client.submit(analyse_partition, [str(f) for f in part], wanted, options, pure=False,
                                 retries=config.retries, key=f"xxgk-partition-{run}-{k}")
                   for k, part in enumerate(partitions(list(files), size))]
        for future in as_completed(futures):
            for name, body in future.result():
                _write_entry(cache_dir, name, body)
                written += 1
                if decoded is not None:
                    a = decoded_entry(body, fingerprint, wanted)
                    if a is not None:
                        decoded[name.removesuffix(".json")] = a
            future.release()
            keep_results()   # within the run (nlp.heap): the decoded analyses stay to its end
    return written


def compare_scratch(config: EngineConfig) -> str | None:
    """Where compare's sharded stages pass their data: ``compare_scratch``; for workers started on
    this machine (no ``scheduler``) the system's temporary directory, which they all share; else
    None (in the workers' memory: a remote cluster's file systems are not known here)."""
    if config.compare_scratch is not None:
        return config.compare_scratch
    return tempfile.gettempdir() if config.kind == "dask" and not config.scheduler else None


def sharded_compare(client: Any, config: EngineConfig) -> dict[str, Any]:
    """The compare options that run compare's index, candidate pairs and alignment on the cluster."""
    from .sharded import DaskPairs

    return {"pair_engine": DaskPairs(client, partitions=config.compare_partitions, retries=config.retries,
                                   scratch=compare_scratch(config))}


def analyze(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], config: EngineConfig,
            **options: Any):
    """:func:`nlp.analysis.analyze` with the per-report stages and compare on ``config``'s engine
    (same outputs)."""
    from ..analysis import CACHE_DIR
    from ..analysis import analyze as analyze_files
    from ..batch import expand_inputs

    if config.kind == "local":
        return analyze_files(paths, out_dir, jobs=config.workers, **options)
    if options.get("use_cache") is False:
        raise XxgkError("--engine dask keeps the per-report results in OUT/.cache: drop --no-cache")
    files, _ = expand_inputs(paths)
    out = Path(out_dir)
    files = [f for f in files if not f.resolve().is_relative_to(out.resolve())]
    with dask_client(config, options.get("stages")) as client, holding_results():
        decoded: dict[str, Any] = {}
        run_report_stages(files, out / CACHE_DIR, config, options.get("stages"), options.get("summary_options"),
                          client=client, decoded=decoded)
        options["compare_options"] = {**(options.get("compare_options") or {}), **sharded_compare(client, config)}
        return analyze_files(paths, out_dir, jobs=None, decoded=decoded, **options)
