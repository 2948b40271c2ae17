"""The interface every framework adapter implements.

The child process creates one adapter per case with the setting's parameters,
then for each fold calls ``fit`` on the training rows and ``predict_proba`` on
the test rows. Adapters must import on Python 3.9 and import their framework
only inside these methods or the constructor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FoldContext:
    """What an adapter may use for one fold.

    ``cores`` is the thread budget, ``seed`` the fold's non-zero random seed,
    ``workdir`` a fresh folder for the framework's files, ``time_budget_seconds``
    the time left for the whole case (``None`` without a limit), ``classes`` the
    two class labels in declared order and ``positive_class`` the one scored.
    """

    fold: int
    cores: int
    seed: int
    workdir: Path
    classes: list
    positive_class: str
    time_budget_seconds: float | None = None


@dataclass
class FitInfo:
    """The result of an adapter's fit: the model count and free-form details.

    Details are JSON values. An adapter that finds its framework failed
    silently (for example every trial failed) raises instead of returning.
    """

    models_count: int | None = None
    details: dict = field(default_factory=dict)


class Adapter:
    """Base class of framework adapters."""

    #: The framework's name as used in case ids and results.
    name = "adapter"

    def __init__(self, params: dict):
        self.params = dict(params)

    @staticmethod
    def versions() -> dict:
        """Return the versions of the framework and the libraries it runs on."""
        return {}

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        """Fit on a training fold: ``features`` a DataFrame, ``labels`` an array of str."""
        raise NotImplementedError

    def predict_proba(self, features, context: FoldContext):
        """Return the probability of ``context.positive_class`` per row, shape (n_rows,)."""
        raise NotImplementedError
