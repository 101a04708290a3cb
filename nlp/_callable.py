"""Public functions that share their name with their module (``nlp.segment``, ``nlp.compare``,
``nlp.summarize``, ``nlp.analyze``): once the module is imported, Python binds the package
attribute to the module, so the module itself is made callable and forwards to the function."""
from __future__ import annotations

import sys
import types
from typing import Any


def make_module_callable(module_name: str, function_name: str) -> None:
    """Make ``sys.modules[module_name](...)`` call that module's ``function_name(...)``."""

    class CallableModule(types.ModuleType):
        __doc__ = f"Module {module_name}; calling it calls its {function_name}()."

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(self, function_name)(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
