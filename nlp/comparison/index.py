"""The corpus-wide shingle index: for every distinct n-gram hash, how many reports hold it
and the two lowest report numbers that do.

Built with one sort of all (hash, report) pairs — O(total characters · log) time and
linear memory, whatever the amount of reuse — so the passage finder can link each
shared n-gram to one partner report (the lowest-numbered other holder) instead of
enumerating all pairs of holders (which is quadratic when a passage is in many reports).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class DocShingles:
    """One report's shingles: positional hashes and its sorted distinct hashes with first positions."""

    hashes: np.ndarray      # uint64, one per stream position (len(stream) - n + 1)
    uniq: np.ndarray        # uint64, sorted distinct hashes
    first_pos: np.ndarray   # int64, first position of each distinct hash
    counts: np.ndarray      # int32, occurrences of each distinct hash in this report
    inverse: np.ndarray     # int32, per position: row of its hash in ``uniq``
    #: positions grouped by hash row (ascending within a row); made on first use
    _by_row: np.ndarray | None = field(default=None, repr=False, compare=False)
    _row_start: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: per grouped position, row * (len(inverse) + 1) + position: ascending (made on first use)
    _row_keys: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, hashes: np.ndarray) -> "DocShingles":
        uniq, first, inverse, counts = np.unique(hashes, return_index=True, return_inverse=True, return_counts=True)
        return cls(hashes, uniq, first.astype(np.int64), counts.astype(np.int32), inverse.astype(np.int32).ravel())

    def all_positions(self, h: int) -> np.ndarray:
        """Every position of one hash in this report (sorted)."""
        k = int(np.searchsorted(self.uniq, h))
        if k >= len(self.uniq) or int(self.uniq[k]) != int(h):
            return np.zeros(0, dtype=np.int64)
        return self._positions_of_row(k)

    def _positions_of_row(self, k: int) -> np.ndarray:
        """Every position of the hash in row ``k`` of ``uniq`` (sorted)."""
        if self._by_row is None:
            self._by_row = np.argsort(self.inverse, kind="stable")
            self._row_start = np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])
        a, b = int(self._row_start[k]), int(self._row_start[k + 1])
        return self._by_row[a:b]

    def resolve_positions(self, i: np.ndarray, hashes: np.ndarray) -> np.ndarray:
        """Position in this report of each hash, −1 where absent; where a hash occurs more than
        once here, the occurrence closest to the diagonal of the nearest preceding seed that
        had only one occurrence (so repeated phrases align with their own copy)."""
        if len(self.uniq) == 0 or len(hashes) == 0:
            return np.full(len(hashes), -1, dtype=np.int64)
        k, found = self._rows_of(hashes)
        j = np.where(found, self.first_pos[k], -1)
        multi = found & (self.counts[k] > 1)
        if not multi.any():
            return j
        single = (j >= 0) & ~multi
        diag = np.where(single, j - i, 0)
        # forward-fill the diagonal of single-occurrence seeds (backward-fill before the first)
        idx = np.where(single, np.arange(len(j)), -1)
        np.maximum.accumulate(idx, out=idx)
        first_single = np.flatnonzero(single)
        fallback = int(diag[first_single[0]]) if len(first_single) else 0
        q = np.flatnonzero(multi)
        d = np.where(idx[q] >= 0, diag[np.maximum(idx[q], 0)], fallback)
        j[q] = self._nearest_in_rows(k[q].astype(np.int64), np.asarray(i, dtype=np.int64)[q] + d)
        return j

    def _nearest_in_rows(self, rows: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per (row, target): the position of that row's hash nearest the target, the lower one on a
        tie (what ``argmin`` over the row's ascending positions gives), for all pairs at once."""
        span = np.int64(len(self.inverse) + 1)
        if self._row_keys is None:
            self._positions_of_row(0)   # makes the grouping
            self._by_row = self._by_row.astype(np.int64)
            self._row_keys = self.inverse.astype(np.int64)[self._by_row] * span + self._by_row
        by_row, start = self._by_row, self._row_start
        at = np.searchsorted(self._row_keys, rows * span + np.clip(targets, 0, span - 1))
        lo_ok = at > start[rows]
        hi_ok = at < start[rows + 1]
        lo = by_row[np.where(lo_ok, at - 1, start[rows])]
        hi = by_row[np.where(hi_ok, at, start[rows + 1] - 1)]
        take_hi = hi_ok & (~lo_ok | (np.abs(hi - targets) < np.abs(targets - lo)))
        return np.where(take_hi, hi, lo)

    def positions_of(self, hashes: np.ndarray) -> np.ndarray:
        """First position in this report of each hash, −1 where absent."""
        if len(self.uniq) == 0 or len(hashes) == 0:
            return np.full(len(hashes), -1, dtype=np.int64)
        k, found = self._rows_of(hashes)
        return np.where(found, self.first_pos[k], -1)

    def _rows_of(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row in ``uniq`` of each hash (clipped to the last row) and whether it is there
        (``uniq`` not empty)."""
        k = np.minimum(np.searchsorted(self.uniq, hashes), len(self.uniq) - 1)
        return k, self.uniq[k] == hashes


@dataclass
class IndexView:
    """One report's rows of the corpus index, in the order of its ``DocShingles.uniq``: how many
    reports hold each of its distinct n-grams and the two lowest report numbers holding it (−1: none).

    What compare needs of the corpus index, per report: built in process from a
    :class:`ShingleIndex`, or on a cluster from the n-gram shuffle (``nlp.engine.sharded``)."""

    df: np.ndarray      # int32
    min1: np.ndarray    # int32
    min2: np.ndarray    # int32

    def __sizeof__(self) -> int:   # for Dask's memory accounting of the views it holds
        return object.__sizeof__(self) + self.df.nbytes + self.min1.nbytes + self.min2.nbytes

    def partners(self, report: int) -> np.ndarray:
        """Per distinct n-gram: the lowest-numbered other report holding it (−1: none)."""
        return np.where(self.min1 == report, self.min2, self.min1)


@dataclass
class ShingleIndex:
    """Distinct hashes (sorted) with document frequency and the two lowest holders (−1: none)."""

    hashes: np.ndarray
    df: np.ndarray
    min1: np.ndarray
    min2: np.ndarray
    n_docs: int

    @classmethod
    def build(cls, docs: list[DocShingles]) -> "ShingleIndex":
        if not docs or sum(len(d.uniq) for d in docs) == 0:
            z = np.zeros(0, dtype=np.uint64)
            return cls(z, z.astype(np.int32), z.astype(np.int32), z.astype(np.int32), len(docs))
        all_h = np.concatenate([d.uniq for d in docs])
        all_d = np.concatenate([np.full(len(d.uniq), i, dtype=np.int32) for i, d in enumerate(docs)])
        order = np.argsort(all_h, kind="stable")  # stable: holders stay in report order
        sh = all_h[order]
        del all_h
        sd = all_d[order]
        del all_d, order
        hashes, start, counts = np.unique(sh, return_index=True, return_counts=True)
        del sh
        min1 = sd[start]
        second = np.minimum(start + 1, len(sd) - 1)
        min2 = np.where(counts >= 2, sd[second], -1).astype(np.int32)
        return cls(hashes, counts.astype(np.int32), min1.astype(np.int32), min2, len(docs))

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Index into this table of each (present) hash."""
        return np.searchsorted(self.hashes, hashes)

    def view(self, doc: DocShingles) -> IndexView:
        """The rows of one report's distinct n-grams (all present in this index)."""
        k = self.lookup(doc.uniq)
        return IndexView(self.df[k], self.min1[k], self.min2[k])
