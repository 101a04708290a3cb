"""Themes: heading rules, labels, the shipped model, classify_themes, specificity, CLI, training."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, REPORTS_DIR
from nlp.errors import ModelLoadError, XxgkError
from nlp.themes import THEME_KEYS, classify_themes, problem_specificity, theme_for_heading
from nlp.themes.baseline import KeywordBaseline
from nlp.themes.labels import labelled_units
from nlp.themes.model import DEFAULT_MODEL_DIR, MODEL_FILE, load_model, read_model

SEED = REPORTS_DIR / "huaian-office-2019.txt"
SEED_OVERVIEW_THEMES = ["training", "proactive", "requests", "management", "platforms", "supervision"]


@pytest.fixture(scope="module")
def seed():
    from nlp.structure import read_report

    return read_report(SEED)


@pytest.fixture(scope="module")
def model():
    return load_model()


# ---------------------------------------------------------------- rules and labels

@pytest.mark.parametrize("heading,part,theme", [
    ("（一）新《条例》宣传教育培训情况", "overview", "training"),
    ("（二）主动公开情况", "overview", "proactive"),
    ("(三)依申请公开情况", "overview", "requests"),
    ("（四）政府信息管理情况", "overview", "management"),
    ("（五）政府信息公开平台建设情况", "overview", "platforms"),
    ("（六）政府信息公开监督保障情况", "overview", "supervision"),
    ("2. 加强组织领导", "overview", "supervision"),
    ("（一）主要问题", "problems", "problems"),
    ("（二）改进情况", "problems", "improvements"),
    ("（三）全面提升队伍业务水平", "problems", "improvements"),   # part 五: no topical themes
    ("（二）下一步工作打算", "problems", "improvements"),
    ("（四）复议、诉讼情况", "overview", "other"),
    ("（五）落实和制定相关配套措施情况", "overview", None),      # 措施 only counts inside part 五
    ("（一）扎实开展各项工作", "overview", None),
    ("", "overview", None),
])
def test_heading_rules(heading, part, theme):
    assert theme_for_heading(heading, part) == theme


def test_seed_labels_come_from_headings_and_bodies_exclude_them(seed):
    units = list(labelled_units(seed))
    sections = [u for u in units if u.evaluable and u.part == "overview"]
    assert [u.theme for u in sections] == SEED_OVERVIEW_THEMES
    for u in sections:
        assert u.heading and u.heading not in u.text
        assert seed.text[u.start:u.end].startswith(u.text[:10])
    # part 五: heading-less text split at the turn gives a problems and an improvements half, both
    # scored, the turn's cue words (下一步) cut off the improvements half
    halves = [u for u in units if u.source == "half"]
    assert [u.theme for u in halves] == ["problems", "improvements"] and all(u.evaluable for u in halves)
    assert halves[0].end <= halves[1].start and "下一步" in seed.text[halves[0].end:halves[1].start]
    assert "下一步" not in halves[1].text and seed.text[halves[1].start:halves[1].end].endswith(halves[1].text[-10:])
    assert sum(1 for u in units if u.evaluable and u.theme == "improvements") == 4


def test_keyword_baseline_on_constructed_text():
    b = KeywordBaseline()
    assert b.predict_one("本年度共受理申请12件，均按期答复申请人。") == "requests"
    assert b.predict_one("组织全体干部参加业务培训班两次。") == "training"
    assert b.predict_one("") == "other"


# ---------------------------------------------------------------- the shipped model

def test_shipped_model_card_versions_and_scores(model):
    from sklearn.base import BaseEstimator, ClassifierMixin

    assert isinstance(model, BaseEstimator) and isinstance(model, ClassifierMixin)
    card = model.card_
    assert card["taxonomy_version"] == "1.0" and card["format"] == 2
    assert sorted(card["classes"]) == sorted(THEME_KEYS)
    assert (DEFAULT_MODEL_DIR / MODEL_FILE).stat().st_size < 25_000_000
    assert card["hyperparameters"] == model.get_params()
    cv = card["cv"]
    assert cv["sections"] >= 150 and cv["groups"] >= 50 and cv["folds"] == cv["groups"]
    levels = cv["levels"]
    assert set(levels) == {"section", "section_parts", "section_ordered", "paragraph", "sentence",
                           "sentence_context", "baseline"}
    for s in levels.values():
        lo, hi = s["ci95"]
        assert lo <= s["macro_f1"] <= hi and s["units"] == sum(sum(r.values()) for r in s["confusion"].values())
    # bodies alone beat the keyword dictionary clearly; parts and order decoding add to it
    assert levels["section"]["macro_f1"] >= levels["baseline"]["macro_f1"] + 0.1
    assert levels["section_ordered"]["macro_f1"] >= levels["section_parts"]["macro_f1"] >= levels["section"]["macro_f1"]
    assert levels["sentence_context"]["macro_f1"] > levels["sentence"]["macro_f1"]
    assert len(card["training_files_sha256"]) == 64 and "scikit-learn" in card["libraries"]


def test_shipped_model_labels_seed_overview_sections_without_headings(seed, model):
    bodies = [u for u in labelled_units(seed, units=("section",)) if u.evaluable and u.part == "overview"]
    assert len(bodies) == 6
    assert all(u.heading not in u.text for u in bodies)
    assert model.predict([u.text for u in bodies]) == SEED_OVERVIEW_THEMES


def test_sequence_decoder_follows_the_template_order():
    import numpy as np

    from nlp.themes.sequence import decode_order, decode_sections, is_ordered

    classes = list(THEME_KEYS)
    def row(**p):
        r = np.full(len(classes), 0.01)
        for k, v in p.items():
            r[classes.index(k)] = v
        return r / r.sum()
    # a platforms section after a management one, that content alone calls proactive (repeat + step back)
    probs = np.array([row(proactive=0.8), row(requests=0.9), row(management=0.7), row(proactive=0.5, platforms=0.3)])
    assert [classes[j] for j in decode_order(probs, classes)] == ["proactive", "requests", "management", "platforms"]
    assert [classes[j] for j in decode_order(probs, classes, penalty=0)][-1] == "proactive"
    # strong content evidence still wins over the order
    probs = np.array([row(supervision=0.95), row(proactive=0.9)])
    assert [classes[j] for j in decode_order(probs, classes)] == ["supervision", "proactive"]
    # only part 一 of 2019/2021-layout reports, and only its top-level headed sections
    assert is_ordered("overview", "2021") and not is_ordered("overview", "2008") and not is_ordered("problems", "2021")
    probs = np.array([row(proactive=0.8), row(proactive=0.5, platforms=0.3)])
    assert decode_sections(probs, classes, ["overview"] * 2, ["2008"] * 2, [0, 1]) == ["proactive", "proactive"]
    assert decode_sections(probs, classes, ["overview"] * 2, ["2021"] * 2, [0, -1]) == ["proactive", "proactive"]
    assert decode_sections(probs, classes, ["overview"] * 2, ["2021"] * 2, [0, 1]) == ["proactive", "platforms"]
    assert decode_order(np.zeros((0, len(classes))), classes) == []


def test_classify_themes_labels_seed_overview_sections(seed, model):
    res = classify_themes(seed, "section", model=model)
    overview = [s for s in res.sections if s.part == "overview" and s.heading]
    assert [s.theme for s in overview] == SEED_OVERVIEW_THEMES
    assert [s.heading_theme for s in overview] == SEED_OVERVIEW_THEMES


def test_context_units_are_decoded_but_never_trained_or_scored():
    from nlp.themes.labels import LabelledText
    from nlp.themes.model import label_counts

    ctx = LabelledText("r", "", "正文", 0, 2, "section", "context", "overview", "（一）扎实开展各项工作", "2021", 0)
    assert not ctx.trainable and not ctx.evaluable and label_counts([ctx]) == {}


def test_model_refuses_incompatible_artefacts(tmp_path):
    for name, edit in (("taxonomy", lambda c: c.update(taxonomy_version="0.0")),
                       ("sklearn", lambda c: c["libraries"].update({"scikit-learn": "0.1.0"})),
                       ("format", lambda c: c.update(format=99))):
        d = tmp_path / name
        shutil.copytree(DEFAULT_MODEL_DIR, d)
        card = json.loads((d / "card.json").read_text(encoding="utf-8"))
        edit(card)
        (d / "card.json").write_text(json.dumps(card), encoding="utf-8")
        with pytest.raises(ModelLoadError, match="card.json"):
            read_model(d)
    with pytest.raises(ModelLoadError, match="no theme model"):
        read_model(tmp_path / "nothing")
    d = tmp_path / "corrupt"
    shutil.copytree(DEFAULT_MODEL_DIR, d)
    (d / MODEL_FILE).write_bytes(b"not a pickle")
    with pytest.raises(ModelLoadError, match="model.pkl.gz"):
        read_model(d)


# ---------------------------------------------------------------- classify_themes

def test_classify_themes_offsets_levels_shares(seed, model):
    res = {lvl: classify_themes(seed, lvl, model=model) for lvl in ("section", "paragraph", "sentence")}
    for lvl, r in res.items():
        assert r.units and all(u.level == lvl for u in r.units)
        for u in r.units:
            assert seed.text[u.start:u.end] == u.text or u.level == "section"
            assert abs(sum(u.probabilities.values()) - 1) < 1e-3
            assert u.theme in THEME_KEYS
            if u.part == "problems":
                assert u.theme in ("problems", "improvements")
    sents = res["sentence"].units
    assert [s.start for s in sents] == sorted(s.start for s in sents)
    r = res["sentence"]
    assert sum(r.shares.values()) == sum(sum(1 for c in s.text if not c.isspace()) for s in sents)
    assert sum(r.share_fractions.values()) == pytest.approx(1, abs=1e-3)
    overview = [s for s in r.sections if s.part == "overview" and s.heading]
    assert [s.theme for s in overview] == SEED_OVERVIEW_THEMES
    assert [s.heading_theme for s in overview] == SEED_OVERVIEW_THEMES
    for s in overview:
        assert sum(s.distribution.values()) == pytest.approx(1, abs=1e-3)
        assert s.heading not in seed.text[s.start:s.end][: len(s.heading)]
    # the whole of part 五 is problems or improvements, both present
    part5 = [u for u in sents if u.part == "problems"]
    assert {u.theme for u in part5} == {"problems", "improvements"}
    assert r.specificity is not None and r.specificity.chars > 100
    assert json.loads(json.dumps(r.to_dict()))["report"] == seed.id


def test_classify_themes_bad_arguments(seed):
    with pytest.raises(XxgkError, match="level"):
        classify_themes(seed, "chapter")
    with pytest.raises(XxgkError, match="Report"):
        classify_themes("not a report")  # type: ignore[arg-type]


def test_report_without_narrative_gives_empty_results(model):
    from nlp.structure import parse_text

    r = parse_text("一、总体情况\n\n二、主动公开政府信息情况\n", source="empty.txt")
    out = classify_themes(r, "sentence", model=model)
    assert out.units == [] and sum(out.shares.values()) == 0 and out.specificity is None


# ---------------------------------------------------------------- specificity

def test_problem_specificity_separates_concrete_from_generic():
    concrete = "由区政务公开办牵头，2025年6月底前完成《政府信息公开指南》修订，清理过期信息120条。"
    generic = "进一步加强政务公开工作，不断提升公开质量和水平，切实加大工作力度，全面完善相关机制。"
    text = concrete + generic
    a = problem_specificity(text, [(0, len(concrete))])
    b = problem_specificity(text, [(len(concrete), len(text))])
    assert a.score > 0.5 > b.score
    assert a.concrete["deadline"] >= 1 and a.concrete["number"] >= 1 and a.concrete["named_measure"] >= 1
    assert a.concrete["responsible_unit"] >= 1
    assert a.concrete_per_100 > b.concrete_per_100 and b.generic_per_100 > a.generic_per_100
    for it in a.items:
        assert text[it.start:it.end] == it.text and 0 <= it.start < len(concrete)
    assert problem_specificity(text, []) is None


# ---------------------------------------------------------------- CLI and training

def test_cli_themes_formats_and_bad_file(tmp_path):
    from cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["themes", str(SEED), "--level", "section", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout.strip().splitlines()[0])
    assert d["level"] == "section" and [s["theme"] for s in d["sections"] if s["part"] == "overview" and s["heading"]] == SEED_OVERVIEW_THEMES
    r = runner.invoke(app, ["themes", str(SEED), "-l", "sentence", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.exit_code == 0 and rows and {row["level"] for row in rows} == {"sentence"}
    r = runner.invoke(app, ["themes", str(SEED)])
    assert r.exit_code == 0 and "theme shares" in r.stdout and "problem specificity" in r.stdout
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    r = runner.invoke(app, ["themes", str(SEED), str(bad), "-f", "json"])
    assert r.exit_code == 2 and "broken.pdf" in "".join(r.output.split())
    assert len([ln for ln in r.stdout.splitlines() if ln.startswith("{")]) == 1  # the good file is still done
    r = runner.invoke(app, ["themes", str(SEED), "--model", str(tmp_path / "nomodel")])
    assert r.exit_code == 2 and "no theme model" in " ".join(r.output.split())


def test_train_themes_reproduces_the_shipped_artefact(tmp_path, model):
    """`xxgk train themes --corpus ../shared/corpus` gives the shipped model file byte for byte."""
    from cli import app

    out = tmp_path / "themes"
    r = CliRunner().invoke(app, ["train", "themes", "--corpus", str(CORPUS), "--out", str(out), "--no-cv"])
    assert r.exit_code == 0, r.output
    shipped = model.card_
    retrained = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert retrained["training_files_sha256"] == shipped["training_files_sha256"], "corpus changed: retrain"
    assert retrained["training_units"] == shipped["training_units"], "shipped model is stale: retrain it"
    assert retrained["generated_units"] == shipped["generated_units"], "the generator changed: retrain"
    assert (out / "model.pkl.gz").read_bytes() == (DEFAULT_MODEL_DIR / MODEL_FILE).read_bytes()
    assert retrained["artefact_sha256"] == shipped["artefact_sha256"]


# ---------------------------------------------------------------- the estimator

def test_estimator_holds_keywords_parts_and_context(model):
    import numpy as np
    from sklearn.base import clone

    from nlp.themes.estimator import ThemeInput

    classes = list(model.classes_)
    # part 五 allows only problems/improvements, whatever the text says
    text = "全年共受理政府信息公开申请15件，均在法定期限内答复。"
    free, in_part5 = model.predict_proba([text, ThemeInput(text, "problems")])
    assert classes[int(free.argmax())] == "requests"
    assert {classes[j] for j in np.flatnonzero(in_part5 > 0)} <= {"problems", "improvements"}
    assert in_part5.sum() == pytest.approx(1)
    # a very short sentence takes its paragraph's distribution; a longer one is blended with it
    para = "组织各科室工作人员参加政府信息公开业务培训两期，讲解条例要点和答复规范。"
    short, longer, alone = model.predict_proba([ThemeInput("对此。", "", para), ThemeInput(text, "", para), text])
    (ctx,) = model.predict_proba([para])
    assert short == pytest.approx(ctx)
    w = model.context_weight
    assert 0 < w < 1 and longer == pytest.approx((1 - w) * alone + w * ctx)
    # the keyword prior is inside: without it the content model alone speaks
    assert not np.allclose(model.predict_proba([text], keywords=False), model.predict_proba([text]))
    # a scikit-learn estimator: clone keeps the parameters and drops the fit
    twin = clone(model)
    assert twin.get_params() == model.get_params() and not hasattr(twin, "classes_")


def test_estimator_fits_on_constructed_texts_and_pickles_what_predicts(tmp_path):
    import pickle

    from nlp.themes.model import new_estimator

    texts = ["举办培训班两期，培训干部八十人次。", "开展业务培训，邀请专家授课讲解条例。", "组织新任干部集中学习培训。",
             "受理公开申请二十件，全部按期答复。", "办理依申请公开事项，答复申请人。", "申请人提出的申请均已办结并答复。"]
    themes = ["training"] * 3 + ["requests"] * 3
    m = new_estimator(keyword_weight=0.0).fit(texts, themes)
    assert list(m.classes_) == ["requests", "training"]
    again = pickle.loads(pickle.dumps(m))
    probe = ["本年度共收到申请五件，均已答复。", "开展培训一次。"]
    assert again.predict(probe) == m.predict(probe) == ["requests", "training"]
    assert again.card_ is None


# ---------------------------------------------------------------- openers, groups, shares, scores

@pytest.mark.parametrize("phrase,part,theme", [
    ("一是加强业务培训", "overview", "training"),
    ("（三）平台建设", "overview", "platforms"),
    ("二是依申请公开办理质量仍需提升", "problems", "problems"),       # a shortcoming, whatever the topic
    ("三是进一步拓宽公开渠道", "proactive", "improvements"),           # a measure to come
    ("一是扎实推进各项工作", "problems", None),                         # no default inside part 五
    ("（一）扎实开展各项工作", "overview", None),
])
def test_opener_rules(phrase, part, theme):
    from nlp.themes.taxonomy import theme_for_opener

    assert theme_for_opener(phrase, part) == theme


def test_opener_items_on_constructed_report():
    from nlp.structure import parse_text
    from nlp.themes.labels import opener_items

    body = ("一、总体情况\n本年度我局依法推进政务公开。一是加强业务培训，组织干部集中学习两次。"
            "二是优化门户网站栏目，新增解读专栏一个。三是扎实做好各项工作，按时完成任务。\n")
    r = parse_text(body, source="constructed.txt")
    items = list(opener_items(r))
    assert [u.theme for u in items] == ["training", "platforms"]
    for u in items:
        assert r.text[u.start:u.end] == u.text and u.unit == "item" and u.source == "opener"
        assert not u.evaluable and u.text in u.context
    # a problems list, the turn to improvements, then measures that name no theme of their own
    part5 = ("五、存在的主要问题及改进情况\n一是个别栏目更新不够及时，存在滞后现象。二是解读形式比较单一，图解较少。"
             "下一步，我们将从以下方面改进：一是健全栏目巡查机制，每月检查一次。二是丰富图解和视频解读形式。\n")
    r = parse_text(part5, source="constructed5.txt")
    assert [(u.theme, u.text[:2]) for u in opener_items(r)] == [
        ("problems", "一是"), ("problems", "二是"), ("improvements", "一是"), ("improvements", "二是")]


def test_agencies_sharing_copied_text_form_one_group():
    from nlp.structure import parse_text
    from nlp.themes.labels import corpus_units

    shared = "本机关按照条例要求，认真梳理政府信息公开目录，及时更新公开指南并在门户网站发布。"
    a = parse_text(f"一、总体情况\n（一）主动公开情况\n{shared}\n", source="a.txt")
    b = parse_text(f"一、总体情况\n（一）主动公开情况\n{shared}\n", source="b.txt")
    c = parse_text("一、总体情况\n（一）主动公开情况\n全年主动公开各类信息一千二百条，其中政策文件三十件。\n",
                   source="c.txt")
    a.agency, b.agency, c.agency = "甲县人民政府", "乙区管理委员会", "丙市教育局"
    groups = {u.report: u.agency for u in corpus_units([a, b, c])}
    assert groups["a.txt"] == groups["b.txt"] != groups["c.txt"]


def test_theme_shares_one_computation():
    from nlp.themes.shares import nonspace_counter, theme_chars, theme_shares

    text = "培训 两次。受理申请三件。"
    spans = [(0, 6, "training"), (6, 13, "requests")]
    assert theme_chars(spans) == {"training": 6, "requests": 7}
    assert theme_chars(spans, nonspace_counter(text)) == {"training": 5, "requests": 7}
    assert theme_shares(spans, nonspace_counter(text)) == {"requests": round(7 / 12, 4), "training": round(5 / 12, 4)}
    assert theme_shares([]) == {} and theme_shares([(3, 3, "other")]) == {}
    assert list(theme_chars([], all_themes=True)) == list(THEME_KEYS)


def test_score_level_on_hand_counted_predictions():
    from nlp.themes.evaluate import score_level

    gold = ["training", "training", "requests", "requests"]
    got = ["training", "requests", "requests", "requests"]
    s = score_level(gold, got, ["a", "a", "b", "b"], bootstrap=50)
    # training: P 1, R 1/2, F1 2/3; requests: P 2/3, R 1, F1 4/5
    assert s.macro_f1 == pytest.approx(round((2 / 3 + 4 / 5) / 2, 4))
    assert s.accuracy == 0.75 and s.confusion == {"training": {"requests": 1, "training": 1}, "requests": {"requests": 2}}
    assert s.ci95[0] <= s.macro_f1 <= s.ci95[1]


# ---------------------------------------------------------------- features, self-training, prior shift

def test_char_tfidf_equals_scikit_learns_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp.themes.estimator import CharTfidf, char_text

    train = ["全年主动公开信息1200条。", "受理申请 15 件，均按期答复。", "组织培训两次，培训干部80人次。",
             "门户网站新增栏目2个。", "受理申请与答复申请：全年共计12件。", "培训干部。"]
    probe = train + ["本年度受理申请3件，公开信息50条。", "", "ABC abc 培训"]
    sk = TfidfVectorizer(analyzer="char", preprocessor=char_text, ngram_range=(1, 3), sublinear_tf=True,
                         min_df=2).fit(train)
    own = CharTfidf(min_df=2, max_features=None).fit(train)
    assert own.vocabulary_ == sk.vocabulary_
    assert abs(own.transform(probe) - sk.transform(probe)).max() < 1e-12


def test_keyword_score_matrix_equals_scores():
    b = KeywordBaseline()
    texts = ["组织业务培训班两期，宣传条例。", "受理申请12件，政策解读8篇。", "", "门户网站改版。"]
    m = b.score_matrix(texts, THEME_KEYS)
    assert [[b.scores(t)[k] for k in THEME_KEYS] for t in texts] == m.tolist()
    # keywords repeated, adjacent, overlapping each other and at the texts' edges (one scan over the
    # joined texts must count what str.count counts per text)
    import random

    words = [k for t in THEME_KEYS for k in b.keywords.get(t, ())]
    pieces = words + list("的了和是，。") + ["", "\0"]
    rng = random.Random(7)
    for _ in range(200):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(0, 6))]
        m = b.score_matrix(texts, THEME_KEYS)
        assert m.shape == (len(texts), len(THEME_KEYS))
        assert [[b.scores(t)[k] for k in THEME_KEYS] for t in texts] == m.tolist()


def _toy_training():
    texts = ["举办培训班两期，培训干部八十人次。", "开展业务培训，邀请专家授课讲解条例。", "组织新任干部集中学习培训。",
             "培训全体工作人员一次。", "受理公开申请二十件，全部按期答复。", "办理依申请公开事项，答复申请人。",
             "申请人提出的申请均已办结并答复。", "全年受理申请九件，均已答复。"]
    return texts, ["training"] * 4 + ["requests"] * 4, ["a", "b", "c", "d"] * 2


def test_self_training_adds_confident_pseudo_labels_only():
    from nlp.themes.model import new_estimator

    texts, themes, _ = _toy_training()
    pool = ["组织干部参加培训两次。", "答复申请人的申请三件。", "天气晴朗。"]
    plain = new_estimator(keyword_weight=0.0, self_training=0.0).fit(texts + pool, themes + [""] * 3)
    assert plain.pseudo_labelled_ == 0  # unlabelled texts are ignored without self-training
    trained = new_estimator(keyword_weight=0.0, self_training=0.5).fit(texts + pool, themes + [""] * 3)
    assert 1 <= trained.pseudo_labelled_ <= 3 and list(trained.classes_) == ["requests", "training"]
    assert new_estimator(keyword_weight=0.0, self_training=1.01).fit(texts + pool, themes + [""] * 3) \
        .pseudo_labelled_ == 0
    assert trained.predict(["培训干部两次。", "答复申请五件。"]) == ["training", "requests"]


def test_nested_prior_shift_needs_groups_and_stays_on_the_grid():
    import numpy as np

    from nlp.themes.estimator import BIAS_GRID
    from nlp.themes.model import new_estimator

    texts, themes, groups = _toy_training()
    assert not np.any(new_estimator(bias_folds=2).fit(texts, themes).class_bias_)  # no groups: no shift
    m = new_estimator(bias_folds=2).fit(texts, themes, groups=groups)
    assert m.class_bias_.shape == (2,) and all(b == 0 or b in BIAS_GRID for b in m.class_bias_)
    assert m.predict_proba(texts).sum(axis=1) == pytest.approx(np.ones(len(texts)))


def test_unlabelled_units_cover_only_text_no_label_covers():
    from nlp.structure import parse_text
    from nlp.themes.labels import corpus_units, unlabelled_units

    r = parse_text("一、总体情况\n本机关依法推进政务公开工作，全年运行平稳。各项制度得到落实。\n"
                   "（一）主动公开情况\n全年主动公开各类信息一千二百条，其中政策文件三十件。\n", source="u.txt")
    r.agency = "丁县人民政府"
    units = corpus_units([r])
    free = unlabelled_units([r], units)
    assert free and all(u.theme == "" and u.source == "unlabelled" for u in free)
    assert all("主动公开各类信息" not in u.text for u in free) and any("依法推进" in u.text for u in free)
    assert {u.agency for u in free} == {u.agency for u in units}


def test_training_runs_single_threaded_whatever_the_environment():
    """The artefact is byte-reproducible only with one BLAS/OpenMP thread: training sets that itself."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from nlp.themes.train import _one_thread

    with threadpool_limits(limits=2):          # as a caller with OMP_NUM_THREADS unset on 2+ cores
        with _one_thread():
            inside = threadpool_info()
        assert {"openblas", "openmp"} & {i["internal_api"] for i in inside}
        assert all(i["num_threads"] == 1 for i in inside), inside


