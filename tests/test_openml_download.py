"""The OpenML download path, through openml-python, against a stand-in server on 127.0.0.1.

The server (``openml_server.py``) serves the shared OpenML files in the
layout of OpenML's XML API. Nothing here contacts any other host.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openml
import pandas as pd
import pytest
from openml_server import OpenMLTestServer, Response, error_xml

from automl_bench.datasets import (
    DatasetNotAvailableError,
    DatasetSources,
    get_dataset_info,
    load_dataset,
)
from automl_bench.datasets.cache import DatasetCache, file_sha256
from automl_bench.datasets.openml_source import download_dataset_file


def manifest_entry(folder: Path, name: str) -> dict:
    entries = json.loads((folder / "manifest.json").read_text())["datasets"]
    return next(entry for entry in entries if entry["name"] == name)


@pytest.fixture
def openml_cache(tmp_path, monkeypatch) -> Path:
    """Give openml-python an empty cache folder and one try per request, and restore both afterwards.

    openml-python 0.15.1 tries a failing request 5 times by default and
    sleeps 1, 2, 3 and 4 s in between, so each error test would take 10 s.
    """
    previous = openml.config.get_config_as_dict()["cachedir"]
    root = tmp_path / "openml"
    openml.config.set_root_cache_directory(root)
    monkeypatch.setattr(openml.config, "connection_n_retries", 1)
    yield root
    openml.config.set_root_cache_directory(previous)


@pytest.fixture
def openml_server(openml_cache, monkeypatch):
    """Start a stand-in server, point openml-python at it, and stop it at teardown."""
    server = OpenMLTestServer()
    server.start()
    monkeypatch.setattr(openml.config, "server", server.api_url)
    yield server
    server.stop()


@pytest.fixture
def online_sources(tmp_path) -> DatasetSources:
    """Sources with no folder, an empty cache of their own and OpenML switched on."""
    return DatasetSources(folder=None, cache=DatasetCache(tmp_path / "download-cache"), offline=False)


def serve_shared(server: OpenMLTestServer, shared_datasets: Path, name: str) -> str:
    """Serve the shared ARFF file of dataset ``name`` and return the file's URL path."""
    info = get_dataset_info(name)
    entry = manifest_entry(shared_datasets, name)
    return server.add_dataset(info.dataset_id, name, shared_datasets / entry["file"], info.target)


# -- a working server ------------------------------------------------------------


@pytest.mark.parametrize("name", ["credit-g", "bank-marketing"])
def test_download_equals_local_frame(name, shared_datasets, openml_server, online_sources, offline_sources):
    """bank-marketing has UTF-8 text in its header, so the file must pass through unchanged."""
    serve_shared(openml_server, shared_datasets, name)

    downloaded = load_dataset(name, online_sources)
    local = load_dataset(name, offline_sources)

    assert downloaded.from_cache is False
    assert downloaded.source == f"openml:{get_dataset_info(name).dataset_id}"
    pd.testing.assert_frame_equal(downloaded.frame, local.frame, check_exact=True)


def test_download_cache_key_is_manifest_sha256(shared_datasets, openml_server, online_sources):
    serve_shared(openml_server, shared_datasets, "credit-g")
    expected = manifest_entry(shared_datasets, "credit-g")["sha256"]

    dataset = load_dataset("credit-g", online_sources)

    assert dataset.sha256 == expected
    assert dataset.cache_path == online_sources.cache.directory / f"credit-g-{expected[:16]}.parquet"


def test_download_requests_description_then_file(shared_datasets, openml_server, online_sources):
    file_path = serve_shared(openml_server, shared_datasets, "credit-g")

    load_dataset("credit-g", online_sources)

    assert openml_server.requests == [openml_server.description_path(31), file_path]


