"""Generate synthetic 政府信息公开工作年度报告 with a ground-truth manifest.

Each report follows the 2019 layout (years up to 2020) or the 2021 layout (2021
on): six parts, part 一 in themed sections, tables 2, 3 and 4 whose numbers obey
the consistency rules, narrative sentences that restate table values, and part
六 reporting fees. On top of that the generator plants, and records:

- copies: sentences or whole sections reused from the same agency's previous
  report (``kind='self'``) or from another agency's report of the same year
  (``kind='cross'``), with offsets into both canonical texts;
- errors: printed table cells or narrative numbers that break a rule, with the
  rules that now fail (evaluated by :func:`expected_failures`).

Offsets in the manifest refer to the report's *canonical text*: exactly the
text of its ``.txt`` rendering. Other formats carry the same narrative text, so
a passage can be found in the parsed ``Report.text`` by its ``text``.

Run ``python -m corpora.generate --out DIR --agencies 4 --years 3 --seed 0``.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import random
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from nlp import format as V

from . import phrases as P

GENERATOR_VERSION = 2
#: formats written by default (pure Python, byte-for-byte reproducible)
FORMATS = ("txt", "md", "docx", "html")
#: every format; 'pdf' prints the HTML rendering with headless Chromium and needs a CJK font
ALL_FORMATS = FORMATS + ("pdf",)
CN_DIGITS = "一二三四五六七八九十"

# ---------------------------------------------------------------- agencies


@dataclass
class PrintHabits:
    """How an agency prints its tables (choices among the variants in ``nlp.format``)."""

    number_mark: str = V.PRINTED_NUMBER_MARKS[0]
    request_note: str = V.PRINTED_REQUEST_NOTES[0]
    table_unit: str = V.PRINTED_TABLE_UNITS[0]
    legal_persons: str = V.PRINTED_REQUEST_LEGAL_PERSONS_VARIANTS[0]
    review_total: str = V.PRINTED_REVIEW_TOTAL_VARIANTS[0]
    request_rows: dict[str, str] = field(default_factory=dict)   # row key -> printed label, where it varies

    @classmethod
    def draw(cls, agency_id: str) -> "PrintHabits":
        """The habits of an agency, seeded by its id only (other random draws are unaffected)."""
        rng = random.Random(f"print-habits:{agency_id}")
        return cls(number_mark=rng.choice(V.PRINTED_NUMBER_MARKS), request_note=rng.choice(V.PRINTED_REQUEST_NOTES),
                   table_unit=rng.choice(V.PRINTED_TABLE_UNITS),
                   legal_persons=rng.choice(V.PRINTED_REQUEST_LEGAL_PERSONS_VARIANTS),
                   review_total=rng.choice(V.PRINTED_REVIEW_TOTAL_VARIANTS),
                   request_rows={k: rng.choice(v) for k, v in V.PRINTED_REQUEST_ROW_VARIANTS.items()})


@dataclass
class Agency:
    """An invented agency: names, business fields and writing habits."""

    id: str
    name: str
    place: str
    level: str
    dept: str
    self_names: tuple[str, ...]
    domain: str
    fields: tuple[str, ...]
    platform: str
    scale: float
    makes_rules: bool
    laziness: float          # probability of reusing last year's text, per section
    heading_inline: bool     # "（一）主动公开情况。正文…" versus a heading line
    txt_table_shape: str     # 'rows' (label and numbers on a line) or 'cells' (one cell a line)
    training_section: bool   # a 宣传培训 section in part 一
    print_habits: PrintHabits = field(default_factory=PrintHabits)


def make_agencies(n: int, rng: random.Random) -> list[Agency]:
    """``n`` distinct invented agencies (place × department), deterministic for a seed."""
    places = list(P.PLACES)
    rng.shuffle(places)
    if n > len(places) * len(P.DEPARTMENTS):
        raise ValueError(f"at most {len(places) * len(P.DEPARTMENTS)} agencies can be generated, asked for {n}")
    # departments in a fixed order of commonness, each round on fresh places
    chosen: list[tuple[tuple[str, str, str], dict]] = []
    k = 0
    while len(chosen) < n:
        rnd, d = divmod(k, len(P.DEPARTMENTS))
        dept = P.DEPARTMENTS[d]
        place = places[(d + rnd) % len(places)]
        chosen.append((place, dept))
        k += 1
    agencies = []
    for (place, slug, level), dept in chosen:
        fill = lambda s: s.replace("<place>", place).replace("<level>", level)  # noqa: E731
        agencies.append(Agency(
            id=f"{slug}-{dept['slug']}", name=f"{place}{level}{dept['suffix']}", place=place, level=level,
            dept=dept["slug"], self_names=tuple(fill(s) for s in dept["self"]), domain=fill(dept["domain"]),
            fields=dept["fields"], platform=fill(dept["platform"]), scale=dept["scale"], makes_rules=dept["rules"],
            laziness=round(rng.choice((0.15, 0.3, 0.5, 0.7)), 2), heading_inline=rng.random() < 0.6,
            txt_table_shape=rng.choice(("rows", "cells")), training_section=rng.random() < 0.5,
            print_habits=PrintHabits.draw(f"{slug}-{dept['slug']}"),
        ))
    return agencies


# ---------------------------------------------------------------- phrase expansion

_CHOICE = re.compile(r"\{([^{}]*)\}")
_SLOT = re.compile(r"<([a-z0-9_]+)(?::(-?\d+)-(\d+))?>")


def expand(frame: str, rng: random.Random, slots: dict[str, Any]) -> str:
    """Expand a phrase-bank frame: choices first, then slots (see :mod:`corpora.phrases`)."""
    s = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), frame)

    def slot(m: re.Match[str]) -> str:
        name, lo, hi = m.group(1), m.group(2), m.group(3)
        if name == "n":
            return str(rng.randint(int(lo), int(hi)))
        if name == "f":
            return f"{rng.uniform(int(lo), int(hi)):.1f}"
        value = slots[name]
        if callable(value):
            return str(value())
        return str(value)

    return _SLOT.sub(slot, s)


# ---------------------------------------------------------------- statistics


def _split(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` units over ``weights`` at random (a multinomial draw)."""
    counts = [0] * len(weights)
    if total <= 0:
        return counts
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[i] += 1
    return counts


_COLUMN_SHARES = (0.84, 0.08, 0.004, 0.008, 0.02, 0.048)
_OUTCOME_WEIGHTS = {
    "granted": 0.36, "partly_granted": 0.08,
    "refused.state_secret": 0.004, "refused.prohibited_by_law": 0.006, "refused.three_safeties": 0.004,
    "refused.third_party": 0.02, "refused.internal_affairs": 0.02, "refused.process_info": 0.03,
    "refused.enforcement_file": 0.006, "refused.inquiry": 0.02,
    "unable.not_held": 0.22, "unable.needs_creation": 0.04, "unable.unclear": 0.02,
    "not_processed.petition": 0.04, "not_processed.duplicate": 0.02, "not_processed.publication": 0.004,
    "not_processed.mass_repeated": 0.006, "not_processed.confirmation": 0.006,
    "other": 0.07, "other.overdue_correction": 0.03, "other.overdue_fee": 0.01, "other.other": 0.03,
}
#: the applicant columns of table 3 (without the total)
T3_APPLICANTS = V.REQUEST_COLUMNS[:6]


def request_rows(era: str) -> tuple[str, ...]:
    """Table 3 row keys of a layout."""
    return V.REQUEST_ROWS_2021 if era == "2021" else V.REQUEST_ROWS_2019


def outcome_rows(era: str) -> tuple[str, ...]:
    """The outcome rows of table 3 summed into （七）总计."""
    return tuple(k for k in request_rows(era) if k.split(".")[0] in V.REQUEST_OUTCOME_GROUPS)


