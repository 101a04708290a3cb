"""The corpus store: idempotent adds, incremental adds equal to one analyze run, corrections with history."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from corpora import DEMO_DIR  # noqa: E402
from nlp.analysis import analyze  # noqa: E402
from nlp.errors import XxgkError  # noqa: E402
from nlp.store import CorpusStore  # noqa: E402

#: the stages these tests run (summaries are slow and have their own tests)
STAGES = ["parse", "tables", "checks", "themes", "compare"]
#: analyze's data outputs that must match byte for byte (analysis.json and brief.html name the run)
DATA_FILES = ("reports.jsonl", "cells.csv", "findings.csv", "compare/passages.jsonl", "compare/reports.csv",
              "compare/pairs.csv", "compare/similarity.csv")
TABLES = ("reports", "versions", "cells", "findings", "themes", "passages", "passage_members", "report_measures",
          "shingle_df")


def demo_manifest() -> list[dict]:
    with open(DEMO_DIR / "manifest.jsonl", encoding="utf-8") as fh:
        return [d for d in map(json.loads, fh) if d.get("type") == "report"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The demo corpus copied, so its files can be added by year."""
    d = tmp_path_factory.mktemp("corpus") / "demo"
    shutil.copytree(DEMO_DIR, d, ignore=shutil.ignore_patterns("manifest.jsonl"))
    return d


def compare_index(texts: list[str]) -> tuple[list[int], list[int]]:
    """Compare's own shingle index over ``texts``: (hashes, document frequencies)."""
    from nlp.comparison import CompareConfig
    from nlp.comparison.index import DocShingles, ShingleIndex
    from nlp.comparison.textprep import content_stream, shingle_hashes

    n = CompareConfig().ngram
    index = ShingleIndex.build([DocShingles.build(shingle_hashes(content_stream(t).chars, n)) for t in texts])
    return index.hashes.tolist(), index.df.tolist()


def stored_frequencies(store: CorpusStore) -> tuple[list[int], list[int]]:
    rows = store.query("SELECT hash, df FROM shingle_df ORDER BY hash")[1]
    return [h for h, _ in rows], [d for _, d in rows]


def stored_texts(store: CorpusStore) -> list[str]:
    return [json.loads(s)["text"] for (s,) in store.query("SELECT structure FROM reports")[1]]


def counts(store: CorpusStore) -> dict[str, int]:
    return {t: store.query(f"SELECT count(*) FROM {t}")[1][0][0] for t in TABLES}


