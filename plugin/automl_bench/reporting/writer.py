"""The entry point for writing results.csv and report.html from a run's results."""

from __future__ import annotations

import logging
from pathlib import Path

from .csv_report import CSV_FILE, write_csv
from .html_report import HTML_FILE, write_html
from .json_report import RESULTS_FILE
from .schema import load_results, validate_results

logger = logging.getLogger(__name__)


def write_reports(results: dict | Path | str, out_dir: Path | str | None = None) -> dict[str, Path]:
    """Validate ``results`` and write results.csv and report.html into ``out_dir``.

    ``results`` is the dict of ``ResultsStore.to_dict()``, a results.json file
    or a report folder that contains one. ``out_dir`` defaults to the folder
    of that file, and is required when ``results`` is a dict. results.json
    itself is not written here. Returns the written paths under the keys
    ``"csv"`` and ``"html"``.

    Raises
    ------
    ValueError
        If ``out_dir`` is missing for a dict, or the results are invalid
        (:class:`~.schema.InvalidResultsError`, which names the bad value).
    FileNotFoundError
        If the results path does not exist.
    ImportError
        If jsonschema or matplotlib is not installed.
    """
    if isinstance(results, dict):
        if out_dir is None:
            raise ValueError("write_reports: out_dir is required when results is a dict")
        data = results
        validate_results(data, str(Path(out_dir) / RESULTS_FILE))
    else:
        path = Path(results)
        data = load_results(path)
        if out_dir is None:
            out_dir = path if path.is_dir() else path.parent

    out_dir = Path(out_dir)
    paths = {
        "csv": write_csv(data, out_dir / CSV_FILE),
        "html": write_html(data, out_dir / HTML_FILE),
    }
    logger.info("wrote %s and %s for %d cases", paths["csv"], paths["html"], len(data["cases"]))
    return paths
