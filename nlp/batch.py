"""Batch helpers shared by the CLI commands: expand inputs, read many reports with
progress, write outputs without clobbering inputs, and list failures at the end."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .errors import XxgkError

#: file suffixes the ingest stage can read
READABLE_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".json")


@dataclass
class Failure:
    """One input that could not be processed: the file and the reason."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Failure]]:
    """Expand directories recursively (readable suffixes only), keep files as given, sorted and de-duplicated.

    A path that does not exist becomes a :class:`Failure` rather than an exception.
    """
    files: list[Path] = []
    failures: list[Failure] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in READABLE_SUFFIXES
                           and not any(part.startswith(".") for part in q.relative_to(p).parts))
            if not found:
                failures.append(Failure(str(p), "no report files in this directory (looked for "
                                                + " ".join(READABLE_SUFFIXES) + ")"))
            for q in found:
                if q.resolve() not in seen:
                    seen.add(q.resolve())
                    files.append(q)
        elif p.is_file():
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append(p)
        else:
            failures.append(Failure(str(p), "no such file or directory"))
    return files, failures


def check_output_path(out: str | os.PathLike[str], inputs: Sequence[Path]) -> Path:
    """Refuse an output path that is one of the inputs (nothing the user gave is overwritten)."""
    o = Path(out)
    resolved = o.resolve()
    for i in inputs:
        try:
            if i.resolve() == resolved:
                raise XxgkError(f"{o}: refusing to overwrite an input file")
        except OSError:
            continue
    if o.exists() and o.is_dir():
        raise XxgkError(f"{o}: is a directory, expected a file path")
    return o


def write_text(out: str | os.PathLike[str] | None, text: str, inputs: Sequence[Path] = ()) -> None:
    """Write ``text`` to ``out`` (atomically, via a temporary file) or to stdout when ``out`` is None."""
    if out is None:
        import sys

        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
        return
    o = check_output_path(out, inputs)
    if o.parent and not o.parent.exists():
        o.parent.mkdir(parents=True, exist_ok=True)
    tmp = o.with_name(o.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(o)
