"""Tests of nlp.comparison (``nlp.compare``): reused passages, template and formula masking, measures, diff, CLI.

Ground truth by construction: whole sentences of real shared reports are copied into other
real reports at sentence boundaries at test time (inside parts, before the first heading,
holding mandated phrases, beside contact items); at least 98% of the copies must be found with
both spans within ±5 characters, and at least 98% of what is reported must be planted or already
there. (``benchmarks/compare.py`` measures the same over more rounds.)
"""
from __future__ import annotations

import csv
import gzip
import json
import random
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import CORPUS, REPORTS_DIR, ROOT as ROOT_DIR, SHARED, corpus_index
from nlp.agency import group_agencies, normalize_agency, same_agency
from nlp.comparison import compare, load_reference
from nlp.comparison.diff import diff_reports
from nlp.comparison.diff_render import render_html, render_text
from nlp.comparison.measures import dice_lcs, edit_similarity, lcs_length, levenshtein, specific_items
from nlp.comparison.synthetic import PLACEMENTS, plant_sentence_copies, score_planted
from nlp.comparison.textprep import content_stream, shingle_hashes
from nlp.document import Report

HONGZE_2023 = REPORTS_DIR / "hongze-district-2023.pdf"
HONGZE_2024 = REPORTS_DIR / "hongze-district-2024.pdf"


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def corpus_reports() -> list[Report]:
    """Every shared report and excerpt, parsed, with the index's agency and year."""
    from nlp.structure import read_report

    meta = {(CORPUS / d["file"]).resolve(): d for d in corpus_index()}
    out = []
    for path in sorted(meta):
        r = read_report(path)
        r.agency = meta[path]["agency_norm"]
        r.year = meta[path]["year"]
        out.append(r)
    return out


@pytest.fixture(scope="module")
def hongze() -> tuple[Report, Report]:
    from nlp.structure import read_report

    return read_report(HONGZE_2023), read_report(HONGZE_2024)


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def corpus_result(corpus_reports, reference):
    return compare(corpus_reports, reference=reference)


def _heading_themes(report: Report) -> list[tuple[int, int, str]]:
    """The themes a parsed report's section headings announce (what a caller passes to compare)."""
    from nlp.themes.taxonomy import theme_for_heading, theme_for_part

    out = []
    for part in report.parts:
        for sec in part.sections:
            theme = theme_for_heading(sec.heading, part.key) if sec.heading else theme_for_part(part.key, part.title)
            if theme:
                out.append((sec.start, sec.end, theme))
    return out


def _plain(rid: str, text: str, agency: str = "", year: int | None = None) -> Report:
    return Report(id=rid, source="<test>", format="txt", text=text, agency=agency, year=year)


# ------------------------------------------------------------------ building blocks

def test_content_stream_maps_back_to_text():
    text = "2023 年，\n 我局  主动公开（一）"
    s = content_stream(text)
    assert " " not in s.chars and "\n" not in s.chars
    assert s.chars.startswith("2023年,")  # NFKC folds the full-width comma
    for k, ch in enumerate(s.chars):
        assert text[s.offsets[k]] in (ch, "，", "（", "）")
    a, b = s.to_text_span(0, 5)
    assert text[a:b] == "2023 年"


def test_shingle_hashes_deterministic_and_positional():
    h1 = shingle_hashes("abcdefabcdef", 6)
    assert len(h1) == 7
    assert h1[0] == h1[6] and h1[0] != h1[1]
    assert np.array_equal(h1, shingle_hashes("abcdefabcdef", 6))


def test_repeated_ngram_positions_are_the_ones_nearest_the_seed_diagonal():
    """DocShingles.resolve_positions against the rule written out seed by seed: a hash found once
    takes its position; a repeated one the occurrence nearest (the lower on a tie) to where the
    diagonal of the nearest preceding single-occurrence seed points (the first one's before any)."""
    import numpy as np

    from nlp.comparison.index import DocShingles

    def by_rule(doc: DocShingles, i: np.ndarray, hashes: np.ndarray) -> list[int]:
        where = {int(h): np.flatnonzero(doc.hashes == h) for h in np.unique(hashes)}
        pos = [where[int(h)] if len(where[int(h)]) else None for h in hashes]
        singles = [(q, int(p[0]) - int(i[q])) for q, p in enumerate(pos) if p is not None and len(p) == 1]
        out = []
        for q, p in enumerate(pos):
            if p is None:
                out.append(-1)
            elif len(p) == 1:
                out.append(int(p[0]))
            else:
                before = [d for k, d in singles if k < q]
                d = before[-1] if before else (singles[0][1] if singles else 0)
                target = int(i[q]) + d
                out.append(int(min(p, key=lambda x: (abs(int(x) - target), int(x)))))
        return out

    rng = np.random.default_rng(7)
    for _ in range(400):
        doc = DocShingles.build(rng.integers(0, rng.integers(2, 30), rng.integers(3, 120)).astype(np.uint64))
        m = int(rng.integers(1, 60))
        i = np.sort(rng.integers(-20, 200, m))
        hashes = rng.integers(0, 35, m).astype(np.uint64)
        assert doc.resolve_positions(i, hashes).tolist() == by_rule(doc, i, hashes)


def test_lcs_and_levenshtein_match_dynamic_programming():
    def lcs_dp(a, b):
        prev = [0] * (len(b) + 1)
        for x in a:
            cur = [0]
            for j, y in enumerate(b):
                cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
            prev = cur
        return prev[-1]

    def lev_dp(a, b):
        prev = list(range(len(b) + 1))
        for i, x in enumerate(a, 1):
            cur = [i]
            for j, y in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
            prev = cur
        return prev[-1]

    rng = random.Random(7)
    for _ in range(400):
        a = "".join(rng.choice("公开政府信息") for _ in range(rng.randint(0, 70)))
        b = "".join(rng.choice("公开政府信息") for _ in range(rng.randint(0, 70)))
        assert lcs_length(a, b) == lcs_dp(a, b)
        assert levenshtein(a, b) == lev_dp(a, b)
    assert dice_lcs("政府信息", "政府信息") == 1.0
    assert edit_similarity("", "") == 1.0 and edit_similarity("abc", "xyz") == 0.0


