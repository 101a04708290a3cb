"""Text normalization shared by every reader.

Every step records what it changed in the warnings/changes list it is given, so the
user can see why the normalized text differs from the file.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

#: zero-width and BOM characters removed everywhere
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
#: control characters (NUL and the other C0 codes but tab and newline) removed everywhere
CONTROL_CHARS = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F], None)
#: spaces turned into ASCII space
SPACES = dict.fromkeys(map(ord, "\u00a0\u3000\u2002\u2003\u2009\u202f\u2007\u2008\u200a\u205f"), " ")
#: DOCX conversion artefacts such as ``[bookmark: _GoBack]``
DOCX_ARTEFACT = re.compile(r"\[(?:bookmark|anchor|comment|footnote)[^\]\n]{0,80}\]", re.I)
#: a line that is only a page number: ``- 1 -``, ``— 6 —``, ``第 3 页`` (a bare number is not: it may be a table cell)
PAGE_NUMBER_LINE = re.compile(
    r"^[ \t]*(?:[-—–－─]+[ \t]*\d{1,4}[ \t]*[-—–－─]+|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[/，,共][ \t]*共?[ \t]*\d{1,4}[ \t]*页)?"
    r"|Page[ \t]*\d+(?:[ \t]*of[ \t]*\d+)?)[ \t]*$",
    re.M,
)
CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"，。、；：？！“”‘’（）《》【】〔〕…—"
_CJK_CHAR = re.compile(rf"[{CJK}]")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t]+(?=[{CJK}{CJK_PUNCT}])")
_SPACE_CJK_ASCII = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t]+(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \t]+(?=[{CJK}{CJK_PUNCT}])")
#: a line that looks like a statistics table row (ends with space-separated numbers)
TABLE_ROW_LINE = re.compile(r"(?:[ \t]+(?:[\d.,]+|/|—|-|无)){2,}[ \t]*$|^[^。，；]{1,30}[ \t]+[\d.,]+[ \t]*$")
#: line endings after which a wrapped line is never joined with the next
LINE_FINAL = set("。！？；：!?;:")


_FULLWIDTH = {o: o - 0xFEE0 for o in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({ord(c): ord(c) - 0xFEE0 for c in "．％＋－＝／＠＃＆"})


def fullwidth_to_ascii(text: str) -> str:
    """Full-width digits, Latin letters and common symbols (０-９, Ａ-Ｚ, ．％) to ASCII; CJK punctuation kept."""
    return text.translate(_FULLWIDTH)


def basic_normalize(text: str, changes: list[str]) -> str:
    """Unicode NFC, newlines, zero-width characters, exotic spaces, full-width digits/letters, DOCX artefacts."""
    t = unicodedata.normalize("NFC", text)
    t = t.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n").replace("\f", "\n")
    n0 = len(t)
    t = t.translate(ZERO_WIDTH)
    if len(t) != n0:
        changes.append(f"removed {n0 - len(t)} zero-width characters")
    n0 = len(t)
    t = t.translate(CONTROL_CHARS)
    if len(t) != n0:
        changes.append(f"removed {n0 - len(t)} control characters (NUL and others)")
    t2 = t.translate(SPACES)
    if t2 != t:
        changes.append("replaced non-breaking and ideographic spaces")
    t = fullwidth_to_ascii(t2)
    t, k = DOCX_ARTEFACT.subn("", t)
    if k:
        changes.append(f"removed {k} DOCX conversion artefacts ([bookmark: …])")
    t2 = cjk_punctuation(t)
    if t2 != t:
        changes.append("turned ASCII punctuation inside Chinese text into full-width forms")
    return t2


_ASCII_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{CJK}》”）])([,;:?!])")
_ASCII_PARENS_CJK = re.compile(rf"\(([^()\n]{{0,60}}[{CJK}][^()\n]{{0,60}})\)")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def cjk_punctuation(text: str) -> str:
    """ASCII , ; : ? ! after a CJK character, and ( ) around CJK text, to their full-width forms
    (length-preserving), so the format's vocabulary matches whatever the page used."""
    text = _ASCII_PUNCT_AFTER_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    return _ASCII_PARENS_CJK.sub(lambda m: "（" + m.group(1) + "）", text)


def tidy_spaces(line: str) -> str:
    """Remove spaces a PDF or justification put between CJK characters (and between CJK and digits
    in narrative lines); keep the spaces that separate table cells."""
    if "\t" in line:
        return line
    cjk_spaces = len(_SPACE_BETWEEN_CJK.findall(line))
    if cjk_spaces and (len(line) <= 40 or cjk_spaces >= 0.2 * len(_CJK_CHAR.findall(line))):
        # letter-spaced (justified) text or a short label; a long line's rare spaces are separators
        line = _SPACE_BETWEEN_CJK.sub("", line)
    if not TABLE_ROW_LINE.search(line):
        n = len(_SPACE_CJK_ASCII.findall(line))
        if n >= 2 or (n == 1 and len(line) <= 60):
            line = _SPACE_CJK_ASCII.sub("", line)
    return line


def remove_page_numbers(lines: list[str], changes: list[str]) -> list[str]:
    kept = [ln for ln in lines if not PAGE_NUMBER_LINE.match(ln)]
    if len(kept) != len(lines):
        changes.append(f"removed {len(lines) - len(kept)} page-number lines")
    return kept


_HAS_WORD = re.compile(r"[^\W\d_]")


