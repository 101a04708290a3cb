"""Long-lived objects and Python's cyclic garbage collector.

The collector's full collections walk every container object the process holds. A worker that has
imported torch and scikit-learn and loaded the models, or an analyze run that holds the analyses of
a thousand reports, holds millions; a full collection then costs 0.1 to 0.4 CPU-seconds, and such
runs made about 4.7 CPU-seconds of them per 1,000 reports. Objects that stay alive to the end
(imported modules, loaded models, results already received) are moved out of the collector's view
with :func:`gc.freeze`; they are still freed by reference counting, and a run unfreezes what it
froze when it ends, so cycles among them are collected afterwards as before.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Callable, Iterator


def freeze_long_lived() -> None:
    """Collect the cyclic garbage there is now, then move every object still alive out of the
    collector's view (:func:`gc.freeze`): for a point where what is alive stays alive (after
    imports, after a model is loaded, after a batch's results are kept). The collection walks only
    the objects not frozen before, so it is cheap after the first call."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def holding_results() -> Iterator[Callable[[], None]]:
    """For a run that keeps results as they come: yields a function to call each time the results
    kept so far are to stay (objects alive then are frozen, :func:`gc.freeze`, without a collection:
    they are the results), and unfreezes everything at the end. In a process that had frozen objects
    of its own before (a worker forked from a preloaded fork server) the function does nothing: what
    the run froze could not be unfrozen alone, and cycles among its objects would never be collected."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


__all__ = ["freeze_long_lived", "holding_results"]
