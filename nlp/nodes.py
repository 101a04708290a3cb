"""The nodes of the document model: span views with ``start``/``end`` into their report's text.

Parts, sections, paragraphs, sentences, table spans and labelled spans store only offsets
(end exclusive) and read ``.text`` through the :class:`~nlp.document.Report` they are bound
to; a node's child lists are bound along with it. See :mod:`nlp.document` for the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .document import Report


#: characters of text a ``repr`` shows before an ellipsis
REPR_TEXT_CHARS = 16


def _short(text: str) -> str:
    """One line, at most :data:`REPR_TEXT_CHARS` characters, for a ``repr``."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= REPR_TEXT_CHARS else one_line[:REPR_TEXT_CHARS] + "…"


def bind_nodes(nodes: Iterable["Node"], doc: "Report") -> None:
    """Bind each node (and its children) to ``doc``."""
    for node in nodes:
        node._bind(doc)


@dataclass(repr=False)
class Node:
    """Base of every span-like node: ``start``/``end`` into the owning report's text."""

    start: int
    end: int
    _doc: "Report | None" = field(default=None, repr=False, compare=False)

    #: names of the fields holding child nodes (bound along with their parent)
    _CHILDREN: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in self._CHILDREN and self._doc is not None:
            bind_nodes(value, self._doc)

    def _bind(self, doc: "Report") -> None:
        object.__setattr__(self, "_doc", doc)
        for name in self._CHILDREN:
            bind_nodes(getattr(self, name), doc)

    @property
    def doc(self) -> "Report":
        """The report this node belongs to."""
        if self._doc is None:
            raise ValueError(f"{type(self).__name__} {self.start}:{self.end} does not belong to a Report "
                             "(make it through the report: Report(parts=...), report.char_span(a, b))")
        return self._doc

    @property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def _repr_label(self) -> str:
        """What the one-line ``repr`` shows after the class name and offsets."""
        return repr(_short(self.text)) if self._doc is not None else ""

    def __repr__(self) -> str:
        label = self._repr_label()
        return f"<{type(self).__name__} {self.start}:{self.end}{' ' + label if label else ''}>"


@dataclass(repr=False)
class Sentence(Node):
    """A Chinese sentence (ends at 。！？；… or the paragraph end)."""

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}


@dataclass(repr=False)
class Paragraph(Node):
    """A paragraph: a line of narrative (tables are not paragraphs)."""

    sentences: list[Sentence] = field(default_factory=list)
    _CHILDREN = ("sentences",)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "sentences": [s.to_dict() for s in self.sentences]}


@dataclass(repr=False)
class Section(Node):
    """A section inside a part: a numbered heading ((一)…, 一是…, 1.…) and its body.

    ``heading`` is the heading phrase ('' for the unheaded text before the first
    heading of a part); ``heading_start``/``heading_end`` locate it in the text;
    ``marker`` is the numbering as printed (e.g. '（一）'); ``body_start`` is where
    the body begins (after the heading when the heading is inline).
    """

    heading: str = ""
    marker: str = ""
    heading_start: int = -1
    heading_end: int = -1
    body_start: int = -1
    paragraphs: list[Paragraph] = field(default_factory=list)
    _CHILDREN = ("paragraphs",)

    @property
    def body(self) -> str:
        """The section's text without its heading."""
        b = self.body_start if self.body_start >= 0 else self.start
        return self.doc.text[b:self.end]

    def _repr_label(self) -> str:
        return repr(_short(self.marker + self.heading)) if self.heading else "(unheaded)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "marker": self.marker,
            "heading_start": self.heading_start,
            "heading_end": self.heading_end,
            "body_start": self.body_start,
            "start": self.start,
            "end": self.end,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


@dataclass(repr=False)
class Part(Node):
    """A top-level part (一、总体情况 …) with its canonical ``key``.

    ``number`` is the numeral as printed ('一'), ``title`` the title after it,
    ``title_end`` the offset where the title line ends.
    """

    key: str = "unknown"
    number: str = ""
    title: str = ""
    title_end: int = -1
    sections: list[Section] = field(default_factory=list)
    #: the part has no heading in the text; its start was inferred (e.g. from its section headings)
    inferred: bool = False
    #: the part says it has nothing to report (body is just 无)
    empty: bool = False
    _CHILDREN = ("sections",)

    def _repr_label(self) -> str:
        title = f"{self.number}、{self.title}" if self.number else self.title
        return f"{self.key} {_short(title)!r}" if title else self.key

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "number": self.number,
            "title": self.title,
            "inferred": self.inferred,
            "empty": self.empty,
            "start": self.start,
            "end": self.end,
            "title_end": self.title_end,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(repr=False)
class TableSpan(Node):
    """A statistics table's region in the text.

    ``kind``: 'proactive' (table 2), 'requests' (table 3), 'review_litigation'
    (table 4) or 'unknown'; ``shape``: how its cells are laid out in the text
    ('cell_per_line', 'pipes', 'rows', 'glued', 'html').
    """

    kind: str = "unknown"
    shape: str = "rows"
    part: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "shape": self.shape, "part": self.part, "start": self.start, "end": self.end}

    def _repr_label(self) -> str:
        return f"{self.kind} ({self.shape})"


@dataclass(repr=False)
class Span(Node):
    """A labelled stretch of the text: a table cell, a theme label, a summary sentence, a reused passage.

    ``label`` says what the span is (a cell key, a theme, ``"key_sentence"`` …);
    ``attrs`` holds JSON-ready values that go with it (a cell's value, a probability …).
    """

    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        return d

    def _repr_label(self) -> str:
        text = super()._repr_label()
        return f"{self.label} {text}" if self.label else text


__all__ = ["Node", "Sentence", "Paragraph", "Section", "Part", "TableSpan", "Span", "bind_nodes", "REPR_TEXT_CHARS"]
