"""Parse OpenML ARFF files and OpenML CSV exports into DataFrames with one dtype convention.

Every loader returns the same layout: nominal columns as ``category`` with the
labels as given in the file, numeric columns as ``float64``, the target kept as
one of the columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import arff
import numpy as np
import pandas as pd


def read_arff(path: Path) -> pd.DataFrame:
    """Parse an ARFF file with liac-arff, the parser openml-python uses.

    Nominal attributes become ``category`` columns whose categories keep the
    order declared in the header. Numeric attributes become ``float64``.

    Raises
    ------
    DatasetError
        If the file is not valid ARFF.
    """
    from .errors import DatasetError

    with open(path, encoding="utf-8") as handle:
        try:
            parsed = arff.load(handle)
        except arff.ArffException as error:
            raise DatasetError(f"{path}: invalid ARFF file ({error})") from None

    rows = parsed["data"]
    columns = {}
    for index, (name, kind) in enumerate(parsed["attributes"]):
        values = [row[index] for row in rows]
        if isinstance(kind, list):
            columns[name] = pd.Categorical(values, categories=kind)
        elif kind.upper() in ("NUMERIC", "REAL", "INTEGER"):
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            columns[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(columns)


def read_openml_csv(path: Path, nominal_columns: Iterable[str] | None) -> pd.DataFrame:
    """Parse an OpenML CSV export.

    OpenML quotes nominal values, but pandas reads quoted integer codes as
    numbers, so ``nominal_columns`` names the columns to keep as labels. When it
    is ``None``, only columns that do not parse as numbers are nominal.
    """
    nominal = set(nominal_columns or ())
    frame = pd.read_csv(path, dtype={name: str for name in nominal}, keep_default_na=True)
    return normalize_dtypes(frame, nominal)


def normalize_dtypes(frame: pd.DataFrame, nominal: Iterable[str] = ()) -> pd.DataFrame:
    """Convert ``nominal`` and text columns to ``category`` and the rest to ``float64``.

    Existing categorical columns keep their category order; new ones get their
    labels in sorted order.
    """
    nominal = set(nominal)
    converted = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            converted[name] = column
        elif name in nominal or not pd.api.types.is_numeric_dtype(column.dtype):
            labels = column.astype("object").where(column.notna(), None)
            categories = sorted({value for value in labels if value is not None})
            converted[name] = pd.Categorical(labels, categories=categories)
        else:
            converted[name] = column.astype("float64")
    return pd.DataFrame(converted, index=frame.index)
