"""How analyze grows with the corpus: in-process vs Dask workers on generated corpora.

    python3 benchmarks/scale.py [--sizes 250,1000] [--workers 2] [--summary-sample 24] [--pdf]

For each size N a corpus of N reports is generated (``corpora.generate``: N/5 agencies ×
5 years, more years past 150 agencies; every text format). Each run is a fresh child process (cold: imports and models
loaded inside the measurement), so its peak RSS is its own:

- ``in-process``: ``nlp.analyze`` with parse, tables, checks, themes and compare;
- ``dask``: the same through ``nlp.engine`` on a local cluster of ``--workers`` worker
  processes (one thread each); peak RSS per worker and of the client (checks and
  compare run on the client);
- summaries are measured apart on ``--summary-sample`` reports (parse + summaries, cold);
- ``--pdf``: PDF ingest (reports/s) on the shared PDFs, PDFium vs pdfplumber;
- ``--compare``: compare alone on the reports read beforehand, in process vs sharded on the
  Dask workers (``nlp.engine.sharded``): time, CPU and RSS of the client for the index,
  candidate pairs and alignment, worker CPU and peak RSS, and the 1M projection with it.

It prints one JSON line per measurement and, at the end, the growth exponents between
the sizes and a projection to 1,000,000 reports on 32 workers, with its assumptions.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _corpus import CORPUS, ROOT

STAGES = ["parse", "tables", "checks", "themes", "compare"]
YEARS = 5
MAX_AGENCIES = 150

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    mode, files_json, out, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    files = json.load(open(files_json))
    stages = {stages!r}
    marks = {{}}
    cpu_marks = {{}}
    t0 = time.perf_counter()
    def tick(stage, done, total):
        now, cpu = time.perf_counter() - t0, time.process_time()
        marks.setdefault(stage.split(":")[0], [now, now])[1] = now
        cpu_marks.setdefault(stage.split(":")[0], [cpu, cpu])[1] = cpu
    def cpu_s():
        u = resource.getrusage(resource.RUSAGE_SELF)
        return u.ru_utime + u.ru_stime
    res = {{"mode": mode, "n": len(files)}}
    if mode == "in-process":
        from nlp.analysis import analyze
        r = analyze(files, out, stages=stages, use_cache=False, progress=tick)
    elif mode == "summaries":
        from nlp.analysis import analyze
        r = analyze(files, out, stages=["parse", "summaries"], use_cache=False, progress=tick)
    else:
        from distributed import Client, LocalCluster
        from nlp.analysis import analyze
        from nlp.engine import EngineConfig, run_report_stages
        from pathlib import Path
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        cfg = EngineConfig("dask", scheduler=cluster.scheduler_address, partition_size=16)
        run_report_stages([Path(f) for f in files], Path(out) / ".cache", cfg, stages)
        marks["workers"] = [0.0, time.perf_counter() - t0]
        r = analyze(files, out, stages=stages, progress=tick)
        res["worker_peak_rss_mb"] = sorted(round(v / 1024) for v in client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        res["worker_cpu_s"] = sorted(round(v, 1) for v in client.run(
            lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])).values())
        client.close(); cluster.close()
    res["wall_s"] = round(time.perf_counter() - t0, 2)
    res["marks_s"] = {{k: [round(a, 2), round(b, 2)] for k, (a, b) in marks.items()}}
    res["cpu_spans_s"] = {{k: round(b - a, 2) for k, (a, b) in cpu_marks.items()}}
    res["client_cpu_s"] = round(cpu_s(), 1)
    res["reports"] = len(r.analyses)
    res["failures"] = len(r.failures)
    res["client_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print("RESULT " + json.dumps(res))
""")


