"""Stratified k-fold splits shared by every setting and framework on a dataset."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Folds:
    """Test-row indices per fold; the training rows of a fold are all other rows.

    ``fold_hash`` is the sha256 of the test indices of every fold, so two runs
    with equal hashes scored their models on the same rows.
    """

    n_splits: int
    seed: int
    test_indices: tuple[np.ndarray, ...]
    n_rows: int

    @property
    def fold_hash(self) -> str:
        digest = hashlib.sha256(f"{self.n_rows}:{self.n_splits}".encode())
        for indices in self.test_indices:
            digest.update(np.asarray(indices, dtype="<i8").tobytes())
        return digest.hexdigest()

    def train_indices(self, fold: int) -> np.ndarray:
        """Return the training rows of ``fold`` (0-based), in ascending order."""
        mask = np.ones(self.n_rows, dtype=bool)
        mask[self.test_indices[fold]] = False
        return np.flatnonzero(mask)

    def to_json(self) -> str:
        """Serialise the folds for a child process."""
        return json.dumps(
            {
                "n_splits": self.n_splits,
                "seed": self.seed,
                "n_rows": self.n_rows,
                "test_indices": [indices.tolist() for indices in self.test_indices],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Folds":
        """Read folds written by :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            n_splits=data["n_splits"],
            seed=data["seed"],
            n_rows=data["n_rows"],
            test_indices=tuple(np.asarray(i, dtype=np.int64) for i in data["test_indices"]),
        )


def make_folds(labels, n_splits: int = 5, seed: int = 0) -> Folds:
    """Split rows into ``n_splits`` stratified folds, shuffled with ``seed``.

    Raises
    ------
    ValueError
        If ``n_splits`` is below 2 or the smallest class has fewer rows than
        ``n_splits``.
    """
    # Imported here, so the child process can use framework_seed without scikit-learn.
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(labels)
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits}")
    _, counts = np.unique(labels, return_counts=True)
    if counts.min() < n_splits:
        raise ValueError(
            f"the smallest class has {counts.min()} rows, fewer than the {n_splits} folds; "
            "use fewer folds"
        )

    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    tests = tuple(
        np.sort(test) for _, test in splitter.split(np.zeros(len(labels)), labels)
    )
    return Folds(n_splits=n_splits, seed=seed, test_indices=tests, n_rows=len(labels))


def framework_seed(seed: int, fold: int) -> int:
    """Return the framework's random seed for ``fold``: never 0, because AutoKeras ignores 0."""
    return seed * 1000 + fold + 1
