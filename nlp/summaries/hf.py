"""Loading headline models: the project's own artefact or any local Hugging Face seq2seq
checkpoint (:class:`HFHeadliner`), cached per folder; the model card without torch."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nlp.errors import ModelLoadError, XxgkError
from nlp.resources import model_dir as shipped_model_dir

from .decoding import DEFAULT_BATCH_SIZE

DEFAULT_MODEL_DIR = shipped_model_dir("summarizer")
#: how outputs name the shipped headline model: where it sits in the project, not on this machine's
#: disk (an absolute install path would make the same analysis differ from machine to machine)
SHIPPED_MODEL_NAME = "models/summarizer"
#: the headings vocabulary file of an artefact (content words of the training headings)
HEADINGS_FILE = "headings.json"
#: where headlines are generated: 'auto' is CUDA when torch sees a GPU, else the CPU
DEVICES = ("cpu", "cuda", "auto")
#: the number format the headline model computes in: 'fp32' (the weights as trained; the default, the
#: same headlines on every machine) or 'bf16' (bfloat16 weights and encoder, the decoder's one-token
#: attention in float32 (:mod:`.lean`): about half the model time of fp32 on a CPU with bfloat16 units,
#: e.g. AVX512-BF16 or AMX, and on recent GPUs; slower where the CPU emulates it; on the 1,157 distinct
#: part bodies of every third of 1,000 generated reports 97.9 % of the headlines equal fp32's; the
#: held-out ROUGE-L was within 0.004 of fp32's for transformers' bf16 decoding, not re-measured since).
#: int8 dynamic quantization was measured and left out: it scales each batch as a whole, so a
#: headline would depend on the batch it was generated in (and on the engine's partitions)
PRECISIONS = ("fp32", "bf16")
DEFAULT_PRECISION = "fp32"

_CACHE: dict[tuple[str, str, str], Any] = {}


def resolve_precision(precision: str) -> str:
    """``precision`` checked against :data:`PRECISIONS` (a clear error for an unknown name)."""
    if precision not in PRECISIONS:
        raise XxgkError(f"unknown precision {precision!r} (choose one of {', '.join(PRECISIONS)})")
    return precision


def options_precision(summary_options: dict[str, Any] | None) -> str:
    """The precision a run's summary options ask for (:data:`DEFAULT_PRECISION` when they name none)."""
    return resolve_precision((summary_options or {}).get("precision", DEFAULT_PRECISION))


def at_precision(module: Any, precision: str) -> Any:
    """``module`` computing in ``precision`` (its weights cast; each row's result does not depend on
    the other rows of its batch)."""
    if precision == "bf16":
        import torch

        return module.to(torch.bfloat16)
    return module


def resolve_device(device: str) -> str:
    """'cpu', 'cuda' or 'cuda:N' for ``device`` ('auto': CUDA when torch sees a GPU, else the CPU);
    a clear error for an unknown name or CUDA asked for where torch sees none."""
    if device == "cpu":
        return device
    if device not in DEVICES and not re.fullmatch(r"cuda:\d+", device):
        raise XxgkError(f"unknown device {device!r} (choose one of {', '.join(DEVICES)})")
    import torch

    if not torch.cuda.is_available():
        if device == "auto":
            return "cpu"
        raise XxgkError(f"--device {device}: torch sees no CUDA device (torch {torch.__version__}); use --device cpu")
    return "cuda" if device == "auto" else device


