"""PDF ingest: PDFium character boxes give the same lines and text as pdfplumber, faster; page starts."""
from __future__ import annotations

import ctypes
import io
import math

import pytest

from conftest import REPORTS_DIR
from nlp.errors import ReportReadError
from nlp.ingest import read_source
from nlp.ingest.normalize import PAGE_NUMBER_LINE
from nlp.ingest.pdf import read_pdf, read_pdf_lines

SHARED_PDFS = sorted(REPORTS_DIR.glob("*.pdf"))


def _pdf(pages: list[list[tuple[str, float, float, float, float]]]) -> bytes:
    """A PDF written for these tests: (text, x, y, size, angle) per text object, Helvetica."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    for objects in pages:
        page = pdf.new_page(300, 400)
        for text, x, y, size, angle in objects:
            obj = raw.FPDFPageObj_NewTextObj(pdf, b"Helvetica", ctypes.c_float(size))
            buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
            raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
            c, s = math.cos(angle), math.sin(angle)
            raw.FPDFPageObj_Transform(obj, c, s, -s, c, x, y)
            raw.FPDFPage_InsertObject(page, obj)
        raw.FPDFPage_GenerateContent(page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("path", SHARED_PDFS, ids=lambda p: p.name)
def test_pdfium_lines_and_text_equal_pdfplumber(path):
    data = path.read_bytes()
    assert read_pdf_lines(data, str(path)) == read_pdf_lines(data, str(path), reader="pdfplumber")
    fast, slow = [], []
    assert read_pdf(data, str(path), fast, []) == read_pdf(data, str(path), slow, [], reader="pdfplumber")
    assert fast == slow


@pytest.mark.parametrize("path", SHARED_PDFS, ids=lambda p: p.name)
def test_page_starts_point_at_each_pages_first_line(path):
    src = read_source(path)
    pages = read_pdf_lines(path.read_bytes(), str(path))
    assert len(src.page_starts) == len(pages) and src.page_starts[0] == 0
    assert src.page_starts == sorted(src.page_starts)
    text = "".join(src.text.split())
    squeeze = [len("".join(src.text[:s].split())) for s in src.page_starts]
    for k, lines in enumerate(pages):
        first = "".join(next(t for t, _ in lines if not PAGE_NUMBER_LINE.match(t)).split())[:6]
        assert text[squeeze[k]:squeeze[k] + len(first)] == first, (k, first)


def test_generated_demo_pdfs_read_as_pdfplumber_reads_them(tmp_path):
    """The demo corpus printed to PDF by headless Chromium (skipped where Chromium or a CJK font is missing)."""
    from corpora.generate import CorpusConfig, write_corpus

    try:
        m = write_corpus(tmp_path, CorpusConfig(agencies=2, years=1, start_year=2021, seed=3, formats=("pdf",)))
    except RuntimeError as e:
        if "needs" not in str(e):   # Chromium or the font missing is a skip; Chromium failing is a failure
            raise
        pytest.skip(str(e))
    assert len(m["reports"]) == 2
    for e in m["reports"]:
        path = tmp_path / e["file"]
        data = path.read_bytes()
        lines = read_pdf_lines(data, str(path))
        assert lines == read_pdf_lines(data, str(path), reader="pdfplumber")
        assert sum(len(p) for p in lines) > 50
        assert read_pdf(data, str(path), [], []) == read_pdf(data, str(path), [], [], reader="pdfplumber")


def test_constructed_layout_same_as_pdfplumber_and_pages_located():
    data = _pdf([
        [("Annual report of a test agency", 20, 370, 12, 0), ("- 1 -", 140, 20, 9, 0),
         ("The first line of a long paragraph runs to", 20, 340, 10, 0), ("the margin and goes on.", 20, 326, 10, 0),
         ("Cell a   12", 20, 300, 10, 0), ("x2", 20, 280, 10, 0), ("3", 32, 284, 6, 0)],
        [("- 2 -", 140, 20, 9, 0), ("Second page starts here with words", 20, 370, 10, 0)],
        [],
        [("Fourth page text, after an empty page.", 20, 370, 10, 0)],
    ])
    assert read_pdf_lines(data, "t.pdf") == read_pdf_lines(data, "t.pdf", reader="pdfplumber")
    starts: list[int] = []
    warnings: list[str] = []
    text = read_pdf(data, "t.pdf", [], warnings, starts)
    assert "- 1 -" not in text and "x23" in text
    assert len(starts) == 4
    assert text[starts[1]:].startswith("Second page") and text[starts[3]:].startswith("Fourth page")
    assert starts[2] == starts[3]  # an empty page begins where the next page's text does
    assert any("pages without text" in w for w in warnings)


def test_rotated_text_is_read_with_pdfplumber():
    data = _pdf([[("Upright heading line of the page", 20, 370, 10, 0),
                  ("Turned label", 250, 100, 10, math.pi / 2)] + [(f"Body line number {i} of the page", 20, 340 - 14 * i, 10, 0)
                                                                  for i in range(4)]])
    lines = read_pdf_lines(data, "r.pdf")
    assert lines == read_pdf_lines(data, "r.pdf", reader="pdfplumber")
    assert read_pdf(data, "r.pdf", [], []) == read_pdf(data, "r.pdf", [], [], reader="pdfplumber")


def test_unreadable_pdf_names_the_file(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really a pdf")
    with pytest.raises(ReportReadError) as e:
        read_source(bad)
    assert "broken.pdf" in str(e.value) and "PDF" in str(e.value)
