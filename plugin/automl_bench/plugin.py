"""The pytest plugin: options, the ``automl`` fixture, outcomes and the report at session end.

The hooks translate between pytest and :mod:`automl_bench.session`; the
harness logic lives there.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    """Add the ``--automl-*`` options."""
    group = parser.getgroup("automl-bench", "AutoML benchmark cases (pytest-automl-bench)")
    group.addoption(
        "--automl-datasets",
        metavar="DIR",
        default=os.environ.get("AUTOML_BENCH_DATASETS"),
        help="folder of OpenML dataset files (ARFF or CSV, optional manifest.json) to load "
        "before the cache and OpenML; default: $AUTOML_BENCH_DATASETS",
    )

    group.addoption(
        "--automl-offline",
        action="store_true",
        default=os.environ.get("AUTOML_BENCH_OFFLINE", "") not in ("", "0"),
        help="never contact OpenML; datasets come from --automl-datasets or the cache "
        "(also AUTOML_BENCH_OFFLINE=1)",
    )

    group.addoption(
        "--automl-cache-dir",
        metavar="DIR",
        default=None,
        help="parquet cache of parsed datasets; default: $AUTOML_BENCH_CACHE or ~/.cache/automl-bench",
    )

    group.addoption(
        "--automl-report-dir",
        metavar="DIR",
        default="reports",
        help="folder for results.json, relative to the rootdir; default: reports",
    )

    group.addoption(
        "--automl-cores",
        metavar="N",
        type=int,
        default=None,
        help="threads per case; default: the machine's cores divided by the number of xdist workers",
    )

    group.addoption(
        "--automl-folds",
        metavar="K",
        type=int,
        default=5,
        help="number of stratified cross-validation folds; default: 5",
    )

    group.addoption(
        "--automl-seed",
        metavar="SEED",
        type=int,
        default=0,
        help="seed of the fold split; framework seeds are derived from it per fold; default: 0",
    )

    group.addoption(
        "--automl-time-limit",
        metavar="SECONDS",
        type=float,
        default=None,
        help="time budget per case in seconds, all folds together; overrides the settings' "
        "own budgets; default: the setting's budget, else 3600",
    )

    group.addoption(
        "--automl-memory-limit",
        metavar="SIZE",
        default=None,
        help="resident memory limit of a case's process tree, e.g. 4GiB or 500MB; default: none",
    )

    group.addoption(
        "--automl-python",
        metavar="FRAMEWORK=PATH",
        action="append",
        default=[],
        help="interpreter to run FRAMEWORK's cases with; repeatable; default: this Python",
    )

    group.addoption(
        "--automl-keep-models",
        action="store_true",
        default=False,
        help="keep each case's working folder with the framework's models instead of deleting it",
    )

    group.addoption(
        "--automl-resume",
        action="store_true",
        default=False,
        help="skip cases that results.json in the report folder already has complete",
    )

    group.addoption(
        "--automl-baseline",
        metavar="PATH",
        default=None,
        help="results.json (or a report folder) to compare every case with, fold by fold",
    )

    group.addoption(
        "--automl-auc-tolerance",
        metavar="DELTA",
        type=float,
        default=0.02,
        help="with --automl-baseline, fail a case whose mean ROC AUC drops by more than DELTA "
        "and the drop is significant (one-sided paired t-test, p < 0.05); default: 0.02",
    )

    group.addoption(
        "--automl-time-tolerance",
        metavar="RATIO",
        type=float,
        default=None,
        help="with --automl-baseline, fail a case whose total fit time exceeds RATIO times the "
        "baseline's; default: report the ratio only",
    )

    group.addoption(
        "--automl-strict",
        action="store_true",
        default=False,
        help="fail cases whose framework failed, timed out, ran out of memory or crashed "
        "(default: mark them xfail with the reason)",
    )


def pytest_configure(config):
    """Register the markers and, unless this is a bare --help, the benchmark session plugin."""
    config.addinivalue_line("markers", "smoke: the AutoKeras setting for tests and CI")
    config.addinivalue_line("markers", "quick: a peer framework's short setting for tests")
    config.addinivalue_line("markers", "baseline: a scikit-learn baseline, fast enough for every CI run")
    config.addinivalue_line(
        "markers", "automl_time_limit(seconds): time budget of this case, overriding the options"
    )
    config.addinivalue_line(
        "markers", "automl_memory_limit(size): memory limit of this case, such as '2GiB'"
    )
    if config.option.help:
        return
    from .pytest_session import AutoMLBenchPlugin

    config.pluginmanager.register(AutoMLBenchPlugin(config), "automl-bench-session")


def case_params(framework: str, datasets=None, settings=None) -> list:
    """Return ``pytest.param`` objects for the grid of ``framework``, with ids and markers."""
    from .cases import build_cases

    params = []
    for case in build_cases(framework, datasets, settings):
        marks = [getattr(pytest.mark, name) for name in case.setting.marks]
        params.append(pytest.param(case, id=case.test_id, marks=marks))
    return params
