"""Framework adapters: one module per AutoML framework, all with the interface in ``base``.

Adapters run in the child process, inside the framework's own environment, so
this package imports no framework at import time.
"""

from __future__ import annotations

import importlib

# Framework name -> "module:class" of its adapter.
ADAPTERS = {
    "autokeras": "automl_bench.frameworks.autokeras_adapter:AutoKerasAdapter",
    "sklearn": "automl_bench.frameworks.sklearn_adapter:SklearnAdapter",
    "flaml": "automl_bench.frameworks.flaml_adapter:FlamlAdapter",
    "autogluon": "automl_bench.frameworks.autogluon_adapter:AutoGluonAdapter",
    "tpot": "automl_bench.frameworks.tpot_adapter:TpotAdapter",
    "autosklearn": "automl_bench.frameworks.autosklearn_adapter:AutoSklearnAdapter",
    "autopytorch": "automl_bench.frameworks.autopytorch_adapter:AutoPyTorchAdapter",
    "autokeras1": "automl_bench.frameworks.autokeras1_adapter:AutoKeras1Adapter",
    "probe": "automl_bench.frameworks.probe_adapter:ProbeAdapter",
}


def adapter_path(framework: str) -> str:
    """Return the ``module:class`` path of ``framework``'s adapter.

    A value that already contains ``:`` is taken as a path, so third-party and
    test adapters can be used without registering them here.

    Raises
    ------
    ValueError
        If ``framework`` is neither registered nor a ``module:class`` path.
    """
    if ":" in framework:
        return framework
    try:
        return ADAPTERS[framework]
    except KeyError:
        raise ValueError(
            f"unknown framework {framework!r}; known frameworks: {', '.join(sorted(ADAPTERS))}, "
            "or give an adapter as 'module:Class'"
        ) from None


def load_adapter_class(path: str):
    """Import and return the adapter class named by ``module:class``."""
    module_name, _, class_name = path.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)
