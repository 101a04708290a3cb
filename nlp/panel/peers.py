"""Peer benchmarks: each report's key indicators as percentiles among its peers, and two checks that need peers.

Peers of a report are the reports of the same year by bodies of the same level; when the
report's province is known and at least :data:`MIN_PEERS` peers share it, only those. Percentiles
are mid-rank (below + ½·equal, ÷ n, × 100); P25/P50/P75 interpolate linearly (numpy's default);
rank 1 is the highest value. The two checks — a year-over-year jump of a count by ×5 or ÷5, and
a key count at 0 where the peers' median is far above — are ``uncertain``, never ``fail``: a real
agency can have such a year.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..checks import Evidence, Finding
from .agencies import LEVEL_ZH
from .metrics import MetricDictionary

__all__ = ["PeerStat", "ReportPoint", "peer_stats", "peer_findings", "quantile", "percentile_of",
           "JUMP_FACTOR", "ZERO_MEDIAN_MIN", "MIN_PEERS"]

MIN_PEERS = 3
#: a count that grows or shrinks by this factor between consecutive years is flagged
JUMP_FACTOR = 5.0
#: a count at 0 is flagged when the peers' median is at least this
ZERO_MEDIAN_MIN = 10
RULE_JUMP = "PEER-YOY-JUMP"
RULE_ZERO = "PEER-ZERO"


@dataclass(frozen=True)
class ReportPoint:
    """What the benchmarks need of one report: ids, grouping and metric values (None = NA)."""

    report_id: str
    agency: str            # canonical
    level: str
    province: str
    year: int | None
    values: dict[str, float | int | None]
    evidence: dict[str, tuple[str, int, int, float | int | None]]   # metric → (cell key, start, end, value) of its first cell


@dataclass(frozen=True)
class PeerStat:
    """One report's value of one metric among its peers."""

    report_id: str
    metric: str
    value: float | int | None
    group: str
    n: int
    p25: float | None
    p50: float | None
    p75: float | None
    percentile: float | None
    rank: int | None


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (numpy 'linear'), None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def percentile_of(value: float, values: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``values`` (which include it)."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return 100.0 * (below + 0.5 * equal) / len(values)


def _groups(points: Sequence[ReportPoint]) -> dict[str, tuple[str, list[ReportPoint]]]:
    """report id → (group description, peers including itself)."""
    by_level: dict[tuple[str, int | None], list[ReportPoint]] = {}
    for p in points:
        by_level.setdefault((p.level, p.year), []).append(p)
    by_province: dict[tuple[str, int | None, str], list[ReportPoint]] = {}
    for p in points:
        if p.province:
            by_province.setdefault((p.level, p.year, p.province), []).append(p)
    out = {}
    for p in points:
        same = by_level[(p.level, p.year)]
        desc = f"{LEVEL_ZH.get(p.level, p.level)}·{p.year or '?'}年"
        local = by_province.get((p.level, p.year, p.province), []) if p.province else []
        if len(local) >= MIN_PEERS:
            same, desc = local, f"{desc}·{p.province}"
        out[p.report_id] = (desc, same)
    return out


def peer_stats(points: Sequence[ReportPoint], metrics: MetricDictionary) -> list[PeerStat]:
    """Percentile, P25/P50/P75 and rank of every key indicator of every report (stable order)."""
    groups = _groups(points)
    out = []
    for p in points:
        desc, peers = groups[p.report_id]
        for m in metrics.key_indicators():
            values = [q.values.get(m.key) for q in peers]
            values = [v for v in values if v is not None]
            v = p.values.get(m.key)
            if v is None or not values:
                out.append(PeerStat(p.report_id, m.key, v, desc, len(values), quantile(values, .25),
                                    quantile(values, .5), quantile(values, .75), None, None))
                continue
            out.append(PeerStat(p.report_id, m.key, v, desc, len(values), quantile(values, .25), quantile(values, .5),
                                quantile(values, .75), round(percentile_of(v, values), 2),
                                1 + sum(1 for x in values if x > v)))
    return out


def _evidence(p: ReportPoint, key: str) -> list[Evidence]:
    ev = p.evidence.get(key)
    return [Evidence(ev[1], ev[2], str(ev[3]), ev[0], ev[3], p.report_id)] if ev else []


def peer_findings(points: Sequence[ReportPoint], metrics: MetricDictionary) -> list[Finding]:
    """PEER-YOY-JUMP and PEER-ZERO findings (status ``uncertain``), in a stable order."""
    counts = [m for m in metrics.key_indicators() if m.aggregates]
    names = {m.key: m.name for m in metrics}
    out: list[Finding] = []
    by_agency: dict[str, list[ReportPoint]] = {}
    for p in points:
        if p.agency and p.year is not None:
            by_agency.setdefault(p.agency, []).append(p)
    for agency, series in sorted(by_agency.items()):
        series.sort(key=lambda p: p.year)
        for a, b in zip(series, series[1:]):
            if b.year != a.year + 1:
                continue
            for m in counts:
                va, vb = a.values.get(m.key), b.values.get(m.key)
                if not va or not vb or va <= 0 or vb <= 0:
                    continue
                ratio = vb / va
                if ratio >= JUMP_FACTOR or ratio <= 1 / JUMP_FACTOR:
                    out.append(Finding(
                        RULE_JUMP, "uncertain", "warning",
                        f"{names[m.key]}由{a.year}年的{va}变为{b.year}年的{vb}（{ratio:.1f} 倍），请核对。",
                        f"{m.key} changed ×{ratio:.1f} from {a.year} to {b.year}", b.report_id, m.key,
                        _evidence(b, m.key) + _evidence(a, m.key)))
    groups = _groups(points)
    for p in points:
        _, peers = groups[p.report_id]
        for m in counts:
            if p.values.get(m.key) != 0:
                continue
            others = [q.values.get(m.key) for q in peers if q.report_id != p.report_id]
            others = [v for v in others if v is not None]
            median = quantile(others, .5)
            if len(others) >= MIN_PEERS and median is not None and median >= ZERO_MEDIAN_MIN:
                out.append(Finding(
                    RULE_ZERO, "uncertain", "warning",
                    f"{names[m.key]}为 0，而同类机关中位数为 {median:g}（{len(others)} 个同类），请核对。",
                    f"{m.key} is 0 while the peers' median is {median:g}", p.report_id, m.key, _evidence(p, m.key)))
    return out
