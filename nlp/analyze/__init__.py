"""The main job: every stage on every report of a folder, written as data and as a briefing.

``analyze(paths, out_dir)`` runs parse → tables → checks → themes → summaries → compare and
publishes into ``out_dir`` (see :mod:`.outputs` for the files): ``reports.jsonl``, ``cells.csv``,
``findings.csv``, ``compare/``, ``brief.html`` and ``analysis.json``.

A file that cannot be read is listed and the batch goes on; files with the same content are read
once. Parse, tables, themes and summaries are cached per input file under ``out_dir/.cache``
(:mod:`.cache`); checks and compare relate reports to each other and run over the whole set every
time. The outputs are switched in as one set (:mod:`.runset`). Output is deterministic: same
inputs, same files.

Modules: :mod:`.model` (result types), :mod:`.stages` (which stages run, the per-report ones),
:mod:`.cache`, :mod:`.job` (``analyze``), :mod:`.outputs`, :mod:`.runset`, :mod:`.progress`,
:mod:`.brief`.
"""
from __future__ import annotations

from .cache import CACHE_DIR, CACHE_VERSION
from .job import analyze
from .model import STAGES, SUMMARY_LEVELS, AnalyzeResult, ReportAnalysis, StageStatus
from .outputs import (analysis_json, cells_csv, findings_by_report, findings_csv, key_numbers, output_files,
                      report_record, write_outputs)
from .stages import theme_shares

__all__ = ["analyze", "AnalyzeResult", "ReportAnalysis", "StageStatus", "STAGES", "SUMMARY_LEVELS", "CACHE_DIR",
           "CACHE_VERSION", "key_numbers", "report_record", "findings_by_report", "findings_csv", "cells_csv",
           "analysis_json", "output_files", "write_outputs", "theme_shares"]

from .._callable import make_module_callable  # noqa: E402

make_module_callable(__name__, "analyze")  # ``nlp.analyze(...)`` works after the package is imported