# ---------------------------------------------------------------- units of generated reports

def test_generated_units_are_other_matters_trained_on_never_scored():
    """The generator's reports, labelled like real ones, give ``other`` units only; their source and
    group keep them out of every held-out fold and out of the scored sections."""
    from nlp.themes.generated import GENERATED_SOURCE, generated_units

    units = generated_units(("other",), agencies=6)
    assert units and {u.theme for u in units} == {"other"}
    assert {u.unit for u in units} >= {"section", "sentence"}
    assert all(u.source == GENERATED_SOURCE and not u.evaluable and u.trainable for u in units)
    assert all(u.agency.startswith("generated:") and u.report.startswith("generated:") for u in units)
    # one group per agency, but the generator plants copied text between agencies, whose groups merge
    assert 3 <= len({u.agency for u in units}) <= 6
    # the fee, reconsideration and other-matters sentences are there, not part 一's measures
    joined = "".join(u.text for u in units)
    assert "信息处理费" in joined and "行政复议" in joined and "其他需要报告的事项" in joined
    assert [u.text for u in generated_units(("other",), agencies=6)] == [u.text for u in units]   # deterministic
    assert generated_units(themes=()) == []
    all_themes = generated_units(themes=THEME_KEYS, agencies=2)
    assert {u.theme for u in all_themes} > {"other", "proactive", "requests"}


