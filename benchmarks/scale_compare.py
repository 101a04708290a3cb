"""``scale.py --compare``: compare alone, in process vs sharded on Dask workers (issue 15)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from _corpus import ROOT
from scale import emit, exponent, fit_exponent, generated_corpus

COMPARE_CHILD = textwrap.dedent("""
    import json, pickle, resource, sys, time
    sys.path.insert(0, {root!r})
    mode, reports_pickle, workers, memory_limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(reports_pickle, "rb") as fh:
        reports = pickle.load(fh)
    from nlp.comparison import compare, load_reference
    from nlp.comparison.candidates import LocalPairs
    ref = load_reference()
    def rss_mb():
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * resource.getpagesize() / 2**20
    def cpu_s():
        u = resource.getrusage(resource.RUSAGE_SELF)
        return u.ru_utime + u.ru_stime
    res = {{"mode": mode, "n": len(reports)}}
    marks, cpu_marks = {{}}, {{}}
    t0 = time.perf_counter()
    def tick(stage, done, total):
        now, cpu = time.perf_counter() - t0, cpu_s()
        marks.setdefault(stage, [now, now])[1] = now
        cpu_marks.setdefault(stage, [cpu, cpu])[1] = cpu
    client, procs = None, []
    if mode in ("compare-dask", "compare-dask-files"):
        # a scheduler and workers in their own processes, as on a cluster: the client's RSS is its own
        import os, socket, subprocess, tempfile
        from distributed import Client
        from nlp.engine.sharded import DaskPairs
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
        address, scratch = f"tcp://127.0.0.1:{{port}}", tempfile.mkdtemp(prefix="xxgk-dask-")
        env = {{**os.environ, "PYTHONPATH": {root!r}}}
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                       "--port", str(port), "--no-dashboard"], **quiet))
        limit = ["--memory-limit", memory_limit] if memory_limit != "default" else []
        procs += [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                    "--no-dashboard", "--local-directory", f"{{scratch}}/w{{k}}", *limit], **quiet)
                  for k in range(workers)]
        client = Client(address, timeout="60s")
        client.wait_for_workers(workers, timeout=120)
        # compare-dask-files: the stages pass their data through files (DaskPairs.scratch), not worker memory
        files = f"{{scratch}}/files" if mode == "compare-dask-files" else None
        engine = DaskPairs(client, reports_per_task=32, scratch=files)
    else:
        engine = LocalPairs()
    by_stage = {{}}   # stage → [worker RSS now, bytes Dask holds for tasks] peaks, per worker
    sampling, client_by_stage, disk_by_stage = [], {{}}, {{}}
    def scratch_mb():
        total = 0
        for base, _, names in os.walk(f"{{scratch}}/files"):
            for name in names:
                try:
                    total += os.path.getsize(os.path.join(base, name))
                except OSError:
                    pass
        return total / 2**20
    if client is not None:
        import threading
        def worker_now(dask_worker):
            return rss_mb(), dask_worker.state.nbytes / 2**20
        def sample():   # once a second: each worker's resident and managed memory, under the stage running
            while not sampling:
                stage = max(marks, key=lambda s: marks[s][1]) if marks else "start"
                try:
                    now = sorted(client.run(worker_now).values())
                except Exception:
                    break
                peaks = by_stage.setdefault(stage, [[0.0, 0.0] for _ in now])
                client_by_stage[stage] = max(client_by_stage.get(stage, 0.0), rss_mb())
                if mode == "compare-dask-files":
                    disk_by_stage[stage] = max(disk_by_stage.get(stage, 0.0), scratch_mb())
                for peak, (rss, held) in zip(peaks, now):
                    peak[0], peak[1] = max(peak[0], rss), max(peak[1], held)
                time.sleep(1.0)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    try:
        base_rss, c0, t0 = rss_mb(), cpu_s(), time.perf_counter()
        result = compare(reports, reference=ref, pair_engine=engine, progress=tick)
        sampling.append(True)
        res["compare_wall_s"] = round(time.perf_counter() - t0, 2)
        res["compare_client_cpu_s"] = round(cpu_s() - c0, 1)
        # index + candidate pairs + alignment: from the end of reading to the end of aligning
        res["pairs_and_alignment_wall_s"] = round(marks["aligning"][1] - marks["reading"][1], 2)
        res["pairs_and_alignment_client_cpu_s"] = round(cpu_marks["aligning"][1] - cpu_marks["reading"][1], 1)
        res["pairs_aligned"] = engine.counts.computed
        res["passages"] = len(result.passages)
        res["client_rss_before_mb"] = round(base_rss)
        res["client_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if client is not None:
            res["worker_peak_rss_mb"] = sorted(round(v / 1024) for v in client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
            res["worker_cpu_s"] = sorted(round(v, 1) for v in client.run(
                lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])).values())
            res["worker_spilled_mb"] = sorted(round(v / 2**20) for v in client.run(
                lambda dask_worker: sum(v for k, v in dask_worker.digests_total.items()   # bytes written to disk
                                        if isinstance(k, tuple) and "disk-write" in k and k[-1] == "bytes")).values())
            res["worker_memory_limit"] = memory_limit
            # sampled once a second, by the compare stage then running: each worker's peak RSS and the
            # peak of the data Dask held for tasks there (prepared blocks, views, hash rows)
            res["worker_rss_by_stage_mb"] = {{s: [round(r) for r, _ in v] for s, v in by_stage.items()}}
            res["worker_held_by_stage_mb"] = {{s: [round(h) for _, h in v] for s, v in by_stage.items()}}
            res["client_rss_by_stage_mb"] = {{s: round(v) for s, v in client_by_stage.items()}}
            if disk_by_stage:   # the scratch files of the run (all workers), sampled as above
                res["scratch_disk_by_stage_mb"] = {{s: round(v) for s, v in disk_by_stage.items()}}
            res["scheduler_peak_rss_mb"] = round(client.run_on_scheduler(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024)
    finally:   # the scheduler and workers never outlive the measurement, even when it fails
        if client is not None:
            client.close()
        for proc in reversed(procs):
            proc.terminate(); proc.wait(30)
    print("RESULT " + json.dumps(res))
""")


def parsed_reports(files: list[Path], work: Path) -> Path:
    """The reports read once and pickled (kept in ``work``), so each compare child measures compare alone."""
    import pickle

    from nlp.structure import read_report

    out = work / f"reports-{len(files)}.pkl"
    if not out.is_file():
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps([read_report(f) for f in files], protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(out)
    return out


def run_compare_child(mode: str, reports: Path, workers: int, memory_limit: str | None = None) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", COMPARE_CHILD.format(root=str(ROOT)), mode, str(reports), str(workers),
                           memory_limit or "default"],
                          capture_output=True, text=True, env=env, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def compare_scale(sizes: list[int], workers: int, work: Path, modes: list[str], memory_limit: str | None) -> None:
    """Compare alone (reports read beforehand): in process vs sharded on ``workers`` Dask workers,
    client time, CPU and RSS for the index, candidate pairs and alignment; growth and the 1M projection."""
    rows: dict[str, list[tuple[int, dict]]] = {f"compare-{m}": [] for m in modes}
    for n in sizes:
        reports = parsed_reports(generated_corpus(n, work), work)
        for mode in rows:
            res = run_compare_child(mode, reports, workers, memory_limit)
            rows[mode].append((n, res))
            emit(res)
    compare_projection(rows, workers)


def compare_projection(rows: dict[str, list[tuple[int, dict]]], workers: int) -> None:
    """Marginal costs of the sharded compare between the smallest and largest size, and 1M reports on
    32 workers (with scratch files when measured: the mode whose worker memory does not grow with N)."""
    files = len(rows.get("compare-dask-files", [])) >= 2
    local, dask = rows.get("compare-in-process", []), rows.get("compare-dask-files" if files else "compare-dask", [])
    if len(dask) < 2 or len(local) < 2:
        return
    (n1, a), (n2, b) = dask[0], dask[-1]
    (_, la), (_, lb) = local[0], local[-1]
    dn = n2 - n1
    pairs_exp = exponent((n1, a["pairs_aligned"]), (n2, b["pairs_aligned"]))
    worker_cpu_per_pair = (sum(b["worker_cpu_s"]) - sum(a["worker_cpu_s"])) / max(1, b["pairs_aligned"] - a["pairs_aligned"])
    client_cpu_per_report = (b["compare_client_cpu_s"] - a["compare_client_cpu_s"]) / dn
    client_mb_per_1000 = (b["client_peak_rss_mb"] - a["client_peak_rss_mb"]) / dn * 1000
    local_mb_per_1000 = (lb["client_peak_rss_mb"] - la["client_peak_rss_mb"]) / dn * 1000
    growth = {   # least-squares slopes over every size
        "pairs_aligned_fit": fit_exponent([(n, r["pairs_aligned"]) for n, r in dask]),
        "in_process_compare_cpu": fit_exponent([(n, r["compare_client_cpu_s"]) for n, r in local]),
        "in_process_client_peak_rss": fit_exponent([(n, r["client_peak_rss_mb"]) for n, r in local]),
        "in_process_compare_rss_above_input": fit_exponent([(n, r["client_peak_rss_mb"] - r["client_rss_before_mb"])
                                                            for n, r in local]),
        "dask_client_peak_rss": fit_exponent([(n, r["client_peak_rss_mb"]) for n, r in dask]),
        "dask_compare_rss_above_input": fit_exponent([(n, r["client_peak_rss_mb"] - r["client_rss_before_mb"])
                                                      for n, r in dask]),
        "dask_worker_peak_rss_fit": fit_exponent([(n, max(r["worker_peak_rss_mb"])) for n, r in dask]),
        "dask_worker_cpu": fit_exponent([(n, sum(r["worker_cpu_s"])) for n, r in dask]),
        "dask_wall": fit_exponent([(n, r["compare_wall_s"]) for n, r in dask]),
        "pairs_aligned": pairs_exp,
        "in_process_pairs_and_alignment_cpu": exponent((n1, la["pairs_and_alignment_client_cpu_s"]),
                                                       (n2, lb["pairs_and_alignment_client_cpu_s"])),
        "dask_client_cpu": exponent((n1, a["compare_client_cpu_s"]), (n2, b["compare_client_cpu_s"])),
        "dask_worker_peak_rss": exponent((n1, max(a["worker_peak_rss_mb"])), (n2, max(b["worker_peak_rss_mb"]))),
    }
    emit({"compare_between_n": [n1, n2], "sharded_mode": "compare-dask-files" if files else "compare-dask",
          "growth_exponents": growth,
                      "marginal": {"worker_cpu_s_per_pair": round(worker_cpu_per_pair, 5),
                                   "dask_client_cpu_s_per_report": round(client_cpu_per_report, 4),
                                   "dask_client_mb_per_1000_reports": round(client_mb_per_1000, 1),
                                   "in_process_client_mb_per_1000_reports": round(local_mb_per_1000, 1)}})
    N, W = 1_000_000, 32
    k = max(1.0, pairs_exp or 1.0)
    pairs_1m = b["pairs_aligned"] * (N / n2) ** k
    emit({
        "compare_projection": f"{N} reports on {W} workers, compare sharded",
        "pairs_aligned": round(pairs_1m),
        "alignment_on_workers_hours": round(pairs_1m * worker_cpu_per_pair / W / 3600, 1),
        "client_compare_hours": round((b["compare_client_cpu_s"] + client_cpu_per_report * (N - n2)) / 3600, 1),
        "client_peak_rss_gb": round((b["client_peak_rss_mb"] + client_mb_per_1000 * (N - n2) / 1000) / 1024, 1),
        "worker_peak_rss_mb": max(b["worker_peak_rss_mb"]),
        "assumptions": [
            f"candidate pairs grow as N^{k} (measured between {n1} and {n2}, at least 1) and each costs the "
            "measured marginal worker CPU (the index shuffle included), spread over the workers",
            "the client's compare work (reading streams, masks, clustering, measures) grows linearly per report",
            "client memory grows linearly at the measured marginal MB per report: the input reports it is "
            "handed and compare's slim per-report data (content stream, template codes, positional hashes, "
            "passages and measures); the index rows and the alignment data stay on the workers",
            ("worker memory is one task's inputs plus the alignment cache (the stages pass their data "
             "through scratch files): flat in N, as measured; the shared scratch disk grows as N"
             if files else
             "worker memory per task is bounded by the hash partition (one per 128 reports) and the 2 x 32 "
             "reports of an alignment tile; the prepared blocks (all reports, slim) wait in the cluster until "
             "their last tile: past the worker memory limit Dask spills them to the worker's disk, so the "
             "resident memory per worker is set by the limit, the disk per worker grows as N / workers"),
        ],
    })
