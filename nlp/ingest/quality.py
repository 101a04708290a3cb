"""Text-layer quality: is the extracted text Chinese text at all?

Some PDF generators draw UTF-8 bytes as Latin-1 glyphs (``æ\x9c¬å¹´`` for ``本年``) or use
fonts without a Unicode map, so the text layer reads ``(cid:230)(cid:31)…``. Such a text
parsed as it is gives a "report" with no parts and no numbers, silently. Here the text is
measured (share of CJK characters, density of ``(cid:N)`` markers), repaired when the
Latin glyphs decode as UTF-8 bytes, and refused with a clear reason when it cannot be.
"""
from __future__ import annotations

import collections
import functools
import itertools
import re
from dataclasses import dataclass

from ..errors import ReportReadError

CID_MARKER = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Latin-1 letters that UTF-8 lead bytes of CJK characters turn into (0xE3–0xE9: ã ä å æ ç è é)
_LEAD = re.compile(r"[\u00e3-\u00e9]")
_BYTE_CHAR = (r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
              r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\(cid:\d{1,3}\)")
#: a run of glyphs that can each be one byte of cp1252/latin-1 (so possibly mis-decoded UTF-8); the bytes
#: cp1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) come out of pdfminer as ``(cid:N)``
_BYTE_RUN = re.compile(rf"(?:{_BYTE_CHAR})(?:{_BYTE_CHAR}|[ -~])*")
_BYTE_TOKEN = re.compile(r"\(cid:(\d{1,3})\)|.", re.S)
#: more (cid:N) markers than this share of the text's characters: the text layer is unusable
MAX_CID_SHARE = 0.05
#: UTF-8 lead-byte letters above this share of the letters (with few CJK characters) mean mojibake
MOJIBAKE_LEAD_SHARE = 0.08
#: a text with fewer CJK characters than this share is not read as a Chinese report's text
MIN_CJK_SHARE = 0.05


@dataclass(frozen=True)
class TextQuality:
    """Measures of an extracted text: characters (without whitespace), CJK share, (cid:N) markers, mojibake."""

    chars: int
    cjk_share: float
    cid_markers: int
    lead_share: float

    @property
    def cid_share(self) -> float:
        return self.cid_markers * len("(cid:00)") / self.chars if self.chars else 0.0

    @property
    def looks_mojibake(self) -> bool:
        return self.cjk_share < MIN_CJK_SHARE and self.lead_share >= MOJIBAKE_LEAD_SHARE


def measure(text: str) -> TextQuality:
    """The quality measures of ``text`` (on a sample of at most 200,000 characters)."""
    sample = text[:200_000]
    letters = [c for c in sample if not c.isspace()]
    n = len(letters) or 1
    cjk = len(_CJK.findall(sample))
    leads = len(_LEAD.findall(sample))
    return TextQuality(chars=len(letters), cjk_share=cjk / n, cid_markers=len(CID_MARKER.findall(sample)),
                       lead_share=leads / n)


def _to_bytes(run: str) -> bytes | None:
    """The bytes a run of Latin glyphs stands for (cp1252 first, latin-1 for the C1 gaps), or None."""
    out = bytearray()
    for m in _BYTE_TOKEN.finditer(run):
        if m.group(1) is not None:
            code = int(m.group(1))
            if code > 0xFF:
                return None
            out.append(code)
            continue
        ch = m.group(0)
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))
    return bytes(out)


#: glyphs that stand for more than one byte: a space or hyphen where the no-break space (0xA0) or the
#: soft hyphen (0xAD) was drawn, and the bullet some renderers draw for the bytes cp1252 leaves undefined
AMBIGUOUS_BYTES = {0x20: (0x20, 0xA0, 0xAD), 0x2D: (0x2D, 0xAD), 0x95: (0x95, 0x81, 0x8D, 0x8F, 0x90, 0x9D)}
#: at most this share of a run's characters may stay undecodable (replaced by U+FFFD) for it to be repaired
MAX_LOST_SHARE = 0.02


@dataclass(frozen=True)
class _Lexicon:
    """Character frequencies and two-character words, to choose among the readings of an ambiguous glyph."""

    char_freq: dict[str, int]
    words: frozenset[str]


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """From the segmenter's dictionary (jieba's word frequencies) and the format's own vocabulary (weighted up)."""
    import importlib.util
    from pathlib import Path

    freq: collections.Counter[str] = collections.Counter()
    words: set[str] = set()
    spec = importlib.util.find_spec("jieba")
    if spec is not None and spec.origin is not None:
        dictionary = Path(spec.origin).parent / "dict.txt"
        if dictionary.is_file():
            with open(dictionary, encoding="utf-8") as fh:
                for line in fh:
                    word, _, rest = line.partition(" ")
                    n = int(rest.split(" ", 1)[0] or 0) if rest else 0
                    for ch in word:
                        freq[ch] += n
                    if len(word) == 2:
                        words.add(word)
    root = Path(__file__).resolve().parents[1]
    # the format package's sources read as one text, so a character counts once however many modules hold it
    format_text = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "format").glob("*.py")))
    userdict = root / "data" / "userdict.txt"
    for text in (format_text, userdict.read_text(encoding="utf-8") if userdict.is_file() else ""):
        if text:
            freq.update({c: 1000 for c in text if ord(c) > 0x7F})
            for m in re.finditer(r"[\u3400-\u9fff]+", text):
                w = m.group(0)
                words.update(w[k:k + 2] for k in range(len(w) - 1))
    return _Lexicon(dict(freq), frozenset(words))


