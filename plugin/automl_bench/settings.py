"""Named framework settings: a table of data, one row per setting.

A case is one dataset run with one setting. ``params`` go to the framework's
adapter unchanged. ``time_limit`` is the default budget in seconds for the
whole case (all folds), and ``marks`` become pytest markers on the case.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from dataclasses import replace


@dataclass(frozen=True)
class Setting:
    """One named configuration of a framework."""

    framework: str
    name: str
    params: dict = field(default_factory=dict)
    description: str = ""
    time_limit: float | None = None
    marks: tuple[str, ...] = ()


# AutoKeras settings of the 2022 study, plus a smoke setting for tests and CI.
# Without max_trials and epochs, AutoKeras 3.0 tries 100 models and trains each
# for up to 1000 epochs with early stopping (patience 10).
AUTOKERAS_SETTINGS = (
    Setting(
        "autokeras",
        "default",
        {"model": "classifier"},
        "StructuredDataClassifier() and fit() with their defaults",
    ),
    Setting(
        "autokeras",
        "trials10",
        {"model": "classifier", "max_trials": 10},
        "max_trials=10, default fit",
    ),
    Setting(
        "autokeras",
        "trials10-epochs100",
        {"model": "classifier", "max_trials": 10, "epochs": 100},
        "max_trials=10, fit(epochs=100)",
    ),
    Setting(
        "autokeras",
        "trials20",
        {"model": "classifier", "max_trials": 20},
        "max_trials=20, default fit",
    ),
    Setting(
        "autokeras",
        "custom-automodel",
        {"model": "custom-automodel"},
        "AutoModel: StructuredDataInput, StructuredDataBlock(normalize=True, "
        "categorical_encoding=True where accepted), ClassificationHead with an AUC metric",
    ),
    Setting(
        "autokeras",
        "smoke",
        {"model": "classifier", "max_trials": 1, "epochs": 10},
        "max_trials=1, fit(epochs=10): a quick check for tests and CI",
        time_limit=900,
        marks=("smoke",),
    ),
)

SETTINGS = {"autokeras": AUTOKERAS_SETTINGS}


class UnknownSettingError(ValueError):
    """Raised for a setting name that the framework's table does not have."""


def get_setting(framework: str, name: str) -> Setting:
    """Return the setting ``name`` of ``framework``.

    Raises
    ------
    UnknownSettingError
        If the framework or the setting is unknown. The message lists the known ones.
    """
    if framework not in SETTINGS:
        raise UnknownSettingError(
            f"unknown framework {framework!r}; known frameworks: {', '.join(sorted(SETTINGS))}"
        )
    for setting in SETTINGS[framework]:
        if setting.name == name:
            return setting
    names = [setting.name for setting in SETTINGS[framework]]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownSettingError(
        f"unknown setting {name!r} for framework {framework!r}.{hint} Known settings: {', '.join(names)}"
    )


# scikit-learn baselines. Each fits in seconds, so CI runs all of them: they
# carry the ``baseline`` marker.
SKLEARN_SETTINGS = (
    Setting(
        "sklearn",
        "constant",
        {"model": "constant"},
        "DummyClassifier(strategy='prior'): the class prior for every row, ROC AUC 0.5",
        time_limit=600,
        marks=("baseline",),
    ),
    Setting(
        "sklearn",
        "random-forest",
        {"model": "random-forest", "n_estimators": 500},
        "RandomForestClassifier(n_estimators=500) on ordinal-coded categories",
        time_limit=600,
        marks=("baseline",),
    ),
    Setting(
        "sklearn",
        "hist-gradient-boosting",
        {"model": "hist-gradient-boosting"},
        "HistGradientBoostingClassifier with native categorical splits "
        "(columns of up to 255 categories) and its default early stopping",
        time_limit=600,
        marks=("baseline",),
    ),
    Setting(
        "sklearn",
        "logistic-regression",
        {"model": "logistic-regression"},
        "LogisticRegression(max_iter=1000) after one-hot encoding and standard scaling",
        time_limit=600,
        marks=("baseline",),
    ),
)

SETTINGS["sklearn"] = SKLEARN_SETTINGS


