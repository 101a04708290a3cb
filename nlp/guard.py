"""Per-file guards: run one file's work in a forked child with a time limit and a memory limit,
so that a hostile file can neither hang a batch nor take it down with it (the good files go on).

The child inherits everything already imported (fork), does the work, and sends the result
back pickled through a pipe. A child that runs past ``timeout`` seconds is killed; one that
asks for more than ``memory`` bytes beyond what the parent already uses gets a MemoryError.
Where ``os.fork`` does not exist, or with ``timeout=0``, the work runs in this process (the same
errors become the same one-line failures; :mod:`nlp.isolation` states which errors those are).
:func:`run_guarded_each` runs many files in one child, one after the other (each with its own
time limit; a new child takes over after one that failed hard), because forking a process that
holds large models costs tens of milliseconds.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .errors import ReportReadError, XxgkError
from .isolation import STAGE_ERRORS, describe


@dataclass(frozen=True)
class _Failed:
    """What a child sends back instead of a result: an expected error's message or an internal error."""

    expected: bool
    message: str


def _address_space() -> int:
    """Bytes of virtual memory this process maps now (Linux), 0 when unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _outcome(fn: Callable[..., Any], args: tuple, memory: int) -> Any:
    """``fn(*args)``, or a :class:`_Failed` for an error of the file's own (expected, or an error of
    :data:`nlp.isolation.STAGE_ERRORS`: a parser's failure on this one file); anything else propagates."""
    try:
        return fn(*args)
    except ReportReadError as e:
        return _Failed(True, e.reason)
    except XxgkError as e:
        return _Failed(True, str(e))
    except MemoryError:
        return _Failed(True, f"needs more than {memory / 1e9:.1f} GB of memory (set XXGK_FILE_MEMORY to raise it)")
    except RecursionError:
        return _Failed(True, "nested too deeply to read")
    except STAGE_ERRORS as e:  # the batch's isolation boundary: reported for that file, the batch goes on
        return _Failed(False, describe(e))


def _child(write_fd: int, fn: Callable[..., Any], arg_lists: Sequence[tuple], memory: int) -> None:  # pragma: no cover
    """In the forked child: each item's outcome as one frame (8-byte length, pickle), in order."""
    code = 0
    try:
        if memory:
            import resource

            base = _address_space()
            if base:
                resource.setrlimit(resource.RLIMIT_AS, (int(base + memory), resource.RLIM_INFINITY))
        for args in arg_lists:
            payload = _outcome(fn, args, memory)
            try:
                data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(_Failed(True, "needs more memory than allowed (XXGK_FILE_MEMORY)"))
            view = memoryview(len(data).to_bytes(8, "little") + data)
            while view:
                n = os.write(write_fd, view)
                view = view[n:]
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _one_child(fn: Callable[..., Any], arg_lists: Sequence[tuple], paths: Sequence[str], timeout: float,
               memory: int) -> list[Any]:
    """Run items in one forked child until they are done or one fails hard (time, signal, an error
    outside :data:`nlp.isolation.STAGE_ERRORS`): the outcomes received, the failed item's error last."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - in child
        os.close(read_fd)
        _child(write_fd, fn, arg_lists, memory)
    os.close(write_fd)
    outcomes: list[Any] = []
    buffer = bytearray()
    deadline = time.monotonic() + timeout   # each item gets ``timeout`` from the end of the one before
    timed_out = False
    try:
        while len(outcomes) < len(arg_lists):
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 8 and len(buffer) >= 8 + int.from_bytes(buffer[:8], "little"):
                size = int.from_bytes(buffer[:8], "little")
                outcomes.append(_received(bytes(buffer[8:8 + size]), paths[len(outcomes)]))
                del buffer[:8 + size]
                deadline = time.monotonic() + timeout
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if len(outcomes) < len(arg_lists):   # the next item stopped the child
        path = paths[len(outcomes)]
        if timed_out:
            outcomes.append(ReportReadError(path, f"took longer than {timeout:g} s to read (set XXGK_FILE_TIMEOUT to raise it)"))
        elif os.WIFSIGNALED(status):
            outcomes.append(ReportReadError(path, f"reading it was stopped by signal {os.WTERMSIG(status)} (out of memory?)"))
        else:
            outcomes.append(ReportReadError(path, "internal error while reading: the worker sent no result"))
    return outcomes


def _received(data: bytes, path: str) -> Any:
    """One frame's result, or the :class:`ReportReadError` it stands for."""
    try:
        payload = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, ValueError) as e:
        return ReportReadError(path, f"internal error while reading: the worker sent no result ({e})")
    return _settled(payload, path)


def run_guarded_each(fn: Callable[..., Any], arg_lists: Sequence[tuple], paths: Sequence[str], *, timeout: float,
                     memory: int) -> list[Any]:
    """``fn(*args)`` for each of ``arg_lists`` under the time and memory limits, in forked children
    that each run items one after the other (one fork for many files: forking a process that holds
    large models costs tens of milliseconds). Returns, per item, its result or the
    :class:`ReportReadError` that :func:`run_guarded` would raise for it (``paths[i]`` names item i).
    Each item gets ``timeout`` seconds; a child that runs past it or dies is replaced for the items after.
    """
    if timeout <= 0 or not hasattr(os, "fork"):   # in this process: the same outcomes, without the limits
        return [_settled(_outcome(fn, args, memory), path) for args, path in zip(arg_lists, paths)]
    out: list[Any] = []
    while len(out) < len(arg_lists):
        out += _one_child(fn, arg_lists[len(out):], paths[len(out):], timeout, memory)
    return out


def run_guarded(fn: Callable[..., Any], *args: Any, path: str, timeout: float, memory: int) -> Any:
    """``fn(*args)`` under a time and memory limit; raises :class:`ReportReadError` for ``path`` when it
    fails (the error's own reason, "took longer than …", "needs more than … of memory" or "internal error …").
    """
    (outcome,) = run_guarded_each(fn, [args], [path], timeout=timeout, memory=memory)
    if isinstance(outcome, ReportReadError):
        raise outcome
    return outcome


def _settled(payload: Any, path: str) -> Any:
    """The worker's result, or the :class:`ReportReadError` for ``path`` when it sent a :class:`_Failed`."""
    if isinstance(payload, _Failed):
        return ReportReadError(path, payload.message if payload.expected else f"internal error while reading: {payload.message}")
    return payload


__all__ = ["run_guarded", "run_guarded_each"]
