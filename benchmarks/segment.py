"""Segmentation speed (characters/second) of jieba and the fast backend, and their agreement
on the shared corpus. Prints figures; run: python benchmarks/segment.py [--corpus DIR] [--repeat N]"""
from __future__ import annotations

import argparse
import difflib
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus per timing")
    args = ap.parse_args()

    from nlp.batch import expand_inputs
    from nlp.segmentation import get_tokenizer, texts_of

    files, failures = expand_inputs([args.corpus])
    texts = texts_of(files)
    chars = sum(len(t) for t in texts)
    t0 = time.perf_counter()
    tok = get_tokenizer()
    load_s = time.perf_counter() - t0
    print(f"corpus: {len(texts)} files, {chars:,} characters ({len(failures)} unreadable)")
    print(f"tokenizer load (jieba dictionary + {len(tok.user_words)} user words): {load_s:.2f} s")

    backends = ["jieba"] + (["fast"] if tok.fast_available else [])
    words: dict[str, list[list[str]]] = {}
    for backend in backends:
        tok.cut("预热", backend)  # the fast backend loads its dictionary on first use
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            for _ in range(args.repeat):
                out = [tok.cut(t, backend) for t in texts]
            best = min(best, time.perf_counter() - t0)
        words[backend] = out
        print(f"{backend:>6}: {chars * args.repeat / best / 1e6:.2f} M chars/s ({chars * args.repeat / best:,.0f} chars/s)")
    if "fast" in words:
        ref, fast = words["jieba"], words["fast"]
        tokens = sum(len(a) for a in ref)
        same_docs = sum(a == b for a, b in zip(ref, fast))
        matched = 0
        for a, b in zip(ref, fast):
            sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
            matched += sum(bl.size for bl in sm.get_matching_blocks())
        print(f"agreement fast vs jieba: {matched}/{tokens} tokens ({matched / tokens:.4%}), "
              f"{same_docs}/{len(ref)} documents identical")
        # for reference: rjieba alone (without routing the risky blocks to jieba)
        import rjieba

        raw = rjieba.Jieba()
        for w, _ in tok.user_words:
            raw.add_word(w, tok._jieba.FREQ.get(w), None)
        raw_matched = 0
        for t, a in zip(texts, ref):
            sm = difflib.SequenceMatcher(a=a, b=raw.cut(t, True), autojunk=False)
            raw_matched += sum(bl.size for bl in sm.get_matching_blocks())
        print(f"plain rjieba vs jieba (no routing): {raw_matched}/{tokens} tokens ({raw_matched / tokens:.4%})")


if __name__ == "__main__":
    main()
