"""The scikit-learn baselines on real credit-g folds, their thread limits and categorical handling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from automl_bench.cases import Case
from automl_bench.datasets import DatasetSources, load_dataset
from automl_bench.datasets.cache import DatasetCache
from automl_bench.folds import make_folds
from automl_bench.frameworks import adapter_path, load_adapter_class
from automl_bench.frameworks.base import FoldContext
from automl_bench.frameworks.sklearn_adapter import SklearnAdapter
from automl_bench.frameworks.tabular import OrdinalFrame, fold_time_budget, ordinal_codes, run_status_counts
from automl_bench.reporting.json_report import ResultsStore
from automl_bench.scoring import roc_auc
from automl_bench.session import BenchConfig, BenchSession
from automl_bench.settings import get_setting


@pytest.fixture(scope="module")
def credit_g(shared_datasets, tmp_path_factory):
    """credit-g with its 5 stratified folds (seed 0), loaded from the shared folder."""
    sources = DatasetSources(
        folder=shared_datasets, cache=DatasetCache(tmp_path_factory.mktemp("cache")), offline=True
    )
    dataset = load_dataset("credit-g", sources)
    folds = make_folds(dataset.labels.astype(str).to_numpy(), 5, 0)
    return dataset, folds


def fold_auc(adapter, dataset, folds, fold: int, tmp_path, cores: int = 1) -> float:
    """Fit ``adapter`` on one fold's training rows and return its ROC AUC on the test rows."""
    features = dataset.features
    labels = dataset.labels.astype(str).to_numpy()
    train, test = folds.train_indices(fold), folds.test_indices[fold]
    context = context_for(dataset, tmp_path, fold=fold, cores=cores)
    adapter.fit(features.iloc[train], labels[train], context)
    probabilities = adapter.predict_proba(features.iloc[test], context)
    assert probabilities.shape == (len(test),)
    return roc_auc(labels[test], probabilities, dataset.positive_class)


def context_for(dataset, tmp_path, fold: int = 0, cores: int = 1, budget=None) -> FoldContext:
    return FoldContext(
        fold=fold,
        cores=cores,
        seed=fold + 1,
        workdir=tmp_path,
        classes=dataset.classes,
        positive_class=dataset.positive_class,
        time_budget_seconds=budget,
    )


def adapter_for(setting_name: str) -> SklearnAdapter:
    setting = get_setting("sklearn", setting_name)
    return load_adapter_class(adapter_path("sklearn"))(setting.params)


def test_constant_auc_exactly_half(credit_g, tmp_path):
    dataset, folds = credit_g
    for fold in range(folds.n_splits):
        assert fold_auc(adapter_for("constant"), dataset, folds, fold, tmp_path) == 0.5


def test_constant_predicts_positive_prior(credit_g, tmp_path):
    dataset, folds = credit_g
    adapter = adapter_for("constant")
    labels = dataset.labels.astype(str).to_numpy()
    train, test = folds.train_indices(0), folds.test_indices[0]
    context = context_for(dataset, tmp_path)
    adapter.fit(dataset.features.iloc[train], labels[train], context)
    probabilities = adapter.predict_proba(dataset.features.iloc[test], context)
    prior = np.mean(labels[train] == dataset.positive_class)
    assert dataset.positive_class == "bad"
    assert np.allclose(probabilities, prior)


def test_random_forest_above_0_7(credit_g, tmp_path):
    dataset, folds = credit_g
    aucs = [fold_auc(adapter_for("random-forest"), dataset, folds, fold, tmp_path, cores=2) for fold in range(5)]
    assert np.mean(aucs) > 0.7
    assert min(aucs) > 0.65


@pytest.mark.parametrize("setting", ["hist-gradient-boosting", "logistic-regression"])
def test_other_baselines_above_0_7(credit_g, tmp_path, setting):
    dataset, folds = credit_g
    assert fold_auc(adapter_for(setting), dataset, folds, 0, tmp_path) > 0.7


@pytest.mark.parametrize("cores", [1, 2])
def test_random_forest_uses_cores_as_n_jobs(credit_g, tmp_path, cores):
    dataset, folds = credit_g
    adapter = adapter_for("random-forest")
    fold_auc(adapter, dataset, folds, 0, tmp_path, cores=cores)
    assert adapter._estimator.n_jobs == cores


def test_gradient_boosting_openmp_threads_limited(credit_g, tmp_path, monkeypatch):
    from sklearn.ensemble import HistGradientBoostingClassifier

    seen = []
    original_fit = HistGradientBoostingClassifier.fit

    def recording_fit(self, *args, **kwargs):
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp")
        return original_fit(self, *args, **kwargs)

    monkeypatch.setattr(HistGradientBoostingClassifier, "fit", recording_fit)
    dataset, folds = credit_g
    fold_auc(adapter_for("hist-gradient-boosting"), dataset, folds, 0, tmp_path, cores=1)
    assert seen, "no OpenMP thread pool found; is scikit-learn built with OpenMP?"
    assert set(seen) == {1}


