"""Reading files: formats, encodings, normalization, and a clear error for every bad input."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import EXCERPTS_DIR, REPORTS_DIR
from nlp.errors import ReportReadError
from nlp.ingest import read_source
from nlp.ingest.normalize import basic_normalize, fullwidth_to_ascii

# a short report written for these tests (not from the corpus)
SAMPLE = (
    "测试县人民政府2023年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "（一）主动公开情况。全年主动公开信息１２３条，较上年增加５％。\n"
    "（二）依申请公开情况。共收到申请８件。\n"
    "二、主动公开政府信息情况\n"
    "三、收到和处理政府信息公开申请情况\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n"
    "培训力度不够。下一步将加强培训。\n"
    "六、其他需要报告的事项\n"
    "本年度未收取信息处理费。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
    ("gbk", "gb18030"),          # GBK text is GB 18030 text: read with the wider codec
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
])
def test_encodings_are_detected(tmp_path, encoding, detected):
    p = write(tmp_path, f"r-{encoding}.txt", SAMPLE.encode(encoding))
    src = read_source(p)
    assert src.text.startswith("测试县人民政府2023年")
    assert "全年主动公开信息123条，较上年增加5%。" in src.text  # full-width digits and % normalized
    assert src.encoding == detected


def test_big5_traditional_text(tmp_path):
    trad = "測試縣人民政府2023年政府資訊公開工作年度報告\n一、總體情況\n本縣認真貫徹《條例》，推進政務公開。\n"
    p = write(tmp_path, "big5.txt", trad.encode("big5"))
    src = read_source(p)
    assert src.script == "traditional"
    assert "测试县人民政府" in src.text
    assert src.original_text is not None and len(src.original_text) == len(src.text)


def test_normalization_steps():
    changes: list[str] = []
    t = basic_normalize("第\u3000一\u00a0条\u200b[bookmark: _GoBack]共１２件，ＡＢ", changes)
    assert t == "第 一 条共12件，AB"
    assert any("zero-width" in c for c in changes) and any("bookmark" in c for c in changes)
    assert fullwidth_to_ascii("１２．５％") == "12.5%"


def test_traditional_excerpt_is_converted_with_same_offsets():
    trad = next(p for p in sorted(EXCERPTS_DIR.glob("2009-province-*.txt")))
    src = read_source(trad)
    assert src.script == "traditional"
    assert "政府信息公开" in src.text
    assert len(src.text) == len(src.original_text)


def test_seed_docx_artefacts_removed():
    src = read_source(REPORTS_DIR / "huaian-office-2019.txt")
    assert "[bookmark" not in src.text
    assert "其他法律行政止公开" in src.text  # typos are kept as printed


def test_pdf_text_layer_rejoined_and_page_numbers_dropped():
    src = read_source(REPORTS_DIR / "hongze-district-2023.pdf")
    assert src.format == "pdf"
    assert "- 1 -" not in src.text and "- 3 -" not in src.text
    # a sentence the PDF wrapped over two lines is one line again
    line = next(ln for ln in src.text.split("\n") if ln.startswith("（一）主动公开情况"))
    assert line.endswith("。") and "1136条" in line


def test_docx_reader_keeps_tables_as_rows(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("测试局2022年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本局持续推进政务公开。")
    t = d.add_table(rows=2, cols=3)
    for j, v in enumerate(["信息内容", "本年制发件数", "现行有效件数"]):
        t.cell(0, j).text = v
    for j, v in enumerate(["规章", "1", "9"]):
        t.cell(1, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    src = read_source(write(tmp_path, "r.docx", buf.getvalue()))
    assert src.format == "docx"
    assert "规章\t1\t9" in src.text
    assert src.text.index("本局持续推进") < src.text.index("规章\t1\t9")


def test_docx_paragraph_text_equals_python_docx(tmp_path):
    """The reader's own walk over a paragraph's runs gives python-docx's ``Paragraph.text``: runs,
    a hyperlink's runs, tabs, line and page breaks, carriage returns, non-breaking hyphens, and
    elements that carry no text (a bookmark, a field's instruction text)."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph

    from nlp.ingest.docx import _W_P, paragraph_text

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    p = d.add_paragraph("一、总体情况")
    run = p.add_run("（一）主动公开")
    run.add_tab()
    run.add_break()
    p.add_run("第二行")
    d.add_paragraph().add_run("分页前").add_break(docx.enum.text.WD_BREAK.PAGE)
    for body in (f'<w:p {w}><w:r><w:t>链接前</w:t></w:r><w:hyperlink><w:r><w:t xml:space="preserve">政府 </w:t></w:r>'
                 f'<w:r><w:t>网站</w:t></w:r></w:hyperlink><w:bookmarkStart w:id="0" w:name="x"/>'
                 f'<w:r><w:noBreakHyphen/><w:cr/><w:ptab w:relativeTo="margin" w:alignment="left" w:leader="none"/>'
                 f'<w:instrText>PAGE</w:instrText><w:t>末尾</w:t></w:r></w:p>',
                 f'<w:p {w}><w:pPr><w:jc w:val="center"/></w:pPr></w:p>'):
        d.element.body.append(parse_xml(body))
    paragraphs = list(d.element.body.iter(_W_P))
    assert len(paragraphs) == 4
    assert [paragraph_text(q) for q in paragraphs] == [Paragraph(q, d).text for q in paragraphs]
    assert paragraph_text(paragraphs[2]) == "链接前政府 网站-\n\t末尾"


def _python_docx_text(data: bytes) -> str:
    """What the reader gave when python-docx opened the package: the same walk over its body, each
    paragraph's text from python-docx's ``Paragraph.text``."""
    import docx
    from docx.text.paragraph import Paragraph

    from nlp.ingest.docx import _W, _W_P, table_rows
    from nlp.ingest.normalize import normalize_text

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W_P:
            lines.append(Paragraph(child, document).text)
        elif child.tag == f"{_W}tbl":
            lines += ["\t".join(" ".join("\n".join(Paragraph(q, document).text for q in tc.iterchildren(_W_P)).split())
                                for tc in row) for row in table_rows(child)]
            lines.append("")
    return normalize_text("\n".join(lines), [])


def _rezip(data: bytes, change) -> bytes:
    """A copy of the zip ``data`` with ``change(name, body) -> (name, body) | None`` applied to every member."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            kept = change(info.filename, z.read(info.filename))
            if kept is not None:
                w.writestr(kept[0], kept[1])
    return out.getvalue()


def test_docx_reader_reads_the_main_part_alone_as_python_docx_does(tmp_path):
    """The reader opens only the main document part (found through the package relationships and content
    types) and gives the text python-docx's ``Document`` gave: on the shipped demo .docx files, on a
    generated report's, and on a package whose main part has another name; a macro-enabled main part
    is refused as python-docx refuses it."""
    docx = pytest.importorskip("docx")
    from corpora.generate import CorpusConfig, write_corpus
    from nlp.ingest.docx import read_docx

    demo = sorted((Path(__file__).resolve().parents[1] / "corpora" / "demo").glob("*.docx"))
    write_corpus(tmp_path / "gen", CorpusConfig(agencies=4, years=1, start_year=2022, seed=3))
    generated = sorted((tmp_path / "gen").rglob("*.docx"))
    assert demo and generated
    for f in demo + generated:
        data = f.read_bytes()
        assert read_docx(data, str(f), []) == _python_docx_text(data), f

    d = docx.Document()
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本机关全年主动公开政府信息一百二十条。").add_run("分页").add_break(docx.enum.text.WD_BREAK.PAGE)
    buf = io.BytesIO()
    d.save(buf)
    renamed = _rezip(buf.getvalue(), lambda name, body: (
        "word/main.xml" if name == "word/document.xml" else name,
        body.replace(b"/word/document.xml", b"/WORD/MAIN.XML").replace(b'Target="word/document.xml"',
                                                                     b'Target="word/main.xml"')))
    assert read_docx(renamed, "r.docx", []) == _python_docx_text(renamed) == read_docx(buf.getvalue(), "r.docx", [])
    assert "本机关全年主动公开政府信息一百二十条。分页" in read_docx(renamed, "r.docx", [])
    macro = _rezip(buf.getvalue(), lambda name, body: (name, body.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")))
    with pytest.raises(ValueError):
        docx.Document(io.BytesIO(macro))
    with pytest.raises(ReportReadError, match=r"^m\.docx: not a readable \.docx file \(not a Word file"):
        read_docx(macro, "m.docx", [])


def test_html_main_content_only(tmp_path):
    html = """<html><head><meta charset="gbk"><title>x</title><script>var a=1;</script></head><body>
    <div class="nav"><a href="/">首页</a><a href="/x">政务公开</a><a href="/y">互动交流</a></div>
    <div id="content"><h1>测试区人民政府2021年政府信息公开工作年度报告</h1>
    <p>一、总体情况</p><p>（一）主动公开情况。全年主动公开信息二百余条，持续深化重点领域信息公开，不断提升公开质量。</p>
    <p>（二）依申请公开情况。共收到政府信息公开申请十件，全部按期答复，答复规范率持续提升。</p>
    <table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>550</td></tr></table>
    <p>二、主动公开政府信息情况</p></div>
    <div class="footer">版权所有 网站标识码 ICP备案</div></body></html>"""
    src = read_source(write(tmp_path, "r.html", html.encode("gbk")))
    assert "测试区人民政府" in src.text
    assert "行政许可\t550" in src.text
    assert "版权所有" not in src.text and "var a" not in src.text and "互动交流" not in src.text


# ------------------------------------------------------------------ bad input: a clear error naming the file

def assert_read_error(path: Path, *words: str) -> None:
    with pytest.raises(ReportReadError) as e:
        read_source(path)
    msg = str(e.value)
    assert str(path) in msg
    for w in words:
        assert w in msg.lower(), msg


def test_empty_file(tmp_path):
    assert_read_error(write(tmp_path, "empty.txt", b""), "empty")


def test_whitespace_only_file(tmp_path):
    assert_read_error(write(tmp_path, "blank.txt", b"  \n\n \t "), "no text")


def test_binary_file(tmp_path):
    assert_read_error(write(tmp_path, "blob.txt", bytes(range(256)) * 40), "binary")


def test_missing_file(tmp_path):
    assert_read_error(tmp_path / "nope.txt", "no such file")


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_MAX_BYTES", "1000")
    assert_read_error(write(tmp_path, "big.txt", SAMPLE.encode() * 10), "limit")


def test_scanned_pdf_without_text_layer(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    assert_read_error(write(tmp_path, "scan.pdf", buf.getvalue()), "no text layer")


def test_password_protected_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    r = pypdf.PdfReader(str(REPORTS_DIR / "hongze-district-2023.pdf"))
    w = pypdf.PdfWriter()
    for page in r.pages:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    assert_read_error(write(tmp_path, "locked.pdf", buf.getvalue()), "password")


def test_corrupt_pdf(tmp_path):
    assert_read_error(write(tmp_path, "broken.pdf", b"%PDF-1.7\n" + b"garbage" * 50), "pdf")


def test_corrupt_docx(tmp_path):
    assert_read_error(write(tmp_path, "broken.docx", b"PK\x03\x04" + b"\x00garbage" * 30), "docx")


def _pdf_text_pages(pages: int) -> str:
    """A report converted from a PDF to text: pages split by form feeds, each with the running header
    on top and a page-number footer."""
    title = "某某县人民政府2023年政府信息公开工作年度报告"
    body = [f"一、总体情况\n本年度第{k}批次政策文件已在门户网站集中公开，群众查阅便利。" for k in range(pages)]
    return title + "\n" + "".join(f"{'' if k == 0 else chr(12) + title + chr(10)}{b}\n— {k + 1} —\n"
                                  for k, b in enumerate(body))


def test_text_converted_from_a_pdf_loses_its_running_header_and_page_numbers(tmp_path):
    from nlp.ingest.normalize import MIN_FORM_FEEDS

    f = tmp_path / "converted.txt"
    f.write_text(_pdf_text_pages(MIN_FORM_FEEDS + 2), encoding="utf-8")
    doc = read_source(f)
    assert doc.text.count("某某县人民政府2023年政府信息公开工作年度报告") == 1     # the title on page 1 stays
    assert doc.text.startswith("某某县人民政府2023年政府信息公开工作年度报告")
    assert "—" not in doc.text and doc.text.count("群众查阅便利") == MIN_FORM_FEEDS + 2
    assert any("running headers" in c for c in doc.changes)
    # two page breaks: a line on two pages is not yet a running header (it may be the report's own text)
    f.write_text(_pdf_text_pages(3), encoding="utf-8")
    assert read_source(f).text.count("某某县人民政府2023年政府信息公开工作年度报告") == 3


def test_a_cell_at_many_page_edges_is_not_a_running_header():
    """A statistics table printed one cell a line over many pages puts 0 at most page edges; only lines
    with words can be a running header or footer."""
    from nlp.ingest.normalize import remove_running_lines

    pages = [["某某县2023年年报", "0", "12", "0"], ["某某县2023年年报", "0", "3", "0"], ["某某县2023年年报", "0", "0", "7"],
             ["某某县2023年年报", "5", "0", "0"]]
    changes: list[str] = []
    kept = remove_running_lines([list(p) for p in pages], changes)
    assert kept == [p[1:] for p in pages]
    assert changes == ["removed running headers/footers: ['某某县2023年年报']"]
