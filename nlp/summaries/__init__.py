"""Summaries of annual reports: a headline plus whole key sentences, per section, part or report.

``summarize(report, level=..., method=..., max_chars=..., model_dir=..., tables=..., findings=...)``
returns one :class:`Summary` per unit (:mod:`.api`); ``summarize_many(reports, ...)`` the same for
many reports, headlines generated in batches (``batch_size``, ``device``, ``precision``). Units and model input: :mod:`.units`;
key numbers with caveats: :mod:`.key_numbers`; the report briefing: :mod:`.report`;
model loading (own artefact or HF checkpoint): :mod:`.hf`; stutter-free decoding:
:mod:`.decoding`; the guard on generated headlines: :mod:`.guard`.
"""
from __future__ import annotations

from .api import LEVELS, METHODS, REPORT_ABSTRACTIVE_REFUSED, generate_headlines, summarize, summarize_many
from .decoding import DEFAULT_BATCH_SIZE
from .guard import GuardResult, check_faithful
from .hf import (DEFAULT_MODEL_DIR, DEFAULT_PRECISION, DEVICES, PRECISIONS, HFHeadliner, is_own_artefact, load_model,
                 read_card, resolve_device, resolve_precision)
from .result import Summary
from .units import body_for_model

__all__ = ["summarize", "summarize_many", "Summary", "DEFAULT_MODEL_DIR", "DEFAULT_BATCH_SIZE", "DEVICES",
           "resolve_device", "PRECISIONS", "DEFAULT_PRECISION", "resolve_precision", "LEVELS", "METHODS", "REPORT_ABSTRACTIVE_REFUSED",
           "GuardResult", "check_faithful", "load_model", "read_card", "is_own_artefact", "HFHeadliner",
           "generate_headlines", "body_for_model"]
