"""Ground truth by construction, for tests and benchmarks of :func:`nlp.comparison.compare`.

- :func:`plant_sentence_copies` copies whole sentences of real reports into other real
  reports at sentence boundaries (inside parts, before the first heading, holding mandated
  phrases, beside contact items) and records where each copy stands in donor and receiver;
- :func:`score_planted` checks a compare result against those records: recall (every
  planted passage found, both spans within ± ``tolerance`` characters) and precision
  (every reported reuse span is planted or was already there before planting);
- :func:`recombine_paragraphs` builds many synthetic reports from the paragraphs of a
  corpus (benchmark input).

Texts come from the caller (the shared corpus, read at run time); nothing is stored here.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from ..document import Report


@dataclass
class PlantedCase:
    """One planted passage: copied from ``donor`` [donor_start, donor_end) into ``receiver`` at receiver_start."""

    donor: str
    donor_start: int
    donor_end: int
    receiver: str
    receiver_start: int
    receiver_end: int
    placement: str  # one of PLACEMENTS


@dataclass
class PlantedCorpus:
    reports: list[Report]
    cases: list[PlantedCase]
    #: per receiver: (insert position, length) to shift pre-existing spans
    inserts: dict[str, tuple[int, int]] = field(default_factory=dict)


def _free(blocked: list[tuple[int, int]], s: int, e: int) -> bool:
    return all(e <= a or s >= b for a, b in blocked)


#: where a planted copy goes in its receiver
PLACEMENTS = ("body", "preamble", "mandated", "contact")
#: constructed contact items put right beside a copy placed "contact" (own wording, invented numbers)
_CONTACT_ITEMS = ("联系电话：0{a}-{b}", "电子邮箱：xxgk{a}@example.gov.cn", "地址：某市某路{a}号，邮编：{b6}")


def _sentences_on_lines(text: str) -> list[tuple[int, int]]:
    """Sentences as the comparison sees them (a line wrap does not end a sentence)."""
    from ..sentences import split_sentences

    return split_sentences(text.replace("\n", " "))


def _masked_share(spans: list[tuple[int, int, str]], s: int, e: int, reasons: set[str] | None = None) -> float:
    covered = 0
    for a, b, why in spans:
        if reasons is None or why in reasons:
            covered += max(0, min(b, e) - max(a, s))
    return covered / max(1, e - s)


def _pick_sentence_copy(text: str, template: list[tuple[int, int, str]], blocked: list[tuple[int, int]],
                        rng: random.Random, mandated: bool, min_len: int, max_len: int) -> tuple[int, int] | None:
    """Whole sentences (one to three in a row on one line) of ``min_len``–``max_len`` characters
    that no pre-existing passage touches, outside tables and headings, mostly unmasked; with
    ``mandated`` only sentences holding a masked phrase (template vocabulary or a formula)."""
    sents = _sentences_on_lines(text)
    cands = []
    for k in range(len(sents)):
        for m in range(k, min(k + 3, len(sents))):
            s, e = sents[k][0], sents[m][1]
            if "\n" in text[s:e] or not min_len <= e - s <= max_len:
                continue
            if text[e - 1] not in "。！？；;!?" or sum(ch.isdigit() for ch in text[s:e]) > (e - s) // 5:
                continue
            if not _free(blocked, s, e) or _masked_share(template, s, e, {"table", "heading", "contact"}) > 0:
                continue
            share = _masked_share(template, s, e)
            if mandated and share == 0:
                continue
            if any(_masked_share(template, a, b) > 0.5 for a, b in sents[k:m + 1]):
                continue  # a mandated sentence (template by the format's words) is not a copy
            cands.append((s, e))
    return rng.choice(cands) if cands else None


def _line_ends_sentence(text: str, line_start: int) -> bool:
    """True when the line before ``line_start`` ends a sentence or is a short title line."""
    prev = text[:line_start].rstrip()
    if not prev:
        return True
    last_line = prev[prev.rfind("\n") + 1:]
    return prev[-1] in "。！？；;!?" or (len(last_line) <= 40 and re.search(r"(?:报告|年报|情况)$", last_line) is not None)


def _pick_sentence_gap(report: Report, blocked: list[tuple[int, int]], rng: random.Random,
                       before_first_heading: bool) -> int | None:
    """A position right after a sentence (or at a line start), outside pre-existing passages;
    with ``before_first_heading`` one before the report's first part."""
    text = report.text
    limit = report.parts[0].start if report.parts else len(text)
    ends = [e for _, e in _sentences_on_lines(text) if text[e - 1] in "。！？；;!?"]
    if before_first_heading:
        # or a line start after a sentence end or after a title line (no sentence punctuation)
        lines = [m.end() for m in re.finditer(r"\n", text[:limit])]
        cands = [e for e in ends if e <= limit] + [p for p in lines if _line_ends_sentence(text, p)]
    else:
        first = report.parts[0].title_end if report.parts and report.parts[0].title_end > 0 else 0
        cands = [e for e in ends if e > first]
    cands = sorted({p for p in cands if _free(blocked, p - 1, p + 1)})
    return rng.choice(cands) if cands else None


