"""Greedy decoding of the own headline model that drops a row from the batch once it has ended.

``transformers``' ``generate`` keeps every row of a batch until the longest headline ends, so a
batch of inputs (64 measured) spends about half its decoder work on rows that already wrote their end token.
:func:`greedy_decode` runs the same steps — the encoder once, then the decoder one token at a time
with its key/value cache, the same logits processors in the same order as ``generate`` builds them
(repetition penalty, no-repeat n-grams, forced end token at the length limit, then the project's own)
and the arg-max — but selects the unfinished rows of the cache, the encoder states and the mask after
every step that ends a row. The headlines are the ones ``generate`` gives (``tests/test_summaries_batch.py``).

Used for the own model only, whose generation config holds nothing beyond start, end and pad tokens
(:func:`plain_generation_config`); beam search and other checkpoints go through ``generate``.
Torch and transformers are imported inside the functions only.
"""
from __future__ import annotations

import inspect
from typing import Any, Sequence

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


def head_processors(model, max_new_tokens: int, repetition_penalty: float, no_repeat_ngram: int,
                    own: Sequence[Any]) -> Any:
    """The logits processors ``generate`` would apply for these settings, in its order, then ``own``."""
    from transformers import LogitsProcessorList
    from transformers.generation.logits_process import (ForcedEOSTokenLogitsProcessor, NoRepeatNGramLogitsProcessor,
                                                        RepetitionPenaltyLogitsProcessor)

    procs = LogitsProcessorList()
    if repetition_penalty != 1.0:
        procs.append(RepetitionPenaltyLogitsProcessor(penalty=repetition_penalty))
    if no_repeat_ngram > 0:
        procs.append(NoRepeatNGramLogitsProcessor(no_repeat_ngram))
    forced_eos = model.generation_config.forced_eos_token_id
    if forced_eos is not None:
        procs.append(ForcedEOSTokenLogitsProcessor(max_length=1 + max_new_tokens, eos_token_id=forced_eos))
    procs.extend(own)
    return procs


def greedy_decode(model, input_ids, attention_mask, processors, start_id: int, end_id: int,
                  max_new_tokens: int) -> list[list[int]]:
    """Token ids per row (start token first, end token last unless the limit cut it), greedy.

    ``processors``: as :func:`head_processors` gives; a processor with a ``rows`` attribute is told
    which input each remaining batch row decodes before every step."""
    import torch
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    n = input_ids.shape[0]
    hidden = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    mask = attention_mask
    cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
    cache_arg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    seqs = torch.full((n, 1), start_id, dtype=torch.long, device=input_ids.device)
    rows = torch.arange(n)
    out: list[list[int]] = [[] for _ in range(n)]
    for step in range(max_new_tokens):
        logits = model(attention_mask=mask, encoder_outputs=(hidden,), decoder_input_ids=seqs[:, -1:],
                       use_cache=True, **{cache_arg: cache}).logits
        scores = logits[:, -1, :].to(copy=True, dtype=torch.float32)
        source = rows.tolist()
        for p in processors:
            if hasattr(p, "rows"):
                p.rows = source
        scores = processors(seqs, scores)
        seqs = torch.cat([seqs, torch.argmax(scores, dim=-1)[:, None]], dim=-1)
        ended = seqs[:, -1] == end_id
        if step == max_new_tokens - 1:
            ended[:] = True
        if not bool(ended.any()):
            continue
        for k in torch.nonzero(ended).flatten().tolist():
            out[source[k]] = seqs[k].tolist()
        keep = torch.nonzero(~ended).flatten()
        if keep.numel() == 0:
            break
        rows, seqs, mask, hidden = rows[keep.cpu()], seqs[keep], mask[keep], hidden[keep]
        cache.reorder_cache(keep)
    return out
