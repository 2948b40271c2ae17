"""Validation of results.json against results.schema.json (JSON Schema draft 2020-12)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .json_report import RESULTS_FILE, read_results

SCHEMA_FILE = "results.schema.json"


class InvalidResultsError(ValueError):
    """Raised for a results file that does not match the schema or is inconsistent."""


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """Return the results.json schema shipped with the package."""
    text = resources.files("automl_bench").joinpath(SCHEMA_FILE).read_text()
    return json.loads(text)


def validate_results(data: dict, source: str = RESULTS_FILE) -> None:
    """Validate ``data`` against the schema and the rules the schema cannot express.

    Those rules: case ids are unique, and every fold index is below the case's
    ``n_splits`` and appears once.

    Raises
    ------
    InvalidResultsError
        For the first problem found. The message names ``source``, the place in
        the document (such as ``cases[2].folds[0].auc``), the case id and the
        offending value.
    ImportError
        If jsonschema is not installed.
    """
    try:
        import jsonschema
    except ImportError:
        raise ImportError(
            "validating results needs the jsonschema package. Install it with "
            "`pip install jsonschema`"
        ) from None

    validator = jsonschema.Draft202012Validator(load_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise InvalidResultsError(
            f"{source}: invalid at {_json_path(error.absolute_path)}{_case_hint(data, error.absolute_path)}: "
            f"{_short(error.message)}"
        )
    _check_consistency(data, source)


def load_results(path: Path | str) -> dict:
    """Read and validate a results.json file, or the one in a report folder.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not JSON or has an unsupported ``schema_version``
        (:class:`InvalidResultsError` if it does not match the schema).
    """
    path = Path(path)
    file = path / RESULTS_FILE if path.is_dir() else path
    if not file.is_file():
        where = f"no {RESULTS_FILE} in the folder {path}" if path.is_dir() else f"{path} does not exist"
        raise FileNotFoundError(where)
    data = read_results(file)
    validate_results(data, str(file))
    return data


def _check_consistency(data: dict, source: str) -> None:
    seen_ids = set()
    for index, case in enumerate(data["cases"]):
        where = f"{source}: cases[{index}] (case {case['id']})"
        if case["id"] in seen_ids:
            raise InvalidResultsError(f"{where}: the case id appears more than once")
        seen_ids.add(case["id"])

        seen_folds = set()
        for fold in case["folds"]:
            number = fold["fold"]
            if number >= case["n_splits"]:
                raise InvalidResultsError(
                    f"{where}: fold {number} is out of range for n_splits {case['n_splits']}"
                )
            if number in seen_folds:
                raise InvalidResultsError(f"{where}: fold {number} appears more than once")
            seen_folds.add(number)


def _json_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "the top level"


def _case_hint(data: dict, parts) -> str:
    parts = list(parts)
    if len(parts) < 2 or parts[0] != "cases" or not isinstance(parts[1], int):
        return ""
    try:
        case_id = data["cases"][parts[1]]["id"]
    except (KeyError, IndexError, TypeError):
        return ""
    return f" (case {case_id})" if isinstance(case_id, str) else ""


def _short(message: str, limit: int = 300) -> str:
    # jsonschema quotes the whole offending instance, which can be a full case.
    return message if len(message) <= limit else message[: limit - 3] + "..."
