"""The synthetic corpus generator and the shipped demo corpus, checked against their ground truth.

The manifest says what was planted (copied passages with offsets, wrong table cells);
these tests check the manifest against the files, and the pipeline stages against the
manifest: the parser reads every file, the table extractor returns the printed numbers,
the checks fail exactly where errors were planted, compare finds the planted copies.
"""
from __future__ import annotations

import ast
import hashlib
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import CORPUS, SHARED

from corpora import DEMO_DIR, load_manifest, write_corpus
from corpora.generate import CorpusConfig
from corpora.generate import main as generate_main
from nlp import format as V

#: the canonical column keys of table 3 and table 4, written out here (not taken from nlp.format) so a
#: vocabulary change that both the generator and the parser would follow still shows up
REQUEST_COLUMN_KEYS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REVIEW_COLUMN_KEYS = ("upheld", "corrected", "other", "pending", "total")
PART_KEYS = ["overview", "proactive", "requests", "review_litigation", "problems", "other"]

#: which rule each planted error kind must break
RULE_OF_KIND = {
    "t3_total_column": "T3-COLUMNS", "t3_cell": "T3-COLUMNS", "t3_balance": "T3-BALANCE", "t4_sum": "T4-SUMS",
    "carry": "XY-CARRY", "narrative": "TXT-NUM", "fee_missing": "FEE-PART6", "stock": "XY-STOCK",
}


@pytest.fixture(scope="module")
def demo_manifest() -> dict:
    return load_manifest(DEMO_DIR)


@pytest.fixture(scope="module")
def demo_reports(demo_manifest):
    """The demo reports parsed by the project's parser, keyed by manifest id."""
    from nlp.structure import read_report

    return {e["id"]: read_report(DEMO_DIR / e["file"]) for e in demo_manifest["reports"]}


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


# ------------------------------------------------------------------ the generator itself

def test_same_seed_same_bytes_other_seed_other_text(tmp_path):
    cfg = dict(agencies=3, years=2, start_year=2020, formats=("txt", "md", "docx", "html"))
    write_corpus(tmp_path / "a", CorpusConfig(seed=5, **cfg))
    write_corpus(tmp_path / "b", CorpusConfig(seed=5, **cfg))
    write_corpus(tmp_path / "c", CorpusConfig(seed=6, **cfg))
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert len(a) == 3 * 2 + 1 and {n.rsplit(".", 1)[1] for n in a} == {"txt", "md", "docx", "html", "jsonl"}
    assert a == b  # docx included: fixed zip timestamps and core properties
    assert a["manifest.jsonl"] != c["manifest.jsonl"]


def test_committed_demo_is_what_the_generator_writes(tmp_path, demo_manifest):
    cfg = demo_manifest["config"]
    cfg = CorpusConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()})
    fresh = write_corpus(tmp_path, cfg)
    assert fresh["copies"] == demo_manifest["copies"]

    def comparable(e: dict) -> dict:  # docx bytes depend on python-docx's template: compare their text instead
        return {k: v for k, v in e.items() if not (k == "file_sha256" and e["format"] == "docx")}

    assert [comparable(e) for e in fresh["reports"]] == [comparable(e) for e in demo_manifest["reports"]]
    for e in demo_manifest["reports"]:
        committed, regenerated = DEMO_DIR / e["file"], tmp_path / e["file"]
        if e["format"] == "docx":
            from docx import Document

            def cells(path: Path) -> list[str]:
                d = Document(str(path))
                return [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]

            assert cells(committed) == cells(regenerated), e["file"]
        else:
            assert hashlib.sha256(committed.read_bytes()).hexdigest() == e["file_sha256"], e["file"]
            assert committed.read_bytes() == regenerated.read_bytes(), e["file"]


def test_demo_covers_layouts_formats_and_planted_things(demo_manifest):
    reports = demo_manifest["reports"]
    assert len({r["agency_id"] for r in reports}) == 4 and len({r["year"] for r in reports}) == 3
    assert {r["era"] for r in reports} == {"2019", "2021"}
    assert {r["format"] for r in reports} == {"txt", "md", "docx", "html"}
    assert {c["kind"] for c in demo_manifest["copies"]} == {"self", "cross"}
    assert sum(len(r["errors"]) for r in reports) >= 4
    assert any(not r["expected_failures"] for r in reports)


