"""Compare's sharded stages with their intermediate data in files, so worker memory stays flat in N.

With :attr:`~nlp.engine.sharded.DaskPairs.scratch` set (a directory the client and every worker
can read and write: a shared file system on a cluster, any directory on one machine) the same
map, reduce, join-back, prepare and alignment functions of :mod:`.sharded` run, but what one
stage hands the next goes through files in that directory instead of the workers' memory:

* the client writes each block of reports to a file (no scattered data on the cluster);
* a map task writes its rows to one file, a table of (offset, count) per partition first, so
  a reducer reads only its partition's slices;
* a reduce task writes its index rows per report block, and its candidate pairs, the same way;
* a prepare task reads its block's rows from every reducer's file, joins them back, prepares
  and finishes the block, writes the prepared block to a file and returns its marks;
* an alignment task reads the prepared blocks it needs through a small per-process cache
  (:data:`CACHE_BYTES`, or :attr:`~nlp.engine.sharded.DaskPairs.scratch_cache_mb`), so consecutive
  tasks of one report block do not read it again.

Between stages the client waits for every task (a barrier, as a shuffle needs anyway) and the
tasks return only small results, so Dask holds next to nothing between tasks: a worker holds
one task's inputs and its cache. Every file is written to a temporary name and renamed, under a
name fixed by the run and the task, so a retried task rewrites the same file. The run's directory
is removed when compare is done with it.
"""
from __future__ import annotations

import os
import pickle
import shutil
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

__all__ = ["ScratchRun", "CACHE_BYTES", "write_object", "read_object", "write_arrays", "read_slice", "read_slices"]

#: bytes of prepared blocks an alignment process keeps between tasks (least recently used dropped first)
CACHE_BYTES = 256 * 2**20

_cache: OrderedDict[str, tuple[Any, int]] = OrderedDict()
_cache_lock = threading.Lock()


def _atomic_write(path: Path, data: bytes | Sequence[bytes]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        for piece in ([data] if isinstance(data, bytes) else data):
            fh.write(piece)
    tmp.replace(path)


def write_object(path: str | Path, obj: Any) -> int:
    """``obj`` pickled to ``path`` (atomically); returns the bytes written."""
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    _atomic_write(Path(path), body)
    return len(body)


def read_object(path: str | Path, cached: bool = False, cache_bytes: int | None = None) -> Any:
    """What :func:`write_object` wrote; with ``cached``, through this process's cache of at most
    ``cache_bytes`` (pickled size; None: :data:`CACHE_BYTES`)."""
    key = str(path)
    if cached:
        with _cache_lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit[0]
    with open(path, "rb") as fh:
        body = fh.read()
    obj = pickle.loads(body)
    if cached:
        with _cache_lock:
            _cache[key] = (obj, len(body))
            held = sum(n for _, n in _cache.values())
            bound = CACHE_BYTES if cache_bytes is None else cache_bytes
            while held > bound and len(_cache) > 1:
                _, (_, n) = _cache.popitem(last=False)
                held -= n
    return obj


def write_arrays(path: str | Path, groups: Sequence[Sequence[np.ndarray]]) -> None:
    """Arrays in groups to one file: a table of (offset, count) per array first (int64, groups ×
    arrays per group × 2), then the arrays' bytes; :func:`read_slice` reads one group back."""
    width = len(groups[0]) if groups else 0
    table = np.zeros((len(groups), width, 2), np.int64)
    at = table.nbytes
    for i, group in enumerate(groups):
        for j, a in enumerate(group):
            table[i, j] = (at, len(a))
            at += a.nbytes
    _atomic_write(Path(path), [table.tobytes(), *(np.ascontiguousarray(a).tobytes() for g in groups for a in g)])


def read_slices(path: str | Path, groups: Sequence[int], width: int, dtypes: Sequence[np.dtype]) -> list[list[np.ndarray]]:
    """Groups ``groups`` of a :func:`write_arrays` file (``width`` arrays a group, of ``dtypes``), the file opened once."""
    out = []
    with open(path, "rb") as fh:
        for group in groups:
            fh.seek(group * width * 16)
            entries = np.frombuffer(fh.read(width * 16), np.int64).reshape(width, 2)
            arrays = []
            for (offset, count), dtype in zip(entries.tolist(), dtypes):
                fh.seek(offset)
                arrays.append(np.frombuffer(fh.read(count * np.dtype(dtype).itemsize), dtype).copy())
            out.append(arrays)
    return out


def read_slice(path: str | Path, group: int, width: int, dtypes: Sequence[np.dtype]) -> list[np.ndarray]:
    """Group ``group`` of a :func:`write_arrays` file."""
    return read_slices(path, [group], width, dtypes)[0]


@dataclass
class ScratchRun:
    """One compare's files under ``root/xxgk-compare-<run>/``: report blocks, map rows, partition
    tables and prepared blocks, named by stage and number."""

    directory: Path

    @classmethod
    def create(cls, root: str | os.PathLike[str]) -> "ScratchRun":
        from ..errors import XxgkError

        base = Path(root)
        try:
            base.mkdir(parents=True, exist_ok=True)
            directory = base / f"xxgk-compare-{uuid.uuid4().hex[:12]}"
            directory.mkdir()
        except OSError as e:
            raise XxgkError(f"{base}: cannot use as compare's scratch directory ({e.strerror or e})") from None
        return cls(directory)

    def path(self, stage: str, number: int) -> str:
        return str(self.directory / f"{stage}-{number:06d}.bin")

    def remove(self, stage: str, number: int) -> None:
        try:
            os.remove(self.path(stage, number))
        except OSError:
            pass

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
