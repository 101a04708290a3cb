"""Inline SVG charts of the brief: the similarity heat map and the theme-share bars (no scripts)."""
from __future__ import annotations

from typing import Any, Sequence

from .common import PALETTE, UI, esc


def heatmap_scale(matrix: Any) -> tuple[float, float]:
    """The colour scale of a similarity heat map: the range of the off-diagonal values (a report is
    always identical to itself), so that differences inside a narrow range stay visible."""
    n = len(matrix)
    vals = [float(matrix[i][j]) for i in range(n) for j in range(n) if i != j and matrix[i][j] == matrix[i][j]]
    if not vals:
        return 0.0, 1.0
    lo, hi = min(vals), max(vals)
    return (lo, hi) if hi > lo else (max(0.0, lo - 0.05), min(1.0, hi + 0.05))


def _heat_colour(t: float) -> str:
    t = max(0.0, min(1.0, t))
    return f"rgb({int(255 - 200 * t)},{int(255 - 150 * t)},255)"


def heatmap_svg(labels: Sequence[str], matrix: Any, anchors: Sequence[str] = (), groups: Sequence[str] = ()) -> str:
    """A similarity heat map: rows and columns are reports labelled by agency (and year), colour =
    similarity scaled to the off-diagonal range of the data, the value printed in each cell; a line
    separates consecutive ``groups`` (the agencies, when the caller orders reports by agency)."""
    n = len(labels)
    cell = max(8, min(34, 620 // max(1, n)))
    left, top = 250, 30
    lo, hi = heatmap_scale(matrix)
    w, h = left + n * cell + 10, top + n * cell + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{esc(UI["heatmap"])}">']
    for j in range(n):
        out.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{top - 8}" font-size="10" text-anchor="middle">{j + 1}</text>')
    for i in range(n):
        y = top + i * cell
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.1f}" font-size="11" text-anchor="end">{i + 1}. {esc(labels[i][:22])}</text>')
        for j in range(n):
            v = float(matrix[i][j])
            v = 0.0 if v != v else max(0.0, min(1.0, v))
            t = 1.0 if i == j else (v - lo) / (hi - lo)
            out.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell}" height="{cell}" fill="{_heat_colour(t)}" stroke="#fff" '
                       f'stroke-width="0.5"><title>{esc(labels[i])} × {esc(labels[j])}: {v:.2f}</title></rect>')
            if cell >= 22 and i != j:
                ink = "#fff" if t > 0.6 else "#1f2328"
                out.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{y + cell / 2 + 3:.1f}" font-size="8.5" '
                           f'text-anchor="middle" fill="{ink}">{v:.2f}</text>')
    if groups:
        for k in range(1, n):
            if groups[k] != groups[k - 1]:
                out.append(f'<line x1="{left}" y1="{top + k * cell}" x2="{left + n * cell}" y2="{top + k * cell}" '
                           'stroke="#1f2328" stroke-width="1.5"/>')
                out.append(f'<line x1="{left + k * cell}" y1="{top}" x2="{left + k * cell}" y2="{top + n * cell}" '
                           'stroke="#1f2328" stroke-width="1.5"/>')
    ly = top + n * cell + 16
    for k in range(11):
        out.append(f'<rect x="{left + k * 24}" y="{ly}" width="24" height="10" fill="{_heat_colour(k / 10)}"/>')
    out.append(f'<text x="{left - 6}" y="{ly + 9}" font-size="11" text-anchor="end">{lo:.2f}</text>')
    out.append(f'<text x="{left + 11 * 24 + 4}" y="{ly + 9}" font-size="11">{hi:.2f}</text>')
    out.append(f'<text x="{left}" y="{ly + 24}" font-size="10">颜色按报告之间相似度的实际范围 {lo:.2f}–{hi:.2f} 着色；对角线为报告自身</text>')
    out.append("</svg>")
    return "".join(out)


def theme_bars_svg(rows: Sequence[tuple[str, dict[str, float]]], names: dict[str, str], width: int = 900) -> str:
    """Stacked horizontal bars: one per report, segments = theme shares."""
    every = list(names) + sorted({k for _, s in rows for k in s} - set(names))
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(every)}   # same colour for a theme on every chart
    themes = [k for k in every if any(s.get(k) for _, s in rows)]
    left, bar_h, gap = (230 if any(label for label, _ in rows) else 4), 16, 6
    span = width - left - 10
    h = len(rows) * (bar_h + gap) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" viewBox="0 0 {width} {h}" role="img" '
           f'aria-label="{esc(UI["themes"])}">']
    for i, (label, shares) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        out.append(f'<text x="{left - 6}" y="{y + bar_h - 3}" font-size="11" text-anchor="end">{esc(label[:22])}</text>')
        x = float(left)
        total = sum(shares.values()) or 1.0
        for k in themes:
            share = shares.get(k, 0.0) / total
            if share <= 0:
                continue
            wdt = share * span
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{wdt:.1f}" height="{bar_h}" fill="{colour[k]}">'
                       f'<title>{esc(label)} · {esc(names.get(k, k))}: {share:.1%}</title></rect>')
            x += wdt
    out.append("</svg>")
    legend = "".join(f'<span><i style="background:{colour[k]}"></i>{esc(names.get(k, k))}</span>' for k in themes)
    return "".join(out) + f'<div class="legend">{legend}</div>'
