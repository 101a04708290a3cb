"""PDF text layers, page by page (pdfplumber); scanned or encrypted PDFs are refused clearly.

Hard line wraps are undone with the page geometry: a line that reaches the right
margin and does not end a sentence continues on the next line (also across a page
break, after page numbers and running headers/footers are dropped).
"""
from __future__ import annotations

import io
import re

from ..errors import ReportReadError
from .normalize import PAGE_NUMBER_LINE, normalize_text, remove_running_lines

#: fewer characters than this per page on average means there is no usable text layer
MIN_CHARS_PER_PAGE = 20
SENTENCE_FINAL = set("。！？；：!?;:")
#: characters on one text line may sit this fraction of the median character size above or below each other
LINE_TOLERANCE = 0.45
#: a table row: two or more numbers at the end of the line
BARE_PAGE_NUMBER = re.compile(r"^\s*[（(]?\d{1,3}[）)]?\s*$")
NUMERIC_TAIL = re.compile(r"(?:\s+[-\d.,/]+){2,}\s*$")


def _page_lines(page) -> list[tuple[str, bool]]:
    """(text, reaches_right_margin) for each text line of a page."""
    try:
        sizes = sorted(c.get("size", 0) for c in page.chars)
        # a baseline shift (digits in another font, a large title) must not split a line:
        # the vertical tolerance follows the page's typical character size
        y_tol = max(3.0, LINE_TOLERANCE * sizes[len(sizes) // 2]) if sizes else 3.0
        lines = page.extract_text_lines(strip=True, return_chars=False, y_tolerance=y_tol)
    except Exception:
        return [(ln, False) for ln in (page.extract_text() or "").split("\n")]
    if not lines:
        return []
    right = max(ln["x1"] for ln in lines)
    out = []
    for ln in lines:
        text = ln["text"]
        n = max(1, len(text.replace(" ", "")))
        char_w = (ln["x1"] - ln["x0"]) / n
        out.append((text, ln["x1"] >= right - 1.2 * max(char_w, 4.0)))
    return out


def _join(pages: list[list[tuple[str, bool]]], changes: list[str]) -> str:
    out: list[str] = []
    cont = False
    joined = 0
    for page in pages:
        for text, full in page:
            if cont and out and text.strip() and not NUMERIC_TAIL.search(text):
                out[-1] = out[-1].rstrip() + text.strip()
                joined += 1
            else:
                out.append(text)
            last = out[-1].rstrip()
            cont = bool(full and last and last[-1] not in SENTENCE_FINAL and not NUMERIC_TAIL.search(last))
    if joined:
        changes.append(f"rejoined {joined} wrapped lines (PDF layout)")
    return "\n".join(out)


def is_password_error(error: BaseException, data: bytes) -> bool:
    """True when opening failed because the PDF is encrypted with a password we do not have."""
    name = type(error).__name__
    msg = str(error).lower()
    return ("Password" in name or "Encryption" in name or "password" in msg or "encrypt" in msg
            or (b"/Encrypt" in data and "PDFSyntaxError" not in name))


def read_pdf(data: bytes, path: str, changes: list[str], warnings: list[str]) -> str:
    try:
        import pdfplumber
    except ImportError as e:  # pragma: no cover
        raise ReportReadError(path, f"pdfplumber is not installed: {e}") from None
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings flood stderr otherwise
    pages: list[list[tuple[str, bool]]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(_page_lines(page))
    except Exception as e:
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e  # pdfplumber wraps pdfminer's
        name = type(inner).__name__
        msg = str(inner)
        if is_password_error(inner, data):
            raise ReportReadError(path, "password-protected PDF: remove the password first") from None
        raise ReportReadError(path, f"not a readable PDF ({name}: {msg[:120]})") from None
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
    return normalize_text(_join(pages, changes), changes, wrapped=False)
