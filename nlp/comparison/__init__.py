"""Compare reports across agencies and years: reused passages, template text, boilerplate,
year-over-year change.

``compare(reports, ...)`` → :class:`CompareResult` with

- ``passages``: clusters of the same passage across reports (kind ``reuse``), snapped to
  sentence bounds, each with its members' offsets into ``Report.text``, the template and
  formula phrases inside them, foreign names (``foreign_name``), which report printed it
  first, the text and the number of distinct agencies; and the masked template passages
  (kind ``template``) and political formulas (kind ``formula``);
- ``reports``: per-report measures — template share, reused share, boilerplate share
  (Lang & Stice-Lawrence 2015: characters of sentences holding ≥ 1 n-gram found in 30–75%
  of the reports ÷ scored characters), redundancy (Cazier & Pfeiffer: share of 10-gram
  windows whose 10-gram occurs more than once in the report), specificity (Hope, Hu & Lu
  2016: numbers, dates, named bodies and named documents per 100 characters), theme shares;
- ``pairs``: year-over-year measures for the same agency (stickiness, cosine, modification,
  Jaccard, 文字重复率 = Dice on the character LCS, edit similarity, share repeated from last
  year and the > 50% flag, per part and per theme) and the most similar pairs;
- ``similarity``: the similarity matrix; ``near_identical_clusters``.

Adaptations to Chinese: n-grams are floating character n-grams of the content stream
(whitespace removed, NFKC-folded); "words" for cosine/Jaccard are character bigrams;
shares are of content characters. Every score excludes template text; reuse also excludes
political formulas. Template is decided by evidence (the format's vocabulary, or n-grams most
documents print — the compared reports pooled with a shipped reference table), never by position.
``pair_engine=LocalPairs(workers=N)`` aligns the reports on N processes (same result).
"""
from .candidates import LocalPairs
from .core import compare
from .records import CompareConfig, CompareResult, PairMeasures, Passage, PassageSpan, ReportMeasures
from .reference import ReferenceTable, load_reference

__all__ = ["compare", "CompareConfig", "CompareResult", "Passage", "PassageSpan", "PairMeasures", "ReportMeasures",
           "ReferenceTable", "load_reference", "LocalPairs"]
