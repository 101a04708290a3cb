"""The one isolation boundary of a batch: a stage that fails on one report is recorded, the rest goes on.

``analyze`` runs several stages on many reports. A stage that fails on one report must neither
lose the other stages' outputs nor stop the other reports: the failure is recorded, naming the
stage and the report, and the batch goes on. Every place that isolates work this way goes
through :func:`isolate` (the per-file worker of :mod:`nlp.guard` through :data:`STAGE_ERRORS`);
there is no other catch-all in the toolkit.

What is caught is stated in :data:`STAGE_ERRORS`: the toolkit's own errors and the built-in
types that input a stage did not foresee makes its code raise (a missing key or index, a bad
value, ``None`` where an object was expected, arithmetic, recursion depth, the file system,
memory). Everything else propagates and stops the run, because it is not about one report:
an ``ImportError`` (a broken install: fix it), a ``NameError`` (a typo; ``ruff check`` finds
it before a run), ``KeyboardInterrupt`` and ``SystemExit``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

from .errors import XxgkError

#: the exception types one stage's failure on one report may raise and the batch isolates
STAGE_ERRORS: tuple[type[BaseException], ...] = (
    XxgkError, ArithmeticError, AssertionError, AttributeError, LookupError, TypeError, ValueError,
    RuntimeError, OSError, MemoryError,
)


def describe(error: BaseException) -> str:
    """An error as one recorded reason: ``"ValueError: the message"``."""
    return f"{type(error).__name__}: {error}"


@dataclass
class StageFailure:
    """What :func:`isolate` caught: the stage, the error and its one-line reason."""

    stage: str
    error: BaseException

    @property
    def reason(self) -> str:
        return describe(self.error)


@dataclass
class StageRun:
    """The boundary's record of one isolated run: ``failure`` is None when the stage went through."""

    stage: str
    failure: Optional[StageFailure] = None


@contextmanager
def isolate(stage: str) -> Iterator[StageRun]:
    """Run the ``with`` body as one stage's work on one report (or on the set); an error of
    :data:`STAGE_ERRORS` ends the body and is kept in the yielded :class:`StageRun`'s ``failure``
    for the caller to record; any other error propagates.

    ``with isolate("themes") as run: ...`` then ``if run.failure: record(run.failure.reason)``.
    """
    run = StageRun(stage)
    try:
        yield run
    except STAGE_ERRORS as e:
        run.failure = StageFailure(stage, e)


__all__ = ["STAGE_ERRORS", "StageFailure", "StageRun", "describe", "isolate"]
