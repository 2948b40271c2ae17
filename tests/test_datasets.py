"""Dataset loading: the real OpenML files offline, the parquet cache, and bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import automl_bench.datasets as datasets_package
from automl_bench.datasets import (
    DatasetError,
    DatasetNotAvailableError,
    DatasetSources,
    UnknownDatasetError,
    frames,
    load_dataset,
)
from automl_bench.datasets.cache import DatasetCache
from automl_bench.settings import AUTOKERAS_SETTINGS, UnknownSettingError, get_setting

# The datasets whose files the shared folder contains. The manifest lists the
# other 14 with "file": null.
LOCAL_DATASETS = (
    "Australian",
    "bank-marketing",
    "blood-transfusion-service-center",
    "credit-g",
    "jasmine",
    "kc1",
    "kr-vs-kp",
    "phoneme",
)
ARFF_DATASETS = tuple(
    name for name in LOCAL_DATASETS if name not in ("Australian", "jasmine")
)
CSV_DATASETS = ("Australian", "jasmine")

ATTRIBUTE_LINE = re.compile(r"@attribute\s+('[^']*'|\"[^\"]*\"|\S+)\s+(.+)", re.IGNORECASE)


def manifest_entry(folder: Path, name: str) -> dict:
    """Return the manifest entry of dataset ``name`` in ``folder``."""
    entries = json.loads((folder / "manifest.json").read_text())["datasets"]
    return next(entry for entry in entries if entry["name"] == name)


def declared_attributes(path: Path) -> dict[str, list[str] | None]:
    """Read an ARFF header into attribute name -> nominal values, or ``None`` for other types.

    This reads the header without liac-arff, so the tests do not check the
    loader against the parser it uses itself.
    """
    attributes = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip().lower().startswith("@data"):
                break
            match = ATTRIBUTE_LINE.match(line.strip())
            if match is None:
                continue
            name = match.group(1).strip("'\"")
            kind = match.group(2).strip()
            if not kind.startswith("{"):
                attributes[name] = None
                continue
            inner = kind[1 : kind.rindex("}")]
            values = next(csv.reader([inner], quotechar="'", skipinitialspace=True))
            attributes[name] = [value.strip() for value in values]
    return attributes


def declared_nominal_columns(folder: Path, name: str) -> set[str]:
    """Return the nominal columns of a shared file: ARFF nominal attributes, or a CSV's manifest list."""
    entry = manifest_entry(folder, name)
    if entry["file"].endswith(".csv"):
        return set(entry["nominal_columns"])
    declared = declared_attributes(folder / entry["file"])
    return {column for column, values in declared.items() if values is not None}


