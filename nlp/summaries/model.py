"""The project's own character-level encoder-decoder (BART architecture) and clause scorer.

Torch and transformers are imported inside functions only. Artefact layout
(``models/summarizer/``): ``config.json`` (BartConfig), ``generator.safetensors``,
``scorer.safetensors``, ``vocab.json``, ``card.json``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from nlp.errors import ModelLoadError

from .charvocab import SPECIALS, CharVocab
from .decoding import DEFAULT_BATCH_SIZE

#: model sizes: small (~5 M parameters, trains on 2 CPU cores) and base (for a GPU)
CONFIGS: dict[str, dict[str, int]] = {
    "small": {"d_model": 256, "encoder_layers": 2, "decoder_layers": 2, "heads": 4, "ffn": 1024},
    "base": {"d_model": 384, "encoder_layers": 3, "decoder_layers": 3, "heads": 6, "ffn": 1536},
    "tiny": {"d_model": 64, "encoder_layers": 1, "decoder_layers": 1, "heads": 2, "ffn": 128},  # tests only
}
#: input lengths (characters)
SRC_LEN, TGT_LEN, CLAUSE_LEN, MAX_CLAUSES, CONTEXT_LEN = 192, 32, 48, 12, 96


def bart_config(vocab_size: int, size: str = "small"):
    from transformers import BartConfig

    if size not in CONFIGS:
        raise ModelLoadError(f"unknown model config {size!r} (choose one of {', '.join(CONFIGS)})")
    c = CONFIGS[size]
    return BartConfig(
        vocab_size=vocab_size, d_model=c["d_model"], encoder_layers=c["encoder_layers"],
        decoder_layers=c["decoder_layers"], encoder_attention_heads=c["heads"], decoder_attention_heads=c["heads"],
        encoder_ffn_dim=c["ffn"], decoder_ffn_dim=c["ffn"], max_position_embeddings=SRC_LEN + 64,
        dropout=0.1, attention_dropout=0.0, activation_dropout=0.0, pad_token_id=0, bos_token_id=1,
        eos_token_id=2, decoder_start_token_id=1, forced_eos_token_id=2, scale_embedding=True,
        tie_word_embeddings=True,
    )


def new_generator(vocab_size: int, size: str = "small", seed: int = 0):
    import torch
    from transformers import BartForConditionalGeneration

    torch.manual_seed(seed)
    return BartForConditionalGeneration(bart_config(vocab_size, size))


def new_scorer(config, seed: int = 0):
    """A clause scorer: a BART encoder over one clause (with its position token), mean-pooled, linear head."""
    import torch
    from torch import nn
    from transformers.models.bart.modeling_bart import BartEncoder

    torch.manual_seed(seed)

    class ClauseScorer(nn.Module):
        def __init__(self, cfg):
            super().__init__()
            self.encoder = BartEncoder(cfg)
            self.head = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_model), nn.Tanh(), nn.Linear(cfg.d_model, 1))

        def forward(self, input_ids, attention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return ClauseScorer(config)


# ------------------------------------------------------------------ inputs

def full_input(vocab: CharVocab, body: str) -> list[int]:
    """Encoder input of the plain task: the body's first SRC_LEN characters."""
    return vocab.encode(body, SRC_LEN)


def compress_input(vocab: CharVocab, clause: str, position: int, body: str) -> list[int]:
    """Encoder input of the compress task: <p_k> clause <sep> body context."""
    ids = [vocab.position(position)] + vocab.encode(clause, CLAUSE_LEN, add_eos=False) + [vocab.id("<sep>")]
    return ids + vocab.encode(body, CONTEXT_LEN)


def scorer_input(vocab: CharVocab, clause: str, position: int) -> list[int]:
    return [vocab.position(position)] + vocab.encode(clause, CLAUSE_LEN)


