"""Chinese word segmentation with character offsets (jieba + a domain user dictionary).

One :class:`Tokenizer` per process (:func:`get_tokenizer`) loads jieba's dictionary,
the shipped domain user dictionary (``nlp/data/userdict.txt``) and the stopword list
(``nlp/data/stopwords.txt``) once. :func:`segment` returns :class:`Token` objects whose
``start``/``end`` index the input text (end exclusive), so
``text[t.start:t.end] == t.word`` for every token and the tokens tile the text.

Backends: ``"jieba"`` is the reference. ``"fast"`` runs rjieba (jieba-rs) with the
same dictionary and user words, except on the text blocks where the two are known to
differ (runs of letters/digits joined by ``. - + # & _ %``: phone numbers, e-mail and
web addresses, dates like 2021-04-07), which go to jieba; ``benchmarks/segment.py``
measures the agreement on the shared corpus. ``"auto"`` (the default) is ``"fast"``
when rjieba is installed, else ``"jieba"``.

The user dictionary is built by project code (:func:`build_user_dictionary`, command
``xxgk train userdict``) from the format vocabulary (``nlp.format.SEGMENT_TERMS``)
and word sequences frequent across the corpus's reports — a word list, no sentences.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .errors import XxgkError

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT_PATH = DATA_DIR / "userdict.txt"
STOPWORDS_PATH = DATA_DIR / "stopwords.txt"

BACKENDS = ("auto", "jieba", "fast")

#: jieba's own block pattern (Han characters plus letters/digits and + # & . _ % -)
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
#: characters inside a block on which rjieba and jieba disagree
_RISKY_CHARS = re.compile(r"[+#&\._%\-]")
_HAN = re.compile(r"[\u4E00-\u9FFF]")
_NUMBER = re.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)?%?$")
_PUNCT_OR_SPACE = re.compile(r"^[\s\W_]+$")


@dataclass(frozen=True)
class Token:
    """A word with its character offsets into the segmented text (end exclusive)."""

    word: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"word": self.word, "start": self.start, "end": self.end}


def read_word_list(path: Path) -> list[str]:
    """Words of a one-word-a-line file (``#`` starts a comment; a jieba dictionary's freq is dropped)."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.split()[0])
    return words


def read_user_dictionary(path: Path = USER_DICT_PATH) -> list[tuple[str, int]]:
    """(word, frequency) pairs of a jieba-format user dictionary (``word freq`` a line)."""
    entries: list[tuple[str, int]] = []
    if not path.exists():
        raise XxgkError(f"{path}: user dictionary not found (build it with `xxgk train userdict`)")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        try:
            entries.append((fields[0], int(fields[1]) if len(fields) > 1 else 0))
        except ValueError:
            raise XxgkError(f"{path}:{n}: expected 'word frequency', got {line!r}") from None
    return entries


class Tokenizer:
    """jieba (reference) and optionally rjieba, both loaded with the same user dictionary."""

    def __init__(self, user_dict: Path | None = USER_DICT_PATH, stopwords: Path | None = STOPWORDS_PATH,
                 hmm: bool = True):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.hmm = hmm
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.user_words: list[tuple[str, int]] = read_user_dictionary(user_dict) if user_dict else []
        for word, freq in self.user_words:
            self._jieba.add_word(word, freq or None)
        self.stopwords: frozenset[str] = frozenset(read_word_list(stopwords)) if stopwords and stopwords.exists() else frozenset()
        self._fast = None
        self._fast_lock = threading.Lock()

    # ------------------------------------------------------------ backends
    @property
    def fast_available(self) -> bool:
        try:
            import rjieba  # noqa: F401
        except ImportError:
            return False
        return True

    def _fast_backend(self):
        if self._fast is None:
            with self._fast_lock:
                if self._fast is None:
                    import rjieba

                    fast = rjieba.Jieba()
                    for word, freq in self.user_words:
                        # the same frequency jieba used, so both choose the same paths
                        fast.add_word(word, self._jieba.FREQ.get(word, freq), None)
                    self._fast = fast
        return self._fast

    def _cut_jieba(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=self.hmm))

    def _cut_fast(self, text: str) -> list[str]:
        fast = self._fast_backend()
        words: list[str] = []
        pos = 0
        for m in _JIEBA_BLOCK.finditer(text):
            if not _RISKY_CHARS.search(m.group()):
                continue
            if m.start() > pos:
                words.extend(fast.cut(text[pos:m.start()], self.hmm))
            words.extend(self._cut_jieba(m.group()))
            pos = m.end()
        if pos < len(text):
            words.extend(fast.cut(text[pos:], self.hmm))
        return words

    def cut(self, text: str, backend: str = "auto") -> list[str]:
        """The words of ``text`` in order (they concatenate back to ``text``)."""
        if backend not in BACKENDS:
            raise XxgkError(f"unknown segmentation backend {backend!r} (choose from {', '.join(BACKENDS)})")
        if not text:
            return []
        if backend == "jieba" or (backend == "auto" and not self.fast_available):
            return self._cut_jieba(text)
        return self._cut_fast(text)

    def tokens(self, text: str, offset: int = 0, backend: str = "auto") -> list[Token]:
        """Tokens with offsets (``offset`` is added, so spans can index an enclosing text)."""
        out: list[Token] = []
        pos = 0
        for w in self.cut(text, backend):
            out.append(Token(w, offset + pos, offset + pos + len(w)))
            pos += len(w)
        if pos != len(text):  # pragma: no cover - a backend that drops characters would be a bug
            raise XxgkError(f"segmentation lost characters ({pos} of {len(text)})")
        return out

    # ------------------------------------------------------------ words for models
    def is_content_word(self, word: str) -> bool:
        """False for whitespace, punctuation and stopwords."""
        return bool(word.strip()) and not _PUNCT_OR_SPACE.match(word) and word not in self.stopwords

    def content_words(self, text: str, backend: str = "auto") -> list[str]:
        """Words for bag-of-words models: no stopwords/punctuation, numbers folded to ``<num>``."""
        out = []
        for w in self.cut(text, backend):
            if not self.is_content_word(w):
                continue
            out.append("<num>" if _NUMBER.match(w) else w)
        return out


