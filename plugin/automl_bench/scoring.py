"""Scoring of predicted probabilities."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def roc_auc(labels, positive_probabilities, positive_class: str) -> float:
    """Return the ROC AUC of ``positive_probabilities`` for ``positive_class``.

    Parameters
    ----------
    labels : array-like of shape (n_rows,)
        True class labels, compared with ``positive_class`` as strings.
    positive_probabilities : array-like of shape (n_rows,)
        Predicted probability that each row belongs to ``positive_class``.

    Raises
    ------
    ValueError
        If the shapes differ, a probability is not finite, or ``labels`` has
        only one class.
    """
    truth = np.asarray([str(label) for label in labels]) == str(positive_class)
    scores = np.asarray(positive_probabilities, dtype="float64").reshape(-1)
    if scores.shape != truth.shape:
        raise ValueError(f"got {scores.shape[0]} probabilities for {truth.shape[0]} labels")
    if not np.all(np.isfinite(scores)):
        raise ValueError(f"{np.count_nonzero(~np.isfinite(scores))} probabilities are NaN or infinite")
    if truth.all() or not truth.any():
        raise ValueError("ROC AUC needs both classes among the labels")
    return float(roc_auc_score(truth, scores))
