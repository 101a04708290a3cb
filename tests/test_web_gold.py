"""The real crawler-saved reports in ../shared/corpus/web against their hand-checked gold:
every part with its key, in order, and every gold table cell (or `uncertain`, never silently wrong)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS
from nlp.structure import read_report
from nlp.tables import extract_tables

GOLD = CORPUS / "web" / "gold.jsonl"


def _gold() -> list[dict]:
    if not GOLD.exists():
        pytest.skip("no web gold in the shared corpus")
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


PART_GOLD = [g for g in (_gold() if GOLD.exists() else []) if g["kind"] == "parts"]


@pytest.mark.parametrize("gold", PART_GOLD, ids=[Path(g["file"]).stem for g in PART_GOLD])
def test_web_report_parts_found_in_order(gold):
    report = read_report(CORPUS / gold["file"])
    keys = [p.key for p in report.parts if p.key != "unknown"]
    assert keys == [p["key"] for p in gold["parts"] if p["key"] != "unknown"]
    # the statistics-table appendix (七、…统计表 / 附件1：…统计表) is a part of its own, not the end of the last one
    assert [(p.key, p.number) for p in report.parts] == [(p["key"], p["number"]) for p in gold["parts"]]
    assert report.year == gold["year"]
    # the crawler header and the body's line breaks are restored: every part heading opens a line
    for p in report.parts:
        assert p.start == 0 or report.text[p.start - 1] == "\n", p.title


def _score(tables, gold: list[dict]) -> tuple[int, int, int]:
    """(right, uncertain, wrong) of the extracted cells against gold cells; a missing cell is wrong."""
    right = uncertain = wrong = 0
    for g in gold:
        got = tables.cell(g["table"], g["row"], g["column"])
        if got is not None and (got.value == g["value"] and got.semantic != "blank"
                                or g["value"] is None and got.value is None):
            right += 1
        elif got is not None and got.uncertain:
            uncertain += 1
        else:
            wrong += 1
    return right, uncertain, wrong


def test_web_report_cells_right_or_uncertain():
    cells = [g for g in _gold() if g["kind"] == "cell"]
    assert cells
    by_file: dict[str, list[dict]] = {}
    for c in cells:
        by_file.setdefault(c["file"], []).append(c)
    right = uncertain = wrong = 0
    for file, gold in by_file.items():
        tables = extract_tables(read_report(CORPUS / file))
        r, u, w = _score(tables, gold)
        right, uncertain, wrong = right + r, uncertain + u, wrong + w
        # the scoring can fail: a gold value off by one, or a cell the tables do not have, counts as wrong
        certain = next(g for g in gold if g["value"] is not None
                       and not tables.cell(g["table"], g["row"], g["column"]).uncertain)
        assert _score(tables, [dict(certain, value=certain["value"] + 1)])[2] == 1
        assert _score(tables, [dict(certain, row="no_such_row")])[2] == 1
    assert wrong == 0, f"{wrong} of {len(cells)} gold cells silently wrong or missing"
    assert right >= 0.95 * len(cells)
