"""Themes: features from the summarizer's character BART encoder (nlp.themes.encoder)."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from nlp.errors import ModelLoadError
from nlp.resources import model_dir
from nlp.themes.encoder import EncoderFeatures, windows

pytestmark = pytest.mark.skipif(not (model_dir("summarizer") / "generator.safetensors").is_file(),
                                reason="no shipped summarizer artefact")

TEXTS = ["举办培训班两期，培训干部八十人次。", "开展业务培训，邀请专家授课讲解条例。", "组织新任干部集中学习培训。",
         "受理公开申请二十件，全部按期答复。", "办理依申请公开事项，答复申请人。", "申请人提出的申请均已办结并答复。"]
THEMES = ["training"] * 3 + ["requests"] * 3


def test_windows_cut_consecutive_pieces():
    assert windows(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert windows([], 4) == [[]]
    assert windows(list(range(4)), 4) == [[0, 1, 2, 3]]


def test_encoder_features_deterministic_and_the_same_in_batch_and_alone():
    f = EncoderFeatures().fit(TEXTS)
    long_text = "公开" * 300  # three windows of 192 characters
    batch = f.transform(TEXTS + [long_text, ""])
    assert batch.shape == (len(TEXTS) + 2, 256)
    alone = np.vstack([f.transform([t]) for t in TEXTS + [long_text, ""]])
    assert np.allclose(batch, alone, atol=1e-5)
    assert np.array_equal(batch, f.transform(TEXTS + [long_text, ""]))
    # standardized on the fitted texts: mean 0, and different texts get different features
    assert np.allclose(f.transform(TEXTS).mean(axis=0), 0.0, atol=1e-9)
    assert not np.allclose(batch[0], batch[3])
    # refitting gives the same statistics
    g = EncoderFeatures().fit(TEXTS)
    assert np.array_equal(f.mean_, g.mean_) and np.array_equal(f.scale_, g.scale_)


def test_encoder_features_refuse_other_weights():
    f = EncoderFeatures().fit(TEXTS[:2])
    f.encoder_sha256_ = "0" * 64
    with pytest.raises(ModelLoadError, match="retrain"):
        f.transform(TEXTS[:1])


def test_estimator_with_encoder_blend_pickles_what_predicts():
    from nlp.themes.model import new_estimator

    m = new_estimator(keyword_weight=0.0, self_training=0.0, encoder_blend=0.5).fit(TEXTS, THEMES)
    plain = new_estimator(keyword_weight=0.0, self_training=0.0).fit(TEXTS, THEMES)
    probe = ["本年度共收到申请五件，均已答复。", "开展培训一次。"]
    again = pickle.loads(pickle.dumps(m))
    assert again.predict(probe) == m.predict(probe) == ["requests", "training"]
    assert np.array_equal(again.predict_proba(probe), m.predict_proba(probe))
    # the encoder's model takes part: the probabilities differ from the TF-IDF model's alone
    assert not np.allclose(m.predict_proba(probe), plain.predict_proba(probe))
    assert b"torch" not in pickle.dumps(m)
