"""Limits on what one input file may cost: bytes on disk, expanded bytes, extracted characters,
time and memory. Each can be set in the environment; a bad value is a clear error, never ignored.

=========================  ==============================================  ===========
variable                   what it limits                                   default
=========================  ==============================================  ===========
``XXGK_MAX_BYTES``         the file's size on disk                          50 MiB
``XXGK_MAX_EXPANDED``      a DOCX's decompressed parts together             200 MB
``XXGK_MAX_CHARS``         characters of text extracted from one file       20,000,000
``XXGK_FILE_TIMEOUT``      seconds to read and parse one file (0: no guard) 300
``XXGK_FILE_MEMORY``       extra memory reading one file may take            4 GB
=========================  ==============================================  ===========

Sizes are whole bytes (``52428800``) or a number with a unit: ``50MB``, ``1.5 GB``, ``512k``,
``2GiB`` (K/M/G are powers of 1000, KiB/MiB/GiB powers of 1024).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from ..errors import XxgkError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_EXPANDED = 200_000_000
DEFAULT_MAX_CHARS = 20_000_000
DEFAULT_FILE_TIMEOUT = 300.0
DEFAULT_FILE_MEMORY = 4_000_000_000

_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "kib": 2**10, "mib": 2**20, "gib": 2**30}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.I)


class LimitError(XxgkError):
    """An environment variable holds a value that is not a valid limit."""


def parse_size(value: str, variable: str) -> int:
    """``"50MB"`` → 50000000; raises :class:`LimitError` naming ``variable`` for anything else."""
    m = _SIZE.fullmatch(value)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise LimitError(f"{variable}={value!r} is not a size: use bytes (52428800) or a number with a unit "
                         f"(50MB, 1.5GB, 512KiB)")
    size = int(float(m.group(1)) * _UNITS[unit])
    if size <= 0:
        raise LimitError(f"{variable}={value!r}: the limit must be above zero")
    return size


def parse_count(value: str, variable: str) -> int:
    """A whole positive number (``_`` and ``,`` separators allowed)."""
    digits = value.strip().replace("_", "").replace(",", "")
    if not digits.isdigit() or int(digits) <= 0:
        raise LimitError(f"{variable}={value!r} is not a whole number above zero")
    return int(digits)


def parse_seconds(value: str, variable: str) -> float:
    """Seconds, ``0`` to switch the guard off; ``90``, ``1.5``, ``2m`` and ``1h`` accepted."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*", value, re.I)
    if not m:
        raise LimitError(f"{variable}={value!r} is not a duration: use seconds (300) or 5m / 1h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[(m.group(2) or "").lower()]


@dataclass(frozen=True)
class IngestLimits:
    """What one input file may cost (see the module docstring for the variables)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_expanded: int = DEFAULT_MAX_EXPANDED
    max_chars: int = DEFAULT_MAX_CHARS
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    file_memory: int = DEFAULT_FILE_MEMORY


def read_limits(environ: Mapping[str, str] | None = None) -> IngestLimits:
    """The limits from the environment (defaults where unset); raises :class:`LimitError` on a bad value."""
    env = os.environ if environ is None else environ

    def get(name: str, parse, default):
        raw = env.get(name)
        return default if raw is None or raw.strip() == "" else parse(raw, name)

    return IngestLimits(
        max_bytes=get("XXGK_MAX_BYTES", parse_size, DEFAULT_MAX_BYTES),
        max_expanded=get("XXGK_MAX_EXPANDED", parse_size, DEFAULT_MAX_EXPANDED),
        max_chars=get("XXGK_MAX_CHARS", parse_count, DEFAULT_MAX_CHARS),
        file_timeout=get("XXGK_FILE_TIMEOUT", parse_seconds, DEFAULT_FILE_TIMEOUT),
        file_memory=get("XXGK_FILE_MEMORY", parse_size, DEFAULT_FILE_MEMORY),
    )


def megabytes(n: int) -> str:
    """``52428800`` → ``"52.4 MB"`` for messages."""
    return f"{n / 1e6:.1f} MB"


__all__ = ["IngestLimits", "LimitError", "read_limits", "parse_size", "parse_count", "parse_seconds", "megabytes",
           "DEFAULT_MAX_BYTES", "DEFAULT_MAX_EXPANDED", "DEFAULT_MAX_CHARS"]
