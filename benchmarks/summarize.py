"""Summarizer latency, memory and headline quality on CPU: prints figures, asserts nothing.

Latency: per 600-character section (windows cut from the shared reports' prose):
extractive summary + headline, abstractive headline greedy and beam 4 (the shipped
model's default generated variant and the plain body -> heading variant), peak RSS.

Quality (``--quality``): on the held-out dev pairs (documents held out from training by
``pairs.split_by_document``; both miners) and on every section of every shared corpus
file: ROUGE-L of the generated headline decoded as before (no stutter blocking) and as
now, of the default headline after the guard, stuttering headlines before and after the
guard, and the guard's fall-back rate; ``--samples FILE`` writes sample headlines with
their sources (corpus text: keep that file outside the repository).

    python benchmarks/summarize.py [--threads 1] [--sections 20] [--model models/summarizer]
    python benchmarks/summarize.py --quality [--samples /tmp/samples.md]
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
    from nlp.summarize import body_for_model

    prose = ""
    for f in sorted((SHARED / "corpus" / "reports").iterdir()):
        r = read_report(f)
        tables = [(t.start, t.end) for t in r.tables]
        for s in r.sections():
            prose += body_for_model(r, s.start, s.end, tables)
    return [prose[k:k + 600] for k in range(0, len(prose) - 600, 600)][:n]


def timed(fn, items) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per item: CPU time of this process is what one thread costs when the
    machine is shared (wall time then includes waiting for a core)."""
    out = []
    for x in items:
        t, c = time.perf_counter(), time.process_time()
        fn(x)
        out.append((time.perf_counter() - t, time.process_time() - c))
    return out


def show(name: str, ts: list[tuple[float, float]]) -> None:
    wall, cpu = [w for w, _ in ts], [c for _, c in ts]
    print(f"{name:<44} wall median {statistics.median(wall) * 1000:7.1f} ms  max {max(wall) * 1000:7.1f} ms   "
          f"CPU median {statistics.median(cpu) * 1000:7.1f} ms  max {max(cpu) * 1000:7.1f} ms   (n={len(ts)})")


def corpus_sections() -> list[tuple[str, str, str]]:
    """(file, section key, body) of every section with prose in every shared corpus file."""
    from nlp.errors import XxgkError
    from nlp.structure import read_report
    from nlp.summarize.units import body_for_model, table_spans, units

    out = []
    for sub in ("reports", "excerpts", "web"):
        for f in sorted((SHARED / "corpus" / sub).glob("*")):
            if f.suffix.lower() not in (".txt", ".md", ".pdf", ".html", ".docx"):
                continue
            try:
                r = read_report(f)
            except XxgkError:
                continue
            spans = table_spans(r)
            for u in units(r, "section", spans):
                out.append((f"{sub}/{f.name}", u.key, body_for_model(r, u.body_start, u.end, spans)))
    return out


def quality(model_dir: Path, samples: Path | None) -> None:
    from nlp.summarize.extractive import fit_headline
    from nlp.summarize.guard import check_faithful, stutter
    from nlp.summarize.hf import read_headings_vocabulary
    from nlp.summarize.model import load_headline_model
    from nlp.summarize.pairs import dedupe, in_domain_pairs, parser_pairs, split_by_document
    from nlp.summarize.rouge import corpus_rouge

    m = load_headline_model(model_dir)
    vocab = read_headings_vocabulary(model_dir)
    variant = m.default_variant

    def run(bodies: list[str]) -> dict[str, list[str]]:
        old = [r["headline"] for r in m.headlines(bodies, variant, no_stutter=False)]
        new = [r["headline"] for r in m.headlines(bodies, variant)]
        passed = [check_faithful(h, b, vocab).passed for h, b in zip(new, bodies)]
        final = [h if ok else fit_headline(b) for h, ok, b in zip(new, passed, bodies)]
        return {"old": old, "new": new, "final": final, "passed": passed}

    def stutters(heads: list[str], bodies: list[str]) -> str:
        n = sum(stutter(h, b) is not None for h, b in zip(heads, bodies))
        return f"{n}/{len(heads)} ({100 * n / max(1, len(heads)):.1f}%)"

    print(f"model {model_dir} variant {variant!r}; stutter = a character 3x in a row, a doubled 2-4 character "
          "unit, or a doubled character the source does not double")
    for name, miner in (("line-miner dev (the shipped run's)", in_domain_pairs), ("parser dev", parser_pairs)):
        _, dev = split_by_document(dedupe(miner(SHARED / "corpus")), 0.4)
        bodies, refs = [p.body for p in dev], [p.heading for p in dev]
        res = run(bodies)
        print(f"{name}: {len(dev)} pairs, {len({p.doc for p in dev})} docs")
        for key, label in (("old", "generated, decoded as before"), ("new", "generated, stutter-free decoding"),
                           ("final", "default headline after the guard")):
            print(f"  ROUGE-L {label:<36} {corpus_rouge(res[key], refs).rougeL:.4f}   stutter "
                  f"{stutters(res[key], bodies)}")
        print(f"  guard fall-back {res['passed'].count(False)}/{len(bodies)}")
    secs = corpus_sections()
    bodies = [b for _, _, b in secs]
    res = run(bodies)
    print(f"every corpus section with prose: {len(secs)} sections")
    for key, label in (("old", "generated, decoded as before"), ("new", "generated, stutter-free decoding"),
                       ("final", "headline after the guard")):
        print(f"  stutter {label:<36} {stutters(res[key], bodies)}")
    fb = res["passed"].count(False)
    print(f"  guard fall-back {fb}/{len(bodies)} ({100 * fb / max(1, len(bodies)):.1f}%)")
    if samples:
        step = max(1, len(secs) // 30)
        lines = ["| # | file | section | generated (before) | generated (now) | guard | headline | source (first 80 chars) |",
                 "|---|---|---|---|---|---|---|---|"]
        for k, i in enumerate(range(0, len(secs), step)[:30], 1):
            f, key, body = secs[i]
            lines.append(f"| {k} | {f} | {key} | {res['old'][i]} | {res['new'][i]} | "
                         f"{'pass' if res['passed'][i] else 'fallback'} | {res['final'][i]} | {body[:80]} |")
        samples.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {samples}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sections", type=int, default=20)
    ap.add_argument("--model", default=str(ROOT / "models" / "summarizer"))
    ap.add_argument("--quality", action="store_true", help="headline quality instead of latency")
    ap.add_argument("--samples", type=Path, default=None, help="with --quality: write 30 sample headlines here")
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    if a.quality:
        quality(Path(a.model), a.samples)
        return
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
    show(f"  {m.default_variant} greedy without stutter blocking",
         timed(lambda s: m.headlines([s], m.default_variant, no_stutter=False), secs))
    print(f"peak RSS {peak_rss_mb():.0f} MB (before loading the model: {base:.0f} MB)")


if __name__ == "__main__":
    main()
