"""The corpus store: every report analysed once, kept in one DuckDB file, corrected with history.

``CorpusStore(path)`` opens (or creates) the file. :meth:`CorpusStore.add` reads and
analyses only files whose content (sha256) is not stored yet; a file whose content
changed replaces the report it was read from. Each batch of new reports is committed as
soon as it is analysed, so a client that dies resumes where it stopped. After adding,
the corpus-wide stages (checks, compare) are re-run over the stored reports from their
stored structure and tables (no file is read again) and their results replace the old
ones, so the store always holds what :func:`nlp.analysis.analyze` would give on the union.

Corrections never touch the text: :meth:`CorpusStore.correct` gives a report a new
version of its tables with one cell changed (who, when, why recorded; the earlier
versions kept frozen in ``versions``) and re-runs the checks. :meth:`CorpusStore.review`
records an auditor's verdict on a finding. Re-adding a file whose content is stored
changes nothing, so a correction survives re-ingestion.

SQL tables (query them with :meth:`CorpusStore.query`): ``reports`` (current version
per report), ``versions``, ``cells`` (tidy cells of the current versions), ``findings``,
``reviews``, ``corrections``, ``themes``, ``summaries``, ``passages``,
``passage_members``, ``report_measures``, ``shingle_df`` (compare's n-gram hashes and how many
reports hold each, updated by each add without recounting). :meth:`CorpusStore.export` writes analyze's
outputs from the current versions, plus ``history.csv``.

DuckDB is imported only when a store is opened.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import pickle
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from ..batch import Failure, expand_inputs, write_text
from ..errors import XxgkError

__all__ = ["CorpusStore", "AddResult", "finding_id", "VERDICTS"]

#: an auditor's verdict on a finding
VERDICTS = ("confirmed", "wrong")
#: new files analysed and committed together
ADD_BATCH = 64
#: rows per INSERT statement
INSERT_CHUNK = 256
#: bump when the tables below change
SCHEMA_VERSION = 1

_SCHEMA = """
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
"""

#: tables holding one report's derived rows (replaced when its file changes; versions and corrections stay)
_PER_REPORT_TABLES = ("reports", "cells", "findings", "themes", "summaries")


@dataclass
class AddResult:
    """What :meth:`CorpusStore.add` did, by file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def finding_id(f: Any) -> str:
    """A stable id of a finding: its report, rule, subject and the cells/spans it rests on (not its status)."""
    ev = ";".join(f"{e.key}@{e.start}-{e.end}" for e in f.evidence)
    return hashlib.sha1(f"{f.report_id}|{f.rule}|{f.subject}|{ev}".encode()).hexdigest()[:12]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _parse_value(value: str) -> int | float:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            raise XxgkError(f"cell value must be a number, got {value!r}") from None


