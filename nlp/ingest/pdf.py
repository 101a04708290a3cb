"""PDF text layers, page by page; scanned or encrypted PDFs are refused clearly.

Characters and their boxes come from PDFium (``pypdfium2``, about ten times faster
than pdfminer); they are grouped into lines the way pdfplumber's
``extract_text_lines`` groups them, so the text is the same as pdfplumber's. A PDF
with rotated or vertical text, which this grouping does not model, is read with
pdfplumber instead.

Hard line wraps are undone with the page geometry: a line that reaches the right
margin and does not end a sentence continues on the next line (also across a page
break, after page numbers and running headers/footers are dropped).
"""
from __future__ import annotations

import io
import re
import threading
from typing import NamedTuple

from ..errors import ReportReadError
from .normalize import PAGE_NUMBER_LINE, normalize_text, remove_running_lines

#: fewer characters than this per page on average means there is no usable text layer
MIN_CHARS_PER_PAGE = 20
SENTENCE_FINAL = set("。！？；：!?;:")
#: characters on one text line may sit this fraction of the median character size above or below each other
LINE_TOLERANCE = 0.45
#: a gap wider than this (points) between two characters starts a new word (pdfplumber's x_tolerance)
WORD_GAP = 3.0
#: a character box wider than this many font sizes belongs to a vertical-writing font
VERTICAL_WIDTH = 2.0
#: a table row: two or more numbers at the end of the line
BARE_PAGE_NUMBER = re.compile(r"^\s*[（(]?\d{1,3}[）)]?\s*$")
NUMERIC_TAIL = re.compile(r"(?:\s+[-\d.,/]+){2,}\s*$")
#: marks where a page begins while the joined text is normalized (private use, never in a report)
PAGE_MARK = "\ue000"
#: PDFium is not thread-safe: one document at a time per process
_PDFIUM_LOCK = threading.Lock()
#: ligatures spelled out, as pdfplumber does
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

#: one text line of a page: its text and whether it reaches the right margin
PageLine = tuple[str, bool]


