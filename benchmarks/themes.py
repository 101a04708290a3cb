"""Theme classification speed on one core: sentences/second of the shipped ThemeClassifier
(content model + keyword prior + part restriction, sentences alone and with their paragraph
as context) and reports/second for classify_themes on the shared corpus.
With ``--loao``: the leave-one-agency-out cross-validation instead (the corpus parsed and
the word segmentation cached once per run; hyperparameters overridable for ablations;
``--heading-only`` scores only heading-labelled sections, as before part 五's halves were scored;
``--pretrain THEMES`` adds the items mined from ../shared/pretrain, ``--pretrain-unlabelled`` its
disclosure paragraphs to self-training: ``nlp.themes.mining``; ``--generated THEMES`` chooses which
themes' units of generated reports join training, ``nlp.themes.generated``).
Prints figures; run: python benchmarks/themes.py [--loao]"""
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
    ap.add_argument("--loao", action="store_true", help="run the leave-one-agency-out CV instead of the speed test")
    ap.add_argument("--self-training", type=float, default=None, help="override the self-training threshold (0: off)")
    ap.add_argument("--bias-folds", type=int, default=None, help="override the nested prior-shift folds (0: off)")
    ap.add_argument("--keyword-weight", type=float, default=None)
    ap.add_argument("--encoder-weight", type=float, default=None, help="override the encoder features' weight (0: off)")
    ap.add_argument("--encoder-blend", type=float, default=None, help="override the encoder model's blend weight")
    ap.add_argument("--plan-weight", type=float, default=None, help="override the plan gate's weight (0: off)")
    ap.add_argument("--plan-source", choices=("prose", "corpus"), default="prose",
                    help="the plan gate's sentence model: fitted on the pre-training work reports (shipped) or, "
                         "in every fold, on the training texts")
    ap.add_argument("--c", type=float, default=None, help="override the logistic regression's C")
    ap.add_argument("--heading-only", action="store_true", help="score heading-labelled sections only (no halves)")
    ap.add_argument("--encoder-cost", action="store_true",
                    help="also time the summarizer-encoder features (not in the shipped model) on the same sentences")
    ap.add_argument("--pretrain", default=None, metavar="THEMES",
                    help="--loao: add the items mined from ../shared/pretrain (nlp.themes.mining) of these themes "
                         "(comma-separated, or 'all') to every fold's training data")
    ap.add_argument("--pretrain-unlabelled", action="store_true",
                    help="--loao: add the pre-training paragraphs that speak of disclosure to the self-training pool")
    ap.add_argument("--pretrain-dir", default=str(ROOT.parent / "shared" / "pretrain"))
    ap.add_argument("--generated", default=None, metavar="THEMES",
                    help="themes whose units of generated reports join training (comma-separated, 'all' or 'none'; "
                         "default: the shipped rule, the themes with few sections, nlp.themes.generated.scarce_themes)")
    ap.add_argument("--generated-seed", type=int, default=None, help="seed of the generated corpus (default: shipped)")
    ap.add_argument("--bootstrap", type=int, default=1000)
    args = ap.parse_args()
    if args.loao:
        loao(args)
        return

    from nlp.batch import expand_inputs
    from nlp.segmentation import get_tokenizer
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
    no_part = [ThemeInput(x.text) for x in alone]
    for label, inputs, kw in (("sentences alone, keywords + parts (shipped)", alone, True),
                              ("sentences alone, no part known (text without structure: the plan gate on all)",
                               no_part, True),
                              ("sentences with paragraph context (as classify_themes)", in_context, True),
                              ("content model alone", alone, False)):
        wall, cpu = best_of(3, lambda: model.predict_proba(inputs, keywords=kw))
        print(f"{label}: {len(inputs) / cpu:,.0f} sentences per CPU-second ({chars / cpu:,.0f} chars), "
              f"{len(inputs) / wall:,.0f}/s wall ({len(inputs)} sentences)")
    if args.encoder_cost:
        import torch

        from nlp.themes.encoder import EncoderFeatures

        torch.set_num_threads(1)
        enc, texts = EncoderFeatures(), [x.text for x in alone]
        enc.pooled(texts[:10])
        wall, cpu = best_of(2, lambda: enc.pooled(texts))
        print(f"encoder features alone (off in the shipped model): {len(texts) / cpu:,.0f} sentences per CPU-second, "
              f"{len(texts) / wall:,.0f}/s wall")
    wall, cpu = best_of(2, lambda: [classify_themes(r, "sentence", model=model) for r in reports])
    print(f"classify_themes (sections decoded per part + paragraphs + sentences): {len(reports) / cpu:.1f} reports "
          f"and {len(alone) / cpu:,.0f} sentences per CPU-second end to end ({len(reports) / wall:.1f} reports/s wall)")


