"""Train the headline model: mine pairs, build the vocabulary, pre-train, fine-tune, score, package.

Stages (each bounded by steps and, optionally, wall-clock seconds; the card records
what actually ran):

1. ``pretrain``  span-corruption denoising of the generator on ../shared/pretrain text
2. ``finetune``  the pre-trained generator on two tasks: body -> heading ("full") and
   best clause + context -> heading ("compress", for extract-then-compress)
3. ``scorer``    a clause scorer (BART encoder initialised from the generator's) trained
   to pick the clause closest to the heading (listwise, soft ROUGE-L targets)
4. ``plain``     the ablation's plain model: random init, body -> heading only, as many
   body -> heading examples as the fine-tuned model saw
5. ``evaluate``  the ablation table on the in-domain dev split (held out by document),
   CSL abstract -> title, guard pass rate; the best variant becomes the default.

Run ``python -m nlp.summarize.train --out models/summarizer`` or ``xxgk train summarizer``.
"""
from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .charvocab import CharVocab
from .guard import headings_vocabulary
from .hf import HEADINGS_FILE, read_headings_vocabulary
from .loops import (
    compress_example,
    final_loss,
    lr_at,
    make_optimizer,
    optimizer_step,
    oracle_clauses,
    run_seq2seq,
    span_corrupt,
    weighted_pool,
)
from .model import (
    TGT_LEN,
    full_input,
    load_headline_model,
    new_generator,
    new_scorer,
    pad_batch,
    save_weights,
    scorer_input,
)
from .pairs import (
    PAIR_SOURCES,
    Pair,
    dedupe,
    in_domain_pairs,
    iter_pretrain_docs,
    parser_pairs,
    pretrain_pairs,
    sha256_file,
    split_by_document,
)
from .runlog import DEFAULT_SHARED, Log, log_to_stdout

#: what the artefact's headings vocabulary holds
HEADINGS_SOURCE = ("content words (jieba + domain dictionary, stopwords and numbers aside) of the training "
                   "headings: the guard lets a generated headline use them beyond its source")


@dataclass
class TrainPlan:
    """Steps and wall-clock caps per stage; ``in_domain_weight`` repeats in-domain pairs."""

    config: str = "small"
    seed: int = 13
    batch_size: int = 32
    # the shipped run: steps actually done (its wall-clock caps stopped pretrain, finetune and
    # scorer early) and the schedule lengths its learning-rate curves were planned for
    pretrain_steps: int = 706
    finetune_steps: int = 1170
    scorer_steps: int = 797
    pretrain_schedule: int | None = 900  # None: the stage's steps
    finetune_schedule: int | None = 1400
    scorer_schedule: int | None = 1000
    plain_steps: int = 0  # 0: half the fine-tune steps (the same number of body -> heading examples)
    pretrain_seconds: float | None = None
    finetune_seconds: float | None = None
    scorer_seconds: float | None = None
    plain_seconds: float | None = None
    in_domain_weight: int = 20
    dev_share: float = 0.4
    pretrain_lr: float = 1e-3
    finetune_lr: float = 5e-4
    max_pretrain_windows: int = 60000
    pretrain_len: int = 128
    max_train_pairs: int | None = None  # tiny slices for tests
    pretrain_sources: tuple[str, ...] | None = None  # None: every ../shared/pretrain file (CSL excluded)
    corpus_suffixes: tuple[str, ...] | None = None  # None: every report/excerpt file
    #: "parser" (pairs.parser_pairs: the project's parser, the default) or "lines" (pairs.in_domain_pairs,
    #: the line miner the shipped base run used before the parser existed)
    in_domain_miner: str = "parser"
    #: continue from this artefact (its vocabulary, generator and scorer) instead of a random init;
    #: the plain ablation model is then not trained
    init_from: str | None = None
    eval_limit: int | None = None
    csl_limit: int | None = 300
    checkpoint_every: int = 250
    threads: int = 1
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------ data

@dataclass
class Data:
    vocab: CharVocab
    train: list[Pair]
    dev_in: list[Pair]        # in-domain dev (held out by document): the ablation's test set
    dev_out: list[Pair]       # out-of-domain dev (held out by document): tuning (copy bias)
    windows: list[str]        # pre-training text windows
    hashes: dict[str, str]
    counts: dict[str, int]


