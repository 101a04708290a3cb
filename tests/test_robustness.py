"""Hostile and unusual inputs: nothing hangs, nothing is silently lost, no traceback, no formula in a CSV.

One test (or more) per case of the hostile-input probe; the hang cases also have a benchmark
(``benchmarks/linearity.py``) that prints time per character from 10 KB to 20 MB.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from corpora import DEMO_DIR
from nlp.analysis import analyze
from nlp.batch import read_batch
from nlp.errors import ReportReadError, XxgkError
from nlp.ingest import read_source
from nlp.ingest.limits import LimitError, read_limits
from nlp.ingest.normalize import normalize_text, rejoin_wrapped_lines
from nlp.ingest.quality import check_text_layer

# a short report written for these tests (our own wording, not from the corpus)
SAMPLE = (
    "白石镇人民政府2023年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "本年度白石镇按照条例要求做好政务公开，全年主动公开信息86条。\n"
    "二、主动公开政府信息情况\n"
    "三、收到和处理政府信息公开申请情况\n"
    "本年度共收到申请3件，均已按期答复。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n"
    "公开内容不够细。下一步将细化公开目录。\n"
    "六、其他需要报告的事项\n"
    "本年度未收取信息处理费。\n"
)
STAGES_FAST = ["parse", "tables", "checks", "compare"]


def run_cli(*args: str, env: dict[str, str] | None = None):
    from cli import app

    return CliRunner().invoke(app, list(args), env=env)


def assert_one_line_error(res, *needles: str) -> None:
    """Exit 2, no traceback, the message on one line holding every needle."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, (OSError, ValueError, AttributeError))
    lines = [ln for ln in res.output.splitlines() if all(n in ln for n in needles)]
    assert lines, res.output


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def with_document_xml(template: bytes, xml: str) -> bytes:
    """``template`` (a DOCX) with its word/document.xml replaced."""
    src = zipfile.ZipFile(io.BytesIO(template))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, xml if info.filename == "word/document.xml" else src.read(info))
    return buf.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document_xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'


# ------------------------------------------------------------------ 1. hangs: linear rejoining

def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def test_rejoining_wrapped_lines_grows_linearly():
    """8× the lines must cost far less than 64× the time (quadratic growth: 2,000 lines took 5 s)."""
    small = ["测试" * 40] * 1000
    large = small * 8
    assert rejoin_wrapped_lines(list(small), []) == ["测试" * 40 * 1000]
    t_small = _best(lambda: rejoin_wrapped_lines(list(small), []))
    t_large = _best(lambda: rejoin_wrapped_lines(list(large), []))
    assert t_large < 24 * max(t_small, 1e-3), (t_small, t_large)


def test_normalizing_one_long_wrapped_text_grows_linearly():
    text = "\n".join(["测试" * 40] * 500)
    t_small = _best(lambda: normalize_text(text, [], wrapped=True))
    t_large = _best(lambda: normalize_text("\n".join([text] * 8), [], wrapped=True))
    assert t_large < 24 * max(t_small, 1e-3), (t_small, t_large)


def test_rejoining_keeps_table_rows_and_sentence_ends():
    width_line = "本机关认真落实政府信息公开条例各项要求并持续改进工作方式方法和"
    lines = [width_line] * 6 + ["结束。", "项目\t1\t2", width_line + "。", width_line, "收到申请 3 4 5"]
    out = rejoin_wrapped_lines(lines, [])
    assert out[0] == width_line * 6 + "结束。"
    assert "项目\t1\t2" in out and "收到申请 3 4 5" in out


# ------------------------------------------------------------------ 3. limits: expanded size, characters, XXGK_MAX_BYTES

def test_docx_that_expands_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_MAX_EXPANDED", "2MB")
    para = "<w:p><w:r><w:t>" + "测" * 2000 + "</w:t></w:r></w:p>"
    bomb = with_document_xml(docx_bytes(["x"]), document_xml(para * 500))   # ~3 MB of XML, a few KB zipped
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)
    assert path.stat().st_size < 100_000
    t = time.perf_counter()
    with pytest.raises(ReportReadError, match="expands to .* over the 2.0 MB limit"):
        read_source(path)
    assert time.perf_counter() - t < 2


