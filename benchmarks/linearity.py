"""Is reading linear in the input size? Time per character from 10 KB to 20 MB, and the hostile cases.

For each size the demo corpus's text reports are concatenated (repeated) to that many bytes of
UTF-8, written to a .txt, and timed through ingest (``read_source``: decode + normalize) and
structure (``parse_text`` on the normalized text). A linear stage keeps µs/char flat; the
``ratio`` column is µs/char divided by that of the smallest size (≈1 when linear, growing with
the size when not).

Hostile cases (issue: nothing hangs):
- hard-wrapped lines that are all joined (``测试``×40 per line, 2,000 → 64,000 lines);
- a DOCX whose ``document.xml`` expands to 300 MB (refused by the expanded-size limit: time to refuse).

    python benchmarks/linearity.py [--max-mb 20] [--skip-structure] [--skip-hostile]
"""
from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

from _corpus import ROOT

from nlp.errors import ReportReadError
from nlp.ingest import read_source
from nlp.ingest.normalize import rejoin_wrapped_lines
from nlp.structure import parse_text

SIZES_KB = (10, 100, 1_000, 5_000, 20_000)


def corpus_text() -> str:
    """The demo corpus's plain-text and Markdown reports, one after another."""
    demo = ROOT / "corpora" / "demo"
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(demo.glob("*.txt")) + sorted(demo.glob("*.md")))


def text_of_size(base: str, n_bytes: int) -> str:
    """``base`` repeated and cut (at a line end) to about ``n_bytes`` bytes of UTF-8."""
    per_char = len(base.encode("utf-8")) / len(base)
    chars = int(n_bytes / per_char)
    text = (base + "\n\n") * (chars // (len(base) + 2) + 1)
    cut = text.rfind("\n", 0, chars)
    return text[: cut if cut > 0 else chars]


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def sizes_table(max_mb: float, structure: bool) -> None:
    base = corpus_text()
    print(f"{'size':>9} {'chars':>11} {'ingest s':>9} {'µs/char':>8} {'ratio':>6}"
          + (f" {'parse s':>9} {'µs/char':>8} {'ratio':>6}" if structure else ""))
    first: dict[str, float] = {}
    limit = str(max(60, int(max_mb * 3))) + "MB"
    os.environ.setdefault("XXGK_MAX_BYTES", limit)
    os.environ.setdefault("XXGK_MAX_CHARS", str(int(max_mb * 1e6) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        for kb in SIZES_KB:
            if kb > max_mb * 1000:
                break
            text = text_of_size(base, kb * 1000)
            path = Path(tmp) / f"size-{kb}.txt"
            path.write_text(text, encoding="utf-8")
            repeat = 5 if kb <= 100 else 1
            src = read_source(path)
            t_ingest = best_of(lambda: read_source(path), repeat)
            row = {"ingest": t_ingest / len(src.text) * 1e6}
            cells = f"{kb / 1000:>7.2f}MB {len(src.text):>11,} {t_ingest:>9.3f} {row['ingest']:>8.3f}"
            first.setdefault("ingest", row["ingest"])
            cells += f" {row['ingest'] / first['ingest']:>6.2f}"
            if structure:
                t_parse = best_of(lambda: parse_text(src.text, source=str(path)), repeat)
                row["parse"] = t_parse / len(src.text) * 1e6
                first.setdefault("parse", row["parse"])
                cells += f" {t_parse:>9.3f} {row['parse']:>8.3f} {row['parse'] / first['parse']:>6.2f}"
            print(cells, flush=True)


def hostile_wrapped() -> None:
    print("\nhard-wrapped lines, all joined (测试×40 per line):")
    first = None
    for n in (2_000, 4_000, 16_000, 64_000):
        lines = ["测试" * 40] * n
        t = best_of(lambda: rejoin_wrapped_lines(list(lines), []), 3)
        per = t / (n * 80) * 1e6
        first = first or per
        print(f"  {n:>7,} lines {t:>8.3f} s  {per:.4f} µs/char  ratio {per / first:.2f}")


def docx_bomb(expanded_mb: int = 300) -> None:
    """A DOCX of a few MB whose document.xml inflates to ``expanded_mb`` MB: time until it is refused."""
    para = "<w:p><w:r><w:t>" + "测" * 4000 + "</w:t></w:r></w:p>"
    body = para * (expanded_mb * 1_000_000 // len(para.encode("utf-8")))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
           'openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", xml)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.docx"
        path.write_bytes(buf.getvalue())
        t = time.perf_counter()
        try:
            read_source(path)
            outcome = "read (no limit hit!)"
        except ReportReadError as e:
            outcome = e.reason
        dt = time.perf_counter() - t
    print(f"\nDOCX of {len(buf.getvalue()) / 1e6:.1f} MB expanding to {len(xml.encode('utf-8')) / 1e6:.0f} MB: "
          f"{dt:.3f} s → {outcome}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-mb", type=float, default=20.0, help="largest input size in MB")
    ap.add_argument("--skip-structure", action="store_true", help="time ingest only")
    ap.add_argument("--skip-hostile", action="store_true", help="leave out the hostile cases")
    args = ap.parse_args()
    sizes_table(args.max_mb, not args.skip_structure)
    if not args.skip_hostile:
        hostile_wrapped()
        docx_bomb()


if __name__ == "__main__":
    main()
