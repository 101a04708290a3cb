"""Theme-labelled items mined from general official prose (the pre-training documents), and its
disclosure paragraphs as unlabelled text for self-training.

Policy documents and government work reports enumerate measures the way the annual reports
do (一是加强培训…, a line （三）保障措施 over its paragraphs). :func:`prose_items` reads such
items from plain text and labels each by its opening phrase with the same rules as the
reports' items (``taxonomy.theme_for_opener``); :func:`mined_items` keeps those whose body's
keyword-dictionary theme agrees with the phrase's (the taxonomy covers them, not only the
phrase), from the JSON-lines files of a pre-training folder.

:func:`prose_paragraphs` gives the paragraphs of those documents that speak of disclosure
(``nlp.format.DISCLOSURE_WORDS``), unlabelled, for the estimator's self-training round.

Training data for an ablation only: the cross-validation (``benchmarks/themes.py --loao
--pretrain``) measures what they add; the shipped model does not use them (see its card).

:func:`tense_sentences` is what the shipped model does use: the sentences of the government work
reports among those documents, labelled by the top-level part they stand in — the review of the
year past (done) or the tasks of the year ahead (plan) — for the plan gate of ``improvements``
(``nlp.themes.plan``).
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import XxgkError
from .baseline import KeywordBaseline
from .. import format as V
from .labels import ITEM_OPENER, MIN_BODY_CHARS, UNLABELLED_SOURCE, LabelledText, enumerated_items, is_narrative
from .shares import nonspace_chars
from .taxonomy import theme_for_opener

#: source of a mined item (never evaluated; a group of its own per document in the CV)
MINED_SOURCE = "mined"
#: an item's body is cut to this many characters (a section's worth; documents run long)
MAX_ITEM_CHARS = 400
#: at most this many following lines make the body of an opener that stands alone on its line
MAX_BODY_LINES = 6
#: an item must say this much beyond its opening phrase (enumerated conditions of statutes —
#: （三）未参加岗位培训的； — are a phrase and nothing more)
MIN_ELABORATION_CHARS = 20


def prose_items(text: str) -> Iterator[tuple[str, str]]:
    """(opening phrase, item text) of every enumerated item of ``text``, in order.

    An item runs from its opener to the next opener or the end of its line; an opener alone
    on its line (a heading: （三）保障措施) takes the following lines up to the next line that
    starts with an opener (at most :data:`MAX_BODY_LINES`)."""
    lines = [ln.strip() for ln in text.split("\n")]
    for k, line in enumerate(lines):
        found = enumerated_items(line)
        for it in found:
            if not it.titled:
                continue
            item, phrase = it.item, it.phrase
            if len(found) == 1 and it.match.start() == 0 and item == phrase:
                body: list[str] = []
                for nxt in lines[k + 1:k + 1 + MAX_BODY_LINES]:
                    if ITEM_OPENER.match(nxt):
                        break
                    body.append(nxt)
                item = phrase + "。" + "".join(body)
            yield phrase, item


def label_items(items: Iterable[tuple[str, str]], agree: bool = True) -> Iterator[tuple[str, str, str]]:
    """(theme, phrase, body) of the items whose phrase names a theme (not a statute's condition ending in
    的) and whose narrative body says at least :data:`MIN_ELABORATION_CHARS` beyond the phrase; ``agree``:
    only those whose body's top keyword theme is the phrase's."""
    keywords = KeywordBaseline()
    for phrase, item in items:
        theme = theme_for_opener(phrase, "")
        body = item[:MAX_ITEM_CHARS]
        if theme is None or phrase.endswith("的") or not is_narrative(body) \
                or nonspace_chars(body) - nonspace_chars(phrase) < max(MIN_BODY_CHARS, MIN_ELABORATION_CHARS):
            continue
        if agree:
            scores = keywords.scores(body)
            best = max(scores.values())
            if best <= 0 or scores[theme] < best:
                continue
        yield theme, phrase, body


def read_documents(folder: Path | str) -> Iterator[tuple[str, str]]:
    """(document key, text) of every record of the ``*.jsonl.gz`` files in ``folder`` (sorted)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise XxgkError(f"{folder}: no .jsonl.gz documents to mine")
    for f in files:
        try:
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                for n, line in enumerate(fh):
                    record = json.loads(line)
                    text = record.get("text") if isinstance(record, dict) else None
                    if isinstance(text, str):
                        yield f"{f.name}:{record.get('id', n)}", text
        except (OSError, EOFError, json.JSONDecodeError) as exc:
            raise XxgkError(f"{f}: cannot read documents ({exc})") from exc


