"""A non-editable install carries the trained models: abstractive headlines and model themes without the checkout.

The project is copied out of the checkout, installed with ``pip install --no-deps
--no-build-isolation`` into a fresh virtual environment that reuses the installed
dependencies (``--system-site-packages``), and run from a folder where the checkout
is not importable.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPORTS_DIR, ROOT

#: what a non-editable install needs from the checkout
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md", "cli.py", "nlp", "corpora", "models")

PROBE = r"""
import json, sys
from pathlib import Path

import nlp
from nlp.resources import model_dir
from nlp.structure import read_report
from nlp.summaries import summarize
from nlp.themes import classify_themes

report = read_report(Path(sys.argv[1]))
summaries = summarize(report, level="part", method="abstractive")
themes = classify_themes(report, level="section")
print(json.dumps({
    "nlp": nlp.__file__,
    "summarizer_dir": str(model_dir("summarizer")),
    "themes_dir": str(model_dir("themes")),
    "methods": sorted({s.method for s in summaries}),
    "models": sorted({s.model or "" for s in summaries}),
    "headlines": [s.headline for s in summaries if s.method == "abstractive"],
    "theme_model": themes.model["name"],
    "section_themes": [s.theme for s in themes.sections],
}, ensure_ascii=False))
"""


@pytest.mark.install
def test_non_editable_install_finds_its_models(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # the running interpreter's pip installs into the venv (no pip bootstrap: faster)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-build-isolation", "--no-cache-dir", str(src)], check=True, capture_output=True, text=True)
    shutil.rmtree(src)  # nothing may be read from the copied tree any more

    report = REPORTS_DIR / "huaian-office-2019.txt"
    run = subprocess.run([str(python), "-I", "-c", PROBE, str(report)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])

    site = str(venv)
    assert got["nlp"].startswith(site), got["nlp"]
    assert got["summarizer_dir"].startswith(site) and got["summarizer_dir"].endswith("nlp/_models/summarizer")
    assert got["themes_dir"].startswith(site) and got["themes_dir"].endswith("nlp/_models/themes")
    # generated headlines, by the installed artefact
    assert "abstractive" in got["methods"], got
    # named by its place in the project, not by the install path (the same outputs on every machine)
    assert got["models"] == ["models/summarizer"], got["models"]
    assert got["headlines"] and all(h.strip() for h in got["headlines"])
    # themes by the installed model: its card names it, and the report's sections get labels from its taxonomy
    card = json.loads((ROOT / "models" / "themes" / "card.json").read_text(encoding="utf-8"))
    assert got["theme_model"] == card["name"] != ""
    assert got["section_themes"] and set(got["section_themes"]) <= set(card["classes"])
