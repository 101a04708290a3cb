"""Per-report preparation for :func:`nlp.comparison.compare`: the content stream, sentence and
clause bounds, shingles and the template/formula mask of one report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import re

import numpy as np

from ..document import Report
from .index import DocShingles
from .template import TemplateMask, vocabulary_mask
from .textprep import ContentStream, clause_starts, content_stream, sentence_bounds, shingle_hashes


_NEWLINE = re.compile(r"\n")


@dataclass
class PreparedReport:
    """One report as the comparison sees it (positions are stream positions)."""

    report: Report
    stream: ContentStream
    sentences: list[tuple[int, int]]
    sentence_starts: np.ndarray       # sorted: every sentence start, and the stream's end
    clause_starts: np.ndarray         # sorted: clause marks, line starts, masked-run edges, sentence starts
    shingles: DocShingles
    template: TemplateMask
    ngram: int = 0                    # length of ``shingles``
    ok: np.ndarray | None = None      # per n-gram start: window free of template and formulas
    scored: str = ""                  # the content stream without template characters
    scored_before: np.ndarray | None = None  # per stream position (and the end): scored characters before it
    other_shingles: dict[int, DocShingles] = field(default_factory=dict)  # shingles of other n-gram lengths

    def shingles_of(self, n: int) -> DocShingles:
        """This report's ``n``-gram shingles (``n`` the compared length, or built once per other length)."""
        if n == self.ngram:
            return self.shingles
        if n not in self.other_shingles:
            self.other_shingles[n] = DocShingles.build(shingle_hashes(self.stream.chars, n))
        return self.other_shingles[n]


def coerce_reports(reports: Iterable[Report | dict | str]) -> list[Report]:
    """Reports from Report objects, their ``to_dict()`` dicts or plain strings."""
    out: list[Report] = []
    for k, r in enumerate(reports):
        if isinstance(r, Report):
            out.append(r)
        elif isinstance(r, dict):
            out.append(Report.from_dict(r))
        elif isinstance(r, str):
            out.append(Report(id=f"text-{k + 1}", source="<text>", format="txt", text=r))
        else:
            raise TypeError(f"compare() takes Report objects, their dicts or strings, not {type(r).__name__}")
    return out


def _parsed_breaks(report: Report) -> tuple[int, ...]:
    """Text offsets where the parser saw a part, heading or paragraph begin or end."""
    out: set[int] = set()
    for part in report.parts:
        out.update((part.start, part.end))
        if part.title_end > part.start:
            out.add(part.title_end)
        for sec in part.sections:
            out.update((sec.start, sec.end))
            if sec.body_start > sec.start:
                out.add(sec.body_start)
            for para in sec.paragraphs:
                out.update((para.start, para.end))
    for t in report.tables:
        out.update((t.start, t.end))
    return tuple(sorted(out))


def prepare_report(report: Report, n: int) -> PreparedReport:
    """Stream, bounds, shingles and the vocabulary/formula mask of ``report``."""
    stream = content_stream(report.text)
    sents = sentence_bounds(stream, report.text, _parsed_breaks(report))
    starts = np.asarray([s for s, _ in sents] + [len(stream)], dtype=np.int64)
    shingles = DocShingles.build(shingle_hashes(stream.chars, n))
    template = vocabulary_mask(report, stream, sents)
    lines = stream.to_stream_positions(m.end() for m in _NEWLINE.finditer(report.text))
    edges = [x for s, e, _ in template.runs(1) for x in (s, e)]
    clauses = np.unique(np.concatenate([clause_starts(stream.chars), starts,
                                        np.asarray(lines + edges, dtype=np.int64)]))
    return PreparedReport(report, stream, sents, starts, clauses, shingles, template, ngram=n)


def scored_span(d: PreparedReport, start: int, end: int) -> str:
    """The scored characters (template removed) of the text span [start, end)."""
    s, e = d.stream.to_stream_pos(start), d.stream.to_stream_pos(end)
    m = d.template.template[s:e]
    return "".join(c for c, t in zip(d.stream.chars[s:e], m) if not t)
