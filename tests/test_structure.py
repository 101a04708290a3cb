"""Parsing into parts, sections, paragraphs and sentences on the real shared reports."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import CORPUS, REPORTS_DIR, corpus_index, excerpt_entries
from nlp.document import Report
from nlp.structure import parse_text, read_report, read_reports

ALL_SIX = ["overview", "proactive", "requests", "review_litigation", "problems", "other"]

# expectations read by hand from each complete report: part keys in order, the agency as printed,
# how many numbered sections part 一 has, and the era of its layout
COMPLETE = {
    "huaian-office-2019.txt": (ALL_SIX, "淮安市人民政府办公室", 6, "2019"),
    "hongze-district-2023.pdf": (ALL_SIX, "洪泽区人民政府", 5, "2021"),
    "hongze-district-2024.pdf": (ALL_SIX, "淮安市洪泽区人民政府", 5, "2021"),
    "huaian-city-2024.pdf": (ALL_SIX, "淮安市人民政府", 5, "2021"),
    "shanghai-stcsm-2024.md": (ALL_SIX, "上海市科委", 5, "2021"),
    "shanghai-office-2025.md": (ALL_SIX, "上海市人民政府办公厅", 5, "2021"),
    "shuyang-county-2025.txt": (ALL_SIX, "沐阳县人民政府", 4, "2021"),  # OCR prints 沐 for 沭
}

#: each part's heading as printed (whitespace removed, first characters), read by hand from the files;
#: None where the report prints no heading for the part (found from its sub-headings)
STANDARD_HEADINGS = ("一、总体情况", "二、主动公开政府信息", "三、收到和处理政府", "四、政府信息公开行政",
                     "五、存在的主要问题", "六、其他需要报告")
PRINTED_HEADINGS = {
    "huaian-office-2019.txt": STANDARD_HEADINGS,
    "hongze-district-2023.pdf": STANDARD_HEADINGS,
    "hongze-district-2024.pdf": STANDARD_HEADINGS,
    "huaian-city-2024.pdf": STANDARD_HEADINGS,
    # numbered as printed: 一 twice, no 四, part 五 unheaded
    "shanghai-stcsm-2024.md": ("一、总体情况", "一、主动公开政府信息", "二、收到和处理政府", "三、政府信息公开行政",
                               None, "五、其他需要报告"),
    "shanghai-office-2025.md": STANDARD_HEADINGS[:4] + (None, STANDARD_HEADINGS[5]),
    "shuyang-county-2025.txt": STANDARD_HEADINGS[:4] + ("五、政府信息公开工作存在", STANDARD_HEADINGS[5]),
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, Report]:
    return {name: read_report(REPORTS_DIR / name) for name in COMPLETE}


@pytest.mark.parametrize("name", sorted(COMPLETE))
def test_complete_reports_parts_metadata(parsed, name):
    keys, agency, n_sections, era = COMPLETE[name]
    r = parsed[name]
    meta = next(d for d in corpus_index() if d["file"] == f"reports/{name}")
    assert [p.key for p in r.parts] == keys
    assert r.year == meta["year"]
    assert r.agency == agency
    assert r.era == era
    overview = r.part("overview")
    headed = [s for s in overview.sections if s.marker]
    assert len(headed) == n_sections
    assert all(s.heading for s in headed)
    # every part starts at its printed heading; a part without one is inferred
    headings = PRINTED_HEADINGS[name]
    assert len(r.parts) == len(headings)
    for p, printed in zip(r.parts, headings):
        assert p.inferred == (printed is None), p.key
        if printed is not None:
            assert re.sub(r"\s", "", p.text[:40]).startswith(printed), (p.key, p.text[:20])
            assert printed.startswith(p.number + "、")


def test_seed_sections_of_part_one(parsed):
    r = parsed["huaian-office-2019.txt"]
    headings = [s.heading for s in r.part("overview").sections if s.marker]
    assert headings[0].endswith("宣传教育培训情况")
    assert "主动公开情况" in headings[1] and "依申请公开情况" in headings[2]
    assert "政府信息管理情况" in headings[3] and "平台建设情况" in headings[4] and "监督保障情况" in headings[5]
    # a section's body does not repeat its inline heading
    sec = r.part("overview").sections[2]
    assert not sec.body.startswith(sec.heading)
    assert sec.paragraphs and sec.paragraphs[0].sentences


def test_seed_part_six_reports_nothing(parsed):
    """The seed's part 六 has a heading and only 无 under it: found, flagged empty, warned."""
    r = parsed["huaian-office-2019.txt"]
    six = r.part("other")
    assert six is not None and six.number == "六" and six.empty
    assert any("other" in w and "nothing" in w for w in r.warnings)
    assert r.missing_parts == []


