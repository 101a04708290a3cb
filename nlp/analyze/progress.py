"""Progress of an analyze run: a rich progress bar per stage on stderr, a user callback, or nothing."""
from __future__ import annotations

from typing import Any, Callable


class Progress:
    """Context manager yielding ``tick(stage, done, total)``."""

    def __init__(self, progress: bool | Callable[[str, int, int], None]):
        self.callback = progress if callable(progress) else None
        self.show = progress is True
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Callable[[str, int, int], None]:
        if self.show:
            from rich.console import Console
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        return self.tick

    def tick(self, stage: str, done: int, total: int) -> None:
        if self.callback is not None:
            self.callback(stage, done, total)
        if self.bar is not None:
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(stage, total=total)
            self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
