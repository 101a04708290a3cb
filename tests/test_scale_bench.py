"""benchmarks/scale.py's arithmetic: fitted growth exponents and the projection rebuilt from a log."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
scale = pytest.importorskip("scale")


def test_fit_exponent_is_the_log_log_slope():
    assert scale.fit_exponent([(1000, 3.0), (2000, 6.0), (4000, 12.0)]) == 1.0
    assert scale.fit_exponent([(1000, 1.0), (10000, 10 ** 1.36)]) == 1.36
    # unusable points are skipped; one size is not a slope
    assert scale.fit_exponent([(1000, 5.0), (2000, 0.0)]) is None
    assert scale.fit_exponent([(1000, 5.0), (1000, 7.0)]) is None


def _compare_row(mode: str, n: int, pairs: int, **extra: float) -> dict:
    row = {"mode": mode, "n": n, "compare_wall_s": n / 10, "compare_client_cpu_s": n / 50,
           "pairs_and_alignment_client_cpu_s": pairs / 5000, "pairs_aligned": pairs,
           "client_rss_before_mb": 80 + n / 100, "client_peak_rss_mb": 100 + n / 5}
    row.update(extra)
    return row


def test_projection_from_a_log_uses_the_last_measurement_per_size(tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    rows = [_compare_row("compare-in-process", 1000, 100_000), _compare_row("compare-in-process", 4000, 800_000),
            _compare_row("compare-dask", 4000, 1, worker_cpu_s=[1.0], worker_peak_rss_mb=[1]),   # replaced below
            _compare_row("compare-dask", 1000, 100_000, worker_cpu_s=[20.0, 20.0], worker_peak_rss_mb=[250, 260]),
            _compare_row("compare-dask", 4000, 800_000, worker_cpu_s=[125.0, 125.0], worker_peak_rss_mb=[300, 310]),
            {"generated": 4000}]
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    scale.growth_from_log(log, 2)
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    growth = next(o for o in out if "compare_between_n" in o)
    assert growth["compare_between_n"] == [1000, 4000]
    assert growth["growth_exponents"]["pairs_aligned"] == 1.5           # 8x pairs for 4x reports
    assert growth["marginal"]["worker_cpu_s_per_pair"] == round(210 / 700_000, 5)
    proj = next(o for o in out if "compare_projection" in o)
    assert proj["pairs_aligned"] == round(800_000 * (1_000_000 / 4000) ** 1.5)
    assert math.isclose(proj["alignment_on_workers_hours"],
                        round(proj["pairs_aligned"] * 210 / 700_000 / 32 / 3600, 1))
    assert proj["worker_peak_rss_mb"] == 310 and proj["assumptions"]


def test_projection_prefers_the_scratch_file_mode_when_measured(tmp_path, capsys):
    """With compare's data passed through scratch files measured at two sizes, the projection is of
    that mode (its worker memory is the one that stays flat)."""
    log = tmp_path / "log.jsonl"
    rows = [_compare_row("compare-in-process", 1000, 100_000), _compare_row("compare-in-process", 4000, 800_000),
            _compare_row("compare-dask", 1000, 100_000, worker_cpu_s=[20.0, 20.0], worker_peak_rss_mb=[250, 260]),
            _compare_row("compare-dask", 4000, 800_000, worker_cpu_s=[125.0, 125.0], worker_peak_rss_mb=[900, 910]),
            _compare_row("compare-dask-files", 1000, 100_000, worker_cpu_s=[15.0, 15.0], worker_peak_rss_mb=[210, 212]),
            _compare_row("compare-dask-files", 4000, 800_000, worker_cpu_s=[115.0, 115.0], worker_peak_rss_mb=[300, 305])]
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    scale.growth_from_log(log, 2)
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    growth = next(o for o in out if "compare_between_n" in o)
    assert growth["sharded_mode"] == "compare-dask-files"
    assert growth["marginal"]["worker_cpu_s_per_pair"] == round(200 / 700_000, 5)
    proj = next(o for o in out if "compare_projection" in o)
    assert proj["worker_peak_rss_mb"] == 305 and "flat in N" in " ".join(proj["assumptions"])


def test_stage_times_wraps_functions_that_exist():
    """benchmarks/stage_times.py times stage functions by name: each must still exist where it looks
    (a renamed or moved function once broke the script unnoticed)."""
    stage_times = pytest.importorskip("stage_times")
    parts = stage_times.timed_parts()
    assert len(parts) >= 10
    assert [(getattr(o, "__name__", o), n) for o, n, _ in parts if not callable(getattr(o, n, None))] == []
