"""Shingle document frequencies as a shuffle of n-gram hashes into partitions (passim's method).

Each report's distinct n-gram hashes (compare's shingles: :func:`nlp.comparison.textprep.shingle_hashes`
over the content stream) are split by ``hash % partitions``; partition ``p`` of every map task
goes to one reducer, which counts how many reports hold each hash. No process ever holds
more than one partition of the corpus's hashes, so memory per worker is bounded by the
partition, not the corpus. The table is what compare's template and boilerplate detection
count (``ShingleIndex.df``); it is additive, so next year's reports update it without
recounting old ones (:func:`merge_frequencies`).
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

__all__ = ["report_shingles", "split_by_partition", "count_partition", "document_frequencies",
           "dask_document_frequencies", "merge_frequencies"]

#: (sorted distinct hashes uint64, number of reports holding each int64)
Frequencies = tuple[np.ndarray, np.ndarray]


def report_shingles(text: str, n: int) -> np.ndarray:
    """The sorted distinct n-gram hashes of one report's text, as compare computes them."""
    from ..comparison.textprep import content_stream, shingle_hashes

    return np.unique(shingle_hashes(content_stream(text).chars, n))


def split_by_partition(hashes: Sequence[np.ndarray], partitions: int) -> list[np.ndarray]:
    """Map side: the distinct hashes of several reports, split into ``partitions`` buckets (one array
    per bucket, a hash repeated once per report holding it)."""
    if not hashes:
        return [np.zeros(0, dtype=np.uint64) for _ in range(partitions)]
    allh = np.concatenate(list(hashes)) if len(hashes) > 1 else hashes[0]
    bucket = (allh % np.uint64(partitions)).astype(np.int64)
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(partitions + 1))
    return [allh[order[bounds[p]:bounds[p + 1]]] for p in range(partitions)]


def count_partition(pieces: Iterable[np.ndarray]) -> Frequencies:
    """Reduce side: the hashes of one bucket from every map task → (distinct hashes, report counts)."""
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    h, c = np.unique(np.concatenate(pieces), return_counts=True)
    return h, c.astype(np.int64)


def _concat(parts: Sequence[Frequencies]) -> Frequencies:
    """Buckets hold disjoint hashes: concatenated and sorted they are the whole table."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    h = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    order = np.argsort(h, kind="stable")
    return h[order], c[order]


def document_frequencies(texts: Iterable[str], n: int, partitions: int = 8) -> Frequencies:
    """In process: the same map, shuffle and reduce, one report at a time."""
    buckets: list[list[np.ndarray]] = [[] for _ in range(partitions)]
    for text in texts:
        for p, piece in enumerate(split_by_partition([report_shingles(text, n)], partitions)):
            buckets[p].append(piece)
    return _concat([count_partition(b) for b in buckets])


def _map_task(texts: list[str], n: int, partitions: int) -> list[np.ndarray]:
    return split_by_partition([report_shingles(t, n) for t in texts], partitions)


def _pick(pieces: list[np.ndarray], p: int) -> np.ndarray:
    return pieces[p]


def _reduce_task(*pieces: np.ndarray) -> Frequencies:
    return count_partition(pieces)


def dask_document_frequencies(client: Any, texts: Sequence[str], n: int, partitions: int = 8,
                              reports_per_task: int = 32) -> Frequencies:
    """On a Dask cluster (``client``): map tasks over chunks of reports, the buckets shuffled to
    ``partitions`` reducers (worker to worker), the reducers' tables gathered."""
    maps = [client.submit(_map_task, list(texts[i:i + reports_per_task]), n, partitions, pure=False, retries=2)
            for i in range(0, len(texts), reports_per_task)]
    reducers = [client.submit(_reduce_task, *[client.submit(_pick, m, p, retries=2) for m in maps], retries=2)
                for p in range(partitions)]
    return _concat(client.gather(reducers))


def merge_frequencies(old: Frequencies, new: Frequencies, sign: int = 1) -> Frequencies:
    """``old`` plus (``sign`` 1) or minus (−1) ``new``; hashes whose count reaches 0 are dropped."""
    h = np.concatenate([old[0], new[0]])
    c = np.concatenate([old[1], sign * new[1]])
    uniq, inv = np.unique(h, return_inverse=True)
    total = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(total, inv, c)
    keep = total > 0
    return uniq[keep], total[keep]
