"""Human-readable renderings of a parsed report (terminal outline)."""
from __future__ import annotations

from .document import Report

SNIPPET = 30


def _snip(text: str, n: int = SNIPPET) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n] + "…"


def outline(report: Report) -> str:
    """An indented outline: metadata, parts with sections and paragraph counts, tables, warnings."""
    r = report
    lines = [
        f"{r.title or r.id}",
        f"  id: {r.id}   source: {r.source}   format: {r.format}   encoding: {r.encoding or '-'}   script: {r.script}",
        f"  agency: {r.agency or '?'} ({r.metadata_sources.get('agency', '?')})   year: {r.year or '?'} "
        f"({r.metadata_sources.get('year', '?')})   era: {r.era or '?'} ({r.metadata_sources.get('era', '?')})",
    ]
    if r.publication_date:
        lines.append(f"  published: {r.publication_date}")
    if r.contact:
        lines.append(f"  contact: {_snip(r.contact, 60)}")
    for p in r.parts:
        head = f"{p.number}、{p.title}" if p.number else (p.title or "(no heading in the text: inferred)")
        flags = " (empty)" if p.empty else ""
        lines.append(f"  [{p.key}] {head}   [{p.start}:{p.end}]{flags}")
        for s in p.sections:
            n_sent = sum(len(x.sentences) for x in s.paragraphs)
            head = f"{s.marker}{s.heading}" if s.heading or s.marker else "(unheaded text)"
            lines.append(f"      {head}   [{s.start}:{s.end}] {len(s.paragraphs)} paragraphs, {n_sent} sentences")
        for t in r.tables:
            if p.start <= t.start < p.end:
                lines.append(f"      table {t.kind} ({t.shape})   [{t.start}:{t.end}]")
    if r.missing_parts:
        lines.append(f"  missing parts: {', '.join(r.missing_parts)}")
    for w in r.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
