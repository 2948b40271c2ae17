"""Guards on real child processes: memory limit, time budget, crashes and failures.

Each case uses the ``probe`` framework on the real credit-g file, so the child
process, its pipe and the process-tree sampling are the production ones.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psutil
import pytest

from automl_bench.cases import Case
from automl_bench.reporting.json_report import ResultsStore, read_results
from automl_bench.session import BenchConfig, BenchSession
from automl_bench.settings import Setting


def probe_case(name: str, **params) -> Case:
    return Case("credit-g", Setting("probe", name, params))


@pytest.fixture
def session(tmp_path, offline_sources) -> BenchSession:
    store = ResultsStore(tmp_path / "report" / "results.json", run={})
    config = BenchConfig(sources=offline_sources, cores=1, work_root=tmp_path)
    return BenchSession(config, store)


def assert_next_case_runs(session: BenchSession) -> None:
    result = session.run_case(probe_case("after"))
    assert result.status == "ok"
    assert len(result.folds) == 5


def test_ok_probe_scores_five_folds(session):
    result = session.run_case(probe_case("ok"))

    assert result.status == "ok"
    assert [fold.fold for fold in result.folds] == [0, 1, 2, 3, 4]
    assert all(0.3 < fold.auc < 0.7 for fold in result.folds)
    assert all(fold.peak_rss_bytes > 10 * 2**20 for fold in result.folds)
    assert result.framework_versions["probe"] == "1"


def test_memory_limit_stops_case(session, tmp_path):
    progress = tmp_path / "allocated.txt"
    limit = 400 * 2**20
    case = probe_case("allocate", behavior="allocate", fold=1, progress_file=str(progress))

    result = session.run_case(case, memory_limit_bytes=limit)

    assert result.status == "memory"
    assert [fold.fold for fold in result.folds] == [0]
    assert result.guard["observed_rss_bytes"] > limit
    assert result.peak_rss_bytes > limit
    assert "memory limit 400.00 MiB exceeded" in result.error
    assert "in fold 1" in result.error
    last_allocated = int(progress.read_text().split()[-2])
    # The child was stopped before it could grow far past the limit.
    assert last_allocated < limit + 300 * 2**20
    assert_next_case_runs(session)


def test_time_budget_stops_case(session):
    case = probe_case("sleep", behavior="sleep", fold=2, seconds=600)
    started = time.monotonic()

    result = session.run_case(case, time_limit_seconds=4)

    elapsed = time.monotonic() - started
    assert result.status == "timeout"
    assert [fold.fold for fold in result.folds] == [0, 1]
    assert "time budget of 4 s ran out in fold 2" in result.error
    assert result.guard["stop_seconds_after_budget"] < 2.0
    assert elapsed < 4 + 5
    assert_next_case_runs(session)


def test_timeout_leaves_no_process(session, tmp_path):
    pid_file = tmp_path / "helper.pid"
    case = probe_case("spawn", behavior="spawn", progress_file=str(pid_file), seconds=600)

    result = session.run_case(case, time_limit_seconds=4)

    assert result.status == "timeout"
    helper = int(pid_file.read_text())
    assert not psutil.pid_exists(helper) or psutil.Process(helper).status() == psutil.STATUS_ZOMBIE


def test_abort_is_recorded_as_crash(session):
    result = session.run_case(probe_case("abort", behavior="abort", fold=3))

    assert result.status == "crashed"
    assert "SIGABRT" in result.error
    assert "in fold 3" in result.error
    assert [fold.fold for fold in result.folds] == [0, 1, 2]
    assert_next_case_runs(session)


def test_exit_without_result_is_crash(session):
    result = session.run_case(probe_case("exit", behavior="exit", fold=0))

    assert result.status == "crashed"
    assert "exited with code 3 without a result in fold 0" in result.error
    assert result.folds == []


def test_exception_is_recorded_as_failure(session):
    result = session.run_case(probe_case("raise", behavior="raise", message="no model fits"))

    assert result.status == "failed"
    assert len(result.folds) == 5
    assert all(fold.status == "failed" for fold in result.folds)
    assert result.folds[0].error == "ProbeError: no model fits"
    assert "5 of 5 folds failed" in result.error
    assert_next_case_runs(session)


def test_invalid_setting_fails_before_folds(session):
    result = session.run_case(probe_case("typo", behavior="explode"))

    assert result.status == "failed"
    assert "unknown probe behavior 'explode'" in result.error
    assert result.folds == []


def test_results_file_valid_after_each_fold(session):
    seen = []
    original = session.store.write

    def write_and_read():
        original()
        seen.append(read_results(session.store.path))

    session.store.write = write_and_read
    session.run_case(probe_case("ok"))

    fold_counts = [len(data["cases"][0]["folds"]) for data in seen]
    assert fold_counts[0] == 0
    assert fold_counts[-1] == 5
    assert sorted(set(fold_counts)) == [0, 1, 2, 3, 4, 5]
    assert seen[0]["cases"][0]["status"] == "running"
    assert json.loads(Path(session.store.path).read_text())["cases"][0]["status"] == "ok"


def test_no_child_left_after_cases(session):
    session.run_case(probe_case("ok"))

    children = psutil.Process(os.getpid()).children(recursive=True)
    assert [child for child in children if child.status() != psutil.STATUS_ZOMBIE] == []


def test_unstartable_interpreter_is_crash(tmp_path, offline_sources):
    not_a_program = tmp_path / "python"
    not_a_program.write_text("not an interpreter\n")
    store = ResultsStore(tmp_path / "report" / "results.json", run={})
    config = BenchConfig(sources=offline_sources, pythons={"probe": str(not_a_program)}, work_root=tmp_path)

    result = BenchSession(config, store).run_case(probe_case("ok"))

    assert result.status == "crashed"
    assert f"could not start the child with {not_a_program}" in result.error
    assert read_results(store.path)["cases"][0]["status"] == "crashed"
