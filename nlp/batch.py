"""Batch helpers shared by the CLI commands and ``analyze``: expand inputs, leave out duplicate
files, read many reports (each under the per-file guard), check output paths before any work,
write outputs atomically, and list failures at the end."""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from .errors import ReportReadError, XxgkError

if TYPE_CHECKING:
    from .document import Report
    from .ingest.limits import IngestLimits

#: file suffixes the ingest stage can read
READABLE_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".json")


def one_line(text: str) -> str:
    """``text`` on one line: newlines, tabs and other control characters shown as escapes (``\\n``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass
class Failure:
    """One input that could not be processed: the file and the reason."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}

    def line(self) -> str:
        """The failure as one line of text, whatever the file name holds."""
        return f"{one_line(self.path)}: {one_line(self.reason)}"


@dataclass
class Duplicate:
    """An input with the same content as an earlier one: read once, under the first path."""

    path: str
    same_as: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "same_as": self.same_as}

    def line(self) -> str:
        return f"{one_line(self.path)}: same content as {one_line(self.same_as)} (read once)"


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Failure]]:
    """Expand directories recursively (readable suffixes only), keep files as given, sorted and de-duplicated.

    A path that does not exist becomes a :class:`Failure` rather than an exception.
    """
    files: list[Path] = []
    failures: list[Failure] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        try:
            is_dir, is_file = p.is_dir(), p.is_file()
        except (OSError, ValueError) as e:    # a name too long, a NUL byte in it
            failures.append(Failure(str(p), f"not a usable path ({e})"))
            continue
        if is_dir:
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in READABLE_SUFFIXES
                           and not any(part.startswith(".") for part in q.relative_to(p).parts))
            if not found:
                failures.append(Failure(str(p), "no report files in this directory (looked for "
                                                + " ".join(READABLE_SUFFIXES) + ")"))
            for q in found:
                if q.resolve() not in seen:
                    seen.add(q.resolve())
                    files.append(q)
        elif is_file:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append(p)
        else:
            failures.append(Failure(str(p), "no such file or directory"))
    return files, failures


