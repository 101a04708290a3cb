"""Long-lived objects out of the cyclic collector's view (nlp.heap): cyclic garbage is collected
before a freeze, a run's freezes are undone at its end, and analyze leaves the process as it found it."""
from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from nlp.heap import freeze_long_lived, holding_results

ROOT = Path(__file__).resolve().parents[1]


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def unfrozen():
    if gc.get_freeze_count():
        pytest.skip("this process froze objects before the test")
    yield
    gc.unfreeze()


def test_freeze_long_lived_collects_cyclic_garbage_then_freezes_the_rest(unfrozen):
    garbage = _cycle()
    kept = _Node()
    kept.other = kept
    freeze_long_lived()
    assert garbage() is None                       # the unreachable cycle was collected, not frozen
    assert gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())   # the live one is out of the collector's view


def test_holding_results_freezes_on_request_and_unfreezes_at_the_end(unfrozen):
    from nlp.heap import keep_results

    with holding_results():
        result = _Node()
        garbage = _cycle()
        keep_results()
        assert garbage() is None                   # collected, not held to the end of the run
        assert gc.get_freeze_count() > 0 and not any(o is result for o in gc.get_objects())
    assert gc.get_freeze_count() == 0
    result.other = result
    ref = weakref.ref(result)
    del result
    gc.collect()
    assert ref() is None                           # after the run its cycles are collected as before


def test_holding_results_leaves_a_process_with_frozen_objects_alone(unfrozen):
    from nlp.heap import keep_results

    freeze_long_lived()
    before = gc.get_freeze_count()
    with holding_results():
        result = _Node()
        keep_results()
        assert any(o is result for o in gc.get_objects())   # not frozen: it could never be unfrozen alone
    assert gc.get_freeze_count() == before


def test_analyze_unfreezes_what_it_froze(unfrozen, tmp_path):
    from corpora import DEMO_DIR
    from nlp.analysis import analyze

    result = analyze([DEMO_DIR], tmp_path / "out", stages=["parse", "tables", "checks"], write=False)
    assert result.analyses and gc.get_freeze_count() == 0


def test_the_fork_servers_preload_freezes_its_imports():
    code = "import gc, nlp.analysis.preload; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert int(out.stdout) > 10_000


def test_keep_results_freezes_only_within_a_run_that_may(unfrozen):
    from nlp.heap import keep_results

    keep_results()
    assert gc.get_freeze_count() == 0              # outside a run: nothing
    with holding_results():
        with holding_results():                    # nested: frozen for the outer run, which unfreezes
            keep_results()
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0
        keep_results()
    assert gc.get_freeze_count() == 0


def test_without_collection_restores_the_collectors_state():
    from nlp.heap import without_collection

    assert gc.isenabled()
    with without_collection():
        assert not gc.isenabled()
        with without_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with without_collection():
            raise ValueError
    assert gc.isenabled()
