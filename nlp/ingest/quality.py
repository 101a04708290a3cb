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


#: normalization turned these bytes' glyphs into a space (no-break space, soft hyphen): tried in its place
_SPACE_STAND_INS = (b"\xa0", b"\xad")
#: at most this share of a run's characters may stay undecodable (replaced by U+FFFD) for it to be repaired
MAX_LOST_SHARE = 0.02


@functools.lru_cache(maxsize=1)
def _domain_char_counts() -> dict[str, int]:
    """How often each character occurs in the format's vocabulary and the segmenter's user dictionary."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    counts: collections.Counter[str] = collections.Counter()
    for p in (root / "vocabulary.py", root / "data" / "userdict.txt"):
        if p.is_file():
            counts.update(_CJK.findall(p.read_text(encoding="utf-8")))
    return dict(counts)


def _decode_utf8(raw: bytes) -> tuple[str, int] | None:
    """Decode ``raw`` as UTF-8, putting back bytes that normalization turned into spaces; returns
    (text, characters lost) or None when it is not UTF-8 at all."""
    for _ in range(len(raw)):
        try:
            return raw.decode("utf-8"), 0
        except UnicodeDecodeError as e:
            space = raw.find(b" ", max(0, e.start - 3), e.end + 3)
            if space < 0:
                break
            trials = []
            for stand_in in _SPACE_STAND_INS:
                trial = raw[:space] + stand_in + raw[space + 1:]
                try:
                    trial.decode("utf-8")
                except UnicodeDecodeError as e2:
                    if e2.start <= e.start:
                        continue
                window = trial[max(0, space - 3):space + 4].decode("utf-8", errors="ignore")
                trials.append((-sum(_domain_char_counts().get(c, 0) for c in window), len(trials), trial))
            if not trials:
                break
            raw = min(trials)[2]    # the stand-in whose character the report format uses most
    text = raw.decode("utf-8", errors="replace")
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
