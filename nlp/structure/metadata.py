"""Report metadata from the content (title, agency, year, era, date, contact), with the file name as a
fallback; ``Report.metadata_sources`` says where each value came from."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from ..document import Report
from ..format import (
    AGENCY_AS_SUBJECT,
    AGENCY_BARE_LEVEL_START,
    AGENCY_NAME_END,
    AGENCY_NAME_STOP,
    AGENCY_OWN_OFFICE,
    AGENCY_PLACE,
    AGENCY_SELF_REFERENCE,
    CONTACT_AGENCY,
    CONTACT_PATTERN,
    CRAWLER_BODY_MARK,
    CRAWLER_HEADER_KEY,
    DATE_PATTERN,
    ERA_2008,
    ERA_2019,
    ERA_2019_MARKERS,
    ERA_2021,
    ERA_2021_MARKERS,
    SIGNATURE_DATE,
    STAT_PERIOD,
    YEAR_IN_TEXT,
)

TITLE_AGENCY_FIRST = re.compile(
    r"(?P<agency>[\u4e00-\u9fff（）()·]{2,40}?)(?:（[^）]{0,20}）)?(?P<year>(?:19|20)\d{2})年度?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)")
TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(?:19|20)\d{2})年度?(?P<agency>[\u4e00-\u9fff（）()·]{2,40}?)(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)")
AGENCY_IN_PREAMBLE = re.compile(r"(?:本报告由|本年报由|由|请与)(?P<agency>[\u4e00-\u9fff]{3,30}?)(?:（以下简称[^）]{1,12}）)?(?:根据|依据|按照|编制|联系|负责)")
#: leading words of a page that are not part of an agency name
AGENCY_NOISE = re.compile(r"^(?:当前位置|首页|正文|标题|关于|发布|来源)[:：>\s]*")
#: words before an agency name in a sentence that announces the report (…现将/特向社会公布 X 2023年…报告)
AGENCY_LEAD = re.compile(r"^.*(?:现将|现公布|现公开|向社会公布|予以公布|现予公布|公布|发布|消息|年报|年度报告|编制的|地方政务)[，,：:]?")
AGENCY_TRAIL = re.compile(r"(?:编制的?|编写的?|制作的?|的)$")
FILENAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
AGENCY_END = re.compile(r"(政府|办公室|办公厅|委员会|局|厅|部|署|中心|办事处|街道|镇|乡|委|办|院|所|分局|管委会|旗|县|区|市)$")


def _head(text: str, n: int = 400) -> str:
    return re.sub(r"\s+", "", text[:n])


def _clean_agency(name: str) -> str:
    name = AGENCY_NOISE.sub("", name)
    name = AGENCY_LEAD.sub("", name)
    name = re.sub(r"^由", "", name)
    name = AGENCY_TRAIL.sub("", name)
    name = re.sub(r"^.*?(?:>>|》|\|)", "", name)
    name = name.strip("：:，,。 ")
    if name.endswith("关于"):
        name = name[:-2]
    return name


def infer_metadata(doc: Report, filename: str, hints: dict[str, str] | None = None) -> None:
    """Fill title, agency, year, era, publication date and contact on ``doc`` in place.

    ``hints``: a web page's own metadata (``page_title``, ``title``, ``publisher``,
    ``published``), read after the text and a crawler header."""
    hints = hints or {}
    text = doc.text
    src = doc.metadata_sources
    m = None
    first_lines = [ln.strip() for ln in text[:1500].split("\n") if ln.strip()][:12]
    windows = [ln for i in range(len(first_lines)) for ln in (first_lines[i], first_lines[i] + "".join(first_lines[i + 1:i + 2]))]
    windows += [hints[k] for k in ("title", "page_title") if hints.get(k)]
    for w in windows:
        w = re.sub(r"\s+", "", w)[:300]
        a = TITLE_AGENCY_FIRST.search(w)
        b = TITLE_YEAR_FIRST.search(w)
        if b and b.group("agency").startswith(("政府", "度", "政务")):
            b = None
        cand = min((x for x in (a, b) if x), key=lambda x: x.start(), default=None)
        if cand and looks_like_agency(_clean_agency(cand.group("agency"))):
            m = cand
            break
    if m:
        doc.title = m.group(0)
        agency = _clean_agency(m.group("agency"))
        if len(agency) >= 2:
            doc.agency = agency
            src["agency"] = "title"
        doc.year = int(m.group("year"))
        src["title"] = "text"
        src["year"] = "title"
    header = crawler_header(text)
    if hints.get("publisher"):
        header.setdefault("publisher", hints["publisher"])
    if hints.get("published"):
        header.setdefault("发布时间", hints["published"])
    if not doc.agency:
        for name, where in _agency_candidates(text, header):
            doc.agency, src["agency"] = name, where
            break
    if doc.year is None:
        ym = YEAR_IN_TEXT.search(text[:3000]) or STAT_PERIOD.search(text[:3000])
        if ym:
            doc.year = int(ym.group(1))
            src["year"] = "text"
    stem = Path(filename).stem
    if doc.year is None:
        fm = FILENAME_YEAR.search(stem)
        if fm:
            doc.year = int(fm.group(1))
            src["year"] = "filename"
    if doc.year is None:
        years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text[:5000]))
        if years:
            doc.year = years.most_common(1)[0][0]
            src["year"] = "most frequent year in text"
    if doc.agency and AGENCY_BARE_LEVEL_START.match(doc.agency):
        fuller = _with_place(doc.agency, text[:3000])
        if fuller:
            doc.agency = fuller
            src["agency"] += " (place from the text)"
    if not doc.agency:
        doc.agency = stem
        src["agency"] = "filename"
    if not doc.title:
        doc.title = f"{doc.agency}{doc.year or ''}年政府信息公开工作年度报告" if doc.year else doc.agency
        src["title"] = "constructed from agency and year"
    # era: the tables' labels decide; else the year
    if any(w in text for w in ERA_2021_MARKERS):
        doc.era, src["era"] = ERA_2021, "table labels"
    elif any(w in text for w in ERA_2019_MARKERS):
        doc.era, src["era"] = ERA_2019, "table labels"
    elif doc.year is not None:
        doc.era = ERA_2021 if doc.year >= 2021 else ERA_2019 if doc.year >= 2019 else ERA_2008
        src["era"] = "year"
    else:
        doc.era, src["era"] = "", "unknown"
    # publication date: a date after the reporting year near the start or the end
    candidates = []
    for region in (text[:400], text[-300:]):
        for dm in DATE_PATTERN.finditer(region):
            y, mo, d = (int(x) for x in dm.groups())
            if doc.year is None or y > doc.year and 1 <= mo <= 12 and 1 <= d <= 31:
                candidates.append(f"{y:04d}-{mo:02d}-{d:02d}")
    if candidates:
        doc.publication_date = candidates[-1]
        src["publication_date"] = "text"
    published = _header_date(header)
    if published and (doc.year is None or int(published[:4]) > doc.year):
        doc.publication_date, src["publication_date"] = published, "crawler header"
    cm = CONTACT_PATTERN.search(text[: max(doc.preamble[1], 1500)]) or CONTACT_PATTERN.search(text)
    if cm:
        doc.contact = cm.group(0).strip()


# ------------------------------------------------------------------ agency candidates

def looks_like_agency(name: str) -> bool:
    """Whether ``name`` reads as an agency's name (ends like one, holds no phrase words)."""
    return (2 <= len(name) <= 30 and bool(AGENCY_NAME_END.search(name)) and not AGENCY_NAME_STOP.search(name)
            and not re.search(r"[\d\s，。；：:,]", name))