class HFHeadliner:
    """Any local Hugging Face seq2seq checkpoint (AutoTokenizer / AutoModelForSeq2SeqLM); long inputs
    chunked; decoded with the repetition penalty and stutter blocking of :mod:`nlp.summaries.decoding`."""

    def __init__(self, path: Path, device: str = "cpu"):
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError, KeyError, TypeError) as e:  # what transformers raises for a bad folder
            raise ModelLoadError(f"{path}: cannot load a Hugging Face seq2seq checkpoint ({type(e).__name__}: {e})") from e
        self.model.to(device).eval()
        self.path = path
        self.device = device
        limit = self.model.config.max_position_embeddings if "max_position_embeddings" in self.model.config.to_dict() \
            else 512
        tok_limit = self.tokenizer.model_max_length or 512
        self.max_tokens = max(16, min(int(limit or 512), int(tok_limit) if tok_limit < 100000 else 512, 512))
        vocab = self.tokenizer.get_vocab()
        self.digit_ids = frozenset(i for t, i in vocab.items() if t.lstrip("#▁Ġ").isdigit())

    def chunks(self, text: str, max_chunks: int = 4) -> list[str]:
        """Character windows of at most ``max_tokens - 2`` characters (each tokenized with truncation)."""
        size = self.max_tokens - 2
        return [text[k:k + size] for k in range(0, max(1, len(text)), size)][:max_chunks]

    def headlines(self, bodies: list[str], num_beams: int = 1, max_new_tokens: int = 32,
                  batch_size: int = DEFAULT_BATCH_SIZE) -> list[str]:
        """Headline per body: each chunk decoded (``batch_size`` chunks at a time, sorted by
        length), the chunks' headlines joined."""
        import torch
        from transformers import LogitsProcessorList

        from .decoding import NO_REPEAT_NGRAM, REPETITION_PENALTY, no_stutter_processor
        from .model import pad_batch

        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        chunks = [(b, c) for b, body in enumerate(bodies) for c in self.chunks(body)]
        encoded = [self.tokenizer(c, truncation=True, max_length=self.max_tokens)["input_ids"] for _, c in chunks]
        decoded = [""] * len(chunks)
        order = sorted(range(len(chunks)), key=lambda i: (-len(encoded[i]), i))
        with torch.inference_mode():
            for k in range(0, len(order), batch_size):
                rows = order[k:k + batch_size]
                ids, mask = pad_batch([encoded[i] for i in rows], pad)
                proc = LogitsProcessorList([no_stutter_processor([encoded[i] for i in rows], num_beams, self.digit_ids)])
                g = self.model.generate(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                        num_beams=num_beams, do_sample=False, max_new_tokens=max_new_tokens,
                                        pad_token_id=pad, repetition_penalty=REPETITION_PENALTY,
                                        no_repeat_ngram_size=NO_REPEAT_NGRAM, logits_processor=proc)
                for i, seq in zip(rows, g.tolist()):
                    decoded[i] = self.tokenizer.decode(seq, skip_special_tokens=True).replace(" ", "").strip()
        parts: list[list[str]] = [[] for _ in bodies]
        for (b, _), text in zip(chunks, decoded):
            parts[b].append(text)
        return ["；".join(p for p in ps if p)[:60] for ps in parts]


def is_own_artefact(path: Path) -> bool:
    """True when ``path`` holds the project's own artefact (generator weights and vocabulary)."""
    return (Path(path) / "generator.safetensors").is_file() and (Path(path) / "vocab.json").is_file()


def load_model(model_dir: str | Path | None = None, device: str = "cpu", precision: str = DEFAULT_PRECISION):
    """The headline model in ``model_dir`` (default: the shipped one) on ``device`` (see
    :func:`resolve_device`) at ``precision`` (see :data:`PRECISIONS`), loaded once per process and
    cached per path, device and precision."""
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    device = resolve_device(device)
    precision = resolve_precision(precision)
    key = (str(path.resolve()), device, precision)
    if key not in _CACHE:
        if not path.exists():
            raise ModelLoadError(f"{path}: model folder not found")
        if is_own_artefact(path):
            from .model import load_headline_model

            # greedy headlines from the lean decoder; transformers only when beams or the scorer are asked for
            _CACHE[key] = load_headline_model(path, device, lean=True,
                                              precision_cast=lambda m: at_precision(m, precision))
        elif (path / "config.json").is_file():
            model = HFHeadliner(path, device)
            model.model = at_precision(model.model, precision)
            _CACHE[key] = model
        else:
            raise ModelLoadError(f"{path}: neither an xxgk summarizer artefact nor a Hugging Face checkpoint "
                                 "(no config.json)")
    return _CACHE[key]


def read_card(model_dir: str | Path | None = None) -> dict:
    """The model card (JSON only, no torch), or {} when there is none."""
    p = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    try:
        return json.loads((p / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_headings_vocabulary(model_dir: str | Path | None = None) -> frozenset[str]:
    """The content words of the headings the model was trained on (empty for an HF checkpoint
    or an artefact without ``headings.json``)."""
    p = (Path(model_dir) if model_dir else DEFAULT_MODEL_DIR) / HEADINGS_FILE
    try:
        return frozenset(json.loads(p.read_text(encoding="utf-8"))["tokens"])
    except (OSError, ValueError, KeyError) as e:
        if p.exists():
            raise ModelLoadError(f"{p}: unreadable headings vocabulary ({e})") from e
        return frozenset()
