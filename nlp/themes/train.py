"""``xxgk train themes``: labels from the corpus's headings → CV → fit → artefact."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..batch import Failure, expand_inputs
from ..errors import XxgkError, ReportReadError
from .labels import corpus_units
from .model import DEFAULT_MODEL_DIR, SEED, CVResult, ThemeModel, cross_validate, train_model


@dataclass
class TrainingRun:
    """What a training run produced."""

    model: ThemeModel
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


def train_themes(corpus: Path | str, out_dir: Path | str = DEFAULT_MODEL_DIR, run_cv: bool = True, seed: int = SEED,
                 progress: Callable[[str, int], Callable[[], None]] | None = None) -> TrainingRun:
    """Train the theme model on the heading-labelled sections of ``corpus`` and write it to ``out_dir``.

    ``progress(description, total)`` may return a callback advanced once per CV fold.
    """
    corpus = Path(corpus)
    if not corpus.exists():
        raise XxgkError(f"{corpus}: corpus directory not found")
    reports, files, failures = read_corpus(corpus)
    units = corpus_units(reports)
    evaluable = [u for u in units if u.evaluable]
    if len({u.theme for u in units}) < 2 or not evaluable:
        raise XxgkError(f"{corpus}: too few heading-labelled sections to train on ({len(evaluable)} found)")
    cv = None
    if run_cv:
        groups = len({u.report for u in evaluable})
        tick = progress("leave-one-report-out CV", groups) if progress else None
        cv = cross_validate(units, seed=seed, progress=tick)
    model = train_model(units, files, cv, seed=seed)
    model.save(Path(out_dir))
    return TrainingRun(model, cv, Path(out_dir), files, failures)
