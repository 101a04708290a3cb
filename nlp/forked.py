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
import threading
from typing import Any, Callable, Sequence, TypeVar

from .errors import XxgkError
from .heap import keep_results, without_collection

T = TypeVar("T")
R = TypeVar("R")


class ForkedCall:
    """``fn(*args, **kwargs)`` started now in a forked child (it sees this process's data as it is now,
    without copying it), so that this process can go on with other work; :meth:`result` waits for
    the child and returns what ``fn`` returned, or raises the exception it raised. Where ``os.fork``
    does not exist (or ``inline``), the call runs when :meth:`result` is asked for."""

    def __init__(self, fn: Callable[..., Any], *args: Any, inline: bool = False, collect: bool = False, **kwargs: Any):
        """``collect``: a thread of this process reads and unpickles the child's result as soon as it
        comes (for a large result while this process mostly waits on other work, e.g. a Dask cluster)."""
        self.call = (fn, args, kwargs)
        self.pid = 0
        self._collector: threading.Thread | None = None
        self._collected: list[Any] = []
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
        if collect:
            self._collector = threading.Thread(target=self._collect, name="forked-call-result", daemon=True)
            self._collector.start()

    def _collect(self) -> None:
        """Read the child's bytes to the end, then unpickle them (in the collecting thread, or in
        :meth:`result`): (True, what the child sent) or (False, the unpickling error)."""
        with os.fdopen(self.read_fd, "rb") as f:
            data = f.read()
        try:
            with without_collection():
                self._collected.append((True, pickle.loads(data)))
            keep_results()   # within an analyze run the result stays to its end (nlp.heap)
        except BaseException as e:  # noqa: BLE001 - a broken result, reported by result()
            self._collected.append((False, e))

    def stop(self) -> None:
        """End the child without waiting for its result (the caller failed and will not ask)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            if self._collector is not None:
                self._collector.join()   # it closes the pipe when the killed child's end closes
            else:
                os.close(self.read_fd)
            self.pid = 0

    def result(self) -> Any:
        fn, args, kwargs = self.call
        if not self.pid:
            return fn(*args, **kwargs)
        if self._collector is None:
            self._collect()   # here and now
        else:
            self._collector.join()
        unpickled, payload = self._collected[0]
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            if not unpickled:
                raise payload
            ok, value = payload
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            how = f"stopped by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "sent no result"
            raise XxgkError(f"the process running {getattr(fn, '__name__', 'a stage')} {how} (out of memory?)") from None
        if ok:
            return value
        raise value


#: items per process at least where a batch of cheap items (files to read, reports to label) is
#: spread over processes: a smaller batch stays in one process (forking costs more)
MIN_ITEMS_PER_FORK = 8


def fork_count(items: int, processes: int) -> int:
    """The processes worth forking for ``items`` cheap items: at most ``processes``, at least
    :data:`MIN_ITEMS_PER_FORK` items each, never less than 1."""
    return max(1, min(processes, items // MIN_ITEMS_PER_FORK))


def map_on_forks(fn: Callable[[T], R], items: Sequence[T], processes: int,
                 progress: Callable[[int, int], None] | None = None) -> list[R]:
    """``[fn(x) for x in items]``, computed by this process and ``processes - 1`` forked children: each
    process takes the next item not yet taken (put the longest first), so the work balances itself;
    the results come back pickled, in the order of ``items``. ``progress(done, total)`` is called in
    this process as items finish (the children's included). The first error raised in any process
    is raised here, after the children were ended. Fewer than 2 processes or items, or no
    ``os.fork``: one after another in this process."""
    n = len(items)
    if processes < 2 or n < 2 or not hasattr(os, "fork"):
        results = []
        for k, x in enumerate(items):
            results.append(fn(x))
            if progress is not None:
                progress(k + 1, n)
        return results
    import multiprocessing

    taken = multiprocessing.get_context("fork").Value("q", 0)   # the next item's index, shared by the processes
    done_r, done_w = os.pipe()                                     # one byte per item a child finished
    os.set_blocking(done_r, False)

    def take() -> int:
        with taken.get_lock():
            k = taken.value
            taken.value = k + 1
        return k

    def work(report_done: Callable[[], None]) -> dict[int, R]:
        out: dict[int, R] = {}
        while (k := take()) < n:
            out[k] = fn(items[k])
            report_done()
        return out

    os.set_blocking(done_w, False)   # a full pipe (this process busy) costs a child a tick, never a wait

    def child_done() -> None:
        try:
            os.write(done_w, b".")
        except BlockingIOError:
            pass

    others = [ForkedCall(work, child_done) for _ in range(min(processes, n) - 1)]
    finished = 0

    def count_own() -> None:
        nonlocal finished
        finished += 1
        try:
            finished += len(os.read(done_r, 65536))
        except BlockingIOError:
            pass
        if progress is not None:
            progress(min(finished, n), n)

    try:
        found = work(count_own)
        for other in others:
            found.update(other.result())
    finally:
        for other in others:
            other.stop()
        os.close(done_r)
        os.close(done_w)
    if progress is not None:
        progress(n, n)
    return [found[k] for k in range(n)]


def call_on_forks(calls: Sequence[Callable[[], Any]], processes: int) -> None:
    """Run every one of ``calls`` once, on this process and ``processes - 1`` forked children
    (:func:`map_on_forks`: each takes the next call not yet taken, so put the longest first)."""
    map_on_forks(_call, calls, processes)


def _call(fn: Callable[[], Any]) -> None:
    fn()
