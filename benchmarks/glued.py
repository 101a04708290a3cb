"""Time to decode glued statistics tables (cells printed without delimiters).

Every demo and shared complete report is re-printed with its tables glued
(``corpora.render``, forms ``glued`` and ``oneline_drop``); the table reader's time per
table is printed (goal: ≤ 20 ms per table), with the share of cells read and left uncertain.

    python3 benchmarks/glued.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpora import DEMO_DIR  # noqa: E402
from corpora.render import compare, render  # noqa: E402
from nlp.structure import parse_text, read_report  # noqa: E402
from nlp.tables import extract_tables  # noqa: E402


def sources() -> list[Path]:
    shared = ROOT.parent / "shared" / "corpus" / "reports"
    files = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))
    return files + (sorted(shared.iterdir()) if shared.exists() else [])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    per_table: list[float] = []
    cells = equal = uncertain = 0
    for path in sources():
        report = read_report(path)
        tables = extract_tables(report)
        for form in ("glued", "oneline_drop"):
            rendering = render(report, tables, form)
            text = rendering.data if isinstance(rendering.data, str) else rendering.data.decode("utf-8")
            back = parse_text(text, filename=path.name)
            back.year, back.era = report.year, report.era
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                got = extract_tables(back)
                best = min(best, time.perf_counter() - t0)
            n = max(1, len(got.tables))
            per_table.append(best / n)
            a = compare(rendering.truth, back, got)
            cells += a.cells
            equal += a.equal
            uncertain += a.uncertain
    ms = [t * 1000 for t in per_table]
    print(f"glued tables: {len(ms)} renderings, per table median {statistics.median(ms):.2f} ms, "
          f"max {max(ms):.2f} ms (goal ≤ 20 ms)")
    print(f"cells: {equal}/{cells} equal ({equal / cells:.1%}), {uncertain} uncertain ({uncertain / cells:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
