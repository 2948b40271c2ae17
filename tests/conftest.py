"""Fixtures shared by the harness's own tests.

The tests read the real OpenML files of the shared datasets folder (by default
``../shared/datasets`` beside the repository, or ``$AUTOML_BENCH_DATASETS``)
and never contact openml.org.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automl_bench.datasets import DatasetSources
from automl_bench.datasets.cache import DatasetCache

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATASETS = Path(
    os.environ.get("AUTOML_BENCH_DATASETS") or REPOSITORY.parent / "shared" / "datasets"
).resolve()


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The folder of real OpenML files with its manifest.json."""
    if not (SHARED_DATASETS / "manifest.json").is_file():
        pytest.fail(
            f"no manifest.json in {SHARED_DATASETS}; set AUTOML_BENCH_DATASETS to the shared datasets folder"
        )
    return SHARED_DATASETS


@pytest.fixture
def offline_sources(shared_datasets, tmp_path) -> DatasetSources:
    """Offline dataset sources: the shared folder and an empty cache in a temporary folder."""
    return DatasetSources(folder=shared_datasets, cache=DatasetCache(tmp_path / "cache"), offline=True)
