"""Batched summaries: headlines generated across units and reports equal the one-at-a-time ones,
the guard still runs on every generated headline, the device choice, the batched per-file guard,
and the analyze job's per-batch stages (a failing report does not take its batch down)."""
from __future__ import annotations

import os
import time

import pytest
from typer.testing import CliRunner

from cli import app
from corpora import DEMO_DIR
from nlp.errors import ReportReadError, XxgkError

DEMO_FILES = sorted(p for p in DEMO_DIR.iterdir() if p.suffix != ".jsonl")


@pytest.fixture(scope="module")
def demo_reports():
    from nlp.structure import read_report

    return [read_report(p) for p in DEMO_FILES]


@pytest.mark.parametrize("level", ["part", "section"])
def test_batched_headlines_equal_one_at_a_time_on_the_demo_corpus(demo_reports, level):
    from nlp.summaries import summarize, summarize_many

    batched = summarize_many(demo_reports, level=level, batch_size=32)
    single = [summarize(r, level=level, batch_size=1) for r in demo_reports]
    assert [[s.to_dict() for s in ss] for ss in batched] == [[s.to_dict() for s in ss] for ss in single]
    flat = [s for ss in batched for s in ss]
    generated = [s for s in flat if s.generated is not None]
    assert len(generated) >= 20                    # the demo corpus exercises generation, not only headings
    for s in generated:                            # the guard ran on every generated headline
        assert s.guard is not None and s.guard["checked"]
        assert s.method == ("abstractive" if s.guard["passed"] else "extractive-fallback")
        assert s.faithful is s.guard["passed"] and (s.headline == s.generated or not s.faithful)


def test_generate_decodes_equal_inputs_once_and_keeps_the_order():
    from nlp.summaries import load_model
    from nlp.summaries.model import full_input, generate

    m = load_model()
    bodies = ["全年主动公开政府信息一千余条，依申请公开办理及时规范。", "加强政务新媒体管理，及时回应公众关切。",
              "全年主动公开政府信息一千余条，依申请公开办理及时规范。", "规范依申请公开答复文书。"]
    inputs = [full_input(m.vocab, b) for b in bodies]
    one = generate(m.generator, m.vocab, inputs, copy_bias=m.copy_bias, batch_size=1)
    many = generate(m.generator, m.vocab, inputs, copy_bias=m.copy_bias, batch_size=3)
    assert many == one and many[0] == many[2] and all(many)
    assert generate(m.generator, m.vocab, inputs[1:2], copy_bias=m.copy_bias) == [one[1]]


def test_rows_leaving_the_batch_give_the_headlines_generate_gives(demo_reports, monkeypatch):
    """The own model's greedy loop (a row leaves the batch when its headline ends) against
    transformers' ``generate`` on every unit of the demo corpus, part and section level."""
    import nlp.summaries.greedy as greedy
    from nlp.summaries import load_model
    from nlp.summaries.model import full_input, generate
    from nlp.summaries.units import body_for_model, table_spans, units

    m = load_model()
    assert greedy.plain_generation_config(m.generator)       # the loop is what the own model uses
    bodies = []
    for r in demo_reports:
        spans = table_spans(r)
        for level in ("part", "section"):
            bodies += [body_for_model(r, u.body_start, u.end, spans) for u in units(r, level, spans)]
    inputs = [full_input(m.vocab, b) for b in bodies if b]
    assert len(inputs) >= 100
    ours = generate(m.generator, m.vocab, inputs, copy_bias=m.copy_bias, batch_size=32)
    monkeypatch.setattr(greedy, "plain_generation_config", lambda model: False)
    theirs = generate(m.generator, m.vocab, inputs, copy_bias=m.copy_bias, batch_size=32)
    assert ours == theirs
    assert len({len(h) for h in ours}) >= 5                   # headlines of many lengths: rows left at many steps


def test_device_choice():
    import torch

    from nlp.summaries import resolve_device

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(XxgkError, match="unknown device 'gpu'"):
        resolve_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(XxgkError, match="sees no CUDA device"):
            resolve_device("cuda")


@pytest.mark.parametrize("command", [["summarize", str(DEMO_FILES[0])], ["analyze", str(DEMO_FILES[0]), "-o", "x"],
                                     ["store", "add", str(DEMO_FILES[0]), "--db", "x.duckdb"]])
