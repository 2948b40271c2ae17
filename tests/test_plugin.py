"""The plugin as users run it: real pytest subprocesses, outcomes, interruption and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

PROBE_CASES = """
import pytest

from automl_bench.cases import Case
from automl_bench.settings import Setting

CASES = [
    Case("credit-g", Setting("probe", "first", {{"behavior": "ok"}})),
    Case("kc1", Setting("probe", "second", {second})),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.test_id)
def test_probe(case, automl):
    automl.run(case)
"""


def write_probe_cases(pytester, second: dict) -> None:
    pytester.makepyfile(test_probe=PROBE_CASES.format(second=repr(second)))


def base_args(shared_datasets: Path, tmp_path: Path) -> list[str]:
    return [
        "-p",
        "no:cacheprovider",
        f"--automl-datasets={shared_datasets}",
        f"--automl-cache-dir={tmp_path / 'cache'}",
        "--automl-offline",
        "--automl-cores=1",
    ]


def read_cases(report_dir: Path) -> dict:
    data = json.loads((report_dir / "results.json").read_text())
    return {case["id"]: case for case in data["cases"]}


def start_pytest(pytester, args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        cwd=pytester.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_status(report_dir: Path, case_id: str, status: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            case = read_cases(report_dir).get(case_id)
        except (OSError, ValueError):
            case = None
        if case is not None and case["status"] == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"{case_id} did not reach status {status!r} within {timeout} s")


@pytest.fixture(autouse=True)
def child_tmpdir(tmp_path, monkeypatch) -> Path:
    """Give the pytest subprocesses their own TMPDIR, so their children can be identified."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def child_processes(tmpdir: Path) -> list[psutil.Process]:
    """Return the live case children whose working folder is under ``tmpdir``."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = process.info["cmdline"] or []
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if "automl_bench.execution.child" in cmdline and any(str(tmpdir) in arg for arg in cmdline):
            found.append(process)
    return found


def test_failure_is_xfail_by_default(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "raise", "message": "bad fit"})

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), "-rA")

    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*XFAIL*kc1-second*failed: 5 of 5 folds failed; fold 0: ProbeError: bad fit*"])
    assert result.ret == 0


def test_strict_turns_failure_into_failed(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "abort", "fold": 1})

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), "--automl-strict", "-rA")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*_ test_probe[[]kc1-second[]] _*", "crashed: child process killed by SIGABRT in fold 1*"])
    assert result.ret == 1


def test_summary_lists_every_case(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path))

    result.stdout.fnmatch_lines(
        [
            "*automl-bench*",
            "probe/credit-g/first: ok, ROC AUC 0.* over 5 fold(s)*",
            "probe/kc1/second: ok, ROC AUC 0.* over 5 fold(s)*",
            f"results: {pytester.path / 'reports' / 'results.json'}",
        ]
    )


def test_kill_then_resume_loses_nothing(pytester, shared_datasets, tmp_path, child_tmpdir):
    report_dir = pytester.path / "reports"
    args = base_args(shared_datasets, tmp_path)
    write_probe_cases(pytester, {"behavior": "sleep", "fold": 2, "seconds": 600})
    first = start_pytest(pytester, args)
    wait_for_status(report_dir, "probe/credit-g/first", "ok")
    deadline = time.monotonic() + 60
    while len(read_cases(report_dir).get("probe/kc1/second", {}).get("folds", [])) < 2:
        assert time.monotonic() < deadline, "the second case never finished two folds"
        time.sleep(0.1)
    first.kill()
    first.wait(timeout=30)

    killed = read_cases(report_dir)
    assert killed["probe/credit-g/first"]["status"] == "ok"
    assert killed["probe/kc1/second"]["status"] == "running"
    assert len(killed["probe/kc1/second"]["folds"]) == 2
    # The child's watchdog notices the dead parent and kills its process group.
    time.sleep(1.0)
    assert child_processes(child_tmpdir) == []

    resumed = pytester.runpytest_subprocess(
        *args, "--automl-resume", "--automl-time-limit=60", "-rA", "-k", "first"
    )
    resumed.assert_outcomes(skipped=1, deselected=1)
    resumed.stdout.fnmatch_lines(["*SKIPPED*probe/credit-g/first is already complete*"])

    rerun = pytester.runpytest_subprocess(*args, "--automl-resume", "--automl-time-limit=6")
    rerun.assert_outcomes(skipped=1, xfailed=1)
    final = json.loads((report_dir / "results.json").read_text())
    ids = [case["id"] for case in final["cases"]]
    assert sorted(ids) == ["probe/credit-g/first", "probe/kc1/second"]
    assert read_cases(report_dir)["probe/kc1/second"]["status"] == "timeout"


def test_pytest_timeout_stops_child(pytester, shared_datasets, tmp_path, child_tmpdir):
    pytester.makepyfile(
        test_probe="""
