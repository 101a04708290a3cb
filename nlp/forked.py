"""A function call run in a forked child, so that the caller goes on with other work meanwhile.

The child sees the caller's data as it is at the fork, without copying it; its result (or the
exception it raised) comes back pickled through a pipe. Used by analyze (compare beside checks and
briefings), by the in-process compare engine (reports aligned on several cores) and by the output
set's writers (:func:`call_on_forks`).
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any, Callable, Sequence

from .errors import XxgkError


class ForkedCall:
    """``fn(*args, **kwargs)`` started now in a forked child (it sees this process's data as it is now,
    without copying it), so that this process can go on with other work; :meth:`result` waits for
    the child and returns what ``fn`` returned, or raises the exception it raised. Where ``os.fork``
    does not exist (or ``inline``), the call runs when :meth:`result` is asked for."""

    def __init__(self, fn: Callable[..., Any], *args: Any, inline: bool = False, **kwargs: Any):
        self.call = (fn, args, kwargs)
        self.pid = 0
        if inline or not hasattr(os, "fork"):
            return
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - in the child
            os.close(read_fd)
            code = 0
            try:
                try:
                    payload: tuple[bool, Any] = (True, fn(*args, **kwargs))
                except BaseException as e:  # noqa: BLE001 - sent to the parent, raised there
                    payload = (False, e)
                with os.fdopen(write_fd, "wb") as f:
                    pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - the parent reports a child that sent nothing
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid, self.read_fd = pid, read_fd

    def stop(self) -> None:
        """End the child without waiting for its result (the caller failed and will not ask)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            os.close(self.read_fd)
            self.pid = 0

    def result(self) -> Any:
        fn, args, kwargs = self.call
        if not self.pid:
            return fn(*args, **kwargs)
        with os.fdopen(self.read_fd, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            ok, value = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            how = f"stopped by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "sent no result"
            raise XxgkError(f"the process running {getattr(fn, '__name__', 'a stage')} {how} (out of memory?)") from None
        if ok:
            return value
        raise value


#: the most calls :func:`call_on_forks` queues (4 bytes each in a pipe, whose buffer is at least 16 KiB)
MAX_FORKED_CALLS = 4096


def call_on_forks(calls: Sequence[Callable[[], Any]], processes: int) -> None:
    """Run every one of ``calls`` once, on this process and ``processes - 1`` forked children; each
    process takes the next call not yet taken (in the given order: put the longest first), so the
    work balances itself. Returns when all are done; the first error raised in any process is
    raised here, after the children were ended. Fewer than 2 processes or calls, or no
    ``os.fork``: one after another in this process."""
    if len(calls) > MAX_FORKED_CALLS:
        raise ValueError(f"call_on_forks takes at most {MAX_FORKED_CALLS} calls (got {len(calls)})")
    if processes < 2 or len(calls) < 2 or not hasattr(os, "fork"):
        for call in calls:
            call()
        return
    # the queue: every call's index, 4 bytes each, written into a pipe before the fork; a read of
    # 4 bytes from a pipe is atomic, so each index is taken by exactly one process
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, b"".join(k.to_bytes(4, "little") for k in range(len(calls))))
    finally:
        os.close(write_fd)

    def work() -> None:
        while len(taken := os.read(read_fd, 4)) == 4:
            calls[int.from_bytes(taken, "little")]()

    others = [ForkedCall(work) for _ in range(min(processes, len(calls)) - 1)]
    try:
        work()
        for other in others:
            other.result()
    finally:
        for other in others:
            other.stop()
        os.close(read_fd)
