"""analyze's per-report stages in worker processes (nlp.analysis.pool): the outputs of the in-process run."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from corpora import DEMO_DIR
from nlp.analysis import StageStatus, analyze
from nlp.analysis.pool import available_cores, merge_status, worker_count
from nlp.errors import XxgkError


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_workers_give_the_in_process_outputs(tmp_path, monkeypatch):
    import nlp.analysis.job as job

    corpus = tmp_path / "in"
    shutil.copytree(DEMO_DIR, corpus)
    (corpus / "zz-broken.docx").write_bytes(b"PK\x03\x04 not a docx")   # fails in its worker, listed all the same
    monkeypatch.setattr(job, "FILES_PER_BATCH", 4)                     # 13 files: 4 batches over 2 workers
    one = analyze([corpus], tmp_path / "one", jobs=1)
    two = analyze([corpus], tmp_path / "two", jobs=2)
    assert len(two.analyses) == 12 and two.cache_hits == 0
    assert [f.to_dict() for f in two.failures] == [f.to_dict() for f in one.failures]
    assert [f.path for f in two.failures] == [str(corpus / "zz-broken.docx")]
    assert {k: v.to_dict() for k, v in two.stages.items()} == {k: v.to_dict() for k, v in one.stages.items()}
    assert two.warnings == one.warnings
    assert all(s.status == "ok" for k, s in two.stages.items())
    ours, theirs = _files(tmp_path / "two"), _files(tmp_path / "one")
    assert ours.keys() == theirs.keys() and any(k.startswith(".cache/") for k in ours)
    assert [k for k in ours if ours[k] != theirs[k]] == []             # every output and cache entry, byte for byte
    # a second run finds every file in the cache the workers wrote
    again = analyze([corpus], tmp_path / "two", jobs=2)
    assert again.cache_hits == 12


def test_statuses_merge_as_the_in_process_run_records_them():
    status = {"themes": StageStatus("themes"), "summaries": StageStatus("summaries"),
              "compare": StageStatus("compare", "skipped", "not requested")}
    merge_status(status, {"themes": StageStatus("themes", "partial", "failed on some reports (see warnings)"),
                          "summaries": StageStatus("summaries"), "compare": StageStatus("compare")})
    assert status["themes"].status == "partial" and status["summaries"].status == "ok"
    assert status["compare"].message == "not requested"
    merge_status(status, {"themes": StageStatus("themes"),
                          "summaries": StageStatus("summaries", "skipped", "model not available: x")})
    assert status["themes"].status == "partial"                      # a later clean batch does not undo it
    assert status["summaries"].message == "model not available: x"
    merge_status(status, {"summaries": StageStatus("summaries", "partial", "failed on some reports (see warnings)")})
    assert status["summaries"].status == "skipped"                   # skipped stays skipped


def test_worker_count():
    assert worker_count(None, 100) == available_cores()
    assert worker_count(4, 2) == 2 and worker_count(1, 50) == 1 and worker_count(None, 1) == 1
    assert worker_count(None, 3) == 1                                   # 3 batches: not worth a second worker
    assert worker_count(None, 4) == min(available_cores(), 2)
    with pytest.raises(XxgkError, match="at least 1"):
        worker_count(0, 10)


def test_cli_workers_option_on_the_local_engine(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    files = [str(p) for p in sorted(DEMO_DIR.iterdir()) if p.suffix in (".txt", ".md")][:2]
    res = CliRunner().invoke(app, ["analyze", *files, "--stages", "parse,tables", "--out", str(tmp_path / "o"),
                                   "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "2 reports (0 unchanged, from cache)" in res.output
    bad = CliRunner().invoke(app, ["analyze", *files, "--out", str(tmp_path / "b"), "--workers", "0"])
    assert bad.exit_code == 2 and "at least 1" in bad.output


def _boom(x: int) -> int:
    raise ValueError(f"bad {x}")


def _die() -> None:
    import os

    os._exit(3)


@pytest.mark.parametrize("inline,collect", [(False, False), (False, True), (True, False)],
                         ids=["forked", "collected-by-a-thread", "inline"])
def test_forked_call_returns_or_raises_what_the_function_does(inline, collect):
    from nlp.analysis.pool import ForkedCall

    seen: list[int] = []
    call = ForkedCall(lambda xs, k=1: [x * k for x in xs] + [len(seen)], [1, 2], inline=inline, collect=collect, k=3)
    seen.append(1)      # after the fork: the child saw the data as it was when the call started
    assert call.result() == [3, 6, 1 if inline else 0]
    with pytest.raises(ValueError, match="bad 7"):
        ForkedCall(_boom, 7, inline=inline, collect=collect).result()
    big = ForkedCall(lambda: ["报告" * 50] * 20000, inline=inline, collect=collect)   # more than a pipe holds
    assert big.result() == ["报告" * 50] * 20000


@pytest.mark.parametrize("collect", [False, True])
def test_forked_call_whose_child_dies_is_an_error(collect):
    from nlp.analysis.pool import ForkedCall

    with pytest.raises(XxgkError, match="sent no result"):
        ForkedCall(_die, collect=collect).result()


@pytest.mark.parametrize("collect", [False, True])
def test_a_stopped_forked_call_leaves_no_child(collect):
    import threading

    from nlp.analysis.pool import ForkedCall

    call = ForkedCall(_sleep, 60, collect=collect)
    pid = call.pid
    call.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)
    assert not [t for t in threading.enumerate() if t.name == "forked-call-result"]


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_a_fork_server_that_was_running_is_left_running(tmp_path, monkeypatch):
    """The fork server is one per process: when another user's (a local Dask cluster's workers) already
    runs, the pool forks its workers from it and leaves it running; stopping it would wait for its
    children, for ever."""
    import multiprocessing
    import threading

    import nlp.analysis.job as job
    from nlp.analysis.pool import fork_server_running, stop_fork_server

    context = multiprocessing.get_context("forkserver")
    other = context.Process(target=_sleep, args=(120,))
    other.start()
    try:
        assert fork_server_running()
        monkeypatch.setattr(job, "FILES_PER_BATCH", 4)
        files = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".txt", ".md"))[:8]
        done: list = []
        run = threading.Thread(target=lambda: done.append(analyze(files, tmp_path / "out", jobs=2,
                                                                  stages=["parse", "tables", "checks"])), daemon=True)
        run.start()
        run.join(timeout=120)
        assert done, "the run did not end (waiting for a fork server whose children still run?)"
        assert len(done[0].analyses) == len(files) and not done[0].failures
        assert fork_server_running() and other.is_alive()
    finally:
        other.kill()
        other.join()
        stop_fork_server(context)
    assert not fork_server_running()


def _pools_after_init(threads: int) -> list[tuple[str, int]]:
    from threadpoolctl import threadpool_info

    from nlp.analysis.pool import _init_worker

    _init_worker(threads)
    return sorted((i["internal_api"], i["num_threads"]) for i in threadpool_info())


def test_a_worker_runs_one_thread_in_every_native_pool_the_fork_server_loaded():
    """The fork server imports numpy, SciPy and scikit-learn before any thread variable is set, so their
    BLAS and OpenMP pools are sized for every core; a worker's start cuts each to its share."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork server on this system")
    from nlp.analysis.pool import fork_server_running, stop_fork_server

    context = multiprocessing.get_context("forkserver")
    ours = not fork_server_running()
    context.set_forkserver_preload(["nlp.analysis.preload"])
    try:
        with context.Pool(1) as pool:
            pools = pool.apply(_pools_after_init, (1,))
    finally:
        if ours:
            stop_fork_server(context)
    assert any(api == "openblas" for api, _ in pools), pools
    assert {n for _, n in pools} == {1}, pools