import pytest

from automl_bench.cases import Case
from automl_bench.settings import Setting


@pytest.mark.timeout(5, method="signal")
def test_stuck(automl):
    automl.run(Case("credit-g", Setting("probe", "stuck", {"behavior": "sleep", "fold": 1})))
"""
    )

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), "-rA")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout*"])
    case = read_cases(pytester.path / "reports")["probe/credit-g/stuck"]
    assert case["status"] == "timeout"
    assert [fold["fold"] for fold in case["folds"]] == [0]
    assert "parent interrupted in fold 1 by Failed: Timeout" in case["error"]
    assert child_processes(child_tmpdir) == []


def test_ctrl_c_records_and_stops(pytester, shared_datasets, tmp_path, child_tmpdir):
    write_probe_cases(pytester, {"behavior": "sleep", "fold": 0, "seconds": 600})
    report_dir = pytester.path / "reports"

    run = start_pytest(pytester, base_args(shared_datasets, tmp_path))
    wait_for_status(report_dir, "probe/kc1/second", "running")
    time.sleep(1.5)
    run.send_signal(signal.SIGINT)
    output, _ = run.communicate(timeout=60)

    assert run.returncode == 2, output
    case = read_cases(report_dir)["probe/kc1/second"]
    assert case["status"] == "interrupted"
    assert "KeyboardInterrupt" in case["error"]
    assert read_cases(report_dir)["probe/credit-g/first"]["status"] == "ok"
    assert child_processes(child_tmpdir) == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("4 parsecs", "*--automl-memory-limit: invalid size '4 parsecs'; use a positive number*"),
        ("500", "*--automl-memory-limit: invalid size '500'; use a positive number with a unit*"),
    ],
)
def test_invalid_memory_limit_rejected(pytester, shared_datasets, tmp_path, value, message):
    write_probe_cases(pytester, {"behavior": "ok"})

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), f"--automl-memory-limit={value}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_xdist_memory_oversubscription_warns(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})
    limit_gib = psutil.virtual_memory().available // 2**30

    result = pytester.runpytest_subprocess(
        *base_args(shared_datasets, tmp_path), "-n", "2", f"--automl-memory-limit={limit_gib}GiB"
    )

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*2 xdist workers × --automl-memory-limit*more than the*available*"])


def test_collecting_grid_skips_tensorflow(pytester):
    repository = Path(__file__).resolve().parents[1]
    pytester.makepyfile(
        collect_probe="""
import sys
from pathlib import Path


def pytest_collection_finish(session):
    loaded = [name for name in ("tensorflow", "keras", "autokeras") if name in sys.modules]
    Path("framework-modules.txt").write_text(" ".join(loaded) or "none")
