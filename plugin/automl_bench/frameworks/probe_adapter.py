"""A framework that misbehaves on request, for checking the harness's guards on real processes.

The ``probe`` framework fits no model. Its ``behavior`` parameter makes the
child do what real frameworks sometimes do: allocate memory without bound,
sleep past the budget, abort, raise, exit without a result, or leave a helper
process behind. ``fold`` limits the behavior to one fold; the other folds
return seeded random probabilities (ROC AUC near 0.5) at once. The ``model``
behavior fits a real logistic regression instead, and with
``shuffle_probabilities`` it returns that model's probabilities in a seeded
random order: a deliberately degraded model for regression checks.

Parameters (``params``):

- ``behavior``: ``ok``, ``model``, ``allocate``, ``sleep``, ``abort``, ``raise``,
  ``exit`` or ``spawn``;
- ``fold``: the only fold that misbehaves (default: every fold);
- ``seconds``: how long ``sleep`` and ``spawn`` sleep (default 3600);
- ``step_bytes`` and ``step_seconds``: how fast ``allocate`` grows (default
  50 MiB every 0.05 s, without end);
- ``progress_file``: where ``allocate`` appends ``<bytes after the step>
  <time.monotonic()>`` as each step starts and ``spawn`` writes the helper's pid;
- ``message``: the text of the exception for ``raise``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

from .base import Adapter, FitInfo, FoldContext

BEHAVIORS = ("ok", "model", "allocate", "sleep", "abort", "raise", "exit", "spawn")


class ProbeError(RuntimeError):
    """The exception the ``raise`` behavior raises."""


class ProbeAdapter(Adapter):
    """Adapter whose fit misbehaves in the way ``params["behavior"]`` names."""

    name = "probe"

    def __init__(self, params: dict):
        super().__init__(params)
        behavior = self.params.get("behavior", "ok")
        if behavior not in BEHAVIORS:
            raise ValueError(f"unknown probe behavior {behavior!r}; use one of {', '.join(BEHAVIORS)}")
        self.behavior = behavior
        self._blocks: list[bytearray] = []
        self._model = None
        self._columns = None

    @staticmethod
    def versions() -> dict:
        return {"probe": "1", "python": sys.version.split()[0]}

    def _active(self, context: FoldContext) -> bool:
        fold = self.params.get("fold")
        return fold is None or fold == context.fold

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        if self.behavior == "model":
            return self._fit_model(features, labels, context)
        if self._active(context):
            getattr(self, f"_{self.behavior}")()
        return FitInfo(models_count=0, details={"behavior": self.behavior})

    def predict_proba(self, features, context: FoldContext):
        rng = np.random.default_rng(context.seed)
        if self._model is None:
            return rng.random(len(features))
        encoded = self._encode(features)
        position = list(self._model.classes_).index(context.positive_class)
        probabilities = self._model.predict_proba(encoded)[:, position]
        if self.params.get("shuffle_probabilities"):
            probabilities = rng.permutation(probabilities)
        return probabilities

    def _encode(self, features):
        import pandas as pd

        encoded = pd.get_dummies(features, dtype="float64").fillna(0.0)
        if self._columns is None:
            self._columns = list(encoded.columns)
        return encoded.reindex(columns=self._columns, fill_value=0.0).to_numpy()

    def _fit_model(self, features, labels, context: FoldContext) -> FitInfo:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self._columns = None
        self._model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        self._model.fit(self._encode(features), np.asarray(labels, dtype=str))
        return FitInfo(models_count=1, details={"behavior": "model"})

    def _ok(self) -> None:
        pass

    def _allocate(self) -> None:
        step = int(self.params.get("step_bytes", 50 * 2**20))
        pause = float(self.params.get("step_seconds", 0.05))
        progress = self.params.get("progress_file")
        while True:
            # The line is written before the step, so the last line is an upper
            # bound of what was allocated when the process was killed.
            if progress:
                with open(progress, "a") as handle:
                    handle.write(f"{step * (len(self._blocks) + 1)} {time.monotonic()}\n")
            block = bytearray(step)
            # Touch every page so the memory is resident, not just reserved.
            block[::4096] = b"\x01" * len(range(0, step, 4096))
            self._blocks.append(block)
            time.sleep(pause)

    def _sleep(self) -> None:
        time.sleep(float(self.params.get("seconds", 3600)))

    def _abort(self) -> None:
        os.abort()

    def _raise(self) -> None:
        raise ProbeError(self.params.get("message", "probe failure"))

    def _exit(self) -> None:
        os._exit(3)

    def _spawn(self) -> None:
        seconds = str(self.params.get("seconds", 3600))
        helper = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])
        progress = self.params.get("progress_file")
        if progress:
            with open(progress, "w") as handle:
                handle.write(str(helper.pid))
        time.sleep(float(seconds))