def _longest_agency_prefix(name: str) -> str:
    """``平潭…办公室保密与电子政务处`` → ``平潭…办公室``: the longest prefix that reads as an agency."""
    for k in range(len(name), 1, -1):
        if looks_like_agency(name[:k]) and AGENCY_END.search(name[:k]):
            return name[:k]
    return ""


def _with_place(name: str, text: str) -> str:
    """``区集体经济发展服务署`` → ``深圳市福田区集体经济发展服务署``: the name as the text prints it
    with its place in front (the first such mention; '' when there is none)."""
    from ..agency import is_place_chain

    for m in re.finditer(r"(?:^|[\s:：，,。、“《（(>])([\u4e00-\u9fff]{2,12}?)" + re.escape(name), text, re.M):
        prefix = m.group(1)
        if is_place_chain(prefix + name[0]) and looks_like_agency(prefix + name):
            return prefix + name
    return ""


def crawler_header(text: str) -> dict[str, str]:
    """``key: value`` lines of a crawler's metadata header before the body (empty when none)."""
    mark = CRAWLER_BODY_MARK.search(text, 0, 3000)
    head = text[:mark.start()] if mark else text[:1500]
    out: dict[str, str] = {}
    for line in head.split("\n"):
        m = CRAWLER_HEADER_KEY.match(line.strip())
        if m:
            out.setdefault(m.group(0).rstrip(":： "), line.strip()[m.end():].strip())
    return out if (mark or len(out) >= 2) else {}


