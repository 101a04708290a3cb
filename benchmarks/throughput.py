"""Throughput: ``xxgk analyze`` cold on generated reports, the summaries stage batched, Dask at scale.

    python3 benchmarks/throughput.py analyze --n 200 [--modes in-process,dask] [--workers 2] [--repeat 3]
                                     [--device cpu] [--batch-size 32] [--precision bf16] [--stages ...]
    python3 benchmarks/throughput.py summaries --corpus demo|N [--devices cpu,cuda] [--batch-sizes 1,32]
    python3 benchmarks/throughput.py dask-scale --n 10000 --workers 14 [--stages parse,tables,themes]

``analyze``: the real command (``python3 -m cli analyze GEN -o OUT --force`` into a fresh OUT,
all stages unless ``--stages``; ``--root``: another checkout, e.g. the code before) in a child process, in-process and with ``--engine dask --workers W``;
wall time, CPU time of the whole process tree (client and workers), reports/s, reports per CPU-second,
peak RSS of the largest process and the load average before and after (1, 5, 15 minutes). On a shared machine the CPU figures are the ones to compare;
``--repeat R`` runs the modes R times, alternating, and prints each mode's min / median / max reports/s
(single runs of the same code moved by up to 3 s of wall on 1,000 reports here).

``summaries``: the summaries stage alone (``nlp.summaries.summarize_many``, levels part and
section) on parsed reports, per device and batch size: reports/s, units/s and generated
headlines/s (model loaded before the clock starts), and how many summaries differ from the
first device / batch size measured (0 means identical output).

``dask-scale``: a generated corpus (made by several processes at once) through the per-report
stages on a local Dask cluster of W workers (``nlp.engine.run_report_stages``): wall time, peak
RSS per worker; then, unless ``--no-client``, the client's ``analyze`` over the filled cache
(checks, compare, outputs).

Every figure is printed as one JSON line (and appended to ``--json FILE``). The generated corpora
are kept under ``--work`` (default: a temporary folder) so a second run skips generating them.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _corpus import ROOT

#: reports per generated part: the generator names at most 150 agencies, 5 years each
PART_REPORTS = 750
YEARS = 5


def emit(record: dict, sink: Path | None) -> None:
    line = json.dumps(record, ensure_ascii=False)
    print(line, flush=True)
    if sink is not None:
        with sink.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


def _write_part(args: tuple[str, int, int]) -> int:
    from corpora.generate import CorpusConfig, write_corpus

    folder, n, seed = args
    m = write_corpus(Path(folder), CorpusConfig(agencies=max(1, n // YEARS), years=YEARS, start_year=2019, seed=seed))
    return len(m["reports"])


def generated_corpus(n: int, work: Path, processes: int = 1) -> Path:
    """A folder of about ``n`` generated reports (parts of up to 750, each its own seed), made once."""
    root = work / f"generated-{n}"
    done = work / f"generated-{n}.json"    # beside the corpus, not in it (analyze would read it)
    if done.is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    parts = max(1, math.ceil(n / PART_REPORTS), min(processes, n // 100))   # parts of 100+ reports, in parallel
    sizes = [n // parts + (1 if k < n % parts else 0) for k in range(parts)]
    jobs = [(str(root / f"part-{k:03d}"), size, 100 + k) for k, size in enumerate(sizes)]
    t0 = time.perf_counter()
    if processes > 1 and parts > 1:
        with ProcessPoolExecutor(min(processes, parts)) as pool:
            made = sum(pool.map(_write_part, jobs))
    else:
        made = sum(_write_part(j) for j in jobs)
    done.write_text(json.dumps({"reports": made, "seconds": round(time.perf_counter() - t0, 1)}))
    return root


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".jsonl", ".json"))


def children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


# ------------------------------------------------------------------ analyze (the CLI, cold)

def analyze_run(corpus: Path, out: Path, mode: str, workers: int, device: str, batch_size: int,
                stages: str | None, timeout: float | None, root: Path = ROOT, plain: bool = False,
                local_workers: int | None = None, precision: str | None = None) -> dict:
    """One cold run (a fresh output folder, so nothing comes from the cache) of ``root``'s CLI;
    ``plain``: without --device/--batch-size (a checkout from before they existed); ``local_workers``:
    ``--workers`` of the in-process run (None: the command's default, the available cores);
    ``precision``: the headline model's ``--precision`` (None: the command's default)."""
    cmd = [sys.executable, "-m", "cli", "analyze", str(corpus), "-o", str(out), "--force"]
    if not plain:
        cmd += ["--device", device, "--batch-size", str(batch_size)]
    if precision:
        cmd += ["--precision", precision]
    if stages:
        cmd += ["--stages", stages]
    if mode == "dask":
        cmd += ["--engine", "dask", "--workers", str(workers)]
    elif local_workers is not None:
        cmd += ["--workers", str(local_workers)]
    shutil.rmtree(out, ignore_errors=True)
    load0 = os.getloadavg()
    c0, t0 = children_cpu(), time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"bench": "analyze", "mode": mode, "error": f"timed out after {timeout} s"}
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    summary = next((ln for ln in proc.stdout.splitlines() if " reports (" in ln), "")
    n = int(summary.split()[0]) if summary else 0
    res = {"bench": "analyze", "code": str(root), "mode": mode,
           "workers": workers if mode == "dask" else (local_workers or "default"),
           "device": device if not plain else "-", "batch_size": batch_size if not plain else "-",
           "precision": precision or "default", "stages": stages or "all", "reports": n, "wall_s": round(wall, 1),
           "cpu_s": round(cpu, 1), "reports_per_s": round(n / wall, 2) if wall else None,
           "reports_per_cpu_s": round(n / cpu, 2) if cpu else None,
           "peak_rss_mb_largest_process": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
           "load_before": [round(x, 2) for x in load0], "load_after": [round(x, 2) for x in os.getloadavg()]}
    if proc.returncode != 0 or not n:
        res["error"] = (proc.stderr or proc.stdout)[-1500:]
    return res


def bench_analyze(a: argparse.Namespace, work: Path, sink: Path | None) -> None:
    corpus = generated_corpus(a.n, work, a.processes)
    emit({"bench": "corpus", "reports": len(report_files(corpus)),
          **json.loads((work / f"generated-{a.n}.json").read_text())}, sink)
    rates: dict[str, list[float]] = {}
    for _ in range(a.repeat):   # the modes alternate, so a change in the machine's load touches both
        for mode in a.modes.split(","):
            res = analyze_run(corpus, work / f"out-{mode}", mode, a.workers, a.device, a.batch_size, a.stages,
                              a.timeout, a.root, a.plain, a.local_workers, a.precision)
            emit(res, sink)
            if res.get("reports_per_s") and "error" not in res:
                rates.setdefault(mode, []).append(res["reports_per_s"])
    if a.repeat > 1:
        for mode, xs in rates.items():
            emit({"bench": "analyze-runs", "mode": mode, "runs": len(xs), "reports_per_s": xs,
                  "min": min(xs), "median": statistics.median(xs), "max": max(xs)}, sink)


# ------------------------------------------------------------------ the summaries stage alone

def bench_summaries(a: argparse.Namespace, work: Path, sink: Path | None) -> None:
    from corpora import DEMO_DIR
    from nlp.errors import XxgkError
    from nlp.structure import read_report
    from nlp.summaries import load_model, resolve_device, summarize_many

    corpus = DEMO_DIR if a.corpus == "demo" else generated_corpus(int(a.corpus), work, a.processes)
    files = report_files(corpus)
    reports = [read_report(p) for p in files]
    reference: list[dict] | None = None
    levels = a.levels.split(",")
    for device in a.devices.split(","):
        try:
            device = resolve_device(device)
        except XxgkError as e:  # a device the machine lacks is reported, the others go on
            emit({"bench": "summaries", "device": device, "error": str(e)}, sink)
            continue
        load_model(None, device)
        summarize_many(reports[:2], level="part", device=device)   # warm-up: kernels, tokenizer, guard's jieba
        sizes = a.gpu_batch_sizes if device.startswith("cuda") and a.gpu_batch_sizes else a.batch_sizes
        for bs in (int(b) for b in sizes.split(",")):
            t0, c0 = time.perf_counter(), time.process_time()
            out = [s.to_dict() for level in levels
                   for per in summarize_many(reports, level=level, batch_size=bs, device=device) for s in per]
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            generated = sum(1 for s in out if s.get("generated") is not None)
            differ = None if reference is None else sum(x != y for x, y in zip(reference, out)) + abs(len(reference) - len(out))
            if reference is None:
                reference = out
            emit({"bench": "summaries", "corpus": a.corpus, "reports": len(reports), "levels": a.levels,
                  "device": device, "batch_size": bs, "units": len(out), "generated": generated,
                  "wall_s": round(wall, 2), "process_cpu_s": round(cpu, 2), "reports_per_s": round(len(reports) / wall, 1),
                  "units_per_s": round(len(out) / wall, 1), "generated_per_s": round(generated / wall, 1),
                  "differ_from_first": differ,
                  "guard_passed": sum(1 for s in out if s["faithful"] is True)}, sink)


# ------------------------------------------------------------------ Dask at scale (per-report stages)

def bench_dask_scale(a: argparse.Namespace, work: Path, sink: Path | None) -> None:
    from nlp.engine import EngineConfig, dask_client, run_report_stages

    t0 = time.perf_counter()
    corpus = generated_corpus(a.n, work, a.processes)
    files = report_files(corpus)
    emit({"bench": "corpus", "reports": len(files), "seconds": round(time.perf_counter() - t0, 1)}, sink)
    stages = a.stages.split(",")
    out = work / f"out-scale-{a.n}"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    config = EngineConfig("dask", workers=a.workers, partition_size=a.partition_size)
    with dask_client(config, stages) as client:   # the cluster `--engine dask --workers N` starts
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        options = {"device": a.device, "batch_size": a.batch_size}
        written = run_report_stages(files, out / ".cache", config, stages, options, client=client)
        wall = time.perf_counter() - t1
        rss = sorted(round(v / 1024) for v in client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        cpu = sorted(round(v, 1) for v in client.run(lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])).values())
    emit({"bench": "dask-scale", "stage": "per-report", "reports": len(files), "entries": written,
          "workers": a.workers, "stages": a.stages, "cluster_start_s": round(started, 1), "wall_s": round(wall, 1),
          "reports_per_s": round(len(files) / wall, 1), "worker_peak_rss_mb": rss, "worker_cpu_s": cpu}, sink)
    if a.no_client:
        return
    from nlp.analysis import analyze

    t1, c1 = time.perf_counter(), time.process_time()
    r = analyze(files, out, stages=stages + [s for s in ("checks", "compare") if s in a.client_stages.split(",")],
                force=True)
    emit({"bench": "dask-scale", "stage": "client (cache, checks, compare, outputs)", "reports": len(r.analyses),
          "cache_hits": r.cache_hits, "wall_s": round(time.perf_counter() - t1, 1),
          "cpu_s": round(time.process_time() - c1, 1),
          "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}, sink)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", choices=["analyze", "summaries", "dask-scale"])
    ap.add_argument("--n", type=int, default=200, help="generated reports")
    ap.add_argument("--corpus", default="demo", help="summaries: 'demo' or a number of generated reports")
    ap.add_argument("--modes", default="in-process,dask", help="analyze: in-process, dask or both")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers of the dask mode")
    ap.add_argument("--local-workers", type=int, default=None,
                    help="analyze: --workers of the in-process mode (default: the command's, the available cores)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--devices", default="cpu", help="summaries: devices to compare (first = reference)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--batch-sizes", default="1,32", help="summaries: batch sizes to compare (first = reference)")
    ap.add_argument("--gpu-batch-sizes", default=None, help="summaries: batch sizes on CUDA (default: --batch-sizes)")
    ap.add_argument("--levels", default="part,section", help="summaries: levels")
    ap.add_argument("--stages", default=None, help="analyze: --stages of the run (default all); "
                                                    "dask-scale: per-report stages (default parse,tables,themes)")
    ap.add_argument("--client-stages", default="checks,compare", help="dask-scale: corpus-wide stages on the client")
    ap.add_argument("--no-client", action="store_true", help="dask-scale: only the per-report stages")
    ap.add_argument("--partition-size", type=int, default=32)
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="processes generating the corpus")
    ap.add_argument("--repeat", type=int, default=1,
                    help="analyze: runs of each mode, alternating (then min / median / max reports/s per mode)")
    ap.add_argument("--timeout", type=float, default=None, help="analyze: seconds per run before it is given up")
    ap.add_argument("--root", type=Path, default=ROOT, help="analyze: the checkout whose CLI runs (default: this one)")
    ap.add_argument("--precision", default=None, help="analyze: the headline model's --precision (fp32, bf16)")
    ap.add_argument("--plain", action="store_true", help="analyze: no --device/--batch-size (an older checkout)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (kept; default: a temporary one)")
    ap.add_argument("--json", type=Path, default=None, help="append every figure here as a JSON line")
    a = ap.parse_args()
    if a.bench == "dask-scale" and a.stages is None:
        a.stages = "parse,tables,themes"
    work = a.work or Path(tempfile.mkdtemp(prefix="xxgk-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        {"analyze": bench_analyze, "summaries": bench_summaries, "dask-scale": bench_dask_scale}[a.bench](a, work, a.json)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
