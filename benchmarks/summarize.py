"""Summarizer latency and memory on CPU (issue 7): prints figures, asserts nothing.

Per 600-character section (windows cut from the shared reports' prose): extractive
summary + headline, abstractive headline greedy and beam 4 (the shipped model's
default generated variant and the plain body -> heading variant), peak RSS.

    python benchmarks/summarize.py [--threads 1] [--sections 20] [--model models/summarizer]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sections_600(n: int) -> list[str]:
    """600-character windows of report prose (tables excluded), from every complete report."""
    from nlp.structure import read_report
    from nlp.summarize import _body_for_model

    prose = ""
    for f in sorted((SHARED / "corpus" / "reports").iterdir()):
        r = read_report(f)
        tables = [(t.start, t.end) for t in r.tables]
        for s in r.sections():
            prose += _body_for_model(r, s.start, s.end, tables)
    return [prose[k:k + 600] for k in range(0, len(prose) - 600, 600)][:n]


def timed(fn, items) -> list[float]:
    out = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t)
    return out


def show(name: str, ts: list[float]) -> None:
    print(f"{name:<42} median {statistics.median(ts) * 1000:8.1f} ms   mean {statistics.mean(ts) * 1000:8.1f} ms"
          f"   max {max(ts) * 1000:8.1f} ms   (n={len(ts)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sections", type=int, default=20)
    ap.add_argument("--model", default=str(ROOT / "models" / "summarizer"))
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    from nlp.summarize.extractive import extract, lead_clause
    from nlp.summarize.model import load_headline_model

    secs = sections_600(a.sections)
    print(f"{len(secs)} sections of 600 characters; torch threads {a.threads}; CPU fp32")
    base = peak_rss_mb()
    show("extractive (sentences + headline)", timed(lambda s: (extract(s, max_chars=200), lead_clause(s)), secs))
    t = time.perf_counter()
    m = load_headline_model(Path(a.model))
    print(f"model load {time.perf_counter() - t:.2f} s; default variant {m.default_variant!r}; "
          f"copy bias {m.copy_bias}")
    m.headlines([secs[0]], m.default_variant)  # warm-up
    for variant in dict.fromkeys([m.card.get("best_abstractive_variant") or "extract_compress", "plain"]):
        for beams in (1, 4):
            show(f"abstractive {variant} {'greedy' if beams == 1 else f'beam {beams}'}",
                 timed(lambda s: m.headlines([s], variant, num_beams=beams), secs))
    print(f"peak RSS {peak_rss_mb():.0f} MB (before loading the model: {base:.0f} MB)")


if __name__ == "__main__":
    main()
