"""Long-lived objects and Python's cyclic garbage collector.

The collector's full collections walk every container object the process holds. A worker that has
imported torch and scikit-learn and loaded the models, or an analyze run that holds the analyses of
a thousand reports, holds millions; a full collection then costs 0.1 to 0.4 CPU-seconds, and an
analyze run of 1,000 generated reports spent 11 CPU-seconds in them (7.6 on two Dask workers). Objects that stay alive to the end
(imported modules, loaded models, results already received) are moved out of the collector's view
with :func:`gc.freeze`; they are still freed by reference counting, and a run unfreezes what it
froze when it ends, so cycles among them are collected afterwards as before.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


def freeze_long_lived() -> None:
    """Collect the cyclic garbage there is now, then move every object still alive out of the
    collector's view (:func:`gc.freeze`): for a point where what is alive stays alive (after
    imports, after a model is loaded, after a batch's results are kept). The collection walks only
    the objects not frozen before, so it is cheap after the first call."""
    gc.collect()
    gc.freeze()


#: open :func:`holding_results` runs that may freeze (none in a process that froze objects before)
_HOLDING: list[bool] = []


def keep_results() -> None:
    """Within a :func:`holding_results` run that may freeze (the outermost one decides): the objects
    alive now are results that stay to the end (:func:`freeze_long_lived`: the cyclic garbage there
    is collected first, so none is held to the end; the collection walks only what came since the
    last freeze); elsewhere nothing."""
    if _HOLDING and _HOLDING[0]:
        freeze_long_lived()


@contextlib.contextmanager
def holding_results() -> Iterator[None]:
    """For a run that keeps results as they come: within it :func:`keep_results` freezes the objects
    alive when it is called, and everything is unfrozen at the end. In a process that had frozen
    objects of its own before (a worker forked from a preloaded fork server) nothing is frozen: what
    the run froze could not be unfrozen alone, and cycles among its objects would never be collected."""
    may_freeze = gc.get_freeze_count() == 0 and not _HOLDING   # a run within a run: the outer one unfreezes
    _HOLDING.append(may_freeze)
    try:
        yield
    finally:
        _HOLDING.pop()
        if may_freeze:
            gc.unfreeze()


@contextlib.contextmanager
def without_collection() -> Iterator[None]:
    """No cyclic collection while this runs (for unpickling a large result: its objects are new and
    live, and the collections its growth would start walk them again and again); the collector's
    state before is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["freeze_long_lived", "holding_results", "keep_results", "without_collection"]
