"""Benchmark of the table extractor and the consistency audit.

Prints
- reports/second for extract_tables + check on parsed reports (text already normalized
  and parsed), and for parse_text + extract + check from the normalized text, on one core;
- the cell accuracy on the shared complete reports against the values read by hand
  (the expectations of tests/test_tables.py): cells of tables 2, 3 and 4 whose value
  equals the printed number; and the same with every table-3 row re-printed without
  separators (the glued shape of HTML page text).

Usage: python benchmarks/tables.py [--rounds N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            cpu = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpu})
            return f"pinned to CPU {cpu}"
        except OSError:
            pass
    return "not pinned"


def accuracy(expected: dict, reports: dict) -> tuple[int, int, list[str]]:
    from nlp.tables import extract_tables
    from nlp.format import REQUEST_COLUMNS, REQUEST_ROWS_2019, REQUEST_ROWS_2021, REVIEW_BLOCKS, REVIEW_COLUMNS

    right = total = 0
    lines = []
    for name, exp in expected.items():
        t = extract_tables(reports[name])
        rows = REQUEST_ROWS_2021 if exp["layout"] == "2021" else REQUEST_ROWS_2019
        pairs = []
        for key, vals in zip(rows, exp["requests"]):
            pairs += [(t.value("requests", key, c), v) for c, v in zip(REQUEST_COLUMNS, vals)]
        review = [(b, c) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS]
        pairs += [(t.value("review_litigation", b, c), v) for (b, c), v in zip(review, exp["review"])]
        for row, vals in exp["proactive"].items():
            got = [c.value for c in t.table("proactive").cells if c.row == row] if t.table("proactive") else []
            got += [None] * (len(vals) - len(got))
            pairs += list(zip(got, vals))
        ok = sum(1 for g, v in pairs if g == v)
        right += ok
        total += len(pairs)
        lines.append(f"  {name:28s} {ok:4d}/{len(pairs):4d} cells")
    return right, total, lines


def demo_agreement(demo_dir: Path) -> list[str]:
    """Cells and failing rules on the generated demo corpus against its manifest (printed tables,
    expected failures), when corpora/demo exists."""
    import json

    from nlp.checks import check
    from nlp.structure import read_report
    from nlp.tables import extract_tables
    from nlp.format import REQUEST_COLUMNS, REVIEW_COLUMNS

    manifest = demo_dir / "manifest.jsonl"
    if not manifest.exists():
        return ["demo corpus: not found"]
    entries = [json.loads(ln) for ln in manifest.read_text(encoding="utf-8").splitlines() if ln.strip()]
    entries = [e for e in entries if e.get("type") == "report"]
    reports = [read_report(demo_dir / e["file"]) for e in entries]
    right = total = 0
    for e, r in zip(entries, reports):
        t = extract_tables(r)
        printed = e["tables"]["printed"]
        pairs = [(t.value("requests", row, c), v) for row, vals in printed["t3"].items() for c, v in zip(REQUEST_COLUMNS, vals)]
        pairs += [(t.value("review_litigation", b, c), v) for b, vals in printed["t4"].items() for c, v in zip(REVIEW_COLUMNS, vals)]
        pairs += [(t.value("proactive", row, c), v) for row, cols in printed["t2"].items() for c, v in cols.items()]
        right += sum(1 for g, v in pairs if g == v)
        total += len(pairs)
    findings = check(reports)
    tp = fp = fn = 0
    for e, r in zip(entries, reports):
        expected = {f["rule"] for f in e.get("expected_failures", [])}
        got = {f.rule for f in findings if f.report_id == r.id and f.status == "fail"}
        tp += len(expected & got)
        fp += len(got - expected)
        fn += len(expected - got)
    return [f"demo corpus ({len(reports)} generated reports, corpora/demo): cells {right}/{total} = {right / max(total, 1):.4f}; "
            f"failing rules vs manifest: {tp} found, {fn} missed, {fp} unexpected"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=30, help="passes over the corpus for the speed figure")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    pinned = pin_one_core()

    from test_tables import EXPECTED, glue_requests_rows  # the values read by hand from each report

    from conftest import REPORTS_DIR
    from nlp.checks import check
    from nlp.structure import parse_text, read_report
    from nlp.tables import extract_tables

    reports = {name: read_report(REPORTS_DIR / name) for name in EXPECTED}
    docs = list(reports.values())
    for r in docs:  # warm caches (regexes, label lookups)
        check([r])

    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for r in docs:
            check([r], tables=[extract_tables(r)])
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = args.rounds * len(docs)

    texts = [(r.text, r.format) for r in docs]
    t1, c1 = time.perf_counter(), time.process_time()
    rounds2 = max(1, args.rounds // 3)
    for _ in range(rounds2):
        for text, fmt in texts:
            check([parse_text(text, format=fmt)])
    dt2, cpu2 = time.perf_counter() - t1, time.process_time() - c1
    n2 = rounds2 * len(texts)

    right, total, lines = accuracy(EXPECTED, reports)
    glued_reports = {}
    for name in EXPECTED:
        if EXPECTED[name]["shape"] != "cell_per_line":
            text, _ = glue_requests_rows(reports[name])
            glued_reports[name] = parse_text(text, format=reports[name].format)
    g_right, g_total, _ = accuracy({k: EXPECTED[k] for k in glued_reports}, glued_reports)
    print(f"tables benchmark ({pinned}; {len(docs)} complete reports, {args.rounds} rounds)")
    print(f"extract+check on parsed reports: {n / dt:8.1f} reports/s wall, {n / cpu:8.1f} per CPU-second "
          f"({cpu / n * 1000:.2f} ms CPU/report)  target >= 100")
    print(f"parse+extract+check from text:   {n2 / dt2:8.1f} reports/s wall, {n2 / cpu2:8.1f} per CPU-second "
          f"({cpu2 / n2 * 1000:.2f} ms CPU/report)")
    print("(wall figures drop when other processes share the core; the CPU-second figures do not)")
    print(f"cell accuracy (tables 2, 3, 4 vs hand-read values): {right}/{total} = {right / total:.4f}")
    print("\n".join(lines))
    print("\n".join(demo_agreement(ROOT / "corpora" / "demo")))
    print(f"cell accuracy with every table-3 row re-printed glued (shape 'glued', {len(glued_reports)} reports): "
          f"{g_right}/{g_total} = {g_right / g_total:.4f}")


if __name__ == "__main__":
    main()
