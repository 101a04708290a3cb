"""The theme model's artefact: fit, save, load, and its card.

``models/themes/model.pkl.gz`` is the pickled :class:`~nlp.themes.estimator.ThemeClassifier`
itself (keyword prior, part restriction and sentence context included: the object that
predicts); ``card.json`` beside it records the format and taxonomy versions, the library
versions, the training data's hash and label counts, the hyperparameters and the
cross-validation figures (``nlp.themes.evaluate``). :func:`load_model` refuses an
artefact whose format/taxonomy version or scikit-learn minor version differs, and
attaches the card to the loaded estimator as ``card_``.

Training is deterministic and the artefact is written canonically (pickle without its memo,
so that which equal objects happen to be shared in memory cannot change the bytes; gzip
without a timestamp): the same corpus gives the same ``model.pkl.gz`` byte for byte.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import Any, Sequence

from ..errors import ModelLoadError
from ..resources import model_dir
from .labels import LabelledText
from .taxonomy import TAXONOMY_VERSION

MODEL_FORMAT = 2
MODEL_FILE = "model.pkl.gz"
CARD_FILE = "card.json"
DEFAULT_MODEL_DIR = model_dir("themes")
SEED = 0
#: the shipped hyperparameters (chosen by the agency cross-validation; see the card)
HYPERPARAMETERS: dict[str, Any] = {"classifier": "logreg", "c": 4.0, "keyword_weight": 0.25, "context_weight": 0.7,
                                   "min_context_chars": 6, "order_penalty": 2.0, "seed": SEED, "style_weight": 0.0,
                                   "bias_folds": 0, "self_training": 0.6,
                                   # encoder features of the summarizer's BART: off (the agency CV scored
                                   # them below the TF-IDF model alone; benchmarks/themes.py --encoder-*)
                                   "encoder_weight": 0.0, "encoder_blend": 0.0,
                                   # the learned plan-vs-done gate of improvements (nlp.themes.plan), its
                                   # sentence model fitted on the pre-training work reports: see PLAN_NOTE
                                   "plan_weight": 1.0}


#: what the agency CV said about the summarizer encoder's features (benchmarks/themes.py --loao
#: --encoder-weight/--encoder-blend; 59 folds, section / paragraph / sentence macro-F1)
ENCODER_NOTE = ("left off: tf-idf alone 0.739 / 0.686 / 0.599; encoder states concatenated (weight 1) "
                "0.717 / 0.647 / 0.577, (weight 3) 0.685 / 0.621 / 0.560; blended second model (0.3) "
                "0.710 / 0.688 / 0.606; encoder model alone 0.675 / 0.630 / 0.494; cost ~310 sentences per "
                "CPU-second for the features alone")


#: what the agency CV said about the plan gate (benchmarks/themes.py --loao --plan-weight W [--plan-source];
#: 59 folds, section / paragraph / sentence / sentence-in-context / ordered macro-F1; improvements section F1)
PLAN_NOTE = ("shipped: the sentence model fitted on the government work reports of the pre-training prose (review "
             "part: done, tasks part: plan; 21,486 sentences of 52 reports), centred on the training texts; measured "
             "on 217 sections, before a table of contents stopped being read as parts (the card's cv is after): weight 1: "
             "0.770 / 0.704 / 0.631 / 0.721 / 0.845 (improvements 0.67, 14/21) against no gate 0.739 / 0.686 / 0.599 / "
             "0.715 / 0.838 (improvements 0.47, 8/21); weight 1.5 0.764 / 0.693 / 0.617 / 0.723; weight 2.5 "
             "0.767 / 0.676 / 0.573 / 0.698. Alone, its mean sentence score ranks the improvements sections above "
             "the rest with AUC 0.90 (no corpus label used). "
             "Left off: the sentence model fitted in every fold on the training texts (nested grouped CV centre) "
             "weight 2 0.685 / 0.625 / 0.556 (improvements 0.45), weight 0.75 0.718 / 0.660 / 0.595 (improvements 0.51)")


#: what the agency CV said about items mined from the pre-training prose (nlp.themes.mining;
#: benchmarks/themes.py --loao --pretrain THEMES; 59 folds, section / paragraph / sentence /
#: sentence-in-context / ordered macro-F1)
PRETRAIN_NOTE = ("left off: 1,626 items of the pre-training documents whose opening phrase and keywords agree "
                 "(supervision 569, management 477, training 171, other 112, platforms 108, improvements 100, "
                 "problems 77, proactive 6, requests 6; a 10-per-theme reading found about half on the theme's topic, "
                 "almost none about disclosure: management is 管理标准, other is litigation, platforms are industry "
                 "platforms). None 0.739 / 0.686 / 0.599 / 0.715 / 0.838; all 0.742 / 0.678 / 0.569 / 0.681 / 0.859 "
                 "(management 0.65 -> 0.48); improvements, problems, training 0.751 / 0.691 / 0.562 / 0.709 / 0.837; "
                 "improvements, problems, training, platforms, other 0.761 / 0.693 / 0.572 / 0.719 / 0.848 (two "
                 "sections more right, training and other; improvements 0.47 -> 0.46) — within the bootstrap "
                 "intervals, sentences alone worse). Self-training also on the 350 pre-training paragraphs that "
                 "speak of disclosure (--pretrain-unlabelled): 0.729 / 0.684 / 0.596 / 0.714 / 0.832")


def new_estimator(**overrides: Any):
    """An unfitted :class:`~nlp.themes.estimator.ThemeClassifier` with the shipped hyperparameters."""
    from .estimator import ThemeClassifier

    return ThemeClassifier(**{**HYPERPARAMETERS, **overrides})


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


def label_counts(units: Sequence[LabelledText]) -> dict[str, dict[str, int]]:
    """Counts of labelled units by unit kind/source and theme (for the card)."""
    out: dict[str, dict[str, int]] = {}
    for u in units:
        if not u.trainable:
            continue
        key = f"{u.unit}/{u.source}"
        out.setdefault(key, {}).setdefault(u.theme, 0)
        out[key][u.theme] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def train_model(units: Sequence[LabelledText], training_files: Sequence[Path], cv: dict[str, Any] | None = None,
                unlabelled: Sequence[LabelledText] = (), plan_model: Any = None, plan_info: dict[str, Any] | None = None,
                generated: Sequence[LabelledText] = (), **overrides: Any) -> tuple[Any, dict[str, Any]]:
    """Fit on every labelled unit and those of generated reports (``generated``:
    :func:`nlp.themes.generated.generated_units`), and self-train on ``unlabelled``; returns (the
    fitted estimator, its card). ``cv``: the cross-validation figures to record
    (``CVResult.to_dict()``); ``plan_model``: the plan gate fitted on other data
    (``nlp.themes.plan.plan_model_from_prose``), ``plan_info`` what it was fitted on (for the card)."""
    from .generated import GENERATED_NOTE, GENERATED_TRAINING, units_hash

    train = [u for u in units if u.trainable] + list(generated) + list(unlabelled)
    model = new_estimator(**overrides).fit([u.text for u in train], [u.theme for u in train],
                                           groups=[u.agency for u in train], plan_model=plan_model)
    card = {
        "name": "xxgk-themes",
        "format": MODEL_FORMAT,
        "taxonomy_version": TAXONOMY_VERSION,
        "classes": [str(c) for c in model.classes_],
        "libraries": library_versions(),
        "training_files": len(training_files),
        "training_files_sha256": files_hash(list(training_files)),
        "training_units": label_counts(units),
        "generated_units": {"themes": sorted({u.theme for u in generated}), "counts": label_counts(generated),
                            "sha256": units_hash(generated), "corpus": dict(GENERATED_TRAINING),
                            "figures": GENERATED_NOTE} if generated else GENERATED_NOTE,
        "unlabelled_units": len(unlabelled),
        "pseudo_labelled_units": int(model.pseudo_labelled_),
        "reports": len({u.report for u in units}),
        "agency_groups": len({u.agency for u in units}),
        "hyperparameters": model.get_params(),
        "features": "tf-idf over jieba content words (user dictionary) + character 1-3-grams (digits folded)"
                    + (f"; mean-pooled encoder states of models/summarizer (weight {model.encoder_weight})"
                       if model.encoder_weight > 0 else "")
                    + (f"; a second logistic regression on the encoder states, blended {model.encoder_blend}"
                       if model.encoder_blend > 0 else ""),
        "plan_gate": ({**(plan_info or {}), "weight": model.plan_weight, "centre": round(model.plan_.centre_, 6),
                       "half_gap": round(model.plan_.half_gap_, 6), "figures": PLAN_NOTE}
                      if model.plan_ is not None else PLAN_NOTE),
        "encoder_features": ENCODER_NOTE,
        "pretrain_items": PRETRAIN_NOTE,
        "self_training": "one round: the model fitted on the labelled units labels the unlabelled body paragraphs "
                         "and sentences of the corpus; those with probability >= self_training join the training "
                         "data (in the CV, never the held-out agency's)",
        "prediction": "content model (class-balanced logistic regression, self-trained) averaged with the keyword dictionary's "
                      "normalized scores (keyword_weight); the improvements probability shifted by the plan gate "
                      "(plan_weight times the centred plan score of the text's sentences); restricted to the themes the text's part allows when "
                      "the part is known; a sentence blended with its paragraph (context_weight); sections of "
                      "part 一 in 2019/2021-layout reports decoded as a sequence (order_penalty per step against "
                      "the template order)",
        "cv": cv,
    }
    return model, card


def model_bytes(model: Any) -> bytes:
    """The canonical artefact bytes of ``model``: a memo-less pickle (protocol 5), gzip with mtime 0."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True  # no memo: equal objects are written alike whether shared in memory or not
    pickler.dump(model)
    return gzip.compress(buf.getvalue(), compresslevel=9, mtime=0)