def body_clauses(body: str, limit: int = MAX_CLAUSES) -> list[str]:
    """The first ``limit`` clauses of a body, without trailing punctuation (empties dropped)."""
    from nlp.sentences import split_clauses

    from .extractive import strip_punct

    out = []
    for a, b in split_clauses(body):
        c = strip_punct(body[a:b])
        if len(c) >= 2:
            out.append(c)
        if len(out) >= limit:
            break
    return out


def pad_batch(seqs: list[list[int]], pad: int = 0):
    import torch

    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), n), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids, mask


# ------------------------------------------------------------------ decoding

def copy_bias_processor(src_ids: list[list[int]], vocab_size: int, bias: float, n_special: int, num_beams: int):
    """Logits processor: forbid special tokens; add ``bias`` to characters of the source and
    ``bias`` again to a character that continues a source bigram after the last generated one.

    The per-source bias rows are built once; each step adds the bigram bonus for all rows in one
    indexed add (the same sums as row by row, without a device round trip per row)."""
    import torch

    succs = []
    base = torch.zeros((len(src_ids), vocab_size))
    for r, s in enumerate(src_ids):
        chars = sorted({i for i in s if i >= n_special})
        if chars:
            base[r, chars] += bias
        succ: dict[int, set[int]] = {}
        for a, b in zip(s, s[1:]):
            if b >= n_special:
                succ.setdefault(a, set()).add(b)
        succs.append({k: sorted(v) for k, v in succ.items()})

    class CopyBias:
        rows_bias = None
        #: the source each batch row decodes when rows leave the batch (:func:`greedy_decode`); None: r // num_beams
        rows: list[int] | None = None

        def __call__(self, input_ids, scores):
            scores[:, 3:n_special] = -float("inf")
            if bias == 0:
                return scores
            if self.rows is not None:
                source = self.rows
                bonus = base[source].to(device=scores.device, dtype=scores.dtype)
            else:
                if self.rows_bias is None:   # row r of the batch decodes source r // num_beams
                    self.rows_bias = base.to(device=scores.device, dtype=scores.dtype).repeat_interleave(num_beams, 0)
                source = [r // num_beams for r in range(len(scores))]
                bonus = self.rows_bias.clone()
            rows: list[int] = []
            cols: list[int] = []
            for r, last in enumerate(input_ids[:, -1].tolist()):
                nxt = succs[source[r]].get(last)
                if nxt:
                    rows.extend([r] * len(nxt))
                    cols.extend(nxt)
            if rows:
                index = (torch.tensor(rows, device=scores.device), torch.tensor(cols, device=scores.device))
                bonus.index_put_(index, torch.tensor(bias, dtype=scores.dtype, device=scores.device), accumulate=True)
            return scores + bonus

    return CopyBias()


def digit_ids(vocab: CharVocab) -> frozenset[int]:
    """Ids of the vocabulary's digit characters (numbers may repeat a digit)."""
    return frozenset(i for i, t in enumerate(vocab.tokens) if len(t) == 1 and t.isdigit())


def generate(model, vocab: CharVocab, inputs: list[list[int]], num_beams: int = 1, copy_bias: float = 0.0,
             max_new_tokens: int = TGT_LEN, batch_size: int = DEFAULT_BATCH_SIZE, no_stutter: bool = True) -> list[str]:
    """Decode headlines for encoded inputs (greedy or beam), optionally biased toward copying.

    ``model``: the transformers generator, or a :class:`~nlp.summaries.lean.LeanBart` (greedy only:
    the same headlines without ``transformers``). Equal inputs are decoded once; the rest
    ``batch_size`` at a time, longest first (little padding), on the model's device; greedy decoding
    drops a row from the batch once it has ended (:mod:`nlp.summaries.greedy`). ``no_stutter`` (the
    default) adds the repetition penalty and the stutter blocking of :mod:`nlp.summaries.decoding`;
    False decodes as the shipped model was evaluated (ablation only).
    """
    import torch

    from .decoding import NO_REPEAT_NGRAM, REPETITION_PENALTY, no_stutter_processor

    from .lean import greedy_processors, lean_greedy_decode

    lean = _is_lean(model)
    if lean:
        if num_beams != 1:
            raise ModelLoadError("the lean decoder is greedy only (num_beams=1)")
        rows_leave = True
        device = model.device
    else:
        from .greedy import greedy_decode, plain_generation_config

        model.eval()
        # greedy: rows leave the batch as they end (same headlines as generate, less decoder work)
        rows_leave = num_beams == 1 and plain_generation_config(model)
        device = next(model.parameters()).device
    digits = digit_ids(vocab)
    distinct: dict[tuple[int, ...], int] = {}
    for s in inputs:
        distinct.setdefault(tuple(s), len(distinct))
    unique = [list(s) for s in distinct]
    order = sorted(range(len(unique)), key=lambda i: (-len(unique[i]), i))
    decoded = [""] * len(unique)
    with torch.inference_mode():
        for k in range(0, len(order), batch_size):
            rows = order[k:k + batch_size]
            chunk = [unique[i] for i in rows]
            ids, mask = pad_batch(chunk)
            proc = [copy_bias_processor(chunk, len(vocab), copy_bias, len(SPECIALS), num_beams)]
            if no_stutter:
                proc.append(no_stutter_processor(chunk, num_beams, digits))
            if rows_leave:
                forced = model.forced_end_id if lean else model.generation_config.forced_eos_token_id
                procs = greedy_processors(max_new_tokens, REPETITION_PENALTY if no_stutter else 1.0, NO_REPEAT_NGRAM,
                                          forced, proc)
                decode = lean_greedy_decode if lean else greedy_decode
                for i, g in zip(rows, decode(model, ids.to(device), mask.to(device), procs, vocab.bos_id, vocab.eos_id,
                                             max_new_tokens)):
                    decoded[i] = vocab.decode(g[1:])
                continue
            from transformers import LogitsProcessorList

            gen = model.generate(input_ids=ids.to(device), attention_mask=mask.to(device), num_beams=num_beams,
                                 do_sample=False, max_new_tokens=max_new_tokens,
                                 logits_processor=LogitsProcessorList(proc),
                                 no_repeat_ngram_size=NO_REPEAT_NGRAM, early_stopping=num_beams > 1,
                                 repetition_penalty=REPETITION_PENALTY if no_stutter else 1.0,
                                 decoder_start_token_id=vocab.bos_id, eos_token_id=vocab.eos_id,
                                 pad_token_id=vocab.pad_id, bos_token_id=vocab.bos_id)
            for i, g in zip(rows, gen.tolist()):
                decoded[i] = vocab.decode(g[1:])
    return [decoded[distinct[tuple(s)]] for s in inputs]


def _is_lean(model) -> bool:
    from .lean import LeanBart

    return isinstance(model, LeanBart)


def score_clauses(scorer, vocab: CharVocab, clause_lists: list[list[str]]) -> list[list[float]]:
    """Scores of each clause of each body (higher = closer to the heading)."""
    import torch

    flat = [scorer_input(vocab, c, i) for cl in clause_lists for i, c in enumerate(cl)]
    if not flat:
        return [[] for _ in clause_lists]
    scorer.eval()
    device = next(scorer.parameters()).device
    vals: list[float] = []
    with torch.inference_mode():
        for k in range(0, len(flat), 256):
            ids, mask = pad_batch(flat[k:k + 256])
            vals.extend(scorer(ids.to(device), mask.to(device)).tolist())
    out, pos = [], 0
    for cl in clause_lists:
        out.append(vals[pos:pos + len(cl)])
        pos += len(cl)
    return out


# ------------------------------------------------------------------ artefact

#: headline variants of the model: body -> heading without / with copy bias, the scorer's clause,
#: extract-then-compress with / without copy bias
VARIANTS = ("plain", "copy", "extract", "extract_compress", "extract_compress_nocopy")


class HeadlineModel:
    """The shipped headline model: generator, clause scorer, vocabulary and card.

    ``lean``: the generator as a :class:`~nlp.summaries.lean.LeanBart`, which greedy headlines use;
    ``loader``: builds the transformers generator and clause scorer on first use (an inference load
    imports ``transformers`` only for beam search, the scorer's variants or the encoder)."""

    def __init__(self, generator: Any, scorer: Any, vocab: CharVocab, card: dict, path: Path, lean: Any = None,
                 loader: Callable[[], tuple[Any, Any]] | None = None, has_scorer: bool | None = None):
        self._generator, self._scorer = generator, scorer
        self.vocab, self.card, self.path, self.lean = vocab, card, path, lean
        self._loader = loader
        self._has_scorer = scorer is not None if has_scorer is None else has_scorer

    def _load(self) -> None:
        if self._loader is not None:
            loader, self._loader = self._loader, None
            self._generator, self._scorer = loader()

    @property
    def generator(self) -> Any:
        """The transformers generator (built on first use after an inference load)."""
        self._load()
        return self._generator

    @property
    def scorer(self) -> Any:
        """The clause scorer, None when the artefact has none."""
        if not self._has_scorer:
            return None
        self._load()
        return self._scorer

    def greedy_decoder(self) -> Any:
        """What greedy headlines are decoded with: the lean generator when loaded, else transformers'."""
        return self.lean if self.lean is not None else self.generator

    @property
    def default_variant(self) -> str:
        """The model variant the ablation chose (see card.json); when the ablation chose an
        extractive baseline, the best generated variant."""
        v = self.card.get("default_variant", "extract_compress")
        if v not in VARIANTS:
            v = self.card.get("best_abstractive_variant") or "extract_compress"
        if v.startswith("extract") and not self._has_scorer:  # a partial run (stopped before the scorer)
            v = "copy"
        return v

    @property
    def copy_bias(self) -> float:
        return float(self.card.get("copy_bias", 0.0))

    def headlines(self, bodies: list[str], variant: str | None = None, num_beams: int = 1,
                  no_stutter: bool = True, batch_size: int = DEFAULT_BATCH_SIZE) -> list[dict]:
        """Headline per body with a variant: 'plain', 'copy', 'extract', 'extract_compress' or
        'extract_compress_nocopy' (the same without the copy bias); ``no_stutter`` and
        ``batch_size``: see :func:`generate`."""
        variant = variant or self.default_variant
        if variant not in VARIANTS:
            raise ModelLoadError(f"{self.path}: unknown headline variant {variant!r}")
        clause_lists = [body_clauses(b) or [b[:CLAUSE_LEN]] for b in bodies]
        results: list[dict] = [{} for _ in bodies]
        if variant.startswith("extract"):
            if self.scorer is None:
                raise ModelLoadError(f"{self.path}: no clause scorer in this artefact")
            scores = score_clauses(self.scorer, self.vocab, clause_lists)
            best = [max(range(len(s)), key=lambda i: (s[i], -i)) if s else 0 for s in scores]
            for r, (cl, b) in enumerate(zip(clause_lists, best)):
                results[r] = {"clause": cl[b], "clause_index": b}
            if variant == "extract":
                for r in results:
                    r["headline"] = r["clause"][:30]
                return results
            inputs = [compress_input(self.vocab, r["clause"], r["clause_index"], body) for r, body in zip(results, bodies)]
        else:
            inputs = [full_input(self.vocab, b) for b in bodies]
        bias = self.copy_bias if variant in ("copy", "extract_compress") else 0.0

        decoder = self.greedy_decoder() if num_beams == 1 else self.generator
        for r, h in zip(results, generate(decoder, self.vocab, inputs, num_beams=num_beams, copy_bias=bias,
                                          no_stutter=no_stutter, batch_size=batch_size)):
            r["headline"] = h
        return results


def save_weights(module, path: Path, half: bool = True) -> None:
    """Save a module's state dict as safetensors (fp16 storage keeps the artefact small)."""
    from safetensors.torch import save_file

    sd = {}
    for k, v in module.state_dict().items():
        v = v.detach().contiguous()
        sd[k] = v.half() if (half and v.is_floating_point()) else v
    # tied weights appear twice: keep one copy
    if "lm_head.weight" in sd and "model.shared.weight" in sd:
        sd.pop("lm_head.weight")
    for k in [k for k in sd if k.endswith("embed_tokens.weight") and k.startswith("model.")]:
        sd.pop(k)
    save_file(sd, str(path))


def load_weights(module, path: Path) -> None:
    from safetensors.torch import load_file

    sd = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path)).items()}
    missing, unexpected = module.load_state_dict(sd, strict=False)
    bad = [m for m in missing if not (m.endswith("embed_tokens.weight") or m == "lm_head.weight")]
    if bad or unexpected:
        raise ModelLoadError(f"{path}: weights do not match the config (missing {bad[:3]}, unexpected {unexpected[:3]})")
    if hasattr(module, "tie_weights"):
        module.tie_weights()


