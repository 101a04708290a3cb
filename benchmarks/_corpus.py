"""Shared helpers for the benchmark scripts: locate ../shared and list its reports."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def corpus_files(text_only: bool = False) -> list[Path]:
    """Every report and excerpt in the shared corpus (sorted); PDFs left out with ``text_only``."""
    files = sorted((CORPUS / "reports").iterdir()) + sorted((CORPUS / "excerpts").glob("*.txt"))
    if text_only:
        files = [f for f in files if f.suffix.lower() != ".pdf"]
    return files
