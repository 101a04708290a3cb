"""The metric dictionary (``nlp/data/metrics.toml``): load it and evaluate each formula over a report's cells.

A formula is arithmetic over cells written ``{table:row:column}``; ``{requests:refused.*:total}``
sums a row group. A referenced cell that is missing, blank or NA makes the value NA (``None``):
it is never read as 0. A division by zero gives NA, not 100%.
"""
from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import XxgkError

__all__ = ["Metric", "MetricValue", "MetricDictionary", "load_metrics", "METRICS_FILE", "evaluate", "markdown_table"]

METRICS_FILE = Path(__file__).resolve().parents[1] / "data" / "metrics.toml"
_REF = re.compile(r"\{([a-z_]+):([a-z_.*]+):([a-z_]+)\}")


@dataclass(frozen=True)
class Metric:
    """One derived indicator: key, Chinese name, formula alternatives, unit, whether it sums, caveats."""

    key: str
    name: str
    formulas: tuple[str, ...]
    unit: str
    aggregates: bool
    caveats: str
    key_indicator: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def cells(self) -> list[str]:
        """Every cell reference of every formula, in order (``table:row:column``)."""
        return [":".join(m.groups()) for f in self.formulas for m in _REF.finditer(f)]


@dataclass(frozen=True)
class MetricValue:
    """A metric evaluated on one report: the value (None = NA), the formula used and the cells it read."""

    key: str
    value: float | int | None
    formula: str = ""
    cells: tuple[str, ...] = ()
    uncertain: bool = False
    reason: str = ""


@dataclass(frozen=True)
class MetricDictionary:
    """The loaded dictionary: its version and metrics in file order."""

    version: str
    metrics: tuple[Metric, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.metrics)

    def __getitem__(self, key: str) -> Metric:
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(key)

    def key_indicators(self) -> list[Metric]:
        return [m for m in self.metrics if m.key_indicator]


def _parse(data: Mapping[str, Any], source: str) -> MetricDictionary:
    metrics = []
    seen: set[str] = set()
    for i, d in enumerate(data.get("metric", [])):
        missing = [k for k in ("key", "name", "formula", "unit", "aggregates", "caveats") if k not in d]
        if missing:
            raise XxgkError(f"{source}: metric #{i + 1} lacks {', '.join(missing)}")
        if d["key"] in seen:
            raise XxgkError(f"{source}: metric {d['key']!r} defined twice")
        seen.add(d["key"])
        formulas = tuple(d["formula"]) if isinstance(d["formula"], list) else (d["formula"],)
        for f in formulas:
            _compile(f)   # a bad formula fails at load time, naming the metric
        metrics.append(Metric(d["key"], d["name"], formulas, d["unit"], bool(d["aggregates"]), d["caveats"],
                              bool(d.get("key_indicator", False))))
    return MetricDictionary(str(data.get("version", "")), tuple(metrics))