def test_minhash_signature_equals_datasketch():
    from datasketch import MinHash

    from nlp.comparison.similarity import minhash_permutations, minhash_signature

    hashes = shingle_hashes("根据条例要求现将本机关年度报告公布如下统计期限", 8)
    m = MinHash(num_perm=64, seed=3, scheme="legacy", hashfunc=lambda x: x)
    m.update_batch([int(h) & 0xFFFFFFFF for h in np.unique(hashes)])
    ours = minhash_signature(np.unique(hashes), minhash_permutations(64, 3))
    assert np.array_equal(ours, m.hashvalues.astype(np.uint64))


def test_specific_items_counts_kinds():
    c = specific_items("2023年1月5日，洪泽区人民政府主动公开信息1136条，占50%，依据《政府信息公开条例》。")
    assert c["dates"] == 1 and c["numbers"] == 2 and c["named_documents"] == 1 and c["named_bodies"] >= 1


# ------------------------------------------------------------------ agency names

def test_agency_names_across_years_and_scripts():
    assert normalize_agency("乌拉特前旗（旗政府办公室）") == "乌拉特前旗人民政府"
    assert normalize_agency("（未标明，页面称“我局”）") == ""
    assert normalize_agency("商務部") == "商务部"
    assert same_agency("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert same_agency("河包镇", "重庆市荣昌区河包镇人民政府")
    assert same_agency("白沙镇政府", "白沙镇人民政府") and same_agency("临河路街道", "临河路街道办事处")
    assert not same_agency("白沙镇政府", "白沙镇人民政府办公室")
    assert not same_agency("南京市鼓楼区人民政府", "福州市鼓楼区人民政府")
    assert not same_agency("淮安市人民政府", "淮安市人民政府办公室")  # the office's own report is another body's
    groups = group_agencies(["洪泽区人民政府", "淮安市洪泽区人民政府", "鼓楼区人民政府", "南京市鼓楼区人民政府",
                             "福州市鼓楼区人民政府"])
    assert groups["洪泽区人民政府"] == groups["淮安市洪泽区人民政府"]
    assert groups["鼓楼区人民政府"] == "鼓楼区人民政府"  # ambiguous: left on its own


def test_agency_names_agree_with_the_corpus_index():
    rows = [d for d in corpus_index() if normalize_agency(d["agency"])]
    agree = sum(1 for d in rows if same_agency(d["agency"], d["agency_norm"]) or normalize_agency(d["agency"]) == d["agency_norm"])
    assert agree / len(rows) >= 0.8, f"{agree}/{len(rows)}"


# ------------------------------------------------------------------ planted passages (ground truth)

def test_planted_sentence_copies_found_with_both_spans(corpus_reports, corpus_result, reference):
    existing: dict[str, list[tuple[int, int]]] = {}
    for p in corpus_result.reuse_passages:
        for m in p.members:
            existing.setdefault(m.report, []).append((m.start, m.end))
    cases = found = reported = true = 0
    errors: list[int] = []
    per_placement: dict[str, list[int]] = {k: [0, 0] for k in PLACEMENTS}
    misses = []
    for seed in (1, 2, 3):
        planted = plant_sentence_copies(corpus_reports, 35, random.Random(seed), corpus_result.template_spans, existing)
        assert len(planted.cases) >= 25
        for c in planted.cases:  # whole sentences, 40–200 characters, copied as printed
            donor = next(r for r in corpus_reports if r.id == c.donor)
            copy = donor.text[c.donor_start:c.donor_end]
            assert 40 <= len(copy) <= 200 and copy[-1] in "。！？；;!?"
            receiver = next(r for r in planted.reports if r.id == c.receiver)
            assert receiver.text[c.receiver_start:c.receiver_end] == copy
        score = score_planted(compare(planted.reports, reference=reference), planted, existing, tolerance=5)
        cases += score.cases
        found += score.found
        reported += score.reported_spans
        true += score.true_spans
        errors += score.span_errors
        missed = {id(c) for c in score.misses}
        misses += score.misses
        for c in planted.cases:
            per_placement[c.placement][0] += 1
            per_placement[c.placement][1] += id(c) not in missed
    recall, precision = found / cases, true / reported
    print(f"planted sentence copies: {cases} cases, recall {recall:.3f}, precision {precision:.3f}, "
          f"per placement (cases, found) {per_placement}")
    assert all(n >= 5 for n, _ in per_placement.values()), per_placement
    assert recall >= 0.98, misses[:3]
    assert precision >= 0.98
    assert max(errors) <= 5


def test_nothing_reported_between_unrelated_texts(corpus_reports):
    """Paper abstracts (CSL) share no passage with disclosure reports, nor with each other."""
    with gzip.open(SHARED / "pretrain" / "csl-title-dev.jsonl.gz", "rt", encoding="utf-8") as fh:
        abstracts = [json.loads(line)["src"] for _, line in zip(range(40), fh)]
    papers = [_plain(f"csl-{k}", t, agency=f"paper {k}") for k, t in enumerate(abstracts)]
    reports = [r for r in corpus_reports if r.parts][:20]
    res = compare(papers + reports)
    paper_ids = {p.id for p in papers}
    assert paper_ids <= {r.report for r in res.reports}
    assert res.reuse_passages   # the reports among themselves do share passages: the search ran
    for p in res.reuse_passages:
        assert not any(m.report in paper_ids for m in p.members), p.text


def test_plain_strings_and_exact_offsets():
    """A passage copied between two strings: both spans exact, text as printed, one cluster."""
    shared = "各部门要把政务公开作为转变政府职能的重要抓手，完善制度、压实责任、强化考核"
    a = "本局全年受理申请二十件。" + shared + "。下一步将加强培训。"
    b = "我县多措并举推进依法行政工作。\n" + shared[:20] + "\n" + shared[20:] + "。全年未发生复议。"
    res = compare([a, b])
    assert len(res.reuse_passages) == 1
    p = res.reuse_passages[0]
    spans = {m.report: (m.start, m.end) for m in p.members}
    sa, ea = spans["text-1"]
    # both copies end with 。: the maximal exact match takes it along
    assert (sa, ea) == (a.index(shared), a.index(shared) + len(shared) + 1)
    sb, eb = spans["text-2"]
    assert b[sb:eb].replace("\n", "") == shared + "。"  # a line break inside the copy is not a difference
    assert p.n_reports == 2


def test_near_copy_with_changed_number_is_one_passage():
    base = "主动公开政府信息{}条，其中政策文件{}件，政策解读{}篇，依申请公开办理规范高效，确保答复及时准确到位"
    a = "甲乡概况。" + base.format(1136, 25, 8) + "。"
    b = "乙镇情况。" + base.format(2428, 31, 9) + "。"
    res = compare([a, b], min_identity=0.8)
    assert len(res.reuse_passages) == 1
    assert res.reuse_passages[0].identity < 1.0


def test_sub_minimum_and_empty_inputs():
    res = compare(["短文本", "", "短文本"])
    assert res.reuse_passages == []
    assert len(res.reports) == 3
    with pytest.raises(ValueError):
        compare(["a"], min_chars=5, ngram=10)
    with pytest.raises(TypeError):
        compare(["a"], no_such_option=1)


def test_near_identical_reports_cluster(corpus_reports):
    r = next(x for x in corpus_reports if x.source.endswith("shuyang-county-2025.txt"))
    edited = r.text.replace("2025", "2024", 3)
    copy = Report(id="copy", source="<edited copy>", format="txt", text=edited, agency="另一县人民政府", year=2025)
    res = compare([r, copy] + [x for x in corpus_reports if x.id != r.id][:8])
    assert [r.id, "copy"] in res.near_identical_clusters or sorted([r.id, "copy"]) in [sorted(c) for c in res.near_identical_clusters]
    m = res.similarity
    assert m is not None and np.allclose(m, m.T) and np.allclose(np.diag(m)[[0, 1]], 1.0)
    assert m[0, 1] > 0.95


# ------------------------------------------------------------------ formulas, foreign names, direction

#: constructed narrative (own wording): a district's arrangement, naming its officials and its place
DISTRICT_SENTENCE = "将政务公开工作列入区政府领导分工，由常务副区长分管，洪泽区政务服务中心设立了政府信息查阅点。"
FORMULA = "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻党的二十大精神。"


def _report(rid: str, agency: str, year: int, body: str, date: str = "") -> Report:
    from nlp.structure import parse_text

    r = parse_text(f"{agency}{year}年政府信息公开工作年度报告\n一、总体情况\n{body}\n", report_id=rid)
    r.agency, r.year, r.publication_date = agency, year, date
    return r


def test_formula_is_counted_as_formula_never_as_reuse(corpus_result, corpus_reports, reference):
    # real reports: the formula is a formula passage across agencies, and inside any reused
    # passage it is a marked sub-span, never part of what is ranked as copied
    from nlp.comparison.output import ranked_reuse

    found = [p for p in corpus_result.formula_passages if "以习近平新时代中国特色社会主义思想为指导" in p.text]
    assert found and max(p.n_agencies for p in found) >= 4
    texts = {r.id: r.text for r in corpus_reports}
    for p in ranked_reuse(corpus_result):
        for m in p.members:
            t = texts[m.report]
            for hit in re.finditer("习近平", t[m.start:m.end]):
                at = m.start + hit.start()
                assert any(a <= at < b and why == "formula" for a, b, why in m.masked), t[m.start:m.end]
    # constructed: two reports that share only the formula share no passage
    a = _report("a", "甲市某局", 2023, FORMULA + "本局全年主动公开文件一百二十件，办理依申请公开十八件。")
    b = _report("b", "乙县某局", 2023, FORMULA + "全县组织开展政务公开培训三次，更新公开目录四百余条。")
    res = compare([a, b], reference=reference)
    assert res.reuse_passages == []
    assert any("习近平新时代中国特色社会主义思想" in p.text and p.n_reports == 2 for p in res.formula_passages)
    assert all(r.formula_chars >= len("以习近平新时代中国特色社会主义思想为指导") for r in res.reports)
    # the formula counts as boilerplate: its sentence is in the boilerplate share
    assert all(r.boilerplate_share is not None and r.boilerplate_share > 0 for r in res.reports)


def test_formula_inside_a_copied_sentence_is_marked_not_cut():
    own = "全面推行政务公开标准化建设，在全区十二个街道设立公开专区并配备专职人员。"
    a = _report("a", "甲区人民政府", 2022, "本区年度工作稳步推进。" + FORMULA[:-1] + "，" + own)
    b = _report("b", "乙县人民政府", 2023, "本县围绕中心工作开展公开。" + FORMULA[:-1] + "，" + own)
    (p,) = compare([a, b]).reuse_passages
    for m, r in zip(sorted(p.members, key=lambda m: m.report), (a, b)):
        assert r.text[m.start:m.end] == FORMULA[:-1] + "，" + own   # the whole sentence, formula included
        formulas = [r.text[x:y] for x, y, why in m.masked if why == "formula"]
        assert formulas == ["坚持以习近平新时代中国特色社会主义思想为指导", "认真贯彻党的二十大精神"]
    assert p.scored_chars < len(FORMULA + own) - 20   # what is ranked is the copy outside the formula


def test_foreign_names_flag_copied_text():
    a = _report("hz", "淮安市洪泽区人民政府", 2023, "本区全年公开信息九百余条。" + DISTRICT_SENTENCE)
    b = _report("sy", "宿迁市沭阳县人民政府", 2024, "本县全年公开信息六百余条。" + DISTRICT_SENTENCE)
    c = _report("ha", "淮安市人民政府", 2024, "市政府统筹全市公开工作。" + DISTRICT_SENTENCE)
    res = compare([a, b, c])
    (p,) = res.reuse_passages
    assert p.flags == ["foreign_name"]
    names = {m.report: m.foreign_names for m in p.members}
    assert names["sy"] == ["常务副区长", "洪泽区"]   # a county printing a district's official and place
    assert names["hz"] == []                        # the district's own words
    assert names["ha"] == []                        # a city may name its own district


def test_foreign_names_on_the_demo_corpus():
    """The generator's cross-agency copies keep the source's place names (corpora/demo manifest):
    each copy naming its source's place is flagged in the copying report; copies an agency makes
    of its own earlier report never are."""
    from corpora import load_manifest
    from nlp.comparison.names import agency_places
    from nlp.structure import read_report

    demo = ROOT_DIR / "corpora" / "demo"
    manifest = load_manifest(demo)
    reports = {}
    for d in manifest["reports"]:
        r = read_report(demo / d["file"])
        r.agency, r.year = d["agency"], d["year"]
        reports[d["id"]] = r
    res = compare(list(reports.values()))
    reports_by_id = {r.id: r for r in reports.values()}
    flagged = {(m.report, n) for p in res.reuse_passages for m in p.members for n in m.foreign_names}
    checked = 0
    for c in manifest["copies"]:
        target = reports[c["target"]]
        places = [name for name, _, _ in agency_places(reports[c["source"]].agency) if name in c["text"]]
        if c["kind"] == "cross" and places:
            checked += 1
            assert all((target.id, name) in flagged for name in places), c["text"][:40]
    assert checked >= 2
    # an agency repeating its own earlier report names nothing foreign
    own = [p for p in res.reuse_passages if len({reports_by_id[m.report].agency for m in p.members}) == 1]
    assert own and all(p.flags == [] for p in own), [p.flags for p in own]
    own_flags = [(rid, n) for rid, n in flagged
                 if any(n == name for name, _, _ in agency_places(reports_by_id[rid].agency))]
    assert own_flags == []


def test_direction_earlier_year_then_publication_date():
    body = "全年组织政务公开专题培训三场，覆盖各乡镇街道信息员一百五十余人次，培训后开展了业务考试。"
    x = _report("x", "甲县人民政府", 2022, "甲县情况良好。" + body)
    y = _report("y", "乙县人民政府", 2023, "乙县稳步推进。" + body, date="2024年1月20日")
    z = _report("z", "丙县人民政府", 2023, "丙县持续深化。" + body, date="2024年2月15日")
    (p,) = compare([z, y, x]).reuse_passages
    assert (p.first_printed, p.direction) == ("x", "earlier_year")
    (p,) = compare([z, y]).reuse_passages
    assert (p.first_printed, p.direction) == ("y", "publication_date")
    y.publication_date = ""
    (p,) = compare([z, y]).reuse_passages
    assert (p.first_printed, p.direction) == (None, "undetermined")


def test_template_by_evidence_not_by_position():
    statute = "现将本年度报告予以公布，如对本报告有疑问，请与本机关联系。"
    contact = "联系电话：0517-12345678，"
    a = Report(id="a", source="<t>", format="txt", agency="甲区人民政府", year=2023,
               text=f"甲区2023年政府信息公开工作年度报告\n{statute}{DISTRICT_SENTENCE}\n一、总体情况\n甲区全年公开信息。\n")
    b = Report(id="b", source="<t>", format="txt", agency="乙区人民政府", year=2023,
               text=f"乙区2023年政府信息公开工作年度报告\n{statute}\n一、总体情况\n乙区全年办理申请二十件。"
                    f"{contact}{DISTRICT_SENTENCE}\n")
    res = compare([a, b])
    (p,) = res.reuse_passages   # before the first heading in a, beside a contact item in b: found whole
    spans = {m.report: (m.start, m.end) for m in p.members}
    assert a.text[slice(*spans["a"])] == DISTRICT_SENTENCE and b.text[slice(*spans["b"])] == DISTRICT_SENTENCE
    for r in (a, b):   # the statutory sentence is template by its words, wherever it stands
        start = r.text.index(statute)
        assert any(s <= start and e >= start + len(statute) - 1 and why == "vocabulary"
                   for s, e, why in res.template_spans[r.id])
    k = b.text.index(contact)   # the contact mask ends with the number
    assert (k, k + len(contact) - 1, "contact") in res.template_spans["b"]


def test_reference_defines_template_and_boilerplate_for_a_few_reports(hongze, reference):
    from nlp.comparison.build_reference import generated_texts, shared_texts

    a, b = hongze
    alone = compare([a, b])
    assert any("frequency-based" in n for n in alone.notes) and alone.reference == ""
    assert all(r.boilerplate_share is None for r in alone.reports)
    res = compare([a, b], reference=reference)
    assert res.reference.startswith("compare-reference.npz") and any(n.startswith("reference:") for n in res.notes)
    assert all(r.boilerplate_share is not None and 0 < r.boilerplate_share < 1 for r in res.reports)
    # n-grams the pooled counts call frequent are printed by that many reference documents (counted
    # here by substring search in the texts the reference was built from)
    res = compare([a, b], reference=reference, template_df=0.3)
    frequent = [a.text[s:e] for s, e, why in res.template_spans[a.id] if why == "frequent"]
    assert frequent
    folded = [re.sub(r"\d", "0", "".join(t.split())) for t in shared_texts(SHARED) + generated_texts(8, 3, 11)]
    assert len(folded) == reference.n_docs
    for piece in frequent[:20]:
        key = re.sub(r"\d", "0", "".join(piece.split()))[:10]
        assert sum(key in t for t in folded) + 2 >= 0.3 * (reference.n_docs + 2), piece


def test_pair_filters(hongze):
    a, b = hongze
    other = _report("o", "某市某局", 2024, "本局全年主动公开各类信息四百余条，办理申请十件。")
    pairs_of = {}
    for kind in ("all", "cross-agency", "same-agency", "consecutive-years"):
        res = compare([a, b, other], pairs=kind)
        pairs_of[kind] = [sorted({m.report for m in p.members}) for p in res.reuse_passages]
    assert sorted([a.id, b.id]) in pairs_of["all"]
    assert pairs_of["same-agency"] == pairs_of["all"]          # the two Hongze years share text
    assert pairs_of["consecutive-years"] == pairs_of["all"]    # 2023 and 2024
    assert pairs_of["cross-agency"] == []
    with pytest.raises(ValueError):
        compare([a, b], pairs="neighbours")


# ------------------------------------------------------------------ template masking

def test_template_masked_but_listed(hongze, corpus_reports):
    a, b = hongze
    res = compare([a, b])
    spans = res.template_spans[a.id]
    masked = np.zeros(len(a.text) + 1, dtype=bool)
    for s, e, _ in spans:
        masked[s:e] = True
    # the statutory preamble and the statistics tables are template
    pre = a.text.index("国政府信息公开条例")
    assert masked[pre]
    t3 = a.text.index("本年新收政府信息公开申请数量")
    assert masked[t3]
    # reused passages never consist of template text
    in_a = [m for p in res.reuse_passages for m in p.members if m.report == a.id]
    assert in_a   # the two years share prose
    for m in in_a:
        assert masked[m.start:m.end].mean() < 0.5, a.text[m.start:m.end]
    # but the template is listed, with its reason
    reasons = {p.reason for p in res.template_passages}
    assert {"table", "vocabulary"} <= reasons
    assert any(p.n_reports == 2 for p in res.template_passages)


def test_frequency_based_template_needs_enough_reports(corpus_result):
    assert not any("frequency-based" in n for n in corpus_result.notes)
    res = compare(["甲" * 30, "乙" * 30])
    assert any("frequency-based" in n for n in res.notes)
    assert all(r.boilerplate_share is None for r in res.reports)


# ------------------------------------------------------------------ measures on the corpus

def test_corpus_measures_in_range(corpus_result):
    rows = corpus_result.reports
    assert len(rows) == len(corpus_index())
    for r in rows:
        for v in (r.template_share, r.reused_share, r.reused_other_agency_share, r.redundancy):
            assert 0.0 <= v <= 1.0
        assert r.boilerplate_share is not None and 0.0 <= r.boilerplate_share <= 1.0
        assert r.reused_chars <= r.scored_chars
    # the political formula is counted as a formula across many agencies, never as reuse
    widest = max(corpus_result.formula_passages, key=lambda p: p.n_agencies)
    assert widest.n_agencies >= 4 and "习近平" in widest.text
    assert any(r.formula_chars > 0 for r in rows)


def test_passage_members_are_the_same_text_at_sentence_bounds(corpus_result, corpus_reports):
    """Every member of a reused passage is a slice of its own report sharing at least 80% of the
    passage's text (longest common subsequence, whitespace dropped, digits folded); on real reports at
    least 65% of the members start and end at a sentence or clause bound (the rest are copies shorter
    than a clause: the words before them differ)."""
    texts = {r.id: r.text for r in corpus_reports}
    marks = set("。！？；，、：;,:!?）)》”")
    at_bounds = members = 0
    for p in corpus_result.reuse_passages:
        first = "".join(p.text.split())
        for m in p.members:
            t = texts[m.report]
            piece = "".join(t[m.start:m.end].split())
            # single link: members may reach further than the first one, but hold the same text
            common = lcs_length(re.sub(r"\d", "0", piece), re.sub(r"\d", "0", first))
            assert common >= 0.8 * min(len(piece), len(first)), (piece, first)
            spans = corpus_result.template_spans[m.report]
            before, after = t[:m.start].rstrip(), t[m.end:]
            starts = (not before or before[-1] in marks or t[m.start - 1] == "\n"
                      or any(e <= m.start and not t[e:m.start].strip() for _, e, _ in spans))
            ends = (t[m.end - 1] in marks or not after.strip() or after[:1] == "\n"
                    or any(s >= m.end and not t[m.end:s].strip() for s, _, _ in spans))
            members += 1
            at_bounds += starts and ends
    print(f"passage members at sentence/clause bounds: {at_bounds}/{members}")
    assert members >= 50 and at_bounds / members >= 0.65, (at_bounds, members)


def test_identical_year_pair_is_flagged():
    text = ("2023年我局主动公开政府信息一百余条，完善公开目录，规范依申请公开办理流程，"
            "加强政务新媒体管理，开展业务培训两次，全年未收取信息处理费。")
    a = _plain("a", text, "某市某局", 2023)
    b = _plain("b", text.replace("2023", "2024"), "某市某局", 2024)
    res = compare([a, b])
    (pm,) = [p for p in res.pairs if p.kind == "year_over_year"]
    assert (pm.report_a, pm.report_b) == ("a", "b")
    assert pm.text_repeat_rate > 0.95 and pm.stickiness > 0.8 and pm.cosine > 0.95
    assert pm.repeated_share > 0.9 and pm.repeated_over_limit
    assert pm.modification == pytest.approx(1 - pm.cosine, abs=1e-3)


def test_hongze_year_over_year(hongze):
    a, b = hongze
    themes = {a.id: _heading_themes(a), b.id: _heading_themes(b)}
    res = compare([b, a], themes=themes)  # order of input does not matter
    (pm,) = [p for p in res.pairs if p.kind == "year_over_year"]
    assert (pm.year_a, pm.year_b) == (2023, 2024)
    assert pm.report_a == a.id and pm.report_b == b.id
    for v in (pm.stickiness, pm.cosine, pm.jaccard, pm.text_repeat_rate, pm.edit_similarity, pm.repeated_share):
        assert 0.0 < v < 1.0
    # measured on the template-masked text: tables and preamble do not count
    assert "requests" not in pm.part_similarity and "proactive" not in pm.part_similarity
    assert pm.part_similarity["other"] > 0.9       # part 六 is the same sentence with a new year
    assert pm.part_similarity["overview"] < 0.8    # part 一 was rewritten in large part
    assert pm.repeated_over_limit == (pm.repeated_share > 0.5)
    assert pm.changed_a_lot == (pm.text_repeat_rate < 0.6)
    # per theme: the themes the caller passed in (here the headings')
    assert pm.theme_similarity and all(0.0 <= v <= 1.0 for v in pm.theme_similarity.values())
    assert set(pm.theme_similarity) <= {t for _, _, t in themes[a.id]} & {t for _, _, t in themes[b.id]}
    assert any(n.startswith("themes:") for n in res.notes)
    assert not compare([a, b]).pairs[0].theme_similarity  # no themes given: none invented
    rm = res.report(b.id)
    assert rm.template_share > 0.2 and rm.reused_share > 0.2
    assert sum(rm.theme_shares.values()) == pytest.approx(1.0, abs=0.01)


# ------------------------------------------------------------------ diff

def test_hongze_diff_readable(hongze):
    from nlp.tables import extract_tables

    a, b = hongze
    d = diff_reports(a, b, cells=(list(extract_tables(a)), list(extract_tables(b))))
    keys = [p.key for p in d.parts]
    assert "overview" in keys and "problems" in keys
    t = d.totals()
    assert t["copied"] > 0 and t["new"] > 0 and t["changed"] > 0
    page = render_html(d)
    assert "<del" in page and "<ins" in page and "改 changed" in page and "新 new" in page
    text = render_text(d)
    assert "{+" in text and "[-" in text
    # the tables cell by cell: old → new, difference and change
    changed = {c.key: c for c in d.cells}
    c = changed["proactive:licensing:decisions"]
    assert (c.a, c.b, c.delta) == ("550", "9487", 8937) and c.pct == pytest.approx(8937 / 550, abs=1e-3)
    assert "550 → 9487  (Δ +8937, +1624.9%)" in text
    assert diff_reports(a, b).cells is None   # no cells given: no table comparison


def test_diff_pairs_numbers_by_label_and_finds_moved_text():
    from nlp.structure import parse_text

    moved = "全年组织政务公开业务培训两次，参训人员覆盖全部科室。"
    middle = "\n二、主动公开政府信息情况\n主动公开信息一千余条。\n三、收到和处理政府信息公开申请情况\n全年受理申请十件。\n"
    a = parse_text("一、总体情况\n2023年，我区在政府网站平台主动公开政府信息1136条，其中政策文件25件。" + moved + middle
                   + "四、存在的主要问题及改进情况\n公开内容还不够全面。\n", report_id="a")
    b = parse_text("一、总体情况\n2024年，我区在政府网站平台主动发布各类政府信息2428条，其中政策文件31件，解读信息发布7条。"
                   + middle + "四、存在的主要问题及改进情况\n公开内容还不够全面。" + moved + "\n", report_id="b")
    d = diff_reports(a, b)
    rows = [r for p in d.parts for r in p.rows]
    (changed,) = [r for r in rows if r.op == "changed"]
    pairs = {(n.label, n.a, n.b) for n in changed.numbers}
    assert ("主动公开政府信息", 1136, 2428) in pairs        # paired by its words, not with the 7 next to 发布
    assert ("其中政策文件", 25, 31) in pairs and ("解读信息发布", None, 7) in pairs
    (mv,) = [r for r in rows if r.op == "moved"]
    assert b.text[mv.b[0]:mv.b[1]] == moved and a.text[mv.a[0]:mv.a[1]] == moved and mv.moved_from == "overview"
    assert not any(r.op in ("removed", "new") and moved in (r.b_segments or r.a_segments)[0].text for r in rows)
    text = render_text(d)
    assert "主动公开政府信息 1136 → 2428条  (Δ +1292)" in text and "(from overview)" in text
    assert d.totals()["moved"] == len(moved)


def test_diff_html_escapes_text():
    a = _plain("a", "一、总体情况\n我局<script>alert(1)</script>公开信息一百条。")
    b = _plain("b", "一、总体情况\n我局<b>公开</b>信息二百条。")
    page = render_html(diff_reports(a, b))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>公开</b>" not in page


# ------------------------------------------------------------------ brief sections

def test_brief_heatmap_scaled_to_the_data_with_values_and_groups():
    from nlp.analysis.brief import heatmap_svg

    m = [[1.0, 0.56, 0.70], [0.56, 1.0, 0.89], [0.70, 0.89, 1.0]]
    svg = heatmap_svg(["甲区人民政府2023年", "甲区人民政府2024年", "乙县人民政府2024年"], m, groups=["甲区", "甲区", "乙县"])
    fills = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="\d+" height="\d+" fill="(rgb\([^)]*\))"', svg)[:9]
    # the lowest off-diagonal value is the lightest colour, the highest as dark as the diagonal
    assert fills[1] == "rgb(255,255,255)" and fills[5] == fills[0] and fills[2] not in (fills[1], fills[5])
    for v in ("0.56", "0.70", "0.89"):
        assert f">{v}</text>" in svg                      # values printed in the cells
    assert 'text-anchor="end">0.56</text>' in svg and "0.56–0.89" in svg   # the legend says the range
    assert svg.count("<line") == 2                       # one agency boundary, drawn across and down
    assert "甲区人民政府2023年" in svg


def test_brief_reuse_list_shows_whole_sentences_with_every_agency(reference):
    from types import SimpleNamespace

    from nlp.analysis.brief.sections import _reused

    own = "全面推行政务公开标准化建设，在全区十二个街道设立公开专区并配备专职人员。"
    reports = [_report("a", "淮安市洪泽区人民政府", 2022, "本区年度工作稳步推进。" + FORMULA[:-1] + "，" + own),
               _report("b", "宿迁市沭阳县人民政府", 2023, "本县围绕中心工作开展公开。" + FORMULA[:-1] + "，" + own),
               _report("c", "宿迁市泗阳县人民政府", 2023, "本县扎实推进。" + FORMULA + "全县公开目录更新四百余条。")]
    comp = compare(reports, reference=reference)
    page = _reused(SimpleNamespace(comparison=comp, analyses=[SimpleNamespace(report=r) for r in reports]), {})
    assert page.count("<blockquote>") == 1                 # the copied sentence, not the formula alone
    assert "淮安市洪泽区人民政府：2022年（最早）" in page and "宿迁市沭阳县人民政府：2023年" in page
    assert "泗阳" not in page                               # it shares only the formula
    assert '<span class="masked" title="政治套语">坚持以习近平新时代中国特色社会主义思想为指导</span>' in page
    assert own in page


# ------------------------------------------------------------------ CLI

def test_cli_compare_writes_files(tmp_path):
    from cli import app

    out = tmp_path / "cmp"
    files = [str(HONGZE_2023), str(HONGZE_2024), str(REPORTS_DIR / "huaian-office-2019.txt")]
    res = CliRunner().invoke(app, ["compare", *files, "--out", str(out), "--min-chars", "25", "--ngram", "9"])
    assert res.exit_code == 0, res.output
    assert "Year over year" in res.output
    for name in ("passages.jsonl", "reports.csv", "pairs.csv", "similarity.csv"):
        assert (out / name).exists()
    assert (out / "reports.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # CSV for people: the BOM
    rows = list(csv.DictReader(open(out / "reports.csv", encoding="utf-8-sig")))
    assert len(rows) == 3
    pairs = list(csv.DictReader(open(out / "pairs.csv", encoding="utf-8-sig")))
    assert any(p["kind"] == "year_over_year" for p in pairs)
    from nlp.structure import read_report

    texts = {r.id: r.text for r in map(read_report, files)}
    passages = [json.loads(line) for line in open(out / "passages.jsonl", encoding="utf-8")]
    # the two Hongze years share prose; statutory wording and tables are template
    assert {p["kind"] for p in passages} >= {"reuse", "template"}
    for p in passages:
        assert p["kind"] in ("reuse", "template", "formula") and p["members"]
        for m in p["members"]:
            assert 0 <= m["start"] < m["end"] <= len(texts[m["report"]]), m
        # the passage's text is what one of its members prints at its offsets
        printed = ["".join(texts[m["report"]][m["start"]:m["end"]].split()) for m in p["members"]]
        assert "".join(p["text"].split()) in printed, p["id"]
    sim = list(csv.reader(open(out / "similarity.csv", encoding="utf-8")))
    assert len(sim) == 4 and len(sim[0]) == 4


def test_cli_compare_bad_inputs(tmp_path):
    from cli import app

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    out = tmp_path / "o"
    res = CliRunner().invoke(app, ["compare", str(HONGZE_2023), str(HONGZE_2024), str(bad), str(tmp_path / "missing.txt"),
                                   "--out", str(out)])
    assert res.exit_code == 2
    assert "broken.pdf" in res.output and "missing.txt" in res.output
    assert (out / "reports.csv").exists()  # the batch went on past the bad files
    res = CliRunner().invoke(app, ["compare", str(HONGZE_2023), "--ngram", "1"])
    assert res.exit_code == 2 and "--ngram" in res.output
    res = CliRunner().invoke(app, ["compare", str(HONGZE_2023), "--workers", "0"])
    assert res.exit_code == 2 and "--workers must be at least 1" in res.output


def test_cli_compare_reads_json_lines(tmp_path):
    from cli import app

    shared = "区政府将政务公开工作纳入年度绩效考核，考核结果在全区范围内通报并作为评先评优的重要依据。"
    records = [
        {"id": "r1", "text": "一、总体情况\n甲区全年公开信息八百条。" + shared, "agency": "甲区人民政府", "year": 2022,
         "url": "https://example.gov.cn/1", "batch": 7},
        {"id": "r2", "text": "一、总体情况\n乙区稳步推进公开。" + shared, "agency": "乙区人民政府", "year": "2023"},
        {"id": "r3", "text": "一、总体情况\n丙区全年受理申请三件，均按期答复。", "agency": "丙区人民政府", "year": 2023},
    ]
    src = tmp_path / "reports.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{not json}\n"
                   + json.dumps({"id": "r4"}) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    res = CliRunner().invoke(app, ["compare", str(src), "--out", str(out), "--pairs", "cross-agency"])
    assert res.exit_code == 2, res.output                       # two bad lines, named by file and line
    assert f"{src}:4" in res.output and f"{src}:5" in res.output and "missing 'text'" in res.output
    rows = {r["report"]: r for r in csv.DictReader(open(out / "reports.csv", encoding="utf-8-sig"))}
    assert set(rows) == {"r1", "r2", "r3"} and rows["r2"]["year"] == "2023"
    assert json.loads(rows["r1"]["extra"]) == {"batch": 7, "url": "https://example.gov.cn/1"}
    assert rows["r1"]["reference"].startswith("compare-reference.npz")
    passages = [json.loads(line) for line in open(out / "passages.jsonl", encoding="utf-8")]
    (reuse,) = [p for p in passages if p["kind"] == "reuse"]
    assert reuse["text"] == shared and reuse["first_printed"] == "r1" and reuse["direction"] == "earlier_year"
    res = CliRunner().invoke(app, ["compare", str(src), "--out", str(out), "--pairs", "neighbours"])
    assert res.exit_code == 2 and "--pairs" in res.output


def test_cli_diff_html(tmp_path):
    from cli import app

    page = tmp_path / "d.html"
    res = CliRunner().invoke(app, ["diff", str(HONGZE_2023), str(HONGZE_2024), "--html", str(page)])
    assert res.exit_code == 0, res.output
    assert "== overview" in res.output
    assert "<ins" in page.read_text(encoding="utf-8")


def test_nlp_compare_is_callable_and_takes_dicts(hongze):
    import nlp
    import nlp.comparison  # the package is named for what it holds: importing it shadows no function

    a, b = hongze
    res = nlp.compare([a.to_dict(), b.to_dict()])
    assert res.report_ids == [a.id, b.id]
    assert nlp.compare is nlp.comparison.compare and "compare" in dir(nlp)


def test_reports_aligned_on_two_processes_give_the_one_process_result(corpus_reports, reference, corpus_result):
    """``LocalPairs(workers=2)`` prepares and aligns the reports on two processes: same passages,
    measures and pairs as one process, on the shared corpus."""
    from dataclasses import asdict

    from nlp.comparison import LocalPairs

    engine = LocalPairs(workers=2)
    seen: list[tuple[str, int, int]] = []
    two = compare(corpus_reports, reference=reference, pair_engine=engine,
                  progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert corpus_result.passages, "the shared corpus has reused passages to compare"
    for field_name in ("passages", "reports", "pairs", "similar_pairs", "near_identical_clusters", "template_spans",
                       "notes"):
        assert getattr(two, field_name) == getattr(corpus_result, field_name), field_name
    assert two.similarity is not None and np.array_equal(two.similarity, corpus_result.similarity)
    assert any(p.kind == "year_over_year" for p in two.pairs)   # made by the forked child
    assert engine.counts.computed > 0
    for stage in ("reading", "aligning"):
        done = [d for s, d, t in seen if s == stage]
        assert done and done[-1] == len(corpus_reports) and done == sorted(done), stage
    assert asdict(two.config) == asdict(corpus_result.config)


def test_a_failing_alignment_process_fails_the_compare(corpus_reports, reference, monkeypatch):
    """An error in the forked process reaches the caller (no silent half result)."""
    import os

    import nlp.comparison.candidates as candidates
    from nlp.comparison import LocalPairs

    real = candidates.report_pairs
    parent = os.getpid()

    def failing_in_child(r, *args, **kwargs):
        if os.getpid() != parent:
            raise ValueError(f"report {r} cannot be aligned")
        return real(r, *args, **kwargs)

    monkeypatch.setattr(candidates, "report_pairs", failing_in_child)
    with pytest.raises(ValueError, match="cannot be aligned"):
        compare(corpus_reports[:6], reference=reference, pair_engine=LocalPairs(workers=2))


def test_a_failure_after_aligning_ends_the_year_pairs_child(corpus_reports, reference, monkeypatch):
    """The year-over-year pairs and the matrix are computed by a forked child while this process finds
    the passages: when this process fails, the child is ended and reaped, not left running."""
    import os

    import nlp.comparison.core as core
    import nlp.forked as forked
    from nlp.comparison import LocalPairs

    real_init, children = forked.ForkedCall.__init__, []

    def recording_init(self, fn, *args, **kwargs):
        real_init(self, fn, *args, **kwargs)
        if fn is core._year_pairs_and_matrix:
            children.append(self.pid)

    def failing(*args, **kwargs):
        raise ValueError("passages cannot be found")

    monkeypatch.setattr(forked.ForkedCall, "__init__", recording_init)
    monkeypatch.setattr(core, "reuse_passages", failing)
    with pytest.raises(ValueError, match="passages cannot be found"):
        compare(corpus_reports[:6], reference=reference, pair_engine=LocalPairs(workers=2))
    assert len(children) == 1 and children[0]
    with pytest.raises(ProcessLookupError):
        os.kill(children[0], 0)


def test_a_failing_aligning_parent_ends_its_forked_processes(corpus_reports, reference, monkeypatch):
    """When this process's own share fails, the forked processes are ended and reaped, not left running."""
    import os
    import time

    import nlp.comparison.candidates as candidates
    import nlp.forked as forked
    from nlp.comparison import LocalPairs

    real_pairs, real_init = candidates.report_pairs, forked.ForkedCall.__init__
    parent, children = os.getpid(), []

    def failing_in_parent(r, *args, **kwargs):
        if os.getpid() == parent:
            raise ValueError(f"report {r} cannot be aligned")
        time.sleep(0.3)   # the forked processes are slow: this one takes a report too
        return real_pairs(r, *args, **kwargs)

    def recording_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        children.append(self.pid)

    monkeypatch.setattr(candidates, "report_pairs", failing_in_parent)
    monkeypatch.setattr(forked.ForkedCall, "__init__", recording_init)
    with pytest.raises(ValueError, match="cannot be aligned"):
        compare(corpus_reports[:6], reference=reference, pair_engine=LocalPairs(workers=3))
    assert len(children) == 4 and all(children)   # two forks prepared the reports, two aligned them
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