def _utf8_length(lead: int) -> int:
    """Bytes in the UTF-8 sequence that starts with ``lead`` (0: not a lead byte)."""
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _readings(raw: bytes) -> list[list[str]]:
    """The characters ``raw`` may decode to, one list of candidates per character (the glyph's own bytes
    first); an undecodable byte is ``["\ufffd"]``."""
    out: list[list[str]] = []
    i = 0
    while i < len(raw):
        lead = raw[i]
        n = _utf8_length(lead)
        if n == 1:
            out.append([chr(lead)])
            i += 1
            continue
        found: list[str] = []
        if n and i + n <= len(raw):
            options = [AMBIGUOUS_BYTES.get(b, (b,)) for b in raw[i + 1:i + n]]
            for tail in itertools.product(*options):
                try:
                    ch = bytes([lead, *tail]).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if ch not in found:
                    found.append(ch)
        if found:
            out.append(found)
            i += n
        else:
            out.append(["\ufffd"])
            i += 1
    return out


def _decode_utf8(raw: bytes) -> tuple[str, int] | None:
    """Decode ``raw`` as UTF-8 where some glyphs stand for several bytes (:data:`AMBIGUOUS_BYTES`): an
    ambiguous character takes the reading that makes a word with a neighbour, else the most frequent one.
    Returns (text, characters lost as U+FFFD) or None when too much is not UTF-8."""
    readings = _readings(raw)
    if any(len(r) > 1 for r in readings):
        lex = _lexicon()
        chosen = [max(r, key=lambda c: lex.char_freq.get(c, 0)) if len(r) > 1 else r[0] for r in readings]
        for k, r in enumerate(readings):
            if len(r) > 1:
                prev = chosen[k - 1] if k else ""
                nxt = chosen[k + 1] if k + 1 < len(chosen) else ""
                chosen[k] = max(r, key=lambda c: ((prev + c) in lex.words or (c + nxt) in lex.words,
                                                  lex.char_freq.get(c, 0)))
    else:
        chosen = [r[0] for r in readings]
    text = "".join(chosen)
    lost = text.count("\ufffd")
    return (text, lost) if lost <= MAX_LOST_SHARE * len(text) + 1 else None


def repair_utf8_mojibake(text: str) -> tuple[str, int, int]:
    """Decode runs of Latin glyphs that are UTF-8 bytes; returns (text, runs repaired, characters lost)."""
    repaired = lost = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal repaired, lost
        raw = _to_bytes(m.group(0))
        decoded = _decode_utf8(raw) if raw is not None else None
        if decoded is None:
            return m.group(0)
        if decoded[0] != m.group(0):
            repaired += 1
            lost += decoded[1]
        return decoded[0]

    return _BYTE_RUN.sub(fix, text), repaired, lost


def check_text_layer(text: str, path: str, changes: list[str], warnings: list[str]) -> str:
    """Repair or refuse a text layer that is not readable text (see the module docstring).

    Returns the text to use; raises :class:`ReportReadError` when it cannot be repaired.
    """
    q = measure(text)
    if q.looks_mojibake:
        fixed, runs, lost = repair_utf8_mojibake(text)
        q2 = measure(fixed)
        if runs and q2.cjk_share >= MIN_CJK_SHARE and not q2.looks_mojibake:
            changes.append(f"repaired a text layer of UTF-8 bytes drawn as Latin glyphs ({runs} runs decoded"
                           + (f", {lost} characters lost as U+FFFD)" if lost else ")"))
            text, q = fixed, q2
        else:
            raise ReportReadError(path, "the text layer is mojibake (Latin glyphs in place of Chinese characters) "
                                        "and does not decode as UTF-8: export the file again or OCR it")
    if q.cid_markers:
        if q.cid_share > MAX_CID_SHARE:
            raise ReportReadError(path, f"the text layer is unreadable: {q.cid_markers} glyphs without a Unicode "
                                        "mapping ((cid:N) codes, a font without a ToUnicode map): OCR it or export again")
        text = CID_MARKER.sub("", text)
        warnings.append(f"removed {q.cid_markers} glyphs without a Unicode mapping ((cid:N) codes)")
    return text


__all__ = ["TextQuality", "measure", "repair_utf8_mojibake", "check_text_layer", "CID_MARKER"]
