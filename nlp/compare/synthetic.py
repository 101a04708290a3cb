"""Ground truth by construction, for tests and benchmarks of :func:`nlp.compare.compare`.

- :func:`plant_passages` splices passages of real reports into other real reports and
  records where each planted passage stands in its donor and its receiver;
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
    snap: str  # 'sentence' (whole sentences, inserted between sentences) or 'free' (any characters, anywhere)


@dataclass
class PlantedCorpus:
    reports: list[Report]
    cases: list[PlantedCase]
    #: per receiver: (insert position, length) to shift pre-existing spans
    inserts: dict[str, tuple[int, int]] = field(default_factory=dict)


def _free(blocked: list[tuple[int, int]], s: int, e: int) -> bool:
    return all(e <= a or s >= b for a, b in blocked)


_SENT_END = re.compile(r"[。！？；]")


def _sentence_ends(text: str) -> list[int]:
    return [m.end() for m in _SENT_END.finditer(text)]


def plant_passages(base: list[Report], n_cases: int, rng: random.Random,
                   blocked: dict[str, list[tuple[int, int]]] | None = None,
                   min_len: int = 30, max_len: int = 160) -> PlantedCorpus:
    """Copy ``n_cases`` passages between distinct reports of ``base`` (each report is a donor or a
    receiver at most once, so offsets stay simple). ``blocked``: per report id, text spans a
    donor passage or an insertion point must avoid (template text, passages already shared)."""
    blocked = blocked or {}
    order = list(range(len(base)))
    rng.shuffle(order)
    n_cases = min(n_cases, len(base) // 2)
    donors, receivers = order[:n_cases], order[n_cases:2 * n_cases]
    texts = {r.id: r.text for r in base}
    cases: list[PlantedCase] = []
    inserts: dict[str, tuple[int, int]] = {}
    for di, ri in zip(donors, receivers):
        d, r = base[di], base[ri]
        if d.agency and r.agency and d.agency == r.agency:
            continue
        snap = "sentence" if rng.random() < 0.5 else "free"
        span = _pick_donor_span(d.text, blocked.get(d.id, []), rng, snap, min_len, max_len)
        if span is None:
            continue
        at = _pick_insert(r.text, blocked.get(r.id, []), rng, snap)
        if at is None:
            continue
        s, e = span
        passage = d.text[s:e]
        texts[r.id] = r.text[:at] + passage + r.text[at:]
        inserts[r.id] = (at, len(passage))
        cases.append(PlantedCase(d.id, s, e, r.id, at, at + len(passage), snap))
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


def _pick_donor_span(text: str, blocked: list[tuple[int, int]], rng: random.Random, snap: str,
                     min_len: int, max_len: int) -> tuple[int, int] | None:
    for _ in range(60):
        if snap == "sentence":
            ends = _sentence_ends(text)
            if len(ends) < 3:
                return None
            k = rng.randrange(0, len(ends) - 1)
            s = ends[k]
            e = None
            for k2 in range(k + 1, len(ends)):
                if ends[k2] - s >= min_len:
                    e = ends[k2]
                    break
            if e is None or e - s > max_len:
                continue
            while s < e and text[s].isspace():
                s += 1
        else:
            length = rng.randint(min_len, max_len)
            if len(text) <= length + 2:
                return None
            s = rng.randrange(0, len(text) - length)
            e = s + length
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        seg = text[s:e]
        if "\n" in seg.strip() or len(seg.strip()) < min_len:
            continue  # one line of running text: no table cells, no headings
        if sum(ch.isdigit() for ch in seg) > len(seg) // 4:
            continue
        if _free(blocked, s, e):
            return s, e
    return None


def _pick_insert(text: str, blocked: list[tuple[int, int]], rng: random.Random, snap: str) -> int | None:
    if snap == "sentence":
        cands = [p for p in _sentence_ends(text) if _free(blocked, p - 1, p + 1)]
    else:
        cands = [p for p in range(1, len(text)) if not text[p].isspace() and _free(blocked, p - 1, p + 1)]
    return rng.choice(cands) if cands else None


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
