"""Shared by training and evaluation (a leaf module): the progress log and the shared-data folder."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

#: a progress logger: one line per call
Log = Callable[[str], None]

#: the shared data folder beside the checkout (overridden by ``--shared`` / ``XXGK_SHARED``)
DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def log_to_stdout(msg: str) -> None:
    """The default log: a time stamp and the message on stdout, flushed."""
    print(time.strftime("%H:%M:%S"), msg, flush=True)
