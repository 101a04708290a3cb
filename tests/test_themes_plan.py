"""Themes: the learned plan-vs-done sentence model and the improvements gate (nlp.themes.plan)."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from nlp.themes.plan import PlanModel, gate, plan_sentences

# the same topics told as done (part 一) and as plans (improvements)
DONE = ["本年度组织开展业务培训两期，培训干部八十人次。", "今年完成了政府网站栏目改版，新增专栏三个。",
        "全年受理公开申请二十件，均已按期答复。", "本年度开展监督检查一次，通报问题三项。",
        "组织全体干部学习条例，举办专题讲座一次。", "今年平台共发布信息五百条，更新及时。"]
PLAN = ["下一步，我们将进一步加强业务培训，持续提升干部能力。", "下一步将继续推动网站栏目改版，着力优化专栏。",
        "我们将进一步规范公开申请办理，持续提升答复质量。", "下一步将继续加强监督检查，推动问题整改到位。",
        "将进一步组织干部学习条例，持续开展专题讲座。", "将继续推动平台信息发布，着力提升更新时效。"]
TEXTS = DONE + PLAN
LABELS = ["training", "platforms", "requests", "supervision", "training", "platforms"] + ["improvements"] * 6


def test_plan_sentences_split_and_drop_fragments():
    assert plan_sentences("一是加强培训。二是优化平台；好。\n三是推动整改") == ["一是加强培训。", "二是优化平台；", "三是推动整改"]
    assert plan_sentences("好。") == ["好。"]   # nothing long enough: the whole text


def test_plan_model_tells_plans_from_done_work_on_the_same_topics():
    m = PlanModel().fit(TEXTS, LABELS)
    probe_plan = "下一步将进一步加强干部培训，持续优化平台。"
    probe_done = "本年度组织干部培训一次，完成平台改版。"
    p = m.sentence_proba([probe_plan, probe_done])
    assert p[0] > 0.5 > p[1]
    # a text's score is the mean over its sentences
    both = m.score([probe_plan + probe_done])[0]
    assert both == pytest.approx(p.mean())
    # deterministic: a second fit gives the same probabilities
    assert np.array_equal(PlanModel().fit(TEXTS, LABELS).sentence_proba([probe_plan, probe_done]), p)
    # texts of other themes (here "other") are not training sentences
    m2 = PlanModel().fit(TEXTS + ["复议诉讼情况：本年度无行政复议。"], LABELS + ["other"])
    assert m2.sentences_ == m.sentences_


def test_plan_model_needs_both_sides():
    with pytest.raises(ValueError):
        PlanModel().fit(DONE, LABELS[:6])


def test_gate_shifts_only_the_improvements_column():
    classes = ["improvements", "training"]
    probs = np.array([[0.4, 0.6], [0.4, 0.6]])
    out = gate(probs, classes, np.array([1.0, -1.0]), 2.0)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[0, 0] == pytest.approx(0.4 * np.e ** 2 / (0.4 * np.e ** 2 + 0.6))
    assert out[1, 0] == pytest.approx(0.4 * np.e ** -2 / (0.4 * np.e ** -2 + 0.6))
    assert np.array_equal(gate(probs, classes, np.array([1.0, -1.0]), 0.0), probs)
    assert np.array_equal(gate(probs, ["problems", "training"], np.array([1.0, -1.0]), 2.0), probs)
    assert np.allclose(gate(probs, classes, np.array([0.0, 0.0]), 3.0), probs)   # no evidence: no shift


def test_estimator_plan_gate_turns_plans_to_improvements_and_pickles():
    from nlp.themes.model import new_estimator

    # improvements texts that share no topic words with the probe: only their plan form marks them
    texts = DONE + ["下一步将进一步规范信息发布，持续提升时效。", "将继续推动制度建设，着力完善机制。",
                    "下一步将继续加强组织领导，持续压实责任。", "将进一步健全工作机制，着力推动落实。"]
    labels = LABELS[:6] + ["improvements"] * 4
    probe = ["下一步将进一步加强业务培训，持续组织干部学习。"]
    off = new_estimator(keyword_weight=0.0, self_training=0.0, plan_weight=0.0).fit(texts, labels)
    on = new_estimator(keyword_weight=0.0, self_training=0.0, plan_weight=3.0).fit(texts, labels)
    assert off.plan_ is None and on.plan_ is not None
    k = list(on.classes_).index("improvements")
    assert on.predict_proba(probe)[0, k] > off.predict_proba(probe)[0, k]
    done_probe = ["本年度组织开展业务培训一期，培训干部五十人次。"]
    assert on.predict_proba(done_probe)[0, k] < off.predict_proba(done_probe)[0, k]
    again = pickle.loads(pickle.dumps(on))
    assert np.array_equal(again.predict_proba(probe + done_probe), on.predict_proba(probe + done_probe))


def test_plan_evidence_is_centred_by_grouped_out_of_fold_scores():
    groups = [f"a{i % 3}" for i in range(len(TEXTS))]
    plain = PlanModel().fit(TEXTS, LABELS)
    assert (plain.centre_, plain.half_gap_) == (0.5, 0.5)        # no groups: no centring
    m = PlanModel(folds=3).fit(TEXTS, LABELS, groups)
    assert 0.0 < m.centre_ < 1.0 and m.half_gap_ > 1e-3 and m.centre_ != 0.5
    # the evidence is +/- bounded and centred: a text scoring exactly centre_ gets none
    z = m.evidence(TEXTS)
    assert np.all(np.abs(z) < 1.0)
    assert np.allclose(np.tanh((m.score(TEXTS) - m.centre_) / m.half_gap_), z)
    assert np.mean(z[6:]) > np.mean(z[:6])                        # plans above done work, in sample
    again = PlanModel(folds=3).fit(TEXTS, LABELS, groups)
    assert (again.centre_, again.half_gap_) == (m.centre_, m.half_gap_)


def test_a_plan_model_fitted_elsewhere_is_centred_on_the_training_texts_not_refitted():
    from nlp.themes.model import new_estimator

    sentences = [s for t in TEXTS for s in plan_sentences(t)]
    external = PlanModel(c=2.0).fit_sentences(sentences, [0] * 6 + [1] * 6, min_df=1)
    centred = external.centre_on(TEXTS, LABELS)
    assert (external.centre_, external.half_gap_) == (0.5, 0.5)            # the given model is left as it was
    assert centred.classifier_ is external.classifier_ and centred.centre_ != 0.5
    score = external.score(TEXTS)
    assert centred.centre_ == pytest.approx((score[6:].mean() + score[:6].mean()) / 2)
    with pytest.raises(ValueError):
        external.centre_on(DONE, LABELS[:6])
    est = new_estimator(keyword_weight=0.0, self_training=0.0, plan_weight=1.5)
    est.fit(TEXTS, LABELS, plan_model=external)
    assert est.plan_.classifier_ is external.classifier_ and est.plan_.centre_ == centred.centre_
    # a pickled estimator keeps the gate it predicts with
    again = pickle.loads(pickle.dumps(est))
    assert np.array_equal(again.predict_proba(TEXTS), est.predict_proba(TEXTS))


def test_the_work_reports_of_the_shared_prose_teach_plans_from_done_work(shared_dir):
    """Fitted on the government work reports alone, the gate scores the improvements sections of a real
    disclosure report above its part-一 sections (no disclosure report is in its data)."""
    from nlp.structure import read_report
    from nlp.themes.labels import labelled_units
    from nlp.themes.mining import tense_sentences
    from nlp.themes.plan import plan_model_from_prose

    sentences, labels, documents = tense_sentences(shared_dir / "pretrain")
    assert len(sentences) > 5000 and 0.3 < sum(labels) / len(labels) < 0.8 and len(documents) >= 20
    assert sentences == sorted(set(sentences))
    model, info = plan_model_from_prose(shared_dir / "pretrain")
    assert (info["sentences"], info["plan_sentences"], info["documents"]) == (len(sentences), sum(labels), len(documents))
    assert all(len(h) == 64 for h in info["files_sha256"].values())
    report = read_report(shared_dir / "corpus" / "reports" / "huaian-office-2019.txt")
    units = [u for u in labelled_units(report, units=("section",)) if u.evaluable]
    plans = model.score([u.text for u in units if u.theme == "improvements"])
    done = model.score([u.text for u in units if u.part == "overview"])
    assert len(plans) >= 3 and len(done) >= 6
    assert plans.min() > np.median(done) and plans.mean() > done.mean() + 0.1


def test_tense_sentences_need_both_a_review_and_a_plan_part(tmp_path):
    import gzip
    import json

    from nlp.errors import XxgkError
    from nlp.themes.mining import tense_sentences
    from nlp.themes.plan import plan_model_from_prose

    docs = [{"id": "both", "text": "一、2024年工作回顾\n全年完成改造项目十二个，新增就业三万人。\n"
                                   "二、2025年政府工作任务\n要加快推进城市更新，着力扩大有效投资。\n三、关于外交工作\n另有说明一句话。"},
            {"id": "review", "text": "一、过去五年工作回顾\n建成高速公路二百公里，惠及群众百万。"}]
    with gzip.open(tmp_path / "reports.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    sentences, labels, documents = tense_sentences(tmp_path)
    assert documents == ["reports.jsonl.gz:both"]
    assert dict(zip(sentences, labels)) == {"全年完成改造项目十二个，新增就业三万人。": 0,
                                            "要加快推进城市更新，着力扩大有效投资。": 1}
    with gzip.open(tmp_path / "reports.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(docs[1], ensure_ascii=False) + "\n")
    with pytest.raises(XxgkError, match="no government work report"):
        plan_model_from_prose(tmp_path)


def test_the_shipped_gate_moves_only_texts_that_may_be_improvements():
    import copy

    from nlp.themes.estimator import ThemeInput
    from nlp.themes.model import load_model

    shipped = load_model()
    assert shipped.plan_ is not None and shipped.plan_weight > 0
    ungated = copy.copy(shipped)
    ungated.plan_ = None
    k = list(shipped.classes_).index("improvements")
    plan = "下一步，我们将进一步加强政务公开平台建设，持续优化栏目设置，着力提升信息发布时效。"
    done = "本年度通过门户网站主动公开政府信息三百余条，新增政策解读专栏一个。"
    free = shipped.predict_proba([plan, done])
    assert free[0, k] > ungated.predict_proba([plan])[0, k]        # a plan, its part unknown: raised
    assert free[1, k] < ungated.predict_proba([done])[0, k]        # done work: lowered
    # where the part rules improvements out, the gate is not computed and nothing changes (bit for bit)
    overview = [ThemeInput(plan, "overview"), ThemeInput(done, "proactive", plan + done)]
    assert np.array_equal(shipped.predict_proba(overview), ungated.predict_proba(overview))
    # in part 五 it decides between problems and improvements
    assert shipped.predict([ThemeInput(plan, "problems")]) == ["improvements"]


def test_train_themes_names_a_missing_pretraining_folder(tmp_path):
    from typer.testing import CliRunner

    from cli import app
    from conftest import CORPUS

    missing = tmp_path / "no-prose"
    r = CliRunner().invoke(app, ["train", "themes", "--corpus", str(CORPUS), "--out", str(tmp_path / "m"),
                                 "--no-cv", "--pretrain", str(missing)])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert f"{missing}: pre-training prose folder not found" in r.output
    assert not (tmp_path / "m").exists()
