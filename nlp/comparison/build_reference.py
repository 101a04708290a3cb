"""Build the shipped reference table of n-gram document frequencies (``nlp.comparison.reference``)
from the shared corpus and a generated one::

    python3 -m nlp.comparison.build_reference --shared ../shared --out nlp/data/compare-reference.npz

The table holds hashes and counts only, no text.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path

from .reference import DEFAULT_PATH, build_reference, save_reference


def shared_texts(shared: Path) -> list[str]:
    """The normalized text of every file of the shared corpus (``corpus/index.jsonl``)."""
    from ..structure import read_report

    corpus = shared / "corpus"
    out = []
    for line in open(corpus / "index.jsonl", encoding="utf-8"):
        out.append(read_report(corpus / json.loads(line)["file"]).text)
    return out


def generated_texts(agencies: int, years: int, seed: int) -> list[str]:
    """The texts of a corpus generated with ``corpora.generate`` (txt renderings)."""
    from corpora import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(tmp, agencies=agencies, years=years, seed=seed, formats=("txt",))
        return [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).glob("*.txt"))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"), help="the shared folder (its corpus/ is read)")
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--generated-agencies", type=int, default=8, help="agencies of the generated corpus")
    ap.add_argument("--generated-years", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--min-df", type=int, default=3)
    args = ap.parse_args(argv)
    real = shared_texts(args.shared)
    generated = generated_texts(args.generated_agencies, args.generated_years, args.seed)
    digest = hashlib.sha256("\x00".join(real + generated).encode()).hexdigest()[:12]
    name = (f"{len(real)} shared reports and excerpts + {len(generated)} generated reports "
            f"(corpora.generate --agencies {args.generated_agencies} --years {args.generated_years} --seed {args.seed}); "
            f"n-grams in ≥ {args.min_df} documents; texts sha256 {digest}")
    ref = build_reference(real + generated, name, min_df=args.min_df)
    save_reference(ref, args.out)
    sizes = ", ".join(f"n={n}: {len(k)} n-grams" for n, (k, _) in sorted(ref.tables.items()))
    print(f"{args.out}: {ref.n_docs} documents; {sizes}; {args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
