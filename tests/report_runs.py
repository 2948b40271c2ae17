"""Real benchmark runs for the report tests, run once per test session and shared by the test modules.

Each run is a pytest subprocess on one benchmark file, with the shared
datasets folder and offline. The results are kept in the session's base temporary
folder, so the second test module that needs them reads them from there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]

BASELINE_CASES = "(credit-g or kc1) and (constant or logistic-regression)"

# name -> (test file, -k expression, extra options). An option "run:NAME" is
# replaced by the report folder of run NAME. On 2 cores the AutoKeras smoke
# case on credit-g takes about 40 s, each baselines run about 10 s, and the
# limits stop the other two early.
RUNS = {
    "ok": ("benchmarks/test_autokeras.py", "smoke and credit-g", []),
    "baselines": ("benchmarks/test_sklearn.py", BASELINE_CASES, []),
    # The same cases again, compared fold by fold with the first baselines run.
    "compared": ("benchmarks/test_sklearn.py", BASELINE_CASES, ["--automl-baseline", "run:baselines"]),
    "timeout": ("benchmarks/test_autokeras.py", "smoke and kc1", ["--automl-time-limit", "15"]),
    "memory": ("benchmarks/test_autokeras.py", "smoke and jasmine", ["--automl-memory-limit", "400MB"]),
}


def real_run(name: str, base: Path, datasets: Path) -> Path:
    """Return the report folder of run ``name``, running it first unless this session already did.

    Raises
    ------
    AssertionError
        If the run exits with a non-zero code or writes no results.json. The
        message ends with the run's output.
    """
    test_file, expression, options = RUNS[name]
    options = [
        str(real_run(option[4:], base, datasets)) if option.startswith("run:") else option
        for option in options
    ]
    report_dir = base / "real-runs" / name
    results = report_dir / "results.json"
    if results.is_file():
        return report_dir

    command = [
        sys.executable, "-m", "pytest", test_file, "-p", "no:cacheprovider", "-q",
        "-k", expression,
        "--automl-offline",
        "--automl-datasets", str(datasets),
        "--automl-cache-dir", str(base / "real-runs" / "cache"),
        "--automl-report-dir", str(report_dir),
        *options,
    ]
    completed = subprocess.run(
        command, cwd=REPOSITORY, capture_output=True, text=True, timeout=900,
        env={**os.environ, "AUTOML_BENCH_OFFLINE": "1"},
    )
    output = (completed.stdout + completed.stderr)[-3000:]
    assert completed.returncode == 0, f"{' '.join(command)} exited with {completed.returncode}:\n{output}"
    assert results.is_file(), f"{' '.join(command)} wrote no {results}:\n{output}"
    return report_dir