# FLAML settings. ``time_budget`` is FLAML's search time per fold in seconds.
FLAML_SETTINGS = (
    Setting(
        "flaml",
        "budget60",
        {"time_budget": 60},
        "AutoML.fit(metric='roc_auc', time_budget=60) per fold",
        time_limit=900,
    ),
    Setting(
        "flaml",
        "budget600",
        {"time_budget": 600},
        "AutoML.fit(metric='roc_auc', time_budget=600) per fold",
        time_limit=3600,
    ),
    Setting(
        "flaml",
        "quick",
        {"time_budget": 10},
        "AutoML.fit(metric='roc_auc', time_budget=10) per fold: a quick check for tests and CI",
        time_limit=300,
        marks=("quick",),
    ),
)

SETTINGS["flaml"] = FLAML_SETTINGS


# AutoGluon settings. ``time_limit`` is TabularPredictor.fit's time per fold in
# seconds; ``presets`` is AutoGluon's own quality preset.
AUTOGLUON_SETTINGS = (
    Setting(
        "autogluon",
        "medium-quality",
        {"presets": "medium_quality", "time_limit": 600},
        "TabularPredictor(eval_metric='roc_auc').fit(presets='medium_quality', time_limit=600) per fold",
        time_limit=3600,
    ),
    Setting(
        "autogluon",
        "best-quality",
        {"presets": "best_quality", "time_limit": 600},
        "TabularPredictor(eval_metric='roc_auc').fit(presets='best_quality', time_limit=600) per fold",
        time_limit=3600,
    ),
    Setting(
        "autogluon",
        "quick",
        {"presets": "medium_quality", "time_limit": 30},
        "fit(presets='medium_quality', time_limit=30) per fold: a quick check for tests and CI",
        time_limit=600,
        marks=("quick",),
    ),
)

SETTINGS["autogluon"] = AUTOGLUON_SETTINGS


# auto-sklearn settings. ``time_left_for_this_task`` is the search time per
# fold in seconds (auto-sklearn accepts no less than 30).
AUTOSKLEARN_SETTINGS = (
    Setting(
        "autosklearn",
        "budget600",
        {"time_left_for_this_task": 600},
        "AutoSklearnClassifier(metric=roc_auc, time_left_for_this_task=600) per fold",
        time_limit=3600,
    ),
    Setting(
        "autosklearn",
        "quick",
        {"time_left_for_this_task": 30, "per_run_time_limit": 10},
        "time_left_for_this_task=30, per_run_time_limit=10 per fold: a quick check for tests and CI",
        time_limit=600,
        marks=("quick",),
    ),
)

SETTINGS["autosklearn"] = AUTOSKLEARN_SETTINGS


# TPOT settings. ``max_time_mins`` is TPOT's search time per fold in minutes.
TPOT_SETTINGS = (
    Setting(
        "tpot",
        "linear-10min",
        {"max_time_mins": 10, "search_space": "linear"},
        "TPOTClassifier(search_space='linear', scorers=['roc_auc'], max_time_mins=10) per fold",
        time_limit=3600,
    ),
    Setting(
        "tpot",
        "quick",
        {"max_time_mins": 0.5, "max_eval_time_mins": 0.25, "cv": 5, "search_space": "linear"},
        "max_time_mins=0.5, max_eval_time_mins=0.25, cv=5 per fold: a quick check for tests and CI",
        time_limit=600,
        marks=("quick",),
    ),
)

SETTINGS["tpot"] = TPOT_SETTINGS


# Auto-PyTorch settings. ``total_walltime_limit`` is the search time per fold in
# seconds. Auto-PyTorch overruns it (a 60 s search took 70 to 138 s per credit-g
# fold on 2 cores, depending on load), so the case budget leaves room.
AUTOPYTORCH_SETTINGS = (
    Setting(
        "autopytorch",
        "budget600",
        {"total_walltime_limit": 600, "func_eval_time_limit_secs": 120},
        "search(optimize_metric='roc_auc', total_walltime_limit=600, func_eval_time_limit_secs=120) per fold",
        time_limit=5400,
    ),
    Setting(
        "autopytorch",
        "quick",
        {"total_walltime_limit": 60, "func_eval_time_limit_secs": 20},
        "total_walltime_limit=60, func_eval_time_limit_secs=20 per fold: a quick check for tests and CI",
        time_limit=1200,
        marks=("quick",),
    ),
)

SETTINGS["autopytorch"] = AUTOPYTORCH_SETTINGS


# AutoKeras 1.1 runs the AutoKeras table's settings unchanged, in its own
# environment (framework "autokeras1").
SETTINGS["autokeras1"] = tuple(
    replace(setting, framework="autokeras1", name="quick", marks=("quick",))
    if setting.name == "smoke"
    else replace(setting, framework="autokeras1")
    for setting in AUTOKERAS_SETTINGS
)
