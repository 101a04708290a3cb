"""What a web page says about itself: its ``<title>`` and the meta tags government sites
print (``ArticleTitle``, ``ContentSource``, ``PubDate`` …), as hints for the report's metadata."""
from __future__ import annotations

import re

#: meta names (lower case) → the hint they give
META_HINTS: dict[str, str] = {
    "articletitle": "title", "title": "title", "og:title": "title",
    "contentsource": "publisher", "author": "publisher", "source": "publisher", "publisher": "publisher",
    "sitename": "site",
    "pubdate": "published", "publishdate": "published", "firstpublishedtime": "published",
    "article:published_time": "published", "date": "published",
}
_META = re.compile(r"<meta\s+[^>]*>", re.I)
_ATTR = re.compile(r"""(name|property|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def page_metadata(raw: str, limit: int = 200_000) -> dict[str, str]:
    """Hints from a page's head: ``title``, ``page_title``, ``publisher``, ``site``, ``published``."""
    head = raw[:limit]
    out: dict[str, str] = {}
    m = _TITLE.search(head)
    if m:
        title = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).strip()
        if title:
            out["page_title"] = title[:300]
    for tag in _META.finditer(head):
        attrs = {a.group(1).lower(): next(g for g in a.groups()[1:] if g is not None) for a in _ATTR.finditer(tag.group())}
        name = (attrs.get("name") or attrs.get("property") or "").lower()
        hint = META_HINTS.get(name)
        value = re.sub(r"\s+", " ", attrs.get("content", "")).strip()
        if hint and value:
            out.setdefault(hint, value[:300])
    return out
