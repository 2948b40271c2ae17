"""scikit-learn baselines: a constant predictor, a random forest, histogram
gradient boosting and a logistic regression.

The baselines need scikit-learn 1.4 or later, the first release whose random
forest accepts missing values. They fit in seconds on every dataset of the
suite, so they ignore the time budget.
"""

from __future__ import annotations

import numpy as np

from .base import Adapter, FitInfo, FoldContext
from .tabular import OrdinalFrame, categorical_columns, positive_column

MODELS = ("constant", "random-forest", "hist-gradient-boosting", "logistic-regression")

# HistGradientBoostingClassifier accepts a categorical column only if it has at
# most max_bins (default 255) categories. The adapter passes larger ones as
# numeric codes.
DEFAULT_MAX_BINS = 255


class SklearnAdapter(Adapter):
    """Runs one scikit-learn baseline.

    Parameters (``params``): ``model`` is one of ``MODELS``. Every other key
    goes to the estimator's constructor, so a setting can change, for example,
    ``n_estimators``. ``n_jobs`` and ``random_state`` come from the fold's
    context.
    """

    name = "sklearn"

    def __init__(self, params: dict):
        super().__init__(params)
        model = self.params.pop("model", None)
        if model not in MODELS:
            raise ValueError(f"unknown scikit-learn baseline {model!r}; use one of {', '.join(MODELS)}")
        self.model = model
        self._estimator = None
        self._encoder: OrdinalFrame | None = None

    @staticmethod
    def versions() -> dict:
        import sklearn

        return {"scikit-learn": sklearn.__version__, "numpy": np.__version__}

    def fit(self, features, labels, context: FoldContext) -> FitInfo:
        from threadpoolctl import threadpool_limits

        self._estimator = self._build(features, context)
        inputs = self._inputs(features)
        with threadpool_limits(limits=context.cores):
            self._estimator.fit(inputs, np.asarray(labels, dtype=str))
        return FitInfo(models_count=1, details=self._details())

    def predict_proba(self, features, context: FoldContext):
        from threadpoolctl import threadpool_limits

        if self._estimator is None:
            raise RuntimeError("predict_proba called before fit")
        with threadpool_limits(limits=context.cores):
            probabilities = self._estimator.predict_proba(self._inputs(features))
        return probabilities[:, positive_column(self._estimator.classes_, context.positive_class)]

    # -- estimators ------------------------------------------------------

    def _build(self, features, context: FoldContext):
        if self.model == "constant":
            from sklearn.dummy import DummyClassifier

            return DummyClassifier(strategy="prior", **self.params)

        if self.model == "random-forest":
            from sklearn.ensemble import RandomForestClassifier

            self._encoder = OrdinalFrame(features)
            arguments = {"n_estimators": 500, **self.params}
            return RandomForestClassifier(n_jobs=context.cores, random_state=context.seed, **arguments)

        if self.model == "hist-gradient-boosting":
            from sklearn.ensemble import HistGradientBoostingClassifier

            self._encoder = OrdinalFrame(features)
            max_bins = self.params.get("max_bins", DEFAULT_MAX_BINS)
            native = self._encoder.native_categorical(max_bins)
            return HistGradientBoostingClassifier(
                categorical_features=native or None, random_state=context.seed, **self.params
            )

        return self._logistic_regression(features, context)

    def _logistic_regression(self, features, context: FoldContext):
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        categorical = categorical_columns(features)
        numeric = [name for name in features.columns if name not in categorical]
        one_hot = make_pipeline(
            SimpleImputer(strategy="constant", fill_value="missing"),
            OneHotEncoder(handle_unknown="ignore"),
        )
        scaled = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        columns = ColumnTransformer([("categorical", one_hot, categorical), ("numeric", scaled, numeric)])
        arguments = {"max_iter": 1000, **self.params}
        return make_pipeline(columns, LogisticRegression(random_state=context.seed, **arguments))

    def _inputs(self, features):
        if self._encoder is not None:
            return self._encoder.transform(features)
        if self.model == "logistic-regression":
            # SimpleImputer and OneHotEncoder take text columns as object
            # arrays with NaN for missing values, not as pandas categories.
            converted = features.copy()
            for name in categorical_columns(features):
                column = features[name].astype("object")
                converted[name] = column.where(column.notna(), np.nan)
            return converted
        return features

    def _details(self) -> dict:
        estimator = self._estimator
        if self.model == "random-forest":
            return {"n_estimators": len(estimator.estimators_), "n_jobs": estimator.n_jobs}
        if self.model == "hist-gradient-boosting":
            native = estimator.categorical_features
            return {
                "n_iter": int(estimator.n_iter_),
                "native_categorical_columns": 0 if native is None else len(native),
                "coded_categorical_columns": len(self._encoder.categories) - (0 if native is None else len(native)),
            }
        if self.model == "logistic-regression":
            return {"n_iter": int(np.max(estimator[-1].n_iter_))}
        return {}
