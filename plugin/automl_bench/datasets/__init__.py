"""Load the benchmark datasets from a local folder, the parquet cache or OpenML.

Order of lookup for a dataset:

1. a local folder of OpenML files (``--automl-datasets`` or ``AUTOML_BENCH_DATASETS``),
   checked against the folder's manifest and parsed once into the cache;
2. the parquet cache, for a dataset downloaded or parsed before;
3. OpenML through openml-python, unless offline mode is on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cache import CacheEntry, DatasetCache, default_cache_dir, file_sha256
from .errors import DatasetError, DatasetNotAvailableError
from .frames import normalize_dtypes, read_arff, read_openml_csv
from .local import LocalFile, find_local_file
from .registry import STUDY_218, DatasetInfo, UnknownDatasetError, dataset_names, get_dataset_info

__all__ = [
    "STUDY_218",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "DatasetNotAvailableError",
    "DatasetSources",
    "UnknownDatasetError",
    "dataset_names",
    "get_dataset_info",
    "load_dataset",
]

logger = logging.getLogger(__name__)


@dataclass
class DatasetSources:
    """The dataset sources to look up in order: a local folder, the parquet cache and OpenML."""

    folder: Path | None = None
    cache: DatasetCache = field(default_factory=lambda: DatasetCache(default_cache_dir()))
    offline: bool = False


@dataclass
class Dataset:
    """A loaded dataset: the frame with features and target, and where it came from.

    ``sha256`` is the digest of the source file (the ARFF or CSV file), which
    also keys the parquet cache. ``load_seconds`` is wall time of this load.
    """

    info: DatasetInfo
    frame: pd.DataFrame
    target: str
    sha256: str
    source: str
    cache_path: Path
    from_cache: bool
    load_seconds: float

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def features(self) -> pd.DataFrame:
        return self.frame.drop(columns=[self.target])

    @property
    def labels(self) -> pd.Series:
        return self.frame[self.target]

    @property
    def classes(self) -> list[str]:
        """Class labels in the order the file declares them."""
        return [str(label) for label in self.labels.cat.categories]

    @property
    def positive_class(self) -> str:
        """The class whose probability is scored: the last declared class label."""
        return self.classes[-1]


def load_dataset(name: str, sources: DatasetSources | None = None) -> Dataset:
    """Load dataset ``name`` of the suite from the first source that has it.

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not in the suite.
    DatasetError
        If a file is found but invalid: wrong checksum, missing target column,
        wrong shape, or not exactly two classes.
    DatasetNotAvailableError
        If no source has the dataset. The message names every place the loader looked.
    """
    sources = sources or DatasetSources()
    info = get_dataset_info(name)
    started = time.perf_counter()
    looked = []

    if sources.folder is not None:
        local = find_local_file(Path(sources.folder), name)
        if local is not None:
            frame, entry, hit = _load_local(info, local, sources.cache)
            return _finish(info, frame, entry, hit, local.target or info.target, started)
        looked.append(f"folder {sources.folder}")

    entry = sources.cache.lookup_any(name)
    if entry is not None:
        frame = pd.read_parquet(entry.path)
        return _finish(info, frame, entry, True, info.target, started)
    looked.append(f"cache {sources.cache.directory}")

    if sources.offline:
        looked.append("OpenML skipped in offline mode")
        raise DatasetNotAvailableError(_not_available_message(info, looked))

    from .openml_source import download_dataset_file, read_openml_parquet

    try:
        path = download_dataset_file(info)
    except DatasetNotAvailableError as error:
        raise DatasetNotAvailableError(f"{error}; also looked in: {'; '.join(looked)}") from None
    sha256 = file_sha256(path)
    entry = sources.cache.lookup(name, sha256)
    if entry is not None:
        return _finish(info, pd.read_parquet(entry.path), entry, True, info.target, started)
    frame = read_openml_parquet(path) if path.suffix == ".pq" or path.suffix == ".parquet" else read_arff(path)
    _validate(info, frame, info.target, f"OpenML dataset {info.dataset_id}")
    entry = sources.cache.store(name, sha256, f"openml:{info.dataset_id}", frame)
    return _finish(info, frame, entry, False, info.target, started)


def _load_local(
    info: DatasetInfo, local: LocalFile, cache: DatasetCache
) -> tuple[pd.DataFrame, CacheEntry, bool]:
    sha256 = file_sha256(local.path)
    if local.expected_sha256 is not None and sha256 != local.expected_sha256:
        raise DatasetError(
            f"dataset {info.name!r}: {local.path} has sha256 {sha256}, but the manifest "
            f"expects {local.expected_sha256}; replace the file with OpenML's download"
        )

    entry = cache.lookup(info.name, sha256)
    if entry is not None:
        return pd.read_parquet(entry.path), entry, True

    if local.path.suffix.lower() == ".arff":
        frame = read_arff(local.path)
    elif local.path.suffix.lower() == ".csv":
        frame = read_openml_csv(local.path, local.nominal_columns)
    else:
        raise DatasetError(
            f"dataset {info.name!r}: unsupported file type {local.path.suffix!r} "
            f"({local.path}); provide OpenML's .arff download or CSV export"
        )
    target = local.target or info.target
    _validate(info, frame, target, str(local.path))
    entry = cache.store(info.name, sha256, f"file:{local.path.name}", frame)
    return frame, entry, False


def _validate(info: DatasetInfo, frame: pd.DataFrame, target: str, origin: str) -> None:
    if target not in frame.columns:
        raise DatasetError(
            f"dataset {info.name!r}: target column {target!r} not found in {origin}; "
            f"columns are {', '.join(map(str, frame.columns[:50]))}"
            f"{' ...' if len(frame.columns) > 50 else ''}"
        )

    counts = frame[target].value_counts(dropna=True)
    present = [str(label) for label, count in counts.items() if count > 0]
    if len(present) != 2:
        raise DatasetError(
            f"dataset {info.name!r}: target column {target!r} in {origin} has "
            f"{len(present)} class(es) ({', '.join(present) or 'none'}); "
            "binary classification needs exactly two"
        )

    if frame.shape != (info.rows, info.columns):
        raise DatasetError(
            f"dataset {info.name!r}: {origin} has {frame.shape[0]} rows and "
            f"{frame.shape[1]} columns, but OpenML dataset {info.dataset_id} has "
            f"{info.rows} rows and {info.columns} columns; use OpenML's file for this dataset"
        )


def _finish(
    info: DatasetInfo,
    frame: pd.DataFrame,
    entry: CacheEntry,
    from_cache: bool,
    target: str,
    started: float,
) -> Dataset:
    frame = normalize_dtypes(frame, nominal=[target])
    labels = frame[target]
    unused = [c for c in labels.cat.categories if not (labels == c).any()]
    if unused:
        frame[target] = labels.cat.remove_categories(unused)

    seconds = time.perf_counter() - started
    dataset = Dataset(info, frame, target, entry.sha256, entry.source, entry.path, from_cache, seconds)
    logger.info(
        "loaded dataset %s (%d rows) from %s%s in %.3f s",
        info.name,
        len(frame),
        entry.source,
        " via cache" if from_cache else "",
        seconds,
    )
    return dataset


def _not_available_message(info: DatasetInfo, looked: list[str]) -> str:
    return (
        f"dataset {info.name!r} (OpenML id {info.dataset_id}) is not available: looked in "
        f"{'; '.join(looked)}. Put OpenML's file in a folder and pass --automl-datasets DIR "
        "(or set AUTOML_BENCH_DATASETS), or run online to download it"
    )