def cache_encoder_features() -> None:
    """Encoder features computed once per distinct text within this run."""
    import numpy as np

    from nlp.themes.encoder import EncoderFeatures

    raw = EncoderFeatures.pooled
    seen: dict[str, np.ndarray] = {}

    def pooled(self, texts):
        todo = list(dict.fromkeys(t for t in texts if t not in seen))
        if todo:
            seen.update(zip(todo, raw(self, todo)))
        return np.stack([seen[t] for t in texts]) if texts else raw(self, [])

    EncoderFeatures.pooled = pooled


def loao(args) -> None:
    """Leave-one-agency-out figures per level, with the improvements/problems/other confusion."""
    import functools

    import nlp.themes.estimator as estimator
    from nlp.themes.evaluate import cross_validate
    from nlp.themes.labels import corpus_units, unlabelled_units
    from nlp.themes.model import HYPERPARAMETERS, new_estimator
    from nlp.themes.plan import plan_model_from_prose
    from nlp.themes.train import read_corpus

    # the same analyzer, computed once per distinct text within this run
    estimator.word_analyzer = functools.lru_cache(maxsize=None)(estimator.word_analyzer)
    cache_encoder_features()
    overrides = {k: v for k, v in (("self_training", args.self_training), ("bias_folds", args.bias_folds),
                                   ("keyword_weight", args.keyword_weight),
                                                   ("encoder_weight", args.encoder_weight), ("c", args.c),
                                                   ("encoder_blend", args.encoder_blend),
                                                   ("plan_weight", args.plan_weight))
                 if v is not None}
    reports, _, _ = read_corpus(Path(args.corpus))
    units = corpus_units(reports)
    if args.heading_only:
        for u in units:
            if u.source == "half":
                u.source = "weak"
    pool = unlabelled_units(reports, units)
    if args.pretrain:
        from collections import Counter

        from nlp.themes.mining import mined_items

        wanted = None if args.pretrain == "all" else args.pretrain.split(",")
        mined = mined_items(args.pretrain_dir, wanted)
        print(f"mined from {args.pretrain_dir}: {len(mined)} items "
              + " ".join(f"{t} {n}" for t, n in sorted(Counter(u.theme for u in mined).items())))
        units = units + mined
    if args.pretrain_unlabelled:
        from nlp.themes.mining import prose_paragraphs

        extra = prose_paragraphs(args.pretrain_dir)
        print(f"self-training pool: {len(pool)} units of the corpus + {len(extra)} pre-training paragraphs")
        pool = pool + extra
    from nlp.themes.generated import GENERATED_TRAINING, generated_units, scarce_themes
    from nlp.themes.taxonomy import THEME_KEYS

    themes = {None: scarce_themes(units), "none": (), "all": THEME_KEYS}.get(
        args.generated, tuple((args.generated or "").split(",")))
    seed = GENERATED_TRAINING["seed"] if args.generated_seed is None else args.generated_seed
    generated = generated_units(themes, seed=seed)
    print(f"generated units ({', '.join(themes) or 'none'}; seed {seed}): {len(generated)}")
    units = units + generated
    plan_model = None
    if args.plan_source == "prose" and overrides.get("plan_weight", HYPERPARAMETERS["plan_weight"]) > 0:
        plan_model, info = plan_model_from_prose(args.pretrain_dir)
        print(f"plan gate: {info['sentences']} sentences ({info['plan_sentences']} plans) of {info['documents']} "
              f"work reports in {args.pretrain_dir}")
    c0 = time.process_time()
    cv = cross_validate(units, lambda: new_estimator(**overrides), bootstrap=args.bootstrap, unlabelled=pool,
                        plan_model=plan_model)
    print(f"leave-one-agency-out: {cv.folds} folds, {cv.sections} sections, overrides {overrides or 'none'}, "
          f"{time.process_time() - c0:.0f} CPU-s")
    for name, level in cv.levels.items():
        per = " ".join(f"{t} {v['f1']:.2f}" for t, v in level.per_theme.items())
        print(f"  {name:<16} macro-F1 {level.macro_f1:.3f} [{level.ci95[0]:.3f}, {level.ci95[1]:.3f}] "
              f"n={level.units}  {per}")
    for name in ("section", "section_parts", "section_ordered"):
        rows = cv.levels[name].confusion
        print(f"  confusion ({name}): " + "; ".join(f"{t} → {rows[t]}" for t in ("improvements", "problems", "other")
                                                     if t in rows))


if __name__ == "__main__":
    main()
