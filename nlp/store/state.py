"""The corpus store's current state: the current version of every report, and the corpus-wide
stages (checks, compare) re-run over it."""
from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

from .schema import StoreBase, finding_id


class StateMixin(StoreBase):
    """Current versions, and the checks and compare results stored for them."""

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

    def refresh(self, compare: bool = False, client: Any = None, engine: Any = None) -> Any:
        """Re-run the checks (and compare) over the current versions and store their results; returns
        compare's pair counts (pairs aligned, pairs reused from the store), or None without compare.

        Compare is pair-incremental: the aligned pairs of every (report, partner) are stored with a
        digest of their inputs (``compared_pairs``), and only pairs whose digest changed — a new or
        changed report, or a template mask changed because the n-gram frequencies changed — are
        aligned again. Everything downstream of the pairs (clusters, template and formula passages,
        measures) is recomputed from the current masks, so no label goes stale. ``client`` (a Dask
        client) and ``engine`` (its :class:`nlp.engine.EngineConfig`): compare's index and the
        pairs to align run on that cluster."""
        counts = None
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
            from ..comparison.candidates import LocalPairs
            from ..comparison.inputs import caller_options

            if client is not None:
                from ..engine.run import compare_scratch
                from ..engine.sharded import DaskPairs

                pairs = DaskPairs(client, partitions=engine.compare_partitions, retries=engine.retries,
                                  scratch=compare_scratch(engine),
                                  known=self._known_pairs())
            else:
                pairs = LocalPairs(known=self._known_pairs())
            comparison = compare_reports([a.report for a in analyses], pair_engine=pairs,
                                         **caller_options(analyses)) if analyses else None
            counts = pairs.counts
            self._store_pairs(pairs.results)
            for table in ("passages", "passage_members", "report_measures"):
                self.con.execute(f"DELETE FROM {table}")
            if comparison is not None:
                self._write_comparison(comparison)
            self.con.execute("INSERT OR REPLACE INTO artifacts VALUES ('comparison', ?)",
                             [pickle.dumps(comparison, protocol=pickle.HIGHEST_PROTOCOL)])
        self.con.commit()
        return counts

    def _known_pairs(self) -> dict[tuple[str, str], Any]:
        """The stored aligned pairs: (report, partner) → (inputs digest, spans)."""
        rows = self.con.execute("SELECT report_a, report_b, digest, spans FROM compared_pairs").fetchall()
        return {(a, b): (digest, [tuple(x) for x in json.loads(spans)]) for a, b, digest, spans in rows}

    def _store_pairs(self, results: dict[tuple[str, str], Any]) -> None:
        self.con.execute("DELETE FROM compared_pairs")
        self._insert("compared_pairs", [[a, b, digest, json.dumps(spans)] for (a, b), (digest, spans) in sorted(results.items())])

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

