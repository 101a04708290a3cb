"""Write a :class:`~nlp.comparison.core.CompareResult` as files and a short ranked summary.

Files (in ``out_dir``): ``passages.jsonl`` (one passage cluster a line, template
passages last), ``reports.csv`` (one row per report, every measure), ``pairs.csv``
(year-over-year pairs, then the most similar pairs), ``similarity.csv`` (the dense
matrix, or ``report_a,report_b,jaccard`` rows of the LSH candidates for large sets).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Sequence

from ..batch import write_text
from ..csvsafe import csv_text
from .records import CompareResult, PairMeasures, Passage, ReportMeasures


def _csv(rows: list[dict], fields: list[str]) -> str:
    return csv_text(rows, fields)


def passages_jsonl(result: CompareResult) -> str:
    lines = [json.dumps(p.to_dict(), ensure_ascii=False) for p in result.reuse_passages]
    lines += [json.dumps(p.to_dict(), ensure_ascii=False) for p in result.formula_passages]
    lines += [json.dumps(p.to_dict(), ensure_ascii=False) for p in result.template_passages]
    return "\n".join(lines) + ("\n" if lines else "")


def reports_csv(result: CompareResult) -> str:
    """One row per report; ``reference`` names the document-frequency table used, ``extra`` the
    pass-through fields of a JSON-lines record."""
    fields = list(ReportMeasures.__dataclass_fields__) + ["reference"]
    rows = []
    for r in result.reports:
        row = r.row()
        row["reference"] = result.reference
        if result.extra:
            row["extra"] = json.dumps(result.extra.get(r.report, {}), ensure_ascii=False, sort_keys=True)
        rows.append(row)
    return _csv(rows, fields + (["extra"] if result.extra else []))


def pairs_csv(result: CompareResult) -> str:
    fields = list(PairMeasures.__dataclass_fields__)
    return _csv([p.row() for p in result.pairs], fields)


def similarity_csv(result: CompareResult) -> str:
    ids = result.report_ids
    if result.similarity is not None:
        rows = [["report"] + ids] + [[rid] + [f"{v:.4f}" for v in row] for rid, row in zip(ids, result.similarity)]
    else:
        rows = [["report_a", "report_b", "jaccard"]] + [[ids[p.a], ids[p.b], f"{p.jaccard:.4f}"] for p in
                                                         sorted(result.similar_pairs, key=lambda p: (p.a, p.b))]
    return csv_text(rows)


#: the four files: name → the function that makes its content
OUTPUT_MAKERS: dict[str, Callable[[CompareResult], str]] = {
    "passages.jsonl": passages_jsonl, "reports.csv": reports_csv, "pairs.csv": pairs_csv,
    "similarity.csv": similarity_csv}


def output_files(result: CompareResult) -> dict[str, str]:
    """The four files: name → content."""
    return {name: make(result) for name, make in OUTPUT_MAKERS.items()}


def write_outputs(result: CompareResult, out_dir: str | Path, inputs: Sequence[Path] = ()) -> list[Path]:
    """Write the four files into ``out_dir`` (created if needed); returns their paths."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        from ..errors import XxgkError

        raise XxgkError(f"cannot write {out}: exists and is not a directory")
    written = []
    for name, body in output_files(result).items():
        path = out / name
        if name.endswith(".csv"):  # files for people: the BOM, as in every CSV the toolkit writes
            from ..csvsafe import as_csv_file

            body = as_csv_file(body)
        write_text(path, body, inputs)
        written.append(path)
    return written


def _short(text: str, width: int = 40) -> str:
    t = " ".join(text.split())
    return t if len(t) <= width else t[: width - 1] + "…"


def ranked_reuse(result: CompareResult) -> list[Passage]:
    """Reused passages, most widely printed first (agencies, reports, characters outside template
    and formulas); formulas are never in it (they are passages of their own kind)."""
    return sorted(result.reuse_passages, key=lambda p: (-p.n_agencies, -p.n_reports, -p.scored_chars, p.id))


def summary_text(result: CompareResult, top: int = 5) -> str:
    """A short ranked summary for the terminal."""
    lines = []
    reuse = result.reuse_passages
    lines.append(f"{len(result.reports)} reports · {len(reuse)} reused passages · "
                 f"{len(result.template_passages)} template passages masked · "
                 f"{len(result.formula_passages)} political formulas (boilerplate, not reuse) · "
                 f"{len(result.near_identical_clusters)} near-identical clusters")
    if reuse:
        lines.append("")
        lines.append("Most widely reused passages (agencies · reports · chars outside template; printed first by):")
        for p in ranked_reuse(result)[:top]:
            flag = "  [foreign name]" if "foreign_name" in p.flags else ""
            lines.append(f"  {p.id}  {p.n_agencies:>3} · {p.n_reports:>3} · {p.scored_chars:>4}  {_short(p.text)}"
                         f"  ({p.first_printed or 'undetermined'}){flag}")
    rows = sorted(result.reports, key=lambda r: (-r.reused_other_agency_share, r.report))
    if rows:
        lines.append("")
        lines.append("Reports with most text shared with other agencies (template excluded):")
        for r in rows[:top]:
            bp = "—" if r.boilerplate_share is None else f"{r.boilerplate_share:.0%}"
            lines.append(f"  {r.report}: shared {r.reused_other_agency_share:.0%} · reused {r.reused_share:.0%} · "
                         f"template {r.template_share:.0%} · boilerplate {bp} · specificity {r.specificity:.1f}")
    yoy = [p for p in result.pairs if p.kind == "year_over_year"]
    if yoy:
        lines.append("")
        lines.append("Year over year (same agency), most repeated first:")
        for p in sorted(yoy, key=lambda p: (-(p.repeated_share or 0), p.report_b))[:top]:
            flag = "  [> 50% repeated]" if p.repeated_over_limit else ""
            lines.append(f"  {p.agency} {p.year_a}→{p.year_b}: 文字重复率 {p.text_repeat_rate:.0%} · "
                         f"repeated {p.repeated_share:.0%} · stickiness {p.stickiness:.0%} · "
                         f"cosine {p.cosine:.2f}{flag}")
    for n in result.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines)
