"""Package layout that pyproject.toml cannot express: ``models/`` installed as ``nlp._models``.

The trained artefacts stay in the top-level ``models/`` folder of the checkout; a
non-editable install copies them into the package so :func:`nlp.resources.model_dir`
finds them through ``importlib.resources``. Everything else is configured in pyproject.toml.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["nlp", "nlp.*", "corpora", "corpora.*"]) + ["nlp._models"],
    package_dir={"nlp._models": "models"},
)
