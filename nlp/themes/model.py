"""The theme classifier, its artefact and its cross-validation.

Model: TF-IDF over jieba words + character n-grams → linear SVM with sigmoid-calibrated
probabilities (scikit-learn). At prediction the calibrated probabilities are averaged
with the keyword dictionary's normalized scores (weight :data:`KEYWORD_WEIGHT`; a text
with no keyword hit keeps the model's probabilities), and, where the part a text sits
in is known, restricted to the themes that part allows
(``taxonomy.PART_ALLOWED_THEMES``) and renormalized. Sections are then decoded per
part: in part 一 of 2019/2021-layout reports the top-level headed sections take the
label sequence that best follows the template order (``nlp.themes.sequence``; section
order only, never heading text).

Artefact layout (``models/themes/``): ``model.joblib`` (the fitted pipeline) and
``card.json`` (format version, taxonomy version, library versions, training files
hash, label counts, leave-one-report-out CV scores). :meth:`ThemeModel.load` refuses
an artefact whose format/taxonomy version differs or whose scikit-learn minor version
differs from the installed one.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import ModelLoadError
from ..resources import model_dir
from .labels import LabelledText
from .sequence import ORDER_PENALTY, decode_sections
from .taxonomy import PART_ALLOWED_THEMES, THEME_KEYS, TAXONOMY_VERSION

MODEL_FORMAT = 1
MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
DEFAULT_MODEL_DIR = model_dir("themes")
SEED = 0
#: weight of the keyword dictionary's distribution in the prediction (fixed, stored in the card)
KEYWORD_WEIGHT = 0.5

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def char_text(text: str) -> str:
    """Text for the character n-gram features: digits folded to 0, whitespace removed."""
    return _SPACE.sub("", _DIGITS.sub("0", text))


def word_analyzer(text: str) -> list[str]:
    """Content words (jieba, user dictionary) for the word TF-IDF."""
    from ..segment import content_words

    return content_words(text)


def build_pipeline(seed: int = SEED, c: float = 0.5):
    """The untrained pipeline (sklearn imported here, not at ``import nlp``)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=word_analyzer, sublinear_tf=True, min_df=2)),
        ("chars", TfidfVectorizer(analyzer="char", preprocessor=char_text, ngram_range=(1, 3),
                                  sublinear_tf=True, min_df=2, max_features=60000)),
    ])
    svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    clf = CalibratedClassifierCV(svm, method="sigmoid", cv=StratifiedKFold(3, shuffle=True, random_state=seed))
    return Pipeline([("features", features), ("classify", clf)])


def _fit(units: Sequence[LabelledText], seed: int = SEED):
    units = [u for u in units if u.trainable]
    pipe = build_pipeline(seed)
    pipe.fit([u.text for u in units], [u.theme for u in units])
    return pipe


def library_versions() -> dict[str, str]:
    import jieba
    import numpy
    import scipy
    import sklearn

    return {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "jieba": jieba.__version__}


def files_hash(paths: Sequence[Path]) -> str:
    """sha256 over the (name, sha256 of content) of the training files, sorted by name."""
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        h.update(p.name.encode("utf-8"))
        h.update(hashlib.sha256(p.read_bytes()).hexdigest().encode("ascii"))
    return h.hexdigest()