def write_dataset_folder(folder: Path, entry: dict, content: bytes, **changes) -> Path:
    """Write ``content`` as the entry's file and a manifest with only that entry.

    ``changes`` replace fields of the entry. The manifest's sha256 is the digest
    of ``content`` unless ``changes`` sets it. Returns the path of the file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entry = {**entry, **changes}
    path = folder / entry["file"]
    path.write_bytes(content)
    if "sha256" not in changes:
        entry["sha256"] = hashlib.sha256(content).hexdigest()
    (folder / "manifest.json").write_text(json.dumps({"datasets": [entry]}))
    return path


def offline_folder_sources(folder: Path, cache_dir: Path) -> DatasetSources:
    return DatasetSources(folder=folder, cache=DatasetCache(cache_dir), offline=True)


def credit_g_lines(shared_datasets: Path) -> tuple[list[str], list[str]]:
    """Return the header lines (through ``@data``) and the data rows of credit-g.arff."""
    lines = (shared_datasets / "credit-g.arff").read_text(encoding="utf-8").splitlines(keepends=True)
    data_start = next(i for i, line in enumerate(lines) if line.strip().lower() == "@data") + 1
    rows = [line for line in lines[data_start:] if line.strip() and not line.startswith("%")]
    return lines[:data_start], rows


@pytest.fixture(scope="module")
def cold_load(shared_datasets, tmp_path_factory):
    """Load each shared dataset once into an empty cache and reuse that result in this module."""
    sources = offline_folder_sources(shared_datasets, tmp_path_factory.mktemp("cache"))
    loaded = {}

    def load(name: str):
        if name not in loaded:
            loaded[name] = load_dataset(name, sources)
        return loaded[name]

    return load


# -- the shared files, offline -------------------------------------------------


@pytest.mark.parametrize("name", LOCAL_DATASETS)
def test_shape_matches_manifest(name, shared_datasets, cold_load):
    entry = manifest_entry(shared_datasets, name)
    dataset = cold_load(name)

    assert dataset.frame.shape == (entry["rows"], entry["columns"])
    assert dataset.from_cache is False


@pytest.mark.parametrize("name", ARFF_DATASETS)
def test_arff_nominal_columns_categorical(name, shared_datasets, cold_load):
    entry = manifest_entry(shared_datasets, name)
    declared = declared_attributes(shared_datasets / entry["file"])
    frame = cold_load(name).frame
    categorical = {column for column in frame.columns if isinstance(frame[column].dtype, pd.CategoricalDtype)}

    assert list(frame.columns) == list(declared)
    assert categorical == declared_nominal_columns(shared_datasets, name)


@pytest.mark.parametrize("name", ARFF_DATASETS)
def test_arff_categories_keep_declared_order(name, shared_datasets, cold_load):
    entry = manifest_entry(shared_datasets, name)
    declared = declared_attributes(shared_datasets / entry["file"])
    frame = cold_load(name).frame

    for column, values in declared.items():
        if values is not None:
            assert list(frame[column].cat.categories) == values, column


@pytest.mark.parametrize("name", CSV_DATASETS)
def test_csv_nominal_columns_categorical(name, shared_datasets, cold_load):
    entry = manifest_entry(shared_datasets, name)
    frame = cold_load(name).frame
    categorical = {column for column in frame.columns if isinstance(frame[column].dtype, pd.CategoricalDtype)}

    assert categorical == set(entry["nominal_columns"])


@pytest.mark.parametrize("name", CSV_DATASETS)
def test_csv_categories_are_strings(name, shared_datasets, cold_load):
    """Quoted integer codes of an OpenML CSV export stay labels such as '1', not numbers."""
    entry = manifest_entry(shared_datasets, name)
    frame = cold_load(name).frame

    for column in entry["nominal_columns"]:
        kinds = {type(value) for value in frame[column].cat.categories}
        assert kinds == {str}, column


@pytest.mark.parametrize("name", LOCAL_DATASETS)
def test_numeric_columns_float64(name, shared_datasets, cold_load):
    """Every column that the file does not declare nominal is float64 (kr-vs-kp has none)."""
    frame = cold_load(name).frame
    nominal = declared_nominal_columns(shared_datasets, name)
    numeric = [column for column in frame.columns if column not in nominal]
    other_dtypes = {column: str(frame[column].dtype) for column in numeric if frame[column].dtype != "float64"}

    assert other_dtypes == {}


@pytest.mark.parametrize("name", LOCAL_DATASETS)
def test_target_has_two_classes(name, shared_datasets, cold_load):
    entry = manifest_entry(shared_datasets, name)
    dataset = cold_load(name)
    counts = dataset.labels.value_counts()

    assert dataset.target == entry["target"]
    assert len(dataset.classes) == 2
    assert sorted(counts.index.astype(str)) == sorted(dataset.classes)
    assert counts.min() > 0


@pytest.mark.parametrize("name", ARFF_DATASETS)
def test_classes_in_declared_order(name, shared_datasets, cold_load):
    """The positive class, whose probability is scored, is the last class the ARFF header declares."""
    entry = manifest_entry(shared_datasets, name)
    declared = declared_attributes(shared_datasets / entry["file"])[entry["target"]]
    dataset = cold_load(name)

    assert dataset.classes == declared
    assert dataset.positive_class == declared[-1]


@pytest.mark.parametrize("name", LOCAL_DATASETS)
def test_second_load_from_cache(name, shared_datasets, offline_sources):
    first = load_dataset(name, offline_sources)
    second = load_dataset(name, offline_sources)

    assert first.from_cache is False
    assert second.from_cache is True
    assert second.sha256 == manifest_entry(shared_datasets, name)["sha256"]
    assert second.cache_path == first.cache_path
    pd.testing.assert_frame_equal(second.frame, first.frame, check_exact=True)


def _fail_if_called(*args, **kwargs):
    raise AssertionError("the loader parsed the file although the cache has it")


def block_parsers(monkeypatch) -> None:
    """Make every file parser of the loader raise, wherever the loader looks it up."""
    for module in (datasets_package, frames):
        monkeypatch.setattr(module, "read_arff", _fail_if_called)
        monkeypatch.setattr(module, "read_openml_csv", _fail_if_called)


@pytest.mark.parametrize("name", ["credit-g", "Australian"])
def test_cached_load_skips_parsing(name, offline_sources, monkeypatch):
    first = load_dataset(name, offline_sources)
    block_parsers(monkeypatch)
    second = load_dataset(name, offline_sources)

    assert second.from_cache is True
    pd.testing.assert_frame_equal(second.frame, first.frame, check_exact=True)


@pytest.mark.parametrize("name", ["credit-g", "Australian"])
def test_blocked_parser_fails_cold_load(name, offline_sources, monkeypatch):
    """With an empty cache the blocked parsers are reached, so the test above can fail."""
    block_parsers(monkeypatch)

    with pytest.raises(AssertionError, match="parsed the file"):
        load_dataset(name, offline_sources)


# -- bad input -----------------------------------------------------------------


def load_error(name: str, sources: DatasetSources, error_type: type[Exception] = DatasetError) -> str:
    """Load dataset ``name``, which must raise ``error_type``, and return the error message."""
    with pytest.raises(error_type) as error:
        load_dataset(name, sources)
    return str(error.value)


def write_credit_g(tmp_path: Path, text: str) -> DatasetSources:
    """Write ``text`` as credit-g.arff into a folder without a manifest and return offline sources for it."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    (folder / "credit-g.arff").write_text(text, encoding="utf-8")
    return offline_folder_sources(folder, tmp_path / "cache")


