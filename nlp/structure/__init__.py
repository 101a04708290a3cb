"""Structure: normalized text → :class:`~nlp.document.Report` (parts, sections, paragraphs,
sentences, table spans, metadata).

Modules: ``reflow`` (line breaks back into flattened web text) · ``parts`` · ``sections`` ·
``metadata`` · ``parse`` (the entry points). Public functions: :func:`read_report`,
:func:`read_reports`, :func:`parse_text`.
"""
from __future__ import annotations

from ..format import CN_NUMERALS
from .parse import parse_text, read_report, read_reports

__all__ = ["read_report", "read_reports", "parse_text", "CN_NUMERALS"]
