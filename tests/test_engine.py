"""The Dask engine: a real scheduler and two workers on 127.0.0.1 give the in-process outputs, also when a worker dies."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from corpora import DEMO_DIR  # noqa: E402
from nlp.analysis import CACHE_DIR  # noqa: E402
from nlp.analysis import analyze as analyze_in_process  # noqa: E402
from nlp.engine import EngineConfig, analyze, run_report_stages  # noqa: E402
from nlp.errors import XxgkError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: summaries are slow on two shared cores and have their own tests; every other stage runs
STAGES = ["parse", "tables", "checks", "themes", "compare"]
STARTUP_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], tmp: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    log = open(tmp / f"{name}.log", "wb")
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _start_worker(address: str, tmp: Path, name: str) -> subprocess.Popen:
    return _start(["distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                   "--name", name, "--local-directory", str(tmp / name)], tmp, name)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes (one thread each) on 127.0.0.1; all stopped after."""
    from distributed import Client

    tmp = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    scheduler = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                        "--no-dashboard"], tmp, "scheduler")
    workers: list[subprocess.Popen] = []   # a test that kills one puts a new one in its place
    try:
        workers += [_start_worker(address, tmp, f"w{k}") for k in range(2)]
        with Client(address, timeout=f"{STARTUP_S}s") as client:
            client.wait_for_workers(2, timeout=STARTUP_S)
        yield address, workers
    finally:
        for p in [*reversed(workers), scheduler]:
            _stop(p)


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    analyze_in_process([DEMO_DIR], out, stages=STAGES, use_cache=False)
    return out


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.relative_to(out).parts}


def test_dask_workers_give_the_in_process_outputs(cluster, in_process, tmp_path):
    address, _ = cluster
    out = tmp_path / "out"
    result = analyze([DEMO_DIR], out, EngineConfig("dask", scheduler=address, partition_size=3), stages=STAGES)
    # every report came back from the workers: the client found them all in its cache
    assert result.cache_hits == len(result.analyses) == 12 and not result.failures
    mine, theirs = _files(out), _files(in_process)
    assert sorted(mine) == sorted(theirs)
    for name in theirs:
        if name != "analysis.json":
            assert mine[name] == theirs[name], name


def test_a_rerun_sends_only_the_files_missing_from_the_cache(cluster, in_process, tmp_path):
    """Entries current for this run are not sent again (a client that died resumes where it stopped):
    unchanged files go to no worker, a lost, a damaged and a stale entry (another code fingerprint) are
    made again, the rest stay as they were, and the run's outputs are the in-process ones."""
    address, _ = cluster
    out = tmp_path / "out"
    cache = out / CACHE_DIR
    files = sorted(p for p in DEMO_DIR.iterdir() if p.suffix != ".jsonl")
    config = EngineConfig("dask", scheduler=address, partition_size=3)
    assert run_report_stages(files, cache, config, STAGES) == len(files) == 12
    entries = sorted(cache.glob("*.json"))
    decoded: dict = {}
    assert run_report_stages(files, cache, config, STAGES, decoded=decoded) == 0
    assert sorted(decoded) == [p.stem for p in entries]   # read from the cache, handed to the run
    kept = {p: p.read_bytes() for p in entries[3:]}
    entries[0].unlink()
    entries[1].write_text("{", encoding="utf-8")
    stale = json.loads(entries[2].read_text(encoding="utf-8"))
    entries[2].write_text(json.dumps({**stale, "fingerprint": "older-code"}), encoding="utf-8")
    assert run_report_stages(files, cache, config, STAGES) == 3
    assert sorted(cache.glob("*.json")) == entries and all(p.read_bytes() == b for p, b in kept.items())
    result = analyze([DEMO_DIR], out, config, stages=STAGES)
    assert result.cache_hits == 12 and not result.failures
    mine, theirs = _files(out), _files(in_process)
    for name in theirs:
        if name != "analysis.json":
            assert mine[name] == theirs[name], name


def test_workers_started_here_give_the_in_process_outputs(in_process, tmp_path):
    """`--engine dask --workers 2`: a cluster started for the run (workers from the fork server), closed after."""
    out = tmp_path / "out"
    result = analyze([DEMO_DIR], out, EngineConfig("dask", workers=2, partition_size=3), stages=STAGES)
    assert result.cache_hits == len(result.analyses) == 12 and not result.failures
    mine, theirs = _files(out), _files(in_process)
    assert sorted(mine) == sorted(theirs)
    assert all(mine[name] == theirs[name] for name in theirs if name != "analysis.json")