class Char(NamedTuple):
    """One printed character with its box (points; ``top``/``bottom`` measured from the page top)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


class RotatedText(Exception):
    """The page has rotated or vertical characters: read it with pdfplumber."""


def line_tolerance(chars: list[Char]) -> float:
    """Vertical tolerance of one line: a baseline shift (digits in another font, a large title) must not
    split a line, so it follows the page's typical (median) character size."""
    sizes = sorted(c.size for c in chars)
    return max(3.0, LINE_TOLERANCE * sizes[len(sizes) // 2]) if sizes else 3.0


def _cluster(values: list[float], tolerance: float) -> dict[float, int]:
    """Cluster id of each distinct value: sorted values chained while each is within ``tolerance`` of the last."""
    ids: dict[float, int] = {}
    last: float | None = None
    k = -1
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            k += 1
        ids[v] = k
        last = v
    return ids


def _words(chars: list[Char], y_tol: float) -> list[list[Char]]:
    """Characters → words in line order (pdfplumber's WordExtractor with ``y_tolerance=y_tol``)."""
    ids = _cluster([c.top for c in chars], y_tol)
    lines: dict[int, list[Char]] = {}
    for c in chars:
        lines.setdefault(ids[c.top], []).append(c)
    words: list[list[Char]] = []
    for k in sorted(lines):
        word: list[Char] = []
        for c in sorted(lines[k], key=lambda c: c.x0):
            if c.text.isspace():
                if word:
                    words.append(word)
                word = []
                continue
            if word:
                p = word[-1]
                if c.x0 < p.x0 or c.x0 > p.x1 + WORD_GAP or abs(c.top - p.top) > y_tol:
                    words.append(word)
                    word = []
            word.append(c)
        if word:
            words.append(word)
    return words


def lines_from_chars(chars: list[Char]) -> list[tuple[str, float, float]]:
    """(text, x0, x1) of each text line, grouped as pdfplumber's ``extract_text_lines(strip=True)``."""
    if not chars:
        return []
    y_tol = line_tolerance(chars)
    words = _words(chars, y_tol)
    tops = [min(c.top for c in w) for w in words]
    ids = _cluster(tops, y_tol)
    out: list[tuple[str, float, float]] = []
    k_prev = None
    for w, top in zip(words, tops):
        k = ids[top]
        text = "".join(LIGATURES.get(c.text, c.text) for c in w)
        x0, x1 = min(c.x0 for c in w), max(c.x1 for c in w)
        if k == k_prev:
            t, a, b = out[-1]
            out[-1] = (t + " " + text, min(a, x0), max(b, x1))
        else:
            out.append((text, x0, x1))
        k_prev = k
    return out


def _margin_lines(lines: list[tuple[str, float, float]]) -> list[PageLine]:
    """Mark the lines that reach the page's right margin (within about one character)."""
    if not lines:
        return []
    right = max(x1 for _, _, x1 in lines)
    out = []
    for text, x0, x1 in lines:
        n = max(1, len(text.replace(" ", "")))
        char_w = (x1 - x0) / n
        out.append((text, x1 >= right - 1.2 * max(char_w, 4.0)))
    return out


def _pdfium_chars(textpage, page_top: float) -> list[Char]:
    """The page's printed characters (PDFium's generated spaces and line breaks left out)."""
    import ctypes

    import pypdfium2.raw as raw

    # one ctypes call per attribute and character: bound once, with their out-parameters
    tp = textpage.raw
    get_unicode, is_generated = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated
    get_matrix, get_box, get_size = raw.FPDFText_GetMatrix, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
    box, m = raw.FS_RECTF(), raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    box_ref, m_ref = ctypes.byref(box), ctypes.byref(m)
    chars: list[Char] = []
    n = raw.FPDFText_CountChars(tp)
    for i in range(n):
        u = get_unicode(tp, i)
        if u in (0x20, 0x0D, 0x0A) and is_generated(tp, i) != 0:  # PDFium adds only spaces and line breaks
            continue
        if 0xD800 <= u <= 0xDBFF and i + 1 < n:  # a character outside the BMP is two UTF-16 units
            text = (chr(u).encode("utf-16-le", "surrogatepass")
                    + chr(get_unicode(tp, i + 1)).encode("utf-16-le", "surrogatepass")).decode("utf-16-le", "replace")
        elif 0xDC00 <= u <= 0xDFFF:
            continue
        else:
            text = chr(u)
        get_matrix(tp, i, m_ref)
        if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
            raise RotatedText
        get_box(tp, i, box_ref)
        size = get_size(tp, i) * m.d
        if box.right - box.left > VERTICAL_WIDTH * size:
            # a glyph of a vertical-writing font: PDFium's loose box is meaningless there, but its origin is
            # the box's lower left corner (as pdfminer places it)
            raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(ox), ctypes.byref(oy))
            x0, x1, bottom = ox.value, ox.value + size, page_top - oy.value
        else:
            x0, x1, bottom = box.left, box.right, page_top - box.bottom
        # pdfminer's box is one font size high from the descent line; PDFium's loose box uses the font's ascent
        chars.append(Char(text, x0, bottom - size, x1, bottom, size))
    return chars


def _read_pdfium(data: bytes, path: str) -> list[list[PageLine]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if is_password_error(e, data):
            raise ReportReadError(path, "password-protected PDF: remove the password first") from None
        raise ReportReadError(path, f"not a readable PDF ({msg[:120]})") from None
    try:
        pages: list[list[PageLine]] = []
        for k in range(len(pdf)):
            page = pdf[k]
            try:
                if page.get_rotation() % 360:
                    raise RotatedText
                textpage = page.get_textpage()
                try:
                    chars = _pdfium_chars(textpage, page.get_mediabox()[3])
                finally:
                    textpage.close()
            finally:
                page.close()
            pages.append(_margin_lines(lines_from_chars(chars)))
        return pages
    finally:
        pdf.close()


def pdfminer_errors() -> tuple[type[BaseException], ...]:
    """What pdfplumber raises on a malformed PDF: its wrapper of pdfminer's errors, pdfminer's own
    parser errors, and the built-in errors pdfminer's parsers let through on a broken stream or table."""
    import struct
    import zlib

    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (PdfminerException, PSException, struct.error, zlib.error, EOFError, ValueError, LookupError,
            TypeError, AttributeError, ArithmeticError, AssertionError, RecursionError)


def _page_lines(page) -> list[PageLine]:
    """(text, reaches_right_margin) for each text line of a pdfplumber page; the plain text lines when
    pdfminer cannot lay the page out."""
    try:
        sizes = sorted(c.get("size", 0) for c in page.chars)
        y_tol = max(3.0, LINE_TOLERANCE * sizes[len(sizes) // 2]) if sizes else 3.0
        lines = page.extract_text_lines(strip=True, return_chars=False, y_tolerance=y_tol)
    except pdfminer_errors():
        return [(ln, False) for ln in (page.extract_text() or "").split("\n")]
    return _margin_lines([(ln["text"], ln["x0"], ln["x1"]) for ln in lines])


def _read_pdfplumber(data: bytes, path: str) -> list[list[PageLine]]:
    try:
        import pdfplumber
    except ImportError as e:  # pragma: no cover
        raise ReportReadError(path, f"pdfplumber is not installed: {e}") from None
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings flood stderr otherwise
    pages: list[list[PageLine]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(_page_lines(page))
    except pdfminer_errors() as e:
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e  # pdfplumber wraps pdfminer's
        name = type(inner).__name__
        msg = str(inner)
        if is_password_error(inner, data):
            raise ReportReadError(path, "password-protected PDF: remove the password first") from None
        raise ReportReadError(path, f"not a readable PDF ({name}: {msg[:120]})") from None
    return pages


def is_password_error(error: BaseException, data: bytes) -> bool:
    """True when opening failed because the PDF is encrypted with a password we do not have."""
    name = type(error).__name__
    msg = str(error).lower()
    return ("Password" in name or "Encryption" in name or "password" in msg or "encrypt" in msg
            or (b"/Encrypt" in data and "PDFSyntaxError" not in name))


def _join(pages: list[list[PageLine]], changes: list[str]) -> str:
    """Lines → text, wrapped lines rejoined; ``PAGE_MARK`` where each page's text begins
    (a page without text begins where the next page's text does)."""
    out: list[str] = []
    cont = False
    joined = 0
    pending = ""
    for page in pages:
        mark = pending + PAGE_MARK
        for text, full in page:
            if cont and out and text.strip() and not NUMERIC_TAIL.search(text):
                out[-1] = out[-1].rstrip() + mark + text.strip()
                joined += 1
            else:
                out.append(mark + text)
            mark = ""
            last = out[-1].rstrip()
            cont = bool(full and last and last[-1] not in SENTENCE_FINAL and not NUMERIC_TAIL.search(last))
        pending = mark
    if pending and out:
        out[-1] += pending
    if joined:
        changes.append(f"rejoined {joined} wrapped lines (PDF layout)")
    return "\n".join(out)


def _page_starts(marked: str, text: str) -> list[int]:
    """Offsets into ``text`` where each page begins, from the ``PAGE_MARK`` positions in ``marked``
    (the same text normalized with the marks in it)."""
    starts: list[int] = []
    for i, ch in enumerate(marked):
        if ch == PAGE_MARK:
            starts.append(min(i - len(starts), len(text)))
    return starts


def read_pdf_lines(data: bytes, path: str, reader: str = "pdfium") -> list[list[PageLine]]:
    """The text lines of each page; ``reader`` 'pdfium' (falls back to pdfplumber for rotated or
    vertical text) or 'pdfplumber'."""
    if reader == "pdfium":
        try:
            with _PDFIUM_LOCK:
                return _read_pdfium(data, path)
        except RotatedText:
            pass
    return _read_pdfplumber(data, path)


def read_pdf(data: bytes, path: str, changes: list[str], warnings: list[str],
             page_starts: list[int] | None = None, reader: str = "pdfium") -> str:
    """The normalized text of a PDF's text layer; ``page_starts`` (when given) receives the offset
    into the returned text where each page begins."""
    pages = read_pdf_lines(data, path, reader)
    if not pages:
        raise ReportReadError(path, "PDF has no pages")
    chars = sum(len(t.replace(" ", "")) for p in pages for t, _ in p)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        raise ReportReadError(path, f"PDF has no text layer ({chars} characters on {len(pages)} pages): "
                                    "a scanned document must be OCR'd first")
    empty = [i + 1 for i, p in enumerate(pages) if not p]
    if empty:
        warnings.append(f"pages without text (scanned?): {empty}")
    # drop page numbers and running headers/footers before rejoining across page breaks
    before = sum(len(p) for p in pages)
    pages = [[(t, f) for k, (t, f) in enumerate(p)
              if not (PAGE_NUMBER_LINE.match(t) or (k in (0, len(p) - 1) and BARE_PAGE_NUMBER.match(t)))] for p in pages]
    if sum(len(p) for p in pages) != before:
        changes.append(f"removed {before - sum(len(p) for p in pages)} page-number lines")
    texts = remove_running_lines([[t for t, _ in p] for p in pages], changes)
    pages = [[(t, f) for t, f in p if t in set(kept)] for p, kept in zip(pages, texts)]
    marked = _join(pages, changes)
    text = normalize_text(marked.replace(PAGE_MARK, ""), changes, wrapped=False)
    if page_starts is not None:
        # normalization works line by line, so the marks keep their place; the offsets are exact
        # when the marked text normalizes to the same characters, else off by the few marks before
        page_starts[:] = _page_starts(normalize_text(marked, [], wrapped=False), text)
    return text
