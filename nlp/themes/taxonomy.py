"""The theme taxonomy (fixed, versioned) and the heading → theme labelling.

The rules themselves are vocabulary and live in ``nlp.format``
(``HEADING_THEME_RULES``, ``PART_THEMES``, ``IMPROVEMENT_TURN``); this module only
applies them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import format as V

#: bump when a theme is added/removed/redefined or the heading rules change meaning;
#: a model trained under another version refuses to load
TAXONOMY_VERSION = "1.0"


@dataclass(frozen=True)
class Theme:
    """A theme: key, Chinese name and what it covers."""

    key: str
    name: str
    covers: str


THEMES: tuple[Theme, ...] = (
    Theme("training", "宣传培训", "training and publicity on the regulation: courses, study sessions, staff skills"),
    Theme("proactive", "主动公开", "proactive disclosure: what was published, policy interpretation (政策解读), key areas (重点领域)"),
    Theme("requests", "依申请公开", "requests: receiving, handling and answering applications for information"),
    Theme("management", "政府信息管理", "information management: review (审核), secrecy review (保密审查), clean-up of normative documents, publishing workflow"),
    Theme("platforms", "平台建设", "platforms: websites, government new media, notice boards, press conferences, hotlines"),
    Theme("supervision", "监督保障", "supervision and safeguards: leadership and organisation, assessment, public evaluation, accountability"),
    Theme("problems", "存在的问题", "problems: shortcomings the agency reports"),
    Theme("improvements", "改进措施", "improvements: measures taken or planned (下一步)"),
    Theme("other", "其他", "anything else: reconsideration and litigation, fees, other matters"),
)
THEME_KEYS: tuple[str, ...] = tuple(t.key for t in THEMES)
THEME_NAMES: dict[str, str] = {t.key: t.name for t in THEMES}
assert THEME_KEYS == V.THEME_KEYS, "taxonomy and vocabulary disagree on the theme keys"

#: themes a text can have given the part it sits in (structure, not headings): part 五 is
#: problems/improvements only; the narrative of 总体情况/主动公开/依申请 parts never is.
#: Parts not listed (四, 六, fees, unknown — parsers put part 五 text under 四 when its
#: title is lost) allow every theme.
PART_ALLOWED_THEMES: dict[str, tuple[str, ...]] = {
    "problems": ("problems", "improvements"),
    "overview": tuple(k for k in V.THEME_KEYS if k not in ("problems", "improvements")),
    "proactive": tuple(k for k in V.THEME_KEYS if k not in ("problems", "improvements")),
    "requests": tuple(k for k in V.THEME_KEYS if k not in ("problems", "improvements")),
}

_MARKER = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*是|第[一二三四五六七八九十]{1,3}\s*[，,、：:．.]?"
    r"|[一二三四五六七八九十]{1,3}\s*[、，,．.：:]|\d{1,2}\s*[.．、])\s*"
)


def normalize_heading(heading: str) -> str:
    """The heading without its numbering marker, whitespace and trailing punctuation."""
    h = _MARKER.sub("", heading or "")
    h = re.sub(r"\s+", "", h)
    return h.strip("。：:；;，,")


def theme_for_heading(heading: str, part_key: str = "") -> str | None:
    """The theme a section heading announces, or None when no rule matches.

    Inside part 五 (``part_key == 'problems'``) every heading is one of the two
    halves: 问题 words → problems, otherwise improvements.
    """
    h = normalize_heading(heading)
    if not h:
        return None
    theme = _rule_theme(h, part_key)
    if theme is None and part_key == "problems":
        return "improvements"
    return theme


def theme_for_opener(phrase: str, part_key: str = "") -> str | None:
    """The theme an enumerated item's opening phrase (一是加强培训 → training) announces, or None.

    A phrase that states a shortcoming (``OPENER_PROBLEM``: 仍需, 不够 …) is problems and one
    that opens a measure to come (``OPENER_IMPROVEMENT``: 进一步 …) improvements outside part 一,
    whatever its topic; otherwise the heading rules decide, without part 五's default (a bare measure
    in a problems list is not an improvement).
    """
    h = normalize_heading(phrase)
    if not h:
        return None
    if V.OPENER_PROBLEM.search(h):
        return "problems"
    if part_key != "overview" and V.OPENER_IMPROVEMENT.search(h):
        return "improvements"  # in part 一, 持续/继续 describe the year's ongoing work
    return _rule_theme(h, part_key)


def _rule_theme(h: str, part_key: str) -> str | None:
    """The first heading rule that matches the normalized phrase ``h`` in part ``part_key``."""
    for rule in V.HEADING_THEME_RULES:
        if rule.parts and part_key not in rule.parts:
            continue
        if part_key == "problems" and rule.theme not in ("problems", "improvements"):
            continue
        if rule.pattern.search(h):
            return rule.theme
    return None


def theme_for_part(part_key: str, title: str = "") -> str | None:
    """The theme of a part's unheaded text: by its title's rules, else by its key (None for 总体情况)."""
    if part_key == "overview":
        return None
    if part_key == "problems":
        return None  # two halves: see improvement_turn()
    theme = theme_for_heading(title, part_key) if title else None
    return theme or V.PART_THEMES.get(part_key)


def improvement_turn(text: str) -> int | None:
    """Offset in ``text`` where the improvements half of an unheaded part 五 text begins, or None."""
    m = V.IMPROVEMENT_TURN.search(text)
    return m.start() if m else None
