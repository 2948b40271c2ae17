"""How quickly the guards stop a runaway child: memory overshoot and time-budget overrun.

Run with ``pytest benchmarks/test_guard_latency.py -s``; each test prints its
measurements and stores them in pytest-benchmark's ``extra_info``.

The memory probe grows by ``STEP_BYTES`` every ``STEP_SECONDS`` (1 GB/s with
the values below) against a limit of ``LIMIT_BYTES``. The sleeping probe sleeps
far past a budget of ``BUDGET_SECONDS``.
"""

from __future__ import annotations

import statistics

import pytest

from automl_bench.cases import Case
from automl_bench.datasets import DatasetSources
from automl_bench.datasets.cache import DatasetCache
from automl_bench.reporting.json_report import ResultsStore
from automl_bench.session import BenchConfig, BenchSession
from automl_bench.settings import Setting

LIMIT_BYTES = 1024 * 2**20
STEP_BYTES = 50 * 2**20
STEP_SECONDS = 0.05
BUDGET_SECONDS = 3.0
ROUNDS = 3


@pytest.fixture
def session(tmp_path, pytestconfig) -> BenchSession:
    folder = pytestconfig.getoption("automl_datasets")
    if not folder:
        pytest.skip("set --automl-datasets or AUTOML_BENCH_DATASETS to a folder with kc1")
    sources = DatasetSources(folder=folder, cache=DatasetCache(tmp_path / "cache"), offline=True)
    config = BenchConfig(sources=sources, cores=1, n_splits=2, work_root=tmp_path)
    return BenchSession(config, ResultsStore(tmp_path / "results.json", run={}))


def measure_memory_overshoot(session: BenchSession, tmp_path, round_index: int) -> dict:
    progress = tmp_path / f"allocated-{round_index}.txt"
    params = {
        "behavior": "allocate",
        "fold": 1,
        "step_bytes": STEP_BYTES,
        "step_seconds": STEP_SECONDS,
        "progress_file": str(progress),
    }
    result = session.run_case(
        Case("kc1", Setting("probe", f"allocate-{round_index}", params)), memory_limit_bytes=LIMIT_BYTES
    )
    assert result.status == "memory", result.error

    # Fold 0 does not allocate, so its peak is the child's resident baseline.
    # Each progress line is written as a step starts, so the crossing time is
    # the start of the first step that ends above the limit (an early bound),
    # and the last line bounds the allocation from above.
    baseline = result.folds[0].peak_rss_bytes
    steps = [line.split() for line in progress.read_text().splitlines()]
    crossed_at = next(float(t) for allocated, t in steps if baseline + int(allocated) > LIMIT_BYTES)
    detected_at = result.guard["detected_monotonic"]
    return {
        "max_overshoot_bytes": baseline + int(steps[-1][0]) - LIMIT_BYTES,
        "sampled_overshoot_bytes": result.guard["observed_rss_bytes"] - LIMIT_BYTES,
        "detected_after_crossing_ms": (detected_at - crossed_at) * 1000,
        "kill_and_reap_ms": result.guard["stop_seconds"] * 1000,
    }


def test_memory_guard_latency(benchmark, session, tmp_path):
    measurements = []

    def run_once():
        measurements.append(measure_memory_overshoot(session, tmp_path, len(measurements)))

    benchmark.pedantic(run_once, rounds=ROUNDS, iterations=1)

    for key in measurements[0]:
        benchmark.extra_info[key] = [m[key] for m in measurements]
    print(
        f"\nmemory guard, limit {LIMIT_BYTES / 2**20:.0f} MiB, growth "
        f"{STEP_BYTES / STEP_SECONDS / 1e9:.1f} GB/s, {ROUNDS} rounds: at most "
        f"{statistics.median(m['max_overshoot_bytes'] for m in measurements) / 2**20:.0f} MiB past the limit, "
        f"detected {statistics.median(m['detected_after_crossing_ms'] for m in measurements):.0f} ms "
        "after crossing the limit, tree killed and reaped "
        f"{statistics.median(m['kill_and_reap_ms'] for m in measurements):.0f} ms later (medians)"
    )


def test_time_budget_latency(benchmark, session):
    overruns = []

    def run_once():
        case = Case("kc1", Setting("probe", f"sleep-{len(overruns)}", {"behavior": "sleep", "fold": 1}))
        result = session.run_case(case, time_limit_seconds=BUDGET_SECONDS)
        assert result.status == "timeout", result.error
        overruns.append(result.guard["stop_seconds_after_budget"] * 1000)

    benchmark.pedantic(run_once, rounds=ROUNDS, iterations=1)

    benchmark.extra_info["stop_after_budget_ms"] = overruns
    print(
        f"\ntime budget {BUDGET_SECONDS:g} s, {ROUNDS} rounds: child tree gone "
        f"{statistics.median(overruns):.0f} ms after the budget ran out (median, max {max(overruns):.0f} ms)"
    )
