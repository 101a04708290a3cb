"""Features from the project's own character BART encoder (``models/summarizer/``).

:class:`EncoderFeatures` is a scikit-learn transformer: a text's non-space characters are
cut into windows of ``window`` characters, each window is run through the summarizer's
encoder (the generator's ``model.encoder``, pre-trained on official prose), and the last
hidden states are mean-pooled over every character of every window. ``fit`` learns only a
per-dimension mean and scale (standardization) and records the sha256 of the encoder's
weights; ``transform`` refuses an encoder whose weights differ from those it was fitted with.

The encoder itself is never pickled: it is loaded once per process from ``model_dir``
(default: the shipped ``models/summarizer``), so the theme artefact stays small and nothing
is downloaded. Windows are sorted by length and encoded in padded batches with their
attention mask, so a text's features do not depend on the texts beside it (up to float
rounding: batch and one-by-one agree within 1e-5).

Torch and transformers are imported only when features are computed.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import ModelLoadError
from ..resources import model_dir as shipped_model_dir

#: characters per encoder window (the summarizer's input length)
WINDOW = 192
#: windows per encoder call
BATCH = 64
WEIGHTS_FILE = "generator.safetensors"

_ENCODERS: dict[str, Any] = {}


_HASHES: dict[tuple[str, int, int], str] = {}


def weights_sha256(directory: Path) -> str:
    """sha256 of the summarizer's generator weights in ``directory`` (cached per path, size and mtime)."""
    path = Path(directory) / WEIGHTS_FILE
    if not path.is_file():
        raise ModelLoadError(f"{directory}: no {WEIGHTS_FILE} (the theme model's encoder features need the "
                             "shipped summarizer artefact)")
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        _HASHES[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASHES[key]


def load_encoder(directory: Path) -> tuple[Any, Any]:
    """(encoder module in eval mode, character vocabulary) of the summarizer in ``directory``, cached."""
    key = str(Path(directory).resolve())
    if key not in _ENCODERS:
        from ..summaries.model import load_headline_model

        headline = load_headline_model(Path(directory))
        _ENCODERS[key] = (headline.generator.get_encoder(), headline.vocab)
    return _ENCODERS[key]


def windows(ids: Sequence[int], window: int) -> list[list[int]]:
    """Consecutive windows of at most ``window`` ids (at least one, possibly empty)."""
    return [list(ids[i:i + window]) for i in range(0, max(1, len(ids)), window)]


class EncoderFeatures(TransformerMixin, BaseEstimator):
    """Standardized mean-pooled encoder states of each text, times ``weight`` (see the module docstring)."""

    def __init__(self, model_dir: str = "", weight: float = 1.0, window: int = WINDOW, batch_size: int = BATCH):
        self.batch_size = batch_size
        self.model_dir = model_dir
        self.weight = weight
        self.window = window

    def _directory(self) -> Path:
        return Path(self.model_dir) if self.model_dir else shipped_model_dir("summarizer")

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        """Raw mean-pooled encoder states, one row per text (float64): windows sorted by length,
        encoded in padded batches of at most ``batch_size`` with their attention mask."""
        import torch

        encoder, vocab = load_encoder(self._directory())
        dim = int(encoder.config.d_model)
        total, count = np.zeros((len(texts), dim)), np.zeros(len(texts))
        items = [(i, w) for i, text in enumerate(texts) for w in windows(vocab.encode(text, add_eos=False), self.window)
                 if w]
        items.sort(key=lambda x: len(x[1]))
        with torch.inference_mode():
            for b in range(0, len(items), self.batch_size):
                batch = items[b:b + self.batch_size]
                n = len(batch[-1][1])
                ids = torch.zeros((len(batch), n), dtype=torch.long)
                mask = torch.zeros((len(batch), n), dtype=torch.long)
                for k, (_, w) in enumerate(batch):
                    ids[k, :len(w)] = torch.tensor(w, dtype=torch.long)
                    mask[k, :len(w)] = 1
                h = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
                sums = (h * mask.unsqueeze(-1).to(h.dtype)).sum(1).double().numpy()
                for k, (i, w) in enumerate(batch):
                    total[i] += sums[k]
                    count[i] += len(w)
        return total / np.maximum(count, 1)[:, None]

    def fit(self, X, y=None):
        self.encoder_sha256_ = weights_sha256(self._directory())
        z = self.pooled(list(X))
        self.mean_ = z.mean(axis=0)
        scale = z.std(axis=0)
        self.scale_ = np.where(scale > 1e-9, scale, 1.0) * np.sqrt(len(self.mean_))
        return self

    def transform(self, X):
        got = weights_sha256(self._directory())
        if got != self.encoder_sha256_:
            raise ModelLoadError(f"{self._directory()}: encoder weights {got[:12]} differ from those the theme "
                                 f"model was fitted with ({self.encoder_sha256_[:12]}); retrain with "
                                 "`xxgk train themes`")
        return (self.pooled(list(X)) - self.mean_) / self.scale_ * self.weight
