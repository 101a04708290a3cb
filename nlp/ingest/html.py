"""HTML pages: the main content only (no site navigation), tables kept as rows of cells.

Table rows become lines of tab-separated cells; block elements become lines.
"""
from __future__ import annotations

import re

from ..errors import ReportReadError
from .normalize import normalize_text

DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
             "select", "template", "svg", "object", "embed")
CHROME = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|sidebar|share|copyright|banner|toolbar|login|search|"
                    r"position|location|related|friend|links?$", re.I)
CONTENT = re.compile(r"content|article|zoom|trs_?editor|detail|main|text|body|wenzhang|zw|news_?con", re.I)
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
         "blockquote", "pre", "dd", "dt", "dl", "hr", "center", "table", "tbody", "thead", "tfoot"}


def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content() or ""))


def _link_len(el) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


def _main_element(root):
    body = root.find(".//body")
    body = body if body is not None else root
    total = _text_len(body) or 1
    best, best_score = body, 0.0
    for el in body.iter("div", "article", "main", "td", "section"):
        n = _text_len(el)
        if n < 200 or n < 0.25 * total:
            continue
        score = n * (1 - min(1.0, _link_len(el) / n))
        ident = f"{el.get('id', '')} {el.get('class', '')}"
        if CONTENT.search(ident):
            score *= 1.5
        # prefer the deepest element that still holds most of the text
        if score >= best_score * 0.9:
            best, best_score = el, max(score, best_score)
    return best


def _render(el, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        for tr in el.iter("tr"):
            cells = [re.sub(r"\s+", " ", c.text_content() or "").strip() for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(cells):
                out.append("\n" + "\t".join(cells) + "\n")
        out.append("\n")
    else:
        if tag in BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            _render(child, out)
            if child.tail:
                out.append(child.tail)
        if tag in BLOCK:
            out.append("\n")


def read_html(raw: str, path: str, changes: list[str]) -> str:
    """Render an HTML page's main content to text."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(raw.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception as e:
        raise ReportReadError(path, f"not parseable as HTML: {e}") from None
    for bad in list(root.iter(*DROP_TAGS)):
        bad.drop_tree()
    for el in list(root.iter("div", "ul", "td", "span", "p", "section")):
        ident = f"{el.get('id', '')} {el.get('class', '')}".strip()
        if ident and CHROME.search(ident) and not CONTENT.search(ident) and el.getparent() is not None:
            el.drop_tree()
    main = _main_element(root)
    if main is not root:
        changes.append(f"kept the page's main content <{main.tag} id={main.get('id', '')!r} class={main.get('class', '')!r}>")
    out: list[str] = []
    _render(main, out)
    text = "".join(out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"[^\S\n\t]+", " ", text)
    return normalize_text(text, changes)
