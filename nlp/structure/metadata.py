"""Report metadata from the content (title, agency, year, era, date, contact), with the file name as a
fallback; ``Report.metadata_sources`` says where each value came from."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..document import Report
from ..vocabulary import (
    CONTACT_PATTERN,
    DATE_PATTERN,
    ERA_2008,
    ERA_2019,
    ERA_2019_MARKERS,
    ERA_2021,
    ERA_2021_MARKERS,
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
AGENCY_LEAD = re.compile(r"^.*(?:现将|现公布|向社会公布|予以公布|现予公布|公布|发布|消息|年报|年度报告|编制的|地方政务)[，,：:]?")
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


def infer_metadata(doc: Report, filename: str) -> None:
    """Fill title, agency, year, era, publication date and contact on ``doc`` in place."""
    text = doc.text
    src = doc.metadata_sources
    m = None
    first_lines = [ln.strip() for ln in text[:1500].split("\n") if ln.strip()][:12]
    windows = [ln for i in range(len(first_lines)) for ln in (first_lines[i], first_lines[i] + "".join(first_lines[i + 1:i + 2]))]
    for w in windows:
        w = re.sub(r"\s+", "", w)[:300]
        a = TITLE_AGENCY_FIRST.search(w)
        b = TITLE_YEAR_FIRST.search(w)
        if b and b.group("agency").startswith(("政府", "度", "政务")):
            b = None
        cand = min((x for x in (a, b) if x), key=lambda x: x.start(), default=None)
        if cand and len(_clean_agency(cand.group("agency"))) >= 2 and not _clean_agency(cand.group("agency")).startswith(("我", "本")):
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
    if not doc.agency:
        pm = AGENCY_IN_PREAMBLE.search(_head(text, 1500))
        if pm and AGENCY_END.search(pm.group("agency")):
            doc.agency = _clean_agency(pm.group("agency"))
            src["agency"] = "preamble"
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
    cm = CONTACT_PATTERN.search(text[: max(doc.preamble[1], 1500)]) or CONTACT_PATTERN.search(text)
    if cm:
        doc.contact = cm.group(0).strip()
