"""Benchmark of nlp.comparison (``nlp.compare``): scale, a naive baseline, and planted-passage accuracy.

    python benchmarks/compare.py                       # everything (sizes 1000 5000 10000)
    python benchmarks/compare.py --sizes 1000 5000     # fewer sizes
    python benchmarks/compare.py --skip-scale --planted-rounds 12

1. **Scale** — reports built by recombining paragraphs of the shared corpus (6–14 random
   paragraphs each, half of them with their figures redrawn), compared with
   ``nlp.comparison.compare``; each size runs in a fresh process and prints wall time and
   peak resident memory (``ru_maxrss``; also the growth over the process's memory just
   before the comparison). Near-linear growth shows as a flat time per report.
2. **Naive baseline** — all pairs through ``difflib.SequenceMatcher`` (matching blocks of
   ≥ min_chars), on sizes it can finish within ``--baseline-budget`` seconds; larger sizes
   are projected from the measured time per pair (marked as projected).
3. **Planted copies** — whole sentences (40–200 characters) of real shared reports copied into
   other real reports at sentence boundaries (``nlp.comparison.synthetic.plant_sentence_copies``:
   inside parts, before the first heading, holding mandated phrases, beside contact items),
   ~30 per round: recall (both spans within ±5 characters), precision (reported spans that are
   planted or pre-existing), span error.

Reads ../shared at run time (XXGK_SHARED overrides). Prints figures; asserts nothing.

Measured 2026-12-04 on the 2-core development machine shared with other jobs (load 4–14, so wall
times are inflated; CPU times are the fairer figure). Old = the code before sentence snapping,
template by evidence and the reference table (commit 6c70dc5), run interleaved with the new one
on the same recombined reports (seed 0):

- scale, CPU seconds old → new: 1,000 reports 13.6 → 13.5 s; 3,000: 37.7 → 43.1 s (×1.14);
  10,000 (13.96 M chars): 133.8 → 157.5 s (×1.18; 168.6 s in a second run under other load),
  peak RSS 2,016 → 2,100 MB. New CPU per report 13.5 / 14.4 / 15.8 ms (×11.7 time for ×10 reports).
- planted whole-sentence copies (12 rounds): 328 cases, recall 0.9939 (both spans within ±5
  chars; mean error 0.00), precision 0.9990; per placement body 105/106, before the first
  heading 100/100, holding a mandated phrase or formula 28/28, beside a contact item 93/94.
- earlier figures (2026-11-26, free-form and sentence splices, old code): 287 cases, recall
  0.9930; difflib all pairs projected 105 h for 10,000 reports.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))


def corpus_reports():
    """Every shared report and excerpt, parsed, with the index's agency and year."""
    from nlp.structure import read_report

    corpus = SHARED / "corpus"
    out = []
    for line in open(corpus / "index.jsonl", encoding="utf-8"):
        d = json.loads(line)
        r = read_report(corpus / d["file"])
        r.agency, r.year = d["agency_norm"], d["year"]
        out.append(r)
    return sorted(out, key=lambda r: r.id)


def paragraph_pool() -> list[str]:
    from nlp.comparison.synthetic import paragraphs_of

    pool = []
    for r in corpus_reports():
        pool += paragraphs_of(r.text)
    return pool


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


# ------------------------------------------------------------------ 1. scale (one size per process)

def worker(n: int, seed: int, pool_file: str) -> dict:
    """One size in a fresh process (the paragraph pool comes from a file: the worker never
    parses PDFs, so its peak memory is the comparison's)."""
    from nlp.comparison import compare, load_reference
    from nlp.comparison.synthetic import recombine_paragraphs

    pool = json.loads(Path(pool_file).read_text(encoding="utf-8"))
    reports = recombine_paragraphs(pool, n, random.Random(seed))
    chars = sum(len(r.text) for r in reports)
    reference = load_reference()
    before = current_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    res = compare(reports, reference=reference)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_rss_mb()
    return {"reports": n, "chars": chars, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(peak, 1),
            "growth_mb": round(peak - before, 1), "passages": len(res.reuse_passages),
            "template_passages": len(res.template_passages), "similar_pairs": len(res.similar_pairs),
            "year_pairs": sum(1 for p in res.pairs if p.kind == "year_over_year")}


def run_scale(sizes: list[int], seed: int) -> list[dict]:
    import tempfile

    rows = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(paragraph_pool(), fh, ensure_ascii=False)
        pool_file = fh.name
    for n in sizes:
        proc = subprocess.run([sys.executable, __file__, "--worker", str(n), "--seed", str(seed), "--pool", pool_file],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            print(f"  size {n}: worker failed\n{proc.stderr[-2000:]}")
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"  {row['reports']:>6} reports  {row['chars'] / 1e6:6.2f} M chars  wall {row['seconds']:7.1f} s  "
              f"CPU {row['cpu_seconds']:7.1f} s ({1000 * row['cpu_seconds'] / row['reports']:5.2f} ms/report)  peak RSS {row['peak_rss_mb']:7.1f} MB "
              f"(+{row['growth_mb']:.1f} MB during compare)  passages {row['passages']}", flush=True)
    os.unlink(pool_file)
    return rows


