"""Where ``xxgk analyze`` spends its time: CPU milliseconds per report of each stage and output, cold.

    python3 benchmarks/stage_times.py --n 200 [--jobs 1] [--work DIR] [--json FILE]

Runs :func:`nlp.engine.analyze` (in-process engine, all stages) on ``--n`` generated reports into a
fresh folder with timers wrapped around the stage functions and the output writers; prints one JSON
line: per part its CPU ms/report (this process; the forked parse children and pool workers are
counted in ``children``), the run's wall and CPU time, and the load average before and after.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from _corpus import ROOT  # noqa: F401  (puts the project on sys.path)

TIMES: dict[str, float] = {}


def timed(owner: object, name: str, label: str) -> None:
    """Replace ``owner.name`` with a wrapper adding its CPU time (this process) to ``TIMES[label]``."""
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        c0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[label] = TIMES.get(label, 0.0) + time.process_time() - c0

    setattr(owner, name, wrapper)


def children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def timed_parts() -> list[tuple[object, str, str]]:
    """(module or class, function name, label) of each stage and output :func:`main` times."""
    import nlp.analysis.brief as brief
    import nlp.analysis.job as job
    import nlp.analysis.outputs as outputs
    import nlp.analysis.stages as stages
    import nlp.checks
    import nlp.comparison
    import nlp.panel.panel as panel

    return [(job, "run_guarded_each", "parse+tables (parent side)"), (stages, "_themes", "themes"),
            (stages, "_summaries", "summaries (part, report)"), (job.ReportCache, "put", "cache write"),
            (nlp.checks, "check", "checks"), (stages, "report_briefings", "briefings"),
            (nlp.comparison, "compare", "compare"), (job, "panel_of", "panel"),
            (outputs, "report_record", "out: reports.jsonl records"),
            (outputs, "write_csv", "out: cells.csv + findings.csv (streamed)"),
            (panel, "_write_xlsx", "out: xlsx"), (panel, "_write_csv", "out: panel csv"),
            (panel, "_write_parquet", "out: parquet"), (outputs, "write_outputs", "out: all files, made and published"),
            (brief, "render_brief", "out: brief.html")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=None, help="analyze's --jobs (default: the command's default)")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    import throughput

    from nlp.engine import EngineConfig
    from nlp.engine import analyze as engine_analyze

    work = a.work or Path(tempfile.mkdtemp(prefix="xxgk-stages-"))
    corpus = throughput.generated_corpus(a.n, work, os.cpu_count() or 1)
    out = work / "out-stages"
    shutil.rmtree(out, ignore_errors=True)
    for owner, name, label in timed_parts():
        timed(owner, name, label)
    load0 = os.getloadavg()
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    result = engine_analyze([corpus], out, EngineConfig(workers=a.jobs), force=True)
    wall, cpu, kids = time.perf_counter() - t0, time.process_time() - c0, children_cpu() - k0
    n = len(result.analyses)
    rec = {"bench": "stage-times", "reports": n, "jobs": a.jobs, "wall_s": round(wall, 1), "cpu_s_self": round(cpu, 1),
           "cpu_s_children": round(kids, 1), "reports_per_s": round(n / wall, 2),
           "reports_per_cpu_s": round(n / (cpu + kids), 2), "load_before": [round(x, 2) for x in load0],
           "load_after": [round(x, 2) for x in os.getloadavg()],
           "ms_per_report": {k: round(v / n * 1000, 1) for k, v in TIMES.items()}}
    line = json.dumps(rec, ensure_ascii=False)
    print(line)
    if a.json:
        with a.json.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
