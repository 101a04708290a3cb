"""The batch's one isolation boundary (nlp.isolation): a stage that fails on one report is recorded,
naming the report and the stage; the other stages' outputs and the other reports are kept.
Errors outside the stated types are not swallowed."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from corpora import DEMO_DIR
from nlp.analysis import analyze
from nlp.errors import ReportReadError
from nlp.guard import run_guarded
from nlp.isolation import STAGE_ERRORS, isolate

A, B = DEMO_DIR / "qinghe-edu-2020.txt", DEMO_DIR / "qinghe-edu-2021.txt"


def _failing_on(module, name: str, victim: Path, error: BaseException):
    """``module.name`` that raises ``error`` for the report read from ``victim`` and works for every other."""
    real = getattr(module, name)

    def stage(report, *args, **kwargs):
        if Path(report.source).name == victim.name:
            raise error
        return real(report, *args, **kwargs)

    return stage


def _by_file(result) -> dict:
    return {Path(a.report.source).name: a for a in result.analyses}


def test_tables_failing_on_one_report_keeps_the_rest(tmp_path, monkeypatch):
    import nlp.tables

    monkeypatch.setattr(nlp.tables, "extract_tables", _failing_on(nlp.tables, "extract_tables", B,
                                                                  ValueError("planted table bug")))
    result = analyze([A, B], tmp_path, stages=["parse", "tables", "checks", "themes"])
    got = _by_file(result)
    assert set(got) == {A.name, B.name} and not result.failures          # both reports stay in the batch
    assert got[B.name].tables is None and got[A.name].tables is not None and len(got[A.name].tables) > 100
    assert result.stages["tables"].status == "partial"
    assert f"tables: {B}: ValueError: planted table bug" in result.warnings
    # the other stages' outputs of the failing report are kept
    assert result.stages["themes"].status == "ok" and got[B.name].themes and got[B.name].theme_shares
    assert {f.report_id for f in result.findings} == {got[A.name].report.id}   # checks ran on the other report
    status = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    assert status["stages"]["tables"]["status"] == "partial"


def test_themes_failing_on_one_report_keeps_its_tables(tmp_path, monkeypatch):
    import nlp.themes

    monkeypatch.setattr(nlp.themes, "classify_themes", _failing_on(nlp.themes, "classify_themes", A,
                                                                   KeyError("no such unit")))
    result = analyze([A, B], tmp_path, stages=["parse", "tables", "themes"])
    got = _by_file(result)
    assert result.stages["themes"].status == "partial"   # the theme model ships in models/themes
    assert f"themes: {A}: KeyError: 'no such unit'" in result.warnings
    assert not got[A.name].themes and not got[A.name].theme_shares and got[A.name].tables is not None
    assert got[B.name].themes and abs(sum(got[B.name].theme_shares.values()) - 1) < 0.01


def test_a_set_stage_failing_keeps_the_per_report_outputs(tmp_path, monkeypatch):
    import nlp.checks

    def broken_checks(*args, **kwargs):
        raise ZeroDivisionError("planted checks bug")

    monkeypatch.setattr(nlp.checks, "check", broken_checks)
    result = analyze([A, B], tmp_path, stages=["parse", "tables", "checks", "compare"])
    assert result.stages["checks"].status == "skipped"
    assert result.stages["checks"].message == "failed: ZeroDivisionError: planted checks bug"
    assert "checks: ZeroDivisionError: planted checks bug" in result.warnings
    assert result.comparison is not None and result.stages["compare"].status == "ok"
    assert all(a.tables is not None for a in result.analyses) and len(result.analyses) == 2
    assert (tmp_path / "cells.csv").stat().st_size > 1000 and (tmp_path / "compare" / "pairs.csv").is_file()


def test_an_error_outside_the_stated_types_is_not_swallowed(tmp_path, monkeypatch):
    import nlp.tables

    assert not issubclass(NameError, STAGE_ERRORS) and not issubclass(ImportError, STAGE_ERRORS)
    monkeypatch.setattr(nlp.tables, "extract_tables", _failing_on(nlp.tables, "extract_tables", B,
                                                                  NameError("name 'log' is not defined")))
    monkeypatch.setenv("XXGK_FILE_TIMEOUT", "0")   # in this process: the error reaches the caller
    with pytest.raises(NameError):
        analyze([A, B], tmp_path, stages=["parse", "tables"])
    assert not (tmp_path / "analysis.json").exists()


def test_isolate_records_the_stage_and_reason():
    with isolate("summaries") as run:
        {}["level"]
    assert run.failure is not None and run.failure.stage == "summaries" and run.failure.reason == "KeyError: 'level'"
    with isolate("summaries") as ok:
        pass
    assert ok.failure is None
    with pytest.raises(KeyboardInterrupt), isolate("summaries"):
        raise KeyboardInterrupt


def _bug(text: str) -> str:
    raise IndexError(f"planted parser bug on {text}")


@pytest.mark.parametrize("timeout", [0, 30])
def test_the_file_guard_reports_a_parser_bug_the_same_in_and_out_of_process(timeout):
    with pytest.raises(ReportReadError) as e:
        run_guarded(_bug, "x", path="odd.txt", timeout=timeout, memory=10**9)
    assert str(e.value) == "odd.txt: internal error while reading: IndexError: planted parser bug on x"


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


CONTENT_TYPES = "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"


@pytest.mark.parametrize("data", [
    _zip({}),                                                          # no [Content_Types].xml: KeyError
    _zip({"[Content_Types].xml": "<Types"}),                            # broken XML: lxml's XMLSyntaxError
    _zip({"[Content_Types].xml": CONTENT_TYPES}),                       # no main document part
    _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<<"}),  # broken relationships
], ids=["no-content-types", "broken-xml", "no-document", "broken-rels"])
def test_docx_library_errors_are_one_line_read_errors(data):
    from nlp.ingest.docx import read_docx

    with pytest.raises(ReportReadError, match=r"^bad\.docx: not a readable \.docx file \("):
        read_docx(data, "bad.docx", [])