# ------------------------------------------------------------------ 2. naive baseline

def naive_all_pairs(texts: list[str], min_chars: int, budget: float) -> tuple[int, float, int]:
    """All pairs through difflib; returns (pairs done, seconds, blocks found); stops at the budget."""
    import difflib

    t0 = time.perf_counter()
    done = found = 0
    for a in range(len(texts)):
        sm = difflib.SequenceMatcher(None, autojunk=False)
        sm.set_seq2(texts[a])
        for b in range(a + 1, len(texts)):
            sm.set_seq1(texts[b])
            found += sum(1 for blk in sm.get_matching_blocks() if blk.size >= min_chars)
            done += 1
            if time.perf_counter() - t0 > budget:
                return done, time.perf_counter() - t0, found
    return done, time.perf_counter() - t0, found


def run_baseline(sizes: list[int], scale_sizes: list[int], seed: int, budget: float) -> None:
    from nlp.comparison import compare
    from nlp.comparison.synthetic import recombine_paragraphs

    pool = paragraph_pool()
    per_pair = None
    for n in sizes:
        reports = recombine_paragraphs(pool, n, random.Random(seed))
        texts = ["".join(r.text.split()) for r in reports]
        total_pairs = n * (n - 1) // 2
        t0 = time.perf_counter()
        compare(reports)
        ours = time.perf_counter() - t0
        done, secs, found = naive_all_pairs(texts, 20, budget)
        per_pair = secs / max(1, done)
        status = "finished" if done == total_pairs else f"stopped at budget after {done} of {total_pairs} pairs"
        print(f"  {n:>6} reports: compare {ours:7.1f} s | difflib all pairs "
              f"{secs if done == total_pairs else per_pair * total_pairs:9.1f} s "
              f"({'measured' if done == total_pairs else 'projected'}; {status}; {per_pair * 1000:.2f} ms/pair)", flush=True)
    if per_pair:
        for n in scale_sizes:
            print(f"  {n:>6} reports: difflib all pairs projected {per_pair * n * (n - 1) / 2 / 3600:9.1f} h "
                  f"({n * (n - 1) // 2} pairs × {per_pair * 1000:.2f} ms)")


# ------------------------------------------------------------------ 3. planted passages

def run_planted(rounds: int, per_round: int) -> None:
    from nlp.comparison import compare, load_reference
    from nlp.comparison.synthetic import PLACEMENTS, plant_sentence_copies, score_planted

    base = corpus_reports()
    reference = load_reference()
    res = compare(base, reference=reference)
    existing: dict[str, list[tuple[int, int]]] = {}
    for p in res.reuse_passages:
        for m in p.members:
            existing.setdefault(m.report, []).append((m.start, m.end))
    cases = found = reported = true = 0
    errors: list[int] = []
    by_placement = {k: [0, 0] for k in PLACEMENTS}
    t0 = time.perf_counter()
    for k in range(rounds):
        planted = plant_sentence_copies(base, per_round, random.Random(1000 + k), res.template_spans, existing)
        score = score_planted(compare(planted.reports, reference=reference), planted, existing)
        cases += score.cases
        found += score.found
        reported += score.reported_spans
        true += score.true_spans
        errors += score.span_errors
        missed = {id(c) for c in score.misses}
        for c in planted.cases:
            by_placement[c.placement][0] += 1
            by_placement[c.placement][1] += id(c) not in missed
    print(f"  {cases} planted whole-sentence copies in {rounds} rounds ({time.perf_counter() - t0:.1f} s)")
    print(f"  recall {found / cases:.4f} ({found}/{cases}; both spans within ±5 chars)")
    print(f"  precision {true / max(1, reported):.4f} ({true}/{reported} reported spans planted or pre-existing)")
    for placement, (n, f) in by_placement.items():
        print(f"    {placement:>8}: {f}/{n} found")
    if errors:
        print(f"  span error: mean {sum(errors) / len(errors):.2f} chars, max {max(errors)} chars")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--baseline-sizes", type=int, nargs="+", default=[100, 300, 1000])
    ap.add_argument("--baseline-budget", type=float, default=60.0, help="seconds per baseline size")
    ap.add_argument("--planted-rounds", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-planted", action="store_true")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--pool", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seed, args.pool)))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    if not args.skip_planted:
        print("\n[planted passages: ground truth by construction]")
        run_planted(args.planted_rounds, 35)
    if not args.skip_baseline:
        print("\n[naive all-pairs difflib baseline vs compare]")
        run_baseline(args.baseline_sizes, args.sizes, args.seed, args.baseline_budget)
    if not args.skip_scale:
        print("\n[scale: recombined reports, one fresh process per size]")
        rows = run_scale(args.sizes, args.seed)
        if len(rows) >= 2:
            a, b = rows[0], rows[-1]
            print(f"  growth {a['reports']}→{b['reports']} reports (×{b['reports'] / a['reports']:.0f}): "
                  f"CPU time ×{b['cpu_seconds'] / a['cpu_seconds']:.1f}, wall ×{b['seconds'] / a['seconds']:.1f}, "
                  f"memory growth ×{b['growth_mb'] / max(a['growth_mb'], 1e-9):.1f}")


if __name__ == "__main__":
    main()
