"""The corpus store: every report analysed once, kept in one DuckDB file, corrected with history.

``CorpusStore(path)`` opens (or creates) the file. :meth:`CorpusStore.add` reads and
analyses only files whose content (sha256) is not stored yet; a file whose content
changed replaces the report it was read from. Each batch of new reports is committed as
soon as it is analysed, so a client that dies resumes where it stopped. After adding,
the corpus-wide stages (checks, compare) are re-run over the stored reports from their
stored structure and tables (no file is read again) and their results replace the old
ones, so the store always holds what :func:`nlp.analysis.analyze` would give on the union;
compare aligns again only the report pairs whose inputs changed (:meth:`refresh`).

Corrections never touch the text: :meth:`CorpusStore.correct` gives a report a new
version of its tables with one cell changed (who, when, why recorded; the earlier
versions kept frozen in ``versions``) and re-runs the checks. :meth:`CorpusStore.review`
records an auditor's verdict on a finding. Re-adding a file whose content is stored
changes nothing, so a correction survives re-ingestion.

SQL tables (query them with :meth:`CorpusStore.query`): ``reports`` (current version
per report), ``versions``, ``cells`` (tidy cells of the current versions), ``findings``,
``reviews``, ``corrections``, ``themes``, ``summaries``, ``passages``,
``passage_members``, ``report_measures``, ``shingle_df`` (compare's n-gram hashes and how many
reports hold each, updated by each add without recounting), ``compared_pairs`` (compare's aligned
pairs per (report, partner) with a digest of their inputs: an add aligns only the pairs whose
inputs changed and reuses the rest). :meth:`CorpusStore.export` writes analyze's
outputs from the current versions, plus ``history.csv``.

DuckDB is imported only when a store is opened.
"""
from __future__ import annotations

from .export import ExportMixin
from .history import HistoryMixin
from .ingest import IngestMixin
from .schema import VERDICTS, AddResult, finding_id
from .state import StateMixin

__all__ = ["CorpusStore", "AddResult", "finding_id", "VERDICTS"]


class CorpusStore(IngestMixin, StateMixin, HistoryMixin, ExportMixin):
    """One DuckDB file holding a corpus and everything derived from it: tables and plumbing
    (:mod:`.schema`), adding files (:mod:`.ingest`), current state and the corpus-wide stages
    (:mod:`.state`), corrections and reviews (:mod:`.history`), export (:mod:`.export`)."""

    def __enter__(self) -> "CorpusStore":
        return self
