"""Where the shipped, project-trained model artefacts live.

One place resolves ``models/<name>``: the checkout's ``models/`` folder for a
source tree or editable install, else the copy a non-editable install carries as
the package data ``nlp._models`` (setup.py maps ``models/`` there).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT_MODELS = Path(__file__).resolve().parents[1] / "models"
#: the package a non-editable install puts ``models/`` into
INSTALLED_MODELS_PACKAGE = "nlp._models"


def _models_root() -> Path:
    if _CHECKOUT_MODELS.is_dir():
        return _CHECKOUT_MODELS
    try:
        return Path(str(resources.files(INSTALLED_MODELS_PACKAGE)))
    except ModuleNotFoundError:  # neither a checkout nor an install with the models: callers see a missing folder
        return _CHECKOUT_MODELS


def model_dir(name: str) -> Path:
    """The directory of the shipped model artefact ``name`` (e.g. ``"themes"``).

    The path may not exist (a trimmed install); loaders report that themselves.
    """
    return _models_root() / name
