"""Load time of datasets from a local folder: cold (empty parquet cache) and warm.

A cold load reads the ARFF file, checks its sha256 and writes the parquet
cache. A warm load checks the file's sha256 and reads the parquet file. Run
with ``pytest benchmarks -k loading``; the dataset folder is the one given by
``--automl-datasets`` (or ``$AUTOML_BENCH_DATASETS``), else the shared
datasets folder beside the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from automl_bench.datasets import DatasetSources, load_dataset
from automl_bench.datasets.cache import DatasetCache

DATASETS = ("credit-g", "bank-marketing")
COLD_ROUNDS = 5
WARM_ROUNDS = 20


@pytest.fixture(scope="module")
def dataset_folder(request) -> Path:
    """The folder of OpenML files to load from."""
    configured = request.config.getoption("automl_datasets")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "datasets"
    if not (folder / "manifest.json").is_file():
        pytest.fail(f"no manifest.json in {folder}; pass --automl-datasets DIR with the dataset files")
    return folder


@pytest.fixture
def sources(dataset_folder, tmp_path) -> DatasetSources:
    return DatasetSources(folder=dataset_folder, cache=DatasetCache(tmp_path / "cache"), offline=True)


@pytest.mark.parametrize("name", DATASETS)
def test_load_cold(benchmark, name, sources):
    benchmark.group = f"load {name}"
    benchmark.extra_info["cache"] = "cold"

    def empty_cache():
        shutil.rmtree(sources.cache.directory, ignore_errors=True)

    dataset = benchmark.pedantic(
        load_dataset, args=(name, sources), setup=empty_cache, rounds=COLD_ROUNDS, iterations=1
    )

    assert dataset.from_cache is False


@pytest.mark.parametrize("name", DATASETS)
def test_load_warm(benchmark, name, sources):
    benchmark.group = f"load {name}"
    benchmark.extra_info["cache"] = "warm"
    load_dataset(name, sources)

    dataset = benchmark.pedantic(load_dataset, args=(name, sources), rounds=WARM_ROUNDS, iterations=1)

    assert dataset.from_cache is True