def run_child(mode: str, files: list[Path], workers: int, tmp: Path) -> dict:
    listing = tmp / f"{mode}-{len(files)}.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    out = tmp / f"out-{mode}-{len(files)}"
    code = CHILD.format(root=str(ROOT), stages=STAGES)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", code, mode, str(listing), str(out), str(workers)],
                          capture_output=True, text=True, env=env, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{mode} on {len(files)} reports failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def generated_corpus(n: int, tmp: Path) -> list[Path]:
    from corpora.generate import CorpusConfig, write_corpus

    d = tmp / f"corpus-{n}"
    # the generator names at most MAX_AGENCIES agencies: larger corpora get more years
    years = next((y for y in range(YEARS, n + 1) if n % y == 0 and n // y <= MAX_AGENCIES), max(YEARS, -(-n // MAX_AGENCIES)))
    m = write_corpus(d, CorpusConfig(agencies=max(1, n // years), years=years, seed=7))
    return sorted(d / e["file"] for e in m["reports"])


def pdf_ingest(tmp: Path) -> dict:
    """PDF reports per second (and per CPU-second) through each reader: the shared PDFs, plus the demo
    corpus printed by headless Chromium where it is installed."""
    from corpora.generate import CorpusConfig, write_corpus
    from nlp.ingest.pdf import read_pdf

    files = sorted((CORPUS / "reports").glob("*.pdf"))
    try:
        m = write_corpus(tmp / "pdf", CorpusConfig(agencies=3, years=2, seed=5, formats=("pdf",)))
        files += [tmp / "pdf" / e["file"] for e in m["reports"]]
    except RuntimeError as e:
        print(json.dumps({"generated_pdfs": f"skipped: {e}"}), flush=True)
    data = [(str(f), f.read_bytes()) for f in files]
    out = {"files": len(files)}
    for reader in ("pdfplumber", "pdfium"):
        read_pdf(data[0][1], data[0][0], [], [], reader=reader)  # warm the imports
        t0, c0 = time.perf_counter(), time.process_time()
        rounds = 3
        for _ in range(rounds):
            for path, body in data:
                read_pdf(body, path, [], [], reader=reader)
        # per CPU-second as well: on a shared machine the wall clock measures the neighbours
        out[f"{reader}_reports_per_s"] = round(rounds * len(data) / (time.perf_counter() - t0), 1)
        out[f"{reader}_reports_per_cpu_s"] = round(rounds * len(data) / (time.process_time() - c0), 1)
    return out


def exponent(a: tuple[int, float], b: tuple[int, float]) -> float | None:
    (n1, y1), (n2, y2) = a, b
    return round(math.log(y2 / y1) / math.log(n2 / n1), 2) if n1 != n2 and y1 > 0 and y2 > 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="250,1000", help="comma-separated corpus sizes (reports)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--summary-sample", type=int, default=24, help="reports for the summaries measurement (0: skip)")
    ap.add_argument("--pdf", action="store_true", help="also measure PDF ingest on the shared PDFs")
    ap.add_argument("--compare", action="store_true", help="only compare: in process vs sharded on the workers")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.compare:
        compare_scale(sizes, args.workers)
        return
    rows: dict[str, list[tuple[int, dict]]] = {"in-process": [], "dask": []}
    with tempfile.TemporaryDirectory(prefix="xxgk-scale-") as t:
        tmp = Path(t)
        if args.pdf:
            print(json.dumps({"pdf_ingest": pdf_ingest(tmp)}), flush=True)
        summary = None
        for n in sizes:
            t0 = time.perf_counter()
            files = generated_corpus(n, tmp)
            print(json.dumps({"generated": len(files), "seconds": round(time.perf_counter() - t0, 1)}), flush=True)
            for mode in rows:
                res = run_child(mode, files, args.workers, tmp)
                res["reports_per_s"] = round(res["reports"] / res["wall_s"], 2)
                rows[mode].append((n, res))
                print(json.dumps(res), flush=True)
            if args.summary_sample and summary is None:
                summary = run_child("summaries", files[:args.summary_sample], 1, tmp)
                summary["reports_per_s"] = round(summary["reports"] / summary["wall_s"], 2)
                print(json.dumps(summary), flush=True)
    report_growth(rows, args.workers, summary)


def _span(res: dict, stage: str) -> float:
    a, b = res["marks_s"].get(stage, (0.0, 0.0))
    return b - a


def report_growth(rows: dict[str, list[tuple[int, dict]]], workers: int, summary: dict | None) -> None:
    """Marginal costs between the smallest and the largest size, and the 1M/32-worker projection.

    Marginal (difference between two sizes) so the fixed start-up costs (imports, model
    loading, cluster start) drop out; growth exponents are printed alongside.
    """
    dask_rows = rows["dask"]
    if len(dask_rows) < 2:
        return
    (n1, a), (n2, b) = dask_rows[0], dask_rows[-1]
    (_, la), (_, lb) = rows["in-process"][0], rows["in-process"][-1]
    dn = n2 - n1
    # CPU seconds, not wall: this machine's cores are shared, a cluster's are not
    worker_s = (sum(b["worker_cpu_s"]) - sum(a["worker_cpu_s"])) / dn   # worker CPU seconds per report
    compare = {n1: la["cpu_spans_s"].get("compare", 0.0), n2: lb["cpu_spans_s"].get("compare", 0.0)}
    checks = {n1: la["cpu_spans_s"].get("checks", 0.0), n2: lb["cpu_spans_s"].get("checks", 0.0)}
    growth = {
        "in_process_wall": exponent((n1, la["wall_s"]), (n2, lb["wall_s"])),
        "dask_per_report_stages": exponent((n1, _span(a, "workers")), (n2, _span(b, "workers"))),
        "compare_time": exponent((n1, compare[n1]), (n2, compare[n2])),
        "checks_time": exponent((n1, checks[n1]), (n2, checks[n2])),
        "worker_peak_rss": exponent((n1, max(a["worker_peak_rss_mb"])), (n2, max(b["worker_peak_rss_mb"]))),
        "client_peak_rss": exponent((n1, la["client_peak_rss_mb"]), (n2, lb["client_peak_rss_mb"])),
    }
    marginal = {
        "in_process_cpu_s_per_report": round((lb["client_cpu_s"] - la["client_cpu_s"]) / dn, 4),
        "dask_worker_cpu_s_per_report": round(worker_s, 4),
        "client_mb_per_1000_reports": round((lb["client_peak_rss_mb"] - la["client_peak_rss_mb"]) / dn * 1000, 1),
    }
    print(json.dumps({"between_n": [n1, n2], "growth_exponents": growth, "marginal": marginal}), flush=True)
    N, W = 1_000_000, 32
    per_worker_rate = 1 / worker_s if worker_s > 0 else float("nan")   # reports per CPU-second of one worker
    k = max(1.0, growth["compare_time"] or 1.0)
    proj = {
        "projection": f"{N} reports on {W} workers",
        "per_report_stages_hours": round(N / (W * per_worker_rate) / 3600, 2),
        "compare_on_client_hours": round(compare[n2] * (N / n2) ** k / 3600, 1),
        "checks_on_client_hours": round(checks[n2] * (N / n2) / 3600, 2),
        "client_peak_rss_gb": round((lb["client_peak_rss_mb"] + marginal["client_mb_per_1000_reports"] * (N - n2) / 1000)
                                    / 1024, 1),
        "worker_peak_rss_mb": max(b["worker_peak_rss_mb"]),
        "summaries_hours_on_32_workers": round(N / (W * summary["reports_per_s"]) / 3600, 1) if summary else None,
        "assumptions": [
            f"per-report stages scale linearly in workers at the measured marginal {per_worker_rate:.2f} reports "
            "per CPU-second per worker (one thread and one dedicated core each)",
            f"compare as run in process here, its CPU time growing as N^{k} (measured exponent, at least 1); "
            "sharded on the workers it is projected by --compare",
            "client memory grows linearly at the measured marginal MB per report (the shingle index of compare)",
            "worker memory is bounded by the partition (16 reports) and the models, not by N",
            "summaries: the cold single-process rate of the sample, per worker",
        ],
    }
    print(json.dumps(proj, ensure_ascii=False), flush=True)


# ------------------------------------------------------------------ compare sharded (issue 15, item 1)

COMPARE_CHILD = textwrap.dedent("""
    import json, pickle, resource, sys, time
    sys.path.insert(0, {root!r})
    mode, reports_pickle, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
    if mode == "compare-dask":
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
        procs += [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                    "--no-dashboard", "--local-directory", f"{{scratch}}/w{{k}}"], **quiet)
                  for k in range(workers)]
        client = Client(address, timeout="60s")
        client.wait_for_workers(workers, timeout=120)
        engine = DaskPairs(client, reports_per_task=32)
    else:
        engine = LocalPairs()
    base_rss, c0, t0 = rss_mb(), cpu_s(), time.perf_counter()
    result = compare(reports, reference=ref, pair_engine=engine, progress=tick)
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
        res["scheduler_peak_rss_mb"] = round(client.run_on_scheduler(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024)
        client.close()
        for proc in reversed(procs):
            proc.terminate(); proc.wait(30)
    print("RESULT " + json.dumps(res))
""")


def parsed_reports(files: list[Path], tmp: Path) -> Path:
    """The reports read once and pickled, so each compare child measures compare alone."""
    import pickle

    from nlp.structure import read_report

    out = tmp / f"reports-{len(files)}.pkl"
    out.write_bytes(pickle.dumps([read_report(f) for f in files], protocol=pickle.HIGHEST_PROTOCOL))
    return out


def run_compare_child(mode: str, reports: Path, workers: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", COMPARE_CHILD.format(root=str(ROOT)), mode, str(reports), str(workers)],
                          capture_output=True, text=True, env=env, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def compare_scale(sizes: list[int], workers: int) -> None:
    """Compare alone (reports read beforehand): in process vs sharded on ``workers`` Dask workers,
    client time, CPU and RSS for the index, candidate pairs and alignment; growth and the 1M projection."""
    rows: dict[str, list[tuple[int, dict]]] = {"compare-in-process": [], "compare-dask": []}
    with tempfile.TemporaryDirectory(prefix="xxgk-scale-compare-") as t:
        tmp = Path(t)
        for n in sizes:
            reports = parsed_reports(generated_corpus(n, tmp), tmp)
            for mode in rows:
                res = run_compare_child(mode, reports, workers)
                rows[mode].append((n, res))
                print(json.dumps(res), flush=True)
    compare_projection(rows, workers)


def compare_projection(rows: dict[str, list[tuple[int, dict]]], workers: int) -> None:
    """Marginal costs of the sharded compare between the smallest and largest size, and 1M reports on 32 workers."""
    local, dask = rows["compare-in-process"], rows["compare-dask"]
    if len(dask) < 2:
        return
    (n1, a), (n2, b) = dask[0], dask[-1]
    (_, la), (_, lb) = local[0], local[-1]
    dn = n2 - n1
    pairs_exp = exponent((n1, a["pairs_aligned"]), (n2, b["pairs_aligned"]))
    worker_cpu_per_pair = (sum(b["worker_cpu_s"]) - sum(a["worker_cpu_s"])) / max(1, b["pairs_aligned"] - a["pairs_aligned"])
    client_cpu_per_report = (b["compare_client_cpu_s"] - a["compare_client_cpu_s"]) / dn
    client_mb_per_1000 = (b["client_peak_rss_mb"] - a["client_peak_rss_mb"]) / dn * 1000
    local_mb_per_1000 = (lb["client_peak_rss_mb"] - la["client_peak_rss_mb"]) / dn * 1000
    growth = {
        "pairs_aligned": pairs_exp,
        "in_process_pairs_and_alignment_cpu": exponent((n1, la["pairs_and_alignment_client_cpu_s"]),
                                                       (n2, lb["pairs_and_alignment_client_cpu_s"])),
        "dask_client_cpu": exponent((n1, a["compare_client_cpu_s"]), (n2, b["compare_client_cpu_s"])),
        "dask_worker_peak_rss": exponent((n1, max(a["worker_peak_rss_mb"])), (n2, max(b["worker_peak_rss_mb"]))),
    }
    print(json.dumps({"compare_between_n": [n1, n2], "growth_exponents": growth,
                      "marginal": {"worker_cpu_s_per_pair": round(worker_cpu_per_pair, 5),
                                   "dask_client_cpu_s_per_report": round(client_cpu_per_report, 4),
                                   "dask_client_mb_per_1000_reports": round(client_mb_per_1000, 1),
                                   "in_process_client_mb_per_1000_reports": round(local_mb_per_1000, 1)}}), flush=True)
    N, W = 1_000_000, 32
    k = max(1.0, pairs_exp or 1.0)
    pairs_1m = b["pairs_aligned"] * (N / n2) ** k
    print(json.dumps({
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
            "client memory grows linearly at the measured marginal MB per report: the prepared reports and "
            "their index rows, not the corpus index",
            "worker memory per task is bounded by the hash partition (one per 128 reports) and the 2 x 32 "
            "reports of an alignment tile; prepared blocks wait in the cluster's memory (spilled past the "
            "worker memory limit) until their last tile",
        ],
    }, ensure_ascii=False), flush=True)

if __name__ == "__main__":
    main()
