"""The document model: one normalized text, every node a view with offsets into it.

In the style of spaCy's ``Doc``/``Span``: a :class:`Report` owns ``text``; parts,
sections, paragraphs, sentences and table spans only store ``start``/``end``
(character offsets into ``Report.text``, end exclusive) and expose ``.text``.
Children always lie inside their parent.

Offsets refer to ``Report.text``, the normalized text produced by ingest (see
``nlp.ingest``). When the input was in traditional script, ``Report.text`` is the
simplified conversion and ``Report.original_text`` the normalized original; the
conversion is length-preserving, so the same offsets index both.

Every node is bound to its report from birth: nodes given to the :class:`Report`
constructor, assigned to ``report.parts``/``report.tables`` or to a bound node's
child list (``part.sections = [...]``), made by :meth:`Report.char_span` or read by
:meth:`Report.from_dict` know their report, so ``node.text`` needs no ``attach()``.
Results travel with the report as labelled span layers, ``report.spans["cells"]``,
``["themes"]``, ``["summaries"]``, ``["passages"]`` (see :mod:`nlp.spans`).

The node classes live in :mod:`nlp.nodes` and are re-exported here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from .nodes import REPR_TEXT_CHARS, Node, Paragraph, Part, Section, Sentence, Span, TableSpan, bind_nodes
from .spans import SpanLayers


@dataclass(repr=False)
class Report:
    """A parsed annual report: normalized text, metadata and span nodes."""

    id: str
    source: str
    format: str
    text: str
    title: str = ""
    agency: str = ""
    year: int | None = None
    era: str = ""
    publication_date: str = ""
    contact: str = ""
    encoding: str = ""
    script: str = "simplified"
    original_text: str | None = None
    parts: list[Part] = field(default_factory=list)
    tables: list[TableSpan] = field(default_factory=list)
    preamble: tuple[int, int] = (0, 0)
    missing_parts: list[str] = field(default_factory=list)
    metadata_sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    #: offsets into ``text`` where each source page begins (PDF input); empty when unpaged
    page_starts: list[int] = field(default_factory=list)
    #: labelled span layers that travel with the report: ``spans["cells" | "themes" | "summaries" | "passages"]``
    spans: SpanLayers = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", SpanLayers(self))
        bind_nodes(self.parts, self)
        bind_nodes(self.tables, self)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in ("parts", "tables"):
            bind_nodes(value, self)

    def __repr__(self) -> str:
        who = " ".join(str(x) for x in (self.agency, self.year) if x)
        return (f"<Report {self.id}{' ' + who if who else ''}: {len(self.text)} chars, "
                f"{len(self.parts)} parts, {len(self.tables)} tables>")

    # ------------------------------------------------------------ spans
    def _check_offsets(self, start: int, end: int) -> None:
        if not (0 <= start <= end <= len(self.text)):
            raise ValueError(f"span {start}:{end} is outside the report's text (0:{len(self.text)})")

    def char_span(self, start: int, end: int, label: str = "") -> Span:
        """A :class:`Span` over ``text[start:end]`` (end exclusive), bound to this report.

        Raises ValueError when the offsets are not ``0 <= start <= end <= len(text)``.
        """
        self._check_offsets(start, end)
        return Span(start, end, label=label, _doc=self)

    # ------------------------------------------------------------ navigation
    def page_at(self, offset: int) -> int | None:
        """The 1-based source page holding character ``offset``, or None when unpaged."""
        if not self.page_starts:
            return None
        from bisect import bisect_right

        return max(1, bisect_right(self.page_starts, offset))

    def part(self, key: str) -> Part | None:
        """The first part with this canonical key, or None."""
        for p in self.parts:
            if p.key == key:
                return p
        return None

    def sections(self) -> Iterator[Section]:
        """Every section of every part, in text order (also as the list :attr:`all_sections`)."""
        for p in self.parts:
            yield from p.sections

    @property
    def all_sections(self) -> list[Section]:
        """Every section of every part, in text order: the property form of :meth:`sections`."""
        return list(self.sections())

    @property
    def all_paragraphs(self) -> list[Paragraph]:
        return list(self.paragraphs())

    @property
    def all_sentences(self) -> list[Sentence]:
        return list(self.sentences())

    def paragraphs(self) -> Iterator[Paragraph]:
        for s in self.sections():
            yield from s.paragraphs

    def sentences(self) -> Iterator[Sentence]:
        for p in self.paragraphs():
            yield from p.sentences

    def table(self, kind: str) -> TableSpan | None:
        for t in self.tables:
            if t.kind == kind:
                return t
        return None

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def attach(self) -> "Report":
        """Bind every node to this report. Nodes are bound from birth; this only re-binds nodes
        added to a child list in place (``part.sections.append(...)``). Returns the report."""
        bind_nodes(self.parts, self)
        bind_nodes(self.tables, self)
        return self

    # ------------------------------------------------------------ serialization
    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "format": self.format,
            "encoding": self.encoding,
            "script": self.script,
            "sha256": self.sha256,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "era": self.era,
            "publication_date": self.publication_date,
            "contact": self.contact,
            "metadata_sources": dict(self.metadata_sources),
            "preamble": list(self.preamble),
            "parts": [p.to_dict() for p in self.parts],
            "missing_parts": list(self.missing_parts),
            "tables": [t.to_dict() for t in self.tables],
            "warnings": list(self.warnings),
        }
        if self.page_starts:
            d["page_starts"] = list(self.page_starts)
        if len(self.spans):
            d["spans"] = self.spans.to_dict()
        if include_text:
            d["text"] = self.text
            if self.original_text is not None:
                d["original_text"] = self.original_text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        """Rebuild a report saved with :meth:`to_dict` (``include_text=True``)."""
        parts = []
        for pd in d.get("parts", []):
            sections = []
            for sd in pd.get("sections", []):
                paragraphs = [
                    Paragraph(pp["start"], pp["end"], sentences=[Sentence(x["start"], x["end"]) for x in pp.get("sentences", [])])
                    for pp in sd.get("paragraphs", [])
                ]
                sections.append(Section(sd["start"], sd["end"], heading=sd.get("heading", ""), marker=sd.get("marker", ""),
                                        heading_start=sd.get("heading_start", -1), heading_end=sd.get("heading_end", -1),
                                        body_start=sd.get("body_start", -1), paragraphs=paragraphs))
            parts.append(Part(pd["start"], pd["end"], key=pd.get("key", "unknown"), number=pd.get("number", ""),
                              title=pd.get("title", ""), title_end=pd.get("title_end", -1), sections=sections,
                              inferred=pd.get("inferred", False), empty=pd.get("empty", False)))
        tables = [TableSpan(t["start"], t["end"], kind=t.get("kind", "unknown"), shape=t.get("shape", "rows"),
                            part=t.get("part", "")) for t in d.get("tables", [])]
        r = cls(
            id=d["id"], source=d.get("source", ""), format=d.get("format", ""), text=d["text"],
            title=d.get("title", ""), agency=d.get("agency", ""), year=d.get("year"), era=d.get("era", ""),
            publication_date=d.get("publication_date", ""), contact=d.get("contact", ""),
            encoding=d.get("encoding", ""), script=d.get("script", "simplified"),
            original_text=d.get("original_text"), parts=parts, tables=tables,
            preamble=tuple(d.get("preamble", (0, 0))), missing_parts=list(d.get("missing_parts", [])),
            metadata_sources=dict(d.get("metadata_sources", {})), warnings=list(d.get("warnings", [])),
            sha256=d.get("sha256", ""), page_starts=[int(x) for x in d.get("page_starts", [])],
        )
        r.spans.load(d.get("spans", {}))
        return r


__all__ = ["Report", "Node", "Sentence", "Paragraph", "Section", "Part", "TableSpan", "Span", "REPR_TEXT_CHARS"]