def test_unheaded_problems_part_is_inferred_and_flagged(parsed):
    r = parsed["shanghai-office-2025.md"]
    p = r.part("problems")
    assert p.inferred and p.number == ""
    assert any("problems" in w and "no heading" in w for w in r.warnings)
    assert p.sections[0].marker.startswith("（一")


def test_tables_found_in_their_parts(parsed):
    for name, r in parsed.items():
        kinds = {t.kind for t in r.tables}
        assert {"proactive", "requests", "review_litigation"} <= kinds, name
        for t in r.tables:
            part = next(p for p in r.parts if p.start <= t.start < p.end)
            assert t.end <= part.end, (name, t)
            # table lines are not narrative paragraphs
            for para in r.paragraphs():
                assert para.end <= t.start or para.start >= t.end, (name, para.text)
        # table 4's part holds its table alone: its header lines (printed without separators, a 注： note
        # between them and the values) are the table's, not paragraphs
        review = next(p for p in r.parts if p.key == "review_litigation")
        assert not [q for q in r.paragraphs() if review.start <= q.start < review.end], name


def test_a_note_under_a_table_header_keeps_the_header_in_the_table():
    header = "行政复议行政诉讼\n未经复议直接起诉复议后起诉\n结果维持结果纠正其他结果尚未审结总计\n"
    values = "0 1 0 0 1 0 0 0 0 0 0 0 0 0 0\n"
    text = ("某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作情况如下。\n"
            "二、政府信息公开行政复议、行政诉讼情况\n" + header + "注：复议、诉讼数量含上年度结转数量。\n" + values)
    r = parse_text(text, source="note.txt")
    table = next(t for t in r.tables if t.kind == "review_litigation")
    assert table.start == text.index(header) and table.end == text.index(values) + len(values) - 1
    assert not [q for q in r.paragraphs() if table.start <= q.start < table.end]


def test_pdf_page_breaks_do_not_split_sentences(parsed):
    r = parsed["hongze-district-2023.pdf"]
    mgmt = r.part("overview").sections[3]
    assert "政府信息管理" in mgmt.heading
    text = "".join(p.text for p in mgmt.paragraphs)
    assert "一律不准发布" in text and "\n" not in text


#: part headings printed in some excerpts, read by hand: (part key, the heading's first characters with
#: whitespace removed, in simplified script). Headings cut off by the excerpt are left out.
EXCERPT_PARTS = {
    "2008-department-6bd30997.txt": [("overview", "一、政府信息公开工作"), ("proactive", "二、主动公开政府信息的")],
    "2009-province-b84fd880.txt": [("overview", "一、概述")],                      # traditional script
    "2011-county-c8eb73f6.txt": [("overview", "一、概述")],                        # printed 一 、概 述
    "2011-department-a0009d37.txt": [("overview", "一、概述"), ("proactive", "二、主动公开")],
    "2015-department-5381e2f5.txt": [("overview", "一、概述")],
    "2019-county-aa58c97c.txt": [("overview", "一.总体情况")],
    "2019-department-c4db01e1.txt": [("overview", "一、总体情况"), ("proactive", "二、主动公开"),
                                     ("requests", "三、收到和处理")],
    "2021-department-74089279.txt": [("overview", "一、总体情况"), ("proactive", "二、主动公开"),
                                     ("requests", "三、收到和处理"), ("review_litigation", "四、政府信息公开行政"),
                                     ("problems", "五、存在的主要问题"), ("other", "六、其他需要报告")],
    "2022-county-ef3c2a3c.txt": [("overview", "一、总体情况")],                     # traditional script
    "2023-department-6eb88e29.txt": [("overview", "一、总体情况"), ("proactive", "二、主动公开"),
                                     ("requests", "三、收到和处理")],                # 三's title cut short
}


