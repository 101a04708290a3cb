"""Timeliness: was the report published by its statutory deadline? Rules era by era from ``nlp/data/deadlines.toml``."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import XxgkError

__all__ = ["DeadlineRule", "Timeliness", "load_deadlines", "timeliness", "DEADLINES_FILE"]

DEADLINES_FILE = Path(__file__).resolve().parents[1] / "data" / "deadlines.toml"
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")

ON_TIME, LATE, UNKNOWN = "on_time", "late", "unknown"
STATUS_ZH = {ON_TIME: "按时", LATE: "逾期", UNKNOWN: "无法判断"}


@dataclass(frozen=True)
class DeadlineRule:
    first_year: int
    last_year: int
    bodies: str          # 'department' | 'government' | 'all'
    deadline: str        # 'MM-DD' in the year after the report year
    source: str


@dataclass(frozen=True)
class Timeliness:
    """Publication date against the deadline: status on_time/late/unknown, days late, the rule applied."""

    status: str
    published: str = ""
    deadline: str = ""
    days_late: int | None = None
    source: str = ""
    reason: str = ""


@lru_cache(maxsize=2)
def load_deadlines(path: str | Path = DEADLINES_FILE) -> tuple[DeadlineRule, ...]:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise XxgkError(f"{p}: cannot read the deadline rules: {e}") from e
    return tuple(DeadlineRule(int(r["first_year"]), int(r["last_year"]), r["bodies"], r["deadline"], r["source"])
                 for r in data.get("rule", []))


def parse_date(text: str) -> dt.date | None:
    """A date written 2021-01-27, 2021年1月27日 or 2021/1/27 (None when there is none or it is impossible)."""
    m = _DATE.search(text or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def timeliness(year: int | None, level: str, published: str,
               rules: tuple[DeadlineRule, ...] | None = None) -> Timeliness:
    """Check a report of ``year`` by a body of ``level`` (nlp.panel.agencies levels) published on ``published``.

    Township governments and bodies of unknown level are not bound by a dated rule after 2019: unknown.
    """
    if year is None:
        return Timeliness(UNKNOWN, published, reason="report year unknown")
    body = "department" if level == "department" else ("government" if level in ("province", "city", "county") else "")
    rule = next((r for r in rules or load_deadlines() if r.first_year <= year <= r.last_year
                 and (r.bodies == "all" or r.bodies == body)), None)
    if rule is None:
        return Timeliness(UNKNOWN, published, reason=f"no statutory deadline for a body of level '{level or '?'}'")
    month, day = (int(x) for x in rule.deadline.split("-"))
    deadline = dt.date(year + 1, month, day)
    date = parse_date(published)
    if date is None:
        return Timeliness(UNKNOWN, published, deadline.isoformat(), None, rule.source, "publication date unknown")
    late = (date - deadline).days
    return Timeliness(LATE if late > 0 else ON_TIME, date.isoformat(), deadline.isoformat(), max(late, 0), rule.source)