@dataclass
class ThemeModel:
    """A fitted pipeline and its card."""

    pipeline: Any
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    @property
    def keyword_weight(self) -> float:
        return float(self.card.get("keyword_weight", KEYWORD_WEIGHT))

    @property
    def order_penalty(self) -> float:
        return float(self.card.get("order_penalty", ORDER_PENALTY))

    def decode_sections(self, probs, parts: Sequence[str], eras: Sequence[str], positions: Sequence[int]) -> list[str]:
        """Section themes of one report from their probabilities (see ``nlp.themes.sequence``)."""
        return decode_sections(probs, self.classes, parts, eras, positions, self.order_penalty)

    def predict_proba(self, texts: Sequence[str], parts: Sequence[str] | None = None, keywords: bool = True):
        """Probabilities (rows: texts, columns: :attr:`classes`). ``parts``: the part key of each
        text (restricts themes); ``keywords=False``: the calibrated model alone."""
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.classes)))
        probs = self.pipeline.predict_proba(texts)
        classes = self.classes
        if keywords and self.keyword_weight > 0:
            probs = mix_keywords(probs, texts, classes, self.keyword_weight)
        if parts is not None:
            probs = restrict_to_parts(probs, parts, classes)
        return probs

    def predict(self, texts: Sequence[str], parts: Sequence[str] | None = None, keywords: bool = True) -> list[str]:
        """The most probable theme of each text."""
        probs = self.predict_proba(texts, parts, keywords)
        classes = self.classes
        return [classes[int(i)] for i in probs.argmax(axis=1)] if len(texts) else []

    # ------------------------------------------------------------ artefact
    def save(self, out_dir: Path) -> Path:
        import joblib

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.pipeline, out_dir / MODEL_FILE, compress=3)
        card = dict(self.card)
        card["artefact_bytes"] = (out_dir / MODEL_FILE).stat().st_size
        (out_dir / CARD_FILE).write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                         encoding="utf-8")
        self.card = card
        return out_dir

    @classmethod
    def load(cls, model_dir: Path | str = DEFAULT_MODEL_DIR) -> "ThemeModel":
        """Load an artefact, checking format, taxonomy and scikit-learn versions."""
        import joblib
        import sklearn

        d = Path(model_dir)
        card_path, model_path = d / CARD_FILE, d / MODEL_FILE
        if not card_path.exists() or not model_path.exists():
            raise ModelLoadError(f"{d}: no theme model here (expected {CARD_FILE} and {MODEL_FILE}; "
                                 f"train one with `xxgk train themes --corpus DIR --out {d}`)")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ModelLoadError(f"{card_path}: unreadable model card ({e})") from None
        if card.get("format") != MODEL_FORMAT:
            raise ModelLoadError(f"{card_path}: model format {card.get('format')!r}, this code reads {MODEL_FORMAT}")
        if card.get("taxonomy_version") != TAXONOMY_VERSION:
            raise ModelLoadError(f"{card_path}: trained for taxonomy {card.get('taxonomy_version')!r}, "
                                 f"this code has {TAXONOMY_VERSION}; retrain with `xxgk train themes`")
        trained = str(card.get("libraries", {}).get("scikit-learn", ""))
        if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
            raise ModelLoadError(f"{card_path}: trained with scikit-learn {trained or '?'}, installed "
                                 f"{sklearn.__version__}; retrain with `xxgk train themes`")
        try:
            pipeline = joblib.load(model_path)
        except Exception as e:  # corrupt or foreign pickle
            raise ModelLoadError(f"{model_path}: cannot load the model ({type(e).__name__}: {e})") from None
        if sorted(str(c) for c in pipeline.classes_) != sorted(card.get("classes", [])):
            raise ModelLoadError(f"{model_path}: classes do not match {card_path}")
        return cls(pipeline, card)


def mix_keywords(probs, texts: Sequence[str], classes: Sequence[str], weight: float):
    """(1 - weight) × model probabilities + weight × the keyword dictionary's normalized scores."""
    import numpy as np

    from .baseline import KeywordBaseline

    base = KeywordBaseline()
    out = probs.copy()
    for i, text in enumerate(texts):
        scores = base.scores(text)
        k = np.array([scores.get(c, 0.0) for c in classes])
        if k.sum() > 0:
            out[i] = (1 - weight) * probs[i] + weight * k / k.sum()
    return out


def restrict_to_parts(probs, parts: Sequence[str], classes: Sequence[str]):
    """Zero the themes a text's part does not allow and renormalize (unknown parts: unchanged)."""
    import numpy as np

    out = probs.copy()
    for i, part in enumerate(parts):
        allowed = PART_ALLOWED_THEMES.get(part or "")
        if not allowed:
            continue
        mask = np.array([c in allowed for c in classes], dtype=float)
        row = out[i] * mask
        if row.sum() > 0:
            out[i] = row / row.sum()
    return out


_LOADED: dict[str, ThemeModel] = {}