@pytest.mark.parametrize("text,narrative", [
    ("本年度未收取信息处理费。", True),
    ("全年主动公开各类文件一百余件、\n并同步发布政策解读材料。\n某某局\n二〇二四年一月", True),   # a signature under prose
    ("行政复议行政诉讼\n直接起诉复议后起诉\n结果维持结果纠正其他结果尚未审结\n注：数量含上年度结转。", False),
    ("第一项 第二项 第三项\n12 30 45 7 8 9 10 11 12 13 14 15。", False),
    ("没有句末标点的一行文字，只有逗号", False),
])
def test_is_narrative_rejects_table_lines_read_as_text(text, narrative):
    from nlp.themes.labels import is_narrative

    assert is_narrative(text) is narrative


def test_scarce_themes_count_heading_labelled_sections_only():
    from nlp.themes.generated import scarce_themes
    from nlp.themes.labels import LabelledText

    def unit(theme, unit="section", source="heading"):
        return LabelledText("r", theme, "正文。", 0, 3, unit, source)

    units = ([unit("proactive")] * 3 + [unit("requests")] * 2 + [unit("training", "sentence")] * 5
             + [unit("other", source="weak")] * 5 + [unit("problems", source="half")] * 3)
    assert scarce_themes(units, min_sections=3) == tuple(t for t in THEME_KEYS if t not in ("proactive", "problems"))
    assert scarce_themes(units, min_sections=0) == ()


@pytest.mark.parametrize("text", [
    "本机关当年没有因政府信息公开工作被申请行政复议，也没有被提起行政诉讼。",
    "今年未向申请人收取任何信息处理费用。",
    "本单位今年没有别的需要报告的事项。",
])
def test_shipped_model_reads_other_matters_as_other(model, text):
    """Reconsideration and litigation, fees and 'nothing else to report' are the ``other`` theme
    (the taxonomy's), not requests: what the generated units teach (sentences written for this test)."""
    assert model.predict([text]) == ["other"]
