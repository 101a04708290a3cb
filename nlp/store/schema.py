"""The corpus store's tables (DDL), its constants and plumbing: the DuckDB connection, the
``meta`` keys, bulk inserts, SQL queries (:class:`StoreBase`)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from ..batch import Failure
from ..errors import XxgkError

#: an auditor's verdict on a finding
VERDICTS = ("confirmed", "wrong")
#: new files analysed and committed together
ADD_BATCH = 64
#: rows per INSERT statement
INSERT_CHUNK = 256
#: bump when the tables below change
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY, source VARCHAR, sha256 VARCHAR, agency VARCHAR, year INTEGER, era VARCHAR,
    format VARCHAR, version INTEGER, added_at TIMESTAMP, structure VARCHAR, themes VARCHAR, theme_shares VARCHAR,
    problem_specificity DOUBLE, summaries VARCHAR);
CREATE TABLE IF NOT EXISTS versions (
    report_id VARCHAR, version INTEGER, created_at TIMESTAMP, author VARCHAR, reason VARCHAR, tables VARCHAR,
    PRIMARY KEY (report_id, version));
CREATE TABLE IF NOT EXISTS corrections (
    report_id VARCHAR, version INTEGER, cell VARCHAR, old_value DOUBLE, old_semantic VARCHAR, new_value DOUBLE,
    reason VARCHAR, author VARCHAR, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS cells (
    report_id VARCHAR, version INTEGER, agency VARCHAR, year INTEGER, era VARCHAR, "table" VARCHAR, "row" VARCHAR,
    "column" VARCHAR, value DOUBLE, raw VARCHAR, semantic VARCHAR, uncertain BOOLEAN, "start" INTEGER, "end" INTEGER);
CREATE TABLE IF NOT EXISTS findings (
    finding_id VARCHAR, report_id VARCHAR, position INTEGER, rule VARCHAR, status VARCHAR, severity VARCHAR,
    subject VARCHAR, message VARCHAR, gloss VARCHAR, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS reviews (
    finding_id VARCHAR, report_id VARCHAR, rule VARCHAR, status VARCHAR, verdict VARCHAR, reason VARCHAR,
    author VARCHAR, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS themes (report_id VARCHAR, "start" INTEGER, "end" INTEGER, theme VARCHAR, score DOUBLE);
CREATE TABLE IF NOT EXISTS summaries (report_id VARCHAR, position INTEGER, summary VARCHAR);
CREATE TABLE IF NOT EXISTS passages (
    passage_id VARCHAR, kind VARCHAR, text VARCHAR, chars INTEGER, n_reports INTEGER, n_agencies INTEGER,
    identity DOUBLE, reason VARCHAR);
CREATE TABLE IF NOT EXISTS passage_members (
    passage_id VARCHAR, report_id VARCHAR, "start" INTEGER, "end" INTEGER, agency VARCHAR, year INTEGER);
CREATE TABLE IF NOT EXISTS report_measures (report_id VARCHAR, measures VARCHAR);
CREATE TABLE IF NOT EXISTS artifacts (name VARCHAR PRIMARY KEY, body BLOB);
CREATE TABLE IF NOT EXISTS shingle_df (hash UBIGINT PRIMARY KEY, df BIGINT);
CREATE TABLE IF NOT EXISTS compared_pairs (report_a VARCHAR, report_b VARCHAR, digest VARCHAR, spans VARCHAR);
"""

#: tables holding one report's derived rows (replaced when its file changes; versions and corrections stay)
PER_REPORT_TABLES = ("reports", "cells", "findings", "themes", "summaries")


@dataclass
class AddResult:
    """What :meth:`CorpusStore.add` did, by file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pairs_computed: int = 0   #: compare: report pairs aligned by this add
    pairs_reused: int = 0     #: compare: report pairs taken from the store (inputs unchanged)


def finding_id(f: Any) -> str:
    """A stable id of a finding: its report, rule, subject and the cells/spans it rests on (not its status)."""
    ev = ";".join(f"{e.key}@{e.start}-{e.end}" for e in f.evidence)
    return hashlib.sha1(f"{f.report_id}|{f.rule}|{f.subject}|{ev}".encode()).hexdigest()[:12]


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_value(value: str) -> int | float:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            raise XxgkError(f"cell value must be a number, got {value!r}") from None


class StoreBase:
    """One DuckDB file: connection, metadata, bulk inserts and queries."""

    def __init__(self, path: str | Path, read_only: bool = False):
        """Open the store at ``path`` (created unless ``read_only``; read-only stores can be shared)."""
        try:
            import duckdb
        except ImportError as e:  # pragma: no cover
            raise XxgkError(f"the corpus store needs duckdb (pip install 'xxgk[scale]'): {e}") from None
        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise XxgkError(f"{self.path}: no such store (create it with: xxgk store add PATH --db {self.path})")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
            if not read_only:
                self.con.execute(SCHEMA)
            have = self._meta("schema_version")
        except duckdb.Error as e:
            raise XxgkError(f"{self.path}: cannot open the store: {str(e).splitlines()[0]}") from None
        if have is None and not read_only:
            self._set_meta("schema_version", str(SCHEMA_VERSION))
        elif have != str(SCHEMA_VERSION):
            raise XxgkError(f"{self.path}: store schema version {have}, this xxgk reads version {SCHEMA_VERSION}")

    # -------------------------------------------------------------- plumbing

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "StoreBase":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def _insert(self, table: str, rows: list[list[Any]]) -> None:
        """Insert many rows (DuckDB's executemany goes row by row: a few hundred rows per statement instead)."""
        if not rows:
            return
        width = len(rows[0])
        one = "(" + ", ".join("?" * width) + ")"
        for k in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[k:k + INSERT_CHUNK]
            self.con.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(chunk)),
                             [v for row in chunk for v in row])

    @property
    def work_dir(self) -> Path:
        """Per-file results of files not committed yet (analyze's cache): a killed ``add`` resumes from it."""
        return self.path.with_name(self.path.name + ".work")

    def stages(self) -> list[str]:
        """The stages this store runs (fixed by its first ``add``)."""
        from ..analysis import STAGES

        got = self._meta("stages")
        return json.loads(got) if got else list(STAGES)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run SQL on the store; returns (column names, rows)."""
        import duckdb

        try:
            cur = self.con.execute(sql, list(params))
        except duckdb.Error as e:
            raise XxgkError(f"query failed: {str(e).splitlines()[0]}") from None
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()

