"""TPOT adapter: ``tpot.TPOTClassifier`` (TPOT 1.x) scored by ROC AUC.

TPOT's own preprocessing imputes missing values and one-hot encodes the
columns named in ``categorical_features``. It recognises only ``object``
columns by itself, so the adapter names the ``category`` columns and passes
them as ``object`` columns.
"""

from __future__ import annotations

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import categorical_columns, fold_time_budget, positive_column


def object_categories(features):
    """Return a copy of ``features`` whose categorical columns are ``object`` with NaN for missing values."""
    converted = features.copy()
    for name in categorical_columns(features):
        column = features[name].astype("object")
        converted[name] = column.where(column.notna(), np.nan)
    return converted


class TpotAdapter(Adapter):
    """Runs ``TPOTClassifier`` with a setting from the TPOT table.

    Parameters (``params``): ``max_time_mins`` is the search time per fold in
    minutes, cut to what the case has left. Every other key (for example
    ``search_space``, ``cv`` or ``max_eval_time_mins``) goes to the
    constructor. ``n_jobs`` is the fold's cores, ``random_state`` the fold's
    seed and the scorer ``roc_auc``.
    """

    name = "tpot"

    def __init__(self, params: dict):
        super().__init__(params)
        if "max_time_mins" not in self.params:
            raise ValueError("a TPOT setting needs 'max_time_mins', the search time per fold in minutes")
        self._tpot = None

    @staticmethod
    def versions() -> dict:
        import sklearn
        import tpot

        return {"tpot": tpot.__version__, "scikit-learn": sklearn.__version__}

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        import pandas as pd
        from tpot import TPOTClassifier

        arguments = dict(self.params)
        budget_seconds = fold_time_budget(arguments.pop("max_time_mins") * 60, context, minimum_seconds=30)
        self._tpot = TPOTClassifier(
            scorers=["roc_auc"],
            scorers_weights=[1],
            categorical_features=categorical_columns(features),
            preprocessing=True,
            max_time_mins=budget_seconds / 60,
            n_jobs=context.cores,
            random_state=context.seed,
            verbose=0,
            **arguments,
        )
        self._tpot.fit(object_categories(features), np.asarray(labels, dtype=str))

        # The score column is named after the scorer's function (roc_auc_score);
        # a pipeline that failed or timed out has a non-numeric or missing score.
        evaluated = self._tpot.evaluated_individuals
        scores = pd.to_numeric(evaluated[self._tpot.objective_names[0]], errors="coerce")
        scored = int(np.isfinite(scores).sum())
        if scored == 0:
            raise RuntimeError(f"TPOT scored no pipeline in {budget_seconds:.0f} s ({len(evaluated)} evaluated)")
        details = {"max_time_mins": budget_seconds / 60, "evaluated_pipelines": len(evaluated)}
        return FitInfo(models_count=scored, details=details)

    def predict_proba(self, features, context: FoldContext):
        probabilities = self._tpot.predict_proba(object_categories(features))
        return np.asarray(probabilities)[:, positive_column(self._tpot.classes_, context.positive_class)]
