"""xxgk: read, parse, check, classify, summarize and compare 政府信息公开工作年度报告.

Public functions are imported lazily so ``import nlp`` stays fast and never loads
torch or scikit-learn until a stage that needs them is used.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # ingest + structure
    "read_report": "nlp.structure",
    "read_reports": "nlp.structure",
    "parse_text": "nlp.structure",
    "Report": "nlp.document",
    "ReportReadError": "nlp.errors",
    "XxgkError": "nlp.errors",
    # tables + checks
    "extract_tables": "nlp.tables",
    "check": "nlp.checks",
    # segmentation + themes
    "segment": "nlp.segmentation",
    "classify_themes": "nlp.themes",
    # comparison
    "compare": "nlp.comparison",
    # summaries
    "summarize": "nlp.summaries",
    # main job
    "analyze": "nlp.analysis",
    # panel dataset and notebooks
    "build_panel": "nlp.panel",
    "to_frame": "nlp.panel.frames",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __dir__() -> list[str]:
    """The public API (lazily imported names included), for tab completion and ``dir(nlp)``."""
    return sorted(set(_EXPORTS) | {"__version__"})


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    return getattr(import_module(module), name)