def test_workers_started_here_begin_with_the_stages_imported():
    import multiprocessing

    import dask
    from distributed import Client

    from nlp.engine import local_cluster

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork server on this system: the workers start as fresh interpreters")
    with local_cluster(2) as started, Client(started) as client:
        # no task has run yet: what the workers hold they got from the fork server
        imported = client.run(lambda: [m in sys.modules for m in ("nlp.structure", "nlp.tables", "nlp.themes")])
        threads = client.run(lambda: os.environ.get("OMP_NUM_THREADS"))
        trim = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        profiling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
        ticks = client.run(lambda dask_worker: (dask_worker.periodic_callbacks["tick"].callback_time,
                                                dask_worker.monitor and dask.config.get(
                                                    "distributed.admin.system-monitor.interval")))
    assert set(profiling.values()) == {False}   # no dashboard here: nobody reads Dask's task profiles
    assert set(ticks.values()) == {(500, "2s")}, ticks   # the event loop checked every 0.5 s, not every 20 ms
    assert len(imported) == 2 and all(all(v) for v in imported.values()), imported
    assert set(threads.values()) == {"1"}   # Dask's worker environment still applies ...
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        assert set(trim.values()) == {None}   # ... but for glibc's trim threshold (fresh pages per tensor)


@pytest.mark.parametrize("through_files", [False, True], ids=["in-memory", "scratch-files"])
def test_store_add_on_dask_equals_in_process(cluster, in_process, tmp_path, through_files):
    pytest.importorskip("duckdb")
    from nlp.store import CorpusStore

    address, _ = cluster
    scratch = str(tmp_path / "scratch") if through_files else None
    engine = EngineConfig("dask", scheduler=address, compare_partitions=3, compare_scratch=scratch)
    with CorpusStore(tmp_path / "c.duckdb") as store:
        first = store.add([p for p in sorted(DEMO_DIR.iterdir()) if "2022" not in p.name and p.suffix != ".jsonl"],
                          engine=engine, stages=STAGES)
        r = store.add([DEMO_DIR], engine=engine)
        assert len(first.added) + len(r.added) == 12
        # the second add sent only the pairs whose inputs changed to the workers; the rest came from the store
        assert first.pairs_computed > 0 and r.pairs_reused > 0 and r.pairs_computed > 0
        store.export(tmp_path / "out")
    if through_files:   # each compare's files are gone once it is done
        assert not any(Path(scratch).iterdir())
    for name in ("reports.jsonl", "cells.csv", "findings.csv", "compare/passages.jsonl", "compare/reports.csv",
                 "compare/pairs.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (in_process / name).read_bytes(), name


def test_cli_analyze_on_the_cluster(cluster, tmp_path):
    from typer.testing import CliRunner

    from cli import app

    address, _ = cluster
    files = [str(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix in (".txt", ".md")][:3]
    runner = CliRunner()
    args = ["analyze", *files, "--stages", "parse,tables,checks"]
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "dask"), "--engine", "dask", "--scheduler", address])
    assert res.exit_code == 0, res.output
    assert "3 reports (3 unchanged, from cache)" in res.output
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "local")]).exit_code == 0
    for name in ("reports.jsonl", "cells.csv", "findings.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "bad"), "--scheduler", address])
    assert bad.exit_code == 2 and "needs --engine dask" in bad.output


def test_engine_options_are_checked():
    with pytest.raises(XxgkError, match="needs --engine dask"):
        EngineConfig("local", scheduler="tcp://127.0.0.1:1")
    assert EngineConfig("local", workers=2).workers == 2      # the local engine's worker processes (nlp.analysis.pool)
    with pytest.raises(XxgkError, match="not both"):
        EngineConfig("dask", scheduler="tcp://127.0.0.1:1", workers=2)
    with pytest.raises(XxgkError, match="unknown engine"):
        EngineConfig("spark")
    with pytest.raises(XxgkError, match="--scratch needs --engine dask"):
        EngineConfig("local", compare_scratch="/tmp")
    # compare's data through scratch files: workers started here share the temporary directory; a
    # remote cluster's file systems are unknown, so there only when given
    import tempfile

    from nlp.engine.run import compare_scratch

    assert compare_scratch(EngineConfig("dask", workers=2)) == tempfile.gettempdir()
    assert compare_scratch(EngineConfig("dask", scheduler="tcp://127.0.0.1:1")) is None
    assert compare_scratch(EngineConfig("dask", scheduler="tcp://127.0.0.1:1", compare_scratch="/shared/x")) == "/shared/x"
    assert compare_scratch(EngineConfig("local")) is None
    with pytest.raises(XxgkError, match="cannot reach"):
        run_report_stages([DEMO_DIR / "luwan-gov-2020.md"], Path("/nonexistent"),
                          EngineConfig("dask", scheduler=f"tcp://127.0.0.1:{_free_port()}", connect_timeout=2))


def test_shingle_frequencies_shuffled_across_workers_equal_compares_index(cluster):
    from distributed import Client

    from nlp.comparison import CompareConfig
    from nlp.comparison.index import DocShingles, ShingleIndex
    from nlp.comparison.textprep import content_stream, shingle_hashes
    from nlp.engine.shuffle import dask_document_frequencies, document_frequencies
    from nlp.structure import read_report

    address, _ = cluster
    texts = [read_report(p).text for p in sorted(DEMO_DIR.iterdir()) if p.suffix != ".jsonl"]
    n = CompareConfig().ngram
    index = ShingleIndex.build([DocShingles.build(shingle_hashes(content_stream(t).chars, n)) for t in texts])
    with Client(address) as client:
        hashes, df = dask_document_frequencies(client, texts, n, partitions=4, reports_per_task=5)
    assert hashes.tolist() == index.hashes.tolist() and df.tolist() == index.df.tolist()
    local = document_frequencies(texts, n, partitions=3)
    assert local[0].tolist() == index.hashes.tolist() and local[1].tolist() == index.df.tolist()


@pytest.mark.parametrize("through_files", [False, True], ids=["in-memory", "scratch-files"])
def test_sharded_compare_on_two_workers_equals_in_process(cluster, tmp_path, through_files):
    """Compare's index, candidate pairs and alignment on the workers, their data passed in the
    workers' memory or through scratch files: every output file byte for byte."""
    from distributed import Client

    from nlp.comparison import compare, load_reference
    from nlp.comparison.candidates import LocalPairs
    from nlp.comparison.index import DocShingles, ShingleIndex
    from nlp.comparison.output import output_files
    from nlp.comparison.textprep import content_stream, shingle_hashes
    from nlp.engine.sharded import DaskPairs
    from nlp.structure import read_report

    address, _ = cluster
    reports = [read_report(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix != ".jsonl"]
    ref = load_reference()
    local = LocalPairs()
    theirs = output_files(compare(reports, reference=ref, pair_engine=local))
    with Client(address) as client:
        scratch = tmp_path / "scratch" if through_files else None
        # a tiny cache: the alignment tasks read prepared blocks again after they were dropped;
        sharded = DaskPairs(client, partitions=3, reports_per_task=4, scratch=str(scratch) if scratch else None,
                            scratch_cache_mb=0.05, reports_per_merge=5)   # pairs reduced in 3 ranges
        mine = output_files(compare(reports, reference=ref, pair_engine=sharded))
    if scratch is not None:
        assert scratch.is_dir() and not any(scratch.iterdir())   # the run's files removed when it was done
    assert sorted(mine) == sorted(theirs) and all(mine[k] == theirs[k] for k in theirs)
    # the candidate pairs reduced from the partitions: every holder of a shared n-gram and its lowest other holder
    n, N = 10, len(reports)
    shingles = [DocShingles.build(shingle_hashes(content_stream(r.text).chars, n)) for r in reports]
    index = ShingleIndex.build(shingles)
    expected = set()
    for r, sh in enumerate(shingles):
        view = index.view(sh)
        expected |= {r * N + p for p in view.partners(r)[view.df >= 2].tolist()}
    assert sharded.candidates[0].tolist() == sorted(expected)
    # the same pairs were aligned on the workers as in process (a superset was sent; only real partners align)
    assert sharded.counts.computed == local.counts.computed > 20


def test_alignment_tasks_cover_every_pair_once_within_their_bounds():
    """The alignment plan: each candidate pair in exactly one task, which needs its report's block and
    its partner's; a task grows over a report block's partner blocks up to the pair and block bounds."""
    import numpy as np

    from nlp.engine.sharded import DaskPairs

    rng = np.random.default_rng(7)
    N, size = 300, 10
    r, p = rng.integers(0, N, 6000), rng.integers(0, N, 6000)
    keys = np.unique(r[r < p] * N + p[r < p])
    engine = DaskPairs(client=None, reports_per_task=size, pairs_per_task=60, blocks_per_task=4)
    engine.candidates = (keys.astype(np.int64), np.ones(len(keys), np.int64))
    tasks = engine.plan(N)
    seen = []
    for needed, work in tasks:
        assert list(needed) == sorted(set(needed)) and len(needed) <= 4
        blocks = {rr // size for rr, _ in work}
        assert len(blocks) == 1 and blocks <= set(needed)          # one report block per task
        for rr, partners in work:
            assert partners == sorted(partners)
            assert all(pp // size in needed for pp in partners)
            seen += [rr * N + pp for pp in partners]
        pairs = sum(len(ps) for _, ps in work)
        # a task closes once it reaches 60 pairs: it holds less than 60 plus its last partner block's pairs
        assert pairs < 60 + size * size
    assert sorted(seen) == keys.tolist() and len(seen) == len(set(seen))
    assert len(tasks) < len({(k // N // size, k % N // size) for k in keys.tolist()})   # fewer than one per block pair
    # one task per block pair when nothing may be grouped: the old plan
    engine.pairs_per_task = 0
    assert len(engine.plan(N)) == len({(k // N // size, k % N // size) for k in keys.tolist()})
    # in squares of 5 blocks a side: the same pairs once each, no task across a square's edge, square after square
    engine.pairs_per_task = 60
    squares = engine.plan(N, square=5)
    covered = sorted(rr * N + pp for _, work in squares for rr, partners in work for pp in partners)
    assert covered == keys.tolist()
    order = []
    for needed, work in squares:
        rb = work[0][0] // size
        cells = {(rb // 5, b // 5) for b in needed if b != rb} or {(rb // 5, rb // 5)}
        assert len(cells) == 1
        order.append(cells.pop())
    assert order == sorted(order)


def test_dask_sees_the_size_of_prepared_blocks():
    """Dask's memory accounting (what it spills, how it moves data) reads ``sys.getsizeof``: the
    prepared and finished blocks report the numpy buffers and text they hold, shared objects once."""
    import sys

    import numpy as np

    from nlp.comparison.index import IndexView
    from nlp.comparison.records import CompareConfig
    from nlp.engine.sharded import PreparedBlock, held_bytes, prepare_reports
    from nlp.structure import read_report

    reports = [read_report(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix != ".jsonl"][:3]
    cfg = CompareConfig()
    kept, _ = prepare_reports(0, reports, (cfg.ngram, cfg.boilerplate_ngram), True)
    chars = sum(len(d.stream) for d in kept.docs)
    assert chars > 0 and sys.getsizeof(kept) > 2 * 8 * chars   # positional hashes of both n-gram lengths
    view = IndexView(np.zeros(1000, np.int32), np.zeros(1000, np.int32), np.zeros(1000, np.int32))
    assert sys.getsizeof(view) >= 12000
    block = PreparedBlock({0: (None, view), 1: (None, view)}, [(np.zeros(5000, np.uint8), None)])
    assert 17000 <= sys.getsizeof(block) < 24000      # the shared view counted once
    shared = np.zeros(10_000, np.uint8)
    assert held_bytes([shared, shared, (shared,)]) < 11_000


def test_sharded_finish_on_the_workers_equals_in_process(cluster):
    """Template by frequency and boilerplate n-grams computed on the workers: the client's finished
    reports equal the in-process ones, and it holds neither index rows nor alignment data."""
    from distributed import Client

    from nlp.comparison import load_reference
    from nlp.comparison.candidates import AlignSetup, LocalPairs
    from nlp.comparison.prepare import prepare_report
    from nlp.comparison.records import CompareConfig
    from nlp.engine.sharded import DaskPairs
    from nlp.structure import read_report

    address, _ = cluster
    reports = [read_report(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix != ".jsonl"]
    ref, cfg = load_reference(), CompareConfig()
    lengths = (cfg.ngram, cfg.boilerplate_ngram)
    setup = AlignSetup(cfg, len(reports), ref if ref.has(cfg.ngram) else None)
    local, theirs = LocalPairs(), [prepare_report(r, cfg.ngram) for r in reports]
    local.index(theirs, lengths)
    their_boiler = local.finish_reports(theirs, setup, ref)
    with Client(address) as client:
        sharded = DaskPairs(client, partitions=2, reports_per_task=5)
        mine = sharded.prepare(reports, lengths, lambda done, total: None)
        sharded.index(mine, lengths)
        my_boiler = sharded.finish_reports(mine, setup, ref)
        assert len(sharded._prepared) == 3 and not sharded._views and not sharded._client_views
        sharded.release()
    assert their_boiler is not None and my_boiler is not None
    assert [b.tolist() for b in my_boiler] == [b.tolist() for b in their_boiler]
    assert sum(len(b) for b in my_boiler) > 0
    marked = 0
    for a, b in zip(mine, theirs):
        assert a.template.reasons.tolist() == b.template.reasons.tolist()
        assert a.ok.tolist() == b.ok.tolist() and a.scored == b.scored
        assert a.shingles.hashes.tolist() == b.shingles.hashes.tolist()
        # slim on the client: no distinct-hash table, no other n-gram lengths, no alignment arrays
        assert len(a.shingles.uniq) == 0 and not a.other_shingles and a.scored_before is None
        assert len(b.shingles.uniq) > 0 and b.scored_before is not None
        marked += int((a.template.reasons > 0).sum())
    assert marked > 0


class _KillingPairs:
    """A :class:`~nlp.engine.sharded.DaskPairs` that kills a worker while it runs one of compare's
    tasks: a ``"prepare"`` task (the report blocks being prepared, through files their map rows
    written too), a ``"finish"`` task (the prepared blocks, rows and tables on the workers or in the
    scratch files) or an ``"align"`` task once the first one is done (the finished blocks on the
    workers or in files, the other alignment tasks running or waiting)."""

    def __init__(self, client, workers: list[subprocess.Popen], at: str, **options):
        from nlp.engine.sharded import DaskPairs

        self.at, self.client, self.workers = at, client, workers
        self.killed: tuple[str, str, int] | None = None   # worker name, task it ran, keys it held
        self.engine = DaskPairs(client, **options)

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def kill_when_busy(self, prefix: str) -> None:
        """Kill the first worker seen processing a task whose key starts with ``prefix``."""
        deadline = time.monotonic() + STARTUP_S
        while self.killed is None and time.monotonic() < deadline:
            for address, keys in sorted(self.client.processing().items()):
                task = next((k for k in keys if str(k).startswith(prefix)), None)
                if task is not None:
                    held = len(self.client.has_what().get(address, ()))
                    name = self.client.scheduler_info()["workers"][address]["name"]
                    victim = next(p for p in self.workers if p.args[p.args.index("--name") + 1] == name)
                    victim.kill()
                    victim.wait(15)
                    self.killed = (name, str(task), held)
                    return
            time.sleep(0.005)

    def _killing(self, stage: str, call, *args):
        if self.at != stage:
            return call(*args)
        killer = threading.Thread(target=self.kill_when_busy, args=(stage,))
        killer.start()
        try:
            return call(*args)
        finally:
            killer.join()

    def prepare(self, reports, ngrams, progress):
        return self._killing("prepare", self.engine.prepare, reports, ngrams, progress)

    def finish_reports(self, docs, setup, reference):
        return self._killing("finish", self.engine.finish_reports, docs, setup, reference)

    def aligned_pairs(self, docs, setup, progress):
        def tick(done: int, total: int) -> None:
            if self.at == "align" and done == 1:
                self.kill_when_busy("align")
            progress(done, total)

        return self.engine.aligned_pairs(docs, setup, tick)


@pytest.mark.parametrize("through_files", [False, True], ids=["in-memory", "scratch-files"])
@pytest.mark.parametrize("at", ["prepare", "finish", "align"])
def test_a_worker_killed_during_compare_costs_a_retry(cluster, tmp_path, through_files, at):
    """A worker killed while compare's sharded stages run: its tasks and the data it held are made
    again on the other worker; every compare output equals the in-process run's. A new worker then
    takes the dead one's place (for the tests after)."""
    from distributed import Client

    from nlp.comparison import compare, load_reference
    from nlp.comparison.output import output_files
    from nlp.structure import read_report

    address, workers = cluster
    reports = [read_report(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix != ".jsonl"]
    ref = load_reference()
    theirs = output_files(compare(reports, reference=ref))
    scratch = tmp_path / "scratch" if through_files else None
    with Client(address) as client:
        engine = _KillingPairs(client, workers, at, partitions=3, reports_per_task=2, pairs_per_task=2,
                               scratch=str(scratch) if scratch else None, reports_per_merge=5)
        mine = output_files(compare(reports, reference=ref, pair_engine=engine))
        assert engine.killed is not None, "no worker was seen running a task: nothing was tested"
        dead = next(k for k, p in enumerate(workers) if p.poll() is not None)
        workers[dead] = _start_worker(address, tmp_path, f"{engine.killed[0]}-again")
        client.wait_for_workers(2, timeout=STARTUP_S)
    assert sorted(mine) == sorted(theirs) and all(mine[k] == theirs[k] for k in theirs)
    if scratch is not None:
        assert not any(scratch.iterdir())


def test_a_killed_worker_costs_a_retry_not_a_result(cluster, in_process, tmp_path):
    """Runs last: kills one of the two workers while the partitions are being analysed."""
    address, workers = cluster
    out = tmp_path / "out"
    cache = out / CACHE_DIR
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_report_stages(sorted(p for p in DEMO_DIR.iterdir() if p.suffix != ".jsonl"), cache,
                              EngineConfig("dask", scheduler=address, partition_size=1), stages=STAGES)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            errors.append(e)

    job = threading.Thread(target=run)
    job.start()
    deadline = time.monotonic() + STARTUP_S
    while not (cache.is_dir() and any(cache.glob("*.json"))) and time.monotonic() < deadline and job.is_alive():
        time.sleep(0.05)
    at_kill = len(list(cache.glob("*.json")))
    victim = workers[0]
    victim.kill()
    victim.wait(15)
    job.join(STARTUP_S * 2)
    assert not job.is_alive() and not errors, errors
    assert at_kill < 12, "the worker died after the run: nothing was tested"
    done = len(list(cache.glob("*.json")))
    assert done == 12, f"{done} of 12 reports came back"
    result = analyze_in_process([DEMO_DIR], out, stages=STAGES)
    assert result.cache_hits == 12
    mine, theirs = _files(out), _files(in_process)
    for name in theirs:
        if name != "analysis.json":
            assert mine[name] == theirs[name], name


def test_scratch_files_read_back_what_was_written(tmp_path):
    """Scratch files: one group of arrays read back alone; pickled blocks through a bounded cache;
    a scratch directory that cannot be made is one clear error naming it."""
    import numpy as np

    from nlp.engine import scratch

    groups = [[np.arange(5, dtype=np.uint64), np.arange(3, dtype=np.int32)],
              [np.zeros(0, np.uint64), np.array([7, 8], np.int32)]]
    scratch.write_arrays(tmp_path / "a.bin", groups)
    for g, group in enumerate(groups):
        back = scratch.read_slice(tmp_path / "a.bin", g, 2, [np.uint64, np.int32])
        assert [b.tolist() for b in back] == [a.tolist() for a in group] and back[0].dtype == np.uint64
    big = np.ones(200_000, np.uint8)
    try:
        for k in range(3):
            scratch.write_object(tmp_path / f"b{k}.bin", big * k)
            assert scratch.read_object(tmp_path / f"b{k}.bin", cached=True, cache_bytes=300_000)[0] == k
        assert sum(n for _, n in scratch._cache.values()) <= 300_000 and len(scratch._cache) == 1
        again = scratch.read_object(tmp_path / "b2.bin", cached=True, cache_bytes=300_000)
        assert again is scratch.read_object(tmp_path / "b2.bin", cached=True, cache_bytes=300_000)
    finally:
        scratch._cache.clear()
    (tmp_path / "file").write_text("x")
    with pytest.raises(XxgkError, match="file.*scratch directory"):
        scratch.ScratchRun.create(tmp_path / "file")
    run = scratch.ScratchRun.create(tmp_path / "s")
    scratch.write_object(run.path("prepared", 3), {"x": 1})
    run.remove("prepared", 3)
    run.remove("prepared", 3)        # already gone: nothing to do
    run.close()
    assert not any((tmp_path / "s").iterdir())