def remove_running_lines(pages: list[list[str]], changes: list[str]) -> list[list[str]]:
    """Drop header/footer lines that repeat at the top or bottom of most pages."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for p in pages:
        edge = {ln.strip() for ln in p[:2] + p[-2:] if ln.strip()}
        counts.update(edge)
    # a header or footer has words: a bare number or symbol at many page edges is a table's cell (0, —)
    running = {ln for ln, c in counts.items() if c >= max(3, int(0.6 * len(pages))) and len(ln) <= 60
               and _HAS_WORD.search(ln)}
    if not running:
        return pages
    changes.append(f"removed running headers/footers: {sorted(running)[:3]}")
    return [[ln for i, ln in enumerate(p) if not (ln.strip() in running and (i < 2 or i >= len(p) - 2))] for p in pages]


def _typical_width(lines: list[str]) -> int:
    widths = [len(ln.strip()) for ln in lines if len(ln.strip()) >= 8]
    if len(widths) < 5:
        return 0
    widths.sort()
    return widths[int(0.8 * (len(widths) - 1))]


#: the table-row test of a joined line looks at this many characters of its end (keeps rejoining linear)
TABLE_ROW_WINDOW = 256


def _is_table_row_end(line: str) -> bool:
    """``TABLE_ROW_LINE`` on the end of a possibly very long line (bounded cost per call)."""
    return bool(TABLE_ROW_LINE.search(line[-TABLE_ROW_WINDOW:] if len(line) > TABLE_ROW_WINDOW else line))


def rejoin_wrapped_lines(lines: list[str], changes: list[str]) -> list[str]:
    """Join lines a PDF hard-wrapped in mid-sentence (no hyphens in Chinese).

    A line is continued by the next when it is nearly as wide as the page's
    typical full line, does not end a sentence, and neither is a table row.
    Linear in the text length: a joined line is kept as a list of pieces and its
    tests look only at the newest piece (and a bounded window of its end).
    """
    width = _typical_width(lines)
    if width < 12:
        return lines
    out: list[str] = []
    pieces: list[str] = []      # the line being built (joined pieces, first one as read)
    length = 0                  # len("".join(pieces).rstrip()) once joined
    separated = False           # a tab or a pipe somewhere in the line being built
    joined = 0

    def flush() -> None:
        if pieces:
            out.append(pieces[0] if len(pieces) == 1 else "".join(pieces))

    for ln in lines:
        if pieces:
            last = pieces[-1].rstrip()
            tail = last
            k = len(pieces) - 2
            while len(tail) < TABLE_ROW_WINDOW and k >= 0:   # the joined line's end, at most a window long
                tail = pieces[k] + tail
                k -= 1
            if (last and length >= width - 3 and last[-1] not in LINE_FINAL and not _is_table_row_end(tail)
                    and not separated and ln.strip() and not TABLE_ROW_LINE.search(ln)):
                piece = ln.strip()
                pieces[-1] = last
                pieces.append(piece)
                length += len(piece)
                separated = "\t" in piece or "|" in piece
                joined += 1
                continue
            flush()
        pieces = [ln]
        length = len(ln.rstrip())
        separated = "\t" in ln or "|" in ln
    flush()
    if joined:
        changes.append(f"rejoined {joined} wrapped lines")
    return out


def finish_lines(lines: list[str]) -> str:
    """Tidy each line's spaces, collapse runs of blank lines, strip the ends."""
    out: list[str] = []
    blank = 0
    for ln in lines:
        ln = tidy_spaces(ln.rstrip())
        if not ln.strip():
            blank += 1
            if blank > 1:
                continue
            ln = ""
        else:
            blank = 0
        out.append(ln)
    return "\n".join(out).strip("\n")


#: a text with at least this many form feeds is read as pages (running headers and footers removed)
MIN_FORM_FEEDS = 3


def normalize_text(text: str, changes: list[str], pages: list[str] | None = None, wrapped: bool = False) -> str:
    """Full normalization of a reader's output.

    ``pages``: the text per page (PDF) for header/footer removal; ``wrapped``: the
    lines were hard-wrapped by a layout (PDF text, text converted from PDF).
    """
    first = 0   # pages at the start whose edges are never running lines
    if pages is None and text.count("\f") >= MIN_FORM_FEEDS:
        # text converted from a PDF keeps its page breaks as form feeds: the running header/footer of the
        # pages after the first go (the first page's top is the report's own title, kept)
        pages, first = text.split("\f"), 1
    if pages is not None:
        page_lines = [basic_normalize(p, changes).split("\n") for p in pages]
        page_lines = page_lines[:first] + remove_running_lines(page_lines[first:], changes)
        lines = [ln for p in page_lines for ln in p]
    else:
        lines = basic_normalize(text, changes).split("\n")
    lines = remove_page_numbers(lines, changes)
    lines = [tidy_spaces(ln) for ln in lines]
    if wrapped or (pages is None and looks_wrapped(lines)):
        lines = rejoin_wrapped_lines(lines, changes)
    return finish_lines(lines)


def looks_wrapped(lines: list[str]) -> bool:
    """True when many lines have the same width and end mid-sentence (a hard-wrapped layout)."""
    width = _typical_width(lines)
    if width < 12 or width > 80:
        return False
    full = [ln for ln in lines if len(ln.strip()) >= width - 2]
    mid = [ln for ln in full if ln.strip()[-1] not in LINE_FINAL]
    return len(full) >= 6 and len(mid) >= 0.5 * len(full)
