"""Named framework settings: a table of data, one row per setting.

A case is one dataset run with one setting. ``params`` go to the framework's
adapter unchanged; ``time_limit`` is the default budget in seconds for the
whole case (all folds), and ``marks`` become pytest markers on the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        "max_trials=1, fit(epochs=2): a quick check for tests and CI",
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
    known = ", ".join(setting.name for setting in SETTINGS[framework])
    raise UnknownSettingError(
        f"unknown setting {name!r} for framework {framework!r}; known settings: {known}"
    )
