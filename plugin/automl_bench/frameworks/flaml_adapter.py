"""FLAML adapter: ``flaml.AutoML`` searching for the best ROC AUC within a time budget.

FLAML takes the DataFrame as it is: it treats ``category`` columns as
categorical and leaves missing values to its learners.
"""

from __future__ import annotations

import json

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import fold_time_budget, positive_column


def count_trials(log_path) -> int:
    """Return the number of trials in a FLAML log written with ``log_type="all"``.

    Every trial is one JSON line with a ``record_id``. The last line, which
    points at the best record, has none.
    """
    count = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            if line.strip() and "record_id" in json.loads(line):
                count += 1
    return count


class FlamlAdapter(Adapter):
    """Runs ``flaml.AutoML`` with a setting from the FLAML table.

    Parameters (``params``): ``time_budget`` is the search time per fold in
    seconds, cut to what the case has left. Every other key (for example
    ``estimator_list``) goes to ``AutoML.fit``. The metric is ``roc_auc``,
    ``n_jobs`` the fold's cores and ``seed`` the fold's seed.
    """

    name = "flaml"

    def __init__(self, params: dict):
        super().__init__(params)
        if "time_budget" not in self.params:
            raise ValueError("a FLAML setting needs 'time_budget', the search time per fold in seconds")
        self._automl = None

    @staticmethod
    def versions() -> dict:
        import flaml
        import lightgbm
        import sklearn
        import xgboost

        return {
            "flaml": flaml.__version__,
            "lightgbm": lightgbm.__version__,
            "xgboost": xgboost.__version__,
            "scikit-learn": sklearn.__version__,
        }

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        from flaml import AutoML

        arguments = dict(self.params)
        budget = fold_time_budget(arguments.pop("time_budget"), context)
        log_path = context.workdir / "flaml.log"
        self._automl = AutoML()
        self._automl.fit(
            X_train=features,
            y_train=np.asarray(labels, dtype=str),
            task="classification",
            metric="roc_auc",
            time_budget=budget,
            n_jobs=context.cores,
            seed=context.seed,
            log_file_name=str(log_path),
            log_type="all",
            verbose=0,
            **arguments,
        )

        if self._automl.model is None:
            raise RuntimeError(f"FLAML found no model in its time budget of {budget:.0f} s")
        trials = count_trials(log_path)
        details = {
            "time_budget_seconds": budget,
            "best_estimator": self._automl.best_estimator,
            "best_validation_loss": float(self._automl.best_loss),
        }
        return FitInfo(models_count=trials, details=details)

    def predict_proba(self, features, context: FoldContext):
        probabilities = self._automl.predict_proba(features)
        return np.asarray(probabilities)[:, positive_column(self._automl.classes_, context.positive_class)]
