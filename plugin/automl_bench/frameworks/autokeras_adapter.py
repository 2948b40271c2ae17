"""AutoKeras adapter: StructuredDataClassifier or a custom AutoModel on numpy arrays.

AutoKeras 3.0 accepts numpy arrays only. Categorical columns are passed as
strings in an object array and declared ``categorical`` in ``column_types``.
A missing category becomes the string ``"missing"``. Numeric columns are floats.

``predict`` of AutoKeras returns labels, so probabilities come from the best
Keras model, and the label each output column stands for is read from the
label encoder of AutoKeras's output pipeline.
"""

from __future__ import annotations

import inspect
import logging

import numpy as np

from .base import Adapter, FitInfo, FoldContext

logger = logging.getLogger(__name__)

MISSING_CATEGORY = "missing"


class AllTrialsFailedError(RuntimeError):
    """Raised when keras-tuner marked every trial of a search as failed."""


def to_autokeras_array(features) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """Convert a DataFrame to the object array, column names and column types AutoKeras takes."""
    import pandas as pd

    names = [str(name) for name in features.columns]
    types = {}
    columns = []
    for name, column in zip(names, (features[c] for c in features.columns)):
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
            values = column.astype("object").where(column.notna(), MISSING_CATEGORY)
            columns.append(np.array([str(v) for v in values], dtype=object))
            types[name] = "categorical"
        else:
            columns.append(column.to_numpy(dtype="float64").astype(object))
            types[name] = "numerical"
    array = np.empty((len(features), len(names)), dtype=object)
    for index, values in enumerate(columns):
        array[:, index] = values
    return array, names, types


def positive_probabilities(raw, encoder_labels, positive_class: str) -> np.ndarray:
    """Return P(``positive_class``) from the output of AutoKeras's classification head.

    ``raw`` is the Keras model's output: shape (n, 1) with a sigmoid for the
    label encoder (the probability of ``encoder_labels[1]``), or shape (n, 2)
    with a softmax for the one-hot encoder (column j is ``encoder_labels[j]``).

    Raises
    ------
    ValueError
        If ``positive_class`` is not among ``encoder_labels`` or the shape fits
        neither head.
    """
    labels = [str(label) for label in encoder_labels]
    raw = np.asarray(raw, dtype="float64")
    if raw.ndim == 1:
        raw = raw.reshape(-1, 1)
    if str(positive_class) not in labels:
        raise ValueError(
            f"positive class {positive_class!r} is not among the encoder's labels {labels}"
        )
    position = labels.index(str(positive_class))

    if raw.shape[1] == 1 and len(labels) == 2:
        return raw[:, 0] if position == 1 else 1.0 - raw[:, 0]
    if raw.shape[1] == len(labels):
        return raw[:, position]
    raise ValueError(
        f"cannot read probabilities of shape {raw.shape} for {len(labels)} labels {labels}"
    )


def decode_labels(raw, encoder_labels) -> np.ndarray:
    """Return the labels AutoKeras's encoders assign to ``raw``, as strings."""
    labels = np.asarray([str(label) for label in encoder_labels], dtype=object)
    raw = np.asarray(raw, dtype="float64")
    if raw.ndim == 1 or raw.shape[1] == 1:
        return labels[np.rint(raw.reshape(-1)).astype(int)]
    return labels[np.argmax(raw, axis=1)]


