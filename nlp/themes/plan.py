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

That in-corpus model has few sentences to learn from (the gate hurt with it). The shipped gate is
instead fitted once on other data, :meth:`PlanModel.fit_sentences` on the government work reports
of the pre-training prose (their review part is done, their tasks part plans:
``nlp.themes.mining.tense_sentences``, about 21,000 sentences), handed to ``ThemeClassifier.fit``
as ``plan_model`` and only centred there on the training texts (:meth:`PlanModel.centre_on`): no
report of the corpus is in its data, so the agency cross-validation stays honest.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

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


def majority_labels(labelled: Iterable[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """The distinct sentences of ``(sentence, 1 plan / 0 done)`` pairs, sorted, each with the label it has
    most often (ties: done), so the result does not depend on the order the pairs come in."""
    votes: dict[str, list[int]] = {}
    for sentence, label in labelled:
        votes.setdefault(sentence, [0, 0])[label] += 1
    sentences = sorted(votes)
    return sentences, [int(votes[s][1] > votes[s][0]) for s in sentences]


def _centre_and_half_gap(scores: Sequence[float], is_plan: Sequence[bool]) -> tuple[float, float]:
    """The midpoint of the plan texts' and the done texts' mean scores, and half their gap (at least 1e-3)."""
    plan = float(np.mean([v for v, p in zip(scores, is_plan) if p]))
    done = float(np.mean([v for v, p in zip(scores, is_plan) if not p]))
    return (plan + done) / 2, max((plan - done) / 2, 1e-3)


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
        self.centre_, self.half_gap_ = _centre_and_half_gap(score[keep], [labels[i] == PLAN for i in keep])

    def _fit(self, texts: Sequence[str], labels: Sequence[str]) -> "PlanModel":
        sentences, y = majority_labels((s, int(label == PLAN)) for text, label in zip(texts, labels)
                                       if label == PLAN or label in DONE for s in plan_sentences(text))
        return self.fit_sentences(sentences, y, max_features=30000)

    def fit_sentences(self, sentences: Sequence[str], labels: Sequence[int], max_features: int = 60000,
                      min_df: int = 2) -> "PlanModel":
        """Fit the sentence model on labelled sentences (1: plan, 0: done), e.g. the government work
        reports' (``nlp.themes.mining.tense_sentences``); the centre stays as it was (see :meth:`centre_on`)."""
        from sklearn.linear_model import LogisticRegression

        from .estimator import CharTfidf

        y = np.asarray(labels, dtype=int)
        if len(set(y.tolist())) < 2:
            raise ValueError("the plan model needs sentences of both plans and done work")
        self.vectorizer_ = CharTfidf(min_df=min_df, max_features=max_features).fit(list(sentences))
        self.classifier_ = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000,
                                              random_state=self.seed).fit(self.vectorizer_.transform(list(sentences)), y)
        self.sentences_ = len(sentences)
        return self

    def centre_on(self, texts: Sequence[str], labels: Sequence[str]) -> "PlanModel":
        """A shallow copy centred on ``texts`` (theme labels): the mean score of the ``PLAN`` texts maps to
        +1, of the ``DONE`` texts to −1. For a model fitted on other data (:meth:`fit_sentences`) these
        scores are already out of sample, so no nested split is needed."""
        import copy

        keep = [i for i, t in enumerate(labels) if t == PLAN or t in DONE]
        if not any(labels[i] == PLAN for i in keep) or all(labels[i] == PLAN for i in keep):
            raise ValueError("centring the plan model needs texts of both improvements and done themes")
        out = copy.copy(self)
        out.centre_, out.half_gap_ = _centre_and_half_gap(self.score([texts[i] for i in keep]),
                                                          [labels[i] == PLAN for i in keep])
        return out

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


#: the plan model fitted on the work reports' sentences: inverse regularization and the fewest
#: documents (sentences) a character n-gram must occur in
PROSE_PLAN_C, PROSE_PLAN_MIN_DF = 2.0, 3


def plan_model_from_prose(folder: str | Path, seed: int = 0) -> tuple[PlanModel, dict]:
    """A :class:`PlanModel` fitted on the plan and review sentences of the government work reports in the
    pre-training folder ``folder`` (``nlp.themes.mining.tense_sentences``), and what it was fitted on
    (documents, sentence counts, sha256 of each file that gave sentences) for the model card."""
    import hashlib

    from ..errors import XxgkError
    from .mining import tense_sentences

    folder = Path(folder)
    sentences, labels, documents = tense_sentences(folder)
    if len(set(labels)) < 2:
        raise XxgkError(f"{folder}: no government work report with both a review part and a plan part "
                        "(the plan gate of the theme model learns from them)")
    model = PlanModel(c=PROSE_PLAN_C, seed=seed).fit_sentences(sentences, labels, min_df=PROSE_PLAN_MIN_DF)
    files = sorted({key.split(":", 1)[0] for key in documents})
    info = {"documents": len(documents), "sentences": len(sentences), "plan_sentences": int(sum(labels)),
            "files_sha256": {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in files},
            "c": PROSE_PLAN_C, "min_df": PROSE_PLAN_MIN_DF}
    return model, info
