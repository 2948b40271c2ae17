"""Fold splitting and ROC AUC scoring."""

from __future__ import annotations

import numpy as np
import pytest

from automl_bench.datasets import DatasetSources, load_dataset
from automl_bench.datasets.cache import DatasetCache
from automl_bench.folds import Folds, framework_seed, make_folds
from automl_bench.scoring import roc_auc

# 70 "good" and 30 "bad" rows in a fixed, unsorted order.
LABELS = np.array(["good", "bad", "good", "good", "bad", "good", "good", "good", "bad", "good"] * 10)


@pytest.fixture(scope="module")
def credit_g_labels(shared_datasets, tmp_path_factory):
    sources = DatasetSources(
        folder=shared_datasets, cache=DatasetCache(tmp_path_factory.mktemp("cache")), offline=True
    )
    return load_dataset("credit-g", sources).labels


# -- make_folds --------------------------------------------------------------------


def test_labels_fixture_counts():
    values, counts = np.unique(LABELS, return_counts=True)

    assert dict(zip(values, counts)) == {"bad": 30, "good": 70}


def test_folds_cover_every_row_once():
    folds = make_folds(LABELS, n_splits=5, seed=0)
    tested = np.concatenate(folds.test_indices)

    assert folds.n_rows == len(LABELS)
    assert len(tested) == len(LABELS)
    assert np.array_equal(np.sort(tested), np.arange(len(LABELS)))


def test_folds_are_stratified():
    folds = make_folds(LABELS, n_splits=5, seed=0)

    for fold, indices in enumerate(folds.test_indices):
        assert np.count_nonzero(LABELS[indices] == "bad") == 6, fold
        assert np.count_nonzero(LABELS[indices] == "good") == 14, fold


def test_credit_g_folds_stratified(credit_g_labels):
    """credit-g has 700 good and 300 bad rows, so every fold tests 140 good and 60 bad."""
    labels = np.asarray(credit_g_labels.astype(str))
    folds = make_folds(credit_g_labels, n_splits=5, seed=0)

    for fold, indices in enumerate(folds.test_indices):
        assert np.count_nonzero(labels[indices] == "bad") == 60, fold
        assert np.count_nonzero(labels[indices] == "good") == 140, fold


def test_train_indices_complement_test():
    folds = make_folds(LABELS, n_splits=5, seed=0)

    for fold, test in enumerate(folds.test_indices):
        train = folds.train_indices(fold)
        assert np.intersect1d(train, test).size == 0, fold
        assert len(train) + len(test) == len(LABELS), fold


def test_same_seed_same_folds():
    first = make_folds(LABELS, n_splits=5, seed=7)
    second = make_folds(LABELS, n_splits=5, seed=7)

    for fold in range(5):
        assert np.array_equal(first.test_indices[fold], second.test_indices[fold]), fold
    assert first.fold_hash == second.fold_hash


def test_other_seed_other_folds():
    first = make_folds(LABELS, n_splits=5, seed=0)
    second = make_folds(LABELS, n_splits=5, seed=1)

    assert not np.array_equal(first.test_indices[0], second.test_indices[0])
    assert first.fold_hash != second.fold_hash


def test_fold_hash_depends_on_split_count():
    assert make_folds(LABELS, n_splits=5, seed=0).fold_hash != make_folds(LABELS, n_splits=4, seed=0).fold_hash


def test_fold_hash_is_sha256_hex():
    fold_hash = make_folds(LABELS, n_splits=5, seed=0).fold_hash

    assert len(fold_hash) == 64
    assert int(fold_hash, 16) >= 0


def test_json_round_trip_keeps_hash():
    folds = make_folds(LABELS, n_splits=5, seed=3)
    restored = Folds.from_json(folds.to_json())

    assert restored.fold_hash == folds.fold_hash
    assert restored.seed == 3
    assert restored.train_indices(2).tolist() == folds.train_indices(2).tolist()


def test_too_few_splits_rejected():
    with pytest.raises(ValueError, match="n_splits must be at least 2, got 1"):
        make_folds(LABELS, n_splits=1)


def test_small_class_rejected():
    labels = np.array(["a"] * 20 + ["b"] * 3)

    with pytest.raises(ValueError, match="the smallest class has 3 rows, fewer than the 5 folds"):
        make_folds(labels, n_splits=5)


# -- framework_seed ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 42, 2**20])
def test_framework_seed_never_zero(seed):
    """AutoKeras 3.0 and keras-tuner 1.4.8 treat seed 0 as no seed (``if seed:``), so no fold may get it."""
    for fold in range(10):
        assert framework_seed(seed, fold) != 0, fold


def test_framework_seeds_distinct():
    seeds = [framework_seed(seed, fold) for seed in range(5) for fold in range(10)]

    assert len(set(seeds)) == len(seeds)


# -- roc_auc -------------------------------------------------------------------------


def test_roc_auc_known_value():
    """Pairs (bad, good): (0.9, 0.8) and (0.9, 0.1) and (0.3, 0.1) are ordered right, (0.3, 0.8) is not."""
    labels = ["bad", "good", "bad", "good"]
    probabilities = [0.9, 0.8, 0.3, 0.1]

    assert roc_auc(labels, probabilities, "bad") == pytest.approx(0.75)


def test_roc_auc_uses_positive_class():
    labels = ["bad", "good", "bad", "good"]
    probabilities = [0.9, 0.8, 0.3, 0.1]

    assert roc_auc(labels, probabilities, "good") == pytest.approx(0.25)


def test_roc_auc_counts_ties_half():
    labels = ["bad", "good", "bad", "good"]
    probabilities = [0.5, 0.5, 0.9, 0.1]

    assert roc_auc(labels, probabilities, "bad") == pytest.approx(0.875)


def test_roc_auc_compares_labels_as_strings():
    """Labels read as numbers still match a positive class given as a string."""
    labels = np.array([1, 2, 1, 2])
    probabilities = [0.1, 0.9, 0.2, 0.8]

    assert roc_auc(labels, probabilities, "2") == pytest.approx(1.0)


def test_roc_auc_accepts_column_vector():
    labels = ["a", "b", "a", "b"]
    probabilities = np.array([[0.1], [0.9], [0.2], [0.8]])

    assert roc_auc(labels, probabilities, "b") == pytest.approx(1.0)


def test_roc_auc_one_class_rejected():
    with pytest.raises(ValueError, match="needs both classes"):
        roc_auc(["good", "good", "good"], [0.1, 0.5, 0.9], "good")


def test_roc_auc_absent_positive_rejected():
    with pytest.raises(ValueError, match="needs both classes"):
        roc_auc(["good", "bad"], [0.1, 0.9], "Bad")


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_roc_auc_non_finite_rejected(bad_value):
    with pytest.raises(ValueError, match="1 probabilities are NaN or infinite"):
        roc_auc(["a", "b", "a", "b"], [0.1, bad_value, 0.2, 0.8], "b")


def test_roc_auc_shape_mismatch_rejected():
    with pytest.raises(ValueError, match="got 3 probabilities for 4 labels"):
        roc_auc(["a", "b", "a", "b"], [0.1, 0.9, 0.2], "b")