def test_unknown_name_suggests_close_name(offline_sources):
    message = load_error("credit-gg", offline_sources, UnknownDatasetError)

    assert "unknown dataset 'credit-gg'" in message
    assert "Did you mean 'credit-g'" in message
    assert "\n" not in message


def test_unknown_name_matches_any_case(offline_sources):
    message = load_error("KR-vs-KP", offline_sources, UnknownDatasetError)

    assert "Did you mean 'kr-vs-kp'" in message


def test_unknown_name_lists_known_datasets(offline_sources):
    message = load_error("no-such-dataset", offline_sources, UnknownDatasetError)

    assert "Did you mean" not in message
    for name in LOCAL_DATASETS:
        assert name in message


def test_altered_file_fails_checksum(shared_datasets, tmp_path):
    entry = manifest_entry(shared_datasets, "credit-g")
    content = bytearray((shared_datasets / "credit-g.arff").read_bytes())
    expected = entry["sha256"]
    content[2:3] = b"d"  # "% Description" -> "% description": the file still parses
    folder = tmp_path / "datasets"
    path = write_dataset_folder(folder, entry, bytes(content), sha256=expected)
    actual = hashlib.sha256(content).hexdigest()

    message = load_error("credit-g", offline_folder_sources(folder, tmp_path / "cache"))

    assert f"{path} has sha256 {actual}" in message
    assert f"manifest expects {expected}" in message
    assert "\n" not in message


def test_wrong_manifest_sha256_rejected(shared_datasets, tmp_path):
    entry = manifest_entry(shared_datasets, "kc1")
    content = (shared_datasets / "kc1.arff").read_bytes()
    folder = tmp_path / "datasets"
    write_dataset_folder(folder, entry, content, sha256="0" * 64)

    message = load_error("kc1", offline_folder_sources(folder, tmp_path / "cache"))

    assert f"the manifest expects {'0' * 64}" in message
    assert list(tmp_path.glob("cache/*.parquet")) == []


def test_manifest_target_missing(shared_datasets, tmp_path):
    entry = manifest_entry(shared_datasets, "Australian")
    content = (shared_datasets / "Australian.csv").read_bytes()
    folder = tmp_path / "datasets"
    path = write_dataset_folder(folder, entry, content, target="A16")

    message = load_error("Australian", offline_folder_sources(folder, tmp_path / "cache"))

    assert f"target column 'A16' not found in {path}" in message
    assert "columns are A1, A2, A3" in message
    assert "\n" not in message


