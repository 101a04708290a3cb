"""Errors the toolkit raises for bad input: each names the file and the problem."""
from __future__ import annotations


class XxgkError(Exception):
    """Base class for expected, user-facing errors (printed without a traceback)."""


class ReportReadError(XxgkError):
    """A file could not be read as a report. ``path`` names it, ``reason`` says why."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelLoadError(XxgkError):
    """A model artefact is missing, corrupt or of an incompatible version."""