def load_model(model_dir: Path | str | None = None) -> ThemeModel:
    """The theme model of ``model_dir`` (default: the shipped one), loaded once per process."""
    key = str(Path(model_dir or DEFAULT_MODEL_DIR).resolve())
    if key not in _LOADED:
        _LOADED[key] = ThemeModel.load(key)
    return _LOADED[key]


# ---------------------------------------------------------------- evaluation

@dataclass
class CVScores:
    """Macro-F1, accuracy and per-theme precision/recall/F1/support of one predictor."""

    macro_f1: float
    accuracy: float
    per_theme: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {"macro_f1": self.macro_f1, "accuracy": self.accuracy, "per_theme": self.per_theme}


@dataclass
class CVResult:
    """Leave-one-report-out scores on heading-labelled sections (headings removed).

    ``model``: the calibrated TF-IDF model alone (content only); ``ensemble``: model +
    keyword dictionary; ``ensemble_parts``: also knowing each section's part;
    ``ordered``: the shipped predictor, ``ensemble_parts`` plus the decoding of part 一's
    section sequence in 2019/2021-layout reports (as classify_themes does; the held-out
    report's unlabelled top-level sections take part in the decoding, unscored);
    ``baseline``: the keyword dictionary alone.
    ``sentence_accuracy``: heading-labelled sentences of the held-out report labelled as
    classify_themes does (in context), scored against their section's theme.
    """

    sections: int
    reports: int
    model: CVScores
    ensemble: CVScores
    ensemble_parts: CVScores
    baseline: CVScores
    ordered: CVScores | None = None
    sentence_accuracy: float | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "protocol": "leave-one-report-out over reports with heading-labelled sections; train on all labelled "
                        "units of the other reports; score the held-out report's section bodies (headings removed)",
            "sections": self.sections, "reports": self.reports,
            "model": self.model.to_dict(), "ensemble": self.ensemble.to_dict(),
            "ensemble_parts": self.ensemble_parts.to_dict(), "baseline": self.baseline.to_dict(),
            "ordered": self.ordered.to_dict() if self.ordered else None, "order_penalty": ORDER_PENALTY,
            "sentence_accuracy": self.sentence_accuracy, "confusion": self.confusion,
        }


def _scores(y_true: list[str], y_pred: list[str]) -> CVScores:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = [t for t in THEME_KEYS if t in set(y_true)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per = {t: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
               "support": int(s[i])} for i, t in enumerate(labels)}
    macro = float(sum(f) / len(f)) if len(f) else 0.0
    return CVScores(round(macro, 4), round(float(accuracy_score(y_true, y_pred)), 4), per)


def cross_validate(units: Sequence[LabelledText], seed: int = SEED, progress=None) -> CVResult:
    """Leave-one-report-out CV: for each report with heading-labelled sections, train on all
    units of the other reports and predict that report's section bodies (headings removed)."""
    from .baseline import KeywordBaseline

    groups = sorted({u.report for u in units if u.evaluable})
    y_true: list[str] = []
    preds: dict[str, list[str]] = {"model": [], "ensemble": [], "ensemble_parts": [], "ordered": []}
    sent_true: list[str] = []
    sent_pred: list[str] = []
    for g in groups:
        train = [u for u in units if u.report != g]
        test = [u for u in units if u.report == g and u.evaluable]
        test_sentences = [u for u in units if u.report == g and u.unit == "sentence" and u.source != "weak"]
        model = ThemeModel(_fit(train, seed), {"keyword_weight": KEYWORD_WEIGHT})
        texts, parts = [u.text for u in test], [u.part for u in test]
        y_true.extend(u.theme for u in test)
        preds["model"].extend(model.predict(texts, keywords=False))
        preds["ensemble"].extend(model.predict(texts))
        preds["ensemble_parts"].extend(model.predict(texts, parts))
        # the part's section sequence: scored sections plus unlabelled top-level ones (context)
        seq = test + [u for u in units if u.report == g and u.source == "context"]
        seq_probs = model.predict_proba([u.text for u in seq], [u.part for u in seq])
        decoded = model.decode_sections(seq_probs, [u.part for u in seq], [u.era for u in seq],
                                        [u.position for u in seq])
        preds["ordered"].extend(decoded[:len(test)])
        if test_sentences:
            sent_true.extend(u.theme for u in test_sentences)
            sent_pred.extend(_predict_sentences_in_context(model, test_sentences, test))
        if progress is not None:
            progress()
    evaluable = [u for u in units if u.evaluable]
    baseline = _scores([u.theme for u in evaluable], KeywordBaseline().predict([u.text for u in evaluable]))
    confusion: dict[str, dict[str, int]] = {}
    for t, p in zip(y_true, preds["ordered"]):
        confusion.setdefault(t, {}).setdefault(p, 0)
        confusion[t][p] += 1
    sent_acc = round(sum(a == b for a, b in zip(sent_true, sent_pred)) / len(sent_true), 4) if sent_true else None
    return CVResult(len(y_true), len(groups), _scores(y_true, preds["model"]), _scores(y_true, preds["ensemble"]),
                    _scores(y_true, preds["ensemble_parts"]), baseline, _scores(y_true, preds["ordered"]), sent_acc,
                    {t: dict(sorted(v.items())) for t, v in sorted(confusion.items())})