@lru_cache(maxsize=4)
def load_metrics(path: str | Path = METRICS_FILE) -> MetricDictionary:
    """Read and validate the metric dictionary (cached per path)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise XxgkError(f"{p}: cannot read the metric dictionary: {e}") from e
    return _parse(data, str(p))


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.Constant,
            ast.Name, ast.Load)


@lru_cache(maxsize=256)
def _compile(formula: str) -> tuple[ast.Expression, tuple[str, ...]]:
    """The formula as an expression tree over variables ``c0, c1, …`` and the cell references they stand for."""
    refs: list[str] = []

    def sub(m: re.Match[str]) -> str:
        refs.append(":".join(m.groups()))
        return f"c{len(refs) - 1}"

    expr = _REF.sub(sub, formula)
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as e:
        raise XxgkError(f"metric formula {formula!r}: {e.msg}") from e
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED) or isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise XxgkError(f"metric formula {formula!r}: {type(node).__name__} not allowed")
    return tree, tuple(refs)


class _NA(Exception):
    """Raised inside evaluation when a value is NA (missing cell, zero denominator)."""


def _eval(node: ast.AST, env: Mapping[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, env)
    assert isinstance(node, ast.BinOp)
    a, b = _eval(node.left, env), _eval(node.right, env)
    if isinstance(node.op, ast.Add):
        return a + b
    if isinstance(node.op, ast.Sub):
        return a - b
    if isinstance(node.op, ast.Mult):
        return a * b
    if b == 0:
        raise _NA("division by zero")
    return a / b


#: a cell lookup: key ``table:row:column`` (row may end in ``.*``) → (value or None, uncertain, cell keys read)
CellLookup = Callable[[str], tuple[float | None, bool, tuple[str, ...]]]


def tables_lookup(tables: Any) -> CellLookup:
    """A :data:`CellLookup` over an :class:`nlp.tables.ReportTables` (numbers only; blank/NA → None)."""
    cells = {c.key: c for c in tables} if tables is not None else {}

    def look(ref: str) -> tuple[float | None, bool, tuple[str, ...]]:
        table, row, column = ref.split(":")
        if row.endswith(".*"):
            prefix = row[:-1]
            group = [c for k, c in cells.items() if c.table == table and c.column == column and c.row.startswith(prefix)]
            if not group or any(not c.is_number for c in group):
                return None, False, tuple(c.key for c in group)
            return sum(c.value for c in group), any(c.uncertain for c in group), tuple(c.key for c in group)
        c = cells.get(ref)
        if c is None or not c.is_number:
            return None, False, (ref,) if c is not None else ()
        return c.value, c.uncertain, (ref,)

    return look


def evaluate(metric: Metric, lookup: CellLookup) -> MetricValue:
    """The metric's value from the first formula whose cells are all numbers (else NA, with the reason)."""
    reason = "cells not found"
    for formula in metric.formulas:
        tree, refs = _compile(formula)
        env: dict[str, float] = {}
        read: list[str] = []
        uncertain = False
        ok = True
        for i, ref in enumerate(refs):
            value, unsure, keys = lookup(ref)
            read += keys
            if value is None:
                ok = False
                reason = f"{ref}: missing, blank or NA"
                break
            env[f"c{i}"] = value
            uncertain |= unsure
        if not ok:
            continue
        try:
            value = _eval(tree, env)
        except _NA as e:
            return MetricValue(metric.key, None, formula, tuple(read), uncertain, str(e))
        if isinstance(value, float) and not metric.is_rate and value.is_integer():
            value = int(value)
        return MetricValue(metric.key, value, formula,
                           tuple(dict.fromkeys(read)), uncertain)
    return MetricValue(metric.key, None, "", (), False, reason)


def evaluate_all(tables: Any, dictionary: MetricDictionary | None = None) -> dict[str, MetricValue]:
    """Every metric of the dictionary on one report's tables (keys in dictionary order)."""
    d = dictionary or load_metrics()
    look = tables_lookup(tables)
    return {m.key: evaluate(m, look) for m in d}


def format_value(metric: Metric, value: float | int | None) -> str:
    """A value for display: rates as percentages, NA as '—'."""
    if value is None:
        return "—"
    if metric.is_rate:
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def markdown_table(dictionary: MetricDictionary | None = None) -> str:
    """The dictionary as a Markdown table (for the README: ``python3 -m nlp.panel.metrics``)."""
    d = dictionary or load_metrics()
    lines = [f"Metric dictionary version {d.version} (`nlp/data/metrics.toml`).", "",
             "| key | 指标 | formula | unit | sums across reports | caveats |", "|---|---|---|---|---|---|"]
    for m in d:
        formula = " · or · ".join(f"`{f}`" for f in m.formulas)
        lines.append(f"| `{m.key}` | {m.name} | {formula} | {m.unit} | {'yes' if m.aggregates else 'no'} | {m.caveats} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table(), end="")