def proactive_columns(era: str) -> dict[str, tuple[str, ...]]:
    return V.PROACTIVE_COLUMNS_2021 if era == "2021" else V.PROACTIVE_COLUMNS_2019


@dataclass
class Stats:
    """The numbers of one report: tables 2, 3, 4 and the fee in part 六."""

    era: str
    t2: dict[str, dict[str, float | int]]   # row key -> column key -> value
    t3: dict[str, list[int]]                # row key -> 7 numbers (the six columns and the total)
    t4: dict[str, list[int]]                # block key -> 5 numbers
    fee_yuan: int = 0
    fee_count: int = 0

    def copy(self) -> "Stats":
        return Stats(self.era, {k: dict(v) for k, v in self.t2.items()}, {k: list(v) for k, v in self.t3.items()},
                     {k: list(v) for k, v in self.t4.items()}, self.fee_yuan, self.fee_count)


@dataclass
class AgencyState:
    """What carries over from one year to the next for an agency."""

    carry: list[int] | None = None
    stock: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)


def make_stats(agency: Agency, year: int, era: str, state: AgencyState, rng: random.Random) -> Stats:
    """Consistent tables for one report; updates ``state`` for the next year."""
    base = max(2, int(rng.lognormvariate(3.2, 0.5) * agency.scale))
    new = _split(rng, base, _COLUMN_SHARES)
    carried = list(state.carry) if state.carry is not None else _split(rng, rng.randint(0, max(1, base // 8)), _COLUMN_SHARES)
    outcome_keys = outcome_rows(era)
    weights = [_OUTCOME_WEIGHTS[k] for k in outcome_keys]
    t3: dict[str, list[int]] = {k: [0] * 7 for k in request_rows(era)}
    for c in range(6):
        available = new[c] + carried[c]
        carry_forward = sum(1 for _ in range(available) if rng.random() < 0.08)
        handled = available - carry_forward
        split = _split(rng, handled, weights)
        t3["received"][c], t3["carried_over"][c] = new[c], carried[c]
        t3["carried_forward"][c], t3["total"][c] = carry_forward, handled
        for k, v in zip(outcome_keys, split):
            t3[k][c] = v
    fee_count = 0
    if era == "2021" and t3["other.overdue_fee"][0] == 0 and rng.random() < 0.2:
        # fees charged: move one natural-person outcome to 逾期未缴费 (keeps every sum)
        donor = next((k for k in outcome_keys if t3[k][0] > 0 and k != "other.overdue_fee"), None)
        if donor:
            t3[donor][0] -= 1
            t3["other.overdue_fee"][0] += 1
    for row in t3.values():
        row[6] = sum(row[:6])
    if era == "2021":
        fee_count = t3["other.overdue_fee"][6]
    state.carry = list(t3["carried_forward"][:6])

    # table 2
    t2: dict[str, dict[str, float | int]] = {}
    for doc in ("rules", "normative_docs"):
        makes = doc == "normative_docs" or agency.makes_rules
        prev = state.stock.get(doc, rng.randint(8, 60) if makes else 0)
        issued = rng.randint(0, 6 if doc == "rules" else 14) if makes else 0
        repealed = min(prev, rng.randint(0, 3 if doc == "rules" else 8)) if makes else 0
        in_force = prev + issued - repealed
        state.stock[doc] = in_force
        if era == "2021":
            t2[doc] = {"made": issued, "repealed": repealed, "valid": in_force}
        else:
            t2[doc] = {"new_made": issued, "new_published": issued, "total_published": in_force}
    scale = agency.scale
    if era == "2021":
        t2["licensing"] = {"decisions": int(rng.lognormvariate(4.5, 1.0) * scale)}
        t2["penalty"] = {"decisions": int(rng.lognormvariate(3.0, 1.2) * scale)}
        t2["coercion"] = {"decisions": int(rng.lognormvariate(1.0, 1.0) * scale) if rng.random() < 0.6 else 0}
        t2["fees"] = {"amount": round(rng.uniform(0, 300) * scale, 2) if rng.random() < 0.4 else 0}
    else:
        for key in ("licensing", "other_services", "penalty", "coercion", "fees"):
            prev = state.items.get(key, rng.randint(0, 40))
            change = rng.randint(-3, 5) if prev else rng.randint(0, 3)
            change = max(change, -prev)
            state.items[key] = prev + change
            row: dict[str, float | int] = {"prev_count": prev, "change": change}
            if key != "fees":
                row["decisions"] = int(rng.lognormvariate(3.5, 1.2) * scale) if prev + change else 0
            t2[key] = row
        t2["procurement"] = {"count": rng.randint(0, 30), "amount": round(rng.uniform(5, 900), 2)}
        if not t2["procurement"]["count"]:
            t2["procurement"]["amount"] = 0

    # table 4
    t4: dict[str, list[int]] = {}
    for key in V.REVIEW_BLOCKS:
        n = sum(1 for _ in range(int(3 * scale)) if rng.random() < 0.25)
        parts = _split(rng, n, (0.6, 0.1, 0.15, 0.15))
        t4[key] = parts + [sum(parts)]
    fee_yuan = fee_count * rng.choice((10, 20, 50, 100)) if fee_count else 0
    return Stats(era=era, t2=t2, t3=t3, t4=t4, fee_yuan=fee_yuan, fee_count=fee_count)


# ---------------------------------------------------------------- rules (the generator's reference checks)


@dataclass
class RuleFailure:
    """A rule the printed numbers break, with the cells involved (table, row, column)."""

    rule: str
    cells: list[tuple[str, str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "cells": [list(c) for c in self.cells]}


def expected_failures(printed: Stats, previous: Stats | None, facts: dict[str, int],
                      part6_reports_fee: bool) -> list[RuleFailure]:
    """Evaluate the consistency rules on the printed numbers (the ground truth for the checks stage)."""
    out: list[RuleFailure] = []
    t3 = printed.t3
    cols = V.REQUEST_COLUMNS
    for c, ck in enumerate(cols):
        if t3["received"][c] + t3["carried_over"][c] != t3["total"][c] + t3["carried_forward"][c]:
            out.append(RuleFailure("T3-BALANCE", [("requests", r, ck) for r in ("received", "carried_over", "total", "carried_forward")]))
        if sum(t3[k][c] for k in outcome_rows(printed.era)) != t3["total"][c]:
            out.append(RuleFailure("T3-OUTCOMES", [("requests", "total", ck)]))
    for rk, row in t3.items():
        if sum(row[:6]) != row[6]:
            out.append(RuleFailure("T3-COLUMNS", [("requests", rk, "total")]))
    for bk, row in printed.t4.items():
        if sum(row[:4]) != row[4]:
            out.append(RuleFailure("T4-SUMS", [("review_litigation", bk, "total")]))
    if previous is not None:
        for c, ck in enumerate(cols):
            if t3["carried_over"][c] != previous.t3["carried_forward"][c]:
                out.append(RuleFailure("XY-CARRY", [("requests", "carried_over", ck)]))
        if printed.era == "2021" and previous.era == "2021":
            for doc in ("rules", "normative_docs"):
                cur, prev = printed.t2[doc], previous.t2[doc]
                if cur["valid"] != prev["valid"] + cur["made"] - cur["repealed"]:
                    out.append(RuleFailure("XY-STOCK", [("proactive", doc, "valid")]))
    truth = fact_values(printed)
    for name, stated in facts.items():
        if name in truth and truth[name] != stated:
            out.append(RuleFailure("TXT-NUM", [fact_cell(name)]))
    if printed.era == "2021" and printed.t3["other.overdue_fee"][6] > 0 and not part6_reports_fee:
        out.append(RuleFailure("FEE-PART6", [("requests", "other.overdue_fee", "total")]))
    return out


def fact_values(stats: Stats) -> dict[str, int]:
    """Values the narrative restates, from the tables."""
    t3 = stats.t3
    return {
        "new_total": t3["received"][6], "carried_total": t3["carried_over"][6], "handled_total": t3["total"][6],
        "open_total": t3["granted"][6], "partial_total": t3["partly_granted"][6], "carry_total": t3["carried_forward"][6],
        "review_total": stats.t4["review"][4],
        "litigation_total": stats.t4["litigation_direct"][4] + stats.t4["litigation_after_review"][4],
    }


def fact_cell(name: str) -> tuple[str, str, str]:
    """The table cell a narrative fact restates."""
    return {
        "new_total": ("requests", "received", "total"), "carried_total": ("requests", "carried_over", "total"),
        "handled_total": ("requests", "total", "total"), "open_total": ("requests", "granted", "total"),
        "partial_total": ("requests", "partly_granted", "total"), "carry_total": ("requests", "carried_forward", "total"),
        "review_total": ("review_litigation", "review", "total"),
        "litigation_total": ("review_litigation", "litigation_direct+litigation_after_review", "total"),
    }[name]


# ---------------------------------------------------------------- planted errors

ERROR_KINDS = ("t3_total_column", "t3_cell", "t3_balance", "t4_sum", "carry", "narrative", "fee_missing", "stock")


@dataclass
class PlantedError:
    """One planted error: what was changed (cells with true and printed values) and why."""

    kind: str
    cells: list[dict[str, Any]]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def plant_error(kind: str, printed: Stats, previous: Stats | None, facts: dict[str, int],
                rng: random.Random) -> PlantedError | None:
    """Change ``printed`` (or ``facts``) in place to plant one error of ``kind``; None when not applicable."""
    t3 = printed.t3
    cols = V.REQUEST_COLUMNS
    delta = rng.choice((1, 2, 3, 5, 10))

    def change(table: str, row: list[int], rk: str, c: int, ck: str, d: int) -> dict[str, Any]:
        true = row[c]
        row[c] = max(0, true + d) if true + d >= 0 else true + abs(d)
        return {"table": table, "row": rk, "column": ck, "true": true, "printed": row[c]}

    if kind == "t3_total_column":
        rk = rng.choice(("received", "granted", "unable.not_held", "total"))
        return PlantedError(kind, [change("requests", t3[rk], rk, 6, "total", delta)],
                            "the total column differs from the sum of the applicant columns")
    if kind == "t3_cell":
        rk = rng.choice(("granted", "unable.not_held", "partly_granted"))
        return PlantedError(kind, [change("requests", t3[rk], rk, 0, "natural_person", delta)],
                            "a natural-person outcome cell is off (row total and outcome sum break)")
    if kind == "t3_balance":
        cells = [change("requests", t3["carried_forward"], "carried_forward", 0, "natural_person", delta),
                 change("requests", t3["carried_forward"], "carried_forward", 6, "total", delta)]
        return PlantedError(kind, cells, "carry-forward no longer balances new + carried − handled")
    if kind == "t4_sum":
        bk = rng.choice(V.REVIEW_BLOCKS)
        return PlantedError(kind, [change("review_litigation", printed.t4[bk], bk, 4, "total", delta)],
                            "a table 4 total differs from the sum of its block")
    if kind == "carry":
        if previous is None:
            return None
        cells = []
        for c in (0, 6):  # keep the table internally consistent: carried and carry-forward move together
            cells.append(change("requests", t3["carried_over"], "carried_over", c, cols[c], delta))
            t3["carried_forward"][c] += delta
        return PlantedError(kind, cells, "上年结转 differs from last year's 结转下年度 (the table itself balances)")
    if kind == "narrative":
        name = rng.choice(("new_total", "open_total", "handled_total"))
        true = facts[name]
        facts[name] = true + delta
        return PlantedError(kind, [{"table": "narrative", "row": name, "column": "", "true": true, "printed": facts[name]}],
                            "a number in the narrative differs from the table")
    if kind == "fee_missing":
        if printed.era != "2021" or printed.t3["other.overdue_fee"][6] == 0:
            return None
        return PlantedError(kind, [{"table": "part6", "row": "fee", "column": "", "true": printed.fee_yuan, "printed": None}],
                            "fees were charged (table 3 (六)2 > 0) but part 六 does not report them")
    if kind == "stock":
        if printed.era != "2021" or previous is None or previous.era != "2021":
            return None
        row = printed.t2["normative_docs"]
        true = int(row["valid"])
        row["valid"] = true + delta
        return PlantedError(kind, [{"table": "proactive", "row": "normative_docs", "column": "valid", "true": true,
                                    "printed": row["valid"]}], "现行有效件数 does not follow last year's stock")
    raise ValueError(f"unknown error kind {kind!r}")


# ---------------------------------------------------------------- document model of a generated report


@dataclass
class Segment:
    """A sentence (or heading) of narrative with where it was copied from, if anywhere."""

    text: str
    origin: tuple[str, str, int] | None = None   # (report id, paragraph key, segment index)
    copy_kind: str = ""                          # 'self' or 'cross' when copied
    fact: str = ""                               # set on sentences that restate table values
    fact_names: list[str] = field(default_factory=list)


@dataclass
class Paragraph:
    """A narrative paragraph: an optional heading and its sentences."""

    key: str                 # stable key inside the report, e.g. 'overview/proactive'
    heading: str = ""        # e.g. '（一）主动公开情况'
    segments: list[Segment] = field(default_factory=list)
    theme: str = ""
    part: str = ""


@dataclass
class TableBlock:
    kind: str                # 'proactive', 'requests', 'review_litigation'


@dataclass
class Heading:
    text: str
    level: int = 1


Block = Paragraph | TableBlock | Heading


@dataclass
class GeneratedReport:
    """One generated report before rendering."""

    id: str
    agency: Agency
    year: int
    era: str
    title: str
    blocks: list[Block]
    stats: Stats
    printed: Stats
    facts: dict[str, int]
    errors: list[PlantedError] = field(default_factory=list)
    publication_date: str = ""

    def paragraph(self, key: str) -> Paragraph | None:
        for b in self.blocks:
            if isinstance(b, Paragraph) and b.key == key:
                return b
        return None


def era_for_year(year: int) -> str:
    """The table layout of a report year: 2019 format up to 2020, 2021 format from 2021."""
    return "2021" if year >= 2021 else "2019"


def _sentences(frames: Sequence[str], k: int, rng: random.Random, slots: dict[str, Any]) -> list[Segment]:
    chosen = rng.sample(list(frames), min(k, len(frames)))
    return [Segment(expand(f, rng, slots)) for f in chosen]


def _theme_sentences(theme: str, k: int, rng: random.Random, slots: dict[str, Any]) -> list[Segment]:
    """``k`` sentences on a theme: some whole frames, most composed of [lead，]act，result clauses."""
    frames = list(P.THEME_FRAMES[theme])
    pools = P.THEME_CLAUSES[theme]
    acts = list(pools["act"])
    rng.shuffle(frames)
    rng.shuffle(acts)
    out = []
    for _ in range(k):
        if frames and rng.random() < 0.3:
            out.append(Segment(expand(frames.pop(), rng, slots)))
            continue
        clauses = [rng.choice(P.GENERIC_LEADS)] if rng.random() < 0.6 else []
        clauses += [acts.pop() if acts else rng.choice(pools["act"]), rng.choice(pools["result"])]
        out.append(Segment(expand("，".join(clauses) + "。", rng, slots)))
    return out


def _enumerate(items: list[str]) -> str:
    return "；".join(f"{CN_DIGITS[i]}是{x}" for i, x in enumerate(items)) + "。"


def build_report(agency: Agency, year: int, stats: Stats, rng: random.Random) -> GeneratedReport:
    """Compose the narrative and layout of one report (true numbers; errors are planted later)."""
    era = era_for_year(year)
    fields_pool = list(agency.fields)

    def pick_field() -> str:
        return rng.choice(fields_pool)

    slots: dict[str, Any] = {
        "self": lambda: rng.choice(agency.self_names), "agency": agency.name, "place": agency.place,
        "level": agency.level, "year": year, "next": year + 1, "field": pick_field, "field2": pick_field,
        "platform": agency.platform, "domain": agency.domain,
        "doc": lambda: f"《{agency.place}{agency.level}{year}年{rng.choice(P.DOC_TITLES)}》",
    }
    facts = fact_values(stats)
    blocks: list[Block] = []
    title = f"{agency.name}{year}年政府信息公开工作年度报告"
    blocks.append(Paragraph("preamble", segments=[Segment(expand(rng.choice(P.PREAMBLE_FRAMES), rng, slots))], part="preamble"))

    # part 一
    blocks.append(Heading(f"一、{_title('overview', rng)}"))
    blocks.append(Paragraph("overview/intro", segments=_sentences(P.OVERVIEW_OPENERS, 1, rng, slots), part="overview"))
    themes = ["proactive", "requests", "management", "platforms", "supervision"]
    if agency.training_section:
        themes.insert(0, "training")
    for i, theme in enumerate(themes):
        heading = f"（{CN_DIGITS[i]}）{rng.choice(P.THEME_HEADINGS[theme])}"
        segs = _theme_sentences(theme, rng.randint(3, 5), rng, slots)
        if theme == "requests":
            fact = Segment(expand(rng.choice(P.FACT_FRAMES["requests"]), rng, slots), fact="requests")
            segs.insert(0, fact)
        blocks.append(Paragraph(f"overview/{theme}", heading=heading, segments=segs, theme=theme, part="overview"))

    # parts 二 – 四
    blocks.append(Heading(f"二、{_title('proactive', rng)}"))
    blocks.append(TableBlock("proactive"))
    blocks.append(Heading(f"三、{_title('requests', rng)}"))
    blocks.append(TableBlock("requests"))
    blocks.append(Heading(f"四、{_title('review_litigation', rng)}"))
    blocks.append(TableBlock("review_litigation"))
    blocks.append(Paragraph("review/fact", segments=[Segment(expand(rng.choice(P.FACT_FRAMES["review"]), rng, slots),
                                                             fact="review")], part="review_litigation", theme="other"))

    # part 五
    blocks.append(Heading(f"五、{_title('problems', rng)}"))
    problems = [expand(rng.choice((f"{a}{i}", f)), rng, slots) for a, i, f in zip(
        rng.sample(P.PROBLEM_AREAS, 3), rng.sample(P.PROBLEM_ISSUES, 3), rng.sample(P.PROBLEM_FRAMES, 3))][:rng.randint(2, 3)]
    improvements = [expand(rng.choice((f"{a}，{g}", f)), rng, slots) for a, g, f in zip(
        rng.sample(P.IMPROVEMENT_ACTS, 3), rng.choices(P.IMPROVEMENT_GOALS, k=3), rng.sample(P.IMPROVEMENT_FRAMES, 3))][:rng.randint(2, 3)]
    blocks.append(Paragraph("problems/problems", heading="（一）存在的主要问题",
                            segments=[Segment(f"{rng.choice(('主要存在以下不足', '工作中还存在一些问题', '对照新要求仍有差距'))}：{_enumerate(problems)}")],
                            theme="problems", part="problems"))
    blocks.append(Paragraph("problems/improvements", heading="（二）改进措施",
                            segments=[Segment(f"{rng.choice(('针对上述问题', '下一步', '新的一年'))}，{rng.choice(agency.self_names)}将重点做好以下工作：{_enumerate(improvements)}")],
                            theme="improvements", part="problems"))

    # part 六
    blocks.append(Heading(f"六、{_title('other', rng)}"))
    fee_slots = dict(slots, fee_count=stats.fee_count, fee_yuan=stats.fee_yuan)
    fee_frames = P.FEE_CHARGED_FRAMES if stats.fee_count else P.FEE_NONE_FRAMES
    other = [Segment(expand(rng.choice(fee_frames), rng, fee_slots), fact="fee")]
    other += _sentences(P.OTHER_FRAMES, 1, rng, slots)
    other.append(Segment(expand(P.CONTACT_FRAME, rng, slots)))
    blocks.append(Paragraph("other/main", segments=other, theme="other", part="other"))

    month = 1 if agency.dept not in ("gov",) else 3
    report = GeneratedReport(id=f"{agency.id}-{year}", agency=agency, year=year, era=era, title=title, blocks=blocks,
                             stats=stats, printed=stats.copy(), facts=facts,
                             publication_date=f"{year + 1}年{month}月{rng.randint(10, 28)}日")
    return report


def _title(key: str, rng: random.Random) -> str:
    """A part title: the standard one, sometimes in a common variant."""
    from nlp.format import STANDARD_PART_TITLES

    variants = {
        "review_litigation": ("行政复议和行政诉讼情况",),
        "problems": ("政府信息公开工作存在的主要问题及改进情况",),
    }
    if key in variants and rng.random() < 0.3:
        return rng.choice(variants[key])
    return STANDARD_PART_TITLES[key]


_FACT_MARK = re.compile(r"\[([a-z_]+)\]")


def render_fact_sentences(report: GeneratedReport, rng: random.Random) -> None:
    """Fill the fact placeholders with the (possibly planted) narrative values."""
    for b in report.blocks:
        if isinstance(b, Paragraph):
            for s in b.segments:
                if s.fact in ("requests", "review"):
                    s.fact_names = _FACT_MARK.findall(s.text)
                    s.text = _FACT_MARK.sub(lambda m: str(report.facts[m.group(1)]), s.text)


# ---------------------------------------------------------------- reuse planting


@dataclass
class Copy:
    """A planted copy: target paragraph segments taken from a source paragraph."""

    kind: str
    target: str
    source: str
    target_key: str
    source_key: str
    segments: list[int]           # indices in the target paragraph
    source_segments: list[int]


def plant_self_copies(report: GeneratedReport, previous: GeneratedReport, rng: random.Random) -> list[Copy]:
    """Reuse last year's narrative: whole sections with probability ``laziness``, else single sentences."""
    copies: list[Copy] = []
    for b in report.blocks:
        if not isinstance(b, Paragraph) or b.part in ("preamble", "other", "review_litigation"):
            continue
        old = previous.paragraph(b.key)
        if old is None:
            continue
        lazy = report.agency.laziness
        if rng.random() < lazy:
            # the whole section except sentences restating this year's numbers
            facts_new = [s for s in b.segments if s.fact]
            body = [Segment(s.text, (previous.id, old.key, i), "self") for i, s in enumerate(old.segments) if not s.fact]
            if not body:
                continue
            b.segments = facts_new + body
            idx = list(range(len(facts_new), len(b.segments)))
            copies.append(Copy("self", report.id, previous.id, b.key, old.key, idx,
                               [i for i, s in enumerate(old.segments) if not s.fact]))
        elif rng.random() < lazy:
            i_old = [i for i, s in enumerate(old.segments) if not s.fact]
            i_new = [i for i, s in enumerate(b.segments) if not s.fact]
            if not i_old or not i_new:
                continue
            j_old, j_new = rng.choice(i_old), rng.choice(i_new)
            src = old.segments[j_old]
            if len(src.text) < 30:
                continue
            b.segments[j_new] = Segment(src.text, (previous.id, old.key, j_old), "self")
            copies.append(Copy("self", report.id, previous.id, b.key, old.key, [j_new], [j_old]))
    return copies


def plant_cross_copies(reports: list[GeneratedReport], n: int, rng: random.Random) -> list[Copy]:
    """Copy ``n`` whole sections between different agencies' reports of the same year."""
    copies: list[Copy] = []
    if len(reports) < 2:
        return copies
    used_targets: set[tuple[str, str]] = set()
    used_sources: set[tuple[str, str]] = set()
    for _ in range(n):
        src, dst = rng.sample(reports, 2)
        keys = [b.key for b in src.blocks if isinstance(b, Paragraph) and b.part == "overview" and b.theme
                and dst.paragraph(b.key) is not None and (dst.id, b.key) not in used_targets]
        if not keys:
            continue
        key = rng.choice(keys)
        if (dst.id, key) in used_sources:
            # an earlier copy was taken from this paragraph: overwriting it would make that copy's text
            # differ from its source (skipped after the same draws, so other corpora stay as they were)
            continue
        used_targets.add((dst.id, key))
        used_sources.add((src.id, key))
        sp, dp = src.paragraph(key), dst.paragraph(key)
        assert sp is not None and dp is not None
        facts_new = [s for s in dp.segments if s.fact]
        src_idx = [i for i, s in enumerate(sp.segments) if not s.fact]
        dp.segments = facts_new + [Segment(sp.segments[i].text, (src.id, key, i), "cross") for i in src_idx]
        copies.append(Copy("cross", dst.id, src.id, key, key, list(range(len(facts_new), len(dp.segments))), src_idx))
    return copies


# ---------------------------------------------------------------- tables as rows of strings


def _num(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"
    return str(v)


def table_rows(report: GeneratedReport, kind: str) -> dict[str, Any]:
    """A neutral description of a printed table (labels from nlp.format), rendered by every writer."""
    p = report.printed
    habits = report.agency.print_habits
    if kind == "proactive":
        blocks = []
        column_labels = dict(V.PRINTED_PROACTIVE_COLUMNS)
        if p.era == "2021":
            column_labels.update(V.PRINTED_PROACTIVE_COLUMNS_2021)
        columns = proactive_columns(p.era)
        for title, row_keys in V.PRINTED_PROACTIVE_BLOCKS[p.era]:
            cols = columns[row_keys[0]]
            rows = []
            for rk in row_keys:
                vals: list[str] = [_num(p.t2[rk][ck]) for ck in cols]
                if rk == "procurement":
                    vals[1] = f"{vals[1]}万元"
                rows.append((V.PRINTED_PROACTIVE_ROWS[p.era][rk], vals))
            headers = [column_labels[c] + ("" if c in V.AMOUNT_COLUMNS else V.PRINTED_COUNT_UNIT) for c in cols]
            blocks.append({"title": title, "columns": [V.PRINTED_PROACTIVE_ITEM] + headers,
                           "rows": rows})
        return {"kind": kind, "unit": habits.table_unit, "blocks": blocks}
    if kind == "requests":
        outcomes = set(outcome_rows(p.era)) | {"total"}
        rows = []
        for key in request_rows(p.era):
            group = V.PRINTED_REQUEST_GROUPS[key.split(".")[0]] if "." in key else ""
            label = re.sub(r"^(\d+)\.", lambda m: m.group(1) + habits.number_mark,
                           habits.request_rows.get(key, V.PRINTED_REQUEST_ROWS[key]))
            rows.append({"key": key, "section": V.PRINTED_REQUEST_RESULTS if key in outcomes else "", "group": group,
                         "label": label, "values": [_num(v) for v in p.t3[key]]})
        return {"kind": kind, "unit": habits.table_unit, "note": habits.request_note, "header": V.PRINTED_REQUEST_HEADER,
                "columns": [V.PRINTED_REQUEST_COLUMNS[c] for c in V.REQUEST_COLUMNS],
                "legal_persons": habits.legal_persons, "results": V.PRINTED_REQUEST_RESULTS, "rows": rows}
    values: list[str] = []
    for bk in V.REVIEW_BLOCKS:
        values += [_num(v) for v in p.t4[bk]]
    columns = [V.PRINTED_REVIEW_COLUMNS[c] for c in V.REVIEW_COLUMNS[:-1]] + [habits.review_total]
    blocks = [V.PRINTED_REVIEW_BLOCKS[b] for b in V.REVIEW_BLOCKS]
    # text renderings print the table one block a row (行政复议 / 行政诉讼（…）), the results as columns
    block_rows = [(blocks[0], values[:5])] + [(f"{V.PRINTED_REVIEW_LITIGATION}（{label}）", values[5 * i:5 * i + 5])
                                             for i, label in enumerate(blocks[1:], 1)]
    return {"kind": kind, "unit": habits.table_unit, "blocks": blocks, "litigation": V.PRINTED_REVIEW_LITIGATION,
            "columns": columns, "values": values, "block_rows": block_rows}


# ---------------------------------------------------------------- renderers


def _para_text(p: Paragraph, inline: bool) -> list[str]:
    body = "".join(s.text for s in p.segments)
    if not p.heading:
        return [body]
    if inline:
        return [f"{p.heading}。{body}" if not p.heading.endswith("。") else p.heading + body]
    return [p.heading, body]


class TextBuilder:
    """Builds the canonical text line by line, recording offsets of segments and paragraphs."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.segment_spans: dict[tuple[str, int], tuple[int, int]] = {}
        self.paragraph_spans: dict[str, tuple[int, int, int]] = {}   # key -> (start, body start, end)

    def line(self, s: str) -> None:
        self.parts.append(s + "\n")
        self.pos += len(s) + 1

    def paragraph(self, p: Paragraph, inline: bool) -> None:
        start = self.pos
        if p.heading:
            if inline:
                head = p.heading + "。"
                self.parts.append(head)
                self.pos += len(head)
            else:
                self.line(p.heading)
        body_start = self.pos
        for i, s in enumerate(p.segments):
            self.segment_spans[(p.key, i)] = (self.pos, self.pos + len(s.text))
            self.parts.append(s.text)
            self.pos += len(s.text)
        self.paragraph_spans[p.key] = (start, body_start, self.pos)
        self.parts.append("\n")
        self.pos += 1

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _txt_table(tb: TextBuilder, t: dict[str, Any], shape: str) -> None:
    def row(cells: Sequence[str]) -> None:
        if shape == "cells":
            for c in cells:
                tb.line(c)
        else:
            tb.line("\t".join(cells))

    tb.line(t["unit"])
    if t["kind"] == "proactive":
        for block in t["blocks"]:
            tb.line(block["title"])
            row(block["columns"])
            for label, vals in block["rows"]:
                row([label] + vals)
    elif t["kind"] == "requests":
        tb.line(t["note"])
        # two header rows: the group heads, then the applicant columns with the total last
        row([t["header"]] + t["columns"][:1] + [t["legal_persons"]])
        row(t["columns"][1:])
        seen: set[str] = set()
        for r in t["rows"]:
            for head in (r["section"], r["group"]):
                if head and head not in seen:
                    seen.add(head)
                    tb.line(head)
            row([r["label"]] + r["values"])
    else:
        row([V.PRINTED_REVIEW_ITEM] + t["columns"])
        for label, vals in t["block_rows"]:
            row([label] + vals)


def render_txt(report: GeneratedReport) -> TextBuilder:
    """The canonical text (the .txt file); offsets in the manifest refer to it."""
    tb = TextBuilder()
    tb.line(report.title)
    for b in report.blocks:
        if isinstance(b, Heading):
            tb.line(b.text)
        elif isinstance(b, Paragraph):
            tb.paragraph(b, report.agency.heading_inline)
        else:
            _txt_table(tb, table_rows(report, b.kind), report.agency.txt_table_shape)
    tb.line(report.agency.name)
    tb.line(report.publication_date)
    return tb


#: the delimiter cell of a Markdown table (centred columns, as most reports print them)
_MD_RULE = ":---:"


def render_md(report: GeneratedReport) -> str:
    out = [f"# {report.title}", ""]

    def pipe(cells: Sequence[str]) -> str:
        # rows without outer pipes (valid GFM), as several converters write them
        return " | ".join(c.replace("|", "\\|") or " " for c in cells)

    for b in report.blocks:
        if isinstance(b, Heading):
            out += [f"## {b.text}", ""]
        elif isinstance(b, Paragraph):
            for line in _para_text(b, report.agency.heading_inline):
                out += [line, ""]
        else:
            t = table_rows(report, b.kind)
            out += [t["unit"], ""]
            if t["kind"] == "proactive":
                for block in t["blocks"]:
                    out += [f"**{block['title']}**", "", pipe(block["columns"]), pipe([_MD_RULE] * len(block["columns"]))]
                    out += [pipe([label] + vals) for label, vals in block["rows"]]
                    out.append("")
            elif t["kind"] == "requests":
                out += [t["note"], ""]
                head = [t["header"], ""] + t["columns"]
                out += [pipe(head), pipe([_MD_RULE] * len(head))]
                seen: set[str] = set()
                for r in t["rows"]:
                    first = r["section"] if r["section"] and r["section"] not in seen else ""
                    if first:
                        seen.add(first)
                    if r["group"]:
                        # the merged group cell repeated on each of its rows, as converters expand it
                        out.append(pipe([r["group"], r["label"]] + r["values"]))
                    else:
                        out.append(pipe([first or r["label"], r["label"] if first else ""] + r["values"]))
                out.append("")
            else:
                head = [V.PRINTED_REVIEW_ITEM] + t["columns"]
                out += [pipe(head), pipe([_MD_RULE] * len(head))]
                out += [pipe([label] + vals) for label, vals in t["block_rows"]] + [""]
    out += [report.agency.name, "", report.publication_date, ""]
    return "\n".join(out)


def _html_table(t: dict[str, Any]) -> str:
    e = html.escape
    rows: list[str] = []
    unit = f'<p>{e(t["unit"])}</p>\n'
    if t["kind"] == "proactive":
        width = max(len(b["columns"]) for b in t["blocks"])
        for block in t["blocks"]:
            rows.append(f'<tr><td colspan="{width}">{e(block["title"])}</td></tr>')
            cols = block["columns"]
            rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cols) + (f'<td colspan="{width - len(cols)}"></td>' if width > len(cols) else "") + "</tr>")
            for label, vals in block["rows"]:
                cells = [label] + vals
                rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + (f'<td colspan="{width - len(cells)}"></td>' if width > len(cells) else "") + "</tr>")
    elif t["kind"] == "requests":
        rows.append(f'<tr><td colspan="3" rowspan="3">{e(t["note"])}</td><td colspan="7">{e(t["header"])}</td></tr>')
        rows.append(f'<tr><td rowspan="2">{e(t["columns"][0])}</td><td colspan="5">{e(t["legal_persons"])}</td>'
                    f'<td rowspan="2">{e(t["columns"][6])}</td></tr>')
        rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in t["columns"][1:6]) + "</tr>")
        section_n = sum(1 for r in t["rows"] if r["section"])
        group_n: dict[str, int] = {}
        for r in t["rows"]:
            if r["group"]:
                group_n[r["group"]] = group_n.get(r["group"], 0) + 1
        seen: set[str] = set()
        for r in t["rows"]:
            cells = ""
            if r["section"] and r["section"] not in seen:
                seen.add(r["section"])
                cells += f'<td rowspan="{section_n}">{e(r["section"])}</td>'
            if r["group"]:
                if r["group"] not in seen:
                    seen.add(r["group"])
                    cells += f'<td rowspan="{group_n[r["group"]]}">{e(r["group"])}</td>'
                cells += f"<td>{e(r['label'])}</td>"
            else:
                span = 2 if r["section"] else 3
                cells += f'<td colspan="{span}">{e(r["label"])}</td>'
            cells += "".join(f"<td>{e(v)}</td>" for v in r["values"])
            rows.append(f"<tr>{cells}</tr>")
    else:
        rows.append(f'<tr><td colspan="5" rowspan="2">{e(t["blocks"][0])}</td><td colspan="10">{e(t["litigation"])}</td></tr>')
        rows.append("<tr>" + "".join(f'<td colspan="5">{e(label)}</td>' for label in t["blocks"][1:]) + "</tr>")
        rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in t["columns"]) * 3 + "</tr>")
        rows.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in t["values"]) + "</tr>")
    return unit + '<table border="1">\n' + "\n".join(rows) + "\n</table>"


def render_html(report: GeneratedReport) -> str:
    e = html.escape
    out = ['<!DOCTYPE html>', '<html lang="zh-CN"><head><meta charset="utf-8">', f"<title>{e(report.title)}</title></head><body>",
           f"<h1>{e(report.title)}</h1>"]
    for b in report.blocks:
        if isinstance(b, Heading):
            out.append(f"<h2>{e(b.text)}</h2>")
        elif isinstance(b, Paragraph):
            out += [f"<p>{e(line)}</p>" for line in _para_text(b, report.agency.heading_inline)]
        else:
            out.append(_html_table(table_rows(report, b.kind)))
    out += [f'<p style="text-align:right">{e(report.agency.name)}</p>', f'<p style="text-align:right">{e(report.publication_date)}</p>',
            "</body></html>", ""]
    return "\n".join(out)


_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def render_docx(report: GeneratedReport) -> bytes:
    """A .docx with real tables (merged header cells), byte-for-byte deterministic."""
    import datetime

    from docx import Document

    doc = Document()
    fixed = datetime.datetime(2020, 1, 1)
    cp = doc.core_properties
    cp.created = cp.modified = cp.last_printed = fixed
    cp.author = cp.last_modified_by = "xxgk corpora generator"
    cp.revision = 1
    doc.add_heading(report.title, level=1)
    for b in report.blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=2)
        elif isinstance(b, Paragraph):
            for line in _para_text(b, report.agency.heading_inline):
                doc.add_paragraph(line)
        else:
            t = table_rows(report, b.kind)
            doc.add_paragraph(t["unit"])
            _docx_table(doc, t)
    doc.add_paragraph(report.agency.name)
    doc.add_paragraph(report.publication_date)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalize_zip(buf.getvalue())


def _docx_table(doc: Any, t: dict[str, Any]) -> None:
    """Add a table: texts are written into a cell grid first, then ranges merged (python-docx's
    ``table.cell`` is slow, so the grid is fetched once)."""
    texts: dict[tuple[int, int], str] = {}
    merges: list[tuple[int, int, int, int]] = []

    def put(r: int, c: int, text: str, r2: int | None = None, c2: int | None = None) -> None:
        texts[(r, c)] = text
        if r2 is not None or c2 is not None:
            merges.append((r, c, r if r2 is None else r2, c if c2 is None else c2))

    if t["kind"] == "proactive":
        width = max(len(b["columns"]) for b in t["blocks"])
        n_rows = sum(2 + len(b["rows"]) for b in t["blocks"])
        r = 0
        for block in t["blocks"]:
            put(r, 0, block["title"], c2=width - 1)
            r += 1
            for c, text in enumerate(block["columns"]):
                put(r, c, text)
            r += 1
            for label, vals in block["rows"]:
                for c, text in enumerate([label] + vals):
                    put(r, c, text)
                r += 1
        n_cols = width
    elif t["kind"] == "requests":
        rows = t["rows"]
        n_rows, n_cols = 3 + len(rows), 10
        put(0, 0, t["note"], 2, 2)
        put(0, 3, t["header"], c2=9)
        put(1, 3, t["columns"][0], r2=2)
        put(1, 4, t["legal_persons"], c2=8)
        put(1, 9, t["columns"][6], r2=2)
        for c, label in enumerate(t["columns"][1:6]):
            put(2, 4 + c, label)
        section_rows = [i for i, r in enumerate(rows) if r["section"]]
        if section_rows:
            put(3 + section_rows[0], 0, t["results"], r2=3 + section_rows[-1])
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            if r["group"]:
                groups.setdefault(r["group"], []).append(i)
        for g, idx in groups.items():
            put(3 + idx[0], 1, g, r2=3 + idx[-1])
        for i, r in enumerate(rows):
            ri = 3 + i
            if r["group"]:
                put(ri, 2, r["label"])
            elif r["section"]:
                put(ri, 1, r["label"], c2=2)
            else:
                put(ri, 0, r["label"], c2=2)
            for c, v in enumerate(r["values"]):
                put(ri, 3 + c, v)
    else:
        n_rows, n_cols = 4, 15
        put(0, 0, t["blocks"][0], 1, 4)
        put(0, 5, t["litigation"], c2=14)
        put(1, 5, t["blocks"][1], c2=9)
        put(1, 10, t["blocks"][2], c2=14)
        for c in range(15):
            put(2, c, t["columns"][c % 5])
            put(3, c, t["values"][c])
    table = doc.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    grid = [row.cells for row in table.rows]
    for (r, c), text in texts.items():
        grid[r][c].text = text
    for r, c, r2, c2 in merges:
        grid[r][c].merge(grid[r2][c2])


def render_pdf(report: GeneratedReport) -> bytes:
    """The HTML rendering printed to PDF by headless Chromium (dates fixed, so reruns give equal bytes)."""
    import shutil
    import subprocess
    import tempfile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise RuntimeError("the pdf format needs headless Chromium (Debian: apt-get install chromium)")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if fonts is None or not fonts.stdout.strip():
        raise RuntimeError("the pdf format needs a CJK font (Debian: apt-get install fonts-wqy-zenhei)")
    with tempfile.TemporaryDirectory() as d:
        page, pdf = Path(d) / "report.html", Path(d) / "report.pdf"
        page.write_text(render_html(report), encoding="utf-8")
        subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=False)
        if not pdf.is_file():
            raise RuntimeError(f"Chromium wrote no PDF for {report.id}")
        data = pdf.read_bytes()
    return re.sub(rb"/(CreationDate|ModDate) \(D:\d{14}", lambda m: b"/" + m.group(1) + b" (D:20200101000000", data)


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


# ---------------------------------------------------------------- the corpus


@dataclass
class CorpusConfig:
    """Parameters of a generated corpus."""

    agencies: int = 4
    years: int = 3
    start_year: int = 2020
    seed: int = 0
    formats: tuple[str, ...] = FORMATS
    error_rate: float = 0.35          # share of reports with one planted error
    cross_copies_per_year: int = 2
    error_kinds: tuple[str, ...] = ERROR_KINDS
    #: web forms (``corpora.render.FORMS``) agencies publish in: each agency prints its reports in one of
    #: them instead of its file format (none by default; the demo corpus has none)
    web_forms: tuple[str, ...] = ()


def generate(config: CorpusConfig) -> tuple[list[GeneratedReport], list[Copy]]:
    """Generate reports and planted copies in memory (no files)."""
    rng = random.Random(config.seed)
    agencies = make_agencies(config.agencies, random.Random(rng.random()))
    states = {a.id: AgencyState() for a in agencies}
    by_key: dict[tuple[str, int], GeneratedReport] = {}
    all_reports: list[GeneratedReport] = []
    copies: list[Copy] = []
    for y in range(config.start_year, config.start_year + config.years):
        this_year: list[GeneratedReport] = []
        for a in agencies:
            r_rng = random.Random(f"{config.seed}:{a.id}:{y}")
            stats = make_stats(a, y, era_for_year(y), states[a.id], r_rng)
            report = build_report(a, y, stats, r_rng)
            prev = by_key.get((a.id, y - 1))
            if prev is not None:
                copies += plant_self_copies(report, prev, r_rng)
            this_year.append(report)
        cross = plant_cross_copies(this_year, config.cross_copies_per_year, random.Random(f"{config.seed}:cross:{y}"))
        replaced = {(c.target, c.target_key) for c in cross}
        copies = [c for c in copies if (c.target, c.target_key) not in replaced] + cross
        for report in this_year:
            e_rng = random.Random(f"{config.seed}:errors:{report.id}")
            prev = by_key.get((report.agency.id, y - 1))
            if config.error_kinds and e_rng.random() < config.error_rate:
                kinds = list(config.error_kinds)
                e_rng.shuffle(kinds)
                for kind in kinds:
                    planted = plant_error(kind, report.printed, prev.printed if prev else None, report.facts, e_rng)
                    if planted:
                        report.errors.append(planted)
                        break
            if not any(e.kind == "narrative" for e in report.errors):
                # the narrative restates the table as printed: a table error stays a table error
                report.facts = fact_values(report.printed)
            if any(e.kind == "fee_missing" for e in report.errors):
                for b in report.blocks:
                    if isinstance(b, Paragraph) and b.key == "other/main":
                        b.segments = [s for s in b.segments if s.fact != "fee"]
            render_fact_sentences(report, e_rng)
            by_key[(report.agency.id, y)] = report
        all_reports += this_year
    return all_reports, copies


def _formats_for(reports: list[GeneratedReport], formats: Sequence[str], seed: int) -> dict[str, str]:
    """Assign a file format to every report: round-robin in a seeded order, each format used."""
    order = sorted(r.id for r in reports)
    random.Random(f"{seed}:formats").shuffle(order)
    return {rid: formats[i % len(formats)] for i, rid in enumerate(order)}


def _web_forms_for(reports: list[GeneratedReport], forms: Sequence[str], seed: int) -> dict[str, str]:
    """Assign a web form to every agency: round-robin in a seeded order (empty when no forms are asked for)."""
    if not forms:
        return {}
    order = sorted({r.agency.id for r in reports})
    random.Random(f"{seed}:web-forms").shuffle(order)
    return {aid: forms[i % len(forms)] for i, aid in enumerate(order)}


def _web_rendering(text: str, report_id: str, form: str, seed: int) -> Any:
    """The canonical text of a report, parsed and printed in a web form (``corpora.render``)."""
    from nlp.structure import parse_text
    from nlp.tables import extract_tables

    from .render import render

    parsed = parse_text(text, source=f"{report_id}.txt", filename=f"{report_id}.txt")
    return render(parsed, extract_tables(parsed), form, seed)


def write_corpus(out_dir: str | Path, config: CorpusConfig | None = None, **kwargs: Any) -> dict[str, Any]:
    """Generate a corpus into ``out_dir`` and write the manifest (``manifest.jsonl``); returns it.

    Keyword arguments override :class:`CorpusConfig` fields (``agencies=4, years=3, seed=0`` …).
    """
    config = config or CorpusConfig(**kwargs)
    for f in config.formats:
        if f not in ALL_FORMATS:
            raise ValueError(f"unknown format {f!r}; choose from {', '.join(ALL_FORMATS)}")
    if config.web_forms:
        from .render import FORMS as WEB_FORMS

        for f in config.web_forms:
            if f not in WEB_FORMS:
                raise ValueError(f"unknown web form {f!r}; choose from {', '.join(WEB_FORMS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reports, copies = generate(config)
    fmt = _formats_for(reports, config.formats, config.seed)
    web_form = _web_forms_for(reports, config.web_forms, config.seed)
    builders: dict[str, TextBuilder] = {}
    entries = []
    by_agency_year = {(r.agency.id, r.year): r for r in reports}
    for r in reports:
        tb = render_txt(r)
        builders[r.id] = tb
        f = fmt[r.id]
        name = f"{r.id}.{f}"
        rendering = None
        if r.agency.id in web_form:
            rendering = _web_rendering(tb.text, r.id, web_form[r.agency.id], config.seed)
            f = rendering.suffix.lstrip(".")
            name = f"{r.id}.{f}"
            data: bytes = rendering.data
        elif f == "txt":
            data = tb.text.encode("utf-8")
        elif f == "md":
            data = render_md(r).encode("utf-8")
        elif f == "html":
            data = render_html(r).encode("utf-8")
        elif f == "pdf":
            data = render_pdf(r)
        else:
            data = render_docx(r)
        (out / name).write_bytes(data)
        prev = by_agency_year.get((r.agency.id, r.year - 1))
        has_fee_line = any(s.fact == "fee" for b in r.blocks if isinstance(b, Paragraph) for s in b.segments)
        failures = expected_failures(r.printed, prev.printed if prev else None, r.facts,
                                     part6_reports_fee=has_fee_line and r.printed.fee_count > 0)
        sections = []
        for b in r.blocks:
            if isinstance(b, Paragraph) and b.key in tb.paragraph_spans:
                start, body, end = tb.paragraph_spans[b.key]
                sections.append({"key": b.key, "part": b.part, "theme": b.theme, "heading": b.heading,
                                 "start": start, "body_start": body, "end": end})
        facts = []
        for b in r.blocks:
            if isinstance(b, Paragraph):
                for i, s in enumerate(b.segments):
                    if s.fact in ("requests", "review"):
                        st, en = tb.segment_spans[(b.key, i)]
                        facts.append({"kind": s.fact, "names": s.fact_names, "start": st, "end": en})
        entries.append({
            "id": r.id, "file": name, "format": f, "agency": r.agency.name, "agency_id": r.agency.id,
            "place": r.agency.place, "department": r.agency.dept, "year": r.year, "era": r.era, "title": r.title,
            "publication_date": r.publication_date, "chars": len(tb.text),
            "canonical_sha256": hashlib.sha256(tb.text.encode("utf-8")).hexdigest(),
            "file_sha256": hashlib.sha256(data).hexdigest(),
            "style": {"heading_inline": r.agency.heading_inline, "txt_table_shape": r.agency.txt_table_shape,
                      "laziness": r.agency.laziness, "training_section": r.agency.training_section,
                      "print_habits": asdict(r.agency.print_habits),
                      **({"web_form": rendering.form} if rendering else {})},
            "sections": sections,
            "facts": {"stated": dict(r.facts), "spans": facts},
            "tables": {"true": _stats_dict(r.stats), "printed": _stats_dict(r.printed)},
            "errors": [e.to_dict() for e in r.errors],
            "expected_failures": [x.to_dict() for x in failures],
            "previous": prev.id if prev else None,
            # a report printed in a web form: what a parser must read back (corpora.render's truth)
            **({"rendering": {"form": rendering.form, "parts": list(rendering.truth.parts),
                              "sections": rendering.truth.sections, "cells": len(rendering.truth.cells)}}
               if rendering else {}),
        })
    copy_entries = []
    for c in copies:
        tb_t, tb_s = builders[c.target], builders[c.source]
        for t_run, s_run in _runs(c.segments, c.source_segments):
            t0, t1 = tb_t.segment_spans[(c.target_key, t_run[0])][0], tb_t.segment_spans[(c.target_key, t_run[-1])][1]
            s0, s1 = tb_s.segment_spans[(c.source_key, s_run[0])][0], tb_s.segment_spans[(c.source_key, s_run[-1])][1]
            text = tb_t.text[t0:t1]
            if text != tb_s.text[s0:s1]:
                raise AssertionError(f"copy bookkeeping broke for {c.target} <- {c.source}")
            copy_entries.append({"kind": c.kind, "target": c.target, "target_start": t0, "target_end": t1,
                                 "source": c.source, "source_start": s0, "source_end": s1,
                                 "section": c.target_key, "chars": t1 - t0, "text": text})
    manifest = {
        "generator": "corpora.generate", "version": GENERATOR_VERSION,
        # web_forms only when used, so a corpus without them keeps its manifest as it was
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()
                   if k != "web_forms" or v},
        "offsets": "character offsets into each report's canonical text (its .txt rendering); "
                   "'text' finds the passage in any format",
        "agencies": sorted({(r.agency.id, r.agency.name) for r in reports}),
        "reports": entries,
        "copies": copy_entries,
    }
    write_manifest(out / MANIFEST_NAME, manifest)
    return manifest


#: the manifest's file name: JSON Lines, so report readers (which take *.json) skip it
MANIFEST_NAME = "manifest.jsonl"


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write a manifest as JSON Lines: a header line, one line per report, one per copy."""
    header = {k: v for k, v in manifest.items() if k not in ("reports", "copies")}
    lines = [json.dumps({"type": "corpus", **header}, ensure_ascii=False)]
    lines += [json.dumps({"type": "report", **r}, ensure_ascii=False) for r in manifest["reports"]]
    lines += [json.dumps({"type": "copy", **c}, ensure_ascii=False) for c in manifest["copies"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _runs(target: list[int], source: list[int]) -> Iterable[tuple[list[int], list[int]]]:
    """Split parallel index lists into runs that are consecutive on both sides."""
    run_t: list[int] = []
    run_s: list[int] = []
    for t, s in zip(target, source):
        if run_t and (t != run_t[-1] + 1 or s != run_s[-1] + 1):
            yield run_t, run_s
            run_t, run_s = [], []
        run_t.append(t)
        run_s.append(s)
    if run_t:
        yield run_t, run_s


def _stats_dict(s: Stats) -> dict[str, Any]:
    return {"era": s.era, "t2": s.t2, "t3": s.t3, "t4": s.t4, "fee_yuan": s.fee_yuan, "fee_count": s.fee_count}


def load_manifest(corpus_dir: str | Path) -> dict[str, Any]:
    """Read a generated corpus's manifest: the header fields plus ``reports`` and ``copies`` lists."""
    manifest: dict[str, Any] = {"reports": [], "copies": []}
    with open(Path(corpus_dir) / MANIFEST_NAME, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            kind = d.pop("type")
            if kind == "corpus":
                manifest.update(d)
            else:
                manifest["copies" if kind == "copy" else "reports"].append(d)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpora.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--agencies", type=int, default=4)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--start-year", type=int, default=2020)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help=f"comma-separated subset of {','.join(ALL_FORMATS)} (pdf needs Chromium and a CJK font)")
    ap.add_argument("--error-rate", type=float, default=0.35)
    ap.add_argument("--cross-copies", type=int, default=2, help="cross-agency copies per year")
    ap.add_argument("--web-forms", default="",
                    help="comma-separated web forms of corpora.render (oneline_drop, glued, pipes, crawler, "
                         "chrome_html, era2008, …): each agency prints its reports in one of them")
    a = ap.parse_args(argv)
    cfg = CorpusConfig(agencies=a.agencies, years=a.years, start_year=a.start_year, seed=a.seed,
                       formats=tuple(x.strip() for x in a.formats.split(",") if x.strip()),
                       error_rate=a.error_rate, cross_copies_per_year=a.cross_copies,
                       web_forms=tuple(x.strip() for x in a.web_forms.split(",") if x.strip()))
    m = write_corpus(a.out, cfg)
    print(f"wrote {len(m['reports'])} reports, {len(m['copies'])} planted copies, "
          f"{sum(len(r['errors']) for r in m['reports'])} planted errors to {a.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
