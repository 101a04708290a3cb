"""The project's trained model artefacts (data only; installed as the package ``nlp._models``)."""
