"""results.json: the run manifest and every case, rewritten atomically after each change."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..results import CaseResult

SCHEMA_VERSION = 1
RESULTS_FILE = "results.json"


def write_json_atomically(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader, or a run killed mid-write, finds either the old file or the new
    one, never a partial file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle, indent=1, allow_nan=False)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file readable by its owner only.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_results(path: Path) -> dict:
    """Read a results.json file (or the one in a report folder).

    Raises
    ------
    ValueError
        If the file is not valid JSON or has an unknown ``schema_version``.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        data = json.loads(path.read_text())
    except ValueError as error:
        raise ValueError(f"{path}: not a valid results file ({error})") from None
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(
            f"{path}: schema_version {data.get('schema_version')!r} is not supported; "
            f"this version reads {SCHEMA_VERSION}"
        )
    return data


class ResultsStore:
    """The cases of one run, kept in memory and written to ``path`` after every change."""

    def __init__(
        self,
        path: Path,
        run: dict,
        cases: list[CaseResult] | None = None,
        keep_previous: bool = False,
    ):
        """Keep ``cases`` and write them to ``path`` on every change.

        With ``keep_previous``, an existing file at ``path`` is renamed to
        ``results.previous.json`` on the first write. A run that records no case
        therefore leaves the old results in place.
        """
        self.path = Path(path)
        self.run = run
        self.cases: dict[str, CaseResult] = {case.id: case for case in cases or ()}
        self._keep_previous = keep_previous

    def record(self, case: CaseResult) -> None:
        """Add or replace ``case`` and rewrite the file."""
        self.cases[case.id] = case
        if case.framework_versions:
            self.run.setdefault("framework_versions", {})[case.framework] = case.framework_versions
        self.write()

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "run": self.run,
            "cases": [case.to_dict() for case in self.cases.values()],
        }

    def write(self) -> None:
        if self._keep_previous:
            self._keep_previous = False
            if self.path.is_file():
                self.path.replace(self.path.with_name("results.previous.json"))
        write_json_atomically(self.path, self.to_dict())
