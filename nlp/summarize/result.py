"""The summary record: one headline plus key sentences per unit, every line pointing at its evidence."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: how a headline was made: the section's own heading, generated (and passed the guard),
#: extractive, or extractive because the generated one failed the guard
HEADLINE_METHODS = ("heading", "abstractive", "extractive", "extractive-fallback")


@dataclass
class Summary:
    """One summary: ``headline`` + ``summary`` (key sentences) of ``report``'s unit ``key``.

    ``method``: one of :data:`HEADLINE_METHODS`; ``faithful``: the guard's verdict on the
    generated headline (None when nothing was generated; True only when the guard checked
    something and everything passed); ``guard``: what the guard checked and rejected.
    """

    report: str
    level: str
    key: str
    start: int
    end: int
    method: str
    headline: str
    summary: str
    source_spans: list[tuple[int, int]]
    faithful: bool | None = None
    guard: dict | None = None
    generated: str | None = None
    model: str | None = None
    key_numbers: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {"report": self.report, "level": self.level, "key": self.key, "start": self.start, "end": self.end,
             "method": self.method, "headline": self.headline, "summary": self.summary,
             "source_spans": [list(s) for s in self.source_spans], "faithful": self.faithful}
        if self.guard is not None:
            d["guard"] = self.guard
            d["generated"] = self.generated
        if self.model:
            d["model"] = self.model
        if self.key_numbers:
            d["key_numbers"] = self.key_numbers
        return d

    def to_text(self) -> str:
        guard = "" if self.faithful is None else (" guard: passed" if self.faithful else " guard: REJECTED")
        head = f"[{self.report} {self.level} {self.key} {self.start}-{self.end}] {self.method}{guard}"
        return f"{head}\n  {self.headline}\n" + "\n".join("    " + line for line in self.summary.splitlines() if line)
