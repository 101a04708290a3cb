"""The theme classifier: TF-IDF over jieba words + character n-grams → linear SVM with
sigmoid-calibrated probabilities (scikit-learn), its artefact and its cross-validation.

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
from .labels import LabelledText
from .taxonomy import THEME_KEYS, TAXONOMY_VERSION

MODEL_FORMAT = 1
MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "themes"
SEED = 0

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

    def predict_proba(self, texts: Sequence[str]):
        """Probabilities, one row per text, columns in :attr:`classes` order."""
        return self.pipeline.predict_proba(list(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(c) for c in self.pipeline.predict(list(texts))]

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


_LOADED: dict[str, ThemeModel] = {}


def load_model(model_dir: Path | str | None = None) -> ThemeModel:
    """The theme model of ``model_dir`` (default: the shipped one), loaded once per process."""
    key = str(Path(model_dir or DEFAULT_MODEL_DIR).resolve())
    if key not in _LOADED:
        _LOADED[key] = ThemeModel.load(key)
    return _LOADED[key]


# ---------------------------------------------------------------- evaluation

@dataclass
class CVResult:
    """Leave-one-report-out scores on heading-labelled sections."""

    macro_f1: float
    per_theme: dict[str, dict[str, float]]
    baseline_macro_f1: float
    baseline_per_theme: dict[str, dict[str, float]]
    sections: int
    reports: int
    accuracy: float
    baseline_accuracy: float
    sentence_accuracy: float | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _scores(y_true: list[str], y_pred: list[str]) -> tuple[float, dict[str, dict[str, float]], float]:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = [t for t in THEME_KEYS if t in set(y_true)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per = {t: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
               "support": int(s[i])} for i, t in enumerate(labels)}
    macro = float(sum(f) / len(f)) if len(f) else 0.0
    return round(macro, 4), per, round(float(accuracy_score(y_true, y_pred)), 4)


def cross_validate(units: Sequence[LabelledText], seed: int = SEED, progress=None) -> CVResult:
    """Leave-one-report-out CV: for each report with heading-labelled sections, train on all
    units of the other reports and predict that report's section bodies (headings removed)."""
    from .baseline import KeywordBaseline

    groups = sorted({u.report for u in units if u.evaluable})
    y_true: list[str] = []
    y_pred: list[str] = []
    sent_true: list[str] = []
    sent_pred: list[str] = []
    for g in groups:
        train = [u for u in units if u.report != g]
        test = [u for u in units if u.report == g and u.evaluable]
        tests_sent = [u for u in units if u.report == g and u.unit == "sentence" and u.source != "weak"]
        pipe = _fit(train, seed)
        y_true.extend(u.theme for u in test)
        y_pred.extend(str(c) for c in pipe.predict([u.text for u in test]))
        if tests_sent:
            sent_true.extend(u.theme for u in tests_sent)
            sent_pred.extend(str(c) for c in pipe.predict([u.text for u in tests_sent]))
        if progress is not None:
            progress()
    evaluable = [u for u in units if u.evaluable]
    base_pred = KeywordBaseline().predict([u.text for u in evaluable])
    macro, per, acc = _scores(y_true, y_pred)
    b_macro, b_per, b_acc = _scores([u.theme for u in evaluable], base_pred)
    confusion: dict[str, dict[str, int]] = {}
    for t, p in zip(y_true, y_pred):
        confusion.setdefault(t, {}).setdefault(p, 0)
        confusion[t][p] += 1
    sent_acc = round(sum(a == b for a, b in zip(sent_true, sent_pred)) / len(sent_true), 4) if sent_true else None
    return CVResult(macro, per, b_macro, b_per, len(y_true), len(groups), acc, b_acc, sent_acc, confusion)


def label_counts(units: Sequence[LabelledText]) -> dict[str, dict[str, int]]:
    """Counts of labelled units by unit kind and theme (for the card)."""
    out: dict[str, dict[str, int]] = {}
    for u in units:
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
        "cv": cv.to_dict() if cv else None,
    }
    return ThemeModel(pipe, card)
