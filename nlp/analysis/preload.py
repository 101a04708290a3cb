"""Imported once by the server process that starts analyze's worker processes (:mod:`.pool`), so that
each worker begins with the stages' modules already imported: the parsers with the readers they
import lazily (lxml's element tree), the tables and the theme estimator (scikit-learn). Without it each
worker imports scikit-learn (about 0.7 CPU-seconds), and each guarded reading child that meets a
.docx file imports lxml again (:mod:`nlp.guard` forks one per batch of files). Imports
only: nothing runs, no thread pool is started; the imported objects are then frozen
(:func:`nlp.heap.freeze_long_lived`). :mod:`.preload_model` adds torch for the summaries."""
from __future__ import annotations

import nlp.structure  # noqa: F401
import nlp.tables  # noqa: F401
import nlp.themes  # noqa: F401
import nlp.themes.estimator  # noqa: F401  (scikit-learn)
import nlp.themes.model  # noqa: F401

import lxml.etree  # noqa: F401  (imported lazily by nlp.ingest.docx, in each guarded child)

from nlp.heap import freeze_long_lived  # noqa: E402

freeze_long_lived()   # the imports stay: each worker's collector never walks them (nor copies their pages)
