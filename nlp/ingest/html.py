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


def _render(root, out: list[str]) -> None:
    """Append the text of ``root`` to ``out`` (blocks as lines, table rows as tab-separated cells).

    Iterative, so that deeply nested pages (thousands of levels) cannot exhaust the call stack.
    """
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        item, closing = stack.pop()
        if isinstance(item, str):          # a tail text, queued after its element
            out.append(item)
            continue
        el = item
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            if tag in BLOCK:
                out.append("\n")
            continue
        if tag == "table":
            for tr in el.iter("tr"):
                cells = [re.sub(r"\s+", " ", c.text_content() or "").strip() for c in tr
                         if isinstance(c.tag, str) and c.tag in ("td", "th")]
                if any(cells):
                    out.append("\n" + "\t".join(cells) + "\n")
            out.append("\n")
            continue
        if tag in BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        stack.append((el, True))
        for child in reversed(list(el)):
            if child.tail:
                stack.append((child.tail, False))
            stack.append((child, False))


_SKIP_CONTENT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_LINE_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|/?section|/?article|/?table|/?blockquote|hr)\b[^>]*>", re.I)
_CELL_TAG = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def flat_text(raw: str) -> str:
    """The page's text without a tree: tags removed, block ends as newlines, cell ends as tabs.

    Used when the HTML parser gives up on a page nested deeper than it allows."""
    import html as html_lib

    t = _SKIP_CONTENT.sub(" ", raw)
    t = _LINE_TAG.sub("\n", t)
    t = _CELL_TAG.sub("\t", t)
    t = _ANY_TAG.sub("", t)
    t = html_lib.unescape(t)
    return re.sub(r"[ \t]*\n[ \t]*", "\n", t)


def read_html(raw: str, path: str, changes: list[str], max_chars: int | None = None) -> str:
    """Render an HTML page's main content to text (``max_chars``: refuse a page with more text)."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(raw.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    except (lxml.etree.LxmlError, ValueError) as e:
        raise ReportReadError(path, f"not parseable as HTML: {e}") from None
    parsed_chars = _text_len(root)
    flat = flat_text(raw)
    flat_chars = len(re.sub(r"\s+", "", flat))
    if max_chars is not None and max(parsed_chars, flat_chars) > max_chars:
        raise ReportReadError(path, f"{max(parsed_chars, flat_chars):,} characters of text, over the "
                                    f"{max_chars:,} character limit (set XXGK_MAX_CHARS to raise it)")
    if flat_chars and parsed_chars < 0.5 * flat_chars:
        # the parser stops at a nesting depth (2,048 levels) and drops what lies deeper
        changes.append("page nested too deeply for the HTML parser: read as flat text (tags removed)")
        return normalize_text(re.sub(r"[^\S\n\t]+", " ", flat), changes)
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
