"""`xxgk analyze` end to end: outputs, ground truth in the outputs, cache, bad input, brief.html in a browser."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPORTS_DIR, ROOT
from corpora import DEMO_DIR, load_manifest
from nlp.analysis import analyze

OUTPUTS = ("reports.jsonl", "cells.csv", "findings.csv", "brief.html", "analysis.json",
           "compare/passages.jsonl", "compare/reports.csv", "compare/pairs.csv", "compare/similarity.csv")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The demo corpus analysed once: (result, out_dir)."""
    out = tmp_path_factory.mktemp("analysis")
    return analyze([DEMO_DIR], out), out


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest(DEMO_DIR)


def _stem_of(result) -> dict[str, str]:
    return {a.report.id: Path(a.report.source).stem for a in result.analyses}


def _read_csv(path: Path) -> list[dict]:
    """A CSV of the output set: it must start with the UTF-8 BOM (Excel), then header and rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    return list(csv.DictReader(raw[3:].decode("utf-8").splitlines()))


def test_demo_analysis_writes_every_output(demo_run, manifest):
    result, out = demo_run
    for name in OUTPUTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not result.failures
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(manifest["reports"]) == 12
    rec = json.loads(lines[0])
    assert {"structure", "key_numbers", "checks", "summaries", "theme_shares", "compare"} <= set(rec)
    from nlp.document import Report

    rebuilt = Report.from_dict(rec["structure"])
    assert rebuilt.text and [p.key for p in rebuilt.parts][:3] == ["overview", "proactive", "requests"]
    truth = {e["id"]: e for e in manifest["reports"]}
    for line in lines:
        rec = json.loads(line)
        e = truth[Path(rec["source"]).stem]
        assert rec["key_numbers"]["received"] == e["tables"]["printed"]["t3"]["received"][6]
        assert rec["key_numbers"]["review"] == e["tables"]["printed"]["t4"]["review"][4]
    cells = _read_csv(out / "cells.csv")
    assert len(cells) == sum(len(a.tables) for a in result.analyses) > 12 * 190
    assert list(cells[0])[0] == "report_id" and cells[0]["report_id"] == result.analyses[0].report.id
    # one convention for every CSV of the set (cells, findings, compare/, panel, scorecard): the BOM, once
    for path in sorted(out.rglob("*.csv")):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and not raw[3:].startswith(b"\xef\xbb\xbf"), path.name
    status = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert status["stages"]["parse"]["status"] == "ok" and status["failures"] == []
    assert len(status["reports"]) == 12
    for stage in ("tables", "checks", "themes", "summaries", "compare"):   # the themes model ships in models/themes
        assert status["stages"][stage]["status"] == "ok", status["stages"][stage]
    assert status["headline_precision"] == "fp32"   # the default: which number format made the headlines
    for a in result.analyses:
        assert any(s["level"] == "report" for s in a.summaries)
        assert abs(sum(a.theme_shares.values()) - 1) < 0.01 and a.themes


def test_planted_errors_are_failed_checks_in_findings_csv(demo_run, manifest):
    result, out = demo_run
    stem = {a.report.id: Path(a.report.source).stem for a in result.analyses}
    failed: dict[str, set[str]] = defaultdict(set)
    for row in _read_csv(out / "findings.csv"):
        if row["status"] == "fail":
            failed[stem[row["report_id"]]].add(row["rule"])
            assert row["evidence"], row  # every failure points at cells or text
    planted = 0
    for e in manifest["reports"]:
        table_rules = {f["rule"] for f in e["expected_failures"]} - {"TXT-NUM"}
        assert table_rules <= failed[e["id"]], e["id"]
        planted += len(e["errors"])
    assert planted >= 5


def test_planted_copies_are_in_the_reuse_output(demo_run, manifest):
    result, out = demo_run
    stem = _stem_of(result)
    texts = {stem[a.report.id]: a.report.text for a in result.analyses}
    members: dict[str, list[tuple[str, int, int]]] = defaultdict(list)   # report stem -> (passage, start, end)
    for line in (out / "compare" / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        if p["kind"] == "reuse":
            for m in p["members"]:
                members[stem[m["report"]]].append((p["id"], m["start"], m["end"]))
    assert manifest["copies"]
    for c in manifest["copies"]:
        t0 = texts[c["target"]].find(c["text"])
        assert t0 >= 0, (c["target"], c["text"][:20])
        t1 = t0 + len(c["text"])
        # the source, or an earlier report it copied the same text from (chained copies are identical)
        holders = [k for k, t in texts.items() if k != c["target"] and c["text"] in t]
        in_source = set()
        for k in holders:
            s0 = texts[k].find(c["text"])
            in_source |= {pid for pid, a, b in members[k] if min(b, s0 + len(c["text"])) > max(a, s0)}
        covered: set[int] = set()
        for pid, a, b in members[c["target"]]:
            if pid in in_source:
                covered.update(range(max(a, t0), min(b, t1)))
        assert len(covered) >= 0.5 * len(c["text"]), (c["kind"], c["source"], c["target"])


def test_rerun_is_identical_and_unchanged_files_come_from_the_cache(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt", "liuchuan-transport-2021.html"):
        shutil.copy(DEMO_DIR / name, src / name)
    out = tmp_path / "out"
    first = analyze([src], out, stages=["parse", "tables", "checks", "compare"])
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    assert first.cache_hits == 0 and len(list((out / ".cache").glob("*.json"))) == 3
    again = analyze([src], out, stages=["parse", "tables", "checks", "compare"])
    assert again.cache_hits == 3
    assert "headline_precision" not in json.loads((out / "analysis.json").read_text(encoding="utf-8"))   # no summaries
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before
    # a changed file is processed again; the others still come from the cache
    changed = src / "qinghe-edu-2021.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("青禾市教育局", "青禾市教育体育局"), encoding="utf-8")
    third = analyze([src], out, stages=["parse", "tables", "checks", "compare"])
    assert third.cache_hits == 2
    agencies = sorted(a.report.agency for a in third.analyses)
    assert "青禾市教育体育局" in agencies


def test_entries_decoded_ahead_are_what_the_cache_gives_and_the_run_is_the_same(tmp_path):
    """A Dask client decodes entries as its workers send them (decoded_entry): each is the analysis
    the cache file gives, handed out once with its path; a stale or broken entry is left to the file;
    a run given them writes the same outputs as one that reads the files."""
    from nlp.analysis.cache import ReportCache, cache_key, decoded_entry, run_fingerprint
    from nlp.analysis.stages import load_stages

    src = tmp_path / "in"
    src.mkdir()
    for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt", "liuchuan-transport-2021.html"):
        shutil.copy(DEMO_DIR / name, src / name)
    stages = ["parse", "tables", "checks", "themes", "compare"]
    out = tmp_path / "out"
    analyze([src], out, stages=stages)
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    funcs, _ = load_stages(stages)
    fingerprint = run_fingerprint(None)
    decoded = {}
    for path in sorted(src.iterdir()):
        key = cache_key(path, path.read_bytes())
        body = (out / ".cache" / f"{key}.json").read_bytes()
        a = decoded_entry(body, fingerprint, stages)
        expected = ReportCache(out, fingerprint=fingerprint).get(path, key, funcs)
        assert a is not None and expected is not None and a.path != str(path)
        assert (a.report.to_dict(), a.tables.to_dict(), a.themes) == \
               (expected.report.to_dict(), expected.tables.to_dict(), expected.themes)
        assert decoded_entry(body, fingerprint + "-bf16", stages) is None
        assert decoded_entry(body[:-20], fingerprint, stages) is None
        decoded[key] = a
    cache = ReportCache(out, fingerprint=fingerprint, decoded=dict(decoded))
    first = sorted(src.iterdir())[0]
    key = cache_key(first, first.read_bytes())
    handed = cache.get(first, key, funcs)
    assert handed is decoded[key] and handed.path == handed.report.source == str(first) and key not in cache.decoded
    again = analyze([src], out, stages=stages, decoded=decoded)
    assert again.cache_hits == 3 and not decoded      # every one handed out
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before


def test_the_cache_fingerprint_covers_code_that_exists():
    """Every module or package named in CACHED_CODE exists, so a change to it invalidates cached results
    (a renamed package left under its old name would silently stop counting)."""
    from nlp.analysis.cache import CACHED_CODE

    root = Path(__file__).resolve().parents[1] / "nlp"
    assert [name for name in CACHED_CODE if not (root / name).exists()] == []


def test_bad_files_are_listed_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DEMO_DIR / "qinghe-edu-2020.txt", src)
    (src / "broken.docx").write_bytes(b"this is not a zip file")
    (src / "empty.txt").write_text("", encoding="utf-8")
    result = analyze([src, tmp_path / "missing.md"], tmp_path / "out", stages=["parse", "tables", "checks"])
    assert [Path(a.report.source).name for a in result.analyses] == ["qinghe-edu-2020.txt"]
    failed = {Path(f.path).name: f.reason for f in result.failures}
    assert set(failed) == {"broken.docx", "empty.txt", "missing.md"}
    assert all(reason for reason in failed.values())
    brief = (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")
    assert "broken.docx" in brief and "missing.md" in brief
    status = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert {Path(f["path"]).name for f in status["failures"]} == set(failed)


def test_a_stage_without_its_model_is_skipped_with_a_warning(tmp_path, monkeypatch):
    import nlp.summaries
    from nlp.errors import ModelLoadError

    def no_model(*args, **kwargs):
        raise ModelLoadError("models/summarizer: no card.json")

    monkeypatch.setattr(nlp.summaries, "summarize_many", no_model)
    result = analyze([DEMO_DIR / "qinghe-edu-2020.txt"], tmp_path, stages=["parse", "tables", "summaries"])
    assert result.stages["summaries"].status == "skipped"
    assert "no card.json" in result.stages["summaries"].message
    assert result.stages["compare"].message == "not requested"
    assert not (tmp_path / "compare").exists()
    status = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    assert status["stages"]["summaries"]["status"] == "skipped"
    assert "compare/" not in status["outputs"] and "brief.html" in status["outputs"]
    assert "未运行" in (tmp_path / "brief.html").read_text(encoding="utf-8")


def test_a_stage_whose_import_fails_is_an_error_not_a_skip(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nlp.summaries", None)   # a broken import is a bug, not a missing stage
    with pytest.raises(ImportError):
        analyze([DEMO_DIR / "qinghe-edu-2020.txt"], tmp_path, stages=["parse", "summaries"])
    assert not (tmp_path / "analysis.json").exists()


HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_brief(tmp_path_factory) -> Path:
    """The brief of a report whose file name and text carry markup that would run if not escaped."""
    d = tmp_path_factory.mktemp("hostile")
    (d / "in").mkdir()
    text = (DEMO_DIR / "qinghe-edu-2020.txt").read_text(encoding="utf-8")
    text = text.replace("青禾市教育局2020年", f"青禾市教育局{HOSTILE}2020年", 1).replace("（一）", f"（一）{HOSTILE}", 1)
    (d / "in" / "<img src=x onerror=alert(2)>.txt").write_text(text, encoding="utf-8")
    result = analyze([d / "in"], d / "out", stages=["parse", "tables", "checks", "summaries"])
    assert len(result.analyses) == 1 and HOSTILE in result.analyses[0].report.text
    return d / "out" / "brief.html"


def test_report_text_is_escaped_in_the_brief(hostile_brief):
    brief = hostile_brief.read_text(encoding="utf-8")
    assert "<script" not in brief.lower() and "<img" not in brief.lower()
    assert "&lt;img src=x onerror=alert(2)&gt;" in brief
    # self-contained: nothing fetched from elsewhere (the SVG namespace is a name, not a fetch)
    assert "http://" not in brief.replace("http://www.w3.org/2000/svg", "") and "https://" not in brief


def test_cli_analyze(tmp_path):
    from cli import app

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DEMO_DIR / "luwan-gov-2021.md", src)
    shutil.copy(DEMO_DIR / "luwan-gov-2022.html", src)
    runner = CliRunner()
    ok = runner.invoke(app, ["analyze", str(src), "--out", str(tmp_path / "out"), "--stages", "tables,checks,compare"])
    assert ok.exit_code == 0, ok.output
    assert "2 reports" in ok.output and (tmp_path / "out" / "brief.html").is_file()
    bad = runner.invoke(app, ["analyze", str(src), str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out2"),
                              "--stages", "tables"])
    assert bad.exit_code == 2 and "nope.pdf" in bad.output
    wrong = runner.invoke(app, ["analyze", str(src), "--out", str(tmp_path / "o3"), "--stages", "tables,colour"])
    assert wrong.exit_code == 2 and "unknown stage" in wrong.output


def test_real_reports_from_the_shared_corpus(tmp_path):
    """The job on real reports (shapes the generator does not make): all read, checks and compare run."""
    files = [REPORTS_DIR / n for n in ("huaian-office-2019.txt", "shanghai-office-2025.md", "shuyang-county-2025.txt")]
    result = analyze(files, tmp_path, stages=["parse", "tables", "checks", "compare"])
    assert not result.failures and len(result.analyses) == 3
    assert all(result.stages[s].status == "ok" for s in ("parse", "tables", "checks", "compare")), result.stages
    assert {f.report_id for f in result.findings} == {a.report.id for a in result.analyses}   # each report audited
    assert result.comparison is not None and len(result.comparison.reports) == 3
    brief = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert brief.count('class="card"') == 3


# ------------------------------------------------------------------ the brief in a real browser

def _browser():
    """A headless Chromium driven by selenium, or a skip (CI sets XXGK_REQUIRE_BROWSER=1 to make it a failure)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    missing = [n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        if os.environ.get("XXGK_REQUIRE_BROWSER"):
            pytest.fail(f"browser test needs {', '.join(missing)}")
        pytest.skip(f"browser test needs {', '.join(missing)}")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(arg)
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def test_brief_opens_in_headless_chromium(demo_run, hostile_brief):
    result, out = demo_run
    browser = _browser()
    try:
        browser.get((out / "brief.html").resolve().as_uri())
        problems = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        assert problems == []
        for section in ("overview", "cross", "reused", "boilerplate", "yoy", "heatmap", "themes", "cards", "notes"):
            assert browser.find_elements("id", section), f"section #{section} missing"
        assert len(browser.find_elements("css selector", ".card")) == 12
        assert len(browser.find_elements("css selector", "#heatmap + div svg rect")) >= 12 * 12
        assert browser.execute_script("return document.scripts.length") == 0
        title = browser.find_element("tag name", "h1").text
        assert "分析简报" in title
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1200, min(int(height), 4000))
        shots = ROOT / "artifacts"
        shots.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(shots / "brief.png"))
        assert (shots / "brief.png").stat().st_size > 10_000
        # print layout: the navigation is hidden and the page prints to a multi-page PDF
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert browser.execute_script("return getComputedStyle(document.querySelector('nav')).display") == "none"
        import base64

        pdf = base64.b64decode(browser.print_page())
        (shots / "brief.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") > 3
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        # a report carrying markup: it shows as text and nothing runs
        browser.get(hostile_brief.resolve().as_uri())
        assert browser.execute_script("return document.title") == "政府信息公开工作年度报告分析简报"
        assert browser.execute_script("return document.images.length") == 0
        assert "<img src=x onerror=alert(2)>" in browser.find_element("tag name", "body").text
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        browser.quit()


