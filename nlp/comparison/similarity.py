"""Whole-report similarity: MinHash LSH candidates, near-identical clusters, the matrix.

Each report's set of non-template shingles gets a 128-permutation MinHash (datasketch's
``legacy`` scheme, computed with numpy in one pass instead of one update per shingle);
the signatures go into a datasketch ``MinHashLSH`` (threshold 0.5 → 25 bands × 5 rows).
Reports sharing a band bucket are candidate pairs; each candidate's exact Jaccard
similarity of shingle sets is then computed. Pairs ≥ ``near_identical`` are linked, and
the connected components are the clusters of near-identical reports. Work is linear in
the number of reports plus the number of candidate pairs (not all pairs).

The similarity matrix (cosine of character-bigram TF vectors of the template-masked
text) is dense for up to ``dense_max`` reports; beyond that only the LSH candidate
pairs are written (long format).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


@dataclass
class SimilarPair:
    a: int
    b: int
    jaccard: float


def minhash_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's legacy-scheme permutations (a, b) for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="legacy").permutations
    return a.astype(np.uint64), b.astype(np.uint64)


def minhash_signature(shingles: np.ndarray, perms: tuple[np.ndarray, np.ndarray], chunk: int = 4096) -> np.ndarray:
    """MinHash signature of a set of 64-bit shingle hashes (legacy scheme: 32-bit inputs)."""
    a, b = perms
    sig = np.full(len(a), _MAX_HASH, dtype=np.uint64)
    hv = (shingles & _MAX_HASH).astype(np.uint64)
    with np.errstate(over="ignore"):
        for s in range(0, len(hv), chunk):
            x = hv[s:s + chunk, None]
            phv = ((x * a + b) % _MERSENNE) & _MAX_HASH
            sig = np.minimum(sig, phv.min(axis=0))
    return sig


def lsh_candidates(signatures: list[np.ndarray | None], threshold: float, num_perm: int, seed: int) -> set[tuple[int, int]]:
    """Candidate pairs (i < j) sharing a band bucket of a datasketch MinHashLSH."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, sig in enumerate(signatures):
        if sig is None:
            continue
        lsh.insert(i, LeanMinHash(seed=seed, hashvalues=sig, scheme="legacy"), check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for key in table.keys():
            members = sorted(table.get(key))
            if len(members) < 2:
                continue
            # a bucket shared by very many reports (identical text) links them in a chain;
            # the exact Jaccard check and single-link clustering need no more than that
            if len(members) > 64:
                pairs.update((members[k], members[k + 1]) for k in range(len(members) - 1))
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def bigram_matrix(texts: list[str]):
    """Row-normalised character-bigram TF matrix (scipy CSR) of the texts."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        counts: dict[int, int] = {}
        for k in range(len(t) - 1):
            c = vocab.setdefault(t[k:k + 2], len(vocab))
            counts[c] = counts.get(c, 0) + 1
        rows.extend([r] * len(counts))
        cols.extend(counts.keys())
        vals.extend(counts.values())
    m = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), max(1, len(vocab))))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def cosine_matrix(texts: list[str]) -> np.ndarray:
    """Dense cosine similarity matrix of character-bigram TF vectors."""
    m = bigram_matrix(texts)
    return np.asarray((m @ m.T).todense())
