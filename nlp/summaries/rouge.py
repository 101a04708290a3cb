"""Character-level ROUGE-1/2/L (F1), the project's own implementation.

Chinese ROUGE is computed on characters; whitespace is ignored. Used for every
row of the ablation table so baselines and models are scored by the same code.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nlp.textmetrics import lcs_length  # noqa: F401  (re-exported: part of this module's API)


def _chars(text: str) -> list[str]:
    return [c for c in text if not c.isspace()]


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if overlap == 0 or n_pred == 0 or n_ref == 0:
        return 0.0
    p, r = overlap / n_pred, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_n(pred: str, ref: str, n: int) -> float:
    """Character n-gram ROUGE-N F1."""
    a, b = _chars(pred), _chars(ref)
    ga = Counter(tuple(a[i:i + n]) for i in range(len(a) - n + 1))
    gb = Counter(tuple(b[i:i + n]) for i in range(len(b) - n + 1))
    return _f1(sum((ga & gb).values()), sum(ga.values()), sum(gb.values()))


def rouge_l(pred: str, ref: str) -> float:
    """Character ROUGE-L F1 (LCS based)."""
    a, b = _chars(pred), _chars(ref)
    return _f1(lcs_length(a, b), len(a), len(b))


@dataclass
class RougeScores:
    rouge1: float
    rouge2: float
    rougeL: float
    n: int
    zero_share: float  # share of items with ROUGE-L == 0

    def to_dict(self) -> dict:
        return {"rouge1": round(self.rouge1, 4), "rouge2": round(self.rouge2, 4), "rougeL": round(self.rougeL, 4),
                "n": self.n, "zero_share": round(self.zero_share, 4)}


def corpus_rouge(preds: list[str], refs: list[str]) -> RougeScores:
    """Mean character ROUGE-1/2/L F1 over aligned lists."""
    if len(preds) != len(refs):
        raise ValueError("predictions and references differ in length")
    if not preds:
        return RougeScores(0.0, 0.0, 0.0, 0, 0.0)
    r1 = [rouge_n(p, r, 1) for p, r in zip(preds, refs)]
    r2 = [rouge_n(p, r, 2) for p, r in zip(preds, refs)]
    rl = [rouge_l(p, r) for p, r in zip(preds, refs)]
    n = len(preds)
    return RougeScores(sum(r1) / n, sum(r2) / n, sum(rl) / n, n, sum(1 for x in rl if x == 0) / n)
