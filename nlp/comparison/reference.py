"""A shipped reference of n-gram document frequencies, so template and boilerplate are
defined for a handful of reports too.

The table holds, per n-gram length, the 64-bit hashes (``textprep.shingle_hashes``: digits
folded, no text) of the n-grams found in at least ``min_df`` reference documents, with
their document frequency. :func:`nlp.comparison.compare` pools it with the compared reports:
an n-gram's share is ``(df in the compared reports + df in the reference) ÷ (N + N_ref)``.

Build it with ``nlp.comparison.build_reference`` (reads ../shared/corpus and a corpus generated
on the fly; a few seconds)::

    python3 -m nlp.comparison.build_reference --shared ../shared --out nlp/data/compare-reference.npz
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from .textprep import content_stream, shingle_hashes

#: where the shipped table lives (package data)
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "compare-reference.npz"
#: n-gram lengths stored: the passage n-gram and the boilerplate n-gram defaults
NGRAMS = (8, 10)


@dataclass
class ReferenceTable:
    """Document frequencies of hashed n-grams in a reference corpus."""

    name: str                                   # what it was built from, for the outputs' notes
    n_docs: int
    tables: dict[int, tuple[np.ndarray, np.ndarray]]   # n → (sorted uint64 hashes, int32 df)

    def has(self, n: int) -> bool:
        return n in self.tables

    def df(self, n: int, hashes: np.ndarray) -> np.ndarray:
        """Reference document frequency of each hash (0 where absent or ``n`` not stored)."""
        if n not in self.tables or len(hashes) == 0:
            return np.zeros(len(hashes), dtype=np.int32)
        keys, df = self.tables[n]
        if len(keys) == 0:
            return np.zeros(len(hashes), dtype=np.int32)
        k = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        return np.where(keys[k] == hashes, df[k], 0).astype(np.int32)


def build_reference(texts: Iterable[str], name: str, ngrams: Iterable[int] = NGRAMS,
                    min_df: int = 3) -> ReferenceTable:
    """Count, per n, in how many of ``texts`` each n-gram occurs; keep those in ≥ ``min_df``."""
    texts = list(texts)
    tables = {}
    for n in ngrams:
        per_doc = [np.unique(shingle_hashes(content_stream(t).chars, n)) for t in texts]
        allh = np.concatenate(per_doc) if per_doc else np.zeros(0, np.uint64)
        keys, df = np.unique(allh, return_counts=True)
        keep = df >= min_df
        tables[n] = (keys[keep], df[keep].astype(np.int32))
    return ReferenceTable(name, len(texts), tables)


def save_reference(ref: ReferenceTable, path: str | Path) -> None:
    """Write the table as a compressed .npz (atomically)."""
    buf = io.BytesIO()
    arrays = {"meta": np.frombuffer(json.dumps({"name": ref.name, "n_docs": ref.n_docs}).encode(), dtype=np.uint8)}
    for n, (keys, df) in ref.tables.items():
        arrays[f"hashes_{n}"] = keys
        arrays[f"df_{n}"] = df.astype(np.uint16 if df.max(initial=0) < 65536 else np.int32)
    np.savez_compressed(buf, **arrays)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(out)


def load_reference(path: str | Path = DEFAULT_PATH) -> ReferenceTable:
    """Read a table written by :func:`save_reference` (a clear error when it is missing or broken)."""
    from ..errors import XxgkError

    p = Path(path)
    try:
        with np.load(p) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            tables = {int(k.split("_")[1]): (z[k], z[f"df_{k.split('_')[1]}"].astype(np.int32))
                      for k in z.files if k.startswith("hashes_")}
    except (OSError, ValueError, KeyError) as e:
        raise XxgkError(f"{p}: not a readable compare reference table ({e})") from e
    return ReferenceTable(f"{p.name}: {meta['name']}", int(meta["n_docs"]), tables)
