"""Input and output conversions that several adapters share.

Only numpy and pandas are imported, so every framework environment can load
this module.
"""

from __future__ import annotations

import numpy as np

# A fold's fit gets at most this share of the time left for the whole case, so
# that predicting and the later folds still fit in the budget.
BUDGET_SHARE = 0.8


def categorical_columns(features) -> list[str]:
    """Return the names of the ``category`` and ``object`` columns of a DataFrame."""
    import pandas as pd

    return [
        name
        for name in features.columns
        if isinstance(features[name].dtype, pd.CategoricalDtype) or features[name].dtype == object
    ]


def ordinal_codes(column, categories) -> np.ndarray:
    """Return ``column`` as float codes into ``categories`` (labels as str); missing and unseen values become NaN."""
    import pandas as pd

    labels = [None if pd.isna(value) else str(value) for value in column.astype("object")]
    codes = pd.Index(categories, dtype=object).get_indexer(labels).astype("float64")
    codes[codes < 0] = np.nan
    return codes


def positive_column(classes, positive_class: str) -> int:
    """Return the position of ``positive_class`` in a model's ``classes_``.

    Raises
    ------
    ValueError
        If the model was not fitted on ``positive_class``.
    """
    labels = [str(label) for label in classes]
    if str(positive_class) not in labels:
        raise ValueError(f"positive class {positive_class!r} is not among the model's classes {labels}")
    return labels.index(str(positive_class))


class OrdinalFrame:
    """Encodes a DataFrame as a float matrix: categorical columns as codes of the training categories.

    ``categories`` maps each categorical column to the sorted labels seen in
    the training rows; a label seen only at predict time becomes NaN.
    """

    def __init__(self, features):
        self.columns = [str(name) for name in features.columns]
        self.categories = {}
        for name in categorical_columns(features):
            observed = features[name].dropna().astype(str).unique()
            self.categories[str(name)] = sorted(observed)

    def transform(self, features) -> np.ndarray:
        """Return the float matrix of ``features``, shape (n_rows, n_columns).

        Raises
        ------
        ValueError
            If ``features`` does not have the training columns in their order.
        """
        columns = [str(name) for name in features.columns]
        if columns != self.columns:
            raise ValueError(f"expected the training columns {self.columns}, got {columns}")
        matrix = np.empty((len(features), len(self.columns)), dtype="float64")
        for index, name in enumerate(self.columns):
            column = features.iloc[:, index]
            if name in self.categories:
                matrix[:, index] = ordinal_codes(column, self.categories[name])
            else:
                matrix[:, index] = column.to_numpy(dtype="float64")
        return matrix

    def native_categorical(self, max_categories: int) -> list[int]:
        """Return the indices of categorical columns with at most ``max_categories`` labels."""
        return [
            index
            for index, name in enumerate(self.columns)
            if name in self.categories and len(self.categories[name]) <= max_categories
        ]


def run_status_counts(statuses, framework: str, success: str, budget_seconds: float) -> dict[str, int]:
    """Return how many of a search's runs ended with each status.

    Raises
    ------
    RuntimeError
        If no run has the status ``success``, because the framework then has
        no model to predict with.
    """
    counts = {status: list(statuses).count(status) for status in sorted(set(statuses))}
    if counts.get(success, 0) == 0:
        raise RuntimeError(f"no {framework} run succeeded in {budget_seconds:.0f} s; run statuses: {counts}")
    return counts


def fold_time_budget(requested_seconds: float, context, minimum_seconds: float = 1.0) -> float:
    """Return the seconds a framework may search in this fold.

    That is ``requested_seconds`` from the setting, cut to ``BUDGET_SHARE`` of
    the time the case has left (``context.time_budget_seconds``, None without
    a limit), and never below ``minimum_seconds``.
    """
    budget = float(requested_seconds)
    if context.time_budget_seconds is not None:
        budget = min(budget, BUDGET_SHARE * context.time_budget_seconds)
    return max(minimum_seconds, budget)
