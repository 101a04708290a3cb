"""Ingest: bytes of a report file → one normalized text (:class:`Source`).

One reader per format behind :func:`read_source`: ``.txt``/``.md`` (encoding
detected), ``.docx`` (paragraphs and tables in body order), ``.pdf`` (text layer,
page by page), ``.html``/``.htm`` (main content only, tables kept as rows of
tab-separated cells). Normalization (``nlp.ingest.normalize``) records what it
changed in ``Source.changes``. Traditional-script input is converted to simplified
characters one for one, so offsets index both ``text`` and ``original_text``.
"""
from __future__ import annotations

from .limits import DEFAULT_MAX_BYTES, IngestLimits, read_limits
from .normalize import normalize_text
from .source import FORMAT_BY_SUFFIX, Source, read_source, sniff_format

__all__ = ["Source", "read_source", "normalize_text", "read_limits", "IngestLimits", "DEFAULT_MAX_BYTES",
           "FORMAT_BY_SUFFIX", "sniff_format"]
