"""The library calls a command makes around its one main call: what a report summary quotes, the theme
spans compare pools, the rule listing of ``check --list-rules`` and the summarizer's training plan."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from ..errors import ModelLoadError, XxgkError


def report_evidence(reports: list) -> tuple[dict, list, dict]:
    """What a report summary quotes and qualifies: each report's tables, the audit's findings
    (cross-year rules included) and the previous year's tables of the same agency."""
    from ..checks import Context, check
    from ..checks.series import consecutive_pairs
    from ..tables import extract_tables

    tables = {r.id: extract_tables(r) for r in reports}
    findings = check(reports, tables=[tables[r.id] for r in reports]) if reports else []
    pairs = consecutive_pairs([Context(r, tables[r.id]) for r in reports])
    previous = {this.report.id: before.tables for before, this in pairs}
    return tables, findings, previous


def compare_theme_spans(reports: list, processes: int = 1) -> tuple[dict[str, list[tuple[int, int, str]]], str]:
    """Per report, (start, end, theme) spans for compare: paragraph labels of the shipped theme
    model, or — when it cannot be loaded — the themes the section headings announce. ``processes``
    > 1: the model labels the reports on that many processes (the same spans)."""
    from ..forked import fork_count, map_on_forks
    from ..themes import classify_themes
    from ..themes.model import load_model
    from ..themes.taxonomy import theme_for_heading, theme_for_part

    parsed = [r for r in reports if r.parts]
    try:
        model = load_model() if parsed else None
    except ModelLoadError as e:
        model, why = None, str(e)

    def spans(r) -> list[tuple[int, int, str]]:
        if model is not None:
            return [(u.start, u.end, u.theme) for u in classify_themes(r, level="paragraph", model=model).units
                    if u.level == "paragraph"]
        return [(sec.start, sec.end, theme) for part in r.parts for sec in part.sections
                if (theme := (theme_for_heading(sec.heading, part.key) if sec.heading
                              else theme_for_part(part.key, part.title)))]

    labellers = fork_count(len(parsed), processes) if model is not None else 1
    out = dict(zip((r.id for r in parsed), map_on_forks(spans, parsed, labellers)))
    source = "the trained theme model" if model is not None else f"section headings ({why})" if parsed else ""
    return out, source


def rules_listing(as_json: bool) -> str:
    """The check rules (for ``--rule``), sorted by id: JSON objects or one aligned line each (id, scope, what it checks)."""
    from ..checks import RULES

    specs = sorted(RULES.values(), key=lambda r: r.id)
    if as_json:
        return json.dumps([{"id": r.id, "scope": r.scope, "description": r.description} for r in specs],
                          ensure_ascii=False, indent=1)
    width = max(len(r.id) for r in specs)
    return "\n".join(f"{r.id:<{width}}  {r.scope:<6}  {r.description}" for r in specs)


def summarizer_plan(config: str, seed: int, threads: int, miner: str, init_from: Optional[Path],
                    steps: dict[str, Optional[int]]):
    """The :class:`nlp.summaries.train.TrainPlan` of ``xxgk train summarizer``: the options checked, a
    continuation (``init_from``) with the shipped run's fine-tuning settings, explicit step counts
    (``pretrain_steps``, ``finetune_steps``, ``scorer_steps``, ``plain_steps``) over the defaults."""
    from ..summaries.model import CONFIGS
    from ..summaries.train import TrainPlan

    if config not in CONFIGS:
        raise XxgkError(f"unknown --config {config!r} (choose one of {', '.join(c for c in CONFIGS if c != 'tiny')})")
    if miner not in ("parser", "lines"):
        raise XxgkError(f"unknown --miner {miner!r} (choose parser or lines)")
    if init_from is not None and not (init_from / "generator.safetensors").is_file():
        raise XxgkError(f"{init_from}: not a summarizer artefact (no generator.safetensors)")
    plan = TrainPlan(config=config, seed=seed, threads=threads, in_domain_miner=miner,
                     init_from=str(init_from) if init_from is not None else None)
    if init_from is not None:  # a continuation (the shipped run's settings): fine-tune only, pretrain and scorer kept
        plan.pretrain_steps = plan.scorer_steps = 0
        plan.finetune_steps, plan.finetune_schedule = 200, None
        plan.finetune_lr, plan.max_pretrain_windows = 2e-4, 100
    for name, value in steps.items():
        if value is not None:
            setattr(plan, name, value)
            if name != "plain_steps":  # an explicit step count gets its own learning-rate schedule
                setattr(plan, name.replace("_steps", "_schedule"), None)
    return plan


__all__ = ["report_evidence", "compare_theme_spans", "rules_listing", "summarizer_plan"]
