"""The corpus store: every report analysed once, kept in one DuckDB file, corrected with history
(:mod:`.corpus`)."""
from __future__ import annotations

from .corpus import VERDICTS, AddResult, CorpusStore, finding_id

__all__ = ["CorpusStore", "AddResult", "finding_id", "VERDICTS"]
