"""The 22 binary classification tasks of the 2019 OpenML AutoML Benchmark (OpenML study 218)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetInfo:
    """One OpenML dataset of the suite, with the task that defines its target.

    ``rows`` and ``columns`` count the whole file, target included, as OpenML
    reports them.
    """

    name: str
    dataset_id: int
    task_id: int
    target: str
    rows: int
    columns: int


# Facts from OpenML's dataset and task descriptions of study 218.
STUDY_218 = (
    DatasetInfo("adult", 1590, 7592, "class", 48842, 15),
    DatasetInfo("airlines", 1169, 189354, "Delay", 539383, 8),
    DatasetInfo("albert", 41147, 189356, "class", 425240, 79),
    DatasetInfo("Amazon_employee_access", 4135, 34539, "target", 32769, 10),
    DatasetInfo("APSFailure", 41138, 168868, "class", 76000, 171),
    DatasetInfo("Australian", 40981, 146818, "A15", 690, 15),
    DatasetInfo("bank-marketing", 1461, 14965, "Class", 45211, 17),
    DatasetInfo("blood-transfusion-service-center", 1464, 10101, "Class", 748, 5),
    DatasetInfo("christine", 41142, 168908, "class", 5418, 1637),
    DatasetInfo("credit-g", 31, 31, "class", 1000, 21),
    DatasetInfo("guillermo", 41159, 168337, "class", 20000, 4297),
    DatasetInfo("higgs", 23512, 146606, "class", 98050, 29),
    DatasetInfo("jasmine", 41143, 168911, "class", 2984, 145),
    DatasetInfo("kc1", 1067, 3917, "defects", 2109, 22),
    DatasetInfo("KDDCup09_appetency", 1111, 3945, "APPETENCY", 50000, 231),
    DatasetInfo("kr-vs-kp", 3, 3, "class", 3196, 37),
    DatasetInfo("MiniBooNE", 41150, 168335, "signal", 130064, 51),
    DatasetInfo("nomao", 1486, 9977, "Class", 34465, 119),
    DatasetInfo("numerai28.6", 23517, 167120, "attribute_21", 96320, 22),
    DatasetInfo("phoneme", 1489, 9952, "Class", 5404, 6),
    DatasetInfo("riccardo", 41161, 168338, "class", 20000, 4297),
    DatasetInfo("sylvine", 41146, 168912, "class", 5124, 21),
)

_BY_NAME = {info.name: info for info in STUDY_218}


class UnknownDatasetError(ValueError):
    """Raised for a dataset name that is not in the suite."""


def dataset_names() -> list[str]:
    """Return the names of all datasets in the suite, in registry order."""
    return [info.name for info in STUDY_218]


def get_dataset_info(name: str) -> DatasetInfo:
    """Return the registry entry for ``name``.

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not in the suite. The message suggests close names.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        pass

    by_lower = {key.lower(): key for key in _BY_NAME}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(by_lower[c]) for c in close)}?" if close else ""
    raise UnknownDatasetError(
        f"unknown dataset {name!r}.{hint} Known datasets: {', '.join(dataset_names())}."
    )