def test_true_tables_obey_every_rule_and_each_error_breaks_its_rule(tmp_path):
    m = write_corpus(tmp_path, CorpusConfig(agencies=12, years=3, seed=3, formats=("txt",), error_rate=0.6))
    by_id = {r["id"]: r for r in m["reports"]}
    kinds = set()
    for r in m["reports"]:
        t3 = r["tables"]["true"]["t3"]
        for c in range(7):  # T3-BALANCE on the true numbers
            assert t3["received"][c] + t3["carried_over"][c] == t3["total"][c] + t3["carried_forward"][c]
        for row in t3.values():  # T3-COLUMNS
            assert sum(row[:6]) == row[6]
        prev = by_id.get(r["previous"] or "")
        if prev:  # XY-CARRY on the true numbers (the printed ones may carry a planted error)
            assert t3["carried_over"] == prev["tables"]["true"]["t3"]["carried_forward"]
        failed = {f["rule"] for f in r["expected_failures"]}
        for e in r["errors"]:
            kinds.add(e["kind"])
            assert RULE_OF_KIND[e["kind"]] in failed, (r["id"], e)
            for cell in e["cells"]:
                assert cell["true"] != cell["printed"]
    assert len(kinds) >= 5


def test_copy_offsets_index_the_canonical_text(tmp_path):
    m = write_corpus(tmp_path, CorpusConfig(agencies=4, years=3, seed=11, formats=("txt",)))
    texts = {r["id"]: (tmp_path / r["file"]).read_text(encoding="utf-8") for r in m["reports"]}
    assert m["copies"]
    for c in m["copies"]:
        assert texts[c["target"]][c["target_start"]:c["target_end"]] == c["text"]
        assert texts[c["source"]][c["source_start"]:c["source_end"]] == c["text"]
        assert c["chars"] == len(c["text"]) >= 20
    for r in m["reports"]:
        for s in r["sections"]:
            assert 0 <= s["start"] <= s["body_start"] < s["end"] <= r["chars"]


def test_many_cross_copies_never_overwrite_an_earlier_copys_source(tmp_path):
    """Dense cross-agency copying (a national-size corpus draws the same paragraph as source and later
    as target): every planted copy's text is still in both reports (this used to fail the generator)."""
    for seed in (0, 1):
        out = tmp_path / str(seed)
        m = write_corpus(out, CorpusConfig(agencies=4, years=2, seed=seed, formats=("txt",), cross_copies_per_year=30))
        texts = {r["id"]: (out / r["file"]).read_text(encoding="utf-8") for r in m["reports"]}
        cross = [c for c in m["copies"] if c["kind"] == "cross"]
        assert len(cross) >= 10
        for c in cross:
            assert texts[c["target"]][c["target_start"]:c["target_end"]] == c["text"]
            assert texts[c["source"]][c["source_start"]:c["source_end"]] == c["text"]


def test_command_line(tmp_path, capsys):
    assert generate_main(["--out", str(tmp_path), "--agencies", "2", "--years", "2", "--formats", "txt,md"]) == 0
    assert "wrote 4 reports" in capsys.readouterr().out
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".jsonl", ".md", ".md", ".txt", ".txt"]
    with pytest.raises(ValueError, match="unknown format 'rtf'"):
        write_corpus(tmp_path / "x", agencies=1, years=1, formats=("rtf",))


def test_narrative_is_the_projects_own_text(demo_manifest):
    """No 24-character run of the shared corpus (at any offset) in the demo's narrative sections or in the
    phrase bank. (Whole files, tables included, are checked the hook's way in the next test.)"""
    n = 24
    grams: set[str] = set()
    for root, _, files in os.walk(CORPUS):
        for f in files:
            if f.endswith((".txt", ".md")):
                t = "".join(Path(root, f).read_text(encoding="utf-8", errors="ignore").split())
                grams.update(t[i:i + n] for i in range(len(t) - n + 1))
    assert len(grams) > 10_000

    def copied(text: str) -> list[str]:
        t = "".join(text.split())
        return [t[i:i + n] for i in range(len(t) - n + 1) if t[i:i + n] in grams]

    phrase_bank = (Path(__file__).resolve().parent.parent / "corpora" / "phrases.py").read_text(encoding="utf-8")
    assert copied(phrase_bank) == []
    checked = 0
    for r in demo_manifest["reports"]:
        if r["format"] != "txt":
            continue
        text = (DEMO_DIR / r["file"]).read_text(encoding="utf-8")
        for s in r["sections"]:
            assert copied(text[s["start"]:s["end"]]) == [], (r["id"], s["key"])
            checked += 1
    assert checked >= 20


