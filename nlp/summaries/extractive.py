"""Extractive summarizer (always available, the fallback): whole sentences under a character budget.

Candidates are whole sentences (an enumeration 一是…；二是… stays one sentence) with
prose punctuation; table headers, unit notes (（单位：件）) and text outside the unit are
never candidates. Score = centrality (TextRank over BM25 character-bigram similarity,
d=0.85, <= 200 iterations) + number density (numbers, named documents per 100 chars) +
theme coverage (when theme keywords are given) + a small lead bonus - a boilerplate
penalty (template fragments, political formulas 坚持以…为指导). Sentences matching each
of the ``cues`` (problems, measures) are chosen first; MMR (lambda * score - (1 - lambda)
* max similarity to chosen) fills the budget. A sentence is never cut: the first choice
is kept whole even when it alone exceeds the budget. Returns spans.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from nlp.format import (
    SUMMARY_BOILERPLATE_FRAGMENTS,
    SUMMARY_EMPTY_OPENER,
    SUMMARY_FORMULA,
    SUMMARY_UNIT_NOTE,
    TABLE_ROW_HEADINGS,
    TEMPLATE_FRAGMENTS,
)

from nlp.sentences import split_clauses as clause_spans
from nlp.sentences import split_sentences as sentence_spans

_SPECIFIC = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|件|条|次|个|人|项|万|余)?|《[^》]{2,40}》")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class ScoredSentence:
    start: int
    end: int
    score: float
    centrality: float
    number_density: float
    boilerplate: bool


def strip_punct(clause: str) -> str:
    """A clause without its trailing delimiter and surrounding whitespace."""
    return clause.strip().rstrip("，,。；;：:！!？?、").strip()


def bigrams(text: str) -> list[str]:
    t = [c for c in text if not c.isspace() and c not in "，。；：、,.;:“”《》（）()"]
    return ["".join(t[i:i + 2]) for i in range(len(t) - 1)] or t


class BM25:
    """BM25 over character bigrams of a small set of texts (k1=1.5, b=0.75)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.docs = [Counter(d) for d in docs]
        self.lens = [len(d) for d in docs]
        self.avg = sum(self.lens) / max(1, len(docs))
        n = len(docs)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b
        #: each document's length normalisation, k1 * (1 - b + b * len / avg)
        self.norms = [k1 * (1 - b + b * ln / max(1e-9, self.avg)) for ln in self.lens]

    def terms(self, query: list[str]) -> list[tuple[str, float]]:
        """The query's distinct bigrams with their idf, sorted (the order :meth:`score` adds them
        up in: the same sums whatever the interpreter's string hashing)."""
        return [(w, self.idf.get(w, 0.0)) for w in sorted(set(query))]

    def score(self, query: list[str], i: int) -> float:
        return self.score_terms(self.terms(query), i)

    def score_terms(self, terms: list[tuple[str, float]], i: int) -> float:
        """The score of document ``i`` for a query given as :meth:`terms`."""
        d, norm, k = self.docs[i], self.norms[i], self.k1 + 1
        s = 0.0
        for w, idf in terms:
            f = d.get(w, 0)
            if f:
                s += idf * f * k / (f + norm)
        return s


def similarity_matrix(texts: list[str]) -> list[list[float]]:
    """Symmetrised BM25 similarity between texts (zero diagonal). Each score adds its terms in
    :meth:`BM25.terms` order, as :meth:`BM25.score_terms` does, but only over the texts that hold
    the term (a posting list per bigram instead of every text for every term)."""
    grams = [bigrams(t) for t in texts]
    bm = BM25(grams)
    n, k = len(texts), bm.k1 + 1
    postings: dict[str, list[tuple[int, int, float]]] = {}
    for j, (d, norm) in enumerate(zip(bm.docs, bm.norms)):
        for w, f in d.items():
            postings.setdefault(w, []).append((j, f, norm))
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        row = m[i]
        for w, idf in bm.terms(grams[i]):
            for j, f, norm in postings.get(w, ()):
                if j != i:
                    row[j] += idf * f * k / (f + norm)
    for i in range(n):
        for j in range(i + 1, n):
            v = (m[i][j] + m[j][i]) / 2
            m[i][j] = m[j][i] = v
    return m