def plant_sentence_copies(base: list[Report], n_cases: int, rng: random.Random,
                          template: dict[str, list[tuple[int, int, str]]],
                          existing: dict[str, list[tuple[int, int]]],
                          min_len: int = 40, max_len: int = 200) -> PlantedCorpus:
    """Copy whole sentences of one report into another at a sentence boundary, punctuation kept, the
    way reports copy each other. Placements cycle through :data:`PLACEMENTS`: inside a part; before
    the first part heading; a sentence holding a mandated phrase or formula; right beside a contact
    item (on the same line). ``template``: per report id, the masked spans of a compare run on
    ``base`` (reason codes); ``existing``: the reuse spans found there. Each report is a donor or a
    receiver at most once, and donor and receiver are different agencies."""
    order = list(range(len(base)))
    rng.shuffle(order)
    n_cases = min(n_cases, len(base) // 2)
    donors, receivers = order[:n_cases], order[n_cases:2 * n_cases]
    texts = {r.id: r.text for r in base}
    cases: list[PlantedCase] = []
    inserts: dict[str, tuple[int, int]] = {}
    used = set()
    for k, (di, ri) in enumerate(zip(donors, receivers)):
        placement = PLACEMENTS[k % len(PLACEMENTS)]
        r = base[ri]
        span = None
        # the drawn donor first, then any report not drawn (few sentences hold a mandated phrase)
        for dj in [di] + [x for x in order[2 * n_cases:] if x not in used]:
            d = base[dj]
            if d.agency and r.agency and d.agency == r.agency:
                continue
            span = _pick_sentence_copy(d.text, template.get(d.id, []), existing.get(d.id, []), rng,
                                       placement == "mandated", min_len, max_len)
            if span is not None:
                used.add(dj)
                break
        if span is None:
            continue
        blocked_r = existing.get(r.id, []) + [(a, b) for a, b, why in template.get(r.id, []) if why == "table"]
        at = _pick_sentence_gap(r, blocked_r, rng, placement == "preamble")
        if at is None:
            continue
        s, e = span
        passage = d.text[s:e]
        before = after = ""
        if placement == "contact":
            item = rng.choice(_CONTACT_ITEMS).format(a=rng.randint(100, 999), b=rng.randint(10**7, 10**8 - 1),
                                                     b6=rng.randint(10**5, 10**6 - 1))
            if rng.random() < 0.5:
                before = item + rng.choice(("；", "，", "。", "\n"))
            else:
                after = item
        elif at > 0 and r.text[at - 1] == "\n":
            after = "\n"
        inserted = before + passage + after
        texts[r.id] = r.text[:at] + inserted + r.text[at:]
        inserts[r.id] = (at, len(inserted))
        cases.append(PlantedCase(d.id, s, e, r.id, at + len(before), at + len(before) + len(passage), placement))
    reports = []
    for r in base:
        if r.id in inserts:
            at, length = inserts[r.id]
            reports.append(shifted_copy(r, texts[r.id], at, length))
        else:
            reports.append(r)
    return PlantedCorpus(reports, cases, inserts)


_OFFSET_KEYS = ("start", "end", "title_end", "heading_start", "heading_end", "body_start")


def _shift(obj, at: int, length: int):
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in _OFFSET_KEYS and isinstance(v, int) and v >= at:
                out[k] = v + length
            elif k == "preamble" and isinstance(v, (list, tuple)):
                out[k] = [x + length if x >= at else x for x in v]
            else:
                out[k] = _shift(v, at, length)
        return out
    if isinstance(obj, list):
        return [_shift(x, at, length) for x in obj]
    return obj


def shifted_copy(report: Report, new_text: str, at: int, length: int) -> Report:
    """``report`` with ``length`` characters inserted at ``at``: the parser's structure kept,
    every offset at or after the insertion moved (the insertion joins the node ending there)."""
    d = _shift(report.to_dict(), at, length)
    d["text"] = new_text
    d.pop("original_text", None)
    return Report.from_dict(d)


@dataclass
class PlantedScore:
    cases: int
    found: int
    span_errors: list[int]         # max |offset error| of each found case
    reported_spans: int            # reuse member spans in receivers/donors of the planted run
    true_spans: int                # … that are planted spans or were shared before planting
    misses: list[PlantedCase]
    false_spans: list[tuple[str, int, int]]

    @property
    def recall(self) -> float:
        return self.found / self.cases if self.cases else 1.0

    @property
    def precision(self) -> float:
        return self.true_spans / self.reported_spans if self.reported_spans else 1.0


def score_planted(result, corpus: PlantedCorpus, before: dict[str, list[tuple[int, int]]],
                  tolerance: int = 5) -> PlantedScore:
    """Recall and precision of ``result`` (a CompareResult on ``corpus.reports``).

    ``before``: per report id, the reuse spans reported on the corpus before planting (text
    offsets of the unplanted texts; shifted here past each insertion)."""
    found, errors, misses = 0, [], []
    for c in corpus.cases:
        best = None
        for p in result.reuse_passages:
            er = [max(abs(m.start - c.receiver_start), abs(m.end - c.receiver_end))
                  for m in p.members if m.report == c.receiver]
            ed = [max(abs(m.start - c.donor_start), abs(m.end - c.donor_end)) for m in p.members if m.report == c.donor]
            if er and ed:
                e = max(min(er), min(ed))
                best = e if best is None else min(best, e)
        if best is not None and best <= tolerance:
            found += 1
            errors.append(best)
        else:
            misses.append(c)
    planted: dict[str, list[tuple[int, int]]] = {}
    for c in corpus.cases:
        planted.setdefault(c.receiver, []).append((c.receiver_start, c.receiver_end))
        planted.setdefault(c.donor, []).append((c.donor_start, c.donor_end))
    shifted: dict[str, list[tuple[int, int]]] = {}
    for rid, spans in before.items():
        at, ln = corpus.inserts.get(rid, (10 ** 12, 0))
        shifted[rid] = [(s + ln if s >= at else s, e + ln if e > at else e) for s, e in spans]
    reported = true = 0
    false_spans = []
    for p in result.reuse_passages:
        for m in p.members:
            reported += 1
            ok = any(_overlap(m.start, m.end, s, e) for s, e in planted.get(m.report, [])) or \
                any(_overlap(m.start, m.end, s, e) for s, e in shifted.get(m.report, []))
            if ok:
                true += 1
            else:
                false_spans.append((m.report, m.start, m.end))
    return PlantedScore(len(corpus.cases), found, errors, reported, true, misses, false_spans)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return min(a1, b1) - max(a0, b0) > 0


# ------------------------------------------------------------------ benchmark input

def paragraphs_of(text: str, min_chars: int = 20) -> list[str]:
    """Non-empty lines of a text with at least ``min_chars`` non-space characters."""
    return [ln.strip() for ln in text.splitlines() if len(re.sub(r"\s", "", ln)) >= min_chars]


def recombine_paragraphs(pool: list[str], n_reports: int, rng: random.Random,
                         per_report: tuple[int, int] = (6, 14), mutate: float = 0.5) -> list[Report]:
    """``n_reports`` synthetic reports, each a random run of pool paragraphs; with probability
    ``mutate`` a paragraph's numbers are redrawn (as when an agency copies a paragraph and
    updates the figures), so copies are near-identical rather than all identical."""
    out = []
    for k in range(n_reports):
        m = rng.randint(*per_report)
        paras = []
        for p in rng.sample(pool, min(m, len(pool))):
            if rng.random() < mutate:
                p = re.sub(r"\d+", lambda _m: str(rng.randint(0, 999)), p)
            paras.append(p)
        out.append(Report(id=f"syn-{k:05d}", source="<synthetic>", format="txt", text="\n".join(paras),
                          agency=f"机构{k % max(1, n_reports // 2):05d}", year=2020 + (k // max(1, n_reports // 2))))
    return out
