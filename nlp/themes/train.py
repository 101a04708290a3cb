"""``xxgk train themes``: labels from the corpus's headings and enumerated openers → agency CV → fit → artefact."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from threadpoolctl import threadpool_limits

from ..batch import Failure, expand_inputs
from ..errors import ReportReadError, XxgkError
from .evaluate import CVResult, cross_validate
from .generated import generated_units, scarce_themes
from .labels import corpus_units, unlabelled_units
from .model import DEFAULT_MODEL_DIR, HYPERPARAMETERS, new_estimator, save_model, train_model
from .plan import plan_model_from_prose


@dataclass
class TrainingRun:
    """What a training run produced."""

    model: Any
    card: dict[str, Any]
    cv: CVResult | None
    out_dir: Path
    files: list[Path]
    failures: list[Failure] = field(default_factory=list)


def read_corpus(corpus: Path) -> tuple[list, list[Path], list[Failure]]:
    """Every readable report under ``corpus`` (recursively); bad files become failures."""
    from ..structure import read_report

    files, failures = expand_inputs([corpus])
    reports, used = [], []
    for f in files:
        try:
            reports.append(read_report(f))
            used.append(f)
        except ReportReadError as e:
            failures.append(Failure(str(f), e.reason))
        except XxgkError as e:
            failures.append(Failure(str(f), str(e)))
    return reports, used, failures


def _one_thread() -> threadpool_limits:
    """One BLAS/OpenMP thread in the numerical libraries training uses (loaded first: a library
    imported after the limit is set would keep its own thread count)."""
    import numpy  # noqa: F401
    import scipy.sparse.linalg  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    return threadpool_limits(limits=1)


def default_pretrain_dir(corpus: Path | str) -> Path:
    """Where the pre-training prose is expected when not named: ``pretrain`` beside the corpus folder
    (``../shared/corpus`` → ``../shared/pretrain``)."""
    return Path(corpus).resolve().parent / "pretrain"


def train_themes(corpus: Path | str, out_dir: Path | str = DEFAULT_MODEL_DIR, run_cv: bool = True,
                 progress: Callable[[str, int], Callable[[], None]] | None = None,
                 pretrain: Path | str | None = None) -> TrainingRun:
    """Train the theme model on the labelled units of ``corpus`` (section bodies under their
    heading's theme, their paragraphs and sentences, opener-labelled items; the units of generated
    reports for the themes it has few sections of, :mod:`nlp.themes.generated`; self-training on the
    unlabelled body text) and write it to ``out_dir``; with ``run_cv`` the leave-one-agency-out figures go into the card.

    ``pretrain``: the pre-training prose folder whose government work reports teach the plan gate
    (``nlp.themes.plan``; default :func:`default_pretrain_dir`). ``progress(description, total)``
    may return a callback advanced once per CV fold.
    """
    corpus = Path(corpus)
    if not corpus.exists():
        raise XxgkError(f"{corpus}: corpus directory not found")
    reports, files, failures = read_corpus(corpus)
    units = corpus_units(reports)
    unlabelled = unlabelled_units(reports, units)
    evaluable = [u for u in units if u.evaluable]
    if len({u.theme for u in units if u.trainable}) < 2 or not evaluable:
        raise XxgkError(f"{corpus}: too few heading-labelled sections to train on ({len(evaluable)} found)")
    # units of generated reports for the themes the corpus has few sections of (nlp.themes.generated)
    generated = generated_units(scarce_themes(units))
    plan_model = plan_info = None
    prose = None   # the pre-training folder the plan gate learns from (none without a gate)
    if HYPERPARAMETERS["plan_weight"] > 0:
        prose = Path(pretrain) if pretrain is not None else default_pretrain_dir(corpus)
        if not prose.is_dir():
            raise XxgkError(f"{prose}: pre-training prose folder not found (the theme model's plan gate learns "
                            "from its government work reports; name it with --pretrain)")
    cv = None
    # one BLAS/OpenMP thread while fitting: multi-threaded reductions round differently, and the
    # artefact must come out byte for byte the same whatever OMP_NUM_THREADS the caller has
    with _one_thread():
        if prose is not None:
            plan_model, plan_info = plan_model_from_prose(prose, seed=HYPERPARAMETERS["seed"])
        if run_cv:
            tick = progress("leave-one-agency-out CV", len({u.agency for u in evaluable})) if progress else None
            cv = cross_validate(units + generated, new_estimator, progress=tick, unlabelled=unlabelled,
                                plan_model=plan_model)
        model, card = train_model(units, files, cv.to_dict() if cv else None, unlabelled, plan_model=plan_model,
                                  plan_info=plan_info, generated=generated)
    card = save_model(model, card, out_dir)
    model.card_ = card
    return TrainingRun(model, card, cv, Path(out_dir), files, failures)