def test_no_file_of_the_demo_holds_a_run_copied_from_the_corpus():
    """The before-stop hook's check, on every demo file (tables included) and the phrase bank:
    whitespace removed, the corpus's 24-character runs taken every 4 characters, every run of ours tried."""
    n, stride = 24, 4
    grams: set[str] = set()
    for root, _, files in os.walk(CORPUS):
        for f in files:
            if f.endswith((".txt", ".md")):
                t = "".join(Path(root, f).read_text(encoding="utf-8", errors="ignore").split())
                grams.update(t[i:i + n] for i in range(0, max(0, len(t) - n), stride))
    assert len(grams) > 5_000
    # the check is live: a faithful table-3 header (as in real reports) is caught
    probe = "".join(("申请人情况", V.PRINTED_REQUEST_COLUMNS["natural_person"], V.PRINTED_REQUEST_LEGAL_PERSONS,
                     V.PRINTED_REQUEST_COLUMNS["total"], *(V.PRINTED_REQUEST_COLUMNS[c] for c in V.REQUEST_COLUMNS[1:6])))
    assert any(probe[i:i + n] in grams for i in range(len(probe) - n + 1))
    # as in the hook, a run holding mandated wording (the hook's own list, read from it) is not a copy
    hook = (SHARED / "hooks" / "before-stop").read_text(encoding="utf-8")
    listed = re.search(r"MANDATED = (\(.*?\))\n", hook, re.S)
    mandated = [m[:8] for m in ast.literal_eval(listed.group(1))] if listed else []

    def is_mandated(gram: str) -> bool:
        return any(m in gram for m in mandated)

    assert is_mandated("二、上年结转政府信息公开申请数量1000001三、本年度")
    assert not is_mandated("本机关年内新建公开专栏三个并按季度更新栏目内容")  # prose is never mandated

    files = sorted(DEMO_DIR.iterdir()) + [Path(__file__).resolve().parent.parent / "corpora" / "phrases.py"]
    read = 0
    for path in files:
        try:
            t = "".join(path.read_text(encoding="utf-8").split())
        except UnicodeDecodeError:      # .docx: a zip, which the hook cannot read either
            continue
        read += 1
        copied = [g for g in (t[i:i + n] for i in range(len(t) - n)) if g in grams and not is_mandated(g)]
        assert copied == [], (path.name, copied[:5])
    assert read >= 10


# ------------------------------------------------------------------ the pipeline against the ground truth

def test_parser_reads_every_demo_file(demo_manifest, demo_reports):
    for e in demo_manifest["reports"]:
        r = demo_reports[e["id"]]
        assert (r.agency, r.year, r.era) == (e["agency"], e["year"], e["era"]), e["file"]
        assert [p.key for p in r.parts] == PART_KEYS, e["file"]
        headings = [s["heading"] for s in e["sections"] if s["part"] == "overview" and s["heading"]]
        found = [s.marker + s.heading for s in r.part("overview").sections if s.heading]
        assert found == headings, e["file"]  # the planted headings, numbering and wording, in order
        for c in demo_manifest["copies"]:
            if c["target"] == e["id"]:
                assert c["text"] in r.text


def test_tables_read_back_the_printed_numbers(demo_manifest, demo_reports):
    from nlp.tables import extract_tables

    for e in demo_manifest["reports"]:
        got = {(c.table, c.row, c.column): c.value for c in extract_tables(demo_reports[e["id"]])}
        printed = e["tables"]["printed"]
        expected = {}
        for row, values in printed["t3"].items():
            expected.update({("requests", row, col): v for col, v in zip(REQUEST_COLUMN_KEYS, values, strict=True)})
        for block, values in printed["t4"].items():
            expected.update({("review_litigation", block, col): v for col, v in zip(REVIEW_COLUMN_KEYS, values, strict=True)})
        for row, cols in printed["t2"].items():
            expected.update({("proactive", row, col): v for col, v in cols.items()})
        assert len(expected) >= 198
        wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
        assert not wrong, (e["file"], list(wrong.items())[:5])


