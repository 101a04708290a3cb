"""Where the per-report stages run: in this process (default) or on a Dask cluster (:mod:`.run`);
the n-gram shuffle for compare at scale (:mod:`.shuffle`)."""
from __future__ import annotations

from .run import ENGINES, PER_REPORT_STAGES, EngineConfig, analyze, run_report_stages

__all__ = ["EngineConfig", "ENGINES", "PER_REPORT_STAGES", "run_report_stages", "analyze"]
