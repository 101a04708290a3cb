"""The shape of a statistics table: :class:`TableSchema` of :class:`RowSpec` and :class:`ColumnSpec`.

A row or column is described once — its key, its printed wording in each layout, the words that
identify it in a printed label, its short display title — and every lookup the readers, checks,
summaries and the demo generator use is derived from these (``nlp.format.tables``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    """One column: ``label`` as the format prints it, ``era_labels`` (era, label) where a later
    layout prints it otherwise, ``short`` a display form for messages ('' = the label),
    ``variants`` other wordings reports print, ``amount``/``signed`` whether values may be
    decimal amounts (万元) or negative (本年增/减)."""

    key: str
    label: str
    short: str = ""
    era_labels: tuple[tuple[str, str], ...] = ()
    variants: tuple[str, ...] = ()
    amount: bool = False
    signed: bool = False

    @property
    def title(self) -> str:
        """Display form for messages."""
        return self.short or self.label

    def label_in(self, era: str) -> str:
        """The wording the layout of ``era`` prints."""
        return dict(self.era_labels).get(era, self.label)


@dataclass(frozen=True)
class RowSpec:
    """One row: ``number`` + ``label`` as the format prints it (``1.`` + ``属于国家秘密``).

    ``fragments``: any of them found in a printed label names this row; ``exact``: labels that
    name it only as the whole label (numbering stripped), for wordings too short to be fragments;
    ``variants``: other wordings reports print after the number; ``era_labels``: (era, label)
    where a later layout prints it otherwise; ``eras``: the layouts that print it (empty: every
    layout of its table); ``outcome``: an outcome summed into the table's total.
    Sub-rows are keyed ``group.sub`` after the group heading they are numbered under.
    """

    key: str
    label: str
    number: str = ""
    short: str = ""
    fragments: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    era_labels: tuple[tuple[str, str], ...] = ()
    eras: tuple[str, ...] = ()
    outcome: bool = False

    @property
    def printed(self) -> str:
        """Number and label as printed."""
        return self.number + self.label

    @property
    def group(self) -> str:
        """Key of the group heading a sub-row is numbered under ('' for a top-level row)."""
        return self.key.split(".")[0] if "." in self.key else ""

    def label_in(self, era: str) -> str:
        """The wording the layout of ``era`` prints."""
        return dict(self.era_labels).get(era, self.label)


@dataclass(frozen=True)
class BlockSpec:
    """A block of table 2 (第二十条第（一）项 …): its printed title, its rows and the columns they have."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """One statistics table.

    ``title``: display name for messages; ``rows``/``columns`` in printed order (every layout's
    rows, see :meth:`row_keys`); ``groups``: headings whose numbered sub-rows are keyed
    ``group.sub``; ``blocks``: (era, blocks) for tables printed in blocks, which then decide the
    rows of each layout; ``corner``: the header of the label column; ``start_markers``: where
    the table starts in a report's text (searched in order); ``kind_words``: words that tell
    this table from the others; ``row_start``: where a row starts in a table printed on one line;
    ``era_markers``: (era, words) whose presence marks the table's layout.
    """

    key: str
    title: str
    rows: tuple[RowSpec, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    groups: tuple[RowSpec, ...] = ()
    blocks: tuple[tuple[str, tuple[BlockSpec, ...]], ...] = ()
    corner: str = ""
    start_markers: tuple[str, ...] = ()
    kind_words: tuple[str, ...] = ()
    row_start: re.Pattern[str] | None = None
    era_markers: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def row(self, key: str) -> RowSpec:
        """The row keyed ``key`` (KeyError when the table has none)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"{self.key} has no row {key!r}")

    def column(self, key: str) -> ColumnSpec:
        """The column keyed ``key`` (KeyError when the table has none)."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key} has no column {key!r}")

    def blocks_in(self, era: str) -> tuple[BlockSpec, ...]:
        """The blocks the layout of ``era`` prints (empty for a table not printed in blocks)."""
        return dict(self.blocks).get(era, ())

    def row_keys(self, era: str) -> tuple[str, ...]:
        """Row keys the layout of ``era`` prints, in printed order."""
        if self.blocks:
            return tuple(k for b in self.blocks_in(era) for k in b.rows)
        return tuple(r.key for r in self.rows if not r.eras or era in r.eras)

    def markers(self, era: str) -> tuple[str, ...]:
        """Words whose presence marks the layout of ``era``."""
        return dict(self.era_markers).get(era, ())

    def row_title(self, row: RowSpec) -> str:
        """Display form of a row: its group's number, its own number and its short form
        (（三）1.国家秘密)."""
        group = next((g for g in self.groups if g.key == row.group), None)
        return (group.number if group else "") + row.number + (row.short or row.label)
