"""The theme classifier: one scikit-learn estimator whose pickled object is the model that predicts.

:class:`ThemeClassifier` (``BaseEstimator`` + ``ClassifierMixin``) holds everything a
prediction uses:

- **content**: TF-IDF over jieba content words and character 1–3-grams → a linear
  classifier with probabilities (logistic regression, or a linear SVM with sigmoid
  calibration);
- **encoder features** (optional, off in the shipped model): the summarizer's character
  BART encoder states, mean-pooled (``nlp.themes.encoder``), either concatenated to the
  TF-IDF features (``encoder_weight``) or fed to a second logistic regression whose
  probabilities are blended in (``encoder_blend``); the encoder is loaded from
  ``models/summarizer`` at prediction time, never pickled;
- **keyword prior**: the calibrated probabilities are averaged with the keyword
  dictionary's normalized scores (``keyword_weight``; a text with no keyword hit keeps
  the model's probabilities);
- **plan gate** (``plan_weight``): the improvements probability shifted by the mean
  plan probability of the text's sentences (``nlp.themes.plan``, a learned plan-vs-done
  sentence model: the ``plan_model`` given to :meth:`fit`, fitted on other data and centred
  on the training texts, else one fitted in :meth:`fit` on them);
- **part restriction**: where the part a text sits in is known, the themes that part
  does not allow (``taxonomy.PART_ALLOWED_THEMES``) are zeroed and the row renormalized;
- **sentence context**: a text given with its context (a sentence with its paragraph)
  has its probabilities blended with the context's (``context_weight``; texts shorter
  than ``min_context_chars`` take the context's distribution).

Inputs are plain strings or :class:`ThemeInput` records (text, part key, context).
The section-sequence decoding of part 一 (``nlp.themes.sequence``) works on a report's
sections together and is offered as :meth:`ThemeClassifier.decode_sections`.

This module imports scikit-learn; ``nlp.themes`` imports it only when a model is
built, trained or loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from .. import format as V

from .baseline import KeywordBaseline
from .encoder import EncoderFeatures
from .plan import DONE as PLAN_DONE
from .plan import PLAN, PlanModel, gate
from .sequence import ORDER_PENALTY, decode_sections
from .shares import nonspace_chars
from .taxonomy import PART_ALLOWED_THEMES

#: the per-theme log-prior shifts tried by the nested bias search
BIAS_GRID = tuple(np.round(np.arange(-1.5, 1.51, 0.25), 2))
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ThemeInput:
    """A text to label: its part key ('' when unknown) and the text around it ('' when none)."""

    text: str
    part: str = ""
    context: str = ""


TextLike = Union[str, ThemeInput]


def as_input(x: TextLike) -> ThemeInput:
    """A :class:`ThemeInput` for a string or a ThemeInput."""
    return x if isinstance(x, ThemeInput) else ThemeInput(str(x))


def char_text(text: str) -> str:
    """Text for the character n-gram features: digits folded to 0, whitespace removed."""
    return _SPACE.sub("", _DIGITS.sub("0", text))


class CharTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over character 1–3-grams of :func:`char_text` (sublinear tf, l2 norm): the
    vocabulary and idf are fitted by scikit-learn's ``TfidfVectorizer`` (``min_df``,
    ``max_features``), the transform counts each text's n-grams with ``collections.Counter``
    and looks up only the distinct ones, which gives the same matrix faster."""

    def __init__(self, min_df: int = 2, max_features: int = 60000):
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, X, y=None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(analyzer="char", preprocessor=char_text, ngram_range=(1, 3), sublinear_tf=True,
                              min_df=self.min_df, max_features=self.max_features).fit(X)
        self.vocabulary_ = dict(sorted(vec.vocabulary_.items()))
        self.idf_ = vec.idf_
        return self

    def transform(self, X):
        from collections import Counter

        from scipy import sparse

        get = self.vocabulary_.get
        cols: list[int] = []
        vals: list[float] = []
        indptr = [0]
        for text in X:
            t = char_text(text)
            counts = Counter(t)
            counts.update(t[i:i + 2] for i in range(len(t) - 1))
            counts.update(t[i:i + 3] for i in range(len(t) - 2))
            for gram, k in counts.items():
                j = get(gram)
                if j is not None:
                    cols.append(j)
                    vals.append(k)
            indptr.append(len(cols))
        m = sparse.csr_matrix((np.log(np.asarray(vals, dtype=float)) + 1.0 if vals else np.zeros(0),
                               np.asarray(cols, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                              shape=(len(indptr) - 1, len(self.idf_)))
        m.sort_indices()
        m = m.multiply(self.idf_).tocsr()
        norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norm[norm == 0] = 1.0
        return sparse.diags(1.0 / norm) @ m


def word_analyzer(text: str) -> list[str]:
    """Content words (jieba, user dictionary) for the word TF-IDF."""
    from ..segmentation import content_words

    return content_words(text)


#: verbs and adverbs of a measure still to come (the year ahead), counted per sentence by
#: :class:`StyleFeatures`: a learned feature, not a rule
_AHEAD = re.compile(V.IMPROVEMENT_TURN.pattern + r"|将|进一步|继续|持续|不断|力争|计划|推动|着力")
_SENTENCE = re.compile(r"[。！？；]")


class StyleFeatures(TransformerMixin, BaseEstimator):
    """A few dense, cheap features of a text's form, scaled by ``weight``: sentences that look
    ahead (the year-ahead cues of ``vocabulary.IMPROVEMENT_TURN`` and measure verbs), that state a
    shortcoming (``vocabulary.OPENER_PROBLEM``), digit ratio and length. The classifier learns
    their weights; none decides a theme by itself."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        from scipy import sparse

        rows = []
        for text in X:
            n = max(1, nonspace_chars(text))
            sentences = max(1, len(_SENTENCE.findall(text)))
            digits = sum(1 for c in text if c.isdigit())
            rows.append((min(1.0, len(_AHEAD.findall(text)) / sentences),
                         min(1.0, len(V.OPENER_PROBLEM.findall(text)) / sentences),
                         digits / n, np.log1p(n) / 8.0))
        return sparse.csr_matrix(np.asarray(rows, dtype=float).reshape(len(rows), 4) * self.weight)


class _Blend:
    """Two fitted probabilistic pipelines whose probabilities are averaged: ``(1 - weight)`` of the
    first (TF-IDF) and ``weight`` of the second (encoder features); classes are the first's."""

    def __init__(self, first, second, weight: float):
        self.first, self.second, self.weight = first, second, weight

    def fit(self, texts, y):
        self.first.fit(texts, y)
        self.second.fit(texts, y)
        self.classes_ = self.first.classes_
        return self

    def predict_proba(self, texts):
        p = self.first.predict_proba(texts)
        q = self.second.predict_proba(texts)
        cols = [list(self.second.classes_).index(c) for c in self.classes_]
        return (1 - self.weight) * p + self.weight * q[:, cols]


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Theme classifier over texts or :class:`ThemeInput` records (see the module docstring)."""

    #: the model card (``card.json``) when the estimator was loaded from an artefact, else None;
    #: set by ``nlp.themes.model.read_model``, never pickled with the model
    card_: dict | None = None
    #: per-theme log-prior shift chosen in fit (nested, see :meth:`fit`); None before fitting
    class_bias_: np.ndarray | None = None
    #: texts pseudo-labelled by self-training in fit (0: none)
    pseudo_labelled_: int = 0

    def __init__(self, classifier: str = "logreg", c: float = 4.0, keyword_weight: float = 0.5,
                 context_weight: float = 0.7, min_context_chars: int = 6, order_penalty: float = ORDER_PENALTY,
                 seed: int = 0, style_weight: float = 0.0, bias_folds: int = 0, self_training: float = 0.0,
                 encoder_weight: float = 0.0, encoder_blend: float = 0.0, plan_weight: float = 0.0):
        self.plan_weight = plan_weight
        self.encoder_weight = encoder_weight
        self.encoder_blend = encoder_blend
        self.style_weight = style_weight
        self.self_training = self_training
        self.bias_folds = bias_folds
        self.classifier = classifier
        self.c = c
        self.keyword_weight = keyword_weight
        self.context_weight = context_weight
        self.min_context_chars = min_context_chars
        self.order_penalty = order_penalty
        self.seed = seed

    # ---------------------------------------------------------------- fitting
    def _pipeline(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, Pipeline

        features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer=word_analyzer, sublinear_tf=True, min_df=2)),
            ("chars", CharTfidf(min_df=2, max_features=60000)),
        ] + ([("style", StyleFeatures(self.style_weight))] if self.style_weight > 0 else [])
          + ([("encoder", EncoderFeatures(weight=self.encoder_weight))] if self.encoder_weight > 0 else []))
        if self.classifier == "svm":
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.model_selection import StratifiedKFold
            from sklearn.svm import LinearSVC

            svm = LinearSVC(C=self.c, class_weight="balanced", random_state=self.seed)
            clf = CalibratedClassifierCV(svm, method="sigmoid",
                                         cv=StratifiedKFold(3, shuffle=True, random_state=self.seed))
        elif self.classifier == "logreg":
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000,
                                     random_state=self.seed)
        else:
            raise ValueError(f"unknown classifier {self.classifier!r} (svm or logreg)")
        return Pipeline([("features", features), ("classify", clf)])

    def _encoder_pipeline(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        return Pipeline([("encoder", EncoderFeatures(weight=16.0)),
                         ("classify", LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000,
                                                         random_state=self.seed))])

    def _fit_pipeline(self, texts: list[str], y: list[str]):
        pipe = self._pipeline()
        if self.encoder_blend > 0:
            pipe = _Blend(pipe, self._encoder_pipeline(), self.encoder_blend)
        pipe.fit(texts, y)
        tfidf = pipe.first if isinstance(pipe, _Blend) else pipe
        for _, vec in tfidf.named_steps["features"].transformer_list:
            # a set of dropped terms, kept only for introspection: its order varies between
            # processes, which would make the pickle differ from run to run
            if hasattr(vec, "stop_words_"):
                del vec.stop_words_
        return pipe

    def fit(self, X: Sequence[TextLike], y: Sequence[str], groups: Sequence[str] | None = None,
            plan_model: PlanModel | None = None):
        """Fit the content model on the texts of ``X`` (parts and contexts play no part in fitting).

        A text whose label is ``""`` is unlabelled: ignored unless ``self_training`` > 0, then the
        model fitted on the labelled texts labels it, and those whose probability reaches
        ``self_training`` join the training data for a second fit.

        With ``bias_folds`` ≥ 2 and ``groups`` (the agency of each text), a per-theme log-prior
        shift (``class_bias_``) is chosen on out-of-fold probabilities of a GroupKFold over the
        training data itself (nested: a held-out agency never takes part), maximizing macro-F1.

        With ``plan_weight`` > 0, ``plan_model`` (a :class:`~nlp.themes.plan.PlanModel` fitted on other
        data) is centred on the labelled texts and becomes the gate; without it a plan model is
        fitted on the labelled texts themselves. No gate when they have no improvements or no
        done-work theme to tell them from."""
        texts, y = [as_input(x).text for x in X], [str(t) for t in y]
        groups = list(groups) if groups is not None else None
        unlabelled = [i for i, t in enumerate(y) if not t]
        if unlabelled:
            keep = [i for i, t in enumerate(y) if t]
            pool = [texts[i] for i in unlabelled]
            texts, y = [texts[i] for i in keep], [y[i] for i in keep]
            groups = [groups[i] for i in keep] if groups is not None else None
        self.pipeline_ = self._fit_pipeline(texts, y)
        self.classes_ = np.array([str(c) for c in self.pipeline_.classes_])
        self.plan_ = None
        if self.plan_weight > 0 and PLAN in y and any(t in PLAN_DONE for t in y):
            self.plan_ = (plan_model.centre_on(texts, y) if plan_model is not None
                          else PlanModel(seed=self.seed).fit(texts, y, groups))
        if unlabelled and self.self_training > 0:
            # self-training: one round of confident pseudo-labels on the unlabelled texts
            probs = self._keyword_prior(self.pipeline_.predict_proba(pool), pool)
            sure = [i for i in range(len(pool)) if probs[i].max() >= self.self_training]
            classes = [str(c) for c in self.pipeline_.classes_]
            texts = texts + [pool[i] for i in sure]
            y = y + [classes[int(probs[i].argmax())] for i in sure]
            groups = groups + [f"pseudo:{i}" for i in sure] if groups is not None else None
            self.pseudo_labelled_ = len(sure)
            self.pipeline_ = self._fit_pipeline(texts, y)
        self.classes_ = np.array([str(c) for c in self.pipeline_.classes_])
        self.class_bias_ = np.zeros(len(self.classes_))
        if self.bias_folds >= 2 and groups is not None and len(set(groups)) >= self.bias_folds:
            self.class_bias_ = self._choose_bias(texts, y, list(groups))
        return self

    def _choose_bias(self, texts: list[str], y: list[str], groups: list[str]):
        """Per-theme additive log-probability shift maximizing out-of-fold macro-F1 (coordinate ascent)."""
        from sklearn.metrics import f1_score
        from sklearn.model_selection import GroupKFold

        logp = np.zeros((len(texts), len(self.classes_)))
        for train, held in GroupKFold(n_splits=self.bias_folds).split(texts, groups=groups):
            inner = self._fit_pipeline([texts[i] for i in train], [y[i] for i in train])
            cols = [list(inner.classes_).index(c) if c in inner.classes_ else -1 for c in self.classes_]
            p = inner.predict_proba([texts[i] for i in held])
            p = np.stack([p[:, c] if c >= 0 else np.zeros(len(held)) for c in cols], axis=1)
            p = self._keyword_prior(p, [texts[i] for i in held])
            logp[held] = np.log(p + 1e-9)
        gold = np.array([list(self.classes_).index(t) for t in y])

        def score(bias) -> float:
            return float(f1_score(gold, (logp + bias).argmax(axis=1), average="macro"))

        bias, best = np.zeros(len(self.classes_)), None
        best = score(bias)
        for _ in range(2):
            for k in range(len(bias)):
                for step in BIAS_GRID:
                    trial = bias.copy()
                    trial[k] = step
                    f = score(trial)
                    if f > best + 1e-9:
                        best, bias = f, trial
        return bias

    # ---------------------------------------------------------------- prediction
    def content_proba(self, texts: Sequence[str]):
        """Probabilities of the content model alone (no keywords, parts or context)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return self.pipeline_.predict_proba(texts)

    def _keyword_prior(self, probs, texts: Sequence[str]):
        if self.keyword_weight <= 0:
            return probs
        k = KeywordBaseline().score_matrix(texts, [str(c) for c in self.classes_])
        total = k.sum(axis=1, keepdims=True)
        hit = total[:, 0] > 0
        out = probs.copy()
        w = self.keyword_weight
        out[hit] = (1 - w) * probs[hit] + w * k[hit] / total[hit]
        return out

    def _restrict(self, probs, parts: Sequence[str]):
        out = probs.copy()
        for part in set(parts):
            allowed = PART_ALLOWED_THEMES.get(part or "")
            if not allowed:
                continue
            rows = np.array([i for i, p in enumerate(parts) if p == part])
            masked = out[rows] * np.array([c in allowed for c in self.classes_], dtype=float)
            total = masked.sum(axis=1, keepdims=True)
            keep = total[:, 0] > 0
            out[rows[keep]] = masked[keep] / total[keep]
        return out

    def _plan_gated(self, probs, unique: list[str], row_of: dict[str, int], inputs: list[ThemeInput]):
        """``probs`` with the plan gate applied to the rows of the texts (and contexts) of inputs whose part
        may hold improvements; None without a gate. Where the part rules improvements out, the
        restriction would undo the shift anyway, and scoring those sentences is most of the gate's cost."""
        if getattr(self, "plan_", None) is None:
            return None
        need = sorted({row_of[t] for x in inputs if self._may_be_plan(x.part) for t in (x.text, x.context) if t})
        gated = probs.copy()
        if need:
            gated[need] = gate(probs[need], self.classes_, self.plan_.evidence([unique[i] for i in need]),
                               self.plan_weight)
        return gated

    @staticmethod
    def _may_be_plan(part: str) -> bool:
        """Whether a text of ``part`` may be an improvement (unknown and unlisted parts allow every theme)."""
        allowed = PART_ALLOWED_THEMES.get(part or "")
        return not allowed or PLAN in allowed

    def predict_proba(self, X: Sequence[TextLike], keywords: bool = True):
        """Probabilities (rows: inputs, columns: ``classes_``): content model, keyword prior
        (unless ``keywords=False``), plan gate, part restriction, then blending with the context's."""
        inputs = [as_input(x) for x in X]
        if not inputs:
            return np.zeros((0, len(self.classes_)))
        unique = list(dict.fromkeys([x.text for x in inputs] + [x.context for x in inputs if x.context]))
        probs = self.content_proba(unique)
        if keywords:
            probs = self._keyword_prior(probs, unique)
        if self.class_bias_ is not None and np.any(self.class_bias_):
            probs = probs * np.exp(self.class_bias_)
            probs /= probs.sum(axis=1, keepdims=True)
        row_of = {t: i for i, t in enumerate(unique)}
        parts = [x.part for x in inputs]
        gated = self._plan_gated(probs, unique, row_of, inputs)
        # rows of `both`: the ungated probabilities, then the gated ones (for inputs whose part may be a plan)
        both, offset = (probs, [0] * len(inputs)) if gated is None else \
            (np.vstack([probs, gated]), [len(unique) if self._may_be_plan(p) else 0 for p in parts])

        def rows(texts: list[str], which: list[int]):
            return both[[row_of[t] + offset[i] for t, i in zip(texts, which)]]

        out = self._restrict(rows([x.text for x in inputs], list(range(len(inputs)))), parts)
        with_context = [i for i, x in enumerate(inputs) if x.context]
        if with_context:
            ctx = self._restrict(rows([inputs[i].context for i in with_context], with_context),
                                 [parts[i] for i in with_context])
            w = np.array([1.0 if nonspace_chars(inputs[i].text) < self.min_context_chars else self.context_weight
                          for i in with_context])[:, None]
            out[with_context] = (1 - w) * out[with_context] + w * ctx
        return out

    def predict(self, X: Sequence[TextLike], keywords: bool = True) -> list[str]:
        """The most probable theme of each input."""
        probs = self.predict_proba(X, keywords)
        return [str(self.classes_[int(i)]) for i in probs.argmax(axis=1)] if len(probs) else []

    def decode_sections(self, probs, parts: Sequence[str], eras: Sequence[str],
                        positions: Sequence[int]) -> list[str]:
        """Section themes of one report from their probabilities (``nlp.themes.sequence``)."""
        return decode_sections(probs, [str(c) for c in self.classes_], parts, eras, positions,
                               self.order_penalty)