"""
    )

    result = pytester.runpytest_subprocess(
        "-p", "collect_probe", str(repository / "benchmarks"), "--collect-only", "-q"
    )

    result.stdout.fnmatch_lines(["*test_autokeras[[]credit-g-smoke[]]*", "* tests collected*"])
    assert (pytester.path / "framework-modules.txt").read_text() == "none"


def test_folds_recorded_by_pytest_benchmark(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})
    storage = tmp_path / "benchmarks"

    result = pytester.runpytest_subprocess(
        *base_args(shared_datasets, tmp_path),
        f"--benchmark-json={tmp_path / 'benchmark.json'}",
        f"--benchmark-storage=file://{storage}",
        "--benchmark-save=probe",
    )

    result.assert_outcomes(passed=2)
    benchmarks = json.loads((tmp_path / "benchmark.json").read_text())["benchmarks"]
    by_case = {entry["extra_info"]["case"]: entry for entry in benchmarks}
    assert sorted(by_case) == ["probe/credit-g/first", "probe/kc1/second"]
    entry = by_case["probe/credit-g/first"]
    assert entry["stats"]["rounds"] == 5
    assert len(entry["extra_info"]["auc"]) == 5
    cases = read_cases(pytester.path / "reports")
    fit_seconds = [fold["fit_seconds"] for fold in cases["probe/credit-g/first"]["folds"]]
    assert entry["stats"]["max"] == pytest.approx(max(fit_seconds))

    compare = subprocess.run(
        [Path(sys.executable).with_name("pytest-benchmark"), "--storage", f"file://{storage}", "compare"],
        capture_output=True,
        text=True,
    )
    assert compare.returncode == 0, compare.stderr
    assert "test_probe[credit-g-first]" in compare.stdout


def test_xdist_results_merged_without_benchmark(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), "-n", "2")

    result.assert_outcomes(passed=2)
    report_dir = pytester.path / "reports"
    cases = read_cases(report_dir)
    assert sorted(cases) == ["probe/credit-g/first", "probe/kc1/second"]
    assert all(len(case["folds"]) == 5 for case in cases.values())
    assert all(fold["fit_seconds"] is not None for case in cases.values() for fold in case["folds"])
    assert not (report_dir / ".workers").exists()
    result.stdout.no_fnmatch_line("*Benchmark fixture was not used*")
    rows = (report_dir / "results.csv").read_text().splitlines()
    assert len(rows) == 1 + 10
    html = (report_dir / "report.html").read_text()
    assert "credit-g" in html
    assert "kc1" in html


def test_missing_environment_skips_case(pytester, shared_datasets, tmp_path):
    pytester.makepyfile(
        test_flaml="""
from automl_bench.cases import Case
from automl_bench.settings import get_setting


def test_flaml(automl):
    automl.run(Case("credit-g", get_setting("flaml", "quick")))
"""
    )

    result = pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path), "-rs")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*no environment for framework 'flaml': *.tox/flaml/bin/python not found; create it in * with `tox run -e flaml --notest`*"]
    )


def test_resume_under_xdist_skips_complete(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})
    args = base_args(shared_datasets, tmp_path)
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=2)

    result = pytester.runpytest_subprocess(*args, "-n", "2", "--automl-resume")

    result.assert_outcomes(skipped=2)
    cases = read_cases(pytester.path / "reports")
    assert sorted(cases) == ["probe/credit-g/first", "probe/kc1/second"]
    assert all(case["status"] == "ok" for case in cases.values())


def test_run_without_cases_keeps_results(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})
    report_dir = pytester.path / "reports"
    pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path)).assert_outcomes(passed=2)
    before = (report_dir / "results.json").read_text()
    empty = tmp_path / "no-datasets"
    empty.mkdir()

    skipped = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--automl-datasets={empty}", f"--automl-cache-dir={empty}", "--automl-offline"
    )

    skipped.assert_outcomes(skipped=2)
    assert (report_dir / "results.json").read_text() == before
    assert not (report_dir / "results.previous.json").exists()

    pytester.runpytest_subprocess(*base_args(shared_datasets, tmp_path)).assert_outcomes(passed=2)
    assert (report_dir / "results.previous.json").read_text() == before


def test_xdist_run_records_cores_per_worker(pytester, shared_datasets, tmp_path):
    write_probe_cases(pytester, {"behavior": "ok"})
    args = [arg for arg in base_args(shared_datasets, tmp_path) if not arg.startswith("--automl-cores")]

    pytester.runpytest_subprocess(*args, "-n", "2").assert_outcomes(passed=2)

    data = json.loads((pytester.path / "reports" / "results.json").read_text())
    expected = max(1, os.cpu_count() // 2)
    assert data["run"]["cores_per_case"] == expected
    assert [case["cores"] for case in data["cases"]] == [expected, expected]