def build_data(shared: Path, plan: TrainPlan, log: Log = log_to_stdout, vocab: CharVocab | None = None) -> Data:
    """Mine pairs, split by document, build the vocabulary (unless ``vocab`` is given: a
    continued model keeps its own) and the pre-training windows."""
    rng = random.Random(plan.seed)
    miner = parser_pairs if plan.in_domain_miner == "parser" else in_domain_pairs
    ind = dedupe(miner(shared / "corpus", plan.corpus_suffixes))
    ood = dedupe(pretrain_pairs(shared / "pretrain", plan.pretrain_sources or PAIR_SOURCES))
    ind_train, ind_dev = split_by_document(ind, plan.dev_share)
    ood_train, ood_dev = split_by_document(ood, 0.08)
    if plan.max_train_pairs:
        rng.shuffle(ood_train)
        ood_train = ood_train[: plan.max_train_pairs]
    log(f"pairs: in-domain {len(ind_train)} train / {len(ind_dev)} dev ({len({p.doc for p in ind_dev})} docs); "
        f"official prose {len(ood_train)} train / {len(ood_dev)} dev")
    windows: list[str] = []
    texts_for_vocab: list[str] = []
    for doc, name, text in iter_pretrain_docs(shared / "pretrain", plan.pretrain_sources):
        t = "".join(text.split())
        keep = 0.25 if name == "laws" else 1.0
        for k in range(0, max(0, len(t) - 32), plan.pretrain_len):
            if keep < 1.0 and rng.random() > keep:
                continue
            windows.append(t[k:k + plan.pretrain_len])
        texts_for_vocab.append(t if name != "laws" else t[:4000])
    rng.shuffle(windows)
    windows = windows[: plan.max_pretrain_windows]
    texts_for_vocab.extend(p.heading + p.body for p in ind + ood)
    vocab = vocab or CharVocab.build(texts_for_vocab, max_size=5000, min_count=3)
    used = [f for f in sorted((shared / "pretrain").glob("*.jsonl.gz")) if not f.name.startswith("csl")
            and (plan.pretrain_sources is None or f.name.split(".")[0] in plan.pretrain_sources)]
    for sub in ("reports", "excerpts"):
        used += [f for f in sorted((shared / "corpus" / sub).glob("*"))
                 if plan.corpus_suffixes is None or f.suffix.lower() in plan.corpus_suffixes]
    hashes = {str(f.relative_to(shared)): sha256_file(f) for f in used}
    counts = {"in_domain_train": len(ind_train), "in_domain_dev": len(ind_dev),
              "in_domain_dev_docs": len({p.doc for p in ind_dev}), "prose_train": len(ood_train),
              "prose_dev": len(ood_dev), "pretrain_windows": len(windows), "vocab": len(vocab)}
    return Data(vocab, ind_train + ood_train, ind_dev, ood_dev, windows, hashes, counts)


def train_scorer(scorer, vocab: CharVocab, pairs: list[Pair], plan: TrainPlan, log: Log, rng: random.Random,
                 checkpoint: Callable[[int], None] | None = None) -> dict:
    """Listwise training: softmax over a body's clauses vs softmax(ROUGE-L / 0.1) targets."""
    import torch

    items = []
    for p in pairs:
        cl, sc = oracle_clauses(p)
        if len(cl) >= 2 and max(sc) > 0:
            items.append((cl, sc, p.in_domain))
    pool = [it for it in items for _ in range(plan.in_domain_weight if it[2] else 1)]
    opt = make_optimizer(scorer, plan.finetune_lr)
    scorer.train()
    t0 = time.time()
    losses: list[float] = []
    steps = plan.scorer_steps
    done = 0
    bodies_per_step = max(4, plan.batch_size // 2)
    for step in range(steps):
        if plan.scorer_seconds is not None and time.time() - t0 > plan.scorer_seconds:
            log(f"scorer: time cap reached at step {step}")
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, max(steps, plan.scorer_schedule or 0), plan.finetune_lr, warmup=50)
        batch = [pool[rng.randrange(len(pool))] for _ in range(bodies_per_step)]
        flat = [scorer_input(vocab, c, i) for cl, _, _ in batch for i, c in enumerate(cl)]
        ids, mask = pad_batch(flat)
        logits = scorer(ids, mask)
        loss = torch.zeros(())
        pos = 0
        for cl, sc, _ in batch:
            lg = logits[pos:pos + len(cl)]
            target = torch.softmax(torch.tensor(sc) / 0.1, 0)
            loss = loss - (target * torch.log_softmax(lg, 0)).sum()
            pos += len(cl)
        loss = loss / len(batch)
        done = optimizer_step("scorer", loss, scorer, opt, losses, step, steps, t0, checkpoint, plan.checkpoint_every,
                               log)
    scorer.eval()
    return {"steps": done, "seconds": round(time.time() - t0, 1), "items": len(items), "final_loss": final_loss(losses)}


