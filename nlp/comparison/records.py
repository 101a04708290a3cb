"""The records :func:`nlp.comparison.compare` returns: its configuration, passages, per-report
and pair measures, and the result that holds them all (offsets always index ``Report.text``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .similarity import SimilarPair

#: the declarative pair filters (passim's input contract): which pairs of reports may share a passage
PAIR_FILTERS = ("all", "cross-agency", "same-agency", "consecutive-years")


@dataclass
class CompareConfig:
    """Parameters of :func:`compare` (defaults follow the reference measures)."""

    ngram: int = 10                 #: floating character n-gram length (8–13 sensible)
    min_chars: int = 20             #: shortest reused passage: its characters outside template and formulas
    min_identity: float = 0.8       #: aligned characters ÷ longer span, for a passage
    max_gap: int = 10               #: unaligned characters bridged inside a passage
    max_shift: int = 10             #: insertion/deletion drift tolerated inside a passage
    template_bridge: int = 80       #: template/formula characters bridged inside a copied passage
    snap_reach: int = 240           #: farthest a passage end moves to reach a sentence bound
    template_df: float = 0.75       #: n-grams in ≥ this share of reports (with the reference) are template …
    template_min_docs: int = 8      #: … when at least this many reports (compared + reference) are counted
    boilerplate_low: float = 0.30   #: Lang & Stice-Lawrence: n-grams in ≥ 30% of reports …
    boilerplate_high: float = 0.75  #: … and < 75% (more common: too generic → template)
    boilerplate_min_docs: int = 10  #: fewer reports (compared + reference): boilerplate share is not defined
    boilerplate_ngram: int = 8      #: characters per boilerplate n-gram (≈ a word 4-gram)
    redundancy_ngram: int = 10      #: Cazier & Pfeiffer: 10-grams repeated inside a report
    num_perm: int = 128             #: MinHash permutations
    lsh_threshold: float = 0.5      #: MinHash LSH threshold for similar-report candidates
    near_identical: float = 0.8     #: exact shingle Jaccard for near-identical reports
    changed_a_lot: float = 0.6      #: 文字重复率 below this: "changed a lot" (peer tool)
    repeated_limit: float = 0.5     #: share repeated from last year above this: flagged (宿迁 rule)
    dense_matrix_max: int = 1000    #: largest set with a dense similarity matrix
    top_pairs: int = 50             #: most similar pairs listed
    pairs: str = "all"              #: which report pairs may share a passage (PAIR_FILTERS)
    seed: int = 1


# ------------------------------------------------------------------ result records

@dataclass
class PassageSpan:
    """Where a passage stands in one report: offsets into that report's ``text``."""

    report: str
    start: int
    end: int
    agency: str = ""
    year: int | None = None
    #: template and formula phrases inside the span: (start, end, reason), text offsets
    masked: list[tuple[int, int, str]] = field(default_factory=list)
    #: places, agencies or officials the span names that are not this report's agency's own
    foreign_names: list[str] = field(default_factory=list)


@dataclass
class Passage:
    """A cluster of the same passage across reports, or a template / formula passage."""

    id: str
    kind: str                # 'reuse', 'template' or 'formula'
    text: str                # the passage as printed in its first report
    chars: int               # content characters of that text
    n_reports: int
    n_agencies: int
    agencies: list[str]
    members: list[PassageSpan]
    identity: float = 1.0    # lowest identity of the aligned pairs that built it
    reason: str = ""         # template: why it is template
    scored_chars: int = 0    # reuse: content characters outside template and formula phrases
    flags: list[str] = field(default_factory=list)   # reuse: 'foreign_name'
    first_printed: str | None = None   # reuse: the report that printed it first (None: undetermined)
    direction: str = ""      # reuse: 'earlier_year', 'publication_date' or 'undetermined'

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReportMeasures:
    """Per-report measures (shares are of content characters, whitespace excluded)."""

    report: str
    source: str
    agency: str
    agency_group: str
    year: int | None
    chars: int
    template_chars: int
    template_share: float
    scored_chars: int                 # content characters outside template text (formulas included)
    reused_chars: int                 # scored characters inside reused passages (formulas excluded)
    reused_share: float
    reused_other_agency_share: float  # … of passages also found at another agency
    n_passages: int
    boilerplate_share: float | None   # Lang & Stice-Lawrence (None: too few reports and no reference)
    redundancy: float                 # Cazier & Pfeiffer
    specificity: float                # Hope, Hu & Lu: specific items per 100 characters
    formula_chars: int = 0            # political formulas (counted as boilerplate, never as reuse)
    near_identical_group: int | None = None
    theme_shares: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["theme_shares"] = ";".join(f"{k}={v:.3f}" for k, v in sorted(self.theme_shares.items()))
        return d


