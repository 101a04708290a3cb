"""The theme classifier: one scikit-learn estimator whose pickled object is the model that predicts.

:class:`ThemeClassifier` (``BaseEstimator`` + ``ClassifierMixin``) holds everything a
prediction uses:

- **content**: TF-IDF over jieba content words and character 1–3-grams → a linear
  classifier with probabilities (logistic regression, or a linear SVM with sigmoid
  calibration);
- **keyword prior**: the calibrated probabilities are averaged with the keyword
  dictionary's normalized scores (``keyword_weight``; a text with no keyword hit keeps
  the model's probabilities);
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

from .. import vocabulary as V

from .baseline import KeywordBaseline
from .sequence import ORDER_PENALTY, decode_sections
from .taxonomy import PART_ALLOWED_THEMES

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


def nonspace_chars(text: str) -> int:
    """Number of non-whitespace characters."""
    return sum(1 for c in text if not c.isspace())


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Theme classifier over texts or :class:`ThemeInput` records (see the module docstring)."""

    #: the model card (``card.json``) when the estimator was loaded from an artefact, else None;
    #: set by ``nlp.themes.model.read_model``, never pickled with the model
    card_: dict | None = None

    def __init__(self, classifier: str = "logreg", c: float = 4.0, keyword_weight: float = 0.5,
                 context_weight: float = 0.7, min_context_chars: int = 6, order_penalty: float = ORDER_PENALTY,
                 seed: int = 0, style_weight: float = 0.0):
        self.style_weight = style_weight
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
            ("chars", TfidfVectorizer(analyzer="char", preprocessor=char_text, ngram_range=(1, 3),
                                      sublinear_tf=True, min_df=2, max_features=60000)),
        ] + ([("style", StyleFeatures(self.style_weight))] if self.style_weight > 0 else []))
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

    def fit(self, X: Sequence[TextLike], y: Sequence[str]):
        """Fit the content model on the texts of ``X`` (parts and contexts play no part in fitting)."""
        texts = [as_input(x).text for x in X]
        pipe = self._pipeline()
        pipe.fit(texts, list(y))
        for _, vec in pipe.named_steps["features"].transformer_list:
            # a set of dropped terms, kept only for introspection: its order varies between
            # processes, which would make the pickle differ from run to run
            if hasattr(vec, "stop_words_"):
                del vec.stop_words_
        self.pipeline_ = pipe
        self.classes_ = np.array([str(c) for c in pipe.classes_])
        return self

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
        base = KeywordBaseline()
        out = probs.copy()
        w = self.keyword_weight
        for i, text in enumerate(texts):
            scores = base.scores(text)
            k = np.array([scores.get(c, 0.0) for c in self.classes_])
            if k.sum() > 0:
                out[i] = (1 - w) * probs[i] + w * k / k.sum()
        return out

    def _restrict(self, probs, parts: Sequence[str]):
        out = probs.copy()
        for i, part in enumerate(parts):
            allowed = PART_ALLOWED_THEMES.get(part or "")
            if not allowed:
                continue
            row = out[i] * np.array([c in allowed for c in self.classes_], dtype=float)
            if row.sum() > 0:
                out[i] = row / row.sum()
        return out

    def predict_proba(self, X: Sequence[TextLike], keywords: bool = True):
        """Probabilities (rows: inputs, columns: ``classes_``): content model, keyword prior
        (unless ``keywords=False``), part restriction, then blending with the context's."""
        inputs = [as_input(x) for x in X]
        if not inputs:
            return np.zeros((0, len(self.classes_)))
        unique = list(dict.fromkeys([x.text for x in inputs] + [x.context for x in inputs if x.context]))
        probs = self.content_proba(unique)
        if keywords:
            probs = self._keyword_prior(probs, unique)
        row_of = {t: i for i, t in enumerate(unique)}
        own = probs[[row_of[x.text] for x in inputs]]
        out = self._restrict(own, [x.part for x in inputs])
        with_context = [i for i, x in enumerate(inputs) if x.context]
        if with_context:
            ctx = self._restrict(probs[[row_of[inputs[i].context] for i in with_context]],
                                 [inputs[i].part for i in with_context])
            for k, i in enumerate(with_context):
                short = nonspace_chars(inputs[i].text) < self.min_context_chars
                w = 1.0 if short else self.context_weight
                out[i] = (1 - w) * out[i] + w * ctx[k]
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