def test_incremental_adds_equal_one_analyze_run_and_readding_changes_nothing(corpus, tmp_path):
    first = [p for p in sorted(corpus.iterdir()) if "2022" not in p.name]
    later = [p for p in sorted(corpus.iterdir()) if "2022" in p.name]
    assert first and later
    with CorpusStore(tmp_path / "c.duckdb") as store:
        r1 = store.add(first, stages=STAGES)
        assert len(r1.added) == len(first) and not r1.failures
        r2 = store.add([corpus])  # everything: only next year's files are new
        # the n-gram frequencies were updated, not recounted, and equal compare's index over the union
        assert stored_frequencies(store) == compare_index(stored_texts(store))
        assert sorted(r2.added) == sorted(map(str, later)) and len(r2.unchanged) == len(first)
        # pair-incremental compare: the pairs whose inputs are unchanged came from the store, the rest were
        # aligned again (the exports below equal a from-scratch run, so neither kind went wrong)
        assert r1.pairs_reused == 0 and r1.pairs_computed > 0
        assert r2.pairs_reused > 0 and r2.pairs_computed > 0
        assert r2.pairs_computed + r2.pairs_reused == store.query("SELECT count(*) FROM compared_pairs")[1][0][0]
        before = counts(store)
        snapshot = store.query("SELECT report_id, version, added_at FROM reports ORDER BY 1")
        r3 = store.add([corpus])
        assert r3.added == [] and len(r3.unchanged) == len(first) + len(later)
        assert counts(store) == before and store.query("SELECT report_id, version, added_at FROM reports ORDER BY 1") == snapshot
        assert before["reports"] == len(first) + len(later) and before["findings"] > 0 and before["passages"] > 0
        store.export(tmp_path / "store-out")
    analyze([corpus], tmp_path / "full", stages=STAGES, use_cache=False)
    for name in DATA_FILES:
        assert (tmp_path / "store-out" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_correction_turns_the_failed_check_and_survives_readding(corpus, tmp_path):
    planted = next((r, e) for r in demo_manifest() for e in r["errors"]
                   if e["kind"] == "t3_balance" and r["format"] in ("txt", "md"))  # text: a line can be appended
    entry, error = planted
    cell = error["cells"][0]
    key = f"{cell['table']}:{cell['row']}:{cell['column']}"
    path = tmp_path / "in" / entry["file"]
    path.parent.mkdir()
    shutil.copy(corpus / entry["file"], path)
    with CorpusStore(tmp_path / "c.duckdb") as store:
        store.add([path], stages=["parse", "tables", "checks"])
        (rid,), = store.query("SELECT report_id FROM reports")[1]
        subject = f"{cell['table']}:*:{cell['column']}"
        status = "SELECT status FROM findings WHERE rule = 'T3-BALANCE' AND subject = ?"
        assert store.query(status, [subject])[1] == [("fail",)]
        (fid,), = store.query("SELECT finding_id FROM findings WHERE rule = 'T3-BALANCE' AND subject = ?", [subject])[1]
        store.review(fid, "confirmed", reason="the printed balance is off", author="auditor-a")

        version = store.correct(entry["agency_id"] + "-" + str(entry["year"]), key, str(cell["true"]),
                                reason="balance of the printed table", author="auditor-a")
        assert version == 2
        assert store.query(status, [subject])[1] == [("pass",)]
        value = "SELECT value FROM cells WHERE \"table\" = ? AND \"row\" = ? AND \"column\" = ?"
        assert store.query(value, [cell["table"], cell["row"], cell["column"]])[1] == [(cell["true"],)]
        # the first version is frozen with the printed value
        (v1,), = store.query("SELECT tables FROM versions WHERE report_id = ? AND version = 1", [rid])[1]
        printed = [c["value"] for c in json.loads(v1)["tables"][cell["table"]]["cells"] if c["key"] == key]
        assert printed == [cell["printed"]]
        history = store.history()
        assert [h["kind"] for h in history] == ["review", "correction"] or [h["kind"] for h in history] == ["correction", "review"]
        fix = next(h for h in history if h["kind"] == "correction")
        assert float(fix["old"]) == cell["printed"] and float(fix["new"]) == cell["true"] and fix["author"] == "auditor-a"

        again = store.add([path])
        assert again.added == [] and again.unchanged == [str(path)]
        assert store.query(value, [cell["table"], cell["row"], cell["column"]])[1] == [(cell["true"],)]
        assert store.query(status, [subject])[1] == [("pass",)]

        # the file changes: its new content replaces the report; changed back, the correction returns
        original = path.read_bytes()
        path.write_bytes(original + "\n本报告另附说明。\n".encode("utf-8"))
        changed = store.add([path])
        assert changed.replaced == [str(path)] and store.query("SELECT count(*) FROM reports")[1] == [(1,)]
        assert store.query(value, [cell["table"], cell["row"], cell["column"]])[1] == [(cell["printed"],)]
        assert stored_frequencies(store) == compare_index(stored_texts(store))  # the old text's shingles left
        path.write_bytes(original)
        store.add([path])
        assert store.query("SELECT report_id, version FROM reports")[1] == [(rid, 2)]
        assert store.query(value, [cell["table"], cell["row"], cell["column"]])[1] == [(cell["true"],)]

        out = tmp_path / "out"
        store.export(out)
    with open(out / "cells.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if (r["table"], r["row"], r["column"]) == (cell["table"], cell["row"], cell["column"])]
    assert [float(r["value"]) for r in rows] == [cell["true"]]
    history_csv = (out / "history.csv").read_text(encoding="utf-8")
    assert key in history_csv and "balance of the printed table" in history_csv and fid in history_csv


def test_bad_corrections_and_queries_are_clear_errors(corpus, tmp_path):
    path = next(p for p in sorted(corpus.iterdir()) if p.suffix == ".txt")
    with CorpusStore(tmp_path / "c.duckdb") as store:
        store.add([path], stages=["parse", "tables", "checks"])
        with pytest.raises(XxgkError, match="no report"):
            store.correct("no-such-report", "requests:received:total", "3", reason="x")
        with pytest.raises(XxgkError, match="no cell"):
            store.correct(path.stem, "requests:nothing:total", "3", reason="x")
        with pytest.raises(XxgkError, match="must be a number"):
            store.correct(path.stem, "requests:received:total", "three", reason="x")
        with pytest.raises(XxgkError, match="needs a reason"):
            store.correct(path.stem, "requests:received:total", "3", reason=" ")
        with pytest.raises(XxgkError, match="verdict"):
            store.review("abc", "maybe")
        with pytest.raises(XxgkError, match="query failed"):
            store.query("SELECT * FROM no_such_table")
        with pytest.raises(XxgkError, match="same --stages"):
            store.add([path], stages=["parse"])


def test_store_cli_add_query_export(corpus, tmp_path):
    from typer.testing import CliRunner

    from cli import app

    files = [str(p) for p in sorted(corpus.iterdir())[:3]]
    db = str(tmp_path / "c.duckdb")
    runner = CliRunner()
    res = runner.invoke(app, ["store", "add", *files, "--db", db, "--stages", "parse,tables,checks"])
    assert res.exit_code == 0, res.output
    assert "3 added" in res.output
    res = runner.invoke(app, ["store", "add", *files, "--db", db])
    assert res.exit_code == 0 and "0 added, 3 unchanged" in res.output
    res = runner.invoke(app, ["store", "query", "SELECT count(*) AS n FROM reports", "--db", db])
    assert res.exit_code == 0 and res.output.splitlines()[-1].strip() == "3"
    # compare's figure: how many report pairs were aligned by this add and how many came from the store
    cdb = str(tmp_path / "compare.duckdb")
    texts = [str(p) for p in sorted(corpus.iterdir()) if p.suffix in (".txt", ".md")][:4]
    assert runner.invoke(app, ["store", "add", *texts[:3], "--db", cdb, "--stages", "parse,compare"]).exit_code == 0
    res = runner.invoke(app, ["store", "add", *texts, "--db", cdb])
    line = next(ln for ln in res.output.splitlines() if ln.startswith("compare: "))
    aligned, reused = (int(w) for w in line.split() if w.isdigit())
    stored = runner.invoke(app, ["store", "query", "SELECT count(*) FROM compared_pairs", "--db", cdb])
    assert aligned > 0 and aligned + reused == int(stored.output.splitlines()[-1])
    res = runner.invoke(app, ["store", "query", "SELECT nope", "--db", db])
    assert res.exit_code == 2 and "query failed" in res.output
    res = runner.invoke(app, ["store", "export", "--db", db, "--out", str(tmp_path / "out")])
    assert res.exit_code == 0 and (tmp_path / "out" / "cells.csv").is_file()
    missing = str(tmp_path / "none.duckdb")
    res = runner.invoke(app, ["store", "query", "SELECT 1", "--db", missing])
    assert res.exit_code == 2 and "no such store" in " ".join(res.output.split()) and not Path(missing).exists()
    bad = tmp_path / "not-a-store.duckdb"
    bad.write_bytes(b"this is not a database file" * 200)
    res = runner.invoke(app, ["store", "add", files[0], "--db", str(bad)])
    assert res.exit_code == 2 and "cannot open the store" in " ".join(res.output.split())


def test_an_interrupted_add_resumes_from_the_store(corpus, tmp_path, monkeypatch):
    import nlp.store.ingest as store_module

    files = [p for p in sorted(corpus.iterdir()) if p.suffix in (".txt", ".md")][:5]
    monkeypatch.setattr(store_module, "ADD_BATCH", 2)
    inserted: list[str] = []
    real_insert = CorpusStore._insert_analysis

    def insert_then_die(self, a, author):
        if len(inserted) == 3:
            raise KeyboardInterrupt  # the client is killed in its second batch
        inserted.append(a.report.id)
        real_insert(self, a, author)

    stages = ["parse", "tables", "checks", "compare"]
    with CorpusStore(tmp_path / "c.duckdb") as store:
        monkeypatch.setattr(CorpusStore, "_insert_analysis", insert_then_die)
        with pytest.raises(KeyboardInterrupt):
            store.add(files, stages=stages)
        monkeypatch.setattr(CorpusStore, "_insert_analysis", real_insert)
        # the first batch was committed, the interrupted one left no trace
        assert store.query("SELECT count(*) FROM reports")[1] == [(2,)]
        resumed = store.add(files)
        assert len(resumed.unchanged) == 2 and len(resumed.added) == 3
        assert stored_frequencies(store) == compare_index(stored_texts(store))
        got = {t: n for t, n in counts(store).items()}
    with CorpusStore(tmp_path / "fresh.duckdb") as fresh:
        fresh.add(files, stages=stages)
        assert counts(fresh) == got


def test_one_store_holds_headlines_of_one_precision_and_its_export_says_which(corpus, tmp_path):
    from typer.testing import CliRunner

    from cli import app

    texts = [str(p) for p in sorted(corpus.iterdir()) if p.suffix == ".txt"][:2]
    db, runner = str(tmp_path / "s.duckdb"), CliRunner()
    res = runner.invoke(app, ["store", "add", texts[0], "--db", db, "--stages", "parse,tables,summaries"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["store", "add", texts[1], "--db", db, "--precision", "bf16"])
    assert res.exit_code == 2 and "headlines were made at fp32: give --precision fp32" in " ".join(res.output.split())
    assert "Traceback" not in res.output
    assert runner.invoke(app, ["store", "query", "SELECT count(*) FROM reports", "--db", db]).output.split()[-1] == "1"
    res = runner.invoke(app, ["store", "export", "--db", db, "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["headline_precision"] == "fp32"
