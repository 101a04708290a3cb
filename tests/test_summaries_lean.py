"""The lean decoder (plain torch, no transformers) against transformers' BART: the same encoder
states bit for bit, the same fp32 headlines on every unit of the shared corpus, bf16 headlines as
close to fp32's, the same logits processors, and an inference load that never imports transformers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpora import DEMO_DIR

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _bodies(limit: int = 400) -> list[str]:
    from nlp.errors import ReportReadError
    from nlp.structure import read_report
    from nlp.summaries.units import body_for_model, table_spans, units

    paths = sorted(p for p in SHARED.rglob("*") if p.suffix in (".txt", ".md")) + sorted(DEMO_DIR.glob("*.txt"))
    out: list[str] = []
    for p in paths:
        try:
            r = read_report(p)
        except ReportReadError:
            continue
        spans = table_spans(r)
        for level in ("part", "section"):
            out += [body_for_model(r, u.body_start, u.end, spans) for u in units(r, level, spans)]
    return list(dict.fromkeys(b for b in out if b))[:limit]


@pytest.fixture(scope="module")
def models():
    from nlp.summaries import load_model
    from nlp.summaries.model import load_headline_model

    lean = load_model()                                     # the inference load: lean decoder
    full = load_headline_model(lean.path)                   # transformers modules
    return lean, full


def test_lean_encoder_states_equal_transformers_bit_for_bit(models):
    """With torch's own linear call the states are transformers' bit for bit; through oneDNN (the
    default on a CPU whose torch has it) the same sums in another order, equal up to float rounding."""
    import torch

    from nlp.summaries.lean import LeanBart, onednn_linear_works
    from nlp.summaries.model import full_input, pad_batch

    lean, full = models
    ids, mask = pad_batch([full_input(lean.vocab, b) for b in _bodies(40)])
    assert not bool(mask.all())                             # padded rows: the mask path is exercised
    plain = LeanBart.load(lean.path, onednn=False)
    assert not plain.onednn and lean.lean.onednn == onednn_linear_works()
    with torch.inference_mode():
        expected = full.generator.get_encoder()(input_ids=ids, attention_mask=mask).last_hidden_state
        assert torch.equal(plain.encode(ids, mask), expected)
        got = lean.lean.encode(ids, mask)
    assert torch.allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_onednn_products_are_float32_sums_of_the_same_terms():
    """The oneDNN product of the lean decoder against float64 sums: as close as torch's own call
    (float32 rounding, not a lower precision; bfloat16's where the CPU runs it), for the encoder's
    and a decoder step's shapes."""
    import torch
    import torch.nn.functional as F

    from nlp.summaries.lean import LeanBart, onednn_linear_works

    if not onednn_linear_works():
        pytest.skip("this torch build has no oneDNN linear on the CPU")
    dtypes = [torch.float32] + ([torch.bfloat16] if onednn_linear_works(torch.bfloat16) else [])
    for dtype in dtypes:
        gen = torch.Generator().manual_seed(3)
        w, b = torch.randn(96, 256, generator=gen).to(dtype), torch.randn(96, generator=gen).to(dtype)
        model = LeanBart.__new__(LeanBart)
        model.w, model.onednn, model._packed = {"x.weight": w, "x.bias": b}, True, {}
        model.activation, model.act = "gelu", F.gelu
        for shape in ((32, 150, 256), (7, 1, 256), (1, 256)):
            x = torch.randn(*shape, generator=gen).to(dtype)
            exact = F.linear(x.double(), w.double(), b.double())
            for activate, act in ((False, lambda y: y), (True, F.gelu)):   # the FFN's activation fused
                ours, torchs = model._linear(x, "x", activate), act(F.linear(x, w, b))
                assert ours.dtype == dtype and ours.shape == exact.shape
                assert (ours.double() - act(exact)).abs().max() <= 4 * (torchs.double() - act(exact)).abs().max() + 1e-5
        assert set(model._packed) == {"x.weight"}


def test_lean_headlines_equal_transformers_on_the_shared_corpus(models):
    from nlp.summaries.model import full_input, generate

    lean, full = models
    inputs = [full_input(lean.vocab, b) for b in _bodies()]
    assert len(inputs) >= 200
    expected = generate(full.generator, lean.vocab, inputs, copy_bias=lean.copy_bias)
    got = generate(lean.lean, lean.vocab, inputs, copy_bias=lean.copy_bias)
    assert got == expected and sum(bool(h) for h in got) >= 0.9 * len(got)


def test_lean_bf16_headlines_are_as_close_to_fp32_as_transformers_bf16(models):
    """bf16: the lean decoder attends in float32 at each decoder step; its headlines stay as close
    to the fp32 ones as transformers' all-bfloat16 decoding is (within 2 % of the units)."""
    import torch

    from nlp.summaries import load_model
    from nlp.summaries.hf import at_precision
    from nlp.summaries.model import full_input, generate, load_headline_model

    lean, _ = models
    inputs = [full_input(lean.vocab, b) for b in _bodies()]
    fp32 = generate(lean.lean, lean.vocab, inputs, copy_bias=lean.copy_bias)
    bf16 = load_model(precision="bf16")
    assert bf16.lean.shared.dtype == torch.bfloat16
    ours = generate(bf16.lean, lean.vocab, inputs, copy_bias=lean.copy_bias)
    theirs = generate(at_precision(load_headline_model(lean.path).generator, "bf16"), lean.vocab, inputs,
                      copy_bias=lean.copy_bias)
    same_ours = sum(a == b for a, b in zip(ours, fp32))
    same_theirs = sum(a == b for a, b in zip(theirs, fp32))
    assert same_ours >= same_theirs - 0.02 * len(inputs) and same_ours >= 0.9 * len(inputs)


def test_lean_processors_equal_transformers_processors():
    import torch
    from transformers.generation.logits_process import (ForcedEOSTokenLogitsProcessor, NoRepeatNGramLogitsProcessor,
                                                        RepetitionPenaltyLogitsProcessor)

    from nlp.summaries.lean import forced_end, no_repeat_ngram, repetition_penalty

    g = torch.Generator().manual_seed(0)
    for length in (1, 2, 3, 5, 9):
        seqs = torch.randint(0, 6, (7, length), generator=g)   # a small vocabulary: n-grams repeat
        scores = torch.randn(7, 11, generator=g)
        pairs = [(repetition_penalty(1.2), RepetitionPenaltyLogitsProcessor(1.2)),
                 (no_repeat_ngram(3), NoRepeatNGramLogitsProcessor(3)),
                 (forced_end(6, 2), ForcedEOSTokenLogitsProcessor(6, 2))]
        for ours, theirs in pairs:
            assert torch.equal(ours(seqs, scores.clone()), theirs(seqs, scores.clone()))


def test_an_inference_load_does_not_import_transformers():
    code = ("import sys\nfrom nlp.structure import read_report\nfrom nlp.summaries import summarize\n"
            f"r = read_report({str(sorted(DEMO_DIR.glob('*.txt'))[0])!r})\n"
            "s = summarize(r, level='part')\n"
            "assert any(x.generated for x in s), 'no headline was generated'\n"
            "print('transformers' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_configuration_the_lean_decoder_does_not_reproduce_is_decoded_by_transformers(tmp_path):
    import json
    import shutil

    from nlp.summaries import load_model
    from nlp.summaries.model import load_headline_model

    shipped = load_model().path
    other = tmp_path / "model"
    shutil.copytree(shipped, other)
    config = json.loads((other / "config.json").read_text(encoding="utf-8"))
    config["activation_function"] = "gelu_new"          # not one the lean decoder computes
    (other / "config.json").write_text(json.dumps(config), encoding="utf-8")
    m = load_headline_model(other, lean=True)
    assert m.lean is None and type(m.greedy_decoder()).__name__ == "BartForConditionalGeneration"
    assert m.headlines(["全年主动公开政府信息一千余条，依申请公开办理及时规范。"])[0]["headline"]
