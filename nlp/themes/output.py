"""Text, JSON and CSV renderings of :class:`~nlp.themes.classify.ReportThemes` (for the CLI)."""
from __future__ import annotations

import json
from typing import Sequence

from .classify import ReportThemes
from .taxonomy import THEME_KEYS, THEME_NAMES

CSV_COLUMNS = ("report", "source", "agency", "year", "level", "part", "section", "start", "end", "theme",
               "probability", "text")
SNIPPET = 40


def _snippet(text: str, n: int = SNIPPET) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def to_json_lines(results: Sequence[ReportThemes]) -> str:
    """One JSON object per report and line."""
    return "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in results)


def to_csv(results: Sequence[ReportThemes]) -> str:
    """One row per labelled unit (at the requested level), offsets into Report.text."""
    from ..csvsafe import csv_text

    rows = [[r.report_id, r.source, r.agency, r.year, u.level, u.part, u.section, u.start, u.end, u.theme,
             f"{u.probability:.4f}", " ".join(u.text.split())] for r in results for u in r.units]
    return csv_text([CSV_COLUMNS, *rows])


def to_text(results: Sequence[ReportThemes]) -> str:
    """A readable outline: shares, sections with their themes, units, problem specificity."""
    out: list[str] = []
    for r in results:
        out.append(f"== {r.agency or r.report_id} {r.year or ''}  ({r.source})")
        total = sum(r.shares.values())
        shares = ", ".join(f"{t} {r.shares[t] / total:.0%}" for t in THEME_KEYS if r.shares.get(t)) if total else "no narrative"
        out.append(f"theme shares ({total} chars): {shares}")
        out.append("sections:")
        for s in r.sections:
            head = _snippet(s.heading, 24) or "(unheaded)"
            rule = f"  heading says {s.heading_theme}" if s.heading_theme else ""
            out.append(f"  [{s.start}:{s.end}] {s.part:<17} {head:<26} → {s.theme} "
                       f"({THEME_NAMES.get(s.theme, '')}) p={s.probability:.2f}{rule}")
        if r.level != "section":
            out.append(f"{r.level}s:")
            for u in r.units:
                out.append(f"  [{u.start}:{u.end}] {u.theme:<12} p={u.probability:.2f}  {_snippet(u.text)}")
        sp = r.specificity
        if sp:
            kinds = ", ".join(f"{k} {v}" for k, v in sp.concrete.items())
            out.append(f"problem specificity: score {sp.score:.2f} — {sp.concrete_per_100:.2f} concrete items "
                       f"per 100 chars ({kinds}) vs {sp.generic_per_100:.2f} generic phrases, over {sp.chars} chars")
        else:
            out.append("problem specificity: no problems/improvements text found")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
