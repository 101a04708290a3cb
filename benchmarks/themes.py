"""Theme classification speed: sentences/second (batched model prediction) and reports/second
for classify_themes on the shared corpus. Prints figures; run: python benchmarks/themes.py"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--model", default=None)
    args = ap.parse_args()

    from nlp.batch import expand_inputs
    from nlp.segment import get_tokenizer
    from nlp.sentences import split_sentences
    from nlp.structure import read_report
    from nlp.themes import classify_themes
    from nlp.themes.labels import body_spans
    from nlp.themes.model import load_model

    files, _ = expand_inputs([args.corpus])
    reports = [read_report(f) for f in files]
    get_tokenizer()
    t0 = time.perf_counter()
    model = load_model(args.model)
    print(f"model load: {time.perf_counter() - t0:.2f} s; {len(reports)} reports")
    sentences, parts = [], []
    for r in reports:
        for p in r.parts:
            for s in p.sections:
                for a, b in body_spans(r, s):
                    for x, y in split_sentences(r.text, a, b):
                        sentences.append(r.text[x:y])
                        parts.append(p.key)
    chars = sum(len(s) for s in sentences)
    model.predict_proba(sentences[:10], parts[:10])
    for label, kw in (("model + keywords + parts (shipped)", True), ("calibrated model alone", False)):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            model.predict_proba(sentences, parts, keywords=kw)
            best = min(best, time.perf_counter() - t0)
        print(f"{label}: {len(sentences) / best:,.0f} sentences/s ({len(sentences)} sentences, "
              f"{chars / best:,.0f} chars/s)")
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for r in reports:
            classify_themes(r, "sentence", model=model)
        best = min(best, time.perf_counter() - t0)
    print(f"classify_themes (sections decoded per part + paragraphs + sentences): {len(reports) / best:.1f} reports/s, "
          f"{len(sentences) / best:,.0f} sentences/s end to end")


if __name__ == "__main__":
    main()
