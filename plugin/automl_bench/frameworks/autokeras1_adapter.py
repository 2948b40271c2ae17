"""AutoKeras 1.1 adapter: the AutoKeras adapter run against AutoKeras 1.1.0 and TensorFlow 2.15.

AutoKeras 1.1 has the API the AutoKeras 3 adapter uses, with one difference:
``AutoModel._adapt`` takes the batch size as a third, required argument. The
adapter binds it after fitting and reuses everything else, including the
label-mapping check in ``predict_proba``. Its settings are the AutoKeras
table's, so ``custom-automodel`` passes ``categorical_encoding=True``, which
``StructuredDataBlock`` of AutoKeras 1.1 accepts.
"""

from __future__ import annotations

import functools

from .autokeras_adapter import AutoKerasAdapter
from .base import FitInfo, FoldContext

# The batch size AutoModel.predict of AutoKeras 1.1 uses by default.
PREDICT_BATCH_SIZE = 32


class AutoKeras1Adapter(AutoKerasAdapter):
    """Runs AutoKeras 1.1 with a setting from the AutoKeras table; see :class:`AutoKerasAdapter`."""

    name = "autokeras1"

    @staticmethod
    def versions() -> dict:
        import autokeras
        import keras_tuner
        import tensorflow

        return {
            "autokeras": autokeras.__version__,
            "keras_tuner": keras_tuner.__version__,
            "tensorflow": tensorflow.__version__,
        }

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        info = super().fit(features, labels, context)
        self._model._adapt = functools.partial(self._model._adapt, batch_size=PREDICT_BATCH_SIZE)
        return info
