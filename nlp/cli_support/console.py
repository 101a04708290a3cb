"""Where the command line talks to people: messages and progress on stderr, a live bar on a terminal
and plain ``stage: done/total`` lines without one."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from rich.console import Console

#: stderr; soft_wrap: a line is never broken at the terminal width (or at 80 columns without a terminal)
err = Console(stderr=True, soft_wrap=True)

#: batches larger than this show progress
PROGRESS_MIN_FILES = 3
#: without a terminal, a progress line at most this often per stage (seconds), plus one when a stage ends
PLAIN_PROGRESS_EVERY_S = 5.0


@contextmanager
def progress_reporter(show: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A ``tick(stage, done, total)`` callback: a live bar per stage on a terminal, plain lines otherwise.

    Without a terminal (a pipe, a log file, CI) each stage prints ``stage: done/total`` to
    stderr at most every :data:`PLAIN_PROGRESS_EVERY_S` seconds and once when it ends.
    """
    if not show:
        yield lambda stage, done, total: None
        return
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as bar:
            tasks: dict[str, Any] = {}

            def tick(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            yield tick
        return
    last: dict[str, float] = {}

    def plain_tick(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last.get(stage, 0.0) >= PLAIN_PROGRESS_EVERY_S:
            last[stage] = now
            err.print(f"{stage}: {done}/{total}", markup=False, highlight=False, soft_wrap=True)

    yield plain_tick


__all__ = ["err", "progress_reporter", "PROGRESS_MIN_FILES", "PLAIN_PROGRESS_EVERY_S"]
