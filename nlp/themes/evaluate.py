"""Cross-validation of the theme classifier by agency, at section, paragraph and sentence level.

Protocol (:func:`cross_validate`): the folds hold out whole agency groups
(``LabelledText.agency``: one agency's other years, and agencies that share copied text,
never straddle a split; leave-one-agency-out by default). The model is fitted on every
labelled unit of the other groups and scores the held-out group's heading-labelled
sections with **headings removed**:

- ``section``: section bodies, content + keyword prior, no part, no order decoding;
- ``section_parts``: the same knowing each body's part (the part restriction);
- ``section_ordered``: parts + the part-一 sequence decoding of full reports, as
  ``classify_themes`` labels a report (the held-out report's unlabelled top-level
  sections take part in the decoding, unscored);
- ``paragraph``: each paragraph of those sections, alone (gold: its section's theme);
- ``sentence``: each sentence alone; ``sentence_context``: each sentence blended with
  its paragraph (as ``classify_themes`` does);
- ``baseline``: the keyword dictionary alone, section level.

Each level gets macro-F1 with a 95 % bootstrap interval (agency groups resampled with
replacement), accuracy, per-theme precision/recall/F1/support and a confusion matrix.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..sentences import split_sentences
from .labels import MIN_BODY_CHARS, LabelledText
from .taxonomy import THEME_KEYS

#: bootstrap resamples for the macro-F1 interval
BOOTSTRAP = 1000
LEVELS = ("section", "section_parts", "section_ordered", "paragraph", "sentence", "sentence_context", "baseline")


@dataclass
class LevelScores:
    """Scores of one predictor at one level."""

    units: int
    macro_f1: float
    ci95: tuple[float, float]
    accuracy: float
    per_theme: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {"units": self.units, "macro_f1": self.macro_f1, "ci95": list(self.ci95), "accuracy": self.accuracy,
                "per_theme": self.per_theme, "confusion": self.confusion}


@dataclass
class CVResult:
    """Cross-validation scores per level (see the module docstring)."""

    folds: int
    groups: int
    sections: int
    levels: dict[str, LevelScores] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": "leave-one-agency-out (agencies sharing copied text merged); train on all labelled units "
                            "of the other agencies; score held-out heading-labelled section bodies (headings "
                            "removed), their paragraphs and sentences; 95% CI: agency bootstrap",
                "folds": self.folds, "groups": self.groups, "sections": self.sections,
                "levels": {k: v.to_dict() for k, v in self.levels.items()}}


def _macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(y_true))
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)) if labels else 0.0


def score_level(y_true: Sequence[str], y_pred: Sequence[str], groups: Sequence[str], seed: int = 0,
                bootstrap: int = BOOTSTRAP) -> LevelScores:
    """Macro-F1 (labels present in ``y_true``), agency-bootstrap interval, per-theme scores, confusion."""
    import numpy as np
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = [t for t in THEME_KEYS if t in set(y_true)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per = {t: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
               "support": int(s[i])} for i, t in enumerate(labels)}
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    keys = sorted(by_group)
    rng = np.random.default_rng(seed)
    yt, yp = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    samples = []
    for _ in range(bootstrap if keys else 0):
        idx = [i for k in rng.choice(len(keys), len(keys)) for i in by_group[keys[k]]]
        samples.append(_macro_f1(list(yt[idx]), list(yp[idx])))
    ci = (round(float(np.percentile(samples, 2.5)), 4), round(float(np.percentile(samples, 97.5)), 4)) \
        if samples else (0.0, 0.0)
    confusion: dict[str, dict[str, int]] = {}
    for t, q in zip(y_true, y_pred):
        row = confusion.setdefault(t, {})
        row[q] = row.get(q, 0) + 1
    confusion = {t: dict(sorted(confusion[t].items())) for t in labels}
    macro = float(sum(f) / len(f)) if len(f) else 0.0
    return LevelScores(len(y_true), round(macro, 4), ci, round(float(accuracy_score(y_true, y_pred)), 4) if y_true
                       else 0.0, per, confusion)


def _paragraphs(u: LabelledText) -> list[str]:
    return [p for p in u.text.split("\n") if sum(1 for c in p if not c.isspace()) >= MIN_BODY_CHARS]


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in split_sentences(paragraph, 0, len(paragraph))
            if sum(1 for c in paragraph[a:b] if not c.isspace()) >= MIN_BODY_CHARS]


def cross_validate(units: Sequence[LabelledText], make_estimator: Callable[[], Any], n_splits: int | None = None,
                   seed: int = 0, bootstrap: int = BOOTSTRAP, progress: Callable[[], None] | None = None,
                   train_filter: Callable[[LabelledText], bool] | None = None,
                   unlabelled: Sequence[LabelledText] = (), plan_model: Any = None) -> CVResult:
    """Cross-validate by agency group (see the module docstring). ``make_estimator()`` returns an
    unfitted :class:`~nlp.themes.estimator.ThemeClassifier`; ``n_splits`` None: one fold per group;
    ``train_filter``: which trainable units to fit on (default all); ``unlabelled``: texts for the
    estimator's self-training (label ``""``), those of the held-out agencies left out; ``plan_model``:
    the plan gate fitted on other data, given to every fold's fit (``nlp.themes.plan``)."""
    from sklearn.model_selection import GroupKFold

    from .baseline import KeywordBaseline
    from .estimator import ThemeInput

    evaluable = [u for u in units if u.evaluable]
    groups = sorted({u.agency for u in evaluable})
    k = len(groups) if n_splits is None else min(n_splits, len(groups))
    folds = list(GroupKFold(n_splits=k).split(groups, groups=groups)) if k >= 2 else []
    truth: dict[str, list[str]] = {lvl: [] for lvl in LEVELS}
    pred: dict[str, list[str]] = {lvl: [] for lvl in LEVELS}
    where: dict[str, list[str]] = {lvl: [] for lvl in LEVELS}

    def add(level: str, gold: Sequence[str], got: Sequence[str], group: Sequence[str]) -> None:
        truth[level].extend(gold)
        pred[level].extend(got)
        where[level].extend(group)

    for _, test_idx in folds:
        held = {groups[i] for i in test_idx}
        train = [u for u in units if u.trainable and u.agency not in held and (train_filter is None or train_filter(u))]
        train += [u for u in unlabelled if u.agency not in held]
        model = make_estimator().fit([u.text for u in train], [u.theme for u in train], groups=[u.agency for u in train],
                                     plan_model=plan_model)
        for report in sorted({u.report for u in evaluable if u.agency in held}):
            test = [u for u in evaluable if u.report == report]
            gold, grp = [u.theme for u in test], [u.agency for u in test]
            add("section", gold, model.predict([u.text for u in test]), grp)
            add("section_parts", gold, model.predict([ThemeInput(u.text, u.part) for u in test]), grp)
            add("baseline", gold, KeywordBaseline().predict([u.text for u in test]), grp)
            context = [u for u in units if u.report == report and u.source == "context"]
            seq = test + context
            probs = model.predict_proba([ThemeInput(u.text, u.part) for u in seq])
            decoded = model.decode_sections(probs, [u.part for u in seq], [u.era for u in seq],
                                            [u.position for u in seq])
            add("section_ordered", gold, decoded[:len(test)], grp)
            paras = [(u, p) for u in test for p in _paragraphs(u)]
            add("paragraph", [u.theme for u, _ in paras], model.predict([p for _, p in paras]),
                [u.agency for u, _ in paras])
            sents = [(u, p, s) for u, p in paras for s in _sentences(p)]
            add("sentence", [u.theme for u, _, _ in sents], model.predict([s for _, _, s in sents]),
                [u.agency for u, _, _ in sents])
            add("sentence_context", [u.theme for u, _, _ in sents],
                model.predict([ThemeInput(s, "", p) for _, p, s in sents]), [u.agency for u, _, _ in sents])
        if progress is not None:
            progress()
    result = CVResult(len(folds), len(groups), len(evaluable))
    for lvl in LEVELS:
        result.levels[lvl] = score_level(truth[lvl], pred[lvl], where[lvl], seed, bootstrap)
    return result
