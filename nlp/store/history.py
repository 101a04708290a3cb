"""Corrections with history and reviews: a corrected cell is a new version of the report's tables
(the old one frozen, with who, when and why); a review records an auditor's verdict on a finding."""
from __future__ import annotations

import getpass
import json
from typing import Any

from ..errors import XxgkError
from .schema import VERDICTS, StoreBase, parse_value, utc_now


class HistoryMixin(StoreBase):
    """:meth:`correct`, :meth:`review` and :meth:`history`."""

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
        new = parse_value(str(value))
        old_value, old_semantic = target.value, target.semantic
        target.value = new
        target.semantic = "number"
        target.uncertain = False
        target.alternatives = []
        now, who = utc_now(), author or getpass.getuser()
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
                         [finding, row[0], row[1], row[2], verdict, reason, author or getpass.getuser(), utc_now()])

    def history(self) -> list[dict[str, Any]]:
        """Every correction and review, oldest first."""
        cols, rows = self.query(
            "SELECT created_at, 'correction' AS kind, report_id, version, cell AS subject, "
            "CAST(old_value AS VARCHAR) AS old, CAST(new_value AS VARCHAR) AS new, reason, author FROM corrections "
            "UNION ALL SELECT created_at, 'review', report_id, NULL, finding_id || ' ' || rule, status, verdict, reason, author "
            "FROM reviews ORDER BY 1, 2, 3, 5")
        return [dict(zip(cols, r)) for r in rows]

