"""Training loops of the headline model: span corruption, oracle clauses, the optimizer step
(with its progress log every ``LOG_EVERY`` steps) and the generic teacher-forced loop."""
from __future__ import annotations

import math
import random
import time
from typing import Callable

from .charvocab import N_SENTINELS, CharVocab
from .model import SRC_LEN, TGT_LEN, body_clauses, compress_input, pad_batch
from .pairs import Pair
from .rouge import rouge_l
from .runlog import Log


def span_corrupt(vocab: CharVocab, text: str, rng: random.Random, noise: float = 0.15,
                 mean_span: float = 3.0) -> tuple[list[int], list[int]]:
    """T5-style span corruption: spans replaced by sentinels; target lists the spans."""
    ids = vocab.encode(text, SRC_LEN, add_eos=False)
    n = len(ids)
    n_spans = max(1, min(N_SENTINELS, round(n * noise / mean_span)))
    starts = sorted(rng.sample(range(max(1, n - 1)), min(n_spans, max(1, n - 1))))
    src: list[int] = []
    tgt: list[int] = []
    pos, k = 0, 0
    for s in starts:
        if s < pos:
            continue
        length = max(1, min(int(rng.expovariate(1 / mean_span)) + 1, 8))
        src.extend(ids[pos:s])
        src.append(vocab.sentinel(k))
        tgt.append(vocab.sentinel(k))
        tgt.extend(ids[s:s + length])
        pos = s + length
        k += 1
    src.extend(ids[pos:])
    return src + [vocab.eos_id], tgt[: TGT_LEN + 15] + [vocab.eos_id]


def oracle_clauses(pair: Pair) -> tuple[list[str], list[float]]:
    """Clauses of the body and each one's ROUGE-L against the heading."""
    cl = body_clauses(pair.body)
    return cl, [rouge_l(c, pair.heading) for c in cl]


def make_optimizer(model, lr: float):
    import torch

    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    rest = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.98))


def lr_at(step: int, total: int, base: float, warmup: int = 100) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    frac = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


#: training loss is logged (averaged) every this many steps
LOG_EVERY = 50


def optimizer_step(name: str, loss, model, opt, losses: list[float], step: int, steps: int, t0: float,
                    checkpoint: Callable[[int], None] | None, checkpoint_every: int, log: Log) -> int:
    """Backward, clip, step; record and log the loss; checkpoint on schedule. Returns the steps done."""
    import torch

    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    losses.append(float(loss.detach()))
    done = step + 1
    if done % LOG_EVERY == 0:
        log(f"{name}: step {done}/{steps} loss {sum(losses[-LOG_EVERY:]) / LOG_EVERY:.3f} "
            f"({(time.time() - t0) / done:.2f} s/step)")
    if checkpoint and done % checkpoint_every == 0:
        checkpoint(done)
    return done


def final_loss(losses: list[float]) -> float | None:
    """Mean of the last logging window's losses (None before any step)."""
    tail = losses[-LOG_EVERY:]
    return round(sum(tail) / len(tail), 4) if tail else None


def run_seq2seq(model, make_batch: Callable[[int], tuple[list[list[int]], list[list[int]]]], steps: int,
                lr: float, seconds: float | None, name: str, log: Log,
                checkpoint: Callable[[int], None] | None = None, checkpoint_every: int = 250,
                schedule: int | None = None) -> dict:
    """Generic teacher-forced training loop; stops at ``steps`` or after ``seconds``."""

    model.train()
    opt = make_optimizer(model, lr)
    t0 = time.time()
    losses: list[float] = []
    done = 0
    for step in range(steps):
        if seconds is not None and time.time() - t0 > seconds:
            log(f"{name}: time cap reached at step {step}")
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, max(steps, schedule or 0), lr)
        src, tgt = make_batch(step)
        ids, mask = pad_batch(src)
        labels, _ = pad_batch(tgt, pad=-100)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        done = optimizer_step(name, loss, model, opt, losses, step, steps, t0, checkpoint, checkpoint_every, log)
    model.eval()
    return {"steps": done, "seconds": round(time.time() - t0, 1), "final_loss": final_loss(losses)}


def weighted_pool(pairs: list[Pair], in_domain_weight: int) -> list[Pair]:
    pool: list[Pair] = []
    for p in pairs:
        pool.extend([p] * (in_domain_weight if p.in_domain else 1))
    return pool


def compress_example(vocab: CharVocab, p: Pair, rng: random.Random) -> list[int] | None:
    cl, sc = oracle_clauses(p)
    if not cl:
        return None
    order = sorted(range(len(cl)), key=lambda i: (-sc[i], i))
    # mostly the oracle clause; sometimes the runner-up (the scorer is not perfect at test time)
    k = order[0] if rng.random() < 0.7 or len(order) == 1 else order[1]
    return compress_input(vocab, cl[k], k, p.body)
