"""``summarize()``: a headline plus whole key sentences per section, part or report.

Key sentences are always extractive (spans into ``Report.text``). A section with an
informative heading of its own gets that heading as its headline; unheaded sections and
parts get a generated headline (the project's model or a local HF checkpoint) that must
pass the guard (:mod:`nlp.summaries.guard`), else the extractive headline. The report
level is the briefing summary of :mod:`nlp.summaries.report`; it is assembled from
sentences and table cells, so ``method='abstractive'`` is refused there.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from nlp.document import Report
from nlp.errors import ModelLoadError, XxgkError

from .extractive import extract, first_clause, fit_headline, lead_clause, textrank_clause
from .guard import GuardResult, check_faithful
from .hf import (DEFAULT_BATCH_SIZE, DEFAULT_PRECISION, SHIPPED_MODEL_NAME, HFHeadliner, is_own_artefact, load_model,
                 read_card, read_headings_vocabulary, resolve_device, resolve_precision)
from .report import PROBLEM_CUES, PROBLEM_PARTS, report_summary
from .result import Summary
from .units import Unit, body_for_model, is_structured, table_spans, units

if TYPE_CHECKING:
    from nlp.checks import Finding
    from nlp.tables import ReportTables

LEVELS = ("section", "part", "report")
METHODS = ("auto", "extractive", "abstractive")
#: the message when a report-level summary is asked to be generated
REPORT_ABSTRACTIVE_REFUSED = ("--method abstractive works per section or part; a report summary is assembled from "
                              "whole sentences and table cells (use --method auto or extractive with --level report)")


def _extractive_headlines(bodies: list[str], card: dict, scorer_model) -> list[str]:
    """Headlines without generation: the clause scorer's pick when the ablation chose it (and the
    model is loaded), else the better of first clause / TextRank clause on the dev split."""
    if scorer_model is not None and scorer_model.scorer is not None:
        idx = [i for i, b in enumerate(bodies) if b]
        heads = [""] * len(bodies)
        for i, r in zip(idx, scorer_model.headlines([bodies[i] for i in idx], "extract")):
            heads[i] = r["headline"]
        return heads
    pick = {"textrank_clause": textrank_clause, "first_clause": first_clause}.get(
        card.get("extractive_headline", "lead_clause"), lead_clause)
    return [fit_headline(b, pick) if b else "" for b in bodies]


def generate_headlines(model, bodies: list[str], num_beams: int, batch_size: int = DEFAULT_BATCH_SIZE) -> list[str | None]:
    """Generated headline per non-empty body (None for an empty one), decoded in batches of
    ``batch_size`` bodies (sorted by length; equal inputs decoded once)."""
    idx = [i for i, b in enumerate(bodies) if b]
    res: list[str | None] = [None] * len(bodies)
    if not idx:
        return res
    if isinstance(model, HFHeadliner):
        heads = model.headlines([bodies[i] for i in idx], num_beams=num_beams, batch_size=batch_size)
    else:
        variant = model.card.get("best_abstractive_variant") if model.card.get("default_method") != "abstractive" \
            else model.default_variant
        heads = [r["headline"] for r in model.headlines([bodies[i] for i in idx], variant or "extract_compress",
                                                        num_beams=num_beams, batch_size=batch_size)]
    for i, h in zip(idx, heads):
        res[i] = h
    return res


def _validate(level: str, method: str, max_chars: int, batch_size: int = 1) -> None:
    if level not in LEVELS:
        raise XxgkError(f"unknown level {level!r} (choose one of {', '.join(LEVELS)})")
    if method not in METHODS:
        raise XxgkError(f"unknown method {method!r} (choose one of {', '.join(METHODS)})")
    if max_chars < 10:
        raise XxgkError(f"--max-chars must be at least 10 (got {max_chars})")
    if batch_size < 1:
        raise XxgkError(f"--batch-size must be at least 1 (got {batch_size})")


def summarize(report: Report | str, level: str = "section", method: str = "auto", max_chars: int = 200,
              model_dir: str | Path | None = None, num_beams: int = 1, themes: list[str] | None = None,
              tables: "ReportTables | None" = None, findings: Sequence["Finding"] = (),
              previous_tables: "ReportTables | None" = None, batch_size: int = DEFAULT_BATCH_SIZE,
              device: str = "cpu", precision: str = DEFAULT_PRECISION) -> list[Summary]:
    """Summarize a report per section, part or the whole report.

    ``report``: a parsed :class:`Report` or raw text (parsed with ``nlp.structure.parse_text``;
    text without report structure becomes one unit). ``method``: 'auto' (the ablation's
    best, see models/summarizer/card.json), 'extractive' or 'abstractive' (refused at the
    report level of a structured report). ``max_chars``: budget of the key sentences per
    unit (whole sentences: the first one is kept even when longer). ``model_dir``: the
    project's artefact (default ``models/summarizer``) or any local HF seq2seq checkpoint.
    The report level quotes statistics cells from ``tables`` (``nlp.tables.extract_tables``;
    without them, only narrative numbers) with the previous year's value from
    ``previous_tables`` and caveats from ``findings`` (``nlp.checks.check``).
    ``batch_size``, ``device`` ('cpu', 'cuda', 'auto') and ``precision`` ('fp32', 'bf16'; see
    ``nlp.summaries.hf.PRECISIONS``): how headlines are generated (see :func:`summarize_many`,
    which summarizes many reports with one model call per batch).
    """
    return summarize_many([report], level, method, max_chars, model_dir, num_beams, themes, tables=[tables],
                          findings=[findings], previous_tables=[previous_tables], batch_size=batch_size,
                          device=device, precision=precision)[0]


def summarize_many(reports: Sequence[Report | str], level: str = "section", method: str = "auto", max_chars: int = 200,
                   model_dir: str | Path | None = None, num_beams: int = 1, themes: list[str] | None = None, *,
                   tables: Sequence["ReportTables | None"] | None = None,
                   findings: Sequence[Sequence["Finding"]] | None = None,
                   previous_tables: Sequence["ReportTables | None"] | None = None,
                   batch_size: int = DEFAULT_BATCH_SIZE, device: str = "cpu",
                   precision: str = DEFAULT_PRECISION) -> list[list[Summary]]:
    """:func:`summarize` for many reports at once: the summaries of each report, in order.

    The model is loaded once (cached per folder and device) and the headlines of every unit
    of every report are generated together, ``batch_size`` model inputs at a time, sorted by
    length; equal inputs are generated once. ``tables``, ``findings`` and ``previous_tables``
    are per report (as in :func:`summarize`). The headlines are the ones :func:`summarize`
    gives report by report (``tests/test_summaries_batch.py`` checks it on the demo corpus).
    """
    _validate(level, method, max_chars, batch_size)
    device = resolve_device(device)
    precision = resolve_precision(precision)
    parsed: list[Report] = []
    for r in reports:
        if isinstance(r, str):
            from nlp.structure import parse_text

            r = parse_text(r)
        parsed.append(r)
    n = len(parsed)
    tables_of = list(tables) if tables is not None else [None] * n
    findings_of = list(findings) if findings is not None else [()] * n
    previous_of = list(previous_tables) if previous_tables is not None else [None] * n
    results: list[list[Summary]] = [[] for _ in parsed]
    plans: list[tuple[int, list[tuple[int, int]], list[Unit], list[str]]] = []
    for k, report in enumerate(parsed):
        if level == "report" and is_structured(report):
            if method == "abstractive":
                raise XxgkError(REPORT_ABSTRACTIVE_REFUSED)
            results[k] = [report_summary(report, max_chars, tables_of[k], findings_of[k], previous_of[k], themes)]
            continue
        spans_of_tables = table_spans(report)
        todo = units(report, level, spans_of_tables)
        bodies = [body_for_model(report, u.body_start, u.end, spans_of_tables) for u in todo]
        plans.append((k, spans_of_tables, todo, bodies))
    if not plans:
        return results

    card = read_card(model_dir)
    want_generation = method == "abstractive" or (method == "auto" and (
        model_dir is not None and not is_own_artefact(Path(model_dir)) or card.get("default_method") == "abstractive"))
    want_scorer = method == "auto" and card.get("default_variant") == "extract"
    model = None
    if want_generation or want_scorer:
        try:
            model = load_model(model_dir, device, precision)
        except ModelLoadError:
            if method == "abstractive" or model_dir is not None:
                raise
            model, want_generation, want_scorer = None, False, False  # no shipped model: extractive only
    model_name = (str(Path(model_dir)) if model_dir else SHIPPED_MODEL_NAME) if model is not None else None
    vocabulary = read_headings_vocabulary(model_dir) if want_generation and model is not None else frozenset()

    # every unit of every report in one list: generation and the clause scorer run over all of them
    flat = [(p, j) for p in range(len(plans)) for j in range(len(plans[p][2]))]
    all_bodies = [plans[p][3][j] for p, j in flat]
    generated: list[str | None] = [None] * len(flat)
    if want_generation and model is not None:
        idx = [i for i, (p, j) in enumerate(flat) if not plans[p][2][j].heading]
        for i, g in zip(idx, generate_headlines(model, [all_bodies[i] for i in idx], num_beams, batch_size)):
            generated[i] = g
    # the guard's verdict on each generated headline; the extractive headline only where it is used
    # (a unit without a heading whose headline was not generated or failed the guard)
    verdicts: list[GuardResult | None] = [None] * len(flat)
    need_extractive: list[int] = []
    for i, (p, j) in enumerate(flat):
        k, _, todo, _ = plans[p]
        u = todo[j]
        if u.heading:
            continue
        if generated[i] is not None:
            verdicts[i] = check_faithful(generated[i], parsed[k].text[u.start:u.end], vocabulary)
            if verdicts[i].passed:
                continue
        need_extractive.append(i)
    ext_heads = [""] * len(flat)
    picked = _extractive_headlines([all_bodies[i] for i in need_extractive], card, model if want_scorer else None)
    for i, h in zip(need_extractive, picked):
        ext_heads[i] = h
    for i, (p, j) in enumerate(flat):
        k, spans_of_tables, todo, _ = plans[p]
        results[k].append(_unit_summary(parsed[k], level, todo[j], generated[i], verdicts[i], ext_heads[i],
                                        max_chars, spans_of_tables, themes, model_name))
    return results


def _unit_summary(report: Report, level: str, u: Unit, gen: str | None, verdict: GuardResult | None,
                  ext_head: str, max_chars: int, tables: list[tuple[int, int]], themes: list[str] | None,
                  model_name: str | None) -> Summary:
    """The unit's summary: its key sentences and the headline (its heading, the generated one when
    ``verdict`` passed, else ``ext_head``)."""
    exclude = tables + ([report.preamble] if report.preamble[1] > report.preamble[0] else [])
    cues = PROBLEM_CUES if u.key.split(".")[0] in PROBLEM_PARTS else ()
    spans = extract(report.text, u.body_start, u.end, max_chars=max_chars, exclude=exclude, themes=themes,
                    sentences=u.sentences, cues=cues)
    summary_text = "\n".join(re.sub(r"\s+", "", report.text[a:b]) for a, b in spans)
    base = (report.id, level, u.key, u.start, u.end)
    if u.heading:
        return Summary(*base, "heading", u.heading, summary_text, spans, None, None, None, model_name)
    if gen is None or verdict is None:
        return Summary(*base, "extractive", ext_head, summary_text, spans, None, None, None, model_name)
    if verdict.passed:
        return Summary(*base, "abstractive", gen, summary_text, spans, True, verdict.to_dict(), gen, model_name)
    return Summary(*base, "extractive-fallback", ext_head, summary_text, spans, False, verdict.to_dict(), gen,
                   model_name)
