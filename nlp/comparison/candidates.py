"""Candidate pairs and their alignment, wherever they run.

Compare needs two things of the corpus as a whole: each report's rows of the n-gram index
(:class:`~nlp.comparison.index.IndexView`: document frequency and the two lowest holders of
each of its n-grams) and the aligned span pairs between each report and its partners. A
*pair engine* supplies both:

- :class:`LocalPairs` (the default): one :class:`~nlp.comparison.index.ShingleIndex` in this
  process, every report aligned here;
- ``nlp.engine.sharded.DaskPairs``: the n-grams shuffled into hash partitions on a Dask
  cluster, candidate pairs emitted per partition, alignment on the workers.

Both call the same per-report functions (:func:`finish_report`, :func:`report_pairs`) on
the same inputs, so they give the same pairs in the same order (report, then partner,
ascending): compare's outputs are identical whichever engine ran.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Container, Mapping, Protocol, Sequence

import numpy as np

from .index import IndexView, ShingleIndex
from .passages import AlignedPair, align_report, window_ok
from .prepare import PreparedReport
from .records import CompareConfig
from .reference import ReferenceTable
from .report_measures import doc_share
from .reuse import snap_pairs
from .template import mark_frequent

#: per report number: the partners to align (None: every partner)
PairPlan = Mapping[int, Container[int] | None]


@dataclass(frozen=True)
class AlignSetup:
    """What finishing a report's template mask and aligning it needs besides the report itself."""

    config: CompareConfig
    n_docs: int                              # reports compared (the corpus, not one partition)
    reference: ReferenceTable | None = None  # pooled for template text (holding the compared n-gram length)

    @property
    def frequent(self) -> bool:
        """Enough documents counted for frequency-based template text."""
        return self.n_docs + (self.reference.n_docs if self.reference else 0) >= self.config.template_min_docs


def finish_report(d: PreparedReport, view: IndexView, setup: AlignSetup) -> None:
    """Mask the n-grams most documents print (template by frequency) and set the windows free of
    template (``ok``), the scored text and the scored-character counts of one prepared report."""
    n, ref = setup.config.ngram, setup.reference
    if setup.frequent and len(d.shingles.hashes):
        batch_df = view.df[d.shingles.inverse]
        share = doc_share(batch_df, d.shingles.hashes, n, setup.n_docs, ref)
        pooled = batch_df + (ref.df(n, d.shingles.hashes) if ref is not None else 0)
        mark_frequent(d.template, (share >= setup.config.template_df) & (pooled >= 2), n)
    d.ok = window_ok(d.template.mask, n)
    d.scored = "".join(c for c, t in zip(d.stream.chars, d.template.template) if not t)
    d.scored_before = np.concatenate([[0], np.cumsum(~d.template.mask)]).astype(np.int64)


def report_pairs(r: int, docs: Mapping[int, PreparedReport], view: IndexView, config: CompareConfig,
                 partners: Container[int] | None = None) -> list[tuple[int, list[AlignedPair]]]:
    """Report ``r``'s aligned pairs with each partner (ascending), snapped to sentence bounds."""
    cfg = config
    raw = align_report(r, docs, view, cfg.ngram, cfg.min_chars, cfg.max_gap, cfg.max_shift, cfg.min_identity,
                       bridge=cfg.template_bridge, partners=partners)
    return [(p, snap_pairs(docs, pairs, cfg)) for p, pairs in raw]


class PairEngine(Protocol):
    """Where compare's corpus-wide work runs (see the module docstring)."""

    def index_views(self, docs: Sequence[PreparedReport], ngrams: Sequence[int]) -> dict[int, list[IndexView]]:
        """Per n-gram length: every report's rows of the corpus index (in ``docs`` order)."""

    def aligned_pairs(self, docs: Sequence[PreparedReport], views: Sequence[IndexView], setup: AlignSetup,
                      progress: Callable[[int, int], None]) -> list[AlignedPair]:
        """Every report's snapped aligned pairs, by report then partner (``docs`` finished)."""


@dataclass
class PairCounts:
    """How many report pairs were aligned here and how many were taken from earlier results."""

    computed: int = 0
    reused: int = 0


@dataclass
class LocalPairs:
    """The in-process engine: one shingle index, every report aligned in this process.

    ``plan``: restrict the alignment to these partners per report (None: all reports, all
    partners); ``known``: pairs aligned before, by (report number, partner number), used
    instead of aligning again for the pairs the plan leaves out (the store's incremental
    compare)."""

    plan: PairPlan | None = None
    known: Mapping[tuple[int, int], list[AlignedPair]] = field(default_factory=dict)
    counts: PairCounts = field(default_factory=PairCounts)
    computed: dict[tuple[int, int], list[AlignedPair]] = field(default_factory=dict)

    def index_views(self, docs: Sequence[PreparedReport], ngrams: Sequence[int]) -> dict[int, list[IndexView]]:
        out = {}
        for n in dict.fromkeys(ngrams):
            shingles = [d.shingles_of(n) for d in docs]
            index = ShingleIndex.build(shingles)
            out[n] = [index.view(sh) for sh in shingles]
        return out

    def aligned_pairs(self, docs: Sequence[PreparedReport], views: Sequence[IndexView], setup: AlignSetup,
                      progress: Callable[[int, int], None]) -> list[AlignedPair]:
        found: dict[tuple[int, int], list[AlignedPair]] = dict(self.known)
        for r in range(len(docs)):
            progress(r + 1, len(docs))
            partners = self.plan.get(r, ()) if self.plan is not None else None
            for p, pairs in report_pairs(r, docs, views[r], setup.config, partners):
                found[(r, p)] = pairs
                self.computed[(r, p)] = pairs
                self.counts.computed += 1
        self.counts.reused += len(self.known)
        return ordered_pairs(found)


def ordered_pairs(found: Mapping[tuple[int, int], list[AlignedPair]]) -> list[AlignedPair]:
    """The pairs of every (report, partner) in the in-process order: by report, then partner."""
    return [p for key in sorted(found) for p in found[key]]
