"""Pair-incremental compare: pairs whose inputs did not change are reused, the rest aligned again;
the result equals a from-scratch compare over the union, template labels included."""
from __future__ import annotations

import random

from nlp.comparison import compare
from nlp.comparison.candidates import LocalPairs
from nlp.comparison.output import output_files
from nlp.document import Report

#: characters for made-up sentences (no punctuation, so every sentence is one sentence)
POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你能而子那得于着下自之年过发后作里"


def sentence(rng: random.Random, length: int = 28) -> str:
    return "".join(rng.choice(POOL) for _ in range(length)) + "。"


def corpus() -> tuple[list[Report], list[Report], str]:
    """Eight old reports (a sentence in six of them: template by frequency, 6/8 ≥ 0.75; a holder and
    a non-holder sharing a passage, two non-holders sharing another), and two new reports (without that sentence: 6/10, no longer template;
    one copying an old report's passage)."""
    rng = random.Random(15)
    common = sentence(rng, 40)
    copied = [sentence(rng, 60), sentence(rng, 60)]
    texts = []
    for k in range(8):
        own = [sentence(rng) for _ in range(4)]
        if k < 6:
            own.insert(1, common)
        if k in (1, 6):
            own.insert(3, copied[0])
        if k in (6, 7):
            own.insert(2, copied[1])
        texts.append("".join(own))
    new = ["".join([sentence(rng), copied[0], sentence(rng)]), "".join(sentence(rng) for _ in range(4))]
    old_reports = [Report(id=f"old-{k}", source=f"old-{k}.txt", format="txt", text=t, agency=f"机关{k}", year=2020)
                   for k, t in enumerate(texts)]
    new_reports = [Report(id=f"new-{k}", source=f"new-{k}.txt", format="txt", text=t, agency=f"新机关{k}", year=2021)
                   for k, t in enumerate(new)]
    return old_reports, new_reports, common


def kinds_of(result, text: str) -> set[str]:
    return {p.kind for p in result.passages if text[:-1] in p.text}


def test_incremental_compare_equals_full_and_relabels_template():
    old, new, common = corpus()
    first = LocalPairs(known={})
    before = compare(old, pair_engine=first)
    assert kinds_of(before, common) == {"template"}, "6 of 8 reports: template by frequency"
    incremental = LocalPairs(known=first.results)
    after = compare(old + new, pair_engine=incremental)
    full = LocalPairs(known={})
    expected = compare(old + new, pair_engine=full)
    assert output_files(after) == output_files(expected)
    # the frequencies changed (6 of 10): the sentence is re-labelled as reused text, not template
    assert "template" not in kinds_of(after, common) and "reuse" in kinds_of(after, common)
    # the six holders' masks changed: their pairs were aligned again; the untouched old pair was reused
    assert incremental.counts.reused >= 1 and incremental.counts.computed < full.counts.computed
    assert incremental.counts.reused + incremental.counts.computed == full.counts.computed
    holders = {f"old-{k}" for k in range(6)}
    reused = {key for key, value in incremental.results.items() if first.results.get(key) is value}
    assert reused and not any(a in holders and b in holders for a, b in reused)
    # nothing changed: every pair is reused
    again = LocalPairs(known=incremental.results)
    assert output_files(compare(old + new, pair_engine=again)) == output_files(expected)
    assert again.counts.computed == 0 and again.counts.reused == full.counts.computed


def test_reused_pairs_are_what_the_result_is_built_from():
    """A stored pair with the right digest but wrong spans changes the result: the equality above
    would fail if old pairs were reused wrongly."""
    old, new, _ = corpus()
    first = LocalPairs(known={})
    compare(old, pair_engine=first)
    holders = {f"old-{k}" for k in range(6)}   # their masks change with the new reports: aligned again
    kept = {k for k, v in first.results.items() if v[1] and not set(k) & holders}
    assert kept, "the two non-holders share a passage"
    tampered = {k: (v[0], []) if k in kept else v for k, v in first.results.items()}  # as if never aligned
    incremental = LocalPairs(known=tampered)
    got = compare(old + new, pair_engine=incremental)
    assert all(incremental.results[k] == tampered[k] for k in kept)
    assert output_files(got) != output_files(compare(old + new))
