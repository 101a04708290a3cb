"""Traditional → simplified conversion that keeps offsets: one character for one."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

#: a text is taken as traditional script when at least this share of its CJK characters change
TRADITIONAL_SHARE = 0.03


@lru_cache(maxsize=1)
def t2s_converter():
    """The one shared OpenCC traditional→simplified converter (built once; its tables take a while to load)."""
    from opencc import OpenCC

    return OpenCC("t2s")


def _convert_same_length(text: str) -> str:
    conv = t2s_converter()
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    # phrase conversion changed the length somewhere: convert line by line, then char by char
    parts = []
    for line in text.split("\n"):
        c = conv.convert(line)
        if len(c) != len(line):
            c = "".join(ch2 if len(ch2 := conv.convert(ch)) == 1 else ch for ch in line)
        parts.append(c)
    return "\n".join(parts)


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that OpenCC's traditional→simplified table changes (read once from its dictionary)."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, _, values = line.rstrip("\n").partition("\t")
            if len(key) == 1 and values and values.split(" ")[0] != key:
                chars.add(key)
    return frozenset(chars)


def to_simplified(text: str) -> tuple[str, str]:
    """Return (simplified text of the same length, 'traditional' | 'simplified')."""
    sample = text[:30000]
    cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    if not cjk:
        return text, "simplified"
    trad = _traditional_chars()
    changed = sum(1 for c in sample if c in trad)
    if changed < max(5, TRADITIONAL_SHARE * cjk):
        return text, "simplified"
    return _convert_same_length(text), "traditional"