def test_one_demo_report_read_by_hand(demo_reports):
    """qinghe-edu-2020.txt as printed (values copied by hand from the file, not from the manifest):
    title, part titles, overview headings, table-3/4 rows and the carry-forward error planted in it."""
    from nlp.checks import check
    from nlp.tables import extract_tables

    r = demo_reports["qinghe-edu-2020"]
    assert (r.agency, r.year, r.era) == ("青禾市教育局", 2020, "2019")
    assert [f"{p.number}、{p.title}" for p in r.parts] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、政府信息公开工作存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [s.marker + s.heading for s in r.part("overview").sections if s.heading] == [
        "（一）宣传培训方面", "（二）主动公开情况", "（三）依申请公开办理", "（四）信息管理", "（五）平台建设方面", "（六）监督保障情况"]
    tables = extract_tables(r)
    printed_rows = {  # row label as printed -> (row key, the seven numbers of the line)
        "一、本年新收政府信息公开申请数量": ("received", [14, 2, 0, 0, 2, 0, 18]),
        "（一）予以公开": ("granted", [6, 1, 0, 0, 0, 0, 7]),
        "4.保护第三方合法权益": ("refused.third_party", [1, 0, 0, 0, 1, 0, 2]),  # printed 4．, normalized to 4.
        "（七）总计": ("total", [11, 2, 0, 0, 2, 0, 15]),
        "四、结转下年度继续办理": ("carried_forward", [7, 0, 0, 0, 0, 0, 7]),
    }
    for label, (row, numbers) in printed_rows.items():
        line_start = r.text.index("\n" + label + "\t") + 1
        line_end = r.text.index("\n", line_start)
        for col, number in zip(REQUEST_COLUMN_KEYS, numbers, strict=True):
            cell = tables.cell("requests", row, col)
            assert cell.value == number, (label, col)
            assert line_start < cell.start < cell.end <= line_end and r.text[cell.start:cell.end] == str(number)
    assert [tables.value("review_litigation", "review", c) for c in REVIEW_COLUMN_KEYS] == [0, 1, 2, 0, 3]
    assert [tables.value("review_litigation", "litigation_after_review", c) for c in REVIEW_COLUMN_KEYS] == [1, 0, 0, 0, 1]
    # 14 new + 1 carried over = 15, but 11 handled + 7 carried forward = 18: the balance fails in the
    # natural-person and total columns and holds in the others (2 + 0 = 2 + 0 for businesses)
    balance = {f.subject: f.status for f in check(r, rules=["T3-BALANCE"])}
    assert {s for s, status in balance.items() if status == "fail"} == {"requests:*:natural_person", "requests:*:total"}
    assert balance["requests:*:commercial"] == "pass"


def test_one_html_demo_report_read_by_hand(demo_reports):
    """luwan-gov-2022.html as printed (values read by hand from the file's <td> cells, not from the manifest):
    title, parts, table-3 rows each on one line with every cell's span on its digits, table 4's 15 cells."""
    from nlp.tables import extract_tables

    r = demo_reports["luwan-gov-2022"]
    assert (r.agency, r.year, r.format) == ("芦湾区人民政府", 2022, "html")
    assert [p.key for p in r.parts] == PART_KEYS
    tables = extract_tables(r)
    printed_rows = {"received": [50, 5, 0, 0, 1, 4, 60], "carried_over": [5, 1, 0, 0, 0, 0, 6],
                    "granted": [18, 1, 0, 0, 0, 3, 22], "total": [53, 6, 0, 0, 1, 4, 64],
                    "carried_forward": [2, 0, 0, 0, 0, 0, 2]}
    for row, numbers in printed_rows.items():
        cells = [tables.cell("requests", row, c) for c in REQUEST_COLUMN_KEYS]
        assert [c.value for c in cells] == numbers, row
        assert [r.text[c.start:c.end] for c in cells] == [str(n) for n in numbers], row
        assert "\n" not in r.text[cells[0].start:cells[-1].end], row   # one table row, one printed line
    review = [tables.value("review_litigation", b, c) for b in ("review", "litigation_direct", "litigation_after_review")
              for c in REVIEW_COLUMN_KEYS]
    assert review == [0, 0, 0, 0, 0, 1, 0, 1, 0, 2, 1, 0, 0, 0, 1]


