"""The guard on generated headlines: it checks the language as well as the numbers.

A generated headline passes only when

- ``numbers``: every number, date, percentage and quoted name occurs in the source;
- ``content_tokens``: every content word (jieba with the domain dictionary, stopwords and
  numbers aside) occurs in the source or in the headings vocabulary the model was trained on;
- ``char_run``: no character (digits aside) occurs three times in a row (``分分分``);
- ``doubled_unit``: no unit of 2–4 Chinese characters is doubled (``便民便民``, ``政府政府``);
- ``doubled_char``: a character written twice (``便民便便民``) only where the source has that pair;
- ``template_phrases``: a phrase of the format's standard headings (主要问题, 改进情况) only where the
  source has it (a model trained on headings writes them into unrelated headlines).

``GuardResult.checked`` names the checks that ran and ``items`` what they looked at;
``passed`` is True only when something was checked and nothing failed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from nlp.format import SUMMARY_TEMPLATE_PHRASES

#: numbers (with decimals/thousands separators), optionally percentages or date units
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|％|‰|年|月|日|号)?")
#: Chinese numerals of two or more characters (三十五, 一百二十) and with a unit (两年)
_CN_NUMBER = re.compile(r"[零一二三四五六七八九十百千万亿两]{2,}(?=[个件次条项年月日名家所万亿%])|[零一二三四五六七八九十百千万亿两]{3,}")
#: quoted names: 《…》, “…”, "…", 「…」
_QUOTED = re.compile(r"《[^《》]{1,40}》|“[^“”]{1,40}”|\"[^\"]{1,40}\"|「[^「」]{1,40}」")
#: a character (not a digit) three times in a row
CHAR_RUN = re.compile(r"([^\d\s])\1\1")
#: a unit of 2–4 Chinese characters written twice in a row
DOUBLED_UNIT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
#: a Chinese character written twice (常常 is fine when the source has it: checked against the source)
DOUBLED_CHAR = re.compile(r"([\u4e00-\u9fff])\1")

CHECKS = ("numbers", "content_tokens", "char_run", "doubled_unit", "doubled_char", "template_phrases")


@dataclass
class GuardResult:
    """The guard's verdict: ``checked`` (check names), ``items`` (what they looked at) and
    ``unsupported`` (the items that failed, e.g. ``'987条'``, ``'token:规范化政'``, ``'run:府府府'``)."""

    passed: bool
    checked: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checked": self.checked, "items": self.items, "unsupported": self.unsupported}


def normalize(text: str) -> str:
    """NFKC (full-width digits/percent to ASCII) without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def checkable_items(text: str) -> list[str]:
    """Numbers, dates, percentages and quoted names in ``text`` (normalized), in order."""
    t = normalize(text)
    items = [m.group(0) for m in _QUOTED.finditer(t)]
    rest = _QUOTED.sub(" ", t)
    items += [m.group(0) for m in _NUMBER.finditer(rest)]
    items += [m.group(0) for m in _CN_NUMBER.finditer(rest)]
    return items


def _whole_number_in(num: str, src: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(num)}(?![\d])", src) is not None


def _supported(item: str, src: str) -> bool:
    num = re.match(r"\d+(?:[.,]\d+)*", item)
    if num:
        unit = item[num.end():]
        if not _whole_number_in(num.group(0), src):
            return False
        # a date unit must follow the number in the source too (2019年 vs a bare 2019 is fine)
        return not unit or unit in ("年", "月", "日", "号") or (num.group(0) + unit) in src
    if item in src:
        return True
    # a quoted name may be quoted differently in the source: accept the bare name
    bare = item.strip("《》“”\"「」")
    return bool(bare) and bare in src


def stutter(text: str, source: str = "") -> str | None:
    """The first stutter in ``text``: a character three times in a row, a doubled 2–4
    character unit, or a doubled character that ``source`` does not have; None when clean."""
    m = CHAR_RUN.search(text) or DOUBLED_UNIT.search(text)
    if m:
        return m.group(0)
    src = normalize(source)
    return next((d.group(0) for d in DOUBLED_CHAR.finditer(text) if d.group(0) not in src), None)


def content_tokens(text: str) -> list[str]:
    """Content words of ``text`` (jieba with the domain dictionary; stopwords, punctuation and
    numbers left out), in order."""
    from nlp.segmentation import get_tokenizer

    tok = get_tokenizer()
    return [w for w in tok.cut(text) if tok.is_content_word(w) and not re.search(r"\d", w)]


def check_numbers(generated: str, source: str) -> GuardResult:
    """Only the numbers check: every number, date, percentage and quoted name of
    ``generated`` occurs in ``source``."""
    src = normalize(source)
    items = checkable_items(generated)
    missing = [it for it in items if not _supported(it, src)]
    return GuardResult(bool(items) and not missing, ["numbers"] if items else [], items, missing)


def check_faithful(generated: str, source: str, vocabulary: Iterable[str] | frozenset[str] = frozenset()) -> GuardResult:
    """Run every check of the guard on ``generated`` against ``source``; ``vocabulary`` is the
    headings vocabulary of the model (content words a headline may use without the source)."""
    gen = normalize(generated)
    if not gen:
        return GuardResult(False, [], [], ["empty"])
    src = normalize(source)
    vocab = vocabulary if isinstance(vocabulary, (set, frozenset)) else frozenset(vocabulary)
    items: list[str] = []
    missing: list[str] = []
    numbers = checkable_items(gen)
    items += numbers
    missing += [it for it in numbers if not _supported(it, src)]
    tokens = content_tokens(gen)
    items += ["token:" + t for t in tokens]
    missing += ["token:" + t for t in tokens if t not in src and t not in vocab]
    for name, pattern in (("run", CHAR_RUN), ("doubled", DOUBLED_UNIT)):
        missing += [f"{name}:{m.group(0)}" for m in pattern.finditer(gen)]
    missing += [f"doubled:{m.group(0)}" for m in DOUBLED_CHAR.finditer(gen)
                if m.group(0) not in src and not CHAR_RUN.search(gen, m.start(), m.end() + 1)]
    missing += ["template:" + p for p in SUMMARY_TEMPLATE_PHRASES if p in gen and p not in src]
    return GuardResult(not missing, list(CHECKS), items, missing)


def headings_vocabulary(headings: Iterable[str]) -> list[str]:
    """The content words of training headings (sorted): what a generated headline may say
    beyond its source."""
    words: set[str] = set()
    for h in headings:
        words.update(content_tokens(normalize(h)))
    return sorted(words)
