"""Greedy headline decoding of the project's own artefact in plain torch, without ``transformers``.

The own generator is a small BART (post-layer-norm encoder and decoder, learned positions offset by
two, scaled and tied embeddings, a final logits bias). :class:`LeanBart` holds its weights from
``generator.safetensors`` and runs the same torch operations, in the same order and with the same
attention masks, as ``transformers``' BART with its SDPA attention does in evaluation mode, so the
logits and the headlines are the same in fp32 (``tests/test_summaries_lean.py`` compares them); the
processors of :func:`greedy_processors` are the repetition penalty, the no-repeat n-gram ban and the
forced end token that ``generate`` applies, written out here. What it saves is the ``transformers``
import (about two CPU-seconds for each process that generates headlines: analyze's fork server,
each Dask worker) and the library's per-call overhead at every decoder step.

At the bf16 precision the weights and the encoder compute in bfloat16 as there, but the decoder's
one-token attention runs in float32 over float32 keys and values: about a fifth less model time on
a CPU (bfloat16 attention of a single query is slow there) and headlines at least as close to the
fp32 ones (measured on 1,157 generated part bodies before the oneDNN products below: 1,133 equal fp32's,
against 1,132 for transformers' bf16; with them, 804 of an 816-unit sample of 200 generated reports).

On a CPU the linear layers run through oneDNN's matrix product (weights reordered once per process,
the FFN's activation fused; :func:`onednn_linear_works`) rather than torch's default call. In float32,
on a CPU whose BLAS takes a narrower vector path (MKL on AMD processors), that is about 2.4 times the
throughput, and the model's time falls by about a third. The products are the same float32 sums in
another order (they differ from the BLAS ones by float rounding, about 1e-6 of their size); the
headlines of the shared corpus's units equal transformers' (``tests/test_summaries_lean.py``). In
bfloat16 (torch's call is oneDNN's already, without packed weights) the model's time falls by about
a seventh. ``onednn=False`` keeps torch's call (bit for bit transformers' encoder states).

Used for greedy decoding of the own artefact (the analyze default); beam search, training and any
other checkpoint keep ``transformers``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

#: the configuration's activation functions the lean decoder reproduces (another: transformers decodes)
_ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu}

#: oneDNN's post-op (attribute, algorithm) for each activation: the same function computed with the product
_FUSED_ACTIVATIONS = {"gelu": ("gelu", "none"), "relu": ("relu", "")}
_NO_ACTIVATION = ("none", "")
#: the probe's answer per dtype (:func:`onednn_linear_works`)
_ONEDNN_WORKS: dict[torch.dtype, bool] = {}
#: how close the probe's products must come to ``F.linear``'s, per dtype (bfloat16 keeps 8 bits)
_PROBE_TOLERANCE = {torch.float32: 1e-4, torch.bfloat16: 5e-2}


def onednn_linear_works(dtype: torch.dtype = torch.float32) -> bool:
    """Whether this torch build runs linear layers of ``dtype`` (float32, bfloat16) through oneDNN on
    the CPU with packed weights (``torch.ops.mkldnn``), with and without a fused activation, checked
    once per process and dtype on a small product against ``F.linear``."""
    if dtype not in _ONEDNN_WORKS:
        ok = False
        tolerance = _PROBE_TOLERANCE.get(dtype)
        try:
            if tolerance is not None and torch.backends.mkldnn.is_available():
                gen = torch.Generator().manual_seed(0)
                x, w, b = (torch.randn(shape, generator=gen).to(dtype) for shape in ((3, 5, 16), (8, 16), (8,)))
                packed = torch.ops.mkldnn._reorder_linear_weight(w, None)
                ok = all(bool(torch.allclose(torch.ops.mkldnn._linear_pointwise(x, packed, b, attr, [], algorithm).float(),
                                             act(F.linear(x, w, b)).float(), rtol=tolerance, atol=tolerance))
                         for act, (attr, algorithm) in [(lambda y: y, _NO_ACTIVATION)]
                         + [(_ACTIVATIONS[name], fused) for name, fused in _FUSED_ACTIVATIONS.items()])
        except (AttributeError, RuntimeError, TypeError, ValueError):
            ok = False
        _ONEDNN_WORKS[dtype] = ok
    return _ONEDNN_WORKS[dtype]


class LeanBart:
    """Inference-only BART weights and the two computations greedy decoding needs:
    :meth:`encode` and :meth:`step` (one decoder token per row with a key/value cache)."""

    def __init__(self, config: dict, weights: dict[str, torch.Tensor], device: str = "cpu", onednn: bool = True):
        if config.get("model_type") != "bart" or not config.get("scale_embedding", False) \
                or config.get("activation_function") not in _ACTIVATIONS or config.get("add_bias_logits") \
                or config.get("normalize_before"):
            raise ValueError("not a BART configuration the lean decoder reproduces")
        self.d_model = int(config["d_model"])
        self.heads = int(config["encoder_attention_heads"])
        if int(config["decoder_attention_heads"]) != self.heads:
            raise ValueError("encoder and decoder head counts differ")
        self.head_dim = self.d_model // self.heads
        self.scaling = self.head_dim ** -0.5
        self.embed_scale = math.sqrt(self.d_model)
        self.activation = config["activation_function"]
        self.act = _ACTIVATIONS[self.activation]
        self.enc_layers = int(config["encoder_layers"])
        self.dec_layers = int(config["decoder_layers"])
        self.w = {k: v.to(device) for k, v in weights.items()}
        self.shared = self.w["model.shared.weight"]
        self.lm_bias = self.w.get("final_logits_bias")
        self.device = device
        #: float32 linear layers through oneDNN with packed weights (on a CPU whose torch build has it)
        self.onednn = onednn and str(device) == "cpu" and onednn_linear_works()
        self._packed: dict[str, torch.Tensor] = {}
        #: the token the configuration forces at the length limit (None: none)
        self.forced_end_id = config.get("forced_eos_token_id")

    @classmethod
    def load(cls, model_dir: Path, device: str = "cpu", config: dict | None = None, onednn: bool = True) -> "LeanBart":
        """The generator of an own artefact (``config.json`` + ``generator.safetensors``; ``config``:
        the configuration when the caller has read it already; ``onednn``: see the class)."""
        from safetensors.torch import load_file

        if config is None:
            config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        weights = {k: v.float() if v.is_floating_point() else v
                   for k, v in load_file(str(Path(model_dir) / "generator.safetensors")).items()}
        return cls(config, weights, device, onednn)

    def to(self, dtype: torch.dtype) -> "LeanBart":
        """The weights cast to ``dtype`` (bfloat16 for the bf16 precision)."""
        self.w = {k: v.to(dtype) if v.is_floating_point() else v for k, v in self.w.items()}
        self._packed = {}
        self.shared = self.w["model.shared.weight"]
        self.lm_bias = self.w.get("final_logits_bias")
        return self

    # ------------------------------------------------------------------ pieces
    def _linear(self, x: torch.Tensor, name: str, activate: bool = False) -> torch.Tensor:
        return self._project(x, name + ".weight", self.w.get(name + ".bias"), activate)

    def _project(self, x: torch.Tensor, weight: str, bias: torch.Tensor | None, activate: bool = False) -> torch.Tensor:
        """``x`` times the transposed weight ``weight`` plus ``bias`` (then the activation when
        ``activate``): through oneDNN with the weight packed on first use in this process and the
        activation fused (on a CPU, float32 or bfloat16 where the probe passes), else ``F.linear``."""
        w = self.w[weight]
        if not self.onednn or not onednn_linear_works(w.dtype):
            out = F.linear(x, w, bias)
            return self.act(out) if activate else out
        packed = self._packed.get(weight)
        if packed is None:
            packed = self._packed[weight] = torch.ops.mkldnn._reorder_linear_weight(w, None)
        attr, algorithm = _FUSED_ACTIVATIONS[self.activation] if activate else _NO_ACTIVATION
        return torch.ops.mkldnn._linear_pointwise(x, packed, bias, attr, [], algorithm)

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        w = self.w[name + ".weight"]
        return F.layer_norm(x, (w.shape[0],), w, self.w[name + ".bias"], 1e-5)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(*x.shape[:-1], -1, self.head_dim).transpose(1, 2)

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
                name: str) -> torch.Tensor:
        q_len, dtype = q.shape[2], q.dtype
        # the decoder's keys and values are kept in float32 (no-ops for fp32 weights): a one-token query
        # attends in float32, which on a CPU is faster than bfloat16 and closer to the fp32 headlines
        out = F.scaled_dot_product_attention(q.to(k.dtype), k, v, attn_mask=mask, dropout_p=0.0, scale=self.scaling,
                                             is_causal=False).to(dtype)
        out = out.reshape(out.shape[0], -1, q_len, v.shape[-1]).transpose(1, 2).contiguous()
        out = out.reshape(*out.shape[:2], -1).contiguous()
        return self._linear(out, name + ".out_proj")

    def _ffn(self, h: torch.Tensor, p: str) -> torch.Tensor:
        residual = h
        h = self._linear(h, p + ".fc1", activate=True)
        h = self._linear(h, p + ".fc2")
        return self._norm(residual + h, p + ".final_layer_norm")

    def _positions(self, start: int, length: int, part: str) -> torch.Tensor:
        ids = torch.arange(start, start + length, dtype=torch.long, device=self.device)
        return F.embedding(ids + 2, self.w[f"model.{part}.embed_positions.weight"])

    @staticmethod
    def padding_mask(attention_mask: torch.Tensor, q_len: int) -> torch.Tensor | None:
        """The boolean (batch, 1, q_len, keys) mask of a padded batch; None when nothing is padded."""
        if bool(attention_mask.all()):
            return None
        b, k = attention_mask.shape
        return attention_mask.bool()[:, None, None, :].expand(b, 1, q_len, k)

    # ------------------------------------------------------------------ the two computations
    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Encoder states (batch, length, d_model)."""
        x = F.embedding(input_ids, self.shared, 0) * self.embed_scale
        pos = self._positions(0, input_ids.shape[1], "encoder").expand(input_ids.shape[0], -1, -1)
        h = self._norm(x + pos, "model.encoder.layernorm_embedding")
        mask = self.padding_mask(attention_mask, input_ids.shape[1])
        for i in range(self.enc_layers):
            p = f"model.encoder.layers.{i}"
            a = p + ".self_attn"
            q, k, v = (self._split(self._linear(h, f"{a}.{n}_proj")) for n in ("q", "k", "v"))
            h = self._norm(h + self._attend(q, k, v, mask, a), p + ".self_attn_layer_norm")
            h = self._ffn(h, p)
        return h

    def cross_cache(self, hidden: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Each decoder layer's cross-attention keys and values of the encoder states (float32)."""
        out = []
        for i in range(self.dec_layers):
            a = f"model.decoder.layers.{i}.encoder_attn"
            out.append((self._split(self._linear(hidden, a + ".k_proj")).float(),
                        self._split(self._linear(hidden, a + ".v_proj")).float()))
        return out

    def step(self, tokens: torch.Tensor, position: int, self_cache: list[list[torch.Tensor]],
             cross: list[tuple[torch.Tensor, torch.Tensor]], cross_mask: torch.Tensor | None) -> torch.Tensor:
        """Logits (batch, vocab) of the next token after ``tokens`` (batch, 1) at ``position``;
        ``self_cache`` (per layer [keys, values] in float32, empty lists at the first step) is extended."""
        x = F.embedding(tokens, self.shared, 0) * self.embed_scale
        h = self._norm(x + self._positions(position, 1, "decoder")[None], "model.decoder.layernorm_embedding")
        for i in range(self.dec_layers):
            p = f"model.decoder.layers.{i}"
            a = p + ".self_attn"
            q = self._split(self._linear(h, a + ".q_proj"))
            k = self._split(self._linear(h, a + ".k_proj")).float()
            v = self._split(self._linear(h, a + ".v_proj")).float()
            cache = self_cache[i]
            if cache:
                cache[0], cache[1] = torch.cat([cache[0], k], dim=-2), torch.cat([cache[1], v], dim=-2)
            else:
                cache.extend([k, v])
            h = self._norm(h + self._attend(q, cache[0], cache[1], None, a), p + ".self_attn_layer_norm")
            c = p + ".encoder_attn"
            q = self._split(self._linear(h, c + ".q_proj"))
            h = self._norm(h + self._attend(q, cross[i][0], cross[i][1], cross_mask, c), p + ".encoder_attn_layer_norm")
            h = self._ffn(h, p)
        logits = self._project(h, "model.shared.weight", None)
        if self.lm_bias is not None:
            logits = logits + self.lm_bias
        return logits[:, -1, :]


# ---------------------------------------------------------------------- processors

def repetition_penalty(penalty: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Scores of tokens already in the row divided by ``penalty`` (multiplied when negative)."""
    def apply(seqs: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        seen = torch.gather(scores, 1, seqs)
        return scores.scatter(1, seqs, torch.where(seen < 0, seen * penalty, seen / penalty))
    return apply


def no_repeat_ngram(n: int) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Bans every token that would write an ``n``-gram the row has written already."""
    def apply(seqs: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        length = seqs.shape[-1]
        if length < n:
            return scores
        prefix = seqs[:, length + 1 - n:]
        windows = seqs.unfold(1, n, 1)
        hits = (windows[..., :-1] == prefix.unsqueeze(1)).all(dim=-1)
        vocab = scores.shape[-1]
        banned = scores.new_zeros((scores.shape[0], vocab + 1), dtype=torch.bool)
        banned.scatter_(1, torch.where(hits, windows[..., -1], vocab), True)
        return scores.masked_fill(banned[:, :vocab], -float("inf"))
    return apply


def forced_end(max_length: int, end_id: int) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Only the end token allowed when the row is one token short of ``max_length``."""
    def apply(seqs: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        if seqs.shape[-1] != max_length - 1:
            return scores
        out = torch.full_like(scores, -math.inf)
        out[:, end_id] = 0
        return out
    return apply


def greedy_processors(max_new_tokens: int, penalty: float, no_repeat: int, forced_end_id: int | None,
                      own: Sequence[Any]) -> list[Any]:
    """The processors ``generate`` applies for these settings, in its order, then ``own``
    (``forced_end_id``: the configuration's forced end token, None for none)."""
    procs: list[Any] = []
    if penalty != 1.0:
        procs.append(repetition_penalty(penalty))
    if no_repeat > 0:
        procs.append(no_repeat_ngram(no_repeat))
    if forced_end_id is not None:
        procs.append(forced_end(1 + max_new_tokens, forced_end_id))
    return procs + list(own)


def lean_greedy_decode(model: LeanBart, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                       processors: Sequence[Any], start_id: int, end_id: int, max_new_tokens: int) -> list[list[int]]:
    """Token ids per row (start token first, end token last unless the limit cut it), greedy, rows
    leaving the batch once they end (:func:`nlp.summaries.greedy.decode_leaving_rows`)."""
    from .greedy import decode_leaving_rows

    state: dict[str, Any] = {"mask": attention_mask, "self": [[] for _ in range(model.dec_layers)]}
    state["cross"] = model.cross_cache(model.encode(input_ids, attention_mask))
    state["cross_mask"] = LeanBart.padding_mask(attention_mask, 1)

    def step(seqs: torch.Tensor, k: int) -> torch.Tensor:
        return model.step(seqs[:, -1:], k, state["self"], state["cross"], state["cross_mask"])

    def drop(keep: torch.Tensor) -> None:
        state["mask"] = state["mask"][keep]
        state["cross"] = [(k.index_select(0, keep), v.index_select(0, keep)) for k, v in state["cross"]]
        state["self"] = [[t.index_select(0, keep) for t in layer] for layer in state["self"]]
        state["cross_mask"] = LeanBart.padding_mask(state["mask"], 1)

    return decode_leaving_rows(input_ids.shape[0], step, drop, processors, start_id, end_id, max_new_tokens,
                               input_ids.device)
