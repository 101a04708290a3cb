"""End-to-end speed of ``xxgk analyze``: reports per second on the demo corpus and on N generated reports.

    python benchmarks/analyze.py                 # demo corpus + 1,000 generated reports
    python benchmarks/analyze.py --n 200         # a smaller generated corpus
    python benchmarks/analyze.py --skip-large    # demo only

Each corpus is analysed twice into a fresh folder: cold (every file processed) and warm
(unchanged files from the content-hash cache; checks and compare always rerun). Prints
reports/second for both and the time of each stage group. Threads: OMP_NUM_THREADS=1.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from _corpus import ROOT  # noqa: E402  (puts the project on sys.path)


def run(label: str, inputs: Path, work: Path) -> None:
    from nlp.analysis import analyze, write_outputs

    out = work / f"out-{label}"
    shutil.rmtree(out, ignore_errors=True)
    for phase in ("cold", "warm"):
        marks: dict[str, float] = {}
        t0 = time.perf_counter()

        def tick(stage: str, done: int, total: int) -> None:
            key = stage.split(":")[0]
            marks[key] = time.perf_counter()

        result = analyze([inputs], out, progress=tick, write=False)
        analysed = time.perf_counter()
        result.files = write_outputs(result)
        total = time.perf_counter() - t0
        n = len(result.analyses)
        reports_end = marks.get("reports", t0)
        checks_end = marks.get("checks", reports_end)
        skipped = [s.stage for s in result.stages.values() if s.status == "skipped"]
        print(f"{label:>10} {phase}: {n} reports in {total:7.1f} s = {n / total:6.2f} reports/s"
              f" (per-report stages {reports_end - t0:.1f} s, checks {checks_end - reports_end:.1f} s,"
              f" compare {analysed - checks_end:.1f} s, writing {t0 + total - analysed:.1f} s;"
              f" cache hits {result.cache_hits}; failures {len(result.failures)};"
              f" skipped stages: {', '.join(skipped) or 'none'})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="generated reports (agencies × 8 years)")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    a = ap.parse_args()
    from corpora import DEMO_DIR
    from corpora.generate import CorpusConfig, write_corpus

    work = a.work or Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"project {ROOT}; scratch {work}")
    run("demo", DEMO_DIR, work)
    if not a.skip_large:
        years = 8
        agencies = max(1, a.n // years)
        gen = work / f"generated-{agencies * years}"
        t0 = time.perf_counter()
        write_corpus(gen, CorpusConfig(agencies=agencies, years=years, start_year=2019, seed=1))
        print(f"generated {agencies * years} reports ({agencies} agencies × {years} years) in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        run(f"gen{agencies * years}", gen, work)
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
