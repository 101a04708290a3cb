"""The format package: its schemas are consistent, the lookups derived from them agree, and the
part titles and table labels match the reference description of the format in
../shared/reference/annual-report-format.md (read here at test time)."""
from __future__ import annotations

import re

import pytest

from conftest import SHARED
from nlp import format as F
from nlp.format.schema import RowSpec, TableSchema

REFERENCE = SHARED / "reference" / "annual-report-format.md"
ERAS_WITH_TABLES = (F.ERA_2019, F.ERA_2021)


def _reference() -> str:
    if not REFERENCE.exists():
        pytest.skip("no reference format description in ../shared")
    return REFERENCE.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of the ``## heading…`` section of the reference."""
    m = re.search(r"^## " + re.escape(heading) + r"[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f"reference has no section {heading!r}"
    return m.group(1)


def _plain(s: str) -> str:
    """A label without spaces, ellipses and quote marks (the reference writes "…" where a table prints “…”)."""
    return re.sub(r"[\s…“”‘’\"']", "", s)


# ---------------------------------------------------------------- schema consistency

@pytest.mark.parametrize("table", F.STATISTICS_TABLES, ids=lambda t: t.key)
def test_row_and_column_keys_are_unique_and_groups_head_their_sub_rows(table: TableSchema):
    rows = [r.key for r in table.rows]
    cols = [c.key for c in table.columns]
    assert len(rows) == len(set(rows)) and len(cols) == len(set(cols))
    for r in table.rows:
        if r.group:
            assert r.group in {g.key for g in table.groups}, r.key
    for era in ERAS_WITH_TABLES:
        assert table.row_keys(era), (table.key, era)
        assert set(table.row_keys(era)) <= set(rows)


def test_request_lookups_cover_the_same_rows():
    keys = [r.key for r in F.REQUEST_TABLE.rows]
    assert list(F.PRINTED_REQUEST_ROWS) == keys
    assert list(F.REQUEST_ROW_TITLES) == keys
    # every row is named by fragments, by exact labels, or both
    assert set(F.REQUEST_ROW_FRAGMENTS) | set(F.REQUEST_ROW_EXACT) == set(keys)
    assert set(F.REQUEST_ROWS_2019) | set(F.REQUEST_ROWS_2021) == set(keys)
    assert set(F.PRINTED_REQUEST_ROW_VARIANTS) <= set(keys)
    # the 2021 layout replaces the one （六） row by three sub-rows, and nothing else
    assert set(F.REQUEST_ROWS_2019) ^ set(F.REQUEST_ROWS_2021) == {
        "other", "other.overdue_correction", "other.overdue_fee", "other.other"}
    # the outcome rows sit between 二、上年结转 and （七）总计
    outcome = [k for k in keys if F.REQUEST_TABLE.row(k).outcome]
    assert keys[keys.index("carried_over") + 1:keys.index("total")] == outcome
    assert list(F.PRINTED_REQUEST_COLUMNS) == list(F.REQUEST_COLUMNS) and F.REQUEST_COLUMNS[-1] == "total"


def test_request_printed_numbers_run_in_order():
    top = [F.REQUEST_RESULTS_HEADING] + [r for r in F.REQUEST_TABLE.rows if re.fullmatch(r"[一二三四]、", r.number)]
    assert [r.number for r in sorted(top, key=lambda r: F.cn_number_value(r.number[0]))] == ["一、", "二、", "三、", "四、"]
    for era in ERAS_WITH_TABLES:
        rows = [F.REQUEST_TABLE.row(k) for k in F.REQUEST_TABLE.row_keys(era)]
        # （一）…（七）: the outcome groups, heading rows of sub-rows included, in printed order
        paren: list[str] = []
        for r in rows:
            head = next((g for g in F.REQUEST_TABLE.groups if g.key == r.group), r)
            if head.number.startswith("（") and (not paren or paren[-1] != head.number):
                paren.append(head.number)
        assert [F.cn_number_value(n.strip("（）")) for n in paren] == list(range(1, 8)), era
        # sub-rows of each group numbered 1. 2. 3. … without a gap
        for g in F.REQUEST_TABLE.groups:
            subs = [r.number for r in rows if r.group == g.key]
            assert subs == [f"{i}." for i in range(1, len(subs) + 1)], (era, g.key)


def test_request_labels_are_named_by_their_own_row_only():
    for r in F.REQUEST_TABLE.rows:
        for label in (r.label, *r.variants):
            named = {o.key for o in F.REQUEST_TABLE.rows if any(f in r.number + label for f in o.fragments)}
            named |= {o.key for o in F.REQUEST_TABLE.rows if label in o.exact}
            assert named == {r.key}, (r.key, label, named)
        assert r.label not in r.variants


def test_request_titles_carry_the_group_and_row_numbers():
    assert F.REQUEST_ROW_TITLES["refused.state_secret"] == "（三）1.国家秘密"
    assert F.REQUEST_ROW_TITLES["other.other"] == "（六）3.其他"
    assert F.REQUEST_ROW_TITLES["received"] == "一、本年新收"
    for g in F.REQUEST_TABLE.groups:
        assert F.PRINTED_REQUEST_GROUPS[g.key].startswith(g.number)


def test_proactive_blocks_decide_rows_and_columns_of_each_layout():
    cols = {c.key for c in F.PROACTIVE_TABLE.columns}
    used: set[str] = set()
    for era, columns in ((F.ERA_2019, F.PROACTIVE_COLUMNS_2019), (F.ERA_2021, F.PROACTIVE_COLUMNS_2021)):
        assert list(columns) == list(F.PRINTED_PROACTIVE_ROWS[era]) == list(F.PROACTIVE_TABLE.row_keys(era))
        # rows keep the table's printed order in every layout
        assert list(columns) == [k for k in F.PROACTIVE_ROWS if k in columns]
        for k, row_cols in columns.items():
            assert set(row_cols) <= cols, (era, k)
            used |= set(row_cols)
    assert used == cols
    assert sorted(F.PROACTIVE_LABEL_ORDER) == sorted(F.PROACTIVE_ROWS)
    assert list(F.PROACTIVE_ROW_TITLES) == list(F.PROACTIVE_ROWS)
    assert set(F.PRINTED_PROACTIVE_COLUMNS_2021) == {"decisions", "amount"}


def test_proactive_labels_of_each_layout_match_their_own_row_first():
    for era in ERAS_WITH_TABLES:
        for key, label in F.PRINTED_PROACTIVE_ROWS[era].items():
            first = next(k for k, frags in F.PROACTIVE_ROW_LABELS if any(f in label for f in frags))
            assert first == key, (era, label)


def test_review_lookups_cover_the_blocks():
    assert list(F.PRINTED_REVIEW_BLOCKS) == list(F.REVIEW_BLOCKS)
    assert set(F.REVIEW_BLOCK_TITLES) == set(F.REVIEW_BLOCKS) | {"litigation"}
    assert F.REVIEW_BLOCK_TITLES["litigation_direct"] == "行政诉讼（未经复议直接起诉）"
    assert F.PRINTED_REVIEW_TOTAL_VARIANTS[0] == F.PRINTED_REVIEW_COLUMNS["total"]


def test_table_lookups_are_keyed_by_the_statistics_tables():
    assert F.TABLE_KINDS == ("proactive", "requests", "review_litigation")
    assert set(F.TABLE_START_MARKERS) == set(F.TABLE_KIND_WORDS) == set(F.TABLE_KINDS)
    assert set(F.TABLE_TITLES) == set(F.TABLE_KINDS) | {"old_era"}
    assert set(F.TABLE_ROW_STARTS) <= set(F.TABLE_KINDS)
    for table, row, column, _label, _unit in F.SUMMARY_TABLE_KEY_NUMBERS:
        schema = next(t for t in F.STATISTICS_TABLES if t.key == table)
        schema.row(row), schema.column(column)
    assert F.SUMMARY_HEADLINE_ROWS <= {row for _t, row, *_ in F.SUMMARY_TABLE_KEY_NUMBERS}


def test_a_missing_row_or_column_is_a_key_error():
    with pytest.raises(KeyError, match="requests has no row 'nope'"):
        F.REQUEST_TABLE.row("nope")
    with pytest.raises(KeyError, match="no column"):
        F.REVIEW_TABLE.column("natural_person")


def test_parts_map_their_own_titles_back_to_their_keys():
    assert F.PART_KEYS[-1] == F.UNKNOWN_PART and len(set(F.PART_KEYS)) == len(F.PART_KEYS)
    assert sorted(F.PART_RULE_ORDER) == sorted(F.PART_KEYS) == sorted(F.ERA_2008_PART_ORDER)
    for p in F.PARTS:
        if p.title:
            assert F.part_key_for_title(p.title) == p.key
            assert p.title_pattern is not None and p.title_pattern.search(p.title)
        for t in p.titles_2008:
            assert F.part_key_for_title(t.format(year=2015)) == p.key, t
    assert set(F.PART_THEMES.values()) <= set(F.THEME_KEYS)
    assert F.REQUIRED_PARTS_2019 == tuple(F.STANDARD_PART_TITLES)


# ---------------------------------------------------------------- against the reference description

def test_six_standard_parts_as_the_reference_numbers_and_names_them():
    m = re.search(r"Six parts since 2019[^\n]*\n(.*?)\n\n", _reference(), re.S)
    assert m
    printed = [s.strip() for s in m.group(1).replace("\n", " ").split("·")]
    assert printed == [f"{p.numeral}、{p.title}" for p in F.PARTS if p.title]


def test_old_layout_part_names_map_to_the_parts_in_the_2008_order():
    m = re.search(r"\| 2008–2018 \|[^|]*\| free-form: ([^;]+);", _reference())
    assert m
    names = [s.strip() for s in m.group(1).split("/")]
    assert [F.part_key_for_title(n) for n in names] == [k for k in F.ERA_2008_PART_ORDER if k != "unknown"]


def _reference_block_cell(cell: str) -> tuple[list[str], list[str]]:
    """``columns · … — rows, …`` of one table-2 cell."""
    cols, _, rows = cell.partition("—")
    return [c.strip() for c in cols.split("·")], [r.strip() for r in rows.split(",")]


def test_table_2_blocks_columns_and_rows_as_in_the_reference():
    body = _section(_reference(), "Table 2")
    lines = [ln for ln in body.splitlines() if ln.startswith("| 第")]
    assert len(lines) == len(F.PROACTIVE_TABLE.blocks_in(F.ERA_2019))
    for i, line in enumerate(lines):
        block, cell19, cell21 = [c.strip() for c in line.strip("|").split("|")]
        for era, cell in ((F.ERA_2019, cell19), (F.ERA_2021, cell21)):
            blocks = F.PROACTIVE_TABLE.blocks_in(era)
            if cell.startswith("(removed)"):
                assert i >= len(blocks)
                continue
            ours = blocks[i]
            assert ours.title.endswith(block.removeprefix("第二十条")), (era, block)
            cols, rows = _reference_block_cell(cell)
            assert rows == [F.PROACTIVE_TABLE.row(k).label_in(era) for k in ours.rows], (era, block)
            for ref, key in zip(cols, ours.columns, strict=True):
                label = F.PROACTIVE_TABLE.column(key).label_in(era)
                # the reference may write a unit note ours prints shorter; then the reader
                # must still take the reference's wording as a marker of its layout
                assert ref == label or any(m in ref for m in F.PROACTIVE_TABLE.markers(era)), (era, ref, label)


def test_table_3_columns_and_rows_as_in_the_reference():
    body = _section(_reference(), "Table 3")
    cols = re.search(r"Columns[^:]*: (.*)\.\n", body)
    assert cols
    m = re.fullmatch(r"(\S+) · (\S+) \{([^}]*)\} · (\S+)", cols.group(1))
    assert m
    assert m.group(2) == F.PRINTED_REQUEST_LEGAL_PERSONS
    printed = [m.group(1), *[c.strip() for c in m.group(3).split(",")], m.group(4)]
    assert printed == [c.label for c in F.REQUEST_TABLE.columns]

    rows_text = body[body.index("Rows:"):].replace("\n", " ")
    for r in (F.REQUEST_TABLE.row("received"), F.REQUEST_TABLE.row("carried_over"), F.REQUEST_RESULTS_HEADING,
              F.REQUEST_TABLE.row("granted"), F.REQUEST_TABLE.row("partly_granted"), F.REQUEST_TABLE.row("total"),
              F.REQUEST_TABLE.row("carried_forward")):
        shown = re.search(re.escape(r.number) + r"([\u4e00-\u9fff]+)", rows_text)
        assert shown and r.label.startswith(shown.group(1)), r.key
    # groups of numbered sub-rows: （三）不予公开 1–8 (a; b; …)
    for g in F.REQUEST_TABLE.groups[:3]:
        m = re.search(re.escape(g.printed) + r" 1–(\d+) \(([^)]*)\)", rows_text)
        assert m, g.key
        subs = [r for r in F.REQUEST_TABLE.rows if r.group == g.key]
        assert int(m.group(1)) == len(subs)
        for ref, row in zip(m.group(2).split(";"), subs, strict=True):
            assert _plain(ref) in _plain(row.label), (row.key, ref)
    # （六）其他处理 split in 2021: three rows
    m = re.search(r"in 2021 three rows \(([^)]*)\)", rows_text)
    assert m
    subs = [F.REQUEST_TABLE.row(k) for k in F.REQUEST_ROWS_2021 if k.startswith("other.")]
    for ref, row in zip(m.group(1).split(";"), subs, strict=True):
        assert row.label.startswith(_plain(ref)), (row.key, ref)


def test_table_4_blocks_and_columns_as_in_the_reference():
    body = _section(_reference(), "Table 4").replace("\n", " ")
    blocks = re.findall(r"(?:行政诉讼·)?([\u4e00-\u9fff]+) \{([^}]*)\}", body)
    assert [b for b, _ in blocks] == [F.PRINTED_REVIEW_BLOCKS[k] for k in F.REVIEW_BLOCKS]
    assert [c.strip() for c in blocks[0][1].split(",")] == [F.PRINTED_REVIEW_COLUMNS[k] for k in F.REVIEW_COLUMNS]
    assert "行政诉讼·" + F.PRINTED_REVIEW_BLOCKS["litigation_direct"] in body
    assert F.PRINTED_REVIEW_LITIGATION == "行政诉讼"


def test_row_spec_prints_number_and_label():
    row = RowSpec("x.y", "标签", "2.", variants=("标 签",), era_labels=((F.ERA_2021, "新标签"),))
    assert row.printed == "2.标签" and row.group == "x"
    assert row.label_in(F.ERA_2021) == "新标签" and row.label_in(F.ERA_2019) == "标签"
