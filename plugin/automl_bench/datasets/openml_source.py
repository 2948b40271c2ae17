"""Download datasets with openml-python, which keeps its own cache of OpenML files."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .errors import DatasetNotAvailableError
from .registry import DatasetInfo

logger = logging.getLogger(__name__)


def download_dataset_file(info: DatasetInfo) -> Path:
    """Return the path of the dataset's data file, downloading it into openml-python's cache.

    The file is the ARFF download, or the parquet file where the server offers
    one. openml-python reads its server address and cache folder from its own
    configuration (``openml.config``).

    Raises
    ------
    DatasetNotAvailableError
        If the server cannot be reached or does not return the dataset.
    """
    import openml
    import requests

    try:
        dataset = openml.datasets.get_dataset(
            info.dataset_id,
            download_data=True,
            download_qualities=False,
            download_features_meta_data=False,
        )
    # openml-python 0.15.1 raises KeyError for a response that is well-formed
    # XML but not OpenML's, such as a proxy's HTML error page.
    except (openml.exceptions.PyOpenMLError, requests.RequestException, OSError, KeyError) as error:
        # openml-python's messages contain the response body over several lines.
        detail = " ".join(str(error).split())
        raise DatasetNotAvailableError(
            f"dataset {info.name!r} (OpenML id {info.dataset_id}) could not be downloaded "
            f"from {openml.config.server}: {type(error).__name__}: {detail}"
        ) from None

    data_file = dataset.parquet_file or dataset.data_file
    if data_file is None:
        raise DatasetNotAvailableError(
            f"dataset {info.name!r} (OpenML id {info.dataset_id}): the OpenML server "
            "returned a description without a data file"
        )
    logger.info("downloaded dataset %s from OpenML to %s", info.name, data_file)
    return Path(data_file)


def read_openml_parquet(path: Path) -> pd.DataFrame:
    """Read a parquet file as served by OpenML."""
    from .frames import normalize_dtypes

    return normalize_dtypes(pd.read_parquet(path))
