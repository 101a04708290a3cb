"""Shared fixtures: the read-only shared corpus beside the project (../shared)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REPORTS_DIR = CORPUS / "reports"
EXCERPTS_DIR = CORPUS / "excerpts"

os.environ.setdefault("OMP_NUM_THREADS", "1")


def corpus_index() -> list[dict]:
    """The shared corpus's metadata, one dict per file (fields of index.jsonl)."""
    with open(CORPUS / "index.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def complete_reports() -> list[dict]:
    return [d for d in corpus_index() if d.get("complete")]


def excerpt_entries() -> list[dict]:
    return [d for d in corpus_index() if not d.get("complete")]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.fail(f"shared data not found at {SHARED} (set XXGK_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def index() -> list[dict]:
    return corpus_index()
