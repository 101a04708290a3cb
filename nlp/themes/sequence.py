"""Sequence decoding of a part's sections (structure, not headings).

Part 一 (总体情况) of the 2019 and 2021 layouts presents its themed sections in the
template order ``nlp.format.OVERVIEW_THEME_ORDER`` (宣传培训 → 主动公开 → 依申请公开 →
政府信息管理 → 平台建设 → 监督保障), leaving some out and rarely repeating one. The
decoder picks, by Viterbi, the label sequence over a part's top-level headed sections
(in text order) that maximizes the sum of log-probabilities minus
:data:`ORDER_PENALTY` for every step whose theme does not come strictly later in the
template than the one before (a repeat or a step back). Themes outside the template
(other, problems, improvements) are never penalized. Only the order of the sections
is used, never their heading text.

The penalty is fixed, not fitted; the agency cross-validation (``nlp.themes.evaluate``)
reports the predictor with and without it.
"""
from __future__ import annotations

from typing import Sequence

from .. import format as V

#: log-probability cost of a step against the template order (a repeat counts):
#: such a step must be about e² ≈ 7 times likelier on content to be kept
ORDER_PENALTY = 2.0
#: the parts whose sections follow the template (by nlp.format part key)
ORDERED_PARTS: tuple[str, ...] = ("overview",)


def is_ordered(part_key: str, era: str) -> bool:
    """Whether the sections of this part of a report of this era follow the template order."""
    return part_key in ORDERED_PARTS and era in V.OVERVIEW_ORDER_ERAS


def decode_order(probs, classes: Sequence[str], penalty: float = ORDER_PENALTY) -> list[int]:
    """Column index (into ``classes``) of each row of ``probs`` (sections in text order) on the best path."""
    import numpy as np

    n = len(probs)
    if n == 0:
        return []
    probs = np.asarray(probs, dtype=float)
    if n == 1 or penalty <= 0:
        return [int(i) for i in probs.argmax(axis=1)]
    rank = {t: i for i, t in enumerate(V.OVERVIEW_THEME_ORDER)}
    k = len(classes)
    trans = np.zeros((k, k))
    for a, ca in enumerate(classes):
        for b, cb in enumerate(classes):
            if ca in rank and cb in rank and rank[cb] <= rank[ca]:
                trans[a, b] = -penalty
    logp = np.log(np.clip(probs, 1e-9, None))
    score = logp[0].copy()
    back = []
    for t in range(1, n):
        cand = score[:, None] + trans
        back.append(cand.argmax(axis=0))
        score = cand.max(axis=0) + logp[t]
    state = int(score.argmax())
    path = [state]
    for pointers in reversed(back):
        state = int(pointers[state])
        path.append(state)
    return path[::-1]


def decode_sections(probs, classes: Sequence[str], parts: Sequence[str], eras: Sequence[str],
                    positions: Sequence[int], penalty: float = ORDER_PENALTY) -> list[str]:
    """Theme of each row of ``probs`` (sections of one report): the argmax, except that the
    top-level headed sections (``positions[i] >= 0``) of an ordered part (:func:`is_ordered`)
    are decoded together in position order by :func:`decode_order`."""
    import numpy as np

    probs = np.asarray(probs, dtype=float)
    labels = [classes[int(i)] for i in probs.argmax(axis=1)] if len(probs) else []
    groups: dict[str, list[int]] = {}
    for i, (part, era, pos) in enumerate(zip(parts, eras, positions)):
        if pos >= 0 and is_ordered(part, era):
            groups.setdefault(part, []).append(i)
    for rows in groups.values():
        rows = sorted(rows, key=lambda i: positions[i])
        for i, j in zip(rows, decode_order(probs[rows], classes, penalty)):
            labels[i] = classes[j]
    return labels