@pytest.mark.parametrize("fmt", ["docx", "html", "txt"])
def test_extracted_characters_over_the_limit_are_refused(tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("XXGK_MAX_CHARS", "1000")
    text = SAMPLE * 10
    path = tmp_path / f"long.{fmt}"
    if fmt == "docx":
        path.write_bytes(docx_bytes(text.splitlines()))
    elif fmt == "html":
        path.write_text("<html><body>" + "".join(f"<p>{ln}</p>" for ln in text.splitlines()) + "</body></html>",
                        encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportReadError, match="character limit|characters of text"):
        read_source(path)


@pytest.mark.parametrize("value", ["abc", "50 parsecs", "-5", "0", "1e9"])
def test_a_bad_size_limit_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("XXGK_MAX_BYTES", value)
    with pytest.raises(LimitError, match="XXGK_MAX_BYTES"):
        read_limits()


@pytest.mark.parametrize("value, expected", [("50MB", 50_000_000), ("1.5 GB", 1_500_000_000), ("512KiB", 524_288),
                                             ("52428800", 52_428_800)])
def test_size_limits_with_units(monkeypatch, value, expected):
    monkeypatch.setenv("XXGK_MAX_BYTES", value)
    assert read_limits().max_bytes == expected


def test_a_bad_limit_stops_the_cli_before_any_work(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    res = run_cli("parse", str(tmp_path / "a.txt"), env={"XXGK_MAX_BYTES": "abc"})
    assert_one_line_error(res, "XXGK_MAX_BYTES", "not a size")


def test_a_file_that_takes_too_long_fails_alone_and_the_batch_goes_on(tmp_path, monkeypatch):
    """The per-file guard: a file whose reading outlasts XXGK_FILE_TIMEOUT is stopped and listed."""
    from nlp import guard

    monkeypatch.setenv("XXGK_FILE_TIMEOUT", "1")
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    slow = tmp_path / "slow.txt"
    slow.write_text(SAMPLE.replace("白石镇", "慢镇"), encoding="utf-8")
    from nlp import structure

    real = structure.read_report

    def read_report(path):
        if Path(path).name == "slow.txt":
            time.sleep(30)
        return real(path)

    monkeypatch.setattr(structure, "read_report", read_report)
    t = time.perf_counter()
    batch = read_batch([tmp_path])
    assert time.perf_counter() - t < 10
    assert [Path(r.source).name for r in batch.reports] == ["a.txt"]
    assert [(Path(f.path).name, "longer than 1 s" in f.reason) for f in batch.failures] == [("slow.txt", True)]
    assert guard.run_guarded(len, "abc", path="x", timeout=5, memory=10**9) == 3


def test_analyze_guards_parsing_and_tables_of_each_file(tmp_path, monkeypatch):
    """In analyze, a file whose tables take too long is stopped and listed; the other file is analysed."""
    from nlp import tables as tables_module

    monkeypatch.setenv("XXGK_FILE_TIMEOUT", "2")
    real = tables_module.extract_tables

    def extract_tables(report):
        if "慢镇" in report.text:
            time.sleep(60)
        return real(report)

    monkeypatch.setattr(tables_module, "extract_tables", extract_tables)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (src / "slow.txt").write_text(SAMPLE.replace("白石镇", "慢镇"), encoding="utf-8")
    t = time.perf_counter()
    result = analyze([src], tmp_path / "out", stages=["parse", "tables", "checks"])
    assert time.perf_counter() - t < 30
    assert [Path(a.path).name for a in result.analyses] == ["a.txt"]
    assert [(Path(f.path).name, "longer than 2 s" in f.reason) for f in result.failures] == [("slow.txt", True)]


def test_a_file_that_needs_too_much_memory_fails_alone():
    from nlp.guard import run_guarded

    with pytest.raises(ReportReadError, match="memory"):
        run_guarded(bytearray, 3 * 10**9, path="big.txt", timeout=30, memory=500 * 10**6)


# ------------------------------------------------------------------ 4. path errors, one line each

@pytest.fixture()
def sample_dir(tmp_path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args", [
    ["parse", "{in}/a.txt", "--out", "{t}/afile/x.json"],
    ["tables", "{in}/a.txt", "--out", "{t}/afile/x.csv"],
    ["check", "{in}/a.txt", "--out", "{t}/afile/deep/x.txt"],
    ["diff", "{in}/a.txt", "{in}/a.txt", "--html", "{t}/afile/x.html"],
    ["compare", "{in}", "--out", "{t}/afile/cmp"],
    ["analyze", "{in}", "--out", "{t}/afile/out", "--stages", "parse"],
])
def test_output_under_a_file_is_a_one_line_error(sample_dir, args):
    res = run_cli(*[a.format(t=sample_dir, **{"in": sample_dir / "in"}) for a in args])
    assert_one_line_error(res, "cannot write", "afile is not a directory")


def test_analyze_into_a_file_is_refused_before_any_work(sample_dir, monkeypatch):
    import nlp.analysis.job as job

    def no_work(*a, **k):
        raise AssertionError("a report was processed")

    monkeypatch.setattr(job, "_analyse_batch", no_work)
    res = run_cli("analyze", str(sample_dir / "in"), "--out", str(sample_dir / "afile"), "--stages", "parse")
    assert_one_line_error(res, "cannot write", "not a directory")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_output_in_an_unwritable_place_is_a_one_line_error(sample_dir):
    res = run_cli("parse", str(sample_dir / "in" / "a.txt"), "--out", "/proc/xxgk-test/x.json")
    assert_one_line_error(res, "cannot write", "/proc")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root may write anywhere")
def test_output_in_a_read_only_folder_is_a_one_line_error(sample_dir):
    ro = sample_dir / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = run_cli("parse", str(sample_dir / "in" / "a.txt"), "--out", str(ro / "x.json"))
        assert_one_line_error(res, "cannot write", "not writable")
    finally:
        ro.chmod(0o755)


# ------------------------------------------------------------------ 14. one refusal policy, --force everywhere

@pytest.mark.parametrize("command", ["parse", "tables", "check", "summarize"])
def test_an_existing_output_file_needs_force(sample_dir, command):
    target = sample_dir / "old.out"
    target.write_text("previous", encoding="utf-8")
    extra = ["--method", "extractive"] if command == "summarize" else []
    res = run_cli(command, str(sample_dir / "in" / "a.txt"), "--out", str(target), *extra)
    assert_one_line_error(res, "exists", "--force")
    assert target.read_text(encoding="utf-8") == "previous"
    res = run_cli(command, str(sample_dir / "in" / "a.txt"), "--out", str(target), "--force", *extra)
    assert res.exit_code == 0, res.output
    assert target.read_text(encoding="utf-8") != "previous"
    # an empty file (what `mktemp` makes) holds nothing to lose: it is written without --force
    empty = sample_dir / "empty.out"
    empty.write_bytes(b"")
    res = run_cli(command, str(sample_dir / "in" / "a.txt"), "--out", str(empty), *extra)
    assert res.exit_code == 0, res.output
    assert empty.stat().st_size > 0


def test_analyze_refuses_a_folder_of_other_files_without_force(sample_dir):
    other = sample_dir / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("my notes", encoding="utf-8")
    res = run_cli("analyze", str(sample_dir / "in"), "--out", str(other), "--stages", "parse")
    assert_one_line_error(res, "--force")
    res = run_cli("analyze", str(sample_dir / "in"), "--out", str(other), "--stages", "parse", "--force")
    assert res.exit_code == 0, res.output
    assert (other / "notes.txt").read_text(encoding="utf-8") == "my notes" and (other / "brief.html").is_file()


# ------------------------------------------------------------------ 5, 12. duplicate inputs

def test_compare_over_two_folders_holding_the_same_file(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt"):
            shutil.copy(DEMO_DIR / name, tmp_path / sub / name)
    res = run_cli("compare", str(tmp_path / "x"), str(tmp_path / "y"), "--out", str(tmp_path / "cmp"))
    assert res.exit_code == 0, res.output
    notes = [ln for ln in res.output.splitlines() if "same content as" in ln]
    assert len(notes) == 2 and all(str(tmp_path / "y") in n and str(tmp_path / "x") in n for n in notes)
    rows = list(csv.DictReader(open(tmp_path / "cmp" / "reports.csv", encoding="utf-8")))
    assert len(rows) == 2


def test_analyze_reads_a_duplicate_once_and_compare_still_runs(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt"):
        shutil.copy(DEMO_DIR / name, src / name)
    shutil.copy(DEMO_DIR / "qinghe-edu-2021.txt", src / "copy-of-2021.txt")
    out = tmp_path / "out"
    result = analyze([src], out, stages=STAGES_FAST)
    assert len(result.analyses) == 2 and result.comparison is not None
    assert [(Path(d.path).name, Path(d.same_as).name) for d in result.duplicates] == [("qinghe-edu-2021.txt",
                                                                                        "copy-of-2021.txt")]
    status = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert len(status["duplicates"]) == 1 and status["stages"]["compare"]["status"] == "ok"
    assert (out / "compare" / "reports.csv").is_file()


# ------------------------------------------------------------------ 6, 15. saved-report .json inputs validated

@pytest.mark.parametrize("content, needle", [
    ("null", "null"), ("[1, 2]", "list"), ('"a string"', "str"), ("{}", "'id'"),
    ('{"id": "x", "text": "abc", "parts": [{"start": 0, "end": 99}]}', "outside the text"),
    ('{"id": "x", "text": "abc", "parts": [{"start": 2, "end": 1}]}', "outside the text"),
    ('{"id": "x", "text": "abc", "agency": 5}', "'agency'"),
    ('{"id": "x", "text": "abc", "tables": [{"start": "0", "end": 1}]}', "not an offset"),
    ("{not json", "JSON"),
])
def test_bad_saved_reports_get_a_reason(tmp_path, content, needle):
    (tmp_path / "r.json").write_text(content, encoding="utf-8")
    batch = read_batch([tmp_path / "r.json"])
    assert not batch.reports
    assert len(batch.failures) == 1 and needle in batch.failures[0].reason, batch.failures


def test_a_saved_report_round_trips(tmp_path):
    from nlp.structure import read_report

    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    r = read_report(tmp_path / "a.txt")
    (tmp_path / "a.json").write_text(json.dumps(r.to_dict(), ensure_ascii=False), encoding="utf-8")
    back = read_report(tmp_path / "a.json")
    assert back.to_dict() == r.to_dict()


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(folder: Path):
    for path in sorted(folder.rglob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    yield path.name, cell


def test_no_formula_reaches_a_csv(tmp_path):
    """A file name and a saved report's agency that look like formulas stay text in every CSV."""
    from nlp.structure import read_report

    src = tmp_path / "in"
    src.mkdir()
    # a report that never names its agency: the agency comes from the file name
    text = "一、总体情况\n本年度持续推进公开工作，完善制度。\n二、主动公开政府信息情况\n全年主动公开信息120条。\n"
    (src / "=HYPERLINK(1)+2020.txt").write_text(text, encoding="utf-8")
    saved = read_report(DEMO_DIR / "qinghe-edu-2021.txt").to_dict()
    saved["agency"] = "=1+2"
    saved["source"] = "@SUM(A1)"
    (src / "saved.json").write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = analyze([src], out, stages=STAGES_FAST)
    assert len(result.analyses) == 2 and not result.failures
    cells = list(_csv_cells(out))
    assert {name for name, _ in cells} >= {"cells.csv", "findings.csv", "reports.csv", "pairs.csv"}
    bad = [(name, c) for name, c in cells if c.startswith(FORMULA) and not c.lstrip("+-").replace(".", "").isdigit()
           and c.strip("-")]
    assert bad == []
    assert any(c == "'=1+2" for _, c in cells) and any(c.startswith("'=HYPERLINK(1)") for _, c in cells)
    tables = run_cli("tables", str(src))
    assert tables.exit_code == 0 and "'=1+2" in tables.output and "\n=1+2" not in tables.output


# ------------------------------------------------------------------ 13. numbers out of range

@pytest.mark.parametrize("printed", ["1e30", "inf", "NaN", "1000000000000000"])
def test_a_number_out_of_range_is_an_invalid_cell_and_the_row_stays(tmp_path, printed):
    from nlp.checks import check
    from nlp.structure import read_report
    from nlp.tables import extract_tables

    row = "一、本年新收政府信息公开申请数量\t14\t2\t0\t0\t2\t0\t18"
    text = (DEMO_DIR / "qinghe-edu-2020.txt").read_text(encoding="utf-8")
    assert row in text
    (tmp_path / "r.txt").write_text(text.replace(row, row.replace("\t2\t0\t0", f"\t2\t{printed}\t0", 1)),
                                    encoding="utf-8")
    report = read_report(tmp_path / "r.txt")
    tables = extract_tables(report)
    received = {c.column: c for c in tables if c.table == "requests" and c.row == "received"}
    assert [received[k].value for k in ("natural_person", "commercial", "social_welfare", "total")] == [14, 2, 0, 18]
    bad = received["research"]
    assert (bad.semantic, bad.value, bad.raw, report.text[bad.start:bad.end]) == ("invalid", None, printed, printed)
    findings = [f for f in check([report], tables=[tables]) if f.rule == "CELL" and f.status == "fail"]
    assert [f.subject for f in findings] == [bad.key] and printed in findings[0].message


# ------------------------------------------------------------------ 7, 10. the cache

def test_a_cache_that_is_not_a_folder_is_a_clear_error_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("oops", encoding="utf-8")
    with pytest.raises(XxgkError, match=r"\.cache: exists and is not a directory"):
        analyze([DEMO_DIR / "qinghe-edu-2020.txt"], out, stages=["parse"])
    assert sorted(p.name for p in out.iterdir()) == [".cache"]


@pytest.mark.parametrize("damage", ["wrong-shape", "offsets", "truncated"])
def test_a_damaged_cache_entry_is_recomputed_and_replaced(tmp_path, damage):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DEMO_DIR / "qinghe-edu-2020.txt", src)
    out = tmp_path / "out"
    first = analyze([src], out, stages=["parse", "tables", "checks"])
    before = (out / "reports.jsonl").read_bytes()
    (entry,) = (out / ".cache").glob("*.json")
    good = json.loads(entry.read_text(encoding="utf-8"))
    if damage == "wrong-shape":
        bad = {**good, "report": ["not", "a", "report"], "tables": 7}
        entry.write_text(json.dumps(bad), encoding="utf-8")
    elif damage == "offsets":
        bad = json.loads(json.dumps(good))
        bad["report"]["parts"][0]["end"] = 10**9
        entry.write_text(json.dumps(bad), encoding="utf-8")
    else:
        entry.write_text(entry.read_text(encoding="utf-8")[:100], encoding="utf-8")
    second = analyze([src], out, stages=["parse", "tables", "checks"])
    assert len(second.analyses) == len(first.analyses) == 1 and not second.failures
    assert second.cache_hits == 0
    assert (out / "reports.jsonl").read_bytes() == before
    assert json.loads(entry.read_text(encoding="utf-8")) == good           # healed
    third = analyze([src], out, stages=["parse", "tables", "checks"])
    assert third.cache_hits == 1


def test_no_cache_rewrites_a_damaged_entry(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DEMO_DIR / "qinghe-edu-2020.txt", src)
    out = tmp_path / "out"
    analyze([src], out, stages=["parse"])
    (entry,) = (out / ".cache").glob("*.json")
    good = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps({**good, "report": None}), encoding="utf-8")
    analyze([src], out, stages=["parse"], use_cache=False)
    assert json.loads(entry.read_text(encoding="utf-8")) == good
    assert analyze([src], out, stages=["parse"]).cache_hits == 1


# ------------------------------------------------------------------ 9, 11. a consistent output set

def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


def _two_reports_analyzed(tmp_path: Path) -> tuple[Path, Path]:
    """Two demo reports copied to ``tmp_path/in`` and analyzed into ``tmp_path/out``."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt"):
        shutil.copy(DEMO_DIR / name, src / name)
    out = tmp_path / "out"
    analyze([src], out, stages=STAGES_FAST)
    return src, out


def test_a_typo_in_the_input_path_keeps_the_previous_outputs(tmp_path):
    src, out = _two_reports_analyzed(tmp_path)
    before = _snapshot(out)
    res = run_cli("analyze", str(tmp_path / "inn"), "--out", str(out), "--stages", "tables,checks,compare")
    assert res.exit_code == 2 and "inn" in res.output and "previous outputs" in res.output
    assert _snapshot(out) == before


def test_outputs_get_the_usual_file_mode(tmp_path):
    from nlp.batch import atomic_write

    mask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "x.csv", "a\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_streamed_output_that_fails_midway_keeps_the_previous_set(tmp_path, monkeypatch):
    """Large outputs are written row by row into the staging set: one that fails after its first
    rows leaves the previous outputs as they were and no staging folder or partial file behind."""
    import nlp.analysis.outputs as outputs

    src, out = _two_reports_analyzed(tmp_path)
    before = _snapshot(out)
    rows = outputs.finding_rows

    def failing(result):
        for k, row in enumerate(rows(result)):
            if k == 2:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(outputs, "finding_rows", failing)
    with pytest.raises(XxgkError, match="findings.csv"):
        analyze([src], out, stages=STAGES_FAST)
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.rglob("*") if ".staging-" in p.name or p.name.endswith(".tmp")]


def test_a_streamed_csv_file_equals_the_csv_text_with_its_mark(tmp_path):
    from nlp.csvsafe import csv_file, write_csv

    rows = [{"a": "=1+1", "b": "年度报告"}, {"a": None, "b": "-"}, {"a": "x\r\ny", "b": 3.5}]
    write_csv(tmp_path / "x.csv", rows, ["a", "b"], headers=["甲", "乙"], line_end="\r\n")
    assert (tmp_path / "x.csv").read_bytes() == csv_file(rows, ["a", "b"], headers=["甲", "乙"],
                                                         line_end="\r\n").encode("utf-8")
    assert (tmp_path / "x.csv").read_bytes().startswith("\ufeff甲,乙\r\n'=1+1".encode("utf-8"))
    write_csv(tmp_path / "empty.csv", [], None)   # nothing written: no mark either
    assert (tmp_path / "empty.csv").read_bytes() == b""


def test_a_stage_dropped_from_the_run_leaves_no_stale_outputs(tmp_path):
    src, out = _two_reports_analyzed(tmp_path)
    assert (out / "compare").is_dir()
    analyze([src], out, stages=["parse", "tables"])
    assert not (out / "compare").exists() and (out / ".cache").is_dir()
    assert "compare/" not in json.loads((out / "analysis.json").read_text(encoding="utf-8"))["outputs"]
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name or ".previous-" in p.name]


def test_recovery_after_a_kill_between_the_two_renames(tmp_path):
    """Where the folders cannot be swapped in one step: a kill between the renames is undone by the next run."""
    from nlp.analysis.runset import recover

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DEMO_DIR / "qinghe-edu-2020.txt", src)
    out = tmp_path / "out"
    analyze([src], out, stages=["parse"])
    before = _snapshot(out)
    out.rename(tmp_path / ".out.previous-123-456")          # the first rename done, the second not
    assert recover(out) and _snapshot(out) == before and (out / ".cache").is_dir()


STAGES_PROCESS = ["parse", "tables", "checks"]
ANALYZE_SCRIPT = (
    "import sys; from nlp.analysis import analyze; "
    f"analyze(sys.argv[2:], sys.argv[1], stages={STAGES_PROCESS!r})"
)


def _analyze_process(out: Path, *inputs: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", ANALYZE_SCRIPT, str(out), *map(str, inputs)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    """Two input sets and the outputs of a single fresh run of each."""
    base = tmp_path_factory.mktemp("sets")
    sets = {}
    for key, names in (("a", ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt")),
                       ("b", ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt", "liuchuan-transport-2020.txt"))):
        src = base / f"in-{key}"
        src.mkdir()
        for name in names:
            shutil.copy(DEMO_DIR / name, src / name)
        out = base / f"fresh-{key}"
        analyze([src], out, stages=STAGES_PROCESS)
        sets[key] = (src, _snapshot(out))
    return sets


def test_concurrent_runs_into_one_folder_both_finish_complete(tmp_path, two_sets):
    """Two analyze processes into one OUT at once: every report present, outputs identical to a single run.
    (XXGK_STRESS_REPS=20 repeats it 20 times; 2 by default to keep the suite fast.)"""
    src, fresh = two_sets["b"]
    for rep in range(int(os.environ.get("XXGK_STRESS_REPS", "2"))):
        out = tmp_path / f"out{rep}"
        procs = [_analyze_process(out, src) for _ in range(2)]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err.decode()
        assert _snapshot(out) == fresh
        lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3


def test_a_run_killed_at_any_moment_leaves_the_old_set_or_the_new_one(tmp_path, two_sets):
    """SIGKILL at random moments of a run that replaces set A by set B: OUT is A or B, byte for byte, never a mix;
    the next run then completes B."""
    (src_a, fresh_a), (src_b, fresh_b) = two_sets["a"], two_sets["b"]
    rng = random.Random(17)
    out = tmp_path / "out"
    seen = set()
    for trial in range(int(os.environ.get("XXGK_STRESS_REPS", "3"))):
        if out.exists():
            shutil.rmtree(out)
        assert _analyze_process(out, src_a).wait(timeout=300) == 0
        assert _snapshot(out) == fresh_a
        p = _analyze_process(out, src_b)
        time.sleep(rng.uniform(0.3, 2.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        snap = _snapshot(out)
        assert snap in (fresh_a, fresh_b), sorted(snap)
        seen.add("a" if snap == fresh_a else "b")
    result = analyze([src_b], out, stages=STAGES_PROCESS)
    assert _snapshot(out) == fresh_b and len(result.analyses) == 3
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name or ".previous-" in p.name]


# ------------------------------------------------------------------ also: mojibake and encrypted PDFs, deep HTML, NUL, names

def simple_pdf(lines: list[bytes]) -> bytes:
    """A one-page PDF drawing each line's bytes in Helvetica (WinAnsi), one under another: the way some
    generators put UTF-8 text into a PDF, so the text layer reads as Latin glyphs."""
    ops = [b"BT /F1 10 Tf 40 800 Td 12 TL"]
    for raw in lines:
        ops.append(b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*")
    stream = b"\n".join(ops + [b"ET"])
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_a_pdf_drawing_utf8_bytes_as_latin_glyphs_is_repaired(tmp_path):
    from nlp.structure import read_report

    lines = SAMPLE.splitlines()
    path = tmp_path / "mojibake.pdf"
    path.write_bytes(simple_pdf([ln.encode("utf-8") for ln in lines]))
    src = read_source(path)
    assert any("repaired a text layer" in c for c in src.changes)
    for ln in lines:
        assert ln in src.text
    parts = {p.key for p in read_report(path).parts}
    assert {"requests", "review_litigation", "problems"} <= parts, parts


def test_a_pdf_of_latin_glyphs_that_are_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin.pdf"
    path.write_bytes(simple_pdf(["ÆØÅ æøå éè àç ÿ ñ ß õ ã ä å æ ç è é ê".encode("cp1252")] * 20))
    with pytest.raises(ReportReadError, match="mojibake"):
        read_source(path)


def test_unmapped_glyph_codes_are_refused_or_removed():
    changes: list[str] = []
    warnings: list[str] = []
    with pytest.raises(ReportReadError, match=r"\(cid:N\)"):
        check_text_layer("(cid:12)(cid:40)(cid:7)本年度" * 50, "x.pdf", changes, warnings)
    text = check_text_layer(SAMPLE * 20 + "(cid:3)", "x.pdf", changes, warnings)
    assert "(cid:" not in text and warnings and text.startswith(SAMPLE)


def test_an_encrypted_pdf_says_password_protected(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    (tmp_path / "locked.pdf").write_bytes(buf.getvalue())
    batch = read_batch([tmp_path / "locked.pdf"])
    assert [f.reason for f in batch.failures] == ["password-protected PDF: remove the password first"]


@pytest.mark.parametrize("depth", [300, 3000, 6000])
def test_deeply_nested_html_keeps_its_text(tmp_path, depth):
    body = "".join(f"<p>{ln}</p>" for ln in SAMPLE.splitlines())
    page = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    src = read_source(tmp_path / "deep.html")
    for ln in SAMPLE.splitlines():
        assert ln in src.text


def test_nul_and_control_bytes_are_removed(tmp_path):
    (tmp_path / "nul.txt").write_bytes(SAMPLE.replace("86条", "8\x006条\x07").encode("utf-8"))
    src = read_source(tmp_path / "nul.txt")
    assert "\x00" not in src.text and "\x07" not in src.text and "全年主动公开信息86条" in src.text
    assert any("control characters" in c for c in src.changes)


def test_failure_lines_stay_one_line(tmp_path):
    """A newline in a file name and a path longer than 80 columns: each failure is one line of the output."""
    weird = tmp_path / "bad\nname.txt"
    weird.write_bytes(b"")
    deep = tmp_path / ("long-folder-name-" * 6)
    deep.mkdir()
    (deep / "empty-report-with-a-long-name.txt").write_bytes(b"")   # empty files are failures, not duplicates
    res = run_cli("parse", str(weird), str(deep / "empty-report-with-a-long-name.txt"), "-f", "text")
    assert res.exit_code == 2
    lines = res.output.splitlines()
    assert sum("bad\\nname.txt: empty file" in ln for ln in lines) == 1
    assert sum(str(deep / "empty-report-with-a-long-name.txt") + ": empty file" in ln for ln in lines) == 1


# ------------------------------------------------------------------ fuzz: no traceback, each failure listed once

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(max_examples=int(os.environ.get("XXGK_FUZZ_EXAMPLES", "25")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_TAGS = ["div", "p", "span", "table", "tr", "td", "th", "ul", "li", "br", "b", "h1", "script", "style", "nav"]
html_tree = st.recursive(
    st.sampled_from(["", "本年度", "1,234", "&amp;", "<", "（一）", "\t", "一、总体情况"]),
    lambda children: st.tuples(st.sampled_from(_TAGS), st.lists(children, max_size=4)).map(
        lambda t: f"<{t[0]}>" + "".join(t[1]) + (f"</{t[0]}>" if t[0] != "br" else "")),
    max_leaves=30)
docx_tree = st.recursive(
    st.sampled_from(["本年度", "12", "", "五、存在的主要问题", "<w:t>x</w:t>"]),
    lambda children: st.tuples(st.sampled_from(["w:p", "w:r", "w:t", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:x"]),
                               st.lists(children, max_size=3)).map(lambda t: f"<{t[0]}>" + "".join(t[1]) + f"</{t[0]}>"),
    max_leaves=20)
_SUFFIXES = [".txt", ".md", ".html", ".docx", ".pdf", ".json"]


def _assert_batch_lists_each_failure_once(folder: Path, n_files: int) -> None:
    batch = read_batch([folder], dedupe=False)
    paths = [f.path for f in batch.failures]
    assert len(paths) == len(set(paths))
    assert len(batch.reports) + len(batch.failures) == n_files
    assert all(f.reason and "\n" not in f.line() for f in batch.failures)


@FUZZ
@given(blobs=st.lists(st.tuples(st.sampled_from(_SUFFIXES), st.binary(max_size=3000)), min_size=1, max_size=4))
def test_fuzz_random_bytes(tmp_path_factory, blobs):
    folder = tmp_path_factory.mktemp("bytes")
    for i, (suffix, data) in enumerate(blobs):
        head = {".pdf": b"%PDF-1.4\n", ".docx": b"PK\x03\x04"}.get(suffix, b"")
        (folder / f"f{i}{suffix}").write_bytes(head + data if i % 2 else data)
    _assert_batch_lists_each_failure_once(folder, len(blobs))


@FUZZ
@given(pages=st.lists(html_tree, min_size=1, max_size=3), depth=st.integers(0, 400))
def test_fuzz_html_structure(tmp_path_factory, pages, depth):
    folder = tmp_path_factory.mktemp("html")
    for i, body in enumerate(pages):
        (folder / f"p{i}.html").write_text("<html><body>" + "<div>" * depth + body + SAMPLE * (i % 2)
                                          + "</div>" * depth + "</body></html>", encoding="utf-8")
    _assert_batch_lists_each_failure_once(folder, len(pages))


_DOCX_TEMPLATE = None


@FUZZ
@given(bodies=st.lists(docx_tree, min_size=1, max_size=3))
def test_fuzz_docx_structure(tmp_path_factory, bodies):
    global _DOCX_TEMPLATE
    _DOCX_TEMPLATE = _DOCX_TEMPLATE or docx_bytes(["x"])
    folder = tmp_path_factory.mktemp("docx")
    for i, body in enumerate(bodies):
        (folder / f"d{i}.docx").write_bytes(with_document_xml(_DOCX_TEMPLATE, document_xml(body)))
    _assert_batch_lists_each_failure_once(folder, len(bodies))


# names only (no "/" or ".."): a path outside the test's folder could expand a whole file system
path_part = st.text(alphabet=st.sampled_from(list("ab.-_ 中\n\t=+@")), min_size=1, max_size=12)


@FUZZ
@given(parts=st.lists(path_part, min_size=1, max_size=3),
       command=st.sampled_from(["parse", "tables", "check", "compare", "analyze"]), out_part=path_part)
def test_fuzz_cli_paths(tmp_path_factory, parts, command, out_part):
    base = tmp_path_factory.mktemp("cli")
    (base / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (base / "afile").write_text("x", encoding="utf-8")
    args = [command, str(base / "a.txt"), *(str(base / p) for p in parts), "--out", str(base / "afile" / out_part)
            if "\n" in out_part else str(base / out_part)]
    if command == "analyze":
        args += ["--stages", "parse"]
    res = run_cli(*args)
    assert res.exit_code in (0, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


def _slow_writer(text: str, seen: Path, fail_in_child: bool = False):
    """A writer that takes a moment, records which process wrote it, and (optionally) fails in a forked child."""
    def write(path: Path) -> None:
        import time

        time.sleep(0.05)
        if fail_in_child and os.getpid() != PARENT_PID:
            raise XxgkError(f"cannot write {path.name}: disk full")
        (seen / path.name).write_text(str(os.getpid()), encoding="utf-8")
        path.write_text(text, encoding="utf-8")
    return write


PARENT_PID = os.getpid()


def test_an_output_set_written_by_two_processes_is_the_set_one_process_writes(tmp_path):
    from nlp.analysis.runset import publish

    seen = tmp_path / "seen"
    seen.mkdir()
    files = {f"f{k}.csv": _slow_writer(f"文件{k}\n" * (k + 1), seen) for k in range(8)}
    files["sub/g.csv"] = _slow_writer("子目录\n", seen)
    files["analysis.json"] = "{}"
    one = publish(tmp_path / "one", files)
    two = publish(tmp_path / "two", files, processes=2, slow_first=["f7.csv", "missing.csv"])
    assert [p.relative_to(tmp_path / "two") for p in two] == [p.relative_to(tmp_path / "one") for p in one]
    assert {p.name: p.read_bytes() for p in two} == {p.name: p.read_bytes() for p in one}
    writers = {(seen / f"{p.name}").read_text() for p in two if p.name != "analysis.json"}
    assert len(writers) == 2 and str(os.getpid()) in writers       # this process and one forked writer shared them
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_a_writer_failing_in_a_forked_process_keeps_the_previous_set(tmp_path):
    from nlp.analysis.runset import publish

    seen = tmp_path / "seen"
    seen.mkdir()
    out = tmp_path / "out"
    publish(out, {"a.csv": "old\n", "b.csv": "old\n"})
    before = _snapshot(out)
    files = {f"f{k}.csv": _slow_writer("new\n", seen, fail_in_child=True) for k in range(6)}
    with pytest.raises(XxgkError, match="disk full"):
        publish(out, files, processes=2)
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def _pid_after_a_moment(x: int) -> tuple[int, int]:
    time.sleep(0.02)
    return x * x, os.getpid()


def test_map_on_forks_keeps_the_order_and_spreads_the_work():
    from nlp.forked import map_on_forks

    ticks: list[tuple[int, int]] = []
    got = map_on_forks(_pid_after_a_moment, list(range(20)), 3, progress=lambda d, t: ticks.append((d, t)))
    assert [v for v, _ in got] == [x * x for x in range(20)]
    assert len({pid for _, pid in got}) == 3 and os.getpid() in {pid for _, pid in got}
    assert ticks[-1] == (20, 20) and [d for d, _ in ticks] == sorted(d for d, _ in ticks)
    assert map_on_forks(_pid_after_a_moment, [3], 4) == [(9, os.getpid())]   # one item: no fork


def test_map_on_forks_raises_a_childs_error_and_reaps_the_children(monkeypatch):
    import nlp.forked as forked

    started: list[int] = []
    real_init = forked.ForkedCall.__init__

    def recording_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        started.append(self.pid)

    def fails_in_a_child(x: int) -> int:
        time.sleep(0.02)
        if os.getpid() != PARENT_PID:
            raise XxgkError(f"item {x} is bad")
        return x

    monkeypatch.setattr(forked.ForkedCall, "__init__", recording_init)
    with pytest.raises(XxgkError, match="is bad"):
        forked.map_on_forks(fails_in_a_child, list(range(12)), 2)
    assert len(started) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(started[0], 0)


def test_a_batch_read_on_several_processes_is_the_batch_read_in_one(tmp_path):
    """The shared corpus (real PDFs, Markdown, text, excerpts) plus a broken file, a duplicate and two
    saved reports with one id, read by one process and by two: the same reports, failures and duplicates."""
    from conftest import CORPUS

    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder, ignore=shutil.ignore_patterns("*.jsonl"))
    (folder / "zz-broken.docx").write_bytes(b"PK\x03\x04 not a docx")
    first = next(p for p in sorted(folder.rglob("*.txt")))
    shutil.copy(first, folder / "zz-copy.txt")
    saved = read_batch([first]).reports[0].to_dict()
    for name, extra in (("zz-a.json", "甲"), ("zz-b.json", "乙")):
        (folder / name).write_text(json.dumps({**saved, "text": saved["text"] + extra}, ensure_ascii=False),
                                   encoding="utf-8")
    ticks: list[tuple[int, int]] = []
    one = read_batch([folder])
    two = read_batch([folder], processes=2, progress=lambda d, t: ticks.append((d, t)))
    assert len(one.reports) > 2 * 8 and ticks[-1] == (ticks[-1][1],) * 2
    assert [r.to_dict() for r in two.reports] == [r.to_dict() for r in one.reports]
    assert [f.line() for f in two.failures] == [f.line() for f in one.failures]
    assert [d.line() for d in two.duplicates] == [d.line() for d in one.duplicates] != []
    reasons = [f.line() for f in two.failures]
    assert any("zz-broken.docx" in r for r in reasons) and any("zz-b.json" in r and "already used" in r for r in reasons)
