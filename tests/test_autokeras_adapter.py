"""The AutoKeras adapter: input conversion, the label mapping of both heads, and one real fit.

AutoKeras's label encoder sorts the class labels, so its output column 0 is
the lexically first label. The datasets declare their labels in another order
(credit-g: good, bad), and the positive class is the last declared one. A
mapping that mixes up the two orders scores ``1 - p`` and still runs, so these
tests fix the mapping from both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from automl_bench.datasets import load_dataset
from automl_bench.frameworks.autokeras_adapter import (
    MISSING_CATEGORY,
    AutoKerasAdapter,
    decode_labels,
    positive_probabilities,
    to_autokeras_array,
)
from automl_bench.frameworks.base import FoldContext

SIGMOID_RAW = np.array([[0.9], [0.2], [0.6]])
SOFTMAX_RAW = np.array([[0.7, 0.3], [0.1, 0.9], [0.45, 0.55]])


# -- positive_probabilities ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, positive, expected",
    [
        (SIGMOID_RAW, "good", [0.9, 0.2, 0.6]),
        (SIGMOID_RAW, "bad", [0.1, 0.8, 0.4]),
        (SIGMOID_RAW.reshape(-1), "bad", [0.1, 0.8, 0.4]),
        (SOFTMAX_RAW, "bad", [0.7, 0.1, 0.45]),
        (SOFTMAX_RAW, "good", [0.3, 0.9, 0.55]),
    ],
    ids=["sigmoid-second", "sigmoid-first", "sigmoid-flat-first", "softmax-first", "softmax-second"],
)
def test_positive_probabilities_by_head(raw, positive, expected):
    """A sigmoid output is P(second encoder label), and softmax column j is P(label j)."""
    probabilities = positive_probabilities(raw, ["bad", "good"], positive)

    assert probabilities.tolist() == pytest.approx(expected)


def test_numeric_encoder_labels_match_strings():
    """Encoder labels given as numbers match a positive class given as a string."""
    probabilities = positive_probabilities(SIGMOID_RAW, [1, 2], "1")

    assert probabilities.tolist() == pytest.approx([0.1, 0.8, 0.4])


def test_unknown_positive_class_rejected():
    with pytest.raises(ValueError, match=r"positive class 'won' is not among the encoder's labels \['bad', 'good'\]"):
        positive_probabilities(SIGMOID_RAW, ["bad", "good"], "won")


def test_output_shape_mismatch_rejected():
    raw = np.full((2, 3), 1 / 3)

    with pytest.raises(ValueError, match=r"cannot read probabilities of shape \(2, 3\) for 2 labels"):
        positive_probabilities(raw, ["bad", "good"], "good")


# -- decode_labels ---------------------------------------------------------------------


def test_decode_sigmoid_labels():
    assert decode_labels(SIGMOID_RAW, ["bad", "good"]).tolist() == ["good", "bad", "good"]


def test_decode_softmax_labels():
    assert decode_labels(SOFTMAX_RAW, ["bad", "good"]).tolist() == ["bad", "good", "good"]


@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
@pytest.mark.parametrize("positive", ["bad", "good"])
def test_probability_agrees_with_label(head, positive):
    """p > 0.5 exactly where the decoded label is the positive class, whichever index it has."""
    generator = np.random.default_rng(0)
    first = generator.uniform(0.01, 0.99, size=200)
    first = first[np.abs(first - 0.5) > 1e-6]
    raw = first.reshape(-1, 1) if head == "sigmoid" else np.column_stack([first, 1 - first])

    probabilities = positive_probabilities(raw, ["bad", "good"], positive)
    labels = decode_labels(raw, ["bad", "good"])

    assert np.array_equal(probabilities > 0.5, labels == positive)


# -- to_autokeras_array ----------------------------------------------------------------


@pytest.fixture
def mixed_features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "colour": pd.Categorical(["red", None, "blue"], categories=["red", "blue"]),
            "code": pd.Categorical(["1", "2", "1"]),
            "note": pd.Series(["a", None, "c"], dtype="object"),
            "size": [1.5, np.nan, 3.0],
            "count": pd.Series([1, 2, 3], dtype="int64"),
        }
    )


def test_array_column_types(mixed_features):
    array, names, types = to_autokeras_array(mixed_features)

    assert array.shape == (3, 5)
    assert array.dtype == object
    assert names == ["colour", "code", "note", "size", "count"]
    assert types == {
        "colour": "categorical",
        "code": "categorical",
        "note": "categorical",
        "size": "numerical",
        "count": "numerical",
    }


def test_array_missing_category_marked(mixed_features):
    array, _, _ = to_autokeras_array(mixed_features)

    assert array[:, 0].tolist() == ["red", MISSING_CATEGORY, "blue"]
    assert array[:, 2].tolist() == ["a", MISSING_CATEGORY, "c"]


def test_array_categories_as_strings(mixed_features):
    array, _, _ = to_autokeras_array(mixed_features)

    assert array[:, 1].tolist() == ["1", "2", "1"]


def test_array_numbers_as_floats(mixed_features):
    array, _, _ = to_autokeras_array(mixed_features)
    sizes = array[:, 3]

    assert sizes[0] == 1.5
    assert np.isnan(sizes[1])
    assert array[:, 4].tolist() == [1.0, 2.0, 3.0]
    assert {type(value) for value in array[:, 4]} == {float}


# -- a real AutoKeras fit ----------------------------------------------------------------


# Warnings that keras 3.12 and keras-tuner 1.4.8 issue on every fit.
@pytest.mark.filterwarnings("ignore::UserWarning:keras", "ignore::DeprecationWarning:keras")
@pytest.mark.parametrize(
    "name, declared",
    [("credit-g", ["good", "bad"]), ("kr-vs-kp", ["won", "nowin"])],
    ids=["credit-g", "kr-vs-kp"],
)
def test_real_fit_maps_positive_class(name, declared, offline_sources, tmp_path):
    """Fit AutoKeras (1 trial, 3 epochs) on 300 rows and score the rows it trained on.

    AutoKeras's own predict() and the adapter's probabilities must agree row by
    row, and the probabilities must rank the positive class above chance.
    """
    dataset = load_dataset(name, offline_sources)
    rows, _ = train_test_split(
        np.arange(len(dataset.frame)), train_size=300, stratify=dataset.labels, random_state=0
    )
    features = dataset.features.iloc[rows].reset_index(drop=True)
    labels = dataset.labels.iloc[rows].astype(str).to_numpy()
    context = FoldContext(
        fold=0,
        cores=2,
        seed=1,
        workdir=tmp_path / "autokeras",
        classes=dataset.classes,
        positive_class=dataset.positive_class,
    )
    adapter = AutoKerasAdapter({"model": "classifier", "max_trials": 1, "epochs": 3})

    adapter.fit(features, labels, context)
    probabilities = adapter.predict_proba(features, context)
    array, _, _ = to_autokeras_array(features)
    predicted = np.asarray(adapter._model.predict(array, verbose=0)).reshape(-1).astype(str)

    assert dataset.classes == declared
    assert sorted(declared) != declared
    assert probabilities.shape == (300,)
    assert np.array_equal(probabilities > 0.5, predicted == dataset.positive_class)
    assert roc_auc_score(labels == dataset.positive_class, probabilities) > 0.5
