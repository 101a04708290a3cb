"""Items mined from the pre-training prose (nlp.themes.mining): how they are cut, labelled, filtered."""
from __future__ import annotations

import gzip
import json

import pytest

from nlp.errors import XxgkError
from nlp.themes.baseline import KeywordBaseline
from nlp.themes.mining import MINED_SOURCE, label_items, mined_items, prose_items, prose_paragraphs
from nlp.themes.taxonomy import theme_for_opener


def test_a_heading_line_takes_the_lines_below_and_inline_openers_split_a_line():
    text = ("（三）保障措施\n各部门要加强组织领导，明确责任分工。\n建立考核评估机制。\n"
            "下一步：一是加强业务培训，组织专题学习；二是完善平台功能，优化栏目设置。\n（四）附则")
    assert list(prose_items(text)) == [
        ("保障措施", "保障措施。各部门要加强组织领导，明确责任分工。建立考核评估机制。下一步：一是加强业务培训，"
                 "组织专题学习；二是完善平台功能，优化栏目设置。"),
        ("加强业务培训", "加强业务培训，组织专题学习；"),
        ("完善平台功能", "完善平台功能，优化栏目设置。"),
        ("附则", "附则。"),
    ]


def test_statute_conditions_are_not_measures_and_labels_need_the_keywords_to_agree():
    items = [("未参加岗位培训", "未参加岗位培训的；"),                                 # a condition: the phrase alone
             ("加强业务培训", "加强业务培训，组织全体干部参加条例专题培训班两期，提升依法公开的业务能力。"),
             ("加强业务培训", "加强业务培训，全面完成网站栏目改版和平台迁移，门户网站集约化建设全部到位。")]
    got = list(label_items(items))
    assert [(t, p) for t, p, _ in got] == [("training", "加强业务培训")]
    assert len(list(label_items(items, agree=False))) == 2   # without the agreement both measures stay


def test_items_mined_from_the_shared_pretraining_prose(shared_dir):
    items = mined_items(shared_dir / "pretrain")
    assert len(items) > 100
    keywords = KeywordBaseline()
    for u in items:
        assert u.source == MINED_SOURCE and u.agency.startswith("pretrain:") and u.report == u.agency
        assert theme_for_opener(u.heading, "") == u.theme                 # the phrase names the theme …
        scores = keywords.scores(u.text)
        assert scores[u.theme] == max(scores.values()) > 0                # … and the body's keywords agree
        assert not u.evaluable and u.trainable                            # training only, never scored
    assert {u.theme for u in mined_items(shared_dir / "pretrain", ["problems"])} == {"problems"}


def test_unreadable_documents_name_the_file(tmp_path):
    with pytest.raises(XxgkError, match="no .jsonl.gz documents"):
        mined_items(tmp_path)
    bad = tmp_path / "docs.jsonl.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(XxgkError, match="docs.jsonl.gz: cannot read documents"):
        mined_items(tmp_path)
    with gzip.open(bad, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": "（一）加强组织领导\n成立领导小组，主要负责同志亲自部署，定期督查考核落实情况。"}) + "\n")
    [u] = mined_items(tmp_path)
    assert (u.theme, u.agency) == ("supervision", "pretrain:docs.jsonl.gz:a")


def test_disclosure_paragraphs_of_the_prose_are_unlabelled_self_training_text(tmp_path):
    doc = tmp_path / "docs.jsonl.gz"
    with gzip.open(doc, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": 7, "text": "各部门应当主动公开有关政策文件，及时做好政策解读。\n"
                                              "本办法自发布之日起施行，由市财政局负责解释。\n主动公开"}) + "\n")
    [u] = prose_paragraphs(tmp_path)
    assert (u.theme, u.trainable, u.agency, u.text) == ("", False, "pretrain:docs.jsonl.gz:7",
                                                        "各部门应当主动公开有关政策文件，及时做好政策解读。")