# ------------------------------------------------------------------ orchestration

def _write_artefact(out: Path, generator, scorer, vocab: CharVocab, card: dict, headings: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    generator.config.to_json_file(str(out / "config.json"))
    vocab.save(out / "vocab.json")
    (out / HEADINGS_FILE).write_text(json.dumps({"source": HEADINGS_SOURCE, "tokens": headings}, ensure_ascii=False,
                                                indent=0), encoding="utf-8")
    save_weights(generator, out / "generator.safetensors")
    if scorer is not None:
        save_weights(scorer, out / "scorer.safetensors")
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")


def train_summarizer(out: Path, plan: TrainPlan | None = None, shared: Path | None = None,
                     log: Log = log_to_stdout, evaluate_after: bool = True, work_dir: Path | None = None) -> dict:
    """Train every stage and write the artefact to ``out``; returns the card.

    The ablation's plain model and the dev pairs go to ``work_dir`` (default: a
    sibling ``<out>-work`` folder), never into the artefact (they hold corpus text).
    """
    import torch

    plan = plan or TrainPlan()
    shared = Path(shared or os.environ.get("XXGK_SHARED", DEFAULT_SHARED))
    out = Path(out)
    torch.set_num_threads(plan.threads)
    rng = random.Random(plan.seed)
    torch.manual_seed(plan.seed)
    init = load_headline_model(Path(plan.init_from)) if plan.init_from else None
    data = build_data(shared, plan, log, vocab=init.vocab if init is not None else None)
    vocab = data.vocab
    log(f"data: {data.counts}")
    headings = sorted(set(headings_vocabulary(p.heading for p in data.train))
                      | (read_headings_vocabulary(plan.init_from) if plan.init_from else frozenset()))
    card: dict = {"name": "xxgk headline model", "architecture": "BART (char-level), own vocabulary",
                  "config": plan.config, "seed": plan.seed, "plan": {k: v for k, v in plan.__dict__.items()},
                  "data": data.counts, "data_sha256": data.hashes, "stages": {}, "status": "training"}

    if init is not None:
        gen, scorer = init.generator, init.scorer
        card["init_from"] = {"path": str(plan.init_from), "stages": init.card.get("stages", {})}
    else:
        gen, scorer = new_generator(len(vocab), plan.config, plan.seed), None
    card["parameters"] = {"generator": sum(p.numel() for p in gen.parameters())}

    def ckpt(stage: str):
        def f(step: int) -> None:
            card["stages"][stage] = {"steps": step, "partial": True}
            _write_artefact(out, gen, scorer, vocab, card, headings)
        return f

    # 1. denoising pre-training
    windows = data.windows
    bs = plan.batch_size

    def pre_batch(step: int):
        pairs = [span_corrupt(vocab, windows[rng.randrange(len(windows))], rng) for _ in range(bs)]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    card["stages"]["pretrain"] = run_seq2seq(gen, pre_batch, plan.pretrain_steps, plan.pretrain_lr,
                                             plan.pretrain_seconds, "pretrain", log, schedule=plan.pretrain_schedule)
    # 2. fine-tuning on body -> heading and clause -> heading
    pool = weighted_pool(data.train, plan.in_domain_weight)
    counters = {"full": 0}

    def ft_batch(step: int):
        src, tgt = [], []
        while len(src) < bs:
            p = pool[rng.randrange(len(pool))]
            if len(src) % 2 == 0:
                src.append(full_input(vocab, p.body))
                counters["full"] += 1
            else:
                x = compress_example(vocab, p, rng)
                if x is None:
                    continue
                src.append(x)
            tgt.append(vocab.encode(p.heading, TGT_LEN))
        return src, tgt

    card["stages"]["finetune"] = run_seq2seq(gen, ft_batch, plan.finetune_steps, plan.finetune_lr,
                                             plan.finetune_seconds, "finetune", log, ckpt("finetune"),
                                             plan.checkpoint_every, schedule=plan.finetune_schedule)
    card["stages"]["finetune"]["full_examples"] = counters["full"]
    _write_artefact(out, gen, scorer, vocab, card, headings)
    # 3. clause scorer, encoder initialised from the fine-tuned generator (a continued run with
    #    no scorer steps keeps the scorer it started from)
    if scorer is None or plan.scorer_steps > 0:
        scorer = new_scorer(gen.config, plan.seed)
        scorer.encoder.load_state_dict(gen.model.encoder.state_dict())
        card["stages"]["scorer"] = train_scorer(scorer, vocab, data.train, plan, log, rng, ckpt("scorer"))
    card["parameters"]["scorer"] = sum(p.numel() for p in scorer.parameters())
    _write_artefact(out, gen, scorer, vocab, card, headings)
    ablation_dir = Path(work_dir) if work_dir else out.parent / (out.name + "-work")
    ablation_dir.mkdir(parents=True, exist_ok=True)
    plain = None
    if init is None:
        # 4. plain ablation model: random init, body -> heading only, same number of body -> heading examples
        plain = new_generator(len(vocab), plan.config, plan.seed + 1)
        plain_steps = plan.plain_steps or max(1, counters["full"] // bs)

        def plain_batch(step: int):
            ps = [pool[rng.randrange(len(pool))] for _ in range(bs)]
            return [full_input(vocab, p.body) for p in ps], [vocab.encode(p.heading, TGT_LEN) for p in ps]

        card["stages"]["plain"] = run_seq2seq(plain, plain_batch, plain_steps, plan.finetune_lr, plan.plain_seconds,
                                              "plain", log)
        plain.config.to_json_file(str(ablation_dir / "config.json"))
        save_weights(plain, ablation_dir / "plain.safetensors")
    card["status"] = "trained"
    _write_artefact(out, gen, scorer, vocab, card, headings)
    # dev data for the evaluation (kept beside the run, not in the artefact)
    dev_path = ablation_dir / "dev.jsonl"
    with open(dev_path, "w", encoding="utf-8") as fh:
        for p in data.dev_in + data.dev_out:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    if evaluate_after:
        from .evaluate import evaluate_artefact

        card = evaluate_artefact(out, shared, log, threads=plan.threads, eval_limit=plan.eval_limit,
                                 csl_limit=plan.csl_limit, plain_model=plain, dev_in=data.dev_in,
                                 dev_out=data.dev_out, work_dir=ablation_dir)
    return card


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - background entry point
    import argparse

    ap = argparse.ArgumentParser(description="train the xxgk headline model")
    ap.add_argument("--out", default="models/summarizer")
    ap.add_argument("--config", default="small")
    ap.add_argument("--shared", default=None)
    for name in ("pretrain_steps", "finetune_steps", "scorer_steps", "plain_steps"):
        ap.add_argument("--" + name.replace("_", "-"), type=int, default=None)
    for name in ("pretrain_seconds", "finetune_seconds", "scorer_seconds", "plain_seconds"):
        ap.add_argument("--" + name.replace("_", "-"), type=float, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--work-dir", default=None)
    a = ap.parse_args(argv)
    plan = TrainPlan(config=a.config, threads=a.threads)
    for k in ("pretrain_steps", "finetune_steps", "scorer_steps", "plain_steps", "pretrain_seconds",
              "finetune_seconds", "scorer_seconds", "plain_seconds"):
        if getattr(a, k) is not None:
            setattr(plan, k, getattr(a, k))
            if k in ("pretrain_steps", "finetune_steps", "scorer_steps"):
                setattr(plan, k.replace("_steps", "_schedule"), None)
    train_summarizer(Path(a.out), plan, Path(a.shared) if a.shared else None,
                     work_dir=Path(a.work_dir) if a.work_dir else None)


if __name__ == "__main__":  # pragma: no cover
    main()
