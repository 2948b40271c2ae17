"""Find dataset files in a local folder of OpenML downloads, checked against its manifest.

The folder may contain a ``manifest.json`` in the layout of the OpenML study 218
copies: a ``datasets`` list whose entries give ``name``, ``file``, ``sha256``,
``target`` and, for CSV exports, ``nominal_columns``. Without a manifest the
loader looks for ``<name>.arff`` or ``<name>.csv`` and checks no digest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import DatasetError


@dataclass(frozen=True)
class LocalFile:
    """A dataset file found in a local folder, with its manifest entry's checksum, target and nominal columns."""

    path: Path
    expected_sha256: str | None
    target: str | None
    nominal_columns: tuple[str, ...] | None


def read_manifest(folder: Path) -> dict[str, dict]:
    """Return the manifest entries of ``folder`` by dataset name, or ``{}`` without a manifest.

    Raises
    ------
    DatasetError
        If ``manifest.json`` exists but is not valid JSON with a ``datasets`` list.
    """
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return {}
    try:
        entries = json.loads(manifest_path.read_text())["datasets"]
        return {entry["name"]: entry for entry in entries}
    except (ValueError, KeyError, TypeError) as error:
        raise DatasetError(
            f"{manifest_path}: invalid manifest ({error}); expected a JSON object "
            'with a "datasets" list of {"name", "file", "sha256"} entries'
        ) from None


def find_local_file(folder: Path, name: str) -> LocalFile | None:
    """Return the file for dataset ``name`` in ``folder``, or ``None`` if the folder has none."""
    manifest = read_manifest(folder)
    entry = manifest.get(name)
    if entry is not None:
        if not entry.get("file"):
            return None
        path = folder / entry["file"]
        if not path.is_file():
            raise DatasetError(
                f"dataset {name!r}: {folder / 'manifest.json'} lists {entry['file']!r}, "
                f"but {path} does not exist; restore the file or remove its manifest entry"
            )
        nominal = entry.get("nominal_columns")
        return LocalFile(
            path=path,
            expected_sha256=entry.get("sha256"),
            target=entry.get("target"),
            nominal_columns=tuple(nominal) if nominal is not None else None,
        )

    for suffix in (".arff", ".csv"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return LocalFile(path=path, expected_sha256=None, target=None, nominal_columns=None)
    return None
