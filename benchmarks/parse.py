"""Parsing throughput and peak memory over the shared corpus, repeated to ~1,000 reports.

Prints reports/second for text inputs (normalize + parse, one core) and, separately, for PDFs
(text-layer extraction dominates), plus peak Python memory (tracemalloc) and RSS.

    python benchmarks/parse.py [--target 1000]
"""
from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from _corpus import corpus_files

from nlp.ingest import read_source
from nlp.structure import parse_text, read_report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, default=1000, help="number of text reports to parse")
    ap.add_argument("--pdf-rounds", type=int, default=3, help="passes over the shared PDFs")
    args = ap.parse_args()

    text_files = corpus_files(text_only=True)
    pdfs = [f for f in corpus_files() if f.suffix.lower() == ".pdf"]

    # text inputs: full read_report (decode + normalize + parse) repeated to the target
    t0 = time.perf_counter()
    n = chars = 0
    while n < args.target:
        for f in text_files:
            r = read_report(f)
            chars += len(r.text)
            n += 1
            if n >= args.target:
                break
    dt = time.perf_counter() - t0
    print(f"text inputs: {n} reports ({len(text_files)} distinct files), {chars / 1e6:.2f} M chars in {dt:.2f} s "
          f"-> {n / dt:.1f} reports/s, {chars / dt / 1e6:.2f} M chars/s")
    tracemalloc.start()
    for f in text_files:
        read_report(f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced Python memory while reading one pass over the text files: {peak / 1e6:.1f} MB")

    # parse only (already-normalized text), to separate structure from ingest
    texts = [read_source(f).text for f in text_files]
    t0 = time.perf_counter()
    m = 0
    while m < args.target:
        for t in texts:
            parse_text(t)
            m += 1
            if m >= args.target:
                break
    dt2 = time.perf_counter() - t0
    print(f"structure only: {m} reports in {dt2:.2f} s -> {m / dt2:.1f} reports/s")

    t0 = time.perf_counter()
    k = 0
    for _ in range(args.pdf_rounds):
        for f in pdfs:
            read_report(f)
            k += 1
    dt3 = time.perf_counter() - t0
    print(f"PDF inputs: {k} reports ({len(pdfs)} distinct files) in {dt3:.2f} s -> {k / dt3:.2f} reports/s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
