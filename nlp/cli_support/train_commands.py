"""``xxgk train``: reproduce the shipped models (themes, the segmenter's user dictionary, the summarizer);
registered on the ``train`` group by ``cli.py``."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import typer

from ..batch import Failure, check_output_dir, check_output_path, expand_inputs
from ..errors import XxgkError
from .common import FORCE, MODEL_CARD, finish, guard
from .console import err, progress_reporter
from .prepare import summarizer_plan


@guard
def train_themes_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports whose section headings give the labels"),
    out: Path = typer.Option(Path("models/themes"), "--out", help="artefact directory (model.pkl.gz + card.json)"),
    cv: bool = typer.Option(True, "--cv/--no-cv", help="run leave-one-agency-out cross-validation (recorded in the card)"),
    pretrain: Optional[Path] = typer.Option(None, "--pretrain", help="pre-training prose folder whose government work "
                                            "reports teach the plan gate (default: 'pretrain' beside the corpus)"),
    force: bool = FORCE,
) -> None:
    """Train the theme classifier from the corpus's own headings and enumerated openers (bodies without headings) and write the artefact."""
    from ..themes.train import train_themes

    check_output_dir(out, force=force, marker=MODEL_CARD)   # an earlier artefact (its card) is replaced, nothing else

    with progress_reporter() as tick:
        def start(description: str, total: int) -> Callable[[], None]:
            done = [0]

            def advance() -> None:
                done[0] += 1
                tick(description, done[0], total)
            return advance

        run = train_themes(corpus, out, run_cv=cv, progress=start, pretrain=pretrain)
    card = run.card
    lines = [f"trained on {len(run.files)} files ({card['training_files_sha256'][:12]}), "
             f"taxonomy {card['taxonomy_version']}, artefact {card['artefact_bytes'] / 1e6:.1f} MB → {run.out_dir}"]
    if run.cv:
        d = run.cv.to_dict()
        lines.append(f"leave-one-agency-out CV ({d['folds']} folds) on {d['sections']} heading-labelled sections "
                     f"(headings removed):")
        for name, s in d["levels"].items():
            per = ", ".join(f"{t} {v['f1']:.2f}" for t, v in s["per_theme"].items())
            lines.append(f"  {name:<16} macro-F1 {s['macro_f1']:.3f} [{s['ci95'][0]:.3f}, {s['ci95'][1]:.3f}]  "
                         f"n={s['units']}  ({per})")
    typer.echo("\n".join(lines))
    finish(run.failures)


@guard
def train_userdict_cmd(
    corpus: Path = typer.Option(..., "--corpus", help="directory of reports to find frequent terms in"),
    out: Optional[Path] = typer.Option(None, "--out", help="dictionary file (default: the shipped nlp/data/userdict.txt)"),
    force: bool = FORCE,
) -> None:
    """Build the segmenter's domain user dictionary from the format vocabulary and frequent corpus terms."""
    if out is not None:
        check_output_path(out, [], force=force)
    from ..ingest import read_source
    from ..segmentation import USER_DICT_PATH, build_user_dictionary

    files, failures = expand_inputs([corpus])
    texts = []
    for f in files:
        try:
            texts.append(read_source(f).text)
        except XxgkError as e:
            failures.append(Failure(str(f), getattr(e, "reason", str(e))))
    stats = build_user_dictionary(texts, out or USER_DICT_PATH)
    typer.echo(f"{stats.path}: {stats.vocabulary_terms} vocabulary terms + {stats.corpus_terms} corpus terms "
               f"from {stats.documents} documents")
    finish(failures)



@guard
def train_summarizer_cmd(
    out: Path = typer.Option(Path("models/summarizer"), "--out", help="artefact folder"),
    config: str = typer.Option("small", "--config", help="small (~5 M parameters, CPU) or base (GPU)"),
    seed: int = typer.Option(13, "--seed"),
    pretrain_steps: Optional[int] = typer.Option(None, "--pretrain-steps"),
    finetune_steps: Optional[int] = typer.Option(None, "--finetune-steps"),
    scorer_steps: Optional[int] = typer.Option(None, "--scorer-steps"),
    plain_steps: Optional[int] = typer.Option(None, "--plain-steps", help="0: as many body->heading examples as fine-tuning"),
    threads: int = typer.Option(1, "--threads", help="torch threads"),
    shared: Optional[Path] = typer.Option(None, "--shared", help="the shared data folder (default ../shared)"),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="where the ablation's extra model and dev pairs go"),
    no_eval: bool = typer.Option(False, "--no-eval", help="skip the ablation / CSL evaluation"),
    miner: str = typer.Option("parser", "--miner", help="in-domain pairs: parser (nlp.structure sections) or lines"),
    init_from: Optional[Path] = typer.Option(None, "--init-from",
                                             help="continue from this artefact (fine-tune steps only by default)"),
    force: bool = FORCE,
) -> None:
    """Train the headline model (pre-training, fine-tuning, clause scorer, ablation) into --out."""
    check_output_dir(out, force=force, marker=MODEL_CARD)   # an earlier artefact (its card) is replaced, nothing else
    from ..summaries.train import train_summarizer

    plan = summarizer_plan(config, seed, threads, miner, init_from,
                           {"pretrain_steps": pretrain_steps, "finetune_steps": finetune_steps,
                            "scorer_steps": scorer_steps, "plain_steps": plain_steps})
    card = train_summarizer(out, plan, shared, log=lambda m: err.print(m, markup=False, highlight=False),
                            evaluate_after=not no_eval, work_dir=work_dir)
    err.print(f"wrote {out} ({card.get('status')}; default headline: {card.get('default_variant_row', 'n/a')})")


__all__ = ["train_themes_cmd", "train_userdict_cmd", "train_summarizer_cmd"]
