"""Readable text of audit findings: per report, the offending numbers and where they are."""
from __future__ import annotations

from typing import Sequence

from ..document import Report
from . import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN, Finding, summarize_statuses

_MARK = {FAIL: "✗ FAIL", UNCERTAIN: "? UNCERTAIN", NOT_ASSESSABLE: "– N/A", PASS: "✓ pass"}
#: evidence items shown per finding in text output
MAX_EVIDENCE = 8


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def render_text(reports: Sequence[Report], findings: Sequence[Finding], show_pass: bool = False) -> str:
    """Per report: a header, the status counts, then every non-pass finding (all with ``show_pass``)
    with its message, English gloss and evidence (cell keys, printed text, offsets and line numbers)."""
    by_id = {r.id: r for r in reports}
    lines: list[str] = []
    for r in reports:
        mine = [f for f in findings if f.report_id == r.id]
        counts = summarize_statuses(mine)
        lines.append(f"■ {r.id} · {r.agency or '?'} · {r.year or '?'} · era {r.era or '?'} · {r.source}")
        lines.append("  " + "  ".join(f"{s}: {counts[s]}" for s in STATUSES))
        for f in mine:
            if f.status == PASS and not show_pass:
                continue
            lines.append(f"  {_MARK[f.status]:12s} {f.rule:11s} {f.message}")
            lines.append(f"  {'':12s} {'':11s} ({f.gloss})")
            for e in f.evidence[:MAX_EVIDENCE]:
                doc = by_id.get(e.report_id or f.report_id)
                where = f"line {_line_of(doc.text, e.start)}, " if doc is not None else ""
                who = f"{e.report_id} " if e.report_id and e.report_id != f.report_id else ""
                what = e.key or "text"
                lines.append(f"  {'':24s}  · {who}{what} = {e.text!r} [{where}chars {e.start}-{e.end}]")
            if len(f.evidence) > MAX_EVIDENCE:
                lines.append(f"  {'':24s}  · … {len(f.evidence) - MAX_EVIDENCE} more")
        lines.append("")
    total = summarize_statuses(findings)
    lines.append("total  " + "  ".join(f"{s}: {total[s]}" for s in STATUSES))
    return "\n".join(lines)