def _predict_sentences_in_context(model: ThemeModel, sentences: Sequence[LabelledText],
                                  sections: Sequence[LabelledText]) -> list[str]:
    """Sentence labels as classify_themes gives them: sentence probabilities blended with
    those of the section around them (weight ``SENTENCE_CONTEXT_WEIGHT``)."""
    from .classify import MIN_SENTENCE_CHARS, SENTENCE_CONTEXT_WEIGHT

    probs = model.predict_proba([u.text for u in sentences], [u.part for u in sentences])
    if sections:
        sec_probs = model.predict_proba([u.text for u in sections], [u.part for u in sections])
        for i, u in enumerate(sentences):
            for j, sec in enumerate(sections):
                if sec.start <= u.start and u.end <= sec.end:
                    n = sum(1 for c in u.text if not c.isspace())
                    w = 1.0 if n < MIN_SENTENCE_CHARS else SENTENCE_CONTEXT_WEIGHT
                    probs[i] = (1 - w) * probs[i] + w * sec_probs[j]
                    break
    classes = model.classes
    return [classes[int(k)] for k in probs.argmax(axis=1)]


def label_counts(units: Sequence[LabelledText]) -> dict[str, dict[str, int]]:
    """Counts of labelled units by unit kind and theme (for the card)."""
    out: dict[str, dict[str, int]] = {}
    for u in units:
        if not u.trainable:
            continue
        key = f"{u.unit}/{u.source}"
        out.setdefault(key, {}).setdefault(u.theme, 0)
        out[key][u.theme] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def train_model(units: Sequence[LabelledText], training_files: Sequence[Path], cv: CVResult | None = None,
                seed: int = SEED) -> ThemeModel:
    """Fit on every labelled unit and write the card (CV scores passed in from :func:`cross_validate`)."""
    pipe = _fit(units, seed)
    card = {
        "name": "xxgk-themes",
        "format": MODEL_FORMAT,
        "taxonomy_version": TAXONOMY_VERSION,
        "classes": [str(c) for c in pipe.classes_],
        "libraries": library_versions(),
        "training_files": len(training_files),
        "training_files_sha256": files_hash(list(training_files)),
        "training_units": label_counts(units),
        "reports": len({u.report for u in units}),
        "seed": seed,
        "features": "tf-idf over jieba content words (user dictionary) + character 1-3-grams",
        "classifier": "LinearSVC(C=0.5, class_weight=balanced) + sigmoid calibration (3-fold)",
        "keyword_weight": KEYWORD_WEIGHT,
        "order_penalty": ORDER_PENALTY,
        "prediction": "(1 - keyword_weight) * calibrated model + keyword_weight * keyword dictionary; "
                      "restricted to the themes the text's part allows when the part is known; sections of "
                      "part 一 in 2019/2021-layout reports decoded as a sequence (Viterbi, order_penalty per step "
                      "against the template order)",
        "cv": cv.to_dict() if cv else None,
    }
    return ThemeModel(pipe, card)
