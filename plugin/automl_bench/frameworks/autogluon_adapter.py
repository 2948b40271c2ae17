"""AutoGluon adapter: ``autogluon.tabular.TabularPredictor`` with ROC AUC as its metric.

AutoGluon takes the training rows and the label as one DataFrame; ``category``
columns stay categorical and missing values are left to AutoGluon.
"""

from __future__ import annotations

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import fold_time_budget, positive_column

LABEL_COLUMN = "__automl_bench_label__"


class AutoGluonAdapter(Adapter):
    """Runs ``TabularPredictor.fit`` with a setting from the AutoGluon table.

    Parameters (``params``): ``time_limit`` is the fit time per fold in
    seconds, cut to what the case has left. Every other key (for example
    ``presets``) goes to ``TabularPredictor.fit``. ``num_cpus`` is the fold's
    cores and ``num_gpus`` is 0.
    """

    name = "autogluon"

    def __init__(self, params: dict):
        super().__init__(params)
        if "time_limit" not in self.params:
            raise ValueError("an AutoGluon setting needs 'time_limit', the fit time per fold in seconds")
        self._predictor = None

    @staticmethod
    def versions() -> dict:
        import autogluon.tabular
        import sklearn
        import torch

        return {
            "autogluon.tabular": autogluon.tabular.__version__,
            "torch": torch.__version__,
            "scikit-learn": sklearn.__version__,
        }

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        from autogluon.tabular import TabularPredictor

        if LABEL_COLUMN in features.columns:
            raise ValueError(f"the dataset has a feature named {LABEL_COLUMN!r}, the adapter's label column")
        arguments = dict(self.params)
        budget = fold_time_budget(arguments.pop("time_limit"), context)

        train = features.copy()
        train[LABEL_COLUMN] = np.asarray(labels, dtype=str)
        self._predictor = TabularPredictor(
            label=LABEL_COLUMN,
            problem_type="binary",
            eval_metric="roc_auc",
            path=str(context.workdir / "autogluon"),
            verbosity=0,
        )
        # NOTE: TabularPredictor.fit takes no seed in AutoGluon 1.6, so runs
        # with the same fold can pick different models.
        self._predictor.fit(train, time_limit=budget, num_cpus=context.cores, num_gpus=0, **arguments)

        models = self._predictor.model_names()
        if not models:
            raise RuntimeError(f"AutoGluon trained no model in its time limit of {budget:.0f} s")
        details = {"time_limit_seconds": budget, "best_model": self._predictor.model_best}
        return FitInfo(models_count=len(models), details=details)

    def predict_proba(self, features, context: FoldContext):
        probabilities = self._predictor.predict_proba(features)
        column = positive_column(probabilities.columns, context.positive_class)
        return probabilities.iloc[:, column].to_numpy(dtype="float64")