def test_arff_target_attribute_renamed(shared_datasets, tmp_path):
    text = (shared_datasets / "credit-g.arff").read_text(encoding="utf-8")
    renamed = text.replace("@attribute 'class' ", "@attribute 'label' ")
    assert renamed != text

    message = load_error("credit-g", write_credit_g(tmp_path, renamed))

    assert "target column 'class' not found" in message
    assert "columns are checking_status, duration" in message


def test_one_class_file_rejected(shared_datasets, tmp_path):
    """A file with one class gets the one-class error, not the row-count error it also earns."""
    header, rows = credit_g_lines(shared_datasets)
    good_rows = [row for row in rows if row.rstrip().endswith(",good")]

    message = load_error("credit-g", write_credit_g(tmp_path, "".join(header + good_rows)))

    assert len(good_rows) == 700
    assert "target column 'class'" in message
    assert "has 1 class(es) (good)" in message
    assert "needs exactly two" in message
    assert "\n" not in message
    assert list(tmp_path.glob("cache/*.parquet")) == []


def test_row_count_mismatch_rejected(shared_datasets, tmp_path):
    header, rows = credit_g_lines(shared_datasets)

    message = load_error("credit-g", write_credit_g(tmp_path, "".join(header + rows[:-10])))

    assert "has 990 rows and 21 columns" in message
    assert "OpenML dataset 31 has 1000 rows and 21 columns" in message


def test_manifest_file_missing(shared_datasets, tmp_path):
    folder = tmp_path / "datasets"
    folder.mkdir()
    entry = manifest_entry(shared_datasets, "credit-g")
    (folder / "manifest.json").write_text(json.dumps({"datasets": [entry]}))

    message = load_error("credit-g", offline_folder_sources(folder, tmp_path / "cache"))

    assert "lists 'credit-g.arff'" in message
    assert f"{folder / 'credit-g.arff'} does not exist" in message


def test_invalid_manifest_rejected(tmp_path):
    folder = tmp_path / "datasets"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"datasets": [')

    message = load_error("credit-g", offline_folder_sources(folder, tmp_path / "cache"))

    assert f"{folder / 'manifest.json'}: invalid manifest" in message
    assert '"datasets" list' in message


def test_unsupported_file_type(shared_datasets, tmp_path):
    entry = manifest_entry(shared_datasets, "credit-g")
    content = (shared_datasets / "credit-g.arff").read_bytes()
    folder = tmp_path / "datasets"
    write_dataset_folder(folder, entry, content, file="credit-g.txt")

    message = load_error("credit-g", offline_folder_sources(folder, tmp_path / "cache"))

    assert "unsupported file type '.txt'" in message


def test_unknown_setting_lists_known():
    with pytest.raises(UnknownSettingError) as error:
        get_setting("autokeras", "smok")
    message = str(error.value)

    assert "unknown setting 'smok' for framework 'autokeras'" in message
    assert "Did you mean 'smoke'?" in message
    for setting in AUTOKERAS_SETTINGS:
        assert setting.name in message
    assert "\n" not in message


def test_unknown_framework_lists_known():
    with pytest.raises(UnknownSettingError) as error:
        get_setting("autokeraz", "smoke")
    message = str(error.value)
    known = message.split("known frameworks: ", 1)[-1].split(", ")

    assert "unknown framework 'autokeraz'" in message
    assert "autokeras" in known


def test_offline_missing_dataset_message(shared_datasets, offline_sources):
    """Load offline a dataset that the folder lists without a file: the message names where to put it."""
    message = load_error("adult", offline_sources, DatasetNotAvailableError)

    assert "dataset 'adult' (OpenML id 1590) is not available" in message
    assert f"folder {shared_datasets}" in message
    assert f"cache {offline_sources.cache.directory}" in message
    assert "OpenML skipped in offline mode" in message
    assert "--automl-datasets DIR" in message
    assert "AUTOML_BENCH_DATASETS" in message
    assert "\n" not in message


def test_offline_without_folder_message(tmp_path):
    sources = DatasetSources(folder=None, cache=DatasetCache(tmp_path / "cache"), offline=True)

    message = load_error("credit-g", sources, DatasetNotAvailableError)

    assert "dataset 'credit-g' (OpenML id 31)" in message
    assert f"looked in cache {tmp_path / 'cache'}; OpenML skipped" in message