def test_planted_table_errors_fail_the_checks_and_clean_reports_pass(demo_manifest, demo_reports):
    from nlp.checks import check

    ids = {r.id: e["id"] for e in demo_manifest["reports"] for r in [demo_reports[e["id"]]]}
    failed: dict[str, set[str]] = defaultdict(set)
    flagged: dict[str, set[str]] = defaultdict(set)
    for f in check(list(demo_reports.values())):
        if f.status == "fail":
            failed[ids[f.report_id]].add(f.rule)
        if f.status in ("fail", "uncertain"):
            flagged[ids[f.report_id]].add(f.rule)
    for e in demo_manifest["reports"]:
        expected = {x["rule"] for x in e["expected_failures"]}
        table_rules = expected - {"TXT-NUM"}
        assert table_rules <= failed[e["id"]], e["id"]
        assert failed[e["id"]] <= expected, (e["id"], failed[e["id"]] - expected)  # no false alarm
        if "TXT-NUM" in expected:  # a weakly worded statement may only be 'uncertain'
            assert "TXT-NUM" in flagged[e["id"]], e["id"]
    assert sum(bool(e["expected_failures"]) for e in demo_manifest["reports"]) >= 5


def test_planted_copies_appear_in_the_reuse_output(demo_manifest, demo_reports):
    from nlp.comparison import compare

    result = compare(list(demo_reports.values()))
    by_report_id = {r.id: key for key, r in demo_reports.items()}
    spans: dict[str, list[tuple[str, list]]] = defaultdict(list)
    for p in result.reuse_passages:
        for m in p.members:
            spans[by_report_id[m.report]].append((p.id, (m.start, m.end)))

    def located(rid: str, text: str) -> tuple[int, int]:
        start = demo_reports[rid].text.find(text)
        assert start >= 0
        return start, start + len(text)

    def overlap(a: int, b: int, span: tuple[int, int]) -> int:
        return max(0, min(b, span[1]) - max(a, span[0]))

    def shared_coverage(c: dict) -> float:
        """Share of the copied text covered by passages that also hold the text in another report: the
        source, or an earlier report the source had copied it from (chained copies are identical)."""
        target = located(c["target"], c["text"])
        holders = [k for k, r in demo_reports.items() if k != c["target"] and c["text"] in r.text]
        assert c["source"] in holders
        in_source = {pid for k in holders for pid, (a, b) in spans[k] if overlap(a, b, located(k, c["text"]))}
        covered = set()
        for pid, (a, b) in spans[c["target"]]:
            if pid in in_source:
                covered.update(range(max(a, target[0]), min(b, target[1])))
        return len(covered) / len(c["text"])

    assert len(demo_manifest["copies"]) >= 20
    for c in demo_manifest["copies"]:
        # template masking may cut a copy into pieces; together they must cover most of it
        assert shared_coverage(c) >= 0.5, f"planted {c['kind']} copy {c['source']} -> {c['target']}: {c['text'][:30]}"


def test_pdf_format_reads_back(tmp_path):
    """PDF (printed by headless Chromium; skipped where Chromium or a CJK font is missing): tables read back."""
    try:
        m = write_corpus(tmp_path, CorpusConfig(agencies=1, years=1, start_year=2021, seed=2, formats=("pdf",)))
    except RuntimeError as e:
        if "needs" not in str(e):   # Chromium or the font missing is a skip; Chromium failing is a failure
            raise
        pytest.skip(str(e))
    from nlp.structure import read_report
    from nlp.tables import extract_tables

    e = m["reports"][0]
    report = read_report(tmp_path / e["file"])
    assert report.format == "pdf" and report.year == 2021
    # the title's digits sit on another baseline: still one line, so year and agency come from the title
    assert report.metadata_sources["year"] == "title" and report.metadata_sources["agency"] == "title"
    assert [p.key for p in report.parts] == PART_KEYS
    tables = extract_tables(report)
    t3 = e["tables"]["printed"]["t3"]
    for row in ("received", "carried_over", "granted", "total", "carried_forward"):
        assert tables.value("requests", row, "total") == t3[row][6], row
    assert tables.value("review_litigation", "review", "total") == e["tables"]["printed"]["t4"]["review"][4]
