"""A character vocabulary for the project's own seq2seq model (one token per character)."""
from __future__ import annotations

import json
from collections import Counter
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from nlp.errors import ModelLoadError

PAD, BOS, EOS, UNK, MASK, SEP = "<pad>", "<s>", "</s>", "<unk>", "<mask>", "<sep>"
#: sentinels for span-corruption pre-training (T5 style)
N_SENTINELS = 24
#: clause-position tokens for the clause scorer
N_POSITIONS = 12
SPECIALS = [PAD, BOS, EOS, UNK, MASK, SEP] + [f"<x{i}>" for i in range(N_SENTINELS)] + [f"<p{i}>" for i in range(N_POSITIONS)]


@dataclass
class CharVocab:
    """Maps characters to ids; special tokens first (pad=0, bos=1, eos=2, unk=3)."""

    tokens: list[str] = field(default_factory=lambda: list(SPECIALS))

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def build(cls, texts: Iterable[str], max_size: int = 5000, min_count: int = 3) -> "CharVocab":
        """Most frequent characters (ties broken by code point, so the result is deterministic)."""
        counts: Counter[str] = Counter()
        for t in texts:
            counts.update(t)
        chars = sorted((c for c, n in counts.items() if n >= min_count and not c.isspace()),
                       key=lambda c: (-counts[c], c))
        return cls(list(SPECIALS) + chars[: max(0, max_size - len(SPECIALS))])

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def pad_id(self) -> int:
        return 0

    @property
    def bos_id(self) -> int:
        return 1

    @property
    def eos_id(self) -> int:
        return 2

    @property
    def unk_id(self) -> int:
        return 3

    def id(self, token: str) -> int:
        return self.index.get(token, 3)

    def sentinel(self, i: int) -> int:
        return self.index[f"<x{i}>"]

    def position(self, i: int) -> int:
        return self.index[f"<p{min(i, N_POSITIONS - 1)}>"]

    def encode(self, text: str, max_len: int | None = None, add_eos: bool = True) -> list[int]:
        chars = (c for c in text if not c.isspace())
        if max_len is not None:   # only the characters that fit are looked up
            chars = islice(chars, max(0, max_len - (1 if add_eos else 0)))
        ids = [self.index.get(c, 3) for c in chars]
        return ids + ([2] if add_eos else [])

    def decode(self, ids: Iterable[int]) -> str:
        out = []
        for i in ids:
            i = int(i)
            if i == 2:
                break
            if i < len(SPECIALS):
                continue
            out.append(self.tokens[i])
        return "".join(out)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"tokens": self.tokens}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "CharVocab":
        try:
            d = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(list(d["tokens"]))
        except (OSError, ValueError, KeyError) as e:
            raise ModelLoadError(f"{path}: cannot read character vocabulary ({e})") from e
