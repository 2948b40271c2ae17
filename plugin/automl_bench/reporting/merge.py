"""Merge several results.json files into one, for runs split over machines, workers or days.

Runs can only be merged when their ROC AUCs are comparable: the same number
of folds, the same seed, and for every dataset the same fold split
(``fold_hash``, the sha256 of every fold's test rows).
"""

from __future__ import annotations

import copy
import logging
import uuid
from pathlib import Path
from typing import Sequence

from ..results import CaseResult
from .json_report import RESULTS_FILE, SCHEMA_VERSION
from .schema import load_results

logger = logging.getLogger(__name__)


class MergeError(ValueError):
    """Raised for inputs whose results cannot be merged, with a one-line message naming the values."""


def load_inputs(paths: Sequence[Path | str]) -> list[tuple[str, dict]]:
    """Load and validate results.json files or report folders, dropping repeated paths.

    Returns ``(source, data)`` pairs in the given order, where ``source`` is
    the path of the results.json file.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`~.schema.load_results`, for the first input that cannot be read.
    """
    inputs = []
    seen = set()
    for path in paths:
        path = Path(path)
        file = path / RESULTS_FILE if path.is_dir() else path
        key = file.resolve()
        if key in seen:
            logger.info("%s is given more than once, so it is read once", file)
            continue
        seen.add(key)
        inputs.append((str(file), load_results(path)))
    return inputs


def merge_results(inputs: Sequence[tuple[str, dict]]) -> dict:
    """Return one results dict with the cases of every input.

    When two inputs have a case with the same id, the complete one (every
    fold recorded and the case ended normally) is kept. Between two complete
    or two incomplete ones, the one that started later is kept. Each such
    choice is logged. The run section is the latest-started input's, with the earliest
    start time, the union of framework versions and a ``merged_from`` list
    holding every input's run section with its source path. A single input
    is returned unchanged.

    Raises
    ------
    MergeError
        If there are no inputs, the inputs differ in ``n_splits`` or ``seed``,
        or a dataset has a different ``fold_hash`` in two inputs.
    """
    if not inputs:
        raise MergeError("no results to merge")
    if len(inputs) == 1:
        return inputs[0][1]

    _check_runs_match(inputs)
    _check_fold_hashes(inputs)

    chosen: dict[str, tuple[str, dict]] = {}
    for source, data in inputs:
        for case in data["cases"]:
            previous = chosen.get(case["id"])
            if previous is None:
                chosen[case["id"]] = (source, case)
                continue
            kept_case = _pick_case(previous, (source, case))
            dropped_case = (source, case) if kept_case is previous else previous
            logger.info(
                "case %s is in both %s and %s, so the %s one from %s is kept and the %s one from %s is dropped",
                case["id"],
                previous[0],
                source,
                _describe(kept_case[1]),
                kept_case[0],
                _describe(dropped_case[1]),
                dropped_case[0],
            )
            chosen[case["id"]] = kept_case

    return {
        "schema_version": SCHEMA_VERSION,
        "run": _merged_run(inputs),
        "cases": [copy.deepcopy(case) for _, case in chosen.values()],
    }


def _check_runs_match(inputs: Sequence[tuple[str, dict]]) -> None:
    first_source, first = inputs[0]
    for source, data in inputs[1:]:
        for key in ("n_splits", "seed"):
            if data["run"][key] != first["run"][key]:
                raise MergeError(
                    f"{first_source} has {key} {first['run'][key]} but {source} has {key} "
                    f"{data['run'][key]}, so their folds differ and their results cannot be merged"
                )


def _check_fold_hashes(inputs: Sequence[tuple[str, dict]]) -> None:
    hashes: dict[str, tuple[str, str]] = {}
    sha256s: dict[str, tuple[str, str]] = {}
    for source, data in inputs:
        for case in data["cases"]:
            dataset = case["dataset"]
            fold_hash = case.get("fold_hash")
            if fold_hash is not None:
                known = hashes.setdefault(dataset, (fold_hash, source))
                if known[0] != fold_hash:
                    raise MergeError(
                        f"dataset {dataset} has fold_hash {known[0]} in {known[1]} but {fold_hash} "
                        f"in {source}, so its folds differ and the results cannot be merged. Rerun "
                        "one of them with the same number of folds, seed and dataset file"
                    )

            file_hash = case.get("dataset_sha256")
            if file_hash is not None:
                known = sha256s.setdefault(dataset, (file_hash, source))
                if known[0] != file_hash:
                    # Same folds on a different source file (e.g. CSV and ARFF of one
                    # OpenML dataset) can still be comparable, so this only warns.
                    logger.warning(
                        "dataset %s was read from a file with sha256 %s in %s but %s in %s",
                        dataset, known[0], known[1], file_hash, source,
                    )
                    sha256s[dataset] = (file_hash, source)


def _pick_case(first: tuple[str, dict], second: tuple[str, dict]) -> tuple[str, dict]:
    def key(item):
        case = CaseResult.from_dict(item[1])
        return (case.complete, case.started_utc or "")

    return second if key(second) >= key(first) else first


def _describe(case: dict) -> str:
    complete = "complete" if CaseResult.from_dict(case).complete else "incomplete"
    return f"{complete} {case['status']} (started {case.get('started_utc') or 'unknown'})"


def _merged_run(inputs: Sequence[tuple[str, dict]]) -> dict:
    ordered = sorted(inputs, key=lambda item: item[1]["run"].get("started_utc") or "")
    run = copy.deepcopy(ordered[-1][1]["run"])
    run["started_utc"] = ordered[0][1]["run"].get("started_utc")
    run["run_id"] = f"merged-{uuid.uuid4().hex}"

    framework_versions = {}
    merged_from = []
    for source, data in ordered:
        framework_versions.update(data["run"].get("framework_versions") or {})
        previous = data["run"].get("merged_from")
        if previous:
            merged_from.extend(copy.deepcopy(previous))
        else:
            entry = {key: value for key, value in data["run"].items() if key != "merged_from"}
            merged_from.append({"source": source, **copy.deepcopy(entry)})
    run["framework_versions"] = framework_versions
    run["merged_from"] = merged_from
    return run
