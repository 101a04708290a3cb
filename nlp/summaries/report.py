"""A report summary for a briefing: 3–6 lines, each pointing at its evidence.

1. key numbers: the statistics cells a briefing quotes (with the previous year's value
   when the caller passes last year's tables) and narrative clauses stating a number;
2. what the agency says it did: whole sentences of the narrative parts;
3. the problems it names and the measures it announces: whole sentences of part 五.

Every number that a failed or uncertain check touches carries a caveat
(``⚠ 与表内合计不符``); no part key is printed.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from nlp.document import Report
from nlp.format import (
    SUMMARY_BRIEF_LABELS,
    SUMMARY_KEY_NUMBERS_LABEL,
    SUMMARY_MEASURE_CUES,
    SUMMARY_PROBLEM_CUES,
)

from .extractive import extract
from .key_numbers import Caveats, narrative_key_numbers, table_key_numbers
from .result import Summary
from .units import sentences_in, table_spans

if TYPE_CHECKING:
    from nlp.checks import Finding
    from nlp.tables import ReportTables

#: parts whose prose says what the agency did (part 五 has its own line; 四 and 六 are tables/fees)
DID_PARTS = ("overview", "proactive", "requests", "other")
PROBLEM_PARTS = ("problems",)
#: what a summary of part 五 names first: a problem, then a measure
PROBLEM_CUES = (SUMMARY_PROBLEM_CUES, SUMMARY_MEASURE_CUES)
#: at most this many sentences per line kind
MAX_DID, MAX_PROBLEMS, MAX_KEY_NUMBERS = 2, 2, 6


def _sentences(report: Report, keys: Sequence[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for part in report.parts:
        if part.key in keys:
            a = part.title_end if part.title_end > 0 else part.start
            out += sentences_in(report, a, part.end) or []
    return out


def _line(report: Report, spans: list[tuple[int, int]], caveats: Caveats) -> str:
    """Whole sentences, each followed by the caveat of a check its text touches."""
    out = []
    for a, b in spans:
        caveat = caveats.for_span(a, b)
        out.append(re.sub(r"\s+", "", report.text[a:b]) + caveat)
    return "".join(out)


def report_summary(report: Report, max_chars: int, tables: "ReportTables | None",
                   findings: Sequence["Finding"] = (), previous: "ReportTables | None" = None,
                   themes: list[str] | None = None, model_name: str | None = None) -> Summary:
    """The briefing summary of a structured report (see the module docstring)."""
    caveats = Caveats(findings, report.id)
    exclude = table_spans(report) + ([report.preamble] if report.preamble[1] > report.preamble[0] else [])
    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    cells = [k for k in table_key_numbers(tables, caveats, previous) if k["headline"]] if tables is not None else []
    did_sents = [s for s in _sentences(report, DID_PARTS) if not any(a < s[1] and s[0] < b for a, b in exclude)]
    room = MAX_KEY_NUMBERS - len(cells)
    key_numbers = cells + (narrative_key_numbers(report, did_sents, caveats, limit=room) if room > 0 else [])
    if key_numbers:
        lines.append(SUMMARY_KEY_NUMBERS_LABEL + "；".join(k["text"] for k in key_numbers))
    did = extract(report.text, 0, len(report.text), max_chars=max(40, max_chars // 2), exclude=exclude,
                  themes=themes, sentences=did_sents, max_sentences=MAX_DID)
    if did:
        lines.append(SUMMARY_BRIEF_LABELS["did"] + _line(report, did, caveats))
        spans += did
    problems = extract(report.text, 0, len(report.text), max_chars=max(40, max_chars // 2), exclude=exclude,
                       sentences=_sentences(report, PROBLEM_PARTS), cues=PROBLEM_CUES,
                       max_sentences=MAX_PROBLEMS)
    if problems:
        lines.append(SUMMARY_BRIEF_LABELS["problems"] + _line(report, problems, caveats))
        spans += problems
    headline = report.title or (f"{report.agency}{report.year}" if report.agency else report.id)
    return Summary(report.id, "report", "report", 0, len(report.text), "extractive", headline, "\n".join(lines),
                   spans + [(k["start"], k["end"]) for k in key_numbers], None, None, None, model_name, key_numbers)
