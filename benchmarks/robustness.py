"""Robustness of the parser and table reader across the renderings real reports arrive in.

Every report of three source sets — the shared complete reports (``index.jsonl``
``complete: true``), the shared excerpts and the demo corpus — is parsed, re-printed in
each form of :mod:`corpora.render` (truth: the source's own parse), and the rendering is
read back as a file of its kind (``nlp.structure.read_report`` + ``nlp.tables.extract_tables``).

Prints one row per rendering and, per source set, the share of reports whose part keys
come back exactly (in order, 'unknown' left out), and of the truth's cells: equal (same
value, not flagged), uncertain (flagged), silently wrong (another value, not flagged; count
and share). Cells neither read nor flagged are missing (the rest to 100%). Then the score
on the real crawler-saved reports in ../shared/corpus/web against ``web/gold.jsonl``:
reports whose parts are exactly right and gold cells right (the scoring of the
before-stop hook).

Usage: python benchmarks/robustness.py [--forms a,b] [--sets complete,excerpts,demo]
                                       [--seed N] [--limit N] [--json] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import CORPUS  # noqa: E402  (importing it puts the project root on sys.path)

SETS = ("complete", "excerpts", "demo")


@dataclass
class Tally:
    """Sums of :class:`corpora.render.Agreement` over the reports of one (rendering, source set)."""

    reports: int = 0
    parts_exact: int = 0
    sections_close: int = 0
    cells: int = 0
    equal: int = 0
    uncertain: int = 0
    wrong: int = 0
    missing: int = 0
    failed: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, a) -> None:
        self.reports += 1
        self.parts_exact += a.parts_exact
        self.sections_close += a.sections_close
        self.cells += a.cells
        self.equal += a.equal
        self.uncertain += a.uncertain
        self.wrong += a.wrong
        self.missing += a.missing

    def pct(self, n: int, of: int) -> float | None:
        return round(100.0 * n / of, 1) if of else None

    def to_dict(self) -> dict:
        return {"reports": self.reports, "failed": self.failed, "cells": self.cells,
                "parts_exact_pct": self.pct(self.parts_exact, self.reports),
                "sections_close_pct": self.pct(self.sections_close, self.reports),
                "cells_equal_pct": self.pct(self.equal, self.cells),
                "cells_uncertain_pct": self.pct(self.uncertain, self.cells),
                "cells_wrong": self.wrong, "cells_wrong_pct": self.pct(self.wrong, self.cells),
                "cells_missing_pct": self.pct(self.missing, self.cells), "examples": self.examples[:5]}


def source_files(which: str) -> list[Path]:
    """The files of a source set, sorted."""
    if which == "demo":
        from corpora import DEMO_DIR

        return sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf"))
    want = which == "complete"
    with open(CORPUS / "index.jsonl", encoding="utf-8") as fh:
        entries = [json.loads(line) for line in fh if line.strip()]
    return sorted(CORPUS / e["file"] for e in entries if bool(e.get("complete")) == want)


def measure(forms: list[str], sets: list[str], seed: int, limit: int | None, verbose: bool) -> dict:
    from corpora.render import compare, read_back, render
    from nlp.errors import XxgkError
    from nlp.structure import read_report
    from nlp.tables import extract_tables

    tallies = {(f, s): Tally() for f in forms for s in sets}
    for s in sets:
        for path in source_files(s)[:limit]:
            try:
                report = read_report(path)
            except XxgkError as e:
                print(f"{path}: cannot read source: {e}", file=sys.stderr)
                continue
            tables = extract_tables(report)
            for f in forms:
                t = tallies[(f, s)]
                rendering = render(report, tables, f, seed)
                try:
                    back, back_tables = read_back(rendering, stem=path.stem)
                except XxgkError as e:
                    t.failed += 1
                    t.examples.append(f"{path.name}: {e}")
                    continue
                a = compare(rendering.truth, back, back_tables)
                t.add(a)
                if not a.parts_exact:
                    t.examples.append(f"{path.name}: parts {list(a.parts)} != {list(rendering.truth.parts)}")
                t.examples += [f"{path.name}: {k}" for k in a.wrong_keys[:2]]
                if verbose:
                    print(f"{s:9} {f:16} {path.name:40} parts={'ok' if a.parts_exact else 'NO'} "
                          f"cells {a.equal}/{a.cells} unc={a.uncertain} wrong={a.wrong}", file=sys.stderr)
    return {f"{f}|{s}": t.to_dict() for (f, s), t in tallies.items()}


def gold_score() -> dict:
    """Parts exactly right per report and gold cells right on ../shared/corpus/web (the before-stop hook's scoring)."""
    from corpora.render import known_parts
    from nlp.structure import read_report
    from nlp.tables import extract_tables

    web = CORPUS / "web"
    with open(web / "gold.jsonl", encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    parsed = {}
    for path in sorted(web.glob("*.txt")):
        report = read_report(path)
        parsed[path.stem] = (report, extract_tables(report))
    pr = pn = cr = cn = 0
    for g in gold:
        stem = Path(g["file"]).stem
        report, tables = parsed[stem]
        if g["kind"] == "parts":
            pn += 1
            pr += known_parts([p.key for p in report.parts]) == known_parts([p["key"] for p in g["parts"]])
        else:
            cn += 1
            cell = tables.cell(g["table"], g["row"], g["column"])
            cr += cell is not None and cell.value == g["value"]
    return {"parts_right": pr, "parts_reports": pn, "cells_right": cr, "cells": cn}


def _fmt(v: float | None) -> str:
    return "  –  " if v is None else f"{v:5.1f}"


def text_table(result: dict, forms: list[str], sets: list[str]) -> str:
    head1 = f"{'rendering':16}" + "".join(f" | {s:^30}" for s in sets)
    head2 = f"{'':16}" + " | parts%  equal%  unc%  wrong (%) " * len(sets)
    lines = [head1, head2.rstrip(), "-" * len(head1)]
    for f in forms:
        row = f"{f:16}"
        for s in sets:
            d = result["renderings"][f"{f}|{s}"]
            wrong = f"{d['cells_wrong']} ({_fmt(d['cells_wrong_pct']).strip()})" if d["cells"] else "–"
            row += f" | {_fmt(d['parts_exact_pct'])}  {_fmt(d['cells_equal_pct'])} {_fmt(d['cells_uncertain_pct'])}  {wrong:10}"
        lines.append(row)
    n = {s: next(iter(result["renderings"][f"{f}|{s}"] for f in forms)) for s in sets}
    lines.append("reports / truth cells per rendering: " + ", ".join(f"{s} {n[s]['reports']} / {n[s]['cells']}" for s in sets))
    g = result.get("web_gold")
    if g:
        lines.append(f"web/gold.jsonl: parts exactly right in {g['parts_right']}/{g['parts_reports']} reports, "
                     f"table cells right {g['cells_right']}/{g['cells']}")
    lines.append(f"seed {result['seed']}, {result['seconds']:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from corpora.render import FORMS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forms", default=",".join(FORMS), help="comma-separated renderings (default: all)")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated source sets: complete, excerpts, demo")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="at most this many reports per source set")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the text table")
    ap.add_argument("--verbose", action="store_true", help="one line per report and rendering on stderr")
    a = ap.parse_args(argv)
    forms = [f.strip() for f in a.forms.split(",") if f.strip()]
    sets = [s.strip() for s in a.sets.split(",") if s.strip()]
    for f in forms:
        if f not in FORMS:
            ap.error(f"unknown rendering {f!r}; choose from {', '.join(FORMS)}")
    for s in sets:
        if s not in SETS:
            ap.error(f"unknown source set {s!r}; choose from {', '.join(SETS)}")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    have_shared = (CORPUS / "index.jsonl").is_file()
    if not have_shared and set(sets) - {"demo"}:
        print(f"{CORPUS}: shared corpus not found (set XXGK_SHARED, or use --sets demo)", file=sys.stderr)
        return 2
    t0 = time.time()
    result = {"seed": a.seed, "forms": forms, "sets": sets,
              "renderings": measure(forms, sets, a.seed, a.limit, a.verbose),
              "web_gold": gold_score() if have_shared else None}
    result["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(result, ensure_ascii=False, indent=1) if a.json else text_table(result, forms, sets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
