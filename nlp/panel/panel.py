"""The panel dataset: one row per report × indicator (long) and one row per report (wide), plus the scorecard.

:func:`build_panel` turns parsed reports, their tables, the check findings and the compare
result into a :class:`Panel`; :func:`write_panel_outputs` writes ``panel.parquet``,
``panel.csv`` (UTF-8 with BOM), ``panel_wide.csv``, ``panel.xlsx`` (sheets 长表 / 宽表 / 审计评分 /
同类比较 / 指标说明), ``scorecard.csv`` and ``scorecard.xlsx``. Parquet keeps the English column
keys (for DuckDB and pandas); CSV and XLSX carry Chinese headers. Every file is written to a
temporary name and renamed, so a reader never sees half a file.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import format as V
from ..csvsafe import write_csv
from ..document import Report
from .agencies import LEVEL_ZH, AgencyResolver
from .metrics import MetricDictionary, MetricValue, evaluate_all, load_metrics
from .peers import PeerStat, ReportPoint, peer_findings, peer_stats
from .scorecard import SCORECARD_FIELDS, scorecard_rows

__all__ = ["Panel", "ReportEntry", "build_panel", "panel_writers", "write_panel_outputs", "LONG_FIELDS", "cell_label",
           "PANEL_FILES"]

#: long-table columns: (key, Chinese header)
LONG_FIELDS: tuple[tuple[str, str], ...] = (
    ("report_id", "报告编号"), ("agency", "机关"), ("agency_printed", "报告所署机关"), ("region", "地区"),
    ("level", "层级"), ("year", "年度"), ("era", "表格式样"), ("table", "表格"), ("row", "行"), ("column", "列"),
    ("label", "指标"), ("value", "数值"), ("unit", "单位"), ("semantic", "取值类型"), ("uncertain", "存疑"),
    ("check_status", "勾稽检查"), ("basis", "计算依据"), ("source", "来源文件"), ("page", "页码"),
    ("start", "起始位置"), ("end", "结束位置"),
)
#: wide-table leading columns (then one column per metric, headed by its Chinese name)
WIDE_FIELDS: tuple[tuple[str, str], ...] = (
    ("report_id", "报告编号"), ("agency", "机关"), ("agency_printed", "报告所署机关"), ("region", "地区"),
    ("level", "层级"), ("year", "年度"), ("era", "表格式样"), ("publication_date", "发布日期"), ("source", "来源文件"),
    ("checks_fail", "未通过检查"), ("checks_uncertain", "存疑检查"),
)
PEER_FIELDS: tuple[tuple[str, str], ...] = (
    ("report_id", "报告编号"), ("agency", "机关"), ("year", "年度"), ("metric", "指标键"), ("metric_name", "指标"),
    ("value", "数值"), ("group", "同类组"), ("n", "同类数"), ("p25", "P25"), ("p50", "P50（中位数）"), ("p75", "P75"),
    ("percentile", "百分位"), ("rank", "排名"),
)
DERIVED_TABLE = "derived"
DERIVED_TABLE_ZH = "派生指标"
SEMANTIC_ZH = {"number": "数值", "blank": "空白", "na": "不适用", "inferred": "推断"}
PANEL_FILES = ("panel.parquet", "panel.csv", "panel_wide.csv", "panel.xlsx", "scorecard.csv", "scorecard.xlsx")
#: worst first: the status a cell shows when several findings cite it
_STATUS_ORDER = ("fail", "uncertain", "pass", "not_assessable")


@dataclass
class ReportEntry:
    """One report in the panel: who, when, its metric values and (after the checks) its finding counts."""

    report: Report
    tables: Any
    agency: str
    level: str
    region: str
    province: str
    metrics: dict[str, MetricValue]
    findings: list[Any] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.report.id


@dataclass
class Panel:
    """Everything the panel files and the brief's trends, scorecard and peer tables show."""

    entries: list[ReportEntry]
    long: Sequence[dict[str, Any]]
    wide: list[dict[str, Any]]
    peers: list[PeerStat]
    peer_findings: list[Any]
    scorecard: list[dict[str, Any]]
    metrics: MetricDictionary
    resolver: AgencyResolver
    _by_id: dict[str, ReportEntry] = field(default_factory=dict, repr=False)

    def entry(self, report_id: str) -> ReportEntry | None:
        if len(self._by_id) != len(self.entries):
            self._by_id = {e.id: e for e in self.entries}
        return self._by_id.get(report_id)

    def agencies(self) -> list[str]:
        return sorted({e.agency for e in self.entries if e.agency})

    def series(self) -> dict[str, list[ReportEntry]]:
        """Canonical agency → its reports by year (agencies with a name only)."""
        out: dict[str, list[ReportEntry]] = {}
        for e in self.entries:
            if e.agency:
                out.setdefault(e.agency, []).append(e)
        return {k: sorted(v, key=lambda e: (e.report.year or 0, e.id)) for k, v in sorted(out.items())}

    def to_frame(self, which: str = "long") -> Any:
        """The long, wide, scorecard or peers table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        rows = {"long": self.long, "wide": self.wide, "scorecard": self.scorecard,
                "peers": [_peer_row(s, self) for s in self.peers]}
        if which not in rows:
            raise ValueError(f"which must be one of {', '.join(rows)}")
        return pd.DataFrame(rows[which])


def cell_label(table: str, row: str, column: str, printed: str = "") -> str:
    """The Chinese label of a cell: table · row · column (``表三（申请办理）·（一）予以公开·总计``)."""
    title = V.TABLE_TITLES.get(table, table)
    if table == "requests":
        r, c = V.REQUEST_ROW_TITLES.get(row, row), V.PRINTED_REQUEST_COLUMNS.get(column, column)
    elif table == "review_litigation":
        r, c = V.REVIEW_BLOCK_TITLES.get(row, row), V.REVIEW_COLUMN_TITLES.get(column, column)
    elif table == "proactive":
        r, c = V.PROACTIVE_ROW_TITLES.get(row, row), V.PROACTIVE_COLUMN_TITLES.get(column, column)
    else:
        r, c = printed or row, column
    return f"{title}·{r}·{c}"


def _cell_statuses(findings: Iterable[Any]) -> dict[tuple[str, str], str]:
    """(report id, cell key) → the worst status of the findings citing that cell."""
    out: dict[tuple[str, str], str] = {}
    for f in findings:
        for e in f.evidence:
            if not e.key:
                continue
            k = (e.report_id or f.report_id, e.key)
            old = out.get(k)
            if old is None or _STATUS_ORDER.index(f.status) < _STATUS_ORDER.index(old):
                out[k] = f.status
    return out


def _page(report: Report, offset: int | None) -> int | None:
    return report.page_at(offset) if report.page_starts and offset is not None else None


def _long_rows(e: ReportEntry, statuses: dict[tuple[str, str], str], metrics: MetricDictionary) -> list[dict[str, Any]]:
    r = e.report
    base = {"report_id": r.id, "agency": e.agency, "agency_printed": r.agency, "region": e.region,
            "level": LEVEL_ZH.get(e.level, e.level), "year": r.year, "era": r.era, "source": r.source}
    rows = []
    cells = list(e.tables) if e.tables is not None else []
    for c in cells:
        rows.append({**base, "table": c.table, "row": c.row, "column": c.column,
                     "label": cell_label(c.table, c.row, c.column, c.label), "value": c.value,
                     "unit": c.unit or ("万元" if c.column in V.AMOUNT_COLUMNS else "件"),
                     "semantic": c.semantic, "uncertain": bool(c.uncertain),
                     "check_status": statuses.get((r.id, c.key), ""), "basis": "", "page": _page(r, c.start),
                     "start": c.start, "end": c.end})
    for m in metrics:
        v = e.metrics[m.key]
        rows.append({**base, "table": DERIVED_TABLE, "row": m.key, "column": "", "label": f"{DERIVED_TABLE_ZH}·{m.name}",
                     "value": v.value, "unit": m.unit, "semantic": "number" if v.value is not None else "na",
                     "uncertain": bool(v.uncertain), "check_status": "", "basis": v.formula or v.reason,
                     "page": None, "start": None, "end": None})
    return rows


class LongRows(Sequence[dict[str, Any]]):
    """The long table's rows (one per report × cell and per report × indicator), made again from
    the entries each time they are read: the largest table of a run, held as dicts it cost about
    0.2 MB per report."""

    def __init__(self, entries: Sequence[ReportEntry], statuses: dict[tuple[str, str], str], metrics: MetricDictionary):
        self._entries, self._statuses, self._metrics = entries, statuses, metrics
        n_metrics = len(list(metrics))
        self._len = sum(len(list(e.tables)) if e.tables is not None else 0 for e in entries) + n_metrics * len(entries)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for e in self._entries:
            yield from _long_rows(e, self._statuses, self._metrics)

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):  # type: ignore[override]
        return list(self)[index]   # makes every row: for occasional use (iterate to read them all)


def _wide_row(e: ReportEntry, metrics: MetricDictionary) -> dict[str, Any]:
    r = e.report
    row = {"report_id": r.id, "agency": e.agency, "agency_printed": r.agency, "region": e.region,
           "level": LEVEL_ZH.get(e.level, e.level), "year": r.year, "era": r.era,
           "publication_date": r.publication_date, "source": r.source,
           "checks_fail": sum(1 for f in e.findings if f.status == "fail"),
           "checks_uncertain": sum(1 for f in e.findings if f.status == "uncertain")}
    for m in metrics:
        row[m.key] = e.metrics[m.key].value
    return row


def _point(e: ReportEntry) -> ReportPoint:
    ev = {}
    by_key = {c.key: c for c in e.tables} if e.tables is not None else {}
    for k, v in e.metrics.items():
        c = by_key.get(v.cells[0]) if v.cells else None
        if c is not None:
            ev[k] = (c.key, c.start, c.end, c.value)
    return ReportPoint(e.id, e.agency, e.level, e.province, e.report.year, {k: v.value for k, v in e.metrics.items()}, ev)


def _peer_row(s: PeerStat, panel: Panel) -> dict[str, Any]:
    e = panel.entry(s.report_id)
    return {"report_id": s.report_id, "agency": e.agency if e else "", "year": e.report.year if e else None,
            "metric": s.metric, "metric_name": panel.metrics[s.metric].name, "value": s.value, "group": s.group,
            "n": s.n, "p25": s.p25, "p50": s.p50, "p75": s.p75, "percentile": s.percentile, "rank": s.rank}


def build_panel(reports: Sequence[Report], tables: Sequence[Any], findings: Sequence[Any] = (),
                comparison: Any = None, aliases: dict[str, str] | None = None,
                metrics: MetricDictionary | None = None) -> Panel:
    """The panel of ``reports`` (with their ``tables``, an ``nlp.tables.ReportTables`` or None each).

    ``findings``: the check findings (cell statuses, scorecard); ``comparison``: an
    ``nlp.comparison.CompareResult`` for repetition and specificity; ``aliases``: user aliases
    (:func:`nlp.panel.agencies.read_aliases`).
    """
    metrics = metrics or load_metrics()
    resolver = AgencyResolver.build((r.agency for r in reports), aliases)
    by_report: dict[str, list[Any]] = {}
    for f in findings:
        by_report.setdefault(f.report_id, []).append(f)
    entries = []
    for r, t in zip(reports, tables):
        info = resolver.info(r.agency)
        entries.append(ReportEntry(r, t, info.canonical, info.level, info.region, info.province,
                                   evaluate_all(t, metrics), by_report.get(r.id, [])))
    entries.sort(key=lambda e: (e.agency, e.report.year or 0, e.report.source, e.id))
    points = [_point(e) for e in entries]
    stats = peer_stats(points, metrics)
    extra = peer_findings(points, metrics)
    by_id = {e.id: e for e in entries}
    for f in extra:
        by_id[f.report_id].findings.append(f)
    statuses = _cell_statuses(list(findings) + extra)
    long = LongRows(entries, statuses, metrics)
    wide = [_wide_row(e, metrics) for e in entries]
    panel = Panel(entries, long, wide, stats, extra, [], metrics, resolver)
    panel.scorecard = scorecard_rows(panel, comparison)
    return panel


# ------------------------------------------------------------------ writers

#: the date stamped into xlsx files (a fixed one: same inputs, same bytes)
_FIXED_TIME = dt.datetime(2000, 1, 1)


def _display(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def _atomic(path: Path, write: Any) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def _write_csv(path: Path, rows: Sequence[dict[str, Any]], fields: Sequence[tuple[str, str]]) -> Path:
    """Chinese headers, CRLF line ends, the UTF-8 BOM (:func:`nlp.csvsafe.write_csv`)."""
    keys = [k for k, _ in fields]
    # the header, then each row as a list in column order (no mapping made per row: panel.csv has ~220 rows a report)
    shown = chain([[zh for _, zh in fields]], ([_display(r.get(k)) for k in keys] for r in rows))
    return write_csv(path, shown, line_end="\r\n")


#: rows of ``panel.parquet`` made and written together (one row group each): memory stays flat in N
PARQUET_ROWS_PER_GROUP = 65536


def _write_parquet(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"year": pa.int64(), "value": pa.float64(), "uncertain": pa.bool_(), "page": pa.int64(),
             "start": pa.int64(), "end": pa.int64()}
    schema = pa.schema([(k, types.get(k, pa.string())) for k, _ in LONG_FIELDS])

    def groups() -> Iterator[dict[str, list[Any]]]:
        columns: dict[str, list[Any]] = {k: [] for k, _ in LONG_FIELDS}
        n = 0
        for n, r in enumerate(rows, 1):   # one pass: the long rows are made as they are read
            for k, column in columns.items():
                v = r.get(k)
                column.append(None if v is None else (float(v) if k == "value" else v))
            if n % PARQUET_ROWS_PER_GROUP == 0:
                yield columns
                columns = {k: [] for k, _ in LONG_FIELDS}
        if n == 0 or n % PARQUET_ROWS_PER_GROUP:   # an empty panel is one empty group, as write_table makes it
            yield columns

    def write(p: Path) -> None:
        with pq.ParquetWriter(p, schema) as w:
            for columns in groups():
                w.write_table(pa.table(columns, schema=schema), row_group_size=PARQUET_ROWS_PER_GROUP)
        pa.default_memory_pool().release_unused()   # Arrow's allocator keeps freed pages otherwise

    return _atomic(path, write)


def _write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[tuple[str, str]], Iterable[str]]]) -> Path:
    """Sheets streamed by the lean writer (:mod:`.xlsx`): bold Chinese header, frozen first row, text never a formula."""
    from .xlsx import XlsxSheet, write_xlsx

    def rows(records: Sequence[dict[str, Any]], keys: list[str]) -> Iterable[list[Any]]:
        return ([_display(r.get(k)) for k in keys] for r in records)

    book = []
    for title, records, fields, percent in sheets:
        keys = [k for k, _ in fields]
        pct = set(percent)
        book.append(XlsxSheet(title, [zh for _, zh in fields], rows(records, keys),
                              [max(8, min(40, 2 * len(zh) + 4)) for _, zh in fields],
                              frozenset(i for i, k in enumerate(keys) if k in pct), len(records)))

    def write(p: Path) -> None:
        with p.open("wb") as f:
            write_xlsx(f, book, created=_FIXED_TIME)

    return _atomic(path, write)


def metric_rows(metrics: MetricDictionary) -> list[dict[str, Any]]:
    return [{"key": m.key, "name": m.name, "formula": " 或 ".join(m.formulas), "unit": m.unit,
             "aggregates": m.aggregates, "key_indicator": m.key_indicator, "caveats": m.caveats,
             "version": metrics.version} for m in metrics]


METRIC_FIELDS = (("key", "指标键"), ("name", "指标"), ("formula", "公式"), ("unit", "单位"), ("aggregates", "可跨报告加总"),
                 ("key_indicator", "关键指标"), ("caveats", "说明"), ("version", "版本"))


def wide_fields(metrics: MetricDictionary) -> list[tuple[str, str]]:
    return list(WIDE_FIELDS) + [(m.key, f"{m.name}（{m.unit}）" if m.unit != "%" else m.name) for m in metrics]


def panel_writers(panel: Panel) -> dict[str, Callable[[Path], Path]]:
    """The panel and scorecard files (:data:`PANEL_FILES`): name → a function that writes that file at
    the path it is given (each file made only when written)."""
    wide = wide_fields(panel.metrics)
    rates = [m.key for m in panel.metrics if m.is_rate]

    def workbook(p: Path) -> Path:
        peers = [_peer_row(s, panel) for s in panel.peers]
        return _write_xlsx(p, [
            ("长表", panel.long, LONG_FIELDS, ()), ("宽表", panel.wide, wide, rates),
            ("审计评分", panel.scorecard, SCORECARD_FIELDS, ("repeated_share",)), ("同类比较", peers, PEER_FIELDS, ()),
            ("指标说明", metric_rows(panel.metrics), METRIC_FIELDS, ())])

    return {
        "panel.parquet": lambda p: _write_parquet(p, panel.long),
        "panel.csv": lambda p: _write_csv(p, panel.long, LONG_FIELDS),
        "panel_wide.csv": lambda p: _write_csv(p, panel.wide, wide),
        "panel.xlsx": workbook,
        "scorecard.csv": lambda p: _write_csv(p, panel.scorecard, SCORECARD_FIELDS),
        "scorecard.xlsx": lambda p: _write_xlsx(p, [("审计评分", panel.scorecard, SCORECARD_FIELDS, ("repeated_share",))]),
    }


def write_panel_outputs(panel: Panel, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the panel and scorecard files (:data:`PANEL_FILES`) into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write(out / name) for name, write in panel_writers(panel).items()]