_TOKENIZER: Tokenizer | None = None
_TOKENIZER_LOCK = threading.Lock()


def get_tokenizer() -> Tokenizer:
    """The process-wide tokenizer (dictionaries loaded on first use, once)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _TOKENIZER_LOCK:
            if _TOKENIZER is None:
                _TOKENIZER = Tokenizer()
    return _TOKENIZER


def segment(text: str, offset: int = 0, backend: str = "auto") -> list[Token]:
    """Segment ``text`` into :class:`Token` s (word, start, end) with offsets into ``text`` (+ ``offset``)."""
    if not isinstance(text, str):
        raise XxgkError(f"segment() expects a str, got {type(text).__name__}")
    return get_tokenizer().tokens(text, offset=offset, backend=backend)


def content_words(text: str) -> list[str]:
    """Content words of ``text`` for TF-IDF (module-level so pickled models can refer to it)."""
    return get_tokenizer().content_words(text)


# ---------------------------------------------------------------- building the user dictionary

@dataclass
class UserDictionaryStats:
    """What :func:`build_user_dictionary` wrote."""

    path: str
    vocabulary_terms: int
    corpus_terms: int
    documents: int


def _base_jieba():
    """A jieba tokenizer with its own dictionary only (no user words)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    return base


def frequent_terms(texts: Sequence[str], min_docs: int = 4, min_count: int = 6, max_terms: int = 400,
                   min_len: int = 3, max_len: int = 8, base=None) -> list[str]:
    """Word sequences (2–3 jieba words of 2+ characters, Han only) frequent across documents and cohesive.

    A candidate must occur in ``min_docs`` documents, ``min_count`` times in all, and
    its words must mostly occur together (count of the sequence / count of its rarest
    word >= 0.4), and it must not be a fragment of a longer unit (the same neighbouring
    word in >= 60% of its occurrences). Only the terms are returned — no context.
    """
    base = base or _base_jieba()
    stop = frozenset(read_word_list(STOPWORDS_PATH)) if STOPWORDS_PATH.exists() else frozenset()
    word_count: Counter[str] = Counter()
    seq_count: Counter[str] = Counter()
    seq_docs: Counter[str] = Counter()
    seq_parts: dict[str, tuple[str, ...]] = {}
    neighbours: dict[str, tuple[Counter[str], Counter[str]]] = {}
    for text in texts:
        seen: set[str] = set()
        for block in re.findall(r"[\u4E00-\u9FD5]+", text):
            words = list(base.cut(block, HMM=False))
            word_count.update(words)
            for n in (2, 3):
                for i in range(len(words) - n + 1):
                    parts = tuple(words[i:i + n])
                    if any(len(p) < 2 or p in stop for p in parts):
                        continue
                    term = "".join(parts)
                    if not (min_len <= len(term) <= max_len):
                        continue
                    seq_count[term] += 1
                    seq_parts.setdefault(term, parts)
                    neighbours.setdefault(term, (Counter(), Counter()))
                    if i > 0:
                        neighbours[term][0][words[i - 1]] += 1
                    if i + n < len(words):
                        neighbours[term][1][words[i + n]] += 1
                    if term not in seen:
                        seen.add(term)
                        seq_docs[term] += 1
    scored = []
    for term, docs in seq_docs.items():
        if docs < min_docs or seq_count[term] < min_count:
            continue
        rarest = min(word_count[p] for p in seq_parts[term])
        cohesion = seq_count[term] / rarest if rarest else 0.0
        if cohesion < 0.4:
            continue
        # a fragment of a longer unit: (nearly) always the same word before or after it
        before, after = neighbours[term]
        if any(c and c.most_common(1)[0][1] >= 0.6 * seq_count[term] for c in (before, after)):
            continue
        scored.append((-docs, -seq_count[term], term))
    scored.sort()
    kept = [t for _, _, t in scored]
    # a term that (almost) only occurs inside a longer kept term adds nothing
    kept = [t for t in kept if not any(t != u and t in u and seq_count[u] >= 0.8 * seq_count[t] for u in kept)]
    return kept[:max_terms]


