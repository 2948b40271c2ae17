"""Cases: one dataset run with one framework setting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .datasets.registry import dataset_names, get_dataset_info
from .settings import SETTINGS, Setting, get_setting


@dataclass(frozen=True)
class Case:
    """One dataset × setting pair of a framework."""

    dataset: str
    setting: Setting

    @property
    def framework(self) -> str:
        return self.setting.framework

    @property
    def id(self) -> str:
        """The id used in results: ``framework/dataset/setting``."""
        return f"{self.framework}/{self.dataset}/{self.setting.name}"

    @property
    def test_id(self) -> str:
        """The pytest parameter id: ``dataset-setting``, so ``-k`` can select either."""
        return f"{self.dataset}-{self.setting.name}"


def build_cases(
    framework: str,
    datasets: Iterable[str] | None = None,
    settings: Iterable[str] | None = None,
) -> list[Case]:
    """Return the grid of cases of ``framework``: every dataset with every setting.

    Raises
    ------
    UnknownDatasetError, UnknownSettingError
        If a name in ``datasets`` or ``settings`` is unknown.
    """
    names = list(datasets) if datasets is not None else dataset_names()
    for name in names:
        get_dataset_info(name)
    if settings is None:
        chosen = list(SETTINGS.get(framework, ()))
        if not chosen:
            get_setting(framework, "")
    else:
        chosen = [get_setting(framework, name) for name in settings]
    return [Case(dataset, setting) for dataset in names for setting in chosen]
