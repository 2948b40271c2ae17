"""The columnar dataset cache: one parquet file per dataset and source checksum.

A parsed dataset is stored as ``<name>-<sha256 prefix>.parquet`` with a JSON
sidecar that records where it came from. Parquet keeps the categorical dtypes
and their category order, so a warm load returns the same frame as the cold one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


def default_cache_dir() -> Path:
    """Return ``$AUTOML_BENCH_CACHE``, or ``automl-bench`` under the user's cache folder."""
    configured = os.environ.get("AUTOML_BENCH_CACHE")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "automl-bench"


def file_sha256(path: Path) -> str:
    """Return the hex sha256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """One cached dataset: the parquet file and the facts recorded beside it."""

    path: Path
    name: str
    sha256: str
    source: str


class DatasetCache:
    """Parquet files of parsed datasets in ``directory``, keyed by source checksum."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _stem(self, name: str, sha256: str) -> str:
        return f"{name}-{sha256[:16]}"

    def lookup(self, name: str, sha256: str) -> CacheEntry | None:
        """Return the entry for ``name`` parsed from a file with digest ``sha256``, if cached."""
        meta_path = self.directory / f"{self._stem(name, sha256)}.json"
        return self._read_entry(meta_path)

    def lookup_any(self, name: str) -> CacheEntry | None:
        """Return the most recently written entry for ``name`` whatever its checksum, if any."""
        if not self.directory.is_dir():
            return None
        candidates = sorted(
            self.directory.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for meta_path in candidates:
            entry = self._read_entry(meta_path)
            if entry is not None and entry.name == name:
                return entry
        return None

    def _read_entry(self, meta_path: Path) -> CacheEntry | None:
        parquet_path = meta_path.with_suffix(".parquet")
        if not (meta_path.is_file() and parquet_path.is_file()):
            return None
        try:
            meta = json.loads(meta_path.read_text())
            return CacheEntry(parquet_path, meta["name"], meta["sha256"], meta["source"])
        except (ValueError, KeyError):
            # A sidecar cut short by a crash; the next store rewrites it.
            return None

    def store(self, name: str, sha256: str, source: str, frame: pd.DataFrame) -> CacheEntry:
        """Write ``frame`` to the cache atomically and return its entry.

        Concurrent writers (xdist workers loading the same dataset) each write a
        temporary file and rename it, so readers never see a partial file.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = self._stem(name, sha256)
        parquet_path = self.directory / f"{stem}.parquet"

        _write_atomically(parquet_path, lambda tmp: frame.to_parquet(tmp, index=False))
        meta = {"name": name, "sha256": sha256, "source": source}
        _write_atomically(
            parquet_path.with_suffix(".json"), lambda tmp: Path(tmp).write_text(json.dumps(meta))
        )
        return CacheEntry(parquet_path, name, sha256, source)


def _write_atomically(path: Path, write) -> None:
    descriptor, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(descriptor)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
