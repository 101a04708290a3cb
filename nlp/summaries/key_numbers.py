"""Key numbers of a report summary: statistics cells (with the previous year's value when the
caller passes it) and narrative clauses stating a number, each with its evidence span and a
caveat when a failed or uncertain check touches it.

The tables and the check findings come from the caller (``nlp.tables.extract_tables``,
``nlp.checks.check``); nothing here re-runs those stages.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

from nlp.document import Report
from nlp.format import (
    SUMMARY_CAVEAT_DEFAULT,
    SUMMARY_CAVEAT_UNCERTAIN,
    SUMMARY_CAVEATS,
    SUMMARY_HEADLINE_ROWS,
    SUMMARY_PREVIOUS_YEAR,
    SUMMARY_TABLE_KEY_NUMBERS,
)

if TYPE_CHECKING:
    from nlp.checks import Finding
    from nlp.tables import ReportTables

#: a number with a unit (1295件, 1.24万余条, 12%)
NUMBER_UNIT = re.compile(r"\d+(?:\.\d+)?\s*(?:万余|万|余)?\s*(?:件|条|次|个|项|人次|人|篇|场|家|%|％)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: finding statuses that put a caveat on the numbers they touch
CAVEAT_STATUSES = ("fail", "uncertain")


def caveat_for(finding: "Finding") -> str:
    """The caveat text of a failed or uncertain finding (by its rule id's prefix)."""
    if finding.status != "fail":
        return SUMMARY_CAVEAT_UNCERTAIN
    return SUMMARY_CAVEATS.get(finding.rule.split("-")[0], SUMMARY_CAVEAT_DEFAULT)


class Caveats:
    """Failed/uncertain findings of one report, looked up by cell key or by text span."""

    def __init__(self, findings: Iterable["Finding"] = (), report_id: str = ""):
        self.by_cell: dict[str, str] = {}
        self.spans: list[tuple[int, int, str]] = []
        for f in findings:
            if f.status not in CAVEAT_STATUSES or (report_id and f.report_id and f.report_id != report_id):
                continue
            text = caveat_for(f)
            for e in f.evidence:
                if e.report_id and report_id and e.report_id != report_id:
                    continue
                if e.key:
                    # a failed rule's caveat wins over an uncertain one on the same cell
                    if e.key not in self.by_cell or f.status == "fail":
                        self.by_cell[e.key] = text
                elif e.end > e.start:
                    self.spans.append((e.start, e.end, text))

    def for_cell(self, key: str) -> str:
        return self.by_cell.get(key, "")

    def for_span(self, a: int, b: int) -> str:
        """The caveat of the first finding whose text evidence overlaps ``[a, b)``."""
        return next((t for s, e, t in self.spans if s < b and a < e), "")


def _value(cell) -> int | float:
    return int(cell.value) if float(cell.value).is_integer() else cell.value


def table_key_numbers(tables: "ReportTables", caveats: Caveats, previous: "ReportTables | None" = None) -> list[dict]:
    """The statistics cells a briefing quotes (new requests, granted, reconsideration, litigation …),
    each with its cell key, text span, the previous year's value (when ``previous`` has the cell)
    and a caveat (when a failed or uncertain check touches the cell)."""
    out = []
    for table, row, column, label, unit in SUMMARY_TABLE_KEY_NUMBERS:
        cell = tables.cell(table, row, column)
        if cell is None or not cell.is_number:
            continue
        text = f"{label}{_value(cell)}{unit}"
        item = {"text": text, "start": cell.start, "end": cell.end, "cell": cell.key, "table": table,
                "headline": row in SUMMARY_HEADLINE_ROWS}
        before = previous.cell(table, row, column) if previous is not None else None
        if before is not None and before.is_number:
            item["previous"] = _value(before)
            item["text"] += SUMMARY_PREVIOUS_YEAR.format(value=item["previous"], unit=unit)
        caveat = caveats.for_cell(cell.key) or (SUMMARY_CAVEAT_UNCERTAIN if cell.uncertain else "")
        if caveat:
            item["caveat"] = caveat
            item["text"] += caveat
        out.append(item)
    return out


def narrative_key_numbers(report: Report, spans: Sequence[tuple[int, int]], caveats: Caveats,
                          limit: int = 6) -> list[dict]:
    """Clauses stating a number with a unit (…公开申请1295件), cut after the first such number;
    a caveat when a failed or uncertain check's text evidence overlaps the number."""
    from nlp.sentences import split_clauses

    out: list[dict] = []
    seen: set[str] = set()
    for a, b in spans:
        for ca, cb in split_clauses(report.text, a, b):
            m = NUMBER_UNIT.search(report.text, ca, cb)
            if not m:
                continue
            s, e = ca, m.end()
            if e - s > 30:
                s = e - 30
            label = re.sub(r"\s", "", report.text[s:e])
            if len(_CJK.findall(label)) < 3 or label in seen:
                continue
            seen.add(label)
            item = {"text": label, "start": s, "end": e}
            caveat = caveats.for_span(m.start(), m.end())
            if caveat:
                item["caveat"] = caveat
                item["text"] += caveat
            out.append(item)
            if len(out) >= limit:
                return out
    return out
