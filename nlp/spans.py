"""Labelled span layers that travel with a report: ``report.spans["cells" | "themes" | "summaries" | "passages"]``.

A layer is a :class:`SpanGroup` of :class:`nlp.document.Span` objects (offsets into
``Report.text``, a label and JSON-ready attributes), serialized with the report by
``Report.to_dict``/``Report.from_dict``. Spans are made through the report
(:meth:`nlp.document.Report.char_span`), so every one is bound to it and checked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:
    from .document import Report, Span

#: the span layers the stages fill (``report.spans[name]``); other names are allowed too
SPAN_LAYERS = ("cells", "themes", "summaries", "passages")


class SpanGroup:
    """One named layer of labelled spans over a report (``report.spans[name]``), in insertion order."""

    def __init__(self, doc: "Report", name: str, spans: Iterable[Span] = ()) -> None:
        self.doc = doc
        self.name = name
        self._spans: list[Span] = []
        for sp in spans:
            self.append(sp)

    def add(self, start: int, end: int, label: str = "", **attrs: Any) -> Span:
        """Add the span ``start:end`` of the report's text with ``label`` and ``attrs``; returns it."""
        span = self.doc.char_span(start, end, label=label)
        span.attrs.update(attrs)
        self._spans.append(span)
        return span

    def append(self, span: Span) -> None:
        """Add a span made elsewhere (bound to this group's report, offsets checked)."""
        self.doc._check_offsets(span.start, span.end)
        span._bind(self.doc)
        self._spans.append(span)

    def labels(self) -> list[str]:
        """The distinct labels, in order of first appearance."""
        return list(dict.fromkeys(sp.label for sp in self._spans))

    def with_label(self, label: str) -> list[Span]:
        return [sp for sp in self._spans if sp.label == label]

    def __iter__(self) -> Iterator[Span]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __getitem__(self, i: int) -> Span:
        return self._spans[i]

    def __repr__(self) -> str:
        return f"<SpanGroup {self.name!r}: {len(self._spans)} spans>"

    def to_list(self) -> list[dict[str, Any]]:
        return [sp.to_dict() for sp in self._spans]


class SpanLayers:
    """``report.spans``: span groups by name; a group is created empty the first time it is asked for."""

    def __init__(self, doc: "Report") -> None:
        self._doc = doc
        self._groups: dict[str, SpanGroup] = {}

    def __getitem__(self, name: str) -> SpanGroup:
        if name not in self._groups:
            self._groups[name] = SpanGroup(self._doc, name)
        return self._groups[name]

    def __contains__(self, name: object) -> bool:
        return name in self._groups and len(self._groups[name]) > 0

    def __iter__(self) -> Iterator[str]:
        """Names of the non-empty layers."""
        return (name for name, g in self._groups.items() if len(g))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"<SpanLayers {', '.join(f'{n}: {len(self._groups[n])}' for n in self) or 'empty'}>"

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """Non-empty layers only, so a report without results serializes as before."""
        return {name: self._groups[name].to_list() for name in self}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        for name, rows in data.items():
            group = self[name]
            for row in rows:
                group.add(int(row["start"]), int(row["end"]), row.get("label", ""), **row.get("attrs", {}))


__all__ = ["SPAN_LAYERS", "SpanGroup", "SpanLayers"]
