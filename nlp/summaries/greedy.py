"""Greedy decoding of the own headline model that drops a row from the batch once it has ended.

``transformers``' ``generate`` keeps every row of a batch until the longest headline ends, so a
batch of inputs (64 measured) spends about half its decoder work on rows that already wrote their end token.
:func:`greedy_decode` runs the same steps — the encoder once, then the decoder one token at a time
with its key/value cache, the logits processors ``generate`` applies in its order
(:func:`nlp.summaries.lean.greedy_processors`: repetition penalty, no-repeat n-grams, forced end token at
the length limit, then the project's own) and the arg-max — but selects the unfinished rows of the cache, the encoder states and the mask after
every step that ends a row. The headlines are the ones ``generate`` gives (``tests/test_summaries_batch.py``).

Used for the own model only, whose generation config holds nothing beyond start, end and pad tokens
(:func:`plain_generation_config`); beam search and other checkpoints go through ``generate``. The lean
decoder (:mod:`nlp.summaries.lean`) runs the same loop, :func:`decode_leaving_rows`.
Torch and transformers are imported inside the functions only.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

#: generation-config fields the loop reproduces (any other non-default field: use ``generate``)
HANDLED_FIELDS = frozenset({"bos_token_id", "decoder_start_token_id", "eos_token_id", "forced_eos_token_id",
                            "pad_token_id", "use_cache", "output_attentions", "output_hidden_states",
                            "transformers_version", "_from_model_config"})


def plain_generation_config(model) -> bool:
    """Whether ``model``'s generation config asks for nothing but start, end and pad tokens (and a
    forced end token), and this ``transformers`` has the encoder-decoder cache the loop selects rows of."""
    try:
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache  # noqa: F401
    except ImportError:
        return False
    if not hasattr(EncoderDecoderCache, "reorder_cache"):
        return False
    cfg = getattr(model, "generation_config", None)
    if cfg is None or not getattr(model.config, "is_encoder_decoder", False):
        return False
    return set(cfg.to_diff_dict()) <= HANDLED_FIELDS


def decode_leaving_rows(n: int, step: Callable[[Any, int], Any], drop: Callable[[Any], None], processors: Sequence[Any],
                        start_id: int, end_id: int, max_new_tokens: int, device: Any) -> list[list[int]]:
    """The greedy loop in which a row leaves the batch once it has ended: token ids per row (start
    token first, end token last unless the limit cut it).

    ``step(seqs, k)``: the next-token logits (rows, vocab) of the rows still decoding after their
    last token, the ``k``-th step; ``drop(keep)``: the decoder's state keeps only the rows ``keep``
    (a tensor of row numbers). ``processors``: applied in order; one with a ``rows`` attribute is
    told which input each remaining row decodes before every step."""
    import torch

    seqs = torch.full((n, 1), start_id, dtype=torch.long, device=device)
    rows = torch.arange(n)
    out: list[list[int]] = [[] for _ in range(n)]
    for k in range(max_new_tokens):
        scores = step(seqs, k).to(copy=True, dtype=torch.float32)
        source = rows.tolist()
        for p in processors:
            if hasattr(p, "rows"):
                p.rows = source
            scores = p(seqs, scores)
        seqs = torch.cat([seqs, torch.argmax(scores, dim=-1)[:, None]], dim=-1)
        ended = seqs[:, -1] == end_id
        if k == max_new_tokens - 1:
            ended[:] = True
        if not bool(ended.any()):
            continue
        for r in torch.nonzero(ended).flatten().tolist():
            out[source[r]] = seqs[r].tolist()
        keep = torch.nonzero(~ended).flatten()
        if keep.numel() == 0:
            break
        rows, seqs = rows[keep.cpu()], seqs[keep]
        drop(keep)
    return out


def greedy_decode(model, input_ids, attention_mask, processors, start_id: int, end_id: int,
                  max_new_tokens: int) -> list[list[int]]:
    """Token ids per row (start token first, end token last unless the limit cut it), greedy
    (:func:`decode_leaving_rows` over transformers' model and its encoder-decoder cache).

    ``processors``: as :func:`nlp.summaries.lean.greedy_processors` gives (the ones ``generate``
    applies, equal to transformers' own)."""
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    hidden = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    state = {"mask": attention_mask, "hidden": hidden, "cache": EncoderDecoderCache(DynamicCache(), DynamicCache())}
    cache_arg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"

    def step(seqs, k: int):
        return model(attention_mask=state["mask"], encoder_outputs=(state["hidden"],), decoder_input_ids=seqs[:, -1:],
                     use_cache=True, **{cache_arg: state["cache"]}).logits[:, -1, :]

    def drop(keep) -> None:
        state["mask"], state["hidden"] = state["mask"][keep], state["hidden"][keep]
        state["cache"].reorder_cache(keep)

    return decode_leaving_rows(input_ids.shape[0], step, drop, processors, start_id, end_id, max_new_tokens,
                               input_ids.device)
