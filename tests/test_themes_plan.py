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
    off = new_estimator(keyword_weight=0.0, self_training=0.0).fit(texts, labels)
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
