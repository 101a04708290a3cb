"""The document model: nodes bound from birth, char_span, one-line reprs, labelled span layers,
sections as a method and as a list. Expected values are read off the source text by hand."""
from __future__ import annotations

import json

import pytest

from conftest import REPORTS_DIR
from nlp.document import Paragraph, Part, Report, Section, Sentence, Span
from nlp.structure import read_report

#: constructed text (own wording): a title line, one part with two numbered sections
OWN_TEXT = "某县档案馆年度报告\n一、总体情况\n（一）制度建设。本年修订制度两项。\n（二）平台建设。网站改版一次。"


@pytest.fixture(scope="module")
def huaian() -> Report:
    return read_report(REPORTS_DIR / "huaian-office-2019.txt")


def _own_report() -> Report:
    t = OWN_TEXT
    a1, a2 = t.index("（一）"), t.index("（二）")
    s1_end = t.index("\n", a1)
    sentence = Sentence(t.index("本年修订"), s1_end)
    sec1 = Section(a1, s1_end, heading="制度建设", marker="（一）", paragraphs=[Paragraph(a1, s1_end, sentences=[sentence])])
    part = Part(t.index("一、总体情况"), len(t), key="overview", number="一", title="总体情况", sections=[sec1])
    report = Report(id="own", source="<test>", format="txt", text=t, parts=[part])
    # a section assigned after the report was built is bound through its (bound) part
    part.sections = [sec1, Section(a2, len(t), heading="平台建设", marker="（二）")]
    return report


def test_nodes_are_bound_from_birth_without_attach():
    report = _own_report()
    part = report.parts[0]
    assert part.text.startswith("一、总体情况")
    assert [s.text for s in part.sections] == ["（一）制度建设。本年修订制度两项。", "（二）平台建设。网站改版一次。"]
    assert report.all_sentences[0].text == "本年修订制度两项。"
    assert part.sections[1].doc is report
    # attach() still works and changes nothing for bound nodes
    assert report.attach() is report and part.sections[0].text == "（一）制度建设。本年修订制度两项。"


def test_a_node_outside_any_report_says_so():
    with pytest.raises(ValueError, match="does not belong to a Report"):
        Sentence(0, 3).text


def test_from_dict_gives_bound_nodes(huaian):
    again = Report.from_dict(json.loads(json.dumps(huaian.to_dict(), ensure_ascii=False)))
    assert again.parts[0].text.startswith("一、总体情况")
    assert again.all_sections[2].text.startswith("（二）主动公开情况。2019年，市政府门户网站已主动公开各类政府信息1.24万余条")


def test_char_span(huaian):
    text = huaian.text
    a = text.index("受理依申请公开共计54件") + len("受理依申请公开共计")
    span = huaian.char_span(a, a + 2, label="requests.received")
    assert span.text == "54" and span.label == "requests.received" and span.doc is huaian
    assert huaian.char_span(a, a).text == ""
    for bad in ((-1, 3), (5, 4), (0, len(text) + 1)):
        with pytest.raises(ValueError, match="outside the report's text"):
            huaian.char_span(*bad)


def test_reprs_are_one_short_line(huaian):
    r = repr(huaian)
    assert "\n" not in r and len(r) < 120
    assert r.startswith("<Report huaian-office-2019") and "淮安市人民政府办公室 2019" in r
    assert repr(huaian.parts[0]).endswith("overview '一、总体情况'>")
    assert repr(huaian.parts[0].sections[1]).endswith("'（一）新《条例》宣传教育培训情况'>")
    assert repr(huaian.parts[0].sections[0]).endswith("(unheaded)>")
    assert all("\n" not in repr(s) and len(repr(s)) < 60 for s in huaian.all_sentences)
    assert repr(Sentence(3, 9)) == "<Sentence 3:9>"


def test_sections_as_method_and_as_list(huaian):
    assert huaian.all_sections == list(huaian.sections())
    headings = [(s.marker, s.heading) for s in huaian.parts[0].sections]
    assert headings == [("", ""), ("（一）", "新《条例》宣传教育培训情况"), ("（二）", "主动公开情况"), ("（三）", "依申请公开情况"),
                        ("（四）", "政府信息管理情况"), ("（五）", "政府信息公开平台建设情况"), ("（六）", "政府信息公开监督保障情况")]
    assert huaian.all_paragraphs == list(huaian.paragraphs())


def test_span_layers_travel_with_the_report():
    report = read_report(REPORTS_DIR / "huaian-office-2019.txt")
    assert "spans" not in report.to_dict()  # no results: the serialized report is as before
    text = report.text
    a = text.index("予以公开31件") + len("予以公开")
    report.spans["cells"].add(a, a + 2, "requests.granted", value=31)
    t = text.index("（一）新《条例》宣传教育培训情况")
    report.spans["themes"].add(t, text.index("（二）主动公开情况"), "training", probability=0.9)
    report.spans["summaries"].append(report.char_span(t + 3, t + 16, "headline"))
    assert list(report.spans) == ["cells", "themes", "summaries"]
    assert "passages" not in report.spans and len(report.spans["passages"]) == 0

    again = Report.from_dict(json.loads(json.dumps(report.to_dict(), ensure_ascii=False)))
    cells = again.spans["cells"]
    assert [(c.text, c.label, c.attrs) for c in cells] == [("31", "requests.granted", {"value": 31})]
    assert again.spans["themes"][0].text.startswith("（一）新《条例》宣传教育培训情况。围绕贯彻新条例")
    assert again.spans["themes"].labels() == ["training"]
    assert again.spans["summaries"].with_label("headline")[0].text == "新《条例》宣传教育培训情况"
    with pytest.raises(ValueError):
        again.spans["passages"].append(Span(0, len(text) + 5, label="reuse"))
