"""A learned plan-vs-done sentence model: the gate of the ``improvements`` theme.

Part 五's improvements name the same topics as part 一's narrative (training, platforms,
supervision …); what marks them is that they are plans. :class:`PlanModel` is a small
logistic regression on character 1–3-grams (:class:`~nlp.themes.estimator.CharTfidf`)
fitted on the *sentences* of the training texts labelled ``improvements`` (plan) against
those of the part-一 themes and ``problems`` (done / found): no hand word list. A text's
plan score is the mean plan probability of its sentences. Held-out texts score lower than
training texts, so the score is centred by a nested grouped CV inside :meth:`PlanModel.fit`:
the out-of-fold scores of the training texts give the mean of the improvements texts and of
the done texts; the evidence is ``z = tanh((score − centre) / half-gap)`` (+1 at the
improvements mean, −1 at the done mean) and the estimator shifts the improvements
log-probability by ``plan_weight · z`` and renormalizes.

The model is fitted inside :meth:`ThemeClassifier.fit` on the training texts only, so in
the agency cross-validation it never sees the held-out agency.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

PLAN = "improvements"
#: the themes whose sentences are the "done" side (part 一's narrative, and the problems found)
DONE = ("training", "proactive", "requests", "management", "platforms", "supervision", "problems")
_SPLIT = re.compile(r"(?<=[。！？；])|\n")
#: sentences shorter than this (non-space characters) are not scored
MIN_SENTENCE_CHARS = 6


def plan_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split at 。！？； and newlines) with ≥ ``MIN_SENTENCE_CHARS``
    characters; the whole text when none is that long."""
    out = [s.strip() for s in _SPLIT.split(text)]
    out = [s for s in out if len("".join(s.split())) >= MIN_SENTENCE_CHARS]
    return out or [text]


class PlanModel:
    """Sentence-level plan probability, aggregated per text (see the module docstring)."""

    def __init__(self, c: float = 1.0, seed: int = 0, folds: int = 3):
        self.c = c
        self.seed = seed
        self.folds = folds
        self.centre_, self.half_gap_ = 0.5, 0.5

    def fit(self, texts: Sequence[str], labels: Sequence[str],
            groups: Sequence[str] | None = None) -> "PlanModel":
        """Fit on the distinct sentences of the texts labelled ``PLAN`` (1) or one of ``DONE`` (0)
        (a sentence seen under both keeps the label it has most often; ties: done); with
        ``groups`` (≥ ``folds`` distinct), centre the score by a GroupKFold over them."""
        self._fit(texts, labels)
        if groups is not None and self.folds >= 2 and len(set(groups)) >= self.folds:
            self._centre(list(texts), list(labels), list(groups))
        return self

    def _centre(self, texts: list[str], labels: list[str], groups: list[str]) -> None:
        from sklearn.model_selection import GroupKFold

        keep = [i for i, t in enumerate(labels) if t == PLAN or t in DONE]
        score = np.zeros(len(texts))
        for train, held in GroupKFold(n_splits=self.folds).split(keep, groups=[groups[i] for i in keep]):
            inner = PlanModel(self.c, self.seed, folds=0)._fit([texts[keep[i]] for i in train],
                                                               [labels[keep[i]] for i in train])
            score[[keep[i] for i in held]] = inner.score([texts[keep[i]] for i in held])
        plan = float(np.mean([score[i] for i in keep if labels[i] == PLAN]))
        done = float(np.mean([score[i] for i in keep if labels[i] != PLAN]))
        self.centre_, self.half_gap_ = (plan + done) / 2, max((plan - done) / 2, 1e-3)

    def _fit(self, texts: Sequence[str], labels: Sequence[str]) -> "PlanModel":
        from sklearn.linear_model import LogisticRegression

        from .estimator import CharTfidf

        votes: dict[str, list[int]] = {}
        for text, label in zip(texts, labels):
            if label != PLAN and label not in DONE:
                continue
            for s in plan_sentences(text):
                v = votes.setdefault(s, [0, 0])
                v[int(label == PLAN)] += 1
        sentences = sorted(votes)
        y = np.array([int(votes[s][1] > votes[s][0]) for s in sentences])
        if len(set(y.tolist())) < 2:
            raise ValueError("the plan model needs sentences of both improvements and done themes")
        self.vectorizer_ = CharTfidf(min_df=2, max_features=30000).fit(sentences)
        self.classifier_ = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000,
                                              random_state=self.seed).fit(self.vectorizer_.transform(sentences), y)
        self.sentences_ = len(sentences)
        return self

    def sentence_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Plan probability of each sentence."""
        if not sentences:
            return np.zeros(0)
        return self.classifier_.predict_proba(self.vectorizer_.transform(list(sentences)))[:, 1]

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Mean plan probability of each text's sentences (:func:`plan_sentences`)."""
        split = [plan_sentences(t) for t in texts]
        flat = [s for ss in split for s in ss]
        unique = list(dict.fromkeys(flat))
        p = dict(zip(unique, self.sentence_proba(unique)))
        return np.array([float(np.mean([p[s] for s in ss])) for ss in split])

    def evidence(self, texts: Sequence[str]) -> np.ndarray:
        """``tanh((score − centre_) / half_gap_)`` per text: +1 plan-like, −1 done-like."""
        return np.tanh((self.score(texts) - self.centre_) / self.half_gap_)


def gate(probs: np.ndarray, classes: Sequence[str], evidence: np.ndarray, weight: float) -> np.ndarray:
    """``probs`` with the ``PLAN`` column's log-probability shifted by ``weight · evidence``,
    rows renormalized (unchanged when ``PLAN`` is not a class or ``weight`` is 0)."""
    classes = [str(c) for c in classes]
    if weight == 0 or PLAN not in classes or not len(probs):
        return probs
    out = probs.copy()
    k = classes.index(PLAN)
    out[:, k] *= np.exp(weight * np.asarray(evidence))
    total = out.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return out / total
