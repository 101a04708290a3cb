"""``brief.html``: one self-contained page (no scripts, no external resources) for a Chinese-reading analyst.

Sections: overview (reports, canonical agencies, years, failed checks), the audit scorecard
(pre-sorted views), trends (a small SVG chart per key indicator for every agency with two or
more years) and year-over-year change (key numbers next to the text-repetition measures),
cross-report findings (most-reused passages, boilerplate ranking, a similarity heat map and
theme shares as inline SVG) and one card per report (key numbers, peer percentiles, checks,
theme shares, the summary, and the normalized text collapsed: every finding, key number and
summary sentence links to its highlighted span there, with the PDF page where known). Every
piece of report text goes through :func:`html.escape`; the stylesheet has a narrow-screen
and a print layout.

Modules, by what they render: :mod:`.common` (the page's words, number formats, escaping),
:mod:`.charts` (inline SVG), :mod:`.sections` (the set-level sections), :mod:`.cards` (one card
per report and its linked text), :mod:`.page` (stylesheet, navigation, run notes, :func:`render_brief`).
"""
from __future__ import annotations

from .charts import heatmap_scale, heatmap_svg, theme_bars_svg
from .common import esc
from .page import render_brief, write_brief

__all__ = ["render_brief", "write_brief", "heatmap_svg", "heatmap_scale", "theme_bars_svg", "esc"]