def test_excerpts_never_crash_and_keep_their_year():
    entries = excerpt_entries()
    assert entries
    for d in entries:
        r = read_report(CORPUS / d["file"])
        assert r.year == d["year"], d["file"]
        assert r.parts, d["file"]


@pytest.mark.parametrize("name", sorted(EXCERPT_PARTS))
def test_excerpt_parts_start_at_their_printed_headings(name):
    r = read_report(CORPUS / "excerpts" / name)
    squashed = {p.key: re.sub(r"\s", "", r.text[p.start:p.start + 40]) for p in r.parts}
    expected = EXCERPT_PARTS[name]
    for key, printed in expected:
        assert key in squashed, (key, [p.key for p in r.parts])
        assert squashed[key].startswith(printed), (key, squashed[key])
    order = [p.key for p in r.parts if p.key in dict(expected)]
    assert order == [k for k, _ in expected]


def test_round_trip_to_dict(parsed):
    r = parsed["shanghai-stcsm-2024.md"]
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    r2 = Report.from_dict(d)
    assert r2.to_dict() == r.to_dict()
    assert [s.text for s in r2.sentences()][:5] == [s.text for s in r.sentences()][:5]


def test_read_reports_yields_errors_without_stopping(tmp_path):
    (tmp_path / "a.txt").write_text("一、总体情况\n本机关推进政务公开。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    out = list(read_reports([tmp_path]))
    assert sum(isinstance(x, Report) for x in out) == 1
    errors = [x for x in out if not isinstance(x, Report)]
    assert {e.path.rsplit("/", 1)[-1] for e in errors} == {"b.txt", "c.pdf"}


# ------------------------------------------------------------------ properties

def check_invariants(r: Report) -> None:
    n = len(r.text)
    for p in r.parts:
        assert 0 <= p.start <= p.end <= n
        for s in p.sections:
            assert p.start <= s.start <= s.end <= p.end
            for para in s.paragraphs:
                assert s.start <= para.start <= para.end <= s.end
                for sent in para.sentences:
                    assert para.start <= sent.start < sent.end <= para.end
    for a, b in zip(r.parts, r.parts[1:]):
        assert a.end <= b.start
    for t in r.tables:
        assert 0 <= t.start <= t.end <= n
    for p in r.parts:
        if p.number and not p.inferred:
            assert r.text[p.start:p.end].startswith(p.number)


PIECES = ["一、总体情况\n", "二、主动公开政府信息情况\n", "（一）培训情况。", "一是加强领导；", "1.", "本年新收 3 0 0 0 0 0 3\n",
          "\t5\n", "| 1 | 2 |\n", "。", "；", "“", "”", "（", "）", "\n", " ", "五、存在的主要问题及改进情况", "政务公开", "2023年"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=40))
def test_parse_arbitrary_text_never_raises(pieces):
    r = parse_text("".join(pieces))
    check_invariants(r)


def test_invariants_on_corpus(parsed):
    for r in parsed.values():
        check_invariants(r)


# ------------------------------------------------------------------ CLI

def test_cli_parse_batch_with_failures(tmp_path):
    from cli import app

    (tmp_path / "bad.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["parse", str(REPORTS_DIR / "huaian-office-2019.txt"), str(tmp_path / "bad.txt"),
                                   "--format", "json", "--out", str(out)])
    assert res.exit_code == 2
    assert "bad.txt" in res.output and "empty" in res.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1
    row = rows[0]
    for field in ("id", "source", "format", "title", "agency", "year", "era", "text", "parts", "tables", "warnings"):
        assert field in row
    part = row["parts"][0]
    assert {"key", "number", "title", "start", "end", "sections"} <= set(part)
    assert {"heading", "start", "end", "paragraphs"} <= set(part["sections"][1])


