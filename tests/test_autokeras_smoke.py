"""The main job end to end: the real AutoKeras smoke case on OpenML credit-g."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def test_credit_g_smoke_case(shared_datasets, tmp_path):
    report_dir = tmp_path / "reports"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "benchmarks/test_autokeras.py",
        "-k",
        "credit-g and smoke",
        "-p",
        "no:cacheprovider",
        f"--automl-datasets={shared_datasets}",
        f"--automl-cache-dir={tmp_path / 'cache'}",
        f"--automl-report-dir={report_dir}",
        "--automl-offline",
    ]

    run = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=900)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads((report_dir / "results.json").read_text())
    assert [case["id"] for case in data["cases"]] == ["autokeras/credit-g/smoke"]
    case = data["cases"][0]
    assert case["status"] == "ok"
    assert [fold["fold"] for fold in case["folds"]] == [0, 1, 2, 3, 4]
    for fold in case["folds"]:
        assert fold["status"] == "ok"
        assert fold["auc"] > 0.6, fold
        assert fold["fit_seconds"] > 0
        assert fold["predict_seconds"] > 0
        assert fold["peak_rss_bytes"] > 100 * 2**20
    assert case["positive_class"] == "bad"
    assert case["framework_versions"]["autokeras"] == "3.0.0"
    assert data["run"]["framework_versions"]["autokeras"]["keras"] == "3.12.4"