def test_exported_as_nlp_analyze(tmp_path):
    import nlp

    result = nlp.analyze([DEMO_DIR / "qinghe-edu-2020.txt"], tmp_path, stages=["parse"])
    assert [a.report.year for a in result.analyses] == [2020]
    assert (tmp_path / "reports.jsonl").is_file()


def test_outputs_inside_the_input_folder_are_not_read_back(tmp_path):
    shutil.copy(DEMO_DIR / "qinghe-edu-2020.txt", tmp_path)
    for _ in range(2):  # the second run finds OUT/brief.html under the input folder and leaves it out
        result = analyze([tmp_path], tmp_path / "out", stages=["parse", "tables"])
        assert len(result.analyses) == 1 and not result.failures
    assert any("inside the output folder" in w for w in result.warnings)


def test_briefing_summary_carries_check_caveats_and_last_years_values(tmp_path):
    """The report summaries in an analyze run are made after the checks: qinghe-edu-2020 prints a
    carry-forward that does not balance, so a key number touched by the failed check has a caveat;
    its 2021 report quotes 2020's values."""
    from corpora import DEMO_DIR
    from nlp.analysis import analyze

    src = tmp_path / "in"
    src.mkdir()
    for name in ("qinghe-edu-2020.txt", "qinghe-edu-2021.txt"):
        (src / name).write_bytes((DEMO_DIR / name).read_bytes())
    result = analyze([src], tmp_path / "out", stages=["parse", "tables", "checks", "summaries"], use_cache=False)
    by_year = {a.report.year: a for a in result.analyses}
    failed = {c for f in result.findings if f.status == "fail" and f.report_id == by_year[2020].report.id
              for c in (e.key for e in f.evidence) if c}
    assert failed
    brief_2020 = next(s for s in by_year[2020].summaries if s["level"] == "report")
    assert "⚠" in brief_2020["summary"]
    brief_2021 = next(s for s in by_year[2021].summaries if s["level"] == "report")
    assert "上年" in brief_2021["summary"]