#: a top-level part heading of a government work report (一、2024年工作回顾) on its own line
PART_HEADING = re.compile(r"(?m)^[ \t\u3000]*[一二三四五六七八九十]+、([^\n]{2,40})$")
#: a part that reviews the year (or years) past: its sentences tell work done
REVIEW_PART = re.compile(r"回顾|成就")
#: a part that sets the year's tasks, targets or proposals: its sentences tell plans
PLAN_PART = re.compile(r"部署|要求|任务|重点工作|工作安排|建议|目标")
#: the sentences kept for the plan model are this long (non-space characters)
TENSE_SENTENCE_CHARS = (8, 200)


def tense_sentences(folder: Path | str) -> tuple[list[str], list[int], list[str]]:
    """(sentences, labels, document keys) of the documents in ``folder`` that have both a review part
    and a plan part (government work reports): every sentence of a plan part is 1, of a review part
    0 (other parts are left out); a sentence under both keeps the label it has most often (ties: 0).
    Sorted by sentence, so the result does not depend on the files' order."""
    from .plan import majority_labels, plan_sentences

    pairs: list[tuple[str, int]] = []
    used: list[str] = []
    lo, hi = TENSE_SENTENCE_CHARS
    for key, text in read_documents(folder):
        heads = list(PART_HEADING.finditer(text))
        labelled = []
        for i, m in enumerate(heads):
            title = m.group(1)
            label = 1 if PLAN_PART.search(title) else 0 if REVIEW_PART.search(title) else None
            if label is not None:
                labelled.append((label, text[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)]))
        if {label for label, _ in labelled} != {0, 1}:
            continue
        used.append(key)
        pairs += [(s, label) for label, body in labelled for s in plan_sentences(body) if lo <= nonspace_chars(s) <= hi]
    sentences, labels = majority_labels(pairs)
    return sentences, labels, used


def mined_items(folder: Path | str, themes: Sequence[str] | None = None, agree: bool = True) -> list[LabelledText]:
    """Labelled items of the documents in ``folder`` (see the module docstring), restricted to
    ``themes`` when given; each document is its own group (``agency``)."""
    out: list[LabelledText] = []
    for key, text in read_documents(folder):
        group = f"pretrain:{key}"
        for theme, phrase, body in label_items(prose_items(text), agree):
            if themes is None or theme in themes:
                out.append(LabelledText(group, theme, body, 0, len(body), "item", MINED_SOURCE,
                                        heading=phrase, agency=group))
    return out


def prose_paragraphs(folder: Path | str, pattern: re.Pattern[str] = V.DISCLOSURE_WORDS) -> list[LabelledText]:
    """Narrative lines (paragraphs) of the documents in ``folder`` matching ``pattern``, unlabelled
    (theme ``""``), cut to :data:`MAX_ITEM_CHARS`; each document is its own group."""
    out: list[LabelledText] = []
    for key, text in read_documents(folder):
        group = f"pretrain:{key}"
        for line in text.split("\n"):
            body = line.strip()[:MAX_ITEM_CHARS]
            if nonspace_chars(body) >= MIN_BODY_CHARS and pattern.search(body) and is_narrative(body):
                out.append(LabelledText(group, "", body, 0, len(body), "paragraph", UNLABELLED_SOURCE, agency=group))
    return out
