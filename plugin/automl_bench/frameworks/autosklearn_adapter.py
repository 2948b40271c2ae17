"""auto-sklearn adapter: ``AutoSklearnClassifier`` optimising ROC AUC within a time budget.

auto-sklearn 0.15 runs on Python 3.9 with scikit-learn 0.24. It reads the
feature types from the DataFrame's dtypes, so ``category`` columns are
categorical.

Every model is fitted in a subprocess that pynisher starts with the
``forkserver`` method, which imports the ``__main__`` module again. The child
entry point runs under ``python -m`` behind a ``__main__`` guard, so that
import does not start the fit a second time.
"""

from __future__ import annotations

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import fold_time_budget, positive_column, run_status_counts

# auto-sklearn rejects a time_left_for_this_task of less than 30 seconds.
MINIMUM_BUDGET_SECONDS = 30


class AutoSklearnAdapter(Adapter):
    """Runs ``AutoSklearnClassifier`` with a setting from the auto-sklearn table.

    Parameters (``params``): ``time_left_for_this_task`` is the search time per
    fold in seconds, cut to what the case has left. Every other key (for
    example ``per_run_time_limit`` or ``memory_limit`` in MB) goes to the
    constructor. ``n_jobs`` is the fold's cores, ``seed`` the fold's seed and
    the metric ROC AUC.
    """

    name = "autosklearn"

    def __init__(self, params: dict):
        super().__init__(params)
        if "time_left_for_this_task" not in self.params:
            raise ValueError(
                "an auto-sklearn setting needs 'time_left_for_this_task', the search time per fold in seconds"
            )
        self._automl = None

    @staticmethod
    def versions() -> dict:
        import autosklearn
        import sklearn

        return {"auto-sklearn": autosklearn.__version__, "scikit-learn": sklearn.__version__}

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        from autosklearn.classification import AutoSklearnClassifier
        from autosklearn.metrics import roc_auc

        arguments = dict(self.params)
        budget = fold_time_budget(
            arguments.pop("time_left_for_this_task"), context, minimum_seconds=MINIMUM_BUDGET_SECONDS
        )
        self._automl = AutoSklearnClassifier(
            time_left_for_this_task=int(budget),
            n_jobs=context.cores,
            seed=context.seed,
            metric=roc_auc,
            tmp_folder=str(context.workdir / "autosklearn"),
            **arguments,
        )
        self._automl.fit(features, np.asarray(labels, dtype=str))

        statuses = [str(status) for status in self._automl.cv_results_["status"]]
        counts = run_status_counts(statuses, "auto-sklearn", "Success", budget)
        details = {"time_left_for_this_task": int(budget), "run_statuses": counts}
        return FitInfo(models_count=counts["Success"], details=details)

    def predict_proba(self, features, context: FoldContext):
        probabilities = self._automl.predict_proba(features)
        return np.asarray(probabilities)[:, positive_column(self._automl.classes_, context.positive_class)]
