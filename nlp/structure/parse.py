"""Normalized text → :class:`~nlp.document.Report`; files → reports."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..document import Part, Report, TableSpan
from ..errors import ReportReadError, XxgkError
from ..tables.regions import find_table_regions, table_kind
from ..tables.shape import text_shape
from ..textlines import LineIndex, RegionIndex, split_lines
from ..format import (
    CN_NUMERALS,
    EMPTY_PART_BODY,
    REQUIRED_PARTS_2019,
)
from .metadata import infer_metadata
from .parts import appendix_candidates, choose_parts, infer_unheaded_problems, part_candidates, with_appendix
from .reflow import reflow, spaces_at, unwrap
from .sections import build_sections


def parse_text(text: str, source: str = "<text>", format: str = "txt", report_id: str | None = None,
               filename: str | None = None, original_text: str | None = None,
               hints: dict[str, str] | None = None, page_starts: list[int] | None = None) -> Report:
    """Parse already-normalized text into a :class:`Report` (never raises on odd text).

    Flattened lines (a web page saved as one line) get their line breaks back first
    (:func:`~nlp.structure.reflow.reflow`); ``Report.text`` is that reflowed text, and
    ``original_text`` (same length as ``text``) receives the same breaks. ``hints``: what
    the file says about itself outside the text (a page's ``page_title``, ``publisher``,
    ``published``), used for metadata the text does not give. ``page_starts``: offsets in
    ``text`` where each source page begins (moved with the restored line breaks).
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rid = report_id or f"{_slug(Path(filename or source).stem)}-{sha[:8]}"
    # the lines as the file has them first: a fixed-width export's wraps joined (same length, same
    # offsets), then a flattened text's breaks restored (lines reflow makes are never joined)
    text, joined = unwrap(text)
    if joined and original_text is not None:
        original_text = spaces_at(original_text, joined)
    rf = reflow(text)
    text = rf.text
    doc = Report(id=rid, source=source, format=format, text=text, sha256=sha)
    if original_text is not None:
        doc.original_text = rf.apply(original_text) if rf.changed else original_text
    if page_starts:
        doc.page_starts = [rf.moved(p) for p in page_starts]
    if rf.changed:
        doc.metadata_sources["reflow"] = f"{len(rf.inserted) + len(rf.replaced)} line breaks restored in flattened text"
    if joined:
        doc.metadata_sources["unwrap"] = f"{len(joined)} lines of a fixed-width export joined at their wrap"
    lines = LineIndex(split_lines(text))
    regions = find_table_regions(text)
    cands = part_candidates(text, lines, RegionIndex(regions))
    chosen = with_appendix(choose_parts(cands), appendix_candidates(text, lines))
    parts: list[Part] = []
    for i, c in enumerate(chosen):
        end = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
        e = end
        while e > c.start and text[e - 1].isspace():
            e -= 1
        parts.append(Part(c.start, e, key=c.key, number=c.number, title=c.title, title_end=min(c.title_end, e), _doc=doc))
    infer_unheaded_problems(text, lines, parts, doc)
    doc.parts = parts
    doc.preamble = (0, parts[0].start if parts else len(text))
    if parts:
        # table regions never cross a part boundary
        bounds = [(0, parts[0].start)] + [(max(p.start, p.title_end), p.end) for p in parts]
        regions = [r for a, b in bounds if b > a for r in find_table_regions(text, a, b)]
    region_index = RegionIndex(regions)
    for p in parts:
        build_sections(text, lines, p, region_index, doc)
        body = text[p.title_end:p.end] if p.title_end >= p.start else text[p.start:p.end]
        if EMPTY_PART_BODY.match(body) or not body.strip():
            p.empty = True
            doc.warnings.append(f"part {p.key} ({p.number}、{p.title}) reports nothing: {body.strip() or '(no text)'}")
    # tables: regions, with the kind from their words (or the part they sit in)
    for a, b in regions:
        part = next((p for p in parts if p.start <= a < p.end), None)
        kind = table_kind(text[a:b])
        if kind == "unknown" and part is not None and part.key in ("proactive", "requests", "review_litigation"):
            kind = part.key
        doc.tables.append(TableSpan(a, b, kind=kind, shape=text_shape(text, a, b),
                                    part=part.key if part else "", _doc=doc))
    infer_metadata(doc, filename or source, hints or {})
    if doc.era in ("2019", "2021"):
        have = {p.key for p in parts}
        doc.missing_parts = [k for k in REQUIRED_PARTS_2019 if k not in have]
        for k in doc.missing_parts:
            doc.warnings.append(f"part missing: {k}")
    if not parts:
        doc.warnings.append("no part headings recognised: the text is kept as one unheaded part")
        whole = Part(0, len(text), key="unknown", number="", title="", title_end=0, _doc=doc)
        build_sections(text, lines, whole, region_index, doc)
        doc.parts = [whole] if text.strip() else []
        doc.preamble = (0, 0)
    return doc


def _slug(stem: str) -> str:
    s = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", stem).strip("-")
    return s[:60] or "report"


def read_report(path: str | os.PathLike[str]) -> Report:
    """Read and parse one report file (.txt .md .docx .pdf .html, or a Report saved as .json)."""
    from ..ingest import read_source

    p = Path(path)
    if p.suffix.lower() == ".json" and p.is_file():
        from ..ingest.saved import read_saved_report

        return read_saved_report(p)
    src = read_source(p)
    doc = parse_text(src.text, source=str(p), format=src.format,
                     report_id=f"{_slug(p.stem)}-{src.sha256[:8]}", filename=p.name, original_text=src.original_text,
                     hints=src.metadata, page_starts=src.page_starts)
    doc.encoding = src.encoding
    doc.script = src.script
    doc.sha256 = src.sha256
    doc.warnings = src.warnings + doc.warnings
    doc.metadata_sources.setdefault("normalization", "; ".join(src.changes))
    return doc


def read_reports(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Report | ReportReadError]:
    """Read many files (directories expanded), one at a time under the per-file guard of
    :func:`nlp.batch.read_guarded`; yields a Report or a ReportReadError per file, never raises."""
    from ..batch import expand_inputs, read_guarded
    from ..ingest.limits import read_limits

    limits = read_limits()
    files, failures = expand_inputs(paths)
    for f in failures:
        yield ReportReadError(f.path, f.reason)
    for f in files:
        try:
            yield read_guarded(f, limits)
        except ReportReadError as e:
            yield e
        except XxgkError as e:
            yield ReportReadError(str(f), str(e))


__all__ = ["read_report", "read_reports", "parse_text", "CN_NUMERALS"]