def file_sha256(path: Path) -> str | None:
    """The content hash of a file, or None when it cannot be read (reading it later gives the reason)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def leave_out_duplicates(files: Sequence[Path]) -> tuple[list[Path], list[Duplicate]]:
    """Keep the first of each set of files with the same content (in the given order); list the others."""
    first: dict[str, Path] = {}
    kept: list[Path] = []
    duplicates: list[Duplicate] = []
    for f in files:
        digest = file_sha256(f) if _size(f) else None    # an empty file fails on its own, it is no duplicate
        if digest is not None and digest in first:
            duplicates.append(Duplicate(str(f), str(first[digest])))
            continue
        if digest is not None:
            first[digest] = f
        kept.append(f)
    return kept, duplicates


def read_guarded(path: Path, limits: "IngestLimits") -> "Report":
    """One report file read and parsed under the per-file time and memory limits (:mod:`nlp.guard`)."""
    from .guard import run_guarded
    from .structure import read_report

    return run_guarded(read_report, path, path=str(path), timeout=limits.file_timeout, memory=limits.file_memory)


@dataclass
class Batch:
    """The reports read from a batch of inputs, with the files tried, the failures and the duplicates."""

    reports: list["Report"] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


#: files read one after another by one guarded child (:func:`nlp.guard.run_guarded_each`: forking a
#: child per file costs more than reading a small one)
FILES_PER_GUARD = 16


def read_batch(paths: Iterable[str | os.PathLike[str]], progress: Callable[[int, int], None] | None = None,
               dedupe: bool = True, processes: int = 1) -> Batch:
    """Expand ``paths``, leave out duplicate files (``dedupe``), read every file into a Report under the
    per-file guard; never raises for a bad file (a bad limit in the environment is raised before any
    file is read). ``progress(done, total)`` is called as files are read. ``processes`` > 1: the files
    are read by up to that many processes (forked from this one, :func:`.forked.fork_count`;
    the largest files first); the batch is the same."""
    from .forked import fork_count, map_on_forks
    from .guard import run_guarded_each
    from .structure import read_report
    from .ingest.limits import read_limits

    limits = read_limits()
    files, failures = expand_inputs(paths)
    unique, duplicates = leave_out_duplicates(files) if dedupe else (list(files), [])
    batch = Batch(files=files, failures=failures, duplicates=duplicates)

    def read_chunk(chunk: list[Path]) -> list["Report | Failure"]:
        outcomes = run_guarded_each(read_report, [(f,) for f in chunk], [str(f) for f in chunk],
                                    timeout=limits.file_timeout, memory=limits.file_memory)
        return [Failure(str(f), got.reason) if isinstance(got, ReportReadError) else got for f, got in zip(chunk, outcomes)]

    readers = fork_count(len(unique), processes)
    order = sorted(range(len(unique)), key=lambda i: -_size(unique[i])) if readers > 1 else list(range(len(unique)))
    chunks = [order[k:k + FILES_PER_GUARD] for k in range(0, len(order), FILES_PER_GUARD)]
    n = len(unique)
    tick = (lambda done, total: progress(min(n, done * FILES_PER_GUARD), n)) if progress is not None else None
    read = dict(zip(order, (got for outcomes in map_on_forks(read_chunk, [[unique[i] for i in c] for c in chunks],
                                                             readers, tick) for got in outcomes)))
    ids: dict[str, str] = {}
    for i, f in enumerate(unique):
        got = read[i]
        if not isinstance(got, Failure) and got.id in ids:   # two saved reports (.json) with one id: the stages key reports by id
            got = Failure(str(f), f"report id {got.id!r} is already used by {ids[got.id]}")
        if isinstance(got, Failure):
            batch.failures.append(got)
        else:
            ids[got.id] = str(f)
            batch.reports.append(got)
    return batch


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ------------------------------------------------------------------ output paths

def _resolves_to_input(o: Path, inputs: Sequence[Path]) -> bool:
    resolved = o.resolve()
    for i in inputs:
        try:
            if i.resolve() == resolved:
                return True
        except OSError:
            continue
    return False


def _check_parent(o: Path) -> None:
    """The nearest existing folder above ``o`` must be a writable directory."""
    parent = o.parent
    while not parent.exists() and parent != parent.parent:
        if parent.is_symlink():
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise XxgkError(f"cannot write {o}: {parent} is not a directory")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise XxgkError(f"cannot write {o}: {parent} is not writable")


def check_output_path(out: str | os.PathLike[str], inputs: Sequence[Path], force: bool = False) -> Path:
    """A file output (``--out`` of parse, tables, check, …; ``--html`` of diff), checked before any work:
    never one of the inputs, never a directory, its folder writable, and an existing file only with ``force``
    (an existing empty file, e.g. made by ``mktemp``, holds nothing to lose and is written)."""
    o = Path(out)
    if _resolves_to_input(o, inputs):
        raise XxgkError(f"cannot write {o}: refusing to overwrite an input file")
    if o.is_dir():
        raise XxgkError(f"cannot write {o}: is a directory, expected a file path")
    _check_parent(o)
    if o.exists() and not force and o.stat().st_size > 0:
        raise XxgkError(f"cannot write {o}: the file exists (use --force to overwrite it)")
    return o


def check_output_dir(out: str | os.PathLike[str], inputs: Sequence[Path] = (), force: bool = False,
                     marker: str | None = None) -> Path:
    """A folder output (``analyze --out``, ``compare --out``), checked before any work: not a file, not an
    input, inside a writable folder. An existing non-empty folder is reused only when it holds ``marker``
    (a file an earlier run wrote there) or with ``force``; nothing in it but the outputs is replaced."""
    o = Path(out)
    if o.exists() and not o.is_dir():
        raise XxgkError(f"cannot write {o}: exists and is not a directory")
    if _resolves_to_input(o, inputs):
        raise XxgkError(f"cannot write {o}: refusing to overwrite an input")
    _check_parent(o / "x")
    if o.is_dir() and not os.access(o, os.W_OK | os.X_OK):
        raise XxgkError(f"cannot write {o}: the directory is not writable")
    if (marker is not None and not force and o.is_dir() and not (o / marker).exists()
            and any(not e.name.startswith(".") for e in o.iterdir())):
        raise XxgkError(f"cannot write {o}: the directory holds other files and no earlier output "
                        f"(no {marker}); use --force to write into it")
    return o


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file to write ``path``'s new content into, streamed: a temporary file with a unique
    name in the same folder, renamed into place when the block ends without an error (removed if it
    raises), so a reader sees the old file or the new one, never a part, and concurrent writers never
    share a temporary file. Raises :class:`XxgkError` naming the path when it cannot be written."""
    o = Path(path)
    try:
        o.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=o.parent, prefix=f".{o.name}.", suffix=".tmp")
    except OSError as e:
        raise XxgkError(f"cannot write {o}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes the file private; outputs get the usual mode
        os.replace(tmp, o)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise XxgkError(f"cannot write {o}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (:func:`atomic_writer`); returns the path."""
    with atomic_writer(path) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def write_text(out: str | os.PathLike[str] | None, text: str, inputs: Sequence[Path] = (), force: bool = True) -> None:
    """Write ``text`` to ``out`` atomically (:func:`atomic_write`) or to stdout when ``out`` is None.

    ``force=False`` refuses an existing file (the CLI checks with :func:`check_output_path` before any work).
    """
    if out is None:
        import sys

        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
        return
    o = check_output_path(out, inputs, force=force)
    atomic_write(o, text)
