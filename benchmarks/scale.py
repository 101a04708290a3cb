"""How analyze grows with the corpus: in-process vs Dask workers on generated corpora.

    python3 benchmarks/scale.py [--sizes 1000,10000] [--workers 2] [--stages parse,tables,checks,themes]
                                [--modes in-process,dask] [--summary-sample 24] [--pdf]
                                [--work /tmp/scale-work] [--log FILE]
    python3 benchmarks/scale.py --compare [--sizes 1000,2000,5000] [--worker-memory-limit 1GiB]

For each size N a corpus of N reports is generated once under ``--work`` (reruns skip it;
``throughput.generated_corpus``: parts of 750 reports, 150 agencies × 5 years each, its own
seed, made by two processes; every text format). Each run is a fresh child process (cold:
imports and models loaded inside the measurement), so its peak RSS is its own:

- ``in-process``: ``nlp.analyze`` with parse, tables, checks, themes and compare;
- ``dask``: the same through ``nlp.engine`` on a local cluster of ``--workers`` worker
  processes (one thread each); peak RSS per worker and of the client (checks and
  compare run on the client);
- summaries are measured apart on ``--summary-sample`` reports (parse + summaries, cold);
- ``--pdf``: PDF ingest (reports/s) on the shared PDFs, PDFium vs pdfplumber;
- ``--compare``: compare alone on the reports read beforehand, in process vs sharded on the
  Dask workers (``nlp.engine.sharded``; ``scale_compare.py``): time, CPU and RSS of the client,
  worker CPU, peak RSS and bytes spilled, pairs aligned, and the 1M projection with it.

It prints one JSON line per measurement (also appended to ``--log``) and, at the end, the
growth exponents (least-squares slope of log y on log N over every size) and a projection to
1,000,000 reports on 32 workers, with its assumptions.
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

LOG: Path | None = None

STAGES = ["parse", "tables", "checks", "themes", "compare"]
YEARS = 5
MAX_AGENCIES = 150

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    mode, files_json, out, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    files = json.load(open(files_json))
    stages = json.loads(sys.argv[5])
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
        from nlp.analysis import analyze
        from nlp.engine import EngineConfig, dask_client, run_report_stages
        from pathlib import Path
        cfg = EngineConfig("dask", workers=workers, partition_size=16)
        with dask_client(cfg, stages) as client:   # the cluster `--engine dask --workers N` starts
            run_report_stages([Path(f) for f in files], Path(out) / ".cache", cfg, stages, client=client)
            marks["workers"] = [0.0, time.perf_counter() - t0]
            r = analyze(files, out, stages=stages, progress=tick)
            res["worker_peak_rss_mb"] = sorted(round(v / 1024) for v in client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
            res["worker_cpu_s"] = sorted(round(v, 1) for v in client.run(
                lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])).values())
    res["wall_s"] = round(time.perf_counter() - t0, 2)
    res["marks_s"] = {{k: [round(a, 2), round(b, 2)] for k, (a, b) in marks.items()}}
    res["cpu_spans_s"] = {{k: round(b - a, 2) for k, (a, b) in cpu_marks.items()}}
    res["client_cpu_s"] = round(cpu_s(), 1)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    res["client_children_cpu_s"] = round(kids.ru_utime + kids.ru_stime, 1)   # a process pool's, if any
    res["stages"] = stages
    res["reports"] = len(r.analyses)
    res["failures"] = len(r.failures)
    res["client_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print("RESULT " + json.dumps(res))
""")


def emit(record: dict) -> None:
    """One JSON line on stdout, and appended to ``--log``."""
    line = json.dumps(record, ensure_ascii=False)
    print(line, flush=True)
    if LOG is not None:
        with LOG.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


def run_child(mode: str, files: list[Path], workers: int, tmp: Path, stages: list[str] = STAGES) -> dict:
    import shutil

    listing = tmp / f"{mode}-{len(files)}.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    out = tmp / f"out-{mode}-{len(files)}"
    shutil.rmtree(out, ignore_errors=True)   # cold: nothing from an earlier run's cache
    code = CHILD.format(root=str(ROOT))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", code, mode, str(listing), str(out), str(workers), json.dumps(stages)],
                          capture_output=True, text=True, env=env, check=False)
    shutil.rmtree(out, ignore_errors=True)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{mode} on {len(files)} reports failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def generated_corpus(n: int, work: Path) -> list[Path]:
    """The files of ``n`` generated reports, made once under ``work`` (two processes)."""
    from throughput import generated_corpus as make, report_files

    return report_files(make(n, work, processes=2))