def textrank(sim: list[list[float]], d: float = 0.85, iterations: int = 200, tol: float = 1e-6) -> list[float]:
    """PageRank over a weighted similarity graph (power iteration on the row-normalised matrix)."""
    n = len(sim)
    if n == 0:
        return []
    m = np.asarray(sim, dtype=np.float64)
    out_w = m.sum(axis=1)
    # transition[j, i]: the share of node i's weight that goes to node j (nodes without edges give none)
    transition = np.divide(m, out_w[:, None], out=np.zeros_like(m), where=out_w[:, None] > 0).T
    r = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - d) / n + d * (transition @ r)
        delta = float(np.abs(new - r).sum())
        r = new
        if delta < tol:
            break
    return r.tolist()


def is_boilerplate(text: str) -> bool:
    """Template text the format mandates, or a political formula (坚持以…为指导)."""
    return (any(f in text for f in TEMPLATE_FRAGMENTS) or any(f in text for f in SUMMARY_BOILERPLATE_FRAGMENTS)
            or SUMMARY_FORMULA.search(text) is not None)


def number_density(text: str) -> float:
    """Numbers (with their unit) and named documents per 100 characters: a sentence-scoring
    feature, not the Hope–Hu–Lu specificity measure of ``nlp.comparison.measures.specificity``."""
    return 100.0 * len(_SPECIFIC.findall(text)) / max(1, len(text))


def is_prose_sentence(text: str) -> bool:
    """A sentence a summary may quote: at least 8 characters, mostly Chinese, with clause
    punctuation; not a table header (本年新收 上年结转 …) nor a unit note (（单位：件）)."""
    t = re.sub(r"\s", "", text)
    if len(t) < 8 or len(_CJK.findall(t)) / max(1, len(t)) < 0.5 or SUMMARY_UNIT_NOTE.match(t):
        return False
    if not re.search(r"[，,。；;！？!?]", t):
        return False  # header rows and label runs have no clause punctuation
    return not (TABLE_ROW_HEADINGS.search(t) and len(re.findall(r"[，。；]", t)) < 2)


def score_sentences(text: str, spans: list[tuple[int, int]], themes: list[str] | None = None,
                    sim: list[list[float]] | None = None) -> list[ScoredSentence]:
    """Score candidate sentences (spans into ``text``; ``sim``: their :func:`similarity_matrix` when
    already computed)."""
    texts = [text[a:b] for a, b in spans]
    if not texts:
        return []
    cent = textrank(sim if sim is not None else similarity_matrix(texts)) if len(texts) > 1 else [1.0]
    cmax = max(cent) or 1.0
    out = []
    for k, ((a, b), t, c) in enumerate(zip(spans, texts, cent)):
        spec = number_density(t)
        bp = is_boilerplate(t)
        theme = sum(1 for w in (themes or []) if w and w in t)
        s = c / cmax + 0.05 * min(spec, 6.0) + 0.15 * min(theme, 3) + (0.15 if k == 0 else 0.0) - (0.8 if bp else 0.0)
        out.append(ScoredSentence(a, b, s, c / cmax, spec, bp))
    return out