def load_headline_model(model_dir: Path, device: str = "cpu", lean: bool = False,
                        precision_cast: Callable[[Any], Any] | None = None) -> HeadlineModel:
    """Load the project's own artefact from ``model_dir`` (offline) onto ``device``.

    ``lean``: greedy decoding with :class:`~nlp.summaries.lean.LeanBart` and the transformers
    generator and scorer built only when something asks for them (inference: no ``transformers``
    import for greedy headlines); ``precision_cast``: applied to each module built (the lean one included)."""
    import torch

    model_dir = Path(model_dir)
    for name in ("config.json", "vocab.json", "generator.safetensors"):
        if not (model_dir / name).is_file():
            raise ModelLoadError(f"{model_dir}: missing {name} (not a summarizer artefact; train one with "
                                 "`xxgk train summarizer`)")
    try:
        config_json = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{model_dir / 'config.json'}: {e}") from e
    vocab = CharVocab.load(model_dir / "vocab.json")
    if config_json.get("vocab_size") != len(vocab):
        raise ModelLoadError(f"{model_dir}: vocabulary has {len(vocab)} entries, config says {config_json.get('vocab_size')}")
    torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    card = {}
    if (model_dir / "card.json").is_file():
        card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
    cast = precision_cast or (lambda m: m)
    has_scorer = (model_dir / "scorer.safetensors").is_file()

    def transformers_modules() -> tuple[Any, Any]:
        from transformers import BartConfig, BartForConditionalGeneration

        try:
            config = BartConfig.from_json_file(str(model_dir / "config.json"))
        except (OSError, ValueError) as e:
            raise ModelLoadError(f"{model_dir / 'config.json'}: {e}") from e
        gen = BartForConditionalGeneration(config)
        load_weights(gen, model_dir / "generator.safetensors")
        gen = cast(gen.to(device).eval())
        scorer = None
        if has_scorer:
            scorer = new_scorer(config)
            load_weights(scorer, model_dir / "scorer.safetensors")
            scorer = cast(scorer.to(device).eval())
        return gen, scorer

    if not lean:
        gen, scorer = transformers_modules()
        return HeadlineModel(gen, scorer, vocab, card, model_dir)
    from .lean import LeanBart

    try:
        decoder = cast(LeanBart.load(model_dir, device, config_json))
    except ValueError:   # a configuration the lean decoder does not reproduce: transformers decodes
        decoder = None
    except (OSError, KeyError) as e:
        raise ModelLoadError(f"{model_dir / 'generator.safetensors'}: {e}") from e
    return HeadlineModel(None, None, vocab, card, model_dir, lean=decoder, loader=transformers_modules,
                         has_scorer=has_scorer)