def save_model(model: Any, card: dict[str, Any], out_dir: Path | str) -> dict[str, Any]:
    """Write the model file and ``card.json`` atomically; returns the card with the artefact size and hash."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    card = dict(card)
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".tmp", delete=False) as fh:
        tmp_model = Path(fh.name)
        fh.write(model_bytes(model))
    os.chmod(tmp_model, 0o644)
    card["artefact_bytes"] = tmp_model.stat().st_size
    card["artefact_sha256"] = hashlib.sha256(tmp_model.read_bytes()).hexdigest()
    tmp_card = out_dir / (CARD_FILE + ".tmp")
    tmp_card.write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp_model, out_dir / MODEL_FILE)
    os.replace(tmp_card, out_dir / CARD_FILE)
    return card


def read_model(directory: Path | str = DEFAULT_MODEL_DIR):
    """Load an artefact, checking format, taxonomy and scikit-learn versions; the card is ``card_``."""
    import sklearn

    d = Path(directory)
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
    from .estimator import ThemeClassifier

    try:
        model = pickle.loads(gzip.decompress(model_path.read_bytes()))
    except (OSError, EOFError, ValueError, KeyError, IndexError, AttributeError, ImportError, TypeError,
            pickle.UnpicklingError, zlib.error) as e:
        raise ModelLoadError(f"{model_path}: cannot load the model ({type(e).__name__}: {e})") from None
    if not isinstance(model, ThemeClassifier):
        raise ModelLoadError(f"{model_path}: holds a {type(model).__name__}, not a ThemeClassifier")
    if sorted(str(c) for c in model.classes_) != sorted(card.get("classes", [])):
        raise ModelLoadError(f"{model_path}: classes do not match {card_path}")
    model.card_ = card
    return model


_LOADED: dict[str, Any] = {}


def load_model(directory: Path | str | None = None):
    """The theme model of ``directory`` (default: the shipped one), loaded once per process."""
    key = str(Path(directory or DEFAULT_MODEL_DIR).resolve())
    if key not in _LOADED:
        _LOADED[key] = read_model(key)
    return _LOADED[key]
