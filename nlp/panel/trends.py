"""Trend charts: one small inline SVG line chart of one indicator across an agency's years (no scripts)."""
from __future__ import annotations

import html
from typing import Sequence

from .metrics import Metric, format_value

__all__ = ["trend_svg", "yoy_change"]

WIDTH, HEIGHT = 250, 150
LEFT, RIGHT, TOP, BOTTOM = 24, 24, 42, 26
LINE = "#4e79a7"


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def trend_svg(metric: Metric, points: Sequence[tuple[int, float | int | None]], agency: str = "") -> str:
    """A line chart of ``metric`` by year: points labelled with their values, NA shown as a gap and '—'.

    The y axis starts at 0 (rates run 0–100%) so that a change is not exaggerated.
    """
    values = [v for _, v in points if v is not None]
    top = 1.0 if metric.is_rate else (max(values) if values else 1) or 1
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (span_x * i / (len(points) - 1) if len(points) > 1 else span_x / 2)

    def y(v: float) -> float:
        return TOP + span_y * (1 - v / top)

    title = f"{agency} · {metric.name}" if agency else metric.name
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{_e(title)}">',
           f'<text x="{LEFT}" y="14" font-size="12" font-weight="bold">{_e(metric.name)}'
           f'{"" if metric.is_rate else "（" + _e(metric.unit) + "）"}</text>',
           f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{WIDTH - RIGHT}" y2="{y(0):.1f}" stroke="#8c959f"/>']
    segment: list[str] = []
    for i, (year, v) in enumerate(points):
        if v is None:
            if len(segment) > 1:
                out.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(v):.1f}")
    if len(segment) > 1:
        out.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(segment)}"/>')
    for i, (year, v) in enumerate(points):
        label = format_value(metric, v)
        out.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle">{_e(year)}</text>')
        if v is None:
            out.append(f'<text x="{x(i):.1f}" y="{y(0) - 4:.1f}" font-size="11" text-anchor="middle" fill="#59636e">—</text>')
            continue
        out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{LINE}"><title>{_e(title)} {_e(year)}: '
                   f'{_e(label)}</title></circle>')
        out.append(f'<text x="{x(i):.1f}" y="{y(v) - 7:.1f}" font-size="11" text-anchor="middle">{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def yoy_change(metric: Metric, a: float | int | None, b: float | int | None) -> str:
    """'a → b (±x%)' for counts, 'a → b (±x 个百分点)' for rates; '—' parts where NA."""
    text = f"{format_value(metric, a)} → {format_value(metric, b)}"
    if a is None or b is None:
        return text
    if metric.is_rate:
        return f"{text}（{100 * (b - a):+.1f} 个百分点）"
    if a == 0:
        return text if b == 0 else f"{text}（新增）"
    return f"{text}（{100 * (b - a) / a:+.0f}%）"
