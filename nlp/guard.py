"""Per-file guards: run one file's work in a forked child with a time limit and a memory limit,
so that a hostile file can neither hang a batch nor take it down with it (the good files go on).

The child inherits everything already imported (fork), does the work, and sends the result
back pickled through a pipe. A child that runs past ``timeout`` seconds is killed; one that
asks for more than ``memory`` bytes beyond what the parent already uses gets a MemoryError.
Where ``os.fork`` does not exist, or with ``timeout=0``, the work runs in this process (the same
errors become the same one-line failures; :mod:`nlp.isolation` states which errors those are).
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
from typing import Any, Callable

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


def _child(write_fd: int, fn: Callable[..., Any], args: tuple, memory: int) -> None:  # pragma: no cover - in child
    code = 0
    try:
        if memory:
            import resource

            base = _address_space()
            if base:
                resource.setrlimit(resource.RLIMIT_AS, (int(base + memory), resource.RLIM_INFINITY))
        payload = _outcome(fn, args, memory)
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(_Failed(True, "needs more memory than allowed (XXGK_FILE_MEMORY)"))
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view)
            view = view[n:]
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def run_guarded(fn: Callable[..., Any], *args: Any, path: str, timeout: float, memory: int) -> Any:
    """``fn(*args)`` under a time and memory limit; raises :class:`ReportReadError` for ``path`` when it
    fails (the error's own reason, "took longer than …", "needs more than … of memory" or "internal error …").
    """
    if timeout <= 0 or not hasattr(os, "fork"):   # in this process: the same outcome, without the limits
        return _result(_outcome(fn, args, memory), path)
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - in child
        os.close(read_fd)
        _child(write_fd, fn, args, memory)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        while True:
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
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise ReportReadError(path, f"took longer than {timeout:g} s to read (set XXGK_FILE_TIMEOUT to raise it)")
    if os.WIFSIGNALED(status):
        raise ReportReadError(path, f"reading it was stopped by signal {os.WTERMSIG(status)} "
                                    "(out of memory?)")
    try:
        payload = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError, ValueError) as e:
        raise ReportReadError(path, f"internal error while reading: the worker sent no result ({e})") from None
    return _result(payload, path)


def _result(payload: Any, path: str) -> Any:
    """The worker's result, or :class:`ReportReadError` for ``path`` when it sent a :class:`_Failed`."""
    if isinstance(payload, _Failed):
        raise ReportReadError(path, payload.message if payload.expected else f"internal error while reading: {payload.message}")
    return payload


__all__ = ["run_guarded"]
