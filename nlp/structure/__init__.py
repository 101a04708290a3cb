"""Structure: normalized text → :class:`~nlp.document.Report` (parts, sections, paragraphs,
sentences, table spans, metadata).

Public functions: :func:`read_report`, :func:`read_reports`, :func:`parse_text`.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..document import Paragraph, Part, Report, Section, Sentence, TableSpan
from ..errors import ReportReadError, XxgkError
from ..sentences import split_sentences
from ..vocabulary import (
    CN_NUMERALS,
    EMPTY_PART_BODY,
    PART_HEADING,
    PART_TITLE_ENDS,
    PROBLEMS_SECTION_HEADING,
    REQUIRED_PARTS_2019,
    SECTION_KINDS_ANY_START,
    SECTION_MARKERS,
    STANDARD_PART_PATTERNS,
    TABLE_ROW_HEADINGS,
    cn_number_value,
    part_key_for_title,
)
from .metadata import infer_metadata
from .reflow import reflow
from .tables import Line, find_table_regions, split_lines, table_kind, table_shape

#: a part title longer than this is an inline heading followed by its body
MAX_TITLE = 40
#: canonical order of parts since 2019 (for choosing among candidates)
PART_ORDER = {k: i for i, k in enumerate(("overview", "proactive", "requests", "review_litigation", "problems", "other"))}
INLINE_PART = re.compile(
    r"(?:(?<=[。；！？\s])|^)([一二三四五六七八九十]{1,2})\s*[、.．]\s*(?=总体情况|概述|主动公开政府信息|收到和处理政府信息公开申请|"
    r"政府信息公开行政复议|存在的主要问题|其他需要报告的事项)")


@dataclass
class _Candidate:
    start: int          # offset of the numeral (after markdown/bullets)
    heading_end: int    # end of the heading line (or of the inline title)
    number: str
    value: int
    title: str
    title_end: int
    key: str
    strong: bool


def _heading_title(text: str, pos: int, line_end: int) -> tuple[str, int]:
    """Title text from ``pos`` to the line end, or to the first 。/： when the line goes on (inline heading)."""
    raw = text[pos:line_end]
    stripped = raw.rstrip()
    if len(stripped) <= MAX_TITLE and not re.search(r"[。：:][^。：:]", stripped):
        t = stripped.rstrip("。：:")
        return t.strip(), pos + len(stripped)
    m = re.search(r"[。：:]", raw)
    if m and m.start() <= MAX_TITLE:
        return raw[:m.start()].strip(), pos + m.end()
    return "", -1


def _titled_like_a_part(title: str) -> bool:
    """A heading inside a table region that still reads as a part title: no digits, a title ending."""
    return not re.search(r"\d", title) and bool(PART_TITLE_ENDS.search(title[-4:]))


def _part_candidates(text: str, lines: list[Line], tables: list[tuple[int, int]]) -> list[_Candidate]:
    out: list[_Candidate] = []
    seen: set[int] = set()

    def in_table(pos: int) -> bool:
        return any(a <= pos < b for a, b in tables)

    for ln in lines:
        m = PART_HEADING.match(ln.text)
        if not m:
            continue
        number = m.group(1) or m.group(2)
        value = cn_number_value(number)
        if value is None:
            continue
        start = ln.start + m.start(1 if m.group(1) else 2)
        if m.group(1):
            start = ln.start + ln.text.index("第", 0)
        title, title_end = _heading_title(text, ln.start + m.end(), ln.end)
        if not title or title_end < 0:
            continue
        compact = re.sub(r"\s+", "", title)
        if TABLE_ROW_HEADINGS.search(compact) or re.search(r"\s\d+(\s+\d+)+\s*$", title):
            continue
        strong_key = next((k for k, pat in STANDARD_PART_PATTERNS.items() if pat.search(compact)), None)
        if in_table(start) and not strong_key and not _titled_like_a_part(compact):
            continue
        key = strong_key or part_key_for_title(compact)
        out.append(_Candidate(start, ln.end, number, value, compact, title_end, key, strong_key is not None))
        seen.add(start)
    # inline headings in text flattened to long lines (web pages)
    for ln in lines:
        if len(ln.text) < 200:
            continue
        for m in INLINE_PART.finditer(ln.text):
            start = ln.start + m.start(1)
            if start in seen:
                continue
            value = cn_number_value(m.group(1))
            rest = text[ln.start + m.end():ln.end]
            pat_key, title = None, ""
            for k, pat in STANDARD_PART_PATTERNS.items():
                mm = re.match(r"[^。：:，,\s]{2,30}?(情况|事项|概述)", rest)
                if mm and pat.search(mm.group(0)):
                    pat_key, title = k, mm.group(0)
                    break
            if pat_key is None or value is None:
                continue
            title_end = ln.start + m.end() + len(title)
            if title_end < ln.end and text[title_end] in "。：:":
                title_end += 1
            out.append(_Candidate(start, title_end, m.group(1), value, title, title_end, pat_key, True))
    out.sort(key=lambda c: c.start)
    return out


def _choose_parts(cands: list[_Candidate]) -> list[_Candidate]:
    """Pick the part headings among candidates.

    With three or more standard titles (2019/2021 layouts) the chain of standard
    titles in canonical order is taken, plus numbered headings that fill gaps in
    its numbering; otherwise (2008-era free layouts) the longest run of
    consecutively numbered headings.
    """
    strong = [c for c in cands if c.strong]
    if len({c.key for c in strong}) >= 3:
        # longest chain increasing in canonical order (ties: earliest), DP over strong candidates
        n = len(strong)
        best = [1] * n
        prev = [-1] * n
        for i in range(n):
            for j in range(i):
                if PART_ORDER[strong[j].key] < PART_ORDER[strong[i].key] and best[j] + 1 > best[i]:
                    best[i], prev[i] = best[j] + 1, j
        # prefer the longest chain; among equals the one ending last (covers the most text)
        i = max(range(n), key=lambda k: (best[k], k))
        chain = []
        while i >= 0:
            chain.append(strong[i])
            i = prev[i]
        chain.reverse()
        chosen = list(chain)
        # fill numbering gaps with weak numbered headings (e.g. 五、存在问题及整改措施)
        bounds = [None] + chain + [None]
        for a, b in zip(bounds, bounds[1:]):
            lo = a.start if a else -1
            hi = b.start if b else float("inf")
            want = (a.value + 1) if a else 1
            stop = b.value if b else want + 3
            for c in cands:
                if c.strong or not (lo < c.start < hi) or want >= stop:
                    continue
                if c.value == want and c.key != "unknown" and c.key not in {x.key for x in chosen if x.key != "other"}:
                    chosen.append(c)
                    want += 1
        chosen.sort(key=lambda c: c.start)
        return chosen
    # free layout: longest run of consecutive numbers, scored by known keys
    n = len(cands)
    if n == 0:
        return []
    score = [0.0] * n
    prev = [-1] * n
    for i, c in enumerate(cands):
        own = 1.0 + (0.5 if c.key != "unknown" else 0.0) + (0.5 if c.strong else 0.0)
        score[i] = own + (0.5 if c.value == 1 else 0.0)
        for j in range(i):
            if cands[j].value + 1 == c.value and score[j] + own > score[i]:
                score[i], prev[i] = score[j] + own, j
    i = max(range(n), key=lambda k: (score[k], -k))
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = prev[i]
    chain.reverse()
    if len(chain) == 1 and chain[0].key == "unknown":
        return []
    return chain


def _section_markers(text: str, lines: list[Line], start: int, end: int,
                     tables: list[tuple[int, int]]) -> list[tuple[int, str, str]]:
    """Section heading positions inside [start, end): (offset, marker kind, marker text)."""
    def in_table(pos: int) -> bool:
        return any(a <= pos < b for a, b in tables)

    for kind, pat in SECTION_MARKERS:
        found: list[tuple[int, str, str]] = []
        expect = 1
        for ln in lines:
            if ln.end <= start or ln.start >= end or in_table(ln.start):
                continue
            body = ln.text
            offset = ln.start
            # at the line start (after bullets, markdown markers and spaces)
            lead = len(body) - len(body.lstrip(" \t#*>-"))
            positions = [offset + lead]
            if kind == "paren_cn":
                # inline after a sentence end, e.g. web text flattened to one line
                sep = r"[。；\s]" if len(body) >= 200 else r"[。；]"
                positions += [offset + m.end() for m in re.finditer(sep + r"(?=\s*[（(][一二三四五六七八九十]{1,3}[）)])", body)]
            for pos in positions:
                if pos < start or pos >= end:
                    continue
                m = pat.match(text, pos)
                while m is None and pos < ln.end and text[pos] == " ":
                    pos += 1
                    m = pat.match(text, pos)
                if not m:
                    continue
                value = cn_number_value(m.group(1))
                if not found and kind in SECTION_KINDS_ANY_START and value is not None and value > 1:
                    expect = value
                if value == expect:
                    found.append((pos, kind, m.group(0)))
                    expect += 1
        if len(found) >= 2 or (found and kind == "paren_cn"):
            return found
    return []


#: where an inline heading without punctuation runs into its body: an enumeration or a year
HEADING_RUNS_INTO_BODY = re.compile(r"[一二三四五六七八九十]是|[（(]1[）)]|1[.、．]|(?:19|20)\d{2}年")


def _section_heading(text: str, pos: int, marker: str, end: int) -> tuple[str, int, int, int]:
    """(heading, heading_start, heading_end, body_start) for a section starting at ``pos``."""
    h, hs, he, bs = _section_heading_raw(text, pos, marker, end)
    if he > hs and bs <= he:  # inline heading cut at a comma: it may run into its body
        m = HEADING_RUNS_INTO_BODY.search(h, 4)
        if m:
            return h[:m.start()], hs, hs + m.start(), hs + m.start()
    return h, hs, he, bs


def _section_heading_raw(text: str, pos: int, marker: str, end: int) -> tuple[str, int, int, int]:
    hs = pos + len(marker)
    while hs < end and text[hs] in " \t":
        hs += 1
    line_end = text.find("\n", hs, end)
    line_end = end if line_end < 0 else line_end
    line = text[hs:line_end]
    if len(line.rstrip()) <= MAX_TITLE and not re.search(r"[。；！？][^。；！？\s]", line.rstrip()):
        h = line.rstrip().rstrip("。：:；;")
        return h, hs, hs + len(h), min(line_end + 1, end)
    m = re.search(r"[。：:；;！？]", line)
    w = re.search(r"\s", line)
    if w and w.start() <= 30 and (not m or w.start() < m.start()):
        # text flattened to one line: the heading ends at the space before its body
        return line[:w.start()], hs, hs + w.start(), hs + w.end()
    if m and m.start() <= MAX_TITLE:
        return line[:m.start()], hs, hs + m.start(), hs + m.end()
    m = re.search(r"[，,]", line)
    if m and m.start() <= 25:
        return line[:m.start()], hs, hs + m.start(), hs + m.start()
    return "", hs, hs, hs


def _paragraphs(text: str, lines: list[Line], start: int, end: int,
                tables: list[tuple[int, int]], doc: Report) -> list[Paragraph]:
    out = []
    for ln in lines:
        a, b = max(ln.start, start), min(ln.end, end)
        if b <= a:
            continue
        if any(x <= a < y or x < b <= y for x, y in tables):
            continue
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        sents = [Sentence(s, e, _doc=doc) for s, e in split_sentences(text, a, b)]
        out.append(Paragraph(a, b, sentences=sents, _doc=doc))
    return out


def _build_sections(text: str, lines: list[Line], part: Part, tables: list[tuple[int, int]], doc: Report) -> None:
    body_start = part.title_end if part.title_end > part.start else part.start
    markers = _section_markers(text, lines, body_start, part.end, tables)
    bounds = [(m[0], m[2]) for m in markers]
    sections: list[Section] = []
    first = bounds[0][0] if bounds else part.end
    if text[body_start:first].strip():
        sec = Section(body_start, first, heading="", marker="", body_start=body_start, _doc=doc)
        sections.append(sec)
    for i, (pos, marker) in enumerate(bounds):
        nxt = bounds[i + 1][0] if i + 1 < len(bounds) else part.end
        heading, hs, he, bs = _section_heading(text, pos, marker, nxt)
        sections.append(Section(pos, nxt, heading=heading, marker=marker, heading_start=hs, heading_end=he,
                                body_start=bs, _doc=doc))
    for sec in sections:
        # trim trailing whitespace so the section ends on text
        e = sec.end
        while e > sec.start and text[e - 1].isspace():
            e -= 1
        sec.end = e
        b = sec.body_start if sec.body_start >= 0 else sec.start
        if sec.heading and sec.heading_end > sec.heading_start and b <= sec.heading_end:
            # inline heading: the heading sentence is not a body paragraph of its own
            b = sec.heading_end
        sec.paragraphs = _paragraphs(text, lines, min(b, sec.end), sec.end, tables, doc)
    part.sections = sections


def parse_text(text: str, source: str = "<text>", format: str = "txt", report_id: str | None = None,
               filename: str | None = None, original_text: str | None = None,
               hints: dict[str, str] | None = None) -> Report:
    """Parse already-normalized text into a :class:`Report` (never raises on odd text).

    Flattened lines (a web page saved as one line) get their line breaks back first
    (:func:`~nlp.structure.reflow.reflow`); ``Report.text`` is that reflowed text, and
    ``original_text`` (same length as ``text``) receives the same breaks. ``hints``: what
    the file says about itself outside the text (a page's ``page_title``, ``publisher``,
    ``published``), used for metadata the text does not give.
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rid = report_id or f"{_slug(Path(filename or source).stem)}-{sha[:8]}"
    rf = reflow(text)
    text = rf.text
    doc = Report(id=rid, source=source, format=format, text=text, sha256=sha)
    if original_text is not None:
        doc.original_text = rf.apply(original_text) if rf.changed else original_text
    if rf.changed:
        doc.metadata_sources["reflow"] = f"{len(rf.inserted) + len(rf.replaced)} line breaks restored in flattened text"
    lines = split_lines(text)
    regions = find_table_regions(text)
    cands = _part_candidates(text, lines, regions)
    chosen = _choose_parts(cands)
    parts: list[Part] = []
    for i, c in enumerate(chosen):
        end = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
        e = end
        while e > c.start and text[e - 1].isspace():
            e -= 1
        parts.append(Part(c.start, e, key=c.key, number=c.number, title=c.title, title_end=min(c.title_end, e), _doc=doc))
    _infer_unheaded_problems(text, lines, parts, doc)
    doc.parts = parts
    doc.preamble = (0, parts[0].start if parts else len(text))
    if parts:
        # table regions never cross a part boundary
        bounds = [(0, parts[0].start)] + [(max(p.start, p.title_end), p.end) for p in parts]
        regions = [r for a, b in bounds if b > a for r in find_table_regions(text, a, b)]
    for p in parts:
        _build_sections(text, lines, p, regions, doc)
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
        doc.tables.append(TableSpan(a, b, kind=kind, shape=table_shape(text[a:b]), part=part.key if part else "", _doc=doc))
    infer_metadata(doc, filename or source, hints or {})
    if doc.era in ("2019", "2021"):
        have = {p.key for p in parts}
        doc.missing_parts = [k for k in REQUIRED_PARTS_2019 if k not in have]
        for k in doc.missing_parts:
            doc.warnings.append(f"part missing: {k}")
    if not parts:
        doc.warnings.append("no part headings recognised: the text is kept as one unheaded part")
        whole = Part(0, len(text), key="unknown", number="", title="", title_end=0, _doc=doc)
        _build_sections(text, lines, whole, regions, doc)
        doc.parts = [whole] if text.strip() else []
        doc.preamble = (0, 0)
    return doc


