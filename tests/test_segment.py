"""Segmentation: offsets, the domain user dictionary, the fast backend, stopwords."""
from __future__ import annotations

import re

import pytest

from conftest import CORPUS, corpus_index
from nlp.errors import XxgkError
from nlp.segmentation import (
    USER_DICT_PATH,
    Token,
    build_user_dictionary,
    get_tokenizer,
    read_user_dictionary,
    segment,
    texts_of,
)
from nlp.format import SEGMENT_TERMS


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    from nlp.batch import expand_inputs

    files, failures = expand_inputs([CORPUS])
    # every file the index lists is read (the corpus grows between waves: its size is the index's)
    listed = {(CORPUS / d["file"]).resolve() for d in corpus_index()}
    assert not failures and listed and {f.resolve() for f in files} == listed
    return texts_of(files)


def test_offsets_round_trip_on_every_corpus_text(corpus_texts):
    for text in corpus_texts:
        tokens = segment(text)
        assert "".join(t.word for t in tokens) == text
        pos = 0
        for t in tokens:
            assert t.start == pos and t.end > t.start
            assert text[t.start:t.end] == t.word
            pos = t.end
        assert pos == len(text)


def test_offset_argument_shifts_spans_into_an_enclosing_text():
    outer = "前文。依申请公开工作有序开展，政务新媒体运行平稳。"
    inner_start = outer.index("依")
    tokens = segment(outer[inner_start:], offset=inner_start)
    assert tokens[0].start == inner_start
    assert all(outer[t.start:t.end] == t.word for t in tokens)


def test_edge_cases_empty_whitespace_mixed_and_bad_type():
    assert segment("") == []
    ws = segment(" \n\t　")
    assert "".join(t.word for t in ws) == " \n\t　"
    mixed = "电话：0517-83605210，邮箱abc@163.com，2019年12月31日"
    assert "".join(t.word for t in segment(mixed)) == mixed
    with pytest.raises(XxgkError):
        segment(None)  # type: ignore[arg-type]
    with pytest.raises(XxgkError):
        get_tokenizer().cut("政务公开", backend="nope")


def test_user_dictionary_terms_stay_whole_alone_and_in_text():
    tok = get_tokenizer()
    words = [w for w, _ in tok.user_words]
    assert set(SEGMENT_TERMS) <= set(words)
    for w in words:
        assert [t.word for t in segment(w)] == [w], w
    # in running (constructed) text, terms are single tokens
    text = "我局加强政务新媒体管理，做好保密审查和政策解读，按时办理依申请公开，召开新闻发布会3场。"
    got = [t.word for t in segment(text)]
    for term in ("政务新媒体", "保密审查", "政策解读", "依申请公开", "新闻发布会"):
        assert term in got, (term, got)


def test_user_dictionary_terms_whole_in_corpus_unless_a_crossing_word_wins(corpus_texts):
    """Every occurrence in the corpus is inside one token, or is cut only because a word
    crossing its edge won (政府信息公开目录 → 政府信息 | 公开目录; 人民政府网站 → …人民政府 | 网站)."""
    words = {w for w, _ in get_tokenizer().user_words}
    checked = split = 0
    for text in corpus_texts:
        tokens = segment(text)
        bounds = {t.start for t in tokens}
        for w in sorted(words):
            for m in re.finditer(re.escape(w), text):
                checked += 1
                if not any(b in bounds for b in range(m.start() + 1, m.end())):
                    continue
                split += 1
                crossing = [t for t in tokens if (t.start < m.start() < t.end) or (t.start < m.end() < t.end)]
                assert crossing, (w, text[max(0, m.start() - 5):m.end() + 5])
    assert checked > 2000
    assert split / checked < 0.05


def test_fast_backend_agrees_with_jieba_on_the_corpus(corpus_texts):
    tok = get_tokenizer()
    if not tok.fast_available:
        pytest.skip("rjieba not installed")
    total = same = 0
    for text in corpus_texts:
        a, b = tok.cut(text, "jieba"), tok.cut(text, "fast")
        total += len(a)
        same += sum(1 for x, y in zip(a, b) if x == y) if len(a) == len(b) else 0
        assert a == b
    assert total > 30000 and same == total


def test_tokenizer_is_loaded_once_per_process():
    assert get_tokenizer() is get_tokenizer()
    t = get_tokenizer()
    segment("政务公开")
    assert get_tokenizer() is t


def test_content_words_drop_stopwords_punctuation_and_fold_numbers():
    tok = get_tokenizer()
    # 我局 / 共 / 件 / 其中 are function words, the punctuation goes, 54 and 31 fold to <num>
    assert tok.content_words("我局共受理依申请公开54件，其中予以公开31件。") == ["受理", "依申请公开", "<num>", "予以公开", "<num>"]


def test_shipped_dictionary_is_a_word_list_and_rebuilds(tmp_path, corpus_texts):
    entries = read_user_dictionary(USER_DICT_PATH)
    assert len(entries) >= len(set(SEGMENT_TERMS))
    assert all(1 < len(w) <= 12 and f > 0 for w, f in entries)
    out = tmp_path / "userdict.txt"
    stats = build_user_dictionary(corpus_texts, out)
    rebuilt = read_user_dictionary(out)
    assert stats.vocabulary_terms == len(set(SEGMENT_TERMS)) and stats.corpus_terms > 0
    assert rebuilt == entries, "the shipped dictionary is not what `xxgk train userdict` builds from the corpus"
    assert get_tokenizer().user_words == entries  # building elsewhere leaves the loaded tokenizer alone


def test_bad_dictionary_line_names_the_file(tmp_path):
    bad = tmp_path / "d.txt"
    bad.write_text("政务公开 notanumber\n", encoding="utf-8")
    with pytest.raises(XxgkError, match="d.txt:1"):
        read_user_dictionary(bad)
    with pytest.raises(XxgkError, match="not found"):
        read_user_dictionary(tmp_path / "missing.txt")


def test_token_is_a_plain_record():
    t = segment("政务公开", offset=10)[0]
    assert t == Token("政务公开", 10, 14) and t.to_dict() == {"word": "政务公开", "start": 10, "end": 14}


def test_nlp_segment_is_callable_before_and_after_the_module_is_imported():
    import importlib

    import nlp

    importlib.import_module("nlp.segmentation")  # the module is named for what it is: it shadows no function
    assert [t.word for t in nlp.segment("政务新媒体和依申请公开")] == ["政务新媒体", "和", "依申请公开"]
    assert nlp.segment("政务公开", offset=2) == [Token("政务公开", 2, 6)]
