"""Synthetic report corpora: the generator and the shipped demo corpus (``corpora/demo``).

``write_corpus(out_dir, agencies=4, years=3, seed=0)`` writes reports in several
formats plus a ground-truth manifest; ``load_manifest(dir)`` reads it back.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

#: the demo corpus committed with the project (``python -m corpora.generate --out corpora/demo``)
DEMO_DIR = Path(__file__).resolve().parent / "demo"

_LAZY = ("CorpusConfig", "MANIFEST_NAME", "load_manifest", "write_corpus")
__all__ = ["DEMO_DIR", *_LAZY]


def __getattr__(name: str) -> Any:  # lazy, so ``python -m corpora.generate`` runs cleanly
    if name in _LAZY:
        return getattr(import_module("corpora.generate"), name)
    raise AttributeError(f"module 'corpora' has no attribute {name!r}")