def test_cli_parse_text_outline_and_no_overwrite(tmp_path):
    from cli import app

    src = tmp_path / "r.txt"
    src.write_text((REPORTS_DIR / "huaian-office-2019.txt").read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["parse", str(tmp_path), "--format", "text"])
    assert res.exit_code == 0
    assert "[overview]" in res.output and "[requests]" in res.output
    before = src.read_bytes()
    res = CliRunner().invoke(app, ["parse", str(src), "--out", str(src)])
    assert res.exit_code == 2 and "overwrite" in res.output
    assert src.read_bytes() == before


def test_cli_empty_directory_is_reported(tmp_path):
    from cli import app

    res = CliRunner().invoke(app, ["parse", str(tmp_path)])
    assert res.exit_code == 2 and "no report files" in " ".join(res.output.split())


BODY = "\n一、总体情况\n全年主动公开信息48条，依法答复申请9件。\n二、主动公开政府信息情况\n全年主动公开信息48条。\n"


@pytest.mark.parametrize("text, agency", [
    # the title leaves the place out; the page's source line prints the whole name
    ("2021年区林业发展服务署政府信息公开工作年度报告\n发布日期：2022-01-20 10:15 来源：江南市北湖区林业发展服务署" + BODY,
     "江南市北湖区林业发展服务署"),
    # only the contact sentence names the agency, its address in brackets after the name
    ("现公布2023年政府信息公开工作年度报告。如对本报告有任何疑问，请与河湾县林业局（地址：河湾县滨河路1号）联系。" + BODY,
     "河湾县林业局"),
    # the contact is the agency's own general office: the agency is named
    ("本报告统计期限为2023年全年。如有疑问，请联系国家林草总署办公厅政务公开处，电话：010-0000000。" + BODY, "国家林草总署"),
])
def test_agency_from_the_source_line_and_the_contact_sentence(text, agency):
    assert parse_text(text, source="constructed.txt", filename="constructed.txt").agency == agency


def test_two_bodies_joined_by_a_conjunction_are_never_the_agency():
    text = ("一、总体情况\n2023年度，我局在区委、区政府和市林业局的正确领导下推进公开工作。我局全年公开信息48条。\n"
            "二、主动公开政府信息情况\n全年主动公开信息48条。\n")
    r = parse_text(text, source="lw-2023.txt", filename="lw-2023.txt")
    assert "和" not in r.agency and "、" not in r.agency
    assert r.agency == "lw-2023" and r.metadata_sources["agency"] == "filename"


def _body(n: int) -> str:
    return "".join(f"本年度第{k}项工作按计划推进，相关情况已在门户网站公开。" for k in range(n))


@pytest.mark.parametrize("titles", [
    # 2019/2021 layout: the standard titles, the contents with dot leaders and page numbers
    ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
     "存在的主要问题及改进情况", "其他需要报告的事项"],
    # a 2008-era free layout
    ["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "复议、诉讼情况", "咨询处理情况", "主要问题和改进措施"],
])
def test_a_table_of_contents_is_preamble_and_the_parts_are_the_body(titles):
    numerals = "一二三四五六"
    contents = "目录\n" + "".join(f"{numerals[i]}、{t}……{i + 1}\n" for i, t in enumerate(titles))
    body = "".join(f"{numerals[i]}、{t}\n{_body(3 + i)}\n" for i, t in enumerate(titles))
    text = "某某市人民政府2021年政府信息公开工作年度报告\n" + contents + body
    r = parse_text(text, source="toc.txt")
    first_body = text.index(f"一、{titles[0]}\n")
    assert r.parts and r.parts[0].start == first_body > text.index("目录")
    assert r.preamble[1] <= first_body
    read = [numerals.index(r.text[p.start]) for p in r.parts]
    assert read == sorted(set(read)) and len(read) >= 5 and all(p.start >= first_body for p in r.parts)
    # without the contents the same parts are read at the same places in the body
    plain = parse_text(text.replace(contents, ""), source="plain.txt")
    shift = len(contents)
    assert [(p.key, p.start + shift, p.end + shift) for p in plain.parts] == [(p.key, p.start, p.end) for p in r.parts]


