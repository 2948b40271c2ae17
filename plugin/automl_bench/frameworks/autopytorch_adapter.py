"""Auto-PyTorch adapter: ``TabularClassificationTask`` searching for the best ROC AUC.

Auto-PyTorch 0.2.1 runs on Python 3.9 with scikit-learn 0.24 and torch 1.12.
It reads the feature types from the DataFrame's dtypes, so ``category``
columns are categorical.

NOTE: Auto-PyTorch can overrun ``total_walltime_limit`` (seen with its
traditional models and ensemble building), so the case's time budget,
enforced by the parent process, is what bounds a run.
"""

from __future__ import annotations

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import fold_time_budget, positive_column, run_status_counts

# The shortest search the adapter requests, in seconds. With 60 s per fold,
# Auto-PyTorch finished 11 to 15 runs per credit-g fold on 2 cores.
MINIMUM_BUDGET_SECONDS = 60


class AutoPyTorchAdapter(Adapter):
    """Runs ``TabularClassificationTask.search`` with a setting from the Auto-PyTorch table.

    Parameters (``params``): ``total_walltime_limit`` is the search time per
    fold in seconds, cut to what the case has left. Every other key (for
    example ``func_eval_time_limit_secs`` or ``memory_limit`` in MB) goes to
    ``search``. ``n_jobs`` and ``n_threads`` of the task are the fold's cores,
    ``seed`` the fold's seed and the metric ``roc_auc``.
    """

    name = "autopytorch"

    def __init__(self, params: dict):
        super().__init__(params)
        if "total_walltime_limit" not in self.params:
            raise ValueError(
                "an Auto-PyTorch setting needs 'total_walltime_limit', the search time per fold in seconds"
            )
        self._task = None

    @staticmethod
    def versions() -> dict:
        import autoPyTorch
        import sklearn
        import torch

        return {"autoPyTorch": autoPyTorch.__version__, "torch": torch.__version__, "scikit-learn": sklearn.__version__}

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        from autoPyTorch.api.tabular_classification import TabularClassificationTask

        arguments = dict(self.params)
        budget = fold_time_budget(
            arguments.pop("total_walltime_limit"), context, minimum_seconds=MINIMUM_BUDGET_SECONDS
        )
        self._task = TabularClassificationTask(
            seed=context.seed,
            n_jobs=context.cores,
            n_threads=context.cores,
            temporary_directory=str(context.workdir / "tmp"),
            output_directory=str(context.workdir / "output"),
        )
        self._task.search(
            optimize_metric="roc_auc",
            X_train=features,
            y_train=np.asarray(labels, dtype=str),
            total_walltime_limit=int(budget),
            **arguments,
        )

        statuses = [value.status.name for value in self._task.run_history.data.values()]
        counts = run_status_counts(statuses, "Auto-PyTorch", "SUCCESS", budget)
        details = {"total_walltime_limit": int(budget), "run_statuses": counts}
        return FitInfo(models_count=counts["SUCCESS"], details=details)

    def predict_proba(self, features, context: FoldContext):
        probabilities = np.asarray(self._task.predict_proba(features))
        # Column j of the probabilities is the class the task's target encoder
        # maps to code j.
        classes = self._task.input_validator.target_validator.encoder.categories_[0]
        return probabilities[:, positive_column(classes, context.positive_class)]
