"""Adding files to the corpus store: only new or changed content is read and analysed, each
batch committed as soon as it is analysed; the shingle frequencies updated without recounting."""
from __future__ import annotations

import getpass
import json
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Sequence

from ..batch import Failure, expand_inputs
from ..errors import XxgkError
from .schema import ADD_BATCH, PER_REPORT_TABLES, AddResult, StoreBase, sha256_of, utc_now


class IngestMixin(StoreBase):
    """:meth:`add` and the per-report rows it writes."""

    def _keep_one_precision(self, summary_options: dict[str, Any] | None) -> None:
        """Record the headline model's precision on the first add; refuse a later add at another (one
        store's headlines are all made in one number format, as one analyze run's)."""
        from ..summaries.hf import options_precision

        precision = options_precision(summary_options)
        known = self._meta("headline_precision")
        if known is not None and known != precision:
            raise XxgkError(f"this store's headlines were made at {known}: give --precision {known}")
        if known is None:
            self._set_meta("headline_precision", precision)

    def add(self, paths: Sequence[str | Path], *, engine: Any = None, stages: Sequence[str] | None = None,
            summary_options: dict[str, Any] | None = None, author: str | None = None,
            progress: Any = False) -> AddResult:
        """Ingest and analyse the new or changed files under ``paths`` (``engine``: an
        :class:`nlp.engine.EngineConfig`); then re-run checks and compare over the store."""
        from ..analysis import CACHE_DIR
        from ..analysis import analyze as analyze_files
        from ..engine.run import EngineConfig, dask_client, per_report_stages, run_report_stages

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
        if "summaries" in wanted:
            self._keep_one_precision(summary_options)
        result = AddResult()
        files, result.failures = expand_inputs(paths)
        stored = dict(self.con.execute("SELECT sha256, report_id FROM reports").fetchall())
        by_source = dict(self.con.execute("SELECT source, report_id FROM reports").fetchall())
        todo: list[Path] = []
        for f in files:
            try:
                sha = sha256_of(f)
            except OSError as e:
                result.failures.append(Failure(str(f), f"cannot read: {e.strerror or e}"))
                continue
            if sha in stored:
                result.unchanged.append(str(f))
            else:
                todo.append(f)
        work = self.work_dir
        with dask_client(engine, wanted) if engine.kind != "local" and todo else nullcontext() as client:
            for k in range(0, len(todo), ADD_BATCH):
                batch = todo[k:k + ADD_BATCH]
                run_report_stages(batch, work / CACHE_DIR, engine, wanted, summary_options, client=client)
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
                counts = self.refresh(compare=True, client=client, engine=engine)
                if counts is not None:
                    result.pairs_computed, result.pairs_reused = counts.computed, counts.reused
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
        for table in PER_REPORT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])

    def _insert_analysis(self, a: Any, author: str | None) -> None:
        """Store one analysed report; a report stored before (same content) gets its latest version back,
        corrections included."""
        from ..tables import ReportTables

        r = a.report
        self._delete_report(r.id)
        now = utc_now()
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