def _header_date(header: dict[str, str]) -> str:
    for key in ("发布时间", "发布日期", "成文日期", "发文日期"):
        m = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", header.get(key, ""))
        if m:
            y, mo, d = (int(x) for x in m.groups())
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def _agency_candidates(text: str, header: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Agency names printed in the report, most reliable place first: (name, where)."""
    for key in ("发布机构", "发文机关", "来源", "信息来源", "publisher"):
        value = re.sub(r"\s+", "", header.get(key, ""))
        if looks_like_agency(value):
            yield value, "crawler header"
    head = _head(text, 1500)
    pm = AGENCY_IN_PREAMBLE.search(head)
    if pm:
        name = _clean_agency(pm.group("agency"))
        name = name if looks_like_agency(name) else _longest_agency_prefix(name)
        if name:
            yield name, "preamble"
    m = CONTACT_AGENCY.search(text)
    if m and (name := _longest_agency_prefix(m.group("agency"))):
        office = AGENCY_OWN_OFFICE.match(name)
        yield (office.group("agency") if office else name), "contact line"
    m = AGENCY_AS_SUBJECT.search(text[:3000])
    if m and looks_like_agency(m.group("agency")):
        yield m.group("agency"), "opening sentence"
    first = next((ln.strip() for ln in text[:600].split("\n") if ln.strip()), "")
    if looks_like_agency(first) and AGENCY_END.search(first):
        yield first, "first line"
    tail = text[-300:].rstrip()
    m = SIGNATURE_DATE.search(tail)
    if m:
        name = re.split(r"[。；！？]", m.group("agency"))[-1].strip()
        name = name if looks_like_agency(name) else _longest_agency_prefix(name[-30:])
        if name:
            yield name, "signature"
    yield from _self_reference(text)


def _self_reference(text: str) -> Iterator[tuple[str, str]]:
    """``我局`` … ``温州市教育局``: the most frequent name ending like the agency calls itself."""
    refs = Counter(m.group(1) for m in AGENCY_SELF_REFERENCE.finditer(text))
    for suffix, _ in refs.most_common(2):
        names = Counter(m.group(1) for m in re.finditer(r"(?:^|[《“\s，、,（(])([\u4e00-\u9fff]{2,16}?" + suffix + ")", text, re.M))
        for name, _ in names.most_common():
            name = re.sub(r"^(?:关于|根据|按照|经|由|在)", "", name)
            if looks_like_agency(name) and len(name) > len(suffix) + 1 and (
                    AGENCY_PLACE.search(name[:-len(suffix)]) or suffix == "部" and len(name) <= 6):
                yield name, f"self-reference 我{suffix}"
                return
