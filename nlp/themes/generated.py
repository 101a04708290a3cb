"""Theme-labelled units of reports made by the project's own generator (``corpora.generate``).

The generator composes reports from phrase frames written for the project (``corpora.phrases``).
Its reports are written out, read back and labelled exactly as real ones
(:func:`~nlp.themes.labels.corpus_units`); the units of the themes asked for join the training
data with source :data:`GENERATED_SOURCE` and a cross-validation group per generated agency, so
they are never scored and never held out.

The shipped model takes only ``other`` from them (:data:`GENERATED_TRAINING`): the real corpus
has few bodies of the other-matters part, fees or reconsideration and litigation (11 sections),
and the model read a reconsideration sentence as ``requests``. The agency CV with and without
them is in :data:`GENERATED_NOTE` (``benchmarks/themes.py --loao --generated THEMES``); every
theme's generated units at once made the model worse.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any, Sequence

from .labels import LabelledText

#: source of a generated unit (trained on, never evaluated)
GENERATED_SOURCE = "generated"
#: what the shipped model trains on from the generator: the themes kept and the generated corpus
#: (one report per agency; no planted errors, so every table and sentence is as the frames made it)
GENERATED_TRAINING: dict[str, Any] = {"themes": ("other",), "agencies": 60, "years": 1, "start_year": 2022,
                                      "seed": 7}
#: what the agency CV said (59 folds; section / section with parts / ordered / paragraph / sentence
#: macro-F1, other's section F1), measured with the shipped hyperparameters
GENERATED_NOTE = ("none 0.771 / 0.820 / 0.849 / 0.725 / 0.650 (other 0.76); other from 60 generated reports "
                  "(2022 layout) 0.787 / 0.838 / 0.856 / 0.738 / 0.636 (other 0.84), from 60 of the 2019 and "
                  "2021 layouts (another seed) 0.787 / 0.838 / 0.856 / 0.738 / 0.643, from 30 0.781 / 0.832 / "
                  "0.851 / 0.735 / 0.632; every theme from 60: 0.742 / 0.824 / 0.838 / 0.702 / 0.615 (platforms "
                  "0.63 -> 0.54, improvements 0.67 -> 0.55), from 20: 0.751 / 0.829 / 0.849 / 0.715 / 0.617")


def generated_units(themes: Sequence[str] = GENERATED_TRAINING["themes"], agencies: int = GENERATED_TRAINING["agencies"],
                    years: int = GENERATED_TRAINING["years"], start_year: int = GENERATED_TRAINING["start_year"],
                    seed: int = GENERATED_TRAINING["seed"]) -> list[LabelledText]:
    """The trainable units of ``themes`` in a generated corpus (``corpora.generate``, text files),
    in a stable order; each unit's report is the generated file's name."""
    from corpora.generate import CorpusConfig, write_corpus

    from .labels import corpus_units
    from .train import read_corpus

    if not themes:
        return []
    with tempfile.TemporaryDirectory(prefix="xxgk-generated-") as tmp:
        write_corpus(tmp, CorpusConfig(agencies=agencies, years=years, start_year=start_year, seed=seed,
                                       formats=("txt",), error_rate=0.0))
        reports, _, _ = read_corpus(Path(tmp))
    out = []
    for u in corpus_units(reports):
        if u.trainable and u.theme in themes:
            u.source = GENERATED_SOURCE
            u.agency = f"generated:{u.agency}"
            u.report = f"generated:{Path(u.report).name}"
            out.append(u)
    return out


def units_hash(units: Sequence[LabelledText]) -> str:
    """sha256 over the units' (theme, unit, text), in order (the card's record of the generated data)."""
    h = hashlib.sha256()
    for u in units:
        h.update(f"{u.theme}\t{u.unit}\t{u.text}\n".encode("utf-8"))
    return h.hexdigest()
