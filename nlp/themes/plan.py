"""A learned plan-vs-done sentence model: the gate of the ``improvements`` theme.

Part 五's improvements name the same topics as part 一's narrative (training, platforms,
supervision …); what marks them is that they are plans. :class:`PlanModel` is a small
logistic regression on character 1–3-grams (:class:`~nlp.themes.estimator.CharTfidf`)
fitted on the *sentences* of the training texts labelled ``improvements`` (plan) against
those of the part-一 themes and ``problems`` (done / found): no hand word list. A text's
plan score is the mean plan probability of its sentences; the estimator shifts the
improvements log-probability by ``weight · (2·score − 1)`` (``plan_weight``) and renormalizes.

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

    def __init__(self, c: float = 1.0, seed: int = 0):
        self.c = c
        self.seed = seed

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "PlanModel":
        """Fit on the distinct sentences of the texts labelled ``PLAN`` (1) or one of ``DONE`` (0);
        a sentence seen under both keeps the label it has most often (ties: done)."""
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


def gate(probs: np.ndarray, classes: Sequence[str], score: np.ndarray, weight: float) -> np.ndarray:
    """``probs`` with the ``PLAN`` column's log-probability shifted by ``weight · (2·score − 1)``,
    rows renormalized (unchanged when ``PLAN`` is not a class or ``weight`` is 0)."""
    classes = [str(c) for c in classes]
    if weight == 0 or PLAN not in classes or not len(probs):
        return probs
    out = probs.copy()
    k = classes.index(PLAN)
    out[:, k] *= np.exp(weight * (2.0 * np.asarray(score) - 1.0))
    total = out.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return out / total