def test_a_contents_line_of_a_real_crawled_report_is_not_read_as_parts():
    """2012-province: the crawler kept the report's contents as comma-separated entries before its 一、概述
    (an excerpt: the body after part 一 is cut off)."""
    r = read_report(CORPUS / "excerpts" / "2012-province-4a0f13a4.txt")
    assert [p.key for p in r.parts] == ["overview"]
    assert re.sub(r"\s", "", r.text[r.parts[0].start:r.parts[0].start + 12]).startswith("一、概述2012年度")


@pytest.mark.parametrize("heading,number", [
    ("七、政府信息公开情况统计表", "七"),
    ("附件1：某某县人民政府\n2010年政府信息公开情况统计表", "附件1"),
    ("附表：2010年度政府信息公开工作统计表", "附表"),
])
def test_the_statistics_table_appendix_is_a_part_after_the_last_one(heading, number):
    """A 2008-era report ends with its statistics table under a numbered heading or an appendix label:
    the last part (problems) stops before it, and the table's rows are in a part of their own."""
    titles = ["概述", "主动公开政府信息情况", "政府信息依申请公开情况", "政府信息公开的收费及减免情况",
              "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开工作存在的主要问题及改进情况"]
    numerals = "一二三四五六"
    body = "".join(f"{numerals[i]}、{t}\n{_body(2 + i)}\n" for i, t in enumerate(titles))
    table = "指标名称 计量单位 本年度 历年累计\n主动公开信息数 条 425 1516\n受理依申请公开信息总数 条 3 20\n"
    text = "某某县人民政府2010年政府信息公开工作年度报告\n" + body + heading + "\n" + table
    r = parse_text(text, source="old.txt")
    assert [p.key for p in r.parts][-2:] == ["problems", "unknown"]
    appendix, problems = r.parts[-1], r.parts[-2]
    assert appendix.number == number and appendix.start == text.index(heading)
    assert "统计表" in appendix.title
    assert "主动公开信息数" not in r.text[problems.start:problems.end]
    assert "主动公开信息数" in r.text[appendix.start:appendix.end]
    # an attachment that is not the statistics table (a notice) stays in the part it sits in
    other = parse_text(text.replace(heading, "附件1：关于做好政务公开工作的通知"), source="notice.txt")
    assert [p.key for p in other.parts][-1] == "problems"


def _hard_wrapped(text: str, columns: int) -> str:
    """``text`` with every line cut at ``columns`` display columns (as a fixed-width export prints it)."""
    from nlp.textlines import columns as width

    out = []
    for line in text.split("\n"):
        piece = ""
        for ch in line:
            if width(piece + ch) > columns:
                out.append(piece)
                piece = ""
            piece += ch
        out.append(piece)
    return "\n".join(out)


@pytest.mark.parametrize("columns", [60, 76])
def test_hard_wrapped_text_keeps_its_paragraphs(columns):
    """A report exported at a fixed line width: a line cut in mid-sentence at that width runs on into the
    next (its newline a space: offsets stay), so the sentences are those of the unwrapped text."""
    from nlp.structure.reflow import wrap_width

    text = (REPORTS_DIR / "huaian-office-2019.txt").read_text(encoding="utf-8")
    assert wrap_width(text.split("\n")) is None          # as published: not wrapped
    wrapped = _hard_wrapped(text, columns)
    assert wrap_width(wrapped.split("\n")) in range(columns - 3, columns + 1)
    plain, cut = parse_text(text, source="plain.txt"), parse_text(wrapped, source="cut.txt")
    assert [p.key for p in cut.parts] == [p.key for p in plain.parts]

    def sentences(report: Report) -> list[str]:
        return ["".join(x.text.split()) for part in report.parts for s in part.sections for p in s.paragraphs
                for x in p.sentences]

    # the same sentences (a paragraph may still break where the cut fell just after a sentence end)
    assert sentences(cut) == sentences(plain)
    # the paragraphs ending mid-sentence are the few the table layout or a heading cut
    ends = [p.text.rstrip()[-1:] for part in cut.parts for s in part.sections for p in s.paragraphs]
    assert sum(e not in "。；：:" for e in ends) <= len(ends) // 4