def test_gradient_boosting_native_categories(credit_g, tmp_path):
    dataset, folds = credit_g
    adapter = adapter_for("hist-gradient-boosting")
    labels = dataset.labels.astype(str).to_numpy()
    train = folds.train_indices(0)
    info = adapter.fit(dataset.features.iloc[train], labels[train], context_for(dataset, tmp_path))
    categorical = [name for name in dataset.features.columns if dataset.features[name].dtype == "category"]
    assert len(categorical) == 13
    assert info.details["native_categorical_columns"] == 13
    assert info.details["coded_categorical_columns"] == 0
    assert info.models_count == 1


def synthetic_frame(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows with a 300-label category, a 3-label category with missing values and a numeric column."""
    rng = np.random.default_rng(seed)
    many = rng.integers(0, 300, rows)
    few = rng.choice(["red", "green", "blue", None], rows)
    number = rng.normal(size=rows)
    number[rng.random(rows) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "many": pd.Categorical([f"id{value}" for value in many]),
            "few": pd.Categorical(few, categories=["red", "green", "blue"]),
            "number": number,
        }
    )
    labels = np.where((many % 2 == 0) ^ (few == "red"), "yes", "no")
    return frame, labels


def synthetic_context(tmp_path, cores: int = 1) -> FoldContext:
    return FoldContext(
        fold=0, cores=cores, seed=1, workdir=tmp_path, classes=["no", "yes"], positive_class="yes"
    )


def test_gradient_boosting_codes_high_cardinality(tmp_path):
    frame, labels = synthetic_frame(3000, seed=0)
    adapter = SklearnAdapter({"model": "hist-gradient-boosting"})
    info = adapter.fit(frame, labels, synthetic_context(tmp_path))
    assert info.details["native_categorical_columns"] == 1
    assert info.details["coded_categorical_columns"] == 1


@pytest.mark.parametrize("model", ["random-forest", "hist-gradient-boosting", "logistic-regression"])
def test_unseen_and_missing_categories_predict(tmp_path, model):
    frame, labels = synthetic_frame(600, seed=1)
    adapter = SklearnAdapter({"model": model})
    context = synthetic_context(tmp_path)
    adapter.fit(frame, labels, context)

    test = frame.head(3).copy()
    test["few"] = pd.Categorical(["purple", None, "red"], categories=["red", "green", "blue", "purple"])
    test["many"] = pd.Categorical(["never-seen", "id1", None])
    probabilities = adapter.predict_proba(test, context)
    assert probabilities.shape == (3,)
    assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_ordinal_codes_unseen_and_missing_nan():
    column = pd.Series(pd.Categorical(["b", None, "z", "a"], categories=["a", "b", "z"]))
    codes = ordinal_codes(column, ["a", "b"])
    assert codes[0] == 1
    assert np.isnan(codes[1])
    assert np.isnan(codes[2])
    assert codes[3] == 0


def test_ordinal_frame_rejects_other_columns():
    frame, _ = synthetic_frame(50, seed=2)
    encoder = OrdinalFrame(frame)
    with pytest.raises(ValueError, match="expected the training columns"):
        encoder.transform(frame[["few", "many", "number"]])


def test_unknown_model_rejected():
    with pytest.raises(ValueError, match="unknown scikit-learn baseline 'svm'; use one of constant"):
        SklearnAdapter({"model": "svm"})


def test_unknown_estimator_argument_raises(tmp_path):
    frame, labels = synthetic_frame(100, seed=3)
    adapter = SklearnAdapter({"model": "random-forest", "n_trees": 5})
    with pytest.raises(TypeError, match="n_trees"):
        adapter.fit(frame, labels, synthetic_context(tmp_path))


def test_fold_time_budget_cut_to_case_budget():
    context = FoldContext(fold=0, cores=1, seed=1, workdir=None, classes=[], positive_class="", time_budget_seconds=50)
    assert fold_time_budget(600, context) == 40
    assert fold_time_budget(10, context) == 10
    context.time_budget_seconds = 0
    assert fold_time_budget(600, context, minimum_seconds=30) == 30
    context.time_budget_seconds = None
    assert fold_time_budget(600, context) == 600


def test_sklearn_case_through_child(credit_g, offline_sources, tmp_path):
    config = BenchConfig(sources=offline_sources, cores=1, work_root=tmp_path)
    session = BenchSession(config, ResultsStore(tmp_path / "results.json", {}))
    result = session.run_case(Case("credit-g", get_setting("sklearn", "random-forest")))
    assert result.status == "ok", result.error
    assert len(result.folds) == 5
    assert all(fold.auc > 0.65 for fold in result.folds)
    assert result.framework_versions["scikit-learn"]
    assert all(fold.details["n_jobs"] == 1 for fold in result.folds)


def test_run_status_counts_without_success_raises():
    assert run_status_counts(["Success", "Timeout", "Success"], "auto-sklearn", "Success", 30) == {
        "Success": 2,
        "Timeout": 1,
    }
    with pytest.raises(RuntimeError, match=r"no auto-sklearn run succeeded in 30 s; run statuses: \{'Timeout': 2\}"):
        run_status_counts(["Timeout", "Timeout"], "auto-sklearn", "Success", 30)