def test_download_dataset_file_returns_arff(shared_datasets, openml_server, openml_cache):
    serve_shared(openml_server, shared_datasets, "credit-g")

    path = download_dataset_file(get_dataset_info("credit-g"))

    assert path.suffix == ".arff"
    assert path.is_relative_to(openml_cache)
    assert file_sha256(path) == manifest_entry(shared_datasets, "credit-g")["sha256"]


def test_second_load_needs_no_server(shared_datasets, openml_server, openml_cache, online_sources):
    """After one download, the parquet cache serves the dataset with the server stopped."""
    serve_shared(openml_server, shared_datasets, "credit-g")
    first = load_dataset("credit-g", online_sources)
    requests_before = list(openml_server.requests)
    openml_server.stop()
    shutil.rmtree(openml_cache)

    second = load_dataset("credit-g", online_sources)

    assert second.from_cache is True
    assert second.sha256 == first.sha256
    assert openml_server.requests == requests_before
    pd.testing.assert_frame_equal(second.frame, first.frame, check_exact=True)


# -- a failing server --------------------------------------------------------------


# An error page as nginx sends it for a bad gateway: well-formed XML, but not OpenML's.
BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def assert_names_server(error: pytest.ExceptionInfo, server: OpenMLTestServer) -> None:
    message = str(error.value)
    assert "dataset 'credit-g' (OpenML id 31) could not be downloaded" in message
    assert f"from {server.api_url}" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "response",
    [
        Response(404, b"Not Found"),
        Response(500, b"Internal Server Error"),
        Response(412, error_xml(111, "Unknown dataset").encode(), "text/xml; charset=utf-8"),
        Response(502, BAD_GATEWAY_PAGE, "text/html"),
    ],
    ids=["404", "500", "412-unknown-dataset", "502-html-page"],
)
def test_description_error_not_available(response, openml_server, online_sources):
    openml_server.responses[openml_server.description_path(31)] = response

    with pytest.raises(DatasetNotAvailableError) as error:
        load_dataset("credit-g", online_sources)

    assert_names_server(error, openml_server)
    assert f"also looked in: cache {online_sources.cache.directory}" in str(error.value)


def test_file_error_not_available(shared_datasets, openml_server, online_sources):
    file_path = serve_shared(openml_server, shared_datasets, "credit-g")
    openml_server.responses[file_path] = Response(500, b"Internal Server Error")

    with pytest.raises(DatasetNotAvailableError) as error:
        load_dataset("credit-g", online_sources)

    assert_names_server(error, openml_server)
    assert file_path in str(error.value)


def test_md5_mismatch_not_available(shared_datasets, openml_server, online_sources):
    file_path = serve_shared(openml_server, shared_datasets, "credit-g")
    original = openml_server.responses[file_path]
    openml_server.responses[file_path] = Response(200, original.body.replace(b"good", b"Good", 1))

    with pytest.raises(DatasetNotAvailableError) as error:
        load_dataset("credit-g", online_sources)

    assert_names_server(error, openml_server)
    assert "OpenMLHashException" in str(error.value)
    assert list(online_sources.cache.directory.glob("*.parquet")) == []


def test_closed_port_not_available(openml_server, online_sources):
    openml_server.stop()

    with pytest.raises(DatasetNotAvailableError) as error:
        load_dataset("credit-g", online_sources)

    assert_names_server(error, openml_server)
    assert "ConnectionError" in str(error.value)


def test_not_available_lists_folder(shared_datasets, openml_server, tmp_path):
    """A dataset that the folder lists without a file falls through to OpenML, which lacks it too."""
    sources = DatasetSources(folder=shared_datasets, cache=DatasetCache(tmp_path / "cache"), offline=False)

    with pytest.raises(DatasetNotAvailableError) as error:
        load_dataset("adult", sources)
    message = str(error.value)

    assert "dataset 'adult' (OpenML id 1590) could not be downloaded" in message
    assert f"from {openml_server.api_url}" in message
    assert f"also looked in: folder {shared_datasets}; cache {tmp_path / 'cache'}" in message
    assert openml_server.requests == [openml_server.description_path(1590)]
