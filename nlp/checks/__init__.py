"""The consistency audit (勾稽关系): rules registered by id, each finding pointing at its evidence.

:func:`check` runs every registered rule on a list of reports: per-report rules
(T3-BALANCE, T3-OUTCOMES, T3-COLUMNS, T4-SUMS, CELL, OLD-SUBROWS, FEE-PART6, TXT-NUM) on each
report's extracted tables and narrative, and cross-year rules (XY-CARRY, XY-STOCK) on
consecutive years of one agency. Arithmetic has zero tolerance. A finding's status is
``pass``, ``fail``, ``uncertain`` (the cells were inferred/ambiguous, or the narrative
phrase may mean something else) or ``not_assessable`` (a cell is missing, blank or NA
— never read as 0).
"""
from __future__ import annotations

from .audit import check, summarize_statuses
from .model import (
    ERROR,
    FAIL,
    INFO,
    NOT_ASSESSABLE,
    PASS,
    RULES,
    STATUSES,
    UNCERTAIN,
    WARNING,
    Context,
    Evidence,
    Finding,
    RuleSpec,
    rule,
)

__all__ = ["Evidence", "Finding", "Context", "RuleSpec", "RULES", "rule", "check", "summarize_statuses", "STATUSES",
           "PASS", "FAIL", "UNCERTAIN", "NOT_ASSESSABLE", "ERROR", "WARNING", "INFO"]

# the rule modules register themselves on import
from . import narrative, series, table_rules  # noqa: E402,F401
