"""Theme classification speed on one core: sentences/second of the shipped ThemeClassifier
(content model + keyword prior + part restriction, sentences alone and with their paragraph
as context) and reports/second for classify_themes on the shared corpus.
Prints figures; run: python benchmarks/themes.py"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(runs: int, fn) -> tuple[float, float]:
    """The shortest wall time and the shortest CPU time of this process over ``runs`` calls of
    ``fn`` (on a shared machine the CPU time is the one-core figure: waiting for the core is not in it)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu


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
    from nlp.themes.estimator import ThemeInput
    from nlp.themes.labels import body_spans
    from nlp.themes.model import load_model

    files, _ = expand_inputs([args.corpus])
    reports = [read_report(f) for f in files]
    get_tokenizer()
    t0 = time.perf_counter()
    model = load_model(args.model)
    print(f"model load: {time.perf_counter() - t0:.2f} s; {len(reports)} reports")
    alone, in_context = [], []
    for r in reports:
        for p in r.parts:
            for s in p.sections:
                for a, b in body_spans(r, s):
                    for x, y in split_sentences(r.text, a, b):
                        alone.append(ThemeInput(r.text[x:y], p.key))
                        in_context.append(ThemeInput(r.text[x:y], p.key, r.text[a:b]))
    chars = sum(len(s.text) for s in alone)
    model.predict_proba(alone[:10])
    for label, inputs, kw in (("sentences alone, keywords + parts (shipped)", alone, True),
                              ("sentences with paragraph context (as classify_themes)", in_context, True),
                              ("content model alone", alone, False)):
        wall, cpu = best_of(3, lambda: model.predict_proba(inputs, keywords=kw))
        print(f"{label}: {len(inputs) / cpu:,.0f} sentences per CPU-second ({chars / cpu:,.0f} chars), "
              f"{len(inputs) / wall:,.0f}/s wall ({len(inputs)} sentences)")
    wall, cpu = best_of(2, lambda: [classify_themes(r, "sentence", model=model) for r in reports])
    print(f"classify_themes (sections decoded per part + paragraphs + sentences): {len(reports) / cpu:.1f} reports "
          f"and {len(alone) / cpu:,.0f} sentences per CPU-second end to end ({len(reports) / wall:.1f} reports/s wall)")


if __name__ == "__main__":
    main()