def _infer_unheaded_problems(text: str, lines: list[Line], parts: list[Part], doc: Report) -> None:
    """When the problems part has no heading but a later part holds sections headed (一)…问题/改进
    after its table, split that part there and mark the new part ``inferred``."""
    keys = {p.key for p in parts}
    if "problems" in keys or not ({"review_litigation", "requests"} & keys):
        return
    for i, p in enumerate(parts):
        if p.key not in ("review_litigation", "requests"):
            continue
        if i + 1 < len(parts) and parts[i + 1].key not in ("other",):
            continue
        for ln in lines:
            if ln.start <= p.title_end or ln.start >= p.end:
                continue
            stripped = ln.text.lstrip(" #*")
            if PROBLEMS_SECTION_HEADING.match(stripped):
                at = ln.start + (len(ln.text) - len(stripped))
                new = Part(at, p.end, key="problems", number="", title="", title_end=at, inferred=True, _doc=doc)
                e = at
                while e > p.start and text[e - 1].isspace():
                    e -= 1
                p.end = e
                parts.insert(i + 1, new)
                doc.warnings.append(f"part problems has no heading in the text; inferred from the section heading at offset {at}")
                return


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
                     hints=src.metadata)
    doc.encoding = src.encoding
    doc.script = src.script
    doc.sha256 = src.sha256
    doc.warnings = src.warnings + doc.warnings
    doc.metadata_sources.setdefault("normalization", "; ".join(src.changes))
    return doc


def read_reports(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Report | ReportReadError]:
    """Read many files (directories expanded); yields a Report or a ReportReadError per file, never raises."""
    from ..batch import expand_inputs

    files, failures = expand_inputs(paths)
    for f in failures:
        yield ReportReadError(f.path, f.reason)
    for f in files:
        try:
            yield read_report(f)
        except XxgkError as e:
            yield e if isinstance(e, ReportReadError) else ReportReadError(str(f), str(e))
        except Exception as e:  # a parser bug must not stop a batch
            yield ReportReadError(str(f), f"internal error: {type(e).__name__}: {e}")


__all__ = ["read_report", "read_reports", "parse_text", "CN_NUMERALS"]