@dataclass
class PairMeasures:
    """Measures between two reports: year-over-year (same agency) or a similar pair."""

    kind: str                  # 'year_over_year' or 'similar'
    report_a: str              # earlier year for year_over_year
    report_b: str
    agency: str
    year_a: int | None
    year_b: int | None
    shingle_jaccard: float     # exact Jaccard of non-template n-gram sets
    stickiness: float | None = None        # share of b's n-grams found in a (Dyer et al.)
    cosine: float | None = None            # char-bigram TF cosine (Lazy Prices)
    modification: float | None = None      # 1 − cosine (Brown & Tucker)
    jaccard: float | None = None           # char-bigram sets (Lazy Prices)
    text_repeat_rate: float | None = None  # 文字重复率: Dice on the character LCS
    changed_a_lot: bool | None = None      # 文字重复率 < changed_a_lot
    edit_similarity: float | None = None   # 1 − Levenshtein ÷ longer (Lazy Prices edit)
    repeated_share: float | None = None    # share of b's scored characters aligned to a
    repeated_over_limit: bool | None = None  # repeated_share > repeated_limit (宿迁 rule)
    near_identical: bool = False
    part_similarity: dict[str, float] = field(default_factory=dict)   # 文字重复率 per part key
    theme_similarity: dict[str, float] = field(default_factory=dict)  # cosine per theme

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["part_similarity"] = ";".join(f"{k}={v:.3f}" for k, v in self.part_similarity.items())
        d["theme_similarity"] = ";".join(f"{k}={v:.3f}" for k, v in self.theme_similarity.items())
        return d


@dataclass
class CompareResult:
    """Everything :func:`compare` found; write it with :func:`nlp.comparison.output.write_outputs`."""

    config: CompareConfig
    report_ids: list[str]
    passages: list[Passage]
    reports: list[ReportMeasures]
    pairs: list[PairMeasures]
    similarity: np.ndarray | None            # dense matrix (report_ids order) or None
    similar_pairs: list[SimilarPair]          # LSH candidates with exact Jaccard
    near_identical_clusters: list[list[str]]
    notes: list[str] = field(default_factory=list)
    #: per report id: masked template and formula spans (text start, end, reason), excluded from reuse
    template_spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    #: the reference document frequencies pooled with the compared reports ('' when none)
    reference: str = ""
    #: per report id: extra fields of a JSON-lines input record, passed through untouched
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def reuse_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "reuse"]

    @property
    def template_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "template"]

    @property
    def formula_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "formula"]

    def report(self, report_id: str) -> ReportMeasures:
        for r in self.reports:
            if r.report == report_id:
                return r
        raise KeyError(report_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": asdict(self.config),
            "reference": self.reference,
            "report_ids": list(self.report_ids),
            "passages": [p.to_dict() for p in self.passages],
            "reports": [asdict(r) for r in self.reports],
            "pairs": [asdict(p) for p in self.pairs],
            "similar_pairs": [asdict(p) for p in self.similar_pairs],
            "near_identical_clusters": self.near_identical_clusters,
            "notes": list(self.notes),
        }
