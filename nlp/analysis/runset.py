"""A run's outputs published as one consistent set, and one run at a time per output folder.

The new set is written into a fresh staging folder beside ``OUT`` (``.OUT.staging-<run>``) and
switched in with one atomic exchange of the two folders (Linux ``renameat2(RENAME_EXCHANGE)``;
elsewhere two renames, undone on the next run if a kill falls between them). A reader of ``OUT``
therefore sees the previous complete set or the new complete set, never a mix. (Where ``OUT``
cannot be swapped, because it holds the working directory or the folder above it is read-only,
the staging folder is made inside ``OUT`` and its entries are renamed into place one by one.) What else lived
in ``OUT`` (the ``.cache`` folder, a user's own files) is moved over to the new folder; the
previous outputs are then deleted.

:class:`RunLock` (an exclusive ``flock`` on ``.OUT.lock`` beside ``OUT``) makes concurrent runs
into one ``OUT`` take turns, so each finishes with complete outputs. :func:`recover`, run under
the lock before any work, finishes or undoes what a killed run left behind.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..batch import atomic_write
from ..errors import XxgkError
from ..forked import call_on_forks

#: in a staging folder while it is being written: the folder is unfinished and is deleted whole
UNFINISHED_MARKER = ".xxgk-unfinished"
#: in a replaced folder once the entries to keep were moved out: deleted whole
DISCARD_MARKER = ".xxgk-discard"
#: the file that lists a set's outputs (written last)
MANIFEST = "analysis.json"

_held: dict[str, tuple[int, int]] = {}   # lock path -> (fd, depth): the lock is re-entrant within a process


def _side(out: Path, kind: str, run_id: str = "") -> Path:
    """A path beside ``out`` (``.OUT.kind-run``), on the same file system so that renames are atomic."""
    out = out.resolve()
    return out.parent / f".{out.name}.{kind}{'-' + run_id if run_id else ''}"


def _parent_writable(out: Path) -> bool:
    parent = out.resolve().parent
    return parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)


class RunLock:
    """An exclusive lock on an output folder (``.OUT.lock`` beside it), held for a whole run."""

    def __init__(self, out: Path):
        out = Path(out)
        # beside OUT (it survives the swap); inside OUT only where the folder above cannot be written
        self.path = _side(out, "lock") if _parent_writable(out) or not out.is_dir() else out / ".xxgk.lock"

    def __enter__(self) -> "RunLock":
        key = str(self.path.resolve())
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise XxgkError(f"cannot write {self.path.parent}: {e.strerror or e}") from None
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - no flock (Windows): runs are not serialized
            pass
        _held[key] = (fd, 1)
        return self

    def __exit__(self, *exc: Any) -> None:
        key = str(self.path.resolve())
        fd, depth = _held[key]
        if depth > 1:
            _held[key] = (fd, depth - 1)
            return
        del _held[key]
        os.close(fd)   # closing releases the flock


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def output_names(folder: Path) -> set[str]:
    """The top-level names a set's manifest lists as its outputs (plus the manifest itself)."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        listed = []
    return {str(n).rstrip("/") for n in listed if isinstance(n, str)} | {MANIFEST}


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def _carry_over(old: Path, new: Path) -> None:
    """Move what is not an output of ``old`` (``.cache``, a user's files) into ``new``; mark ``old`` for deletion."""
    ours = output_names(old) | {UNFINISHED_MARKER, DISCARD_MARKER}
    for entry in sorted(old.iterdir()):
        if entry.name in ours or _is_temp(entry.name) or (new / entry.name).exists():
            continue
        os.replace(entry, new / entry.name)
    (old / DISCARD_MARKER).touch()


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def recover(out: Path) -> list[str]:
    """Under the lock, before any work: finish or undo what a killed run left beside ``out``; returns notes."""
    notes: list[str] = []
    out = Path(out).resolve()
    for inside in sorted(out.glob(".staging-*")) if out.is_dir() else []:   # an in-place publish cut short
        _remove(inside)
    previous = sorted(out.parent.glob(f".{out.name}.previous-*"))
    if not out.exists() and previous:
        os.replace(previous[-1], out)        # killed between the two renames: the previous set comes back
        notes.append(f"restored the previous outputs of {out} after an interrupted run")
        previous = previous[:-1]
    for side in sorted(out.parent.glob(f".{out.name}.staging-*")) + previous:
        if not side.is_dir():
            continue
        if (side / UNFINISHED_MARKER).exists() or (side / DISCARD_MARKER).exists():
            _remove(side)
            continue
        if out.is_dir():
            _carry_over(side, out)
        _remove(side)
    return notes


def _cwd_inside(out: Path) -> bool:
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return False
    return cwd == out.resolve() or out.resolve() in cwd.parents


def _replace_in_place(staging: Path, out: Path) -> None:
    """Fallback when ``out`` cannot be swapped away (it holds the working directory, or the folder above
    it is read-only): entry by entry, each rename atomic but not the set."""
    stale = output_names(out) - output_names(staging)
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            trash = out / f".{entry.name}.replaced-{os.getpid()}"
            os.replace(target, trash)
            _remove(trash)
        os.replace(entry, target)
    for name in stale:
        target = out / name
        if target.is_dir():
            _remove(target)
        else:
            target.unlink(missing_ok=True)
    _remove(staging)


def publish(out: Path, files: Mapping[str, str | bytes | Callable[[Path], Any]], *, processes: int = 1,
            slow_first: Sequence[str] = ()) -> list[Path]:
    """Write ``files`` (relative path → content, or a function that writes the file at the path it
    is given) as ``out``'s new output set and switch it in at once.

    The previous set stays complete until the switch; entries of ``out`` that are not outputs
    (``.cache``, other files) are kept. Returns the paths of the files in ``out``. ``processes``
    > 1: the functions run on that many processes (forked from this one, :func:`..forked.call_on_forks`),
    those named in ``slow_first`` started first; the files are the same.
    """
    given = Path(out)
    out = given.resolve()
    if out.exists() and not out.is_dir():
        raise XxgkError(f"cannot write {given}: exists and is not a directory")
    with RunLock(out):
        run_id = f"{os.getpid()}-{time.time_ns()}"
        in_place = out.is_dir() and (_cwd_inside(out) or not _parent_writable(out))
        staging = out / f".staging-{run_id}" if in_place else _side(out, "staging", run_id)
        try:
            staging.mkdir(parents=True)
            (staging / UNFINISHED_MARKER).touch()
        except OSError as e:
            raise XxgkError(f"cannot write {out.parent}: {e.strerror or e}") from None
        try:
            writers: dict[str, Callable[[], Any]] = {}
            for rel, body in files.items():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                if callable(body):
                    writers[rel] = functools.partial(body, staging / rel)
                else:
                    atomic_write(staging / rel, body)
            order = [rel for rel in slow_first if rel in writers] + [rel for rel in writers if rel not in slow_first]
            call_on_forks([writers[rel] for rel in order], processes)
        except BaseException:
            _remove(staging)
            raise
        (staging / UNFINISHED_MARKER).unlink()
        if not out.exists():
            os.replace(staging, out)
        elif in_place:
            _replace_in_place(staging, out)
        else:
            if _exchange(staging, out):
                old = staging                       # the previous set now sits at the staging path
            else:
                old = _side(out, "previous", run_id)
                os.replace(out, old)
                os.replace(staging, out)
            _carry_over(old, out)
            _remove(old)
    return [given / rel for rel in files]


__all__ = ["publish", "recover", "RunLock", "output_names"]