def build_user_dictionary(texts: Sequence[str], out: Path = USER_DICT_PATH, **kwargs) -> UserDictionaryStats:
    """Write the jieba user dictionary: vocabulary terms + corpus-frequent terms, each with a
    frequency high enough to keep it whole (jieba's suggested frequency, floored)."""
    from .format import SEGMENT_TERMS

    base = _base_jieba()
    vocab_terms = sorted(set(SEGMENT_TERMS))
    corpus_terms = [t for t in frequent_terms(texts, base=base, **kwargs) if t not in set(vocab_terms)]
    lines = ["# xxgk domain user dictionary for jieba: word frequency",
             "# built by nlp.segmentation.build_user_dictionary (xxgk train userdict) from",
             "# nlp.format.SEGMENT_TERMS and word sequences frequent across the corpus"]
    for term in vocab_terms + sorted(corpus_terms):
        freq = max(base.suggest_freq(term, False) * 4, 2000)
        lines.append(f"{term} {freq}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if Path(out).resolve() == USER_DICT_PATH.resolve():
        global _TOKENIZER
        _TOKENIZER = None  # the next get_tokenizer() loads the new shipped dictionary
    return UserDictionaryStats(str(out), len(vocab_terms), len(corpus_terms), len(texts))


def texts_of(paths: Iterable[Path]) -> list[str]:
    """Plain texts of files read as reports (for building the dictionary)."""
    from .ingest import read_source

    return [read_source(p).text for p in paths]
