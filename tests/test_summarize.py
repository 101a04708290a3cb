"""Summarizer (issue 7): extractive spans, faithfulness guard, the shipped headline model,
end-to-end training on a tiny slice, a tiny Hugging Face checkpoint through --model, CLI."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPORTS_DIR, SHARED

SEED = REPORTS_DIR / "huaian-office-2019.txt"


@pytest.fixture(scope="module")
def seed_report():
    from nlp.structure import read_report

    return read_report(SEED)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ------------------------------------------------------------------ ROUGE and pair mining

def test_char_rouge_known_values():
    from nlp.summarize.rouge import corpus_rouge, lcs_length, rouge_l, rouge_n

    assert lcs_length("加强组织领导", "加强领导") == 4
    assert rouge_l("加强组织领导", "加强领导") == pytest.approx(2 * (4 / 6) * 1.0 / (4 / 6 + 1.0))
    assert rouge_n("主动公开", "主动公开", 2) == 1.0
    assert rouge_n("主动公开", "依申请", 1) == 0.0
    assert rouge_l("主 动", "主动") == 1.0  # whitespace ignored
    s = corpus_rouge(["主动公开", "无关"], ["主动公开", "政务"])
    assert s.rougeL == pytest.approx(0.5) and s.zero_share == pytest.approx(0.5)
    with pytest.raises(ValueError):
        corpus_rouge(["a"], [])


def test_pair_mining_filters():
    from nlp.summarize.pairs import mine_text

    text = ("（一）强化平台建设管理。全年更新栏目内容，优化检索功能，提升用户体验，确保信息及时准确发布，群众反映良好。\n"
            "（二）有下列情形之一的\n违反规定擅自发布信息，造成不良影响，依法追究相关人员的责任，并予以通报批评处理。\n"
            "主要做法：一是深化重点领域公开，围绕项目建设、公共资源配置和民生保障，及时发布政策文件、执行进展和办理结果，主动接受社会监督；"
            "二是健全解读回应机制，对重要政策同步开展图文解读和专家解读，及时回应社会关切，澄清不实信息，稳定社会预期。\n")
    pairs = mine_text(text, "doc", "test")
    headings = [p.heading for p in pairs]
    assert "强化平台建设管理" in headings
    assert "深化重点领域公开" in headings and "健全解读回应机制" in headings
    assert not any(h.endswith("的") for h in headings)  # legal conditions are not headings
    assert all(len(p.body) >= 40 for p in pairs)


def test_in_domain_pairs_from_shared_corpus():
    from nlp.summarize.pairs import dedupe, in_domain_pairs, split_by_document

    pairs = dedupe(in_domain_pairs(SHARED / "corpus", suffixes=(".txt", ".md")))
    assert len(pairs) > 60
    assert any(p.doc.endswith("huaian-office-2019.txt") and "条例" in p.heading for p in pairs)
    train, dev = split_by_document(pairs, 0.4)
    assert train and dev and not ({p.doc for p in train} & {p.doc for p in dev})  # held out by document


# ------------------------------------------------------------------ guard

def test_guard_rejects_invented_number(seed_report):
    from nlp.summarize.guard import check_faithful

    sec = next(s for s in seed_report.sections() if re.search(r"\d{3,}", s.body))
    real = re.search(r"\d{3,}", sec.body).group(0)
    invented = str(int(real) + 1)
    while invented in seed_report.text:
        invented = str(int(invented) + 7)
    assert check_faithful(f"公开信息{real}条", sec.text).passed
    bad = check_faithful(f"公开信息{invented}条", sec.text)
    assert not bad.passed and bad.unsupported == [invented + "条"] or bad.unsupported == [invented]
    assert not check_faithful("增长37.5%", sec.text).passed or "37.5" in sec.text
    assert not check_faithful("印发《不存在的办法》", sec.text).passed
    assert check_faithful("全面加强", "全面加强组织").passed and check_faithful("全面加强", "").checked == []


def test_summarize_falls_back_when_generation_invents_a_number(seed_report, monkeypatch, tmp_path):
    import nlp.summarize as S

    def fake_generate(model, bodies, num_beams):
        return ["主动公开信息987654321条" if "1.24" in b else b[:8] for b in bodies]

    monkeypatch.setattr(S, "_generate", fake_generate)
    monkeypatch.setattr(S, "load_model", lambda model_dir=None: object())
    out = S.summarize(seed_report, level="section", method="abstractive", model_dir=tmp_path)
    bad = [s for s in out if s.generated and "987654321" in s.generated]
    assert len(bad) == 1
    assert bad[0].method == "extractive-fallback" and bad[0].faithful is False
    assert "987654321" not in bad[0].headline and bad[0].guard["unsupported"]
    good = [s for s in out if s not in bad]
    assert good and all(s.method == "abstractive" and s.faithful for s in good)


# ------------------------------------------------------------------ extractive

def test_extractive_section_summaries_point_into_the_text(seed_report):
    from nlp.summarize import summarize

    out = summarize(seed_report, level="section", method="extractive", max_chars=150)
    assert len(out) >= 8  # the seed has 10+ headed or unheaded prose sections
    tables = [(t.start, t.end) for t in seed_report.tables]
    for s in out:
        assert s.method == "extractive" and s.faithful is None and s.headline
        assert s.source_spans and all(s.start <= a < b <= s.end for a, b in s.source_spans)
        assert not any(a < te and ts < b for a, b in s.source_spans for ts, te in tables)
        assert s.summary.split("\n") == [_squash(seed_report.text[a:b]) for a, b in s.source_spans]
        total = sum(b - a for a, b in s.source_spans)
        assert total <= 150 or len(s.source_spans) == 1
        assert _squash(s.headline) in _squash(seed_report.text[s.start:s.end])
        d = s.to_dict()
        assert set(d) >= {"report", "level", "key", "start", "end", "method", "headline", "summary",
                          "source_spans", "faithful"}


def test_part_and_report_levels(seed_report):
    from nlp.summarize import summarize

    parts = summarize(seed_report, level="part", method="extractive")
    assert {p.key for p in parts} >= {"overview", "problems"}
    rep = summarize(seed_report, level="report", method="extractive", max_chars=300)
    assert len(rep) == 1 and rep[0].key == "report"
    lines = rep[0].summary.split("\n")
    assert lines[0].startswith("一、") and len(lines) >= 3
    nums = rep[0].key_numbers
    quoted = [k for k in nums if "cell" not in k]  # narrative clauses are quoted as printed
    cells = [k for k in nums if "cell" in k]  # table cells: the span is the printed value
    assert quoted and all(_squash(seed_report.text[k["start"]:k["end"]]) == k["text"] for k in quoted)
    assert cells and all(seed_report.text[k["start"]:k["end"]] + "件" in k["text"] for k in cells)
    assert any("1.24" in k["text"] for k in nums)


def test_unstructured_text_is_one_section():
    from nlp.summarize import summarize

    text = ("本单位今年持续推进政务公开工作，完善信息发布审核机制，全年发布各类信息三百余条。"
            "同时加强政务新媒体管理，及时回应公众关切，群众满意度进一步提升。")
    out = summarize(text, method="extractive", max_chars=60)
    assert len(out) == 1
    assert out[0].source_spans and out[0].summary


def test_bad_arguments_raise_clear_errors(seed_report):
    from nlp.errors import ModelLoadError, XxgkError
    from nlp.summarize import summarize

    with pytest.raises(XxgkError, match="level"):
        summarize(seed_report, level="chapter")
    with pytest.raises(XxgkError, match="method"):
        summarize(seed_report, method="magic")
    with pytest.raises(ModelLoadError, match="not found"):
        summarize(seed_report, method="abstractive", model_dir="/nonexistent/model")


# ------------------------------------------------------------------ the shipped model

def test_shipped_model_loads_offline_and_summarizes_the_seed(seed_report):
    from nlp.summarize import DEFAULT_MODEL_DIR, summarize
    from nlp.summarize.model import load_headline_model

    card = json.loads((DEFAULT_MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    assert card["status"] == "evaluated" and card["ablation"]["in_domain_dev"]
    assert sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir() if f.is_file()) < 25 * 2 ** 20
    model = load_headline_model(DEFAULT_MODEL_DIR)
    assert model.scorer is not None and len(model.vocab) == model.generator.config.vocab_size
    out = summarize(seed_report, level="section", method="abstractive")
    assert len(out) >= 8
    for s in out:
        assert s.generated is not None and s.method in ("abstractive", "extractive-fallback")
        assert s.faithful == (s.method == "abstractive")
        assert 0 < len(s.headline) <= 60
    # most generated headlines are faithful and reuse the section's own words
    ok = [s for s in out if s.method == "abstractive"]
    assert len(ok) >= len(out) // 2
    assert all(set(_squash(s.headline)) & set(seed_report.text[s.start:s.end]) for s in ok)


# ------------------------------------------------------------------ training end to end (tiny slice)

def test_training_runs_end_to_end_on_a_tiny_slice(tmp_path):
    from nlp.summarize import summarize
    from nlp.summarize.model import load_headline_model
    from nlp.summarize.train import TrainPlan, train_summarizer

    plan = TrainPlan(config="tiny", batch_size=4, pretrain_steps=3, finetune_steps=4, scorer_steps=3, plain_steps=2,
                     max_train_pairs=40, max_pretrain_windows=100, eval_limit=4, csl_limit=4,
                     pretrain_sources=("provincial-government-work-reports-2025",), corpus_suffixes=(".txt", ".md"))
    logs: list[str] = []
    card = train_summarizer(tmp_path / "m", plan, SHARED, log=logs.append, work_dir=tmp_path / "work")
    assert card["status"] == "evaluated"
    assert card["stages"]["pretrain"]["steps"] == 3 and card["stages"]["finetune"]["steps"] == 4
    assert card["stages"]["scorer"]["steps"] == 3 and card["stages"]["plain"]["steps"] == 2
    rows = {r["variant"] for r in card["ablation"]["in_domain_dev"]}
    assert {"first_clause", "textrank_clause", "plain (random init)", "+pretrain", "+pretrain +copy",
            "extract-then-compress", "oracle_clause (upper bound)"} <= rows
    assert card["csl_test"]["n"] == 4 and card["default_method"] in ("extractive", "abstractive")
    assert all(len(h) == 64 for h in card["data_sha256"].values())
    # artefact files only; corpus text (dev pairs) stays in the work folder
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["card.json", "config.json", "generator.safetensors",
                                                                  "scorer.safetensors", "vocab.json"]
    assert (tmp_path / "work" / "dev.jsonl").is_file()
    m = load_headline_model(tmp_path / "m")
    assert len(m.headlines(["全年主动公开政府信息一千余条，及时回应社会关切。"], "extract_compress")) == 1
    out = summarize("全年主动公开政府信息一千余条，及时回应社会关切，持续提升政务公开质效。", method="abstractive",
                    model_dir=tmp_path / "m")
    assert len(out) == 1 and out[0].generated is not None


# ------------------------------------------------------------------ any HF checkpoint via --model

def _tiny_hf_checkpoint(folder: Path, text: str) -> Path:
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

    chars = sorted({c for c in text if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer(str(folder / "vocab.txt"), do_lower_case=False).save_pretrained(str(folder))
    cfg = BartConfig(vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                     decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=96,
                     pad_token_id=0, bos_token_id=2, eos_token_id=3, decoder_start_token_id=2, forced_eos_token_id=3)
    torch.manual_seed(0)
    BartForConditionalGeneration(cfg).save_pretrained(str(folder))
    return folder


def test_tiny_hf_checkpoint_through_model_option(tmp_path):
    from cli import app

    ckpt = _tiny_hf_checkpoint(tmp_path / "hf", SEED.read_text(encoding="utf-8"))
    res = CliRunner().invoke(app, ["summarize", str(SEED), "--level", "part", "--model", str(ckpt),
                                   "--format", "json", "--out", str(tmp_path / "s.jsonl")])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 2
    for r in rows:
        assert r["model"] == str(ckpt) and r["generated"] is not None
        assert r["method"] in ("abstractive", "extractive-fallback") and r["faithful"] == (r["method"] == "abstractive")
        assert len(r["generated"]) <= 60  # long inputs are chunked, outputs joined and capped


# ------------------------------------------------------------------ CLI

def test_cli_summarize_text_json_and_bad_input(tmp_path):
    from cli import app

    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    runner = CliRunner()
    res = runner.invoke(app, ["summarize", str(SEED), str(bad), "--method", "extractive", "--format", "json",
                              "--out", str(tmp_path / "s.jsonl")])
    assert res.exit_code == 2  # the bad file is listed at the end; the good one is still summarized
    assert str(bad) in res.output
    rows = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["method"] == "extractive" for r in rows)
    res = runner.invoke(app, ["summarize", str(SEED), "--level", "report", "--method", "extractive",
                              "--out", str(tmp_path / "s.txt")])
    assert res.exit_code == 0, res.output
    assert "一、" in (tmp_path / "s.txt").read_text(encoding="utf-8")
    res = runner.invoke(app, ["summarize", str(SEED), "--model", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "not found" in res.output
    res = runner.invoke(app, ["train", "summarizer", "--config", "huge", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "huge" in res.output


def test_report_summary_quotes_table_cells_with_their_spans():
    """A report summary's key numbers come from the statistics tables, each pointing at its cell."""
    from nlp.structure import read_report
    from nlp.summarize import summarize

    report = read_report(SEED)
    (s,) = summarize(report, level="report", method="extractive")
    by_cell = {k["cell"]: k for k in s.key_numbers if "cell" in k}
    received = by_cell["requests:received:total"]
    granted = by_cell["requests:granted:total"]
    assert report.text[received["start"]:received["end"]] == "54"
    assert report.text[granted["start"]:granted["end"]] == "31"
    assert "54件" in s.summary and "31件" in s.summary
    assert (received["start"], received["end"]) in [tuple(x) for x in s.source_spans]
    # table-only parts get a line made of their cells
    assert any(line.startswith("三、") and "本年新收申请54件" in line for line in s.summary.splitlines())