def extract(text: str, start: int = 0, end: int | None = None, max_chars: int = 200, mmr_lambda: float = 0.7,
            exclude: list[tuple[int, int]] | None = None, themes: list[str] | None = None,
            sentences: list[tuple[int, int]] | None = None, cues: Sequence[re.Pattern[str]] = (),
            max_sentences: int | None = None) -> list[tuple[int, int]]:
    """Choose whole-sentence spans of text[start:end] under ``max_chars`` (MMR); returned in text order.

    ``exclude``: regions (tables, the preamble) whose sentences are never chosen;
    ``sentences``: the parser's sentence spans, when available (else split here);
    ``cues``: patterns of which each gets its best-scoring matching sentence first, whatever
    the budget;
    ``max_sentences``: at most this many sentences.
    """
    end = len(text) if end is None else end
    cands = sentences if sentences is not None else sentence_spans(text, start, end)
    cands = [(a, b) for a, b in cands if start <= a and b <= end and is_prose_sentence(text[a:b])
             and not any(a < xe and xs < b for xs, xe in (exclude or []))]
    if not cands:
        return []
    sim = similarity_matrix([text[a:b] for a, b in cands])
    scored = score_sentences(text, cands, themes, sim)
    smax = max((max(r) for r in sim), default=0.0) or 1.0
    chosen: list[int] = []
    used = 0
    for cue in cues:
        hits = [i for i, s in enumerate(scored) if i not in chosen and not s.boilerplate
                and cue.search(text, s.start, s.end)]
        if hits:  # a cue's sentence is taken whatever the budget (the budget limits the rest)
            best = max(hits, key=lambda i: (scored[i].score, -i))
            chosen.append(best)
            used += scored[best].end - scored[best].start
    remaining = [i for i in range(len(scored)) if i not in chosen]
    # each candidate's redundancy: its largest similarity to a chosen sentence (kept up to date as
    # sentences are chosen, instead of recomputed for every candidate at every step)
    redundancy = [max((sim[i][j] / smax for j in chosen), default=0.0) for i in range(len(scored))]
    while remaining and used < max_chars and (max_sentences is None or len(chosen) < max_sentences):
        best = max(remaining, key=lambda i: (mmr_lambda * scored[i].score - (1 - mmr_lambda) * redundancy[i], -i))
        remaining.remove(best)
        length = scored[best].end - scored[best].start
        if scored[best].boilerplate and (chosen or any(not scored[i].boilerplate for i in remaining)):
            continue  # template text or a formula only when the unit has nothing else
        if used + length > max_chars and chosen:
            continue
        chosen.append(best)
        used += length
        for i in remaining:
            redundancy[i] = max(redundancy[i], sim[i][best] / smax)
    return sorted((scored[i].start, scored[i].end) for i in chosen)


# ------------------------------------------------------------------ headline baselines

def first_clause(body: str) -> str:
    """The first clause of a body (the simplest headline baseline the model must beat)."""
    for a, b in clause_spans(body):
        c = strip_punct(body[a:b])
        if c:
            return c
    return body.strip()[:30]


def lead_clause(body: str, min_len: int = 5) -> str:
    """The first informative clause: skips openers (a year, 今年来, 根据…), template text and
    political formulas (坚持以…为指导), and clauses under ``min_len``."""
    clauses = [strip_punct(body[a:b]) for a, b in clause_spans(body)]
    for c in clauses[:6]:
        if len(c) >= min_len and not SUMMARY_EMPTY_OPENER.match(c) and not is_boilerplate(c):
            return c
    return first_clause(body)


def lead_chars(body: str, n: int = 10) -> str:
    """The first ``n`` non-space characters (lead-N baseline)."""
    return "".join(c for c in body if not c.isspace())[:n]


def textrank_clause(body: str, limit: int = 12) -> str:
    """The most central clause of the body's first ``limit`` clauses (TextRank, BM25 bigram similarity)."""
    clauses = [strip_punct(body[a:b]) for a, b in clause_spans(body)]
    clauses = [c for c in clauses if len(c) >= 2][:limit]
    if not clauses:
        return body.strip()[:30]
    if len(clauses) == 1:
        return clauses[0]
    r = textrank(similarity_matrix(clauses))
    return clauses[max(range(len(r)), key=lambda i: (r[i], -i))]


def fit_headline(body: str, pick: Callable[[str], str] = lead_clause, limit: int = 30) -> str:
    """``pick(body)`` as a headline of at most ``limit`` characters: when the picked clause is
    longer, the first informative clause that fits; else the clause cut before ``limit`` and
    before an unclosed 《 or “ (never a half-open title)."""
    head = pick(body)
    if len(head) <= limit:
        return head
    for a, b in clause_spans(body):
        c = strip_punct(body[a:b])
        if 5 <= len(c) <= limit and not SUMMARY_EMPTY_OPENER.match(c) and not is_boilerplate(c):
            return c
    cut = head[:limit]
    for opener, closer in (("《", "》"), ("“", "”"), ("（", "）")):
        if cut.rfind(opener) > cut.rfind(closer):
            cut = cut[:cut.rfind(opener)]
    return strip_punct(cut) or head[:limit]