class CorpusStore:
    """One DuckDB file holding a corpus and everything derived from it."""

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
                self.con.execute(_SCHEMA)
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

    def __enter__(self) -> "CorpusStore":
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

    # -------------------------------------------------------------- add

    def add(self, paths: Sequence[str | Path], *, engine: Any = None, stages: Sequence[str] | None = None,
            summary_options: dict[str, Any] | None = None, author: str | None = None,
            progress: Any = False) -> AddResult:
        """Ingest and analyse the new or changed files under ``paths`` (``engine``: an
        :class:`nlp.engine.EngineConfig`); then re-run checks and compare over the store."""
        from ..analysis import CACHE_DIR
        from ..analysis import analyze as analyze_files
        from ..engine.run import EngineConfig, per_report_stages, run_report_stages

        engine = engine or EngineConfig()
        if stages is not None:
            known = self._meta("stages")
            chosen = sorted(set(stages) | {"parse"})
            if known is not None and sorted(json.loads(known)) != chosen:
                raise XxgkError(f"this store runs the stages {', '.join(json.loads(known))}: "
                                "give the same --stages (or none)")
            self._set_meta("stages", json.dumps(chosen))
        elif self._meta("stages") is None:
            self._set_meta("stages", json.dumps(self.stages()))
        wanted = self.stages()
        result = AddResult()
        files, result.failures = expand_inputs(paths)
        stored = dict(self.con.execute("SELECT sha256, report_id FROM reports").fetchall())
        by_source = dict(self.con.execute("SELECT source, report_id FROM reports").fetchall())
        todo: list[Path] = []
        for f in files:
            try:
                sha = _sha256(f)
            except OSError as e:
                result.failures.append(Failure(str(f), f"cannot read: {e.strerror or e}"))
                continue
            if sha in stored:
                result.unchanged.append(str(f))
            else:
                todo.append(f)
        work = self.work_dir
        for k in range(0, len(todo), ADD_BATCH):
            batch = todo[k:k + ADD_BATCH]
            run_report_stages(batch, work / CACHE_DIR, engine, wanted, summary_options)
            part = analyze_files(batch, work, stages=per_report_stages(wanted), summary_options=summary_options,
                                 write=False, use_cache=True, progress=progress)
            result.failures += part.failures
            result.warnings += part.warnings
            self.con.begin()
            try:
                gone: list[str] = []
                for a in part.analyses:
                    old = by_source.get(a.report.source)
                    if old is not None and old != a.report.id:
                        gone.append(self._report_text(old))
                        self._delete_report(old)
                        result.replaced.append(a.report.source)
                    self._insert_analysis(a, author)
                    result.added.append(a.report.source)
                self._update_frequencies([a.report.text for a in part.analyses], gone)
            except BaseException:  # interrupted: the batch is not half stored; the next add redoes it
                self.con.rollback()
                raise
            self.con.commit()
        if result.added:
            self.refresh(compare=True)
        if work.is_dir():
            shutil.rmtree(work)
        return result

    def _report_text(self, report_id: str) -> str:
        (structure,), = self.con.execute("SELECT structure FROM reports WHERE report_id = ?", [report_id]).fetchall()
        return json.loads(structure)["text"]

    def _update_frequencies(self, added: list[str], removed: list[str]) -> None:
        """Add the new reports' shingles to ``shingle_df`` and take the replaced ones' out (no recount)."""
        from ..comparison import CompareConfig
        from ..engine.shuffle import document_frequencies

        n = CompareConfig().ngram
        for texts, sign in ((added, 1), (removed, -1)):
            if not texts:
                continue
            h, c = document_frequencies(texts, n)
            delta = {"hash": h, "df": sign * c}  # noqa: F841 - DuckDB reads the local by name
            self.con.execute("INSERT INTO shingle_df SELECT hash, df FROM delta "
                             "ON CONFLICT (hash) DO UPDATE SET df = shingle_df.df + excluded.df")
        self.con.execute("DELETE FROM shingle_df WHERE df <= 0")

    def _delete_report(self, report_id: str) -> None:
        for table in _PER_REPORT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])

    def _insert_analysis(self, a: Any, author: str | None) -> None:
        """Store one analysed report; a report stored before (same content) gets its latest version back,
        corrections included."""
        from ..tables import ReportTables

        r = a.report
        self._delete_report(r.id)
        now = _now()
        latest = self.con.execute("SELECT version, tables FROM versions WHERE report_id = ? ORDER BY version DESC LIMIT 1",
                                  [r.id]).fetchone()
        if latest is None:
            version, tables = 1, a.tables
            self.con.execute("INSERT INTO versions VALUES (?, 1, ?, ?, ?, ?)",
                             [r.id, now, author or getpass.getuser(), "read from " + r.source,
                              json.dumps(tables.to_dict(), ensure_ascii=False) if tables is not None else None])
        else:
            version, tables = latest[0], ReportTables.from_dict(json.loads(latest[1])) if latest[1] else None
        self.con.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r.id, r.source, r.sha256, r.agency, r.year, r.era, r.format, version, now,
             json.dumps(r.to_dict(), ensure_ascii=False),
             json.dumps(a.themes, ensure_ascii=False) if a.themes is not None else None,
             json.dumps(a.theme_shares, ensure_ascii=False), a.problem_specificity,
             json.dumps(a.summaries, ensure_ascii=False)])
        self._write_cells(r.id, version, tables)
        self._insert("themes", [[r.id, s["start"], s["end"], s["theme"], s.get("score")] for s in a.themes or []])
        self._insert("summaries", [[r.id, i, json.dumps(s, ensure_ascii=False)] for i, s in enumerate(a.summaries)])

    def _write_cells(self, report_id: str, version: int, tables: Any) -> None:
        from ..tables import tidy_records

        self.con.execute("DELETE FROM cells WHERE report_id = ?", [report_id])
        if tables is None:
            return
        rows = [[report_id, version, c["agency"], c["year"], c["era"], c["table"], c["row"], c["column"],
                 c["value"], c["raw"], c["semantic"], c["uncertain"], c["start"], c["end"]] for c in tidy_records(tables)]
        if rows:
            self._insert("cells", rows)

    # -------------------------------------------------------------- current state

    def report_ids(self) -> list[str]:
        """Current reports in analyze's order (by source path)."""
        rows = self.con.execute("SELECT report_id, source FROM reports").fetchall()
        return [rid for rid, src in sorted(rows, key=lambda x: (Path(x[1]), x[0]))]

    def analyses(self) -> list[Any]:
        """The current version of every report as :class:`nlp.analysis.ReportAnalysis` (analyze's order)."""
        from ..analysis import ReportAnalysis
        from ..document import Report
        from ..tables import ReportTables

        rows = self.con.execute(
            "SELECT r.report_id, r.source, r.structure, r.themes, r.theme_shares, r.problem_specificity, r.summaries, "
            "v.tables FROM reports r JOIN versions v ON v.report_id = r.report_id AND v.version = r.version").fetchall()
        out = []
        for rid, source, structure, themes, shares, spec, summaries, tables in rows:
            report = Report.from_dict(json.loads(structure))
            out.append(ReportAnalysis(source, report, ReportTables.from_dict(json.loads(tables)) if tables else None,
                                      json.loads(themes) if themes is not None else None, json.loads(shares), spec,
                                      json.loads(summaries)))
        return sorted(out, key=lambda a: (Path(a.path), a.report.id))

    def refresh(self, compare: bool = False) -> None:
        """Re-run the checks (and compare) over the current versions and store their results."""
        wanted = self.stages()
        analyses = self.analyses()
        self.con.begin()
        if "checks" in wanted and "tables" in wanted:
            from ..checks import check

            usable = [a for a in analyses if a.tables is not None]
            findings = check([a.report for a in usable], tables=[a.tables for a in usable]) if usable else []
            self.con.execute("DELETE FROM findings")
            rows = [[finding_id(f), f.report_id, i, f.rule, f.status, f.severity, f.subject, f.message, f.gloss,
                     json.dumps([e.to_dict() for e in f.evidence], ensure_ascii=False)] for i, f in enumerate(findings)]
            if rows:
                self._insert("findings", rows)
        if compare and "compare" in wanted:
            from ..comparison import compare as compare_reports
            from ..comparison.inputs import caller_options

            comparison = compare_reports([a.report for a in analyses], **caller_options(analyses)) if analyses else None
            for table in ("passages", "passage_members", "report_measures"):
                self.con.execute(f"DELETE FROM {table}")
            if comparison is not None:
                self._write_comparison(comparison)
            self.con.execute("INSERT OR REPLACE INTO artifacts VALUES ('comparison', ?)",
                             [pickle.dumps(comparison, protocol=pickle.HIGHEST_PROTOCOL)])
        self.con.commit()

    def _write_comparison(self, comparison: Any) -> None:
        import dataclasses

        passages = [[p.id, p.kind, p.text, p.chars, p.n_reports, p.n_agencies, p.identity, p.reason]
                    for p in comparison.passages]
        if passages:
            self._insert("passages", passages)
        members = [[p.id, m.report, m.start, m.end, m.agency, m.year] for p in comparison.passages for m in p.members]
        if members:
            self._insert("passage_members", members)
        measures = [[m.report, json.dumps(dataclasses.asdict(m), ensure_ascii=False)] for m in comparison.reports]
        if measures:
            self._insert("report_measures", measures)

    def _comparison(self) -> Any:
        row = self.con.execute("SELECT body FROM artifacts WHERE name = 'comparison'").fetchone()
        return pickle.loads(row[0]) if row else None

    # -------------------------------------------------------------- corrections and reviews

    def _resolve_report(self, report: str) -> str:
        rows = self.con.execute("SELECT report_id FROM reports WHERE report_id = ? OR source = ? OR report_id LIKE ?",
                                [report, report, report + "-%"]).fetchall()
        ids = sorted({r[0] for r in rows})
        if not ids:
            raise XxgkError(f"no report {report!r} in {self.path}")
        if len(ids) > 1:
            raise XxgkError(f"{report!r} names several reports: {', '.join(ids[:5])}")
        return ids[0]

    def correct(self, report: str, cell: str, value: str | int | float, reason: str, author: str | None = None) -> int:
        """Set one table cell (``table:row:column``) of a report to ``value``; returns the new version."""
        from ..tables import ReportTables

        if not reason.strip():
            raise XxgkError("a correction needs a reason (--reason)")
        rid = self._resolve_report(report)
        version, tables_json = self.con.execute(
            "SELECT v.version, v.tables FROM reports r JOIN versions v ON v.report_id = r.report_id "
            "AND v.version = r.version WHERE r.report_id = ?", [rid]).fetchone()
        if tables_json is None:
            raise XxgkError(f"{rid}: no tables were read from this report")
        tables = ReportTables.from_dict(json.loads(tables_json))
        parts = cell.split(":")
        target = tables.cell(*parts) if len(parts) == 3 else None
        if target is None:
            raise XxgkError(f"{rid}: no cell {cell!r} (cells are table:row:column, e.g. requests:received:total; "
                            "list them with: store query \"SELECT DISTINCT \\\"table\\\", \\\"row\\\", \\\"column\\\" FROM cells\")")
        new = _parse_value(str(value))
        old_value, old_semantic = target.value, target.semantic
        target.value = new
        target.semantic = "number"
        target.uncertain = False
        target.alternatives = []
        now, who = _now(), author or getpass.getuser()
        self.con.begin()
        self.con.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)",
                         [rid, version + 1, now, who, reason, json.dumps(tables.to_dict(), ensure_ascii=False)])
        self.con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [rid, version + 1, target.key, old_value, old_semantic, new, reason, who, now])
        self.con.execute("UPDATE reports SET version = ? WHERE report_id = ?", [version + 1, rid])
        self._write_cells(rid, version + 1, tables)
        self.con.commit()
        self.refresh()
        return version + 1

    def review(self, finding: str, verdict: str, reason: str = "", author: str | None = None) -> None:
        """Record an auditor's verdict (confirmed or wrong) on a finding (its ``finding_id``)."""
        if verdict not in VERDICTS:
            raise XxgkError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
        row = self.con.execute("SELECT report_id, rule, status FROM findings WHERE finding_id = ?", [finding]).fetchone()
        if row is None:
            raise XxgkError(f"no finding {finding!r} in {self.path} (finding ids are in the findings table)")
        self.con.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [finding, row[0], row[1], row[2], verdict, reason, author or getpass.getuser(), _now()])

    def history(self) -> list[dict[str, Any]]:
        """Every correction and review, oldest first."""
        cols, rows = self.query(
            "SELECT created_at, 'correction' AS kind, report_id, version, cell AS subject, "
            "CAST(old_value AS VARCHAR) AS old, CAST(new_value AS VARCHAR) AS new, reason, author FROM corrections "
            "UNION ALL SELECT created_at, 'review', report_id, NULL, finding_id || ' ' || rule, status, verdict, reason, author "
            "FROM reviews ORDER BY 1, 2, 3, 5")
        return [dict(zip(cols, r)) for r in rows]

    # -------------------------------------------------------------- export

    def export(self, out_dir: str | Path) -> list[Path]:
        """Write analyze's outputs for the current versions into ``out_dir``, plus ``history.csv``."""
        from ..analysis import STAGES, AnalyzeResult, StageStatus, write_outputs
        from ..checks import check
        from ..csvsafe import csv_text
        from ..panel import canonical_reports, panel_of

        out = Path(out_dir)
        wanted = self.stages()
        analyses = self.analyses()
        if not analyses:
            raise XxgkError(f"{self.path}: the store holds no reports")
        stages = {s: StageStatus(s) if s in wanted else StageStatus(s, "skipped", "not requested") for s in STAGES}
        findings: list[Any] = []
        if "checks" in wanted and "tables" in wanted:
            # as analyze does: agencies grouped under their canonical names, so series rules see one agency
            by_id = {r.id: r for r in canonical_reports([a.report for a in analyses], None)}
            usable = [a for a in analyses if a.tables is not None]
            findings = check([by_id[a.report.id] for a in usable], tables=[a.tables for a in usable])
            if "summaries" in wanted and findings:
                from ..analysis.stages import brief_report_summaries
                from ..summaries import summarize

                brief_report_summaries(analyses, findings, {i: r.agency for i, r in by_id.items()}, summarize)
        comparison = self._comparison() if "compare" in wanted else None
        inputs = [Path(a.path) for a in analyses]
        result = AnalyzeResult(out, analyses, findings, comparison, stages, [], [], [], inputs)
        result.panel = panel_of(result, None)
        result.findings = list(findings) + result.panel.peer_findings
        files = write_outputs(result)
        fields = ["created_at", "kind", "report_id", "version", "subject", "old", "new", "reason", "author"]
        history = [{k: "" if h[k] is None else str(h[k]) for k in fields} for h in self.history()]
        write_text(out / "history.csv", csv_text(history, fields), inputs)
        return files + [out / "history.csv"]

