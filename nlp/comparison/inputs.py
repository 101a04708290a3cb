"""Input contract of ``xxgk compare`` besides report files (passim's): JSON lines, one
record a line ``{"id": …, "text": …, "agency": …, "year": …, …}``. ``id`` and ``text`` are
required; ``agency``, ``year``, ``publication_date`` and ``title`` are used; every other field
is passed through to the outputs untouched. A bad line is a failure naming the file and line;
the rest of the file is read."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..batch import Failure
from ..document import Report

#: record fields the comparison reads; the rest are passed through
USED_FIELDS = ("id", "text", "agency", "year", "publication_date", "title")


@dataclass
class JsonlReports:
    reports: list[Report] = field(default_factory=list)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


def _record(d: Any) -> tuple[Report, dict[str, Any]]:
    from ..structure import parse_text

    if not isinstance(d, dict):
        raise ValueError("a line must be a JSON object")
    rid, text = d.get("id"), d.get("text")
    if not isinstance(rid, (str, int)) or str(rid) == "":
        raise ValueError("missing 'id'")
    if not isinstance(text, str):
        raise ValueError("missing 'text' (a string)")
    year = d.get("year")
    if year is not None and not isinstance(year, int):
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year.strip())
        else:
            raise ValueError(f"'year' must be an integer, not {year!r}")
    r = parse_text(text, source="<jsonl>", report_id=str(rid))
    r.agency = str(d.get("agency") or "")
    r.year = year
    r.publication_date = str(d.get("publication_date") or "")
    r.title = str(d.get("title") or r.title)
    return r, {k: v for k, v in d.items() if k not in USED_FIELDS}


def read_jsonl(path: str | Path) -> JsonlReports:
    """Reports (parsed from their text) and pass-through fields of a JSON-lines file."""
    p = Path(path)
    out = JsonlReports()
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        out.failures.append(Failure(str(p), f"cannot read JSON lines: {e}"))
        return out
    seen: set[str] = set()
    for k, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r, extra = _record(json.loads(line))
        except (json.JSONDecodeError, ValueError) as e:
            out.failures.append(Failure(f"{p}:{k}", f"bad record: {e}"))
            continue
        if r.id in seen:
            out.failures.append(Failure(f"{p}:{k}", f"repeated id {r.id!r}"))
            continue
        seen.add(r.id)
        out.reports.append(r)
        out.extra[r.id] = extra
    if not out.reports and not out.failures:
        out.failures.append(Failure(str(p), "no records"))
    return out


def caller_options(analyses: Iterable[Any]) -> dict[str, Any]:
    """What the batch jobs (analyze, the corpus store) pass to :func:`nlp.comparison.compare` besides the
    reports: the shipped reference table and each report's theme spans (``a.themes`` segments)."""
    from .reference import load_reference

    return {"reference": load_reference(),
            "themes": {a.report.id: [(t["start"], t["end"], t["theme"]) for t in a.themes]
                       for a in analyses if a.themes}}