class AutoKerasAdapter(Adapter):
    """Runs AutoKeras with a setting from the AutoKeras table.

    Parameters (``params``): ``model`` is ``"classifier"`` for
    StructuredDataClassifier or ``"custom-automodel"``; ``max_trials`` and
    ``epochs`` are passed on when given, so an absent key keeps the AutoKeras
    default.
    """

    name = "autokeras"

    def __init__(self, params: dict):
        super().__init__(params)
        self._model = None
        self._threads_set = False
        self.unsupported_arguments: list[str] = []

    @staticmethod
    def versions() -> dict:
        import autokeras
        import keras
        import keras_tuner
        import tensorflow

        return {
            "autokeras": autokeras.__version__,
            "keras": keras.__version__,
            "keras_tuner": keras_tuner.__version__,
            "tensorflow": tensorflow.__version__,
        }

    def _limit_threads(self, cores: int) -> None:
        import tensorflow as tf

        if self._threads_set:
            return
        tf.config.threading.set_intra_op_parallelism_threads(cores)
        tf.config.threading.set_inter_op_parallelism_threads(cores)
        self._threads_set = True

    def _build(self, names, types, context: FoldContext):
        import autokeras as ak
        import keras

        common = {
            "directory": str(context.workdir),
            "project_name": f"fold{context.fold}",
            "overwrite": True,
            "seed": context.seed,
        }
        if "max_trials" in self.params:
            common["max_trials"] = self.params["max_trials"]

        kind = self.params.get("model", "classifier")
        if kind == "classifier":
            return ak.StructuredDataClassifier(column_names=names, column_types=types, **common)
        if kind != "custom-automodel":
            raise ValueError(f"unknown AutoKeras model {kind!r}; use 'classifier' or 'custom-automodel'")

        block_arguments = {"normalize": True, "categorical_encoding": True}
        accepted = inspect.signature(ak.StructuredDataBlock.__init__).parameters
        for argument in list(block_arguments):
            if argument not in accepted:
                value = block_arguments.pop(argument)
                self.unsupported_arguments.append(f"StructuredDataBlock({argument}={value!r})")

        input_node = ak.StructuredDataInput(column_names=names, column_types=types)
        output_node = ak.StructuredDataBlock(**block_arguments)(input_node)
        output_node = ak.ClassificationHead(metrics=[keras.metrics.AUC(name="auc")])(output_node)
        return ak.AutoModel(inputs=input_node, outputs=output_node, **common)

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        import keras

        self._limit_threads(context.cores)
        keras.utils.set_random_seed(context.seed)

        array, names, types = to_autokeras_array(features)
        self._model = self._build(names, types, context)
        fit_arguments = {"verbose": 0}
        if "epochs" in self.params:
            fit_arguments["epochs"] = self.params["epochs"]
        self._model.fit(array, np.asarray(labels, dtype=str), **fit_arguments)

        trials = list(self._model.tuner.oracle.trials.values())
        statuses = [trial.status for trial in trials]
        completed = statuses.count("COMPLETED")
        if trials and completed == 0:
            first_error = next((t.message for t in trials if t.message), "no message")
            raise AllTrialsFailedError(
                f"all {len(trials)} keras-tuner trials failed; first error: {first_error.strip()[-2000:]}"
            )

        details = {"trial_statuses": {s: statuses.count(s) for s in sorted(set(statuses))}}
        if self.unsupported_arguments:
            details["unsupported_arguments"] = list(self.unsupported_arguments)
        return FitInfo(models_count=completed, details=details)

    def predict_proba(self, features, context: FoldContext):
        array, _, _ = to_autokeras_array(features)
        model = self._model
        dataset = model._adapt(array, model.inputs)
        pipeline = model.tuner.get_best_pipeline()
        keras_model = model.tuner.get_best_model()
        raw = keras_model.predict(pipeline.transform_x(dataset), verbose=0)

        encoder = next(
            (p for p in pipeline.outputs[0] if hasattr(p, "labels")), None
        )
        if encoder is None:
            raise RuntimeError("AutoKeras's output pipeline has no label encoder")
        probabilities = positive_probabilities(raw, encoder.labels, context.positive_class)

        # The labels AutoKeras itself predicts must agree with the positive-class
        # probabilities: P(positive) > 0.5 exactly where AutoKeras predicts the
        # positive class. Rows at exactly 0.5 are ties either way.
        theirs = np.asarray(pipeline.postprocess(raw)).reshape(-1).astype(str)
        decided = probabilities != 0.5
        ours_positive = (probabilities > 0.5)[decided]
        theirs_positive = (theirs == str(context.positive_class))[decided]
        if not np.array_equal(ours_positive, theirs_positive):
            mismatches = int(np.count_nonzero(ours_positive != theirs_positive))
            raise RuntimeError(
                f"label mapping check failed: on {mismatches} of {len(theirs)} rows the "
                f"probability of {context.positive_class!r} disagrees with AutoKeras's predicted label"
            )
        return probabilities
