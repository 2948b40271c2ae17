"""results.csv: one row per fold, in the column layout of the OpenML AutoML Benchmark (AMLB).

The first 19 columns are AMLB's fixed columns, in AMLB's order and with
AMLB's names. Their meaning here:

======================  =========================================================
id                      OpenML task, ``openml.org/t/<task id>``; empty for a dataset
                        outside OpenML study 218
task                    dataset name
framework               framework name
constraint              setting name (AMLB's name for a budget and resource setup)
fold                    0-based fold index
type                    ``binary``: every task of the suite is binary classification
result                  ROC AUC on the fold's test rows, empty when the fold has none
metric                  ``auc``
mode                    ``local``: every case runs in a child process on this machine
version                 framework version reported by the case's child process
params                  the setting's parameters as JSON
app_version             ``pytest-automl-bench <version>`` and the harness commit
utc                     start time of the case (AMLB writes the scoring time)
duration                fit plus predict seconds of the fold
training_duration       fit seconds
predict_duration        predict seconds
models_count            number of models the framework trained, if it reports it
seed                    the run's seed, from which the fold split and each fold's
                        framework seed derive
info                    the error of a fold that failed or was not run
======================  =========================================================

Then the metric column ``auc`` (equal to ``result``), and this harness's own
columns, sorted: ``peak_rss_bytes`` (of the fold) and ``status`` (of the fold,
or of the case for a fold that did not run).

NOTE: AMLB's ``duration`` also covers data loading and framework start-up. This
file has no per-fold measure of those, so ``duration`` is fit plus predict time.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..datasets.registry import UnknownDatasetError, get_dataset_info

CSV_FILE = "results.csv"

AMLB_COLUMNS = (
    "id",
    "task",
    "framework",
    "constraint",
    "fold",
    "type",
    "result",
    "metric",
    "mode",
    "version",
    "params",
    "app_version",
    "utc",
    "duration",
    "training_duration",
    "predict_duration",
    "models_count",
    "seed",
    "info",
)
METRIC_COLUMNS = ("auc",)
EXTRA_COLUMNS = ("peak_rss_bytes", "status")
COLUMNS = AMLB_COLUMNS + METRIC_COLUMNS + EXTRA_COLUMNS


def task_id(dataset: str) -> str:
    """Return the OpenML task of ``dataset`` as ``openml.org/t/<id>``, or "" for a dataset outside the suite."""
    try:
        return f"openml.org/t/{get_dataset_info(dataset).task_id}"
    except UnknownDatasetError:
        return ""


def fold_rows(data: dict) -> list[dict]:
    """Return one row per fold of every case, ``n_splits`` rows per case, each with every column.

    A fold that a case never reached (because the case timed out, was stopped
    for memory, crashed or is still running) gets a row with an empty result,
    the case's status and the case's error in ``info``.
    """
    run = data["run"]
    app_version = _app_version(run)
    rows = []
    for case in data["cases"]:
        common = {
            "id": task_id(case["dataset"]),
            "task": case["dataset"],
            "framework": case["framework"],
            "constraint": case["setting"],
            "type": "binary",
            "metric": "auc",
            "mode": "local",
            "version": _framework_version(case, run),
            "params": json.dumps(case.get("params") or {}, sort_keys=True),
            "app_version": app_version,
            "utc": case.get("started_utc"),
            "seed": case["seed"],
        }
        recorded = {fold["fold"]: fold for fold in case["folds"]}
        for number in range(case["n_splits"]):
            fold = recorded.get(number)
            row = dict.fromkeys(COLUMNS)
            row.update(common, fold=number)
            row.update(_fold_columns(fold) if fold is not None else _missing_fold_columns(case))
            rows.append(row)
    return rows


def write_csv(data: dict, path: Path) -> Path:
    """Write the rows of :func:`fold_rows` to ``path`` and return the path.

    Empty cells stand for missing values; numbers keep full precision.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in fold_rows(data):
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return path


def _fold_columns(fold: dict) -> dict:
    fit = fold.get("fit_seconds")
    predict = fold.get("predict_seconds")
    return {
        "result": fold.get("auc"),
        "auc": fold.get("auc"),
        "duration": fit + predict if fit is not None and predict is not None else None,
        "training_duration": fit,
        "predict_duration": predict,
        "models_count": fold.get("models_count"),
        "info": fold.get("error") if fold["status"] != "ok" else None,
        "peak_rss_bytes": fold.get("peak_rss_bytes"),
        "status": fold["status"],
    }


def _missing_fold_columns(case: dict) -> dict:
    if case["status"] == "running":
        info = "fold not run yet: the case is still running or its run was stopped"
    else:
        info = f"fold not run: case {case['status']}"
        if case.get("error"):
            info += f": {case['error']}"
    return {"status": case["status"], "info": info}


def _framework_version(case: dict, run: dict) -> str | None:
    framework = case["framework"]
    versions = case.get("framework_versions") or run.get("framework_versions", {}).get(framework) or {}
    return versions.get(framework)


def _app_version(run: dict) -> str:
    version = (run.get("versions") or {}).get("pytest-automl-bench") or "unknown"
    commit = run.get("harness_commit")
    return f"pytest-automl-bench {version}" + (f" [{commit}]" if commit else "")
