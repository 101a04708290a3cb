"""The fork server's imports when the summaries run: :mod:`.preload`, plus torch and the lean headline
decoder (:mod:`nlp.summaries.lean`: greedy headlines of the own model need no ``transformers``, whose
import alone costs about two CPU-seconds). Imports only: nothing runs, no thread pool is started; the
imported objects are then frozen (:func:`nlp.heap.freeze_long_lived`)."""
from __future__ import annotations

import nlp.analysis.preload  # noqa: F401
import nlp.summaries  # noqa: F401

try:
    import torch  # noqa: F401

    import nlp.summaries.lean  # noqa: F401  (greedy headlines of the own model need no transformers)
except ImportError:   # no torch: the summaries stage falls back to extractive headlines in the worker
    pass

from nlp.heap import freeze_long_lived  # noqa: E402

freeze_long_lived()
