"""Per-file cache of the per-report stages under ``OUT/.cache``.

An entry is keyed by the input file's content hash (and its name, which the report id is made
from) and holds the parse, tables, themes and summaries results together with the cache layout
version and a fingerprint of the code, data and model cards that made it. An entry is used only
when version and fingerprint match *and* it has the shape the stages write; anything else (a
truncated file, JSON of the wrong shape, offsets outside the text) is a miss: the file is
processed again and the entry replaced, so the cache heals itself.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from ..batch import atomic_write
from ..document import Report
from ..errors import XxgkError
from ..ingest.saved import SavedReportError, validate_saved_report
from .model import ReportAnalysis

CACHE_DIR = ".cache"
#: bump when the cache entry layout changes
CACHE_VERSION = 2
#: code whose output is cached per file (checks, compare and this package run every time)
CACHED_CODE = ("ingest", "structure", "tables", "themes", "summaries", "document.py", "nodes.py", "spans.py", "format",
               "sentences.py", "segmentation.py", "agency.py", "errors.py", "data")


class CacheEntryError(ValueError):
    """A cache entry that does not have the shape the stages write."""


def code_fingerprint() -> str:
    """A hash of the cached stages' code, data and model cards: a cached result is reused only under the same one."""
    h = hashlib.sha256(f"cache-{CACHE_VERSION}".encode())
    root = Path(__file__).resolve().parents[1]
    for name in CACHED_CODE:
        p = root / name
        for f in sorted(p.rglob("*") if p.is_dir() else [p]):
            if f.is_file() and f.suffix in (".py", ".txt", ".json"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    models = root.parent / "models"
    if models.is_dir():
        for p in sorted(models.glob("*/card.json")):
            h.update(str(p.relative_to(models)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def run_fingerprint(summary_options: dict[str, Any] | None) -> str:
    """:func:`code_fingerprint`, told apart by the headline model's precision when it is not the default
    (a bf16 run's cached headlines are not reused by an fp32 run, nor the other way round)."""
    from ..summaries.hf import DEFAULT_PRECISION, options_precision

    precision = options_precision(summary_options)
    base = code_fingerprint()
    return base if precision == DEFAULT_PRECISION else f"{base}-{precision}"


def cache_key(path: Path, data: bytes) -> str:
    """Content hash of the file (plus its name, which the report id is made from)."""
    return hashlib.sha256(path.name.encode() + b"\0" + data).hexdigest()


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise CacheEntryError(what)


def analysis_from_entry(path: Path, entry: Any, funcs: dict[str, Callable[..., Any]]) -> ReportAnalysis | None:
    """The analysis stored in ``entry``; None when it lacks a stage that is now requested.

    Raises :class:`CacheEntryError` when the entry is not of the shape :func:`~.stages.run_report_stages` writes.
    """
    _require(isinstance(entry, dict), "not an object")
    for stage in ("tables", "themes", "summaries"):
        if stage in funcs and stage not in entry:
            return None
    try:
        validate_saved_report(entry.get("report"))
    except SavedReportError as e:
        raise CacheEntryError(f"report: {e}") from None
    a = ReportAnalysis(str(path), Report.from_dict(entry["report"]), cached=True)
    if "tables" in funcs:
        from ..tables import ReportTables

        _require(isinstance(entry["tables"], dict), "tables: not an object")
        try:
            a.tables = ReportTables.from_dict(entry["tables"])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise CacheEntryError(f"tables: {type(e).__name__}: {e}") from None
    if "themes" in funcs:
        t = entry["themes"]
        _require(isinstance(t, dict) and isinstance(t.get("segments"), list) and isinstance(t.get("shares"), dict),
                 "themes: not {segments, shares}")
        n = len(a.report.text)
        _require(all(isinstance(s, dict) and isinstance(s.get("theme"), str) and isinstance(s.get("start"), int)
                     and isinstance(s.get("end"), int) and 0 <= s["start"] <= s["end"] <= n for s in t["segments"]),
                 "themes: a segment outside the text")
        spec = t.get("problem_specificity")
        _require(spec is None or isinstance(spec, (int, float)), "themes: problem_specificity not a number")
        a.themes, a.theme_shares, a.problem_specificity = t["segments"], t["shares"], spec
    if "summaries" in funcs:
        _require(isinstance(entry["summaries"], list) and all(isinstance(s, dict) for s in entry["summaries"]),
                 "summaries: not a list of objects")
        a.summaries = entry["summaries"]
    return a


def _current(entry: Any, fingerprint: str) -> bool:
    """Whether a decoded entry was written by this code for this run's options."""
    return isinstance(entry, dict) and entry.get("fingerprint") == fingerprint and entry.get("version") == CACHE_VERSION


def decoded_entry(body: bytes, fingerprint: str, stages: Iterable[str]) -> ReportAnalysis | None:
    """An entry's bytes as the analysis :meth:`ReportCache.get` would make of them for a run of
    ``stages`` (its path and source set when it is handed out), None where ``get`` would not take
    it from the bytes (unreadable, stale or damaged: ``get`` then reads the file and says so): for a
    client that receives entries while its workers still run (:func:`nlp.engine.run.run_report_stages`)."""
    try:
        entry = json.loads(body)
        if not _current(entry, fingerprint):
            return None
        return analysis_from_entry(Path(), entry, dict.fromkeys(stages))
    except (ValueError, RecursionError, CacheEntryError):
        return None


def current_entry(cache_dir: Path, path: Path, fingerprint: str, stages: Iterable[str]
                  ) -> tuple[str, ReportAnalysis] | None:
    """``path``'s cache key and its entry in ``cache_dir`` decoded (:func:`decoded_entry`) when that entry
    is one a run of ``stages`` under ``fingerprint`` takes; None when the file or its entry cannot be read,
    or the entry is stale or damaged (the run then analyses the file again)."""
    try:
        key = cache_key(path, path.read_bytes())
        body = (cache_dir / f"{key}.json").read_bytes()
    except OSError:
        return None
    a = decoded_entry(body, fingerprint, stages)
    return (key, a) if a is not None else None


class ReportCache:
    """The cache folder of one output folder (``OUT/.cache``)."""

    def __init__(self, out_dir: Path, enabled_read: bool = True, fingerprint: str | None = None,
                 decoded: dict[str, ReportAnalysis] | None = None):
        self.dir = out_dir / CACHE_DIR
        self.read_enabled = enabled_read
        self.fingerprint = fingerprint or code_fingerprint()
        self.healed: list[str] = []
        #: entries already decoded by :func:`decoded_entry` (by key), each handed out once instead of read
        self.decoded = decoded if decoded is not None else {}

    def check(self) -> None:
        """Before any work: a ``.cache`` that exists must be a directory."""
        if self.dir.exists() and not self.dir.is_dir():
            raise XxgkError(f"cannot use the cache {self.dir}: exists and is not a directory "
                            "(remove it, or run with another --out)")

    def get(self, path: Path, key: str, funcs: dict[str, Callable[..., Any]]) -> ReportAnalysis | None:
        """The cached analysis of this file, or None (a miss; a damaged entry is noted in ``healed``)."""
        if not self.read_enabled:
            return None
        a = self.decoded.pop(key, None)
        if a is not None:
            a.path = a.report.source = str(path)
            return a
        p = self.dir / f"{key}.json"
        try:
            entry = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as e:
            self.healed.append(f"{path}: unreadable cache entry replaced ({type(e).__name__})")
            return None
        if not _current(entry, self.fingerprint):
            return None
        try:
            a = analysis_from_entry(path, entry, funcs)
        except CacheEntryError as e:
            self.healed.append(f"{path}: damaged cache entry replaced ({e})")
            return None
        if a is not None:
            a.report.source = str(path)
        return a

    def put(self, key: str, entry: dict) -> None:
        """Store an entry (atomically, under a unique temporary name)."""
        body = json.dumps({"version": CACHE_VERSION, "fingerprint": self.fingerprint, **entry}, ensure_ascii=False)
        atomic_write(self.dir / f"{key}.json", body)