def test_cli_refuses_an_unknown_device_batch_size_and_precision_in_one_line(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, [*command, "--device", "tpu"])
    assert res.exit_code == 2 and "unknown device 'tpu'" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, [*command, "--batch-size", "0"])
    assert res.exit_code == 2 and "--batch-size must be at least 1" in res.output
    res = CliRunner().invoke(app, [*command, "--precision", "int4"])
    assert res.exit_code == 2 and "unknown precision 'int4' (choose one of fp32, bf16)" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.duckdb").exists()


# ------------------------------------------------------------------ the per-file guard over a batch

def _work(kind: str) -> str:
    if kind == "slow":
        time.sleep(30)
    if kind == "killed":
        os.kill(os.getpid(), 9)
    if kind == "unreadable":
        raise ReportReadError("unreadable.txt", "not a report")
    if kind == "bug":
        raise KeyError("oops")
    return kind.upper()


def test_guarded_batch_isolates_each_file():
    from nlp.guard import run_guarded_each

    kinds = ["a", "slow", "b", "killed", "unreadable", "bug", "c"]
    t0 = time.monotonic()
    out = run_guarded_each(_work, [(k,) for k in kinds], [f"{k}.txt" for k in kinds], timeout=1.5, memory=10**9)
    assert time.monotonic() - t0 < 10
    assert [o if isinstance(o, str) else type(o).__name__ for o in out] == \
        ["A", "ReportReadError", "B", "ReportReadError", "ReportReadError", "ReportReadError", "C"]
    assert "took longer than 1.5 s" in out[1].reason and out[1].path == "slow.txt"
    assert "stopped by signal 9" in out[3].reason and out[3].path == "killed.txt"
    assert out[4].reason == "not a report"
    assert out[5].reason.startswith("internal error while reading: KeyError")


# ------------------------------------------------------------------ the analyze job's batches

def test_a_report_whose_summaries_fail_does_not_take_its_batch_down(tmp_path, monkeypatch):
    import nlp.summaries
    from nlp.analysis import analyze

    real = nlp.summaries.summarize_many
    bad = "luwan-gov-2021"

    def failing_on_one(reports, *args, **kwargs):
        if any(r.id.startswith(bad) for r in reports):
            raise RuntimeError("model broke on this one")
        return real(reports, *args, **kwargs)

    monkeypatch.setattr(nlp.summaries, "summarize_many", failing_on_one)
    files = [p for p in DEMO_FILES if p.stem.startswith("luwan-gov")]
    result = analyze(files, tmp_path / "out", stages=["parse", "tables", "summaries"], write=False)
    by_name = {os.path.basename(a.path): a for a in result.analyses}
    assert len(by_name) == len(files)
    assert not by_name[f"{bad}.md"].summaries
    assert all(a.summaries for name, a in by_name.items() if not name.startswith(bad))
    assert result.stages["summaries"].status == "partial"
    assert [w for w in result.warnings if "model broke" in w] == [
        f"summaries: {next(p for p in files if p.stem == bad)}: RuntimeError: model broke on this one"]


def test_bf16_headlines_do_not_depend_on_the_batch_and_mostly_equal_fp32(demo_reports):
    """--precision bf16: each headline is the one generated alone (so every engine and partitioning
    gives the same), and nearly all equal the fp32 ones; an unknown precision is refused by name."""
    from nlp.errors import XxgkError
    from nlp.summaries import summarize, summarize_many

    batched = summarize_many(demo_reports, level="part", batch_size=32, precision="bf16")
    single = [summarize(r, level="part", batch_size=1, precision="bf16") for r in demo_reports]
    assert [[s.to_dict() for s in ss] for ss in batched] == [[s.to_dict() for s in ss] for ss in single]
    fp32 = summarize_many(demo_reports, level="part", batch_size=32)
    pairs = [(a.generated, b.generated) for ss, tt in zip(batched, fp32) for a, b in zip(ss, tt)
             if a.generated is not None or b.generated is not None]
    assert len(pairs) >= 10
    assert sum(a == b for a, b in pairs) >= 0.8 * len(pairs)
    with pytest.raises(XxgkError, match="unknown precision 'int4'"):
        summarize_many(demo_reports[:1], level="part", precision="int4")


def test_a_cached_analysis_is_not_reused_at_another_precision():
    from nlp.analysis.cache import code_fingerprint, run_fingerprint

    assert run_fingerprint(None) == run_fingerprint({"precision": "fp32"}) == code_fingerprint()
    assert run_fingerprint({"precision": "bf16"}) != code_fingerprint()
