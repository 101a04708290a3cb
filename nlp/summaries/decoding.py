"""Decoding that cannot stutter: a logits processor used in greedy and beam search by the
project's own model and by any Hugging Face checkpoint (``--model``).

At each step it forbids the tokens that would make

- a token three times in a row (``分分分``),
- a unit of 2–4 tokens written twice in a row (``便民便民``),
- a token written twice in a row that the row's source does not write twice (``便便``),

digits aside (``2020``, ``1000`` are numbers, not stutter). The generator's own
repetition penalty and no-repeat n-gram blocking run beside it (see ``GENERATION``).
Torch and transformers are imported inside the functions only.
"""
from __future__ import annotations

from typing import Iterable, Sequence

#: generation settings shared by the own model and HF checkpoints
REPETITION_PENALTY = 1.2
NO_REPEAT_NGRAM = 3
#: model inputs decoded together (sorted by length); 1 decodes one input at a time
DEFAULT_BATCH_SIZE = 32


def banned_next(seq: Sequence[int], allowed_pairs: frozenset[int] | set[int] = frozenset(),
                exempt: frozenset[int] | set[int] = frozenset(), max_unit: int = 4) -> set[int]:
    """Token ids that must not follow ``seq``; ``allowed_pairs``: tokens the source writes
    twice in a row; ``exempt``: tokens never banned (digits)."""
    out: set[int] = set()
    n = len(seq)
    if n >= 1 and seq[-1] not in exempt:
        if (n >= 2 and seq[-2] == seq[-1]) or seq[-1] not in allowed_pairs:
            out.add(seq[-1])
    for unit in range(2, max_unit + 1):
        # appending t doubles the last unit when seq[-(2u-1):] == seq[-(2u-1):-u] + [..] and t == seq[-u]
        if n >= 2 * unit - 1 and list(seq[n - unit + 1:]) == list(seq[n - 2 * unit + 1:n - unit]):
            t = seq[n - unit]
            if t not in exempt:
                out.add(t)
    return out


def no_stutter_processor(sources: Sequence[Iterable[int]], num_beams: int, exempt: Iterable[int] = (),
                         skip: int = 1):
    """A logits processor (``(input_ids, scores) -> scores``, as transformers' ``LogitsProcessor``)
    applying :func:`banned_next` to every row
    (``sources``: the encoder ids per input, for the pairs the source itself doubles;
    ``skip``: leading decoder tokens (the start token) that are not text)."""
    pairs = []
    for s in sources:
        s = list(s)
        pairs.append(frozenset(a for a, b in zip(s, s[1:]) if a == b))
    exempt_set = frozenset(exempt)

    class NoStutter:
        #: the source each batch row decodes when rows leave the batch; None: row r decodes r // num_beams
        rows: list[int] | None = None

        def __call__(self, input_ids, scores):
            rows: list[int] = []
            cols: list[int] = []
            source = self.rows
            for r, seq in enumerate(input_ids[:, skip:].tolist()):   # one copy off the device per step
                ban = sorted(banned_next(seq, pairs[source[r] if source is not None else r // num_beams], exempt_set))
                rows.extend([r] * len(ban))
                cols.extend(ban)
            if rows:
                scores[rows, cols] = -float("inf")
            return scores

    return NoStutter()