def fit_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log y on log N (None with fewer than two usable points)."""
    pts = [(math.log(n), math.log(y)) for n, y in points if n > 0 and y and y > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx, my = sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts), 2)


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
    ap.add_argument("--stages", default=",".join(STAGES), help="per-report runs: the analyze stages")
    ap.add_argument("--modes", default="in-process,dask", help="in-process, dask (with --compare also dask-files: the "
                    "sharded stages pass their data through scratch files)")
    ap.add_argument("--work", default="/tmp/scale-work", help="generated corpora kept here (reruns skip generating)")
    ap.add_argument("--log", default=None, help="append every JSON line to this file")
    ap.add_argument("--worker-memory-limit", default=None,
                    help="--compare: each Dask worker's memory limit (spills past 60%% of it; default: Dask's)")
    ap.add_argument("--from-log", default=None,
                    help="no runs: the growth and projections from the measurements in this JSON-lines log")
    args = ap.parse_args()
    if args.from_log:
        growth_from_log(Path(args.from_log), args.workers)
        return
    global LOG
    LOG = Path(args.log) if args.log else None
    if __name__ == "__main__":   # scale_compare imports this file as ``scale``: the same log there
        import scale

        scale.LOG = LOG
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.compare:
        from scale_compare import compare_scale

        compare_scale(sizes, args.workers, work, modes, args.worker_memory_limit)
        return
    stages = [s for s in args.stages.split(",") if s]
    rows: dict[str, list[tuple[int, dict]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="xxgk-scale-", dir=work) as t:
        tmp = Path(t)
        if args.pdf:
            emit({"pdf_ingest": pdf_ingest(tmp)})
        summary = None
        for n in sizes:
            t0 = time.perf_counter()
            files = generated_corpus(n, work)
            emit({"generated": len(files), "seconds": round(time.perf_counter() - t0, 1)})
            for mode in rows:
                res = run_child(mode, files, args.workers, tmp, stages)
                res["reports_per_s"] = round(res["reports"] / res["wall_s"], 2)
                rows[mode].append((n, res))
                emit(res)
            if args.summary_sample and summary is None:
                summary = run_child("summaries", files[:args.summary_sample], 1, tmp)
                summary["reports_per_s"] = round(summary["reports"] / summary["wall_s"], 2)
                emit(summary)
    if "in-process" in rows and "dask" in rows:
        report_growth(rows, args.workers, summary)


def growth_from_log(log: Path, workers: int) -> None:
    """Growth and projections from a log's measurements (the last one per mode and size), e.g. when
    the largest size was measured by a separate run."""
    from scale_compare import compare_projection

    last: dict[tuple[str, int], dict] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if "mode" in rec and "n" in rec:
            last[(rec["mode"], rec["n"])] = rec
    rows: dict[str, list[tuple[int, dict]]] = {}
    for (mode, n), rec in sorted(last.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        rows.setdefault(mode, []).append((n, rec))
    if "dask" in rows and "in-process" in rows:
        report_growth({"in-process": rows["in-process"], "dask": rows["dask"]}, workers, None)
    if ("compare-dask" in rows or "compare-dask-files" in rows) and "compare-in-process" in rows:
        compare_projection(rows, workers)


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
    local = rows["in-process"]
    growth = {   # least-squares slopes over every size
        "in_process_wall": fit_exponent([(n, r["wall_s"]) for n, r in local]),
        "in_process_cpu": fit_exponent([(n, r["client_cpu_s"]) for n, r in local]),
        "dask_wall": fit_exponent([(n, r["wall_s"]) for n, r in dask_rows]),
        "dask_per_report_stages_wall": fit_exponent([(n, _span(r, "workers")) for n, r in dask_rows]),
        "dask_worker_cpu": fit_exponent([(n, sum(r["worker_cpu_s"])) for n, r in dask_rows]),
        "compare_time": fit_exponent([(n, r["cpu_spans_s"].get("compare", 0.0)) for n, r in local]),
        "checks_time": fit_exponent([(n, r["cpu_spans_s"].get("checks", 0.0)) for n, r in local]),
        "worker_peak_rss": fit_exponent([(n, max(r["worker_peak_rss_mb"])) for n, r in dask_rows]),
        "in_process_peak_rss": fit_exponent([(n, r["client_peak_rss_mb"]) for n, r in local]),
        "dask_client_peak_rss": fit_exponent([(n, r["client_peak_rss_mb"]) for n, r in dask_rows]),
    }
    marginal = {
        "in_process_cpu_s_per_report": round((lb["client_cpu_s"] - la["client_cpu_s"]) / dn, 4),
        "dask_worker_cpu_s_per_report": round(worker_s, 4),
        "client_mb_per_1000_reports": round((lb["client_peak_rss_mb"] - la["client_peak_rss_mb"]) / dn * 1000, 1),
    }
    emit({"between_n": [n1, n2], "growth_exponents": growth, "marginal": marginal})
    N, W = 1_000_000, 32
    per_worker_rate = 1 / worker_s if worker_s > 0 else float("nan")   # reports per CPU-second of one worker
    k = max(1.0, growth["compare_time"] or 1.0)
    proj = {
        "projection": f"{N} reports on {W} workers",
        "per_report_stages_hours": round(N / (W * per_worker_rate) / 3600, 2),
        "compare_on_client_hours": round(compare[n2] * (N / n2) ** k / 3600, 1) if compare[n2] else None,
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
            "worker memory is bounded by the partition (16 reports) and the models, not by N (the measured "
            f"worker peak RSS exponent: {growth['worker_peak_rss']})",
            "summaries: the cold single-process rate of the sample, per worker",
        ],
    }
    emit(proj)


if __name__ == "__main__":
    main()
