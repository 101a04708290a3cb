"""Where the shipped, project-trained model artefacts live.

One place resolves ``models/<name>``: the checkout's ``models/`` folder for a
source tree or editable install, else the copy installed as package data.
"""
from __future__ import annotations

from pathlib import Path

_CHECKOUT_MODELS = Path(__file__).resolve().parents[1] / "models"


def model_dir(name: str) -> Path:
    """The directory of the shipped model artefact ``name`` (e.g. ``"themes"``)."""
    return _CHECKOUT_MODELS / name
