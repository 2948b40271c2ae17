"""The per-run plugin object: builds the benchmark session, runs cases, merges xdist results."""

from __future__ import annotations

import logging
import os
import sys
import uuid
from pathlib import Path

import pytest

from .cases import Case
from .datasets import DatasetError, DatasetNotAvailableError, DatasetSources, UnknownDatasetError
from .datasets.cache import DatasetCache, default_cache_dir
from .environments import find_pythons, has_tox_environment, missing_message
from .execution.guards import format_size, parse_size
from .execution.runner import stop_live_children
from .regression import FoldMismatchError, compare_case, missing_cases
from .reporting.json_report import RESULTS_FILE, ResultsStore, read_results
from .results import CaseResult
from .run_info import collect_run_info
from .session import BenchConfig, BenchSession

logger = logging.getLogger("automl_bench")

WORKER_FOLDER = ".workers"
# How much longer than a case's own budget pytest-timeout waits before it
# fails the test, as a safety net for a parent that is itself stuck.
OUTER_TIMEOUT_FACTOR = 1.25
OUTER_TIMEOUT_MARGIN_SECONDS = 120


def _parse_pythons(values: list[str]) -> dict:
    pythons = {}
    for value in values:
        framework, separator, path = value.partition("=")
        if not separator or not framework or not path:
            raise pytest.UsageError(
                f"--automl-python {value!r}: expected FRAMEWORK=PATH, for example "
                "autokeras=.tox/autokeras/bin/python"
            )
        if not Path(path).is_file():
            raise pytest.UsageError(f"--automl-python {value!r}: no interpreter at {path}")
        # The child starts in the case's working folder, so the path must be
        # absolute. resolve() would follow a venv's python symlink out of the venv.
        pythons[framework] = os.path.abspath(path)
    return pythons


def _warn_if_memory_oversubscribed(config: pytest.Config, memory_limit: int) -> None:
    """Warn when xdist workers times the memory limit exceed the memory available now."""
    import psutil

    workers = getattr(config.option, "numprocesses", None)
    if workers == "auto" or workers == "logical":
        workers = os.cpu_count() or 1
    if not workers or int(workers) < 2:
        return
    available = psutil.virtual_memory().available
    if int(workers) * memory_limit > available:
        config.issue_config_time_warning(
            pytest.PytestWarning(
                f"{workers} xdist workers × --automl-memory-limit {format_size(memory_limit)} = "
                f"{format_size(int(workers) * memory_limit)}, more than the "
                f"{format_size(available)} available; cases may be killed by the kernel's "
                "OOM killer before the memory guard stops them. Use fewer workers or a lower limit."
            ),
            stacklevel=2,
        )


def _xdist_worker_count(config: pytest.Config) -> int:
    """Return the number of xdist workers, in a worker (from its environment) or the controller."""
    try:
        workers = int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    except (KeyError, ValueError):
        workers = getattr(config.option, "numprocesses", None) or 1
        if workers in ("auto", "logical"):
            workers = os.cpu_count() or 1
    return max(1, int(workers))


class AutoMLBenchPlugin:
    """Holds one run's configuration and results store; registered by ``pytest_configure``."""

    def __init__(self, config: pytest.Config):
        self.config = config
        option = config.option
        try:
            memory_limit = parse_size(option.automl_memory_limit) if option.automl_memory_limit else None
        except ValueError as error:
            raise pytest.UsageError(f"--automl-memory-limit: {error}") from None
        if option.automl_time_limit is not None and option.automl_time_limit <= 0:
            raise pytest.UsageError(
                f"--automl-time-limit: {option.automl_time_limit:g} is not a positive number of seconds"
            )
        if option.automl_seed < 0:
            raise pytest.UsageError(f"--automl-seed: {option.automl_seed} is negative; use 0 or more")
        if option.automl_folds < 2:
            raise pytest.UsageError(f"--automl-folds: {option.automl_folds} is below 2")
        if option.automl_cores is not None and option.automl_cores < 1:
            raise pytest.UsageError(f"--automl-cores: {option.automl_cores} is below 1")
        datasets = Path(option.automl_datasets).expanduser() if option.automl_datasets else None
        if datasets is not None and not datasets.is_dir():
            raise pytest.UsageError(f"--automl-datasets: {datasets} is not a folder")

        cache_dir = Path(option.automl_cache_dir).expanduser() if option.automl_cache_dir else default_cache_dir()
        self.bench_config = BenchConfig(
            sources=DatasetSources(folder=datasets, cache=DatasetCache(cache_dir), offline=option.automl_offline),
            cores=option.automl_cores or max(1, (os.cpu_count() or 1) // _xdist_worker_count(config)),
            n_splits=option.automl_folds,
            seed=option.automl_seed,
            time_limit_seconds=option.automl_time_limit,
            memory_limit_bytes=memory_limit,
            keep_models=option.automl_keep_models,
            pythons={**find_pythons(Path(config.rootpath)), **_parse_pythons(option.automl_python)},
        )
        self.report_dir = Path(config.rootpath, option.automl_report_dir)
        self.worker_id = getattr(config, "workerinput", {}).get("workerid")
        self.run_id = getattr(config, "workerinput", {}).get("automl_run_id") or uuid.uuid4().hex
        self._session: BenchSession | None = None
        self._ran: list[CaseResult] = []
        self._report_paths: dict[str, Path] = {}
        self._previous: dict[str, CaseResult] | None = None
        self.baseline = self._read_baseline(option.automl_baseline)
        if option.automl_auc_tolerance < 0:
            raise pytest.UsageError(f"--automl-auc-tolerance: {option.automl_auc_tolerance:g} is negative")
        if option.automl_time_tolerance is not None and option.automl_time_tolerance <= 1:
            raise pytest.UsageError(
                f"--automl-time-tolerance: {option.automl_time_tolerance:g} is not a ratio above 1"
            )
        if self.worker_id is None and memory_limit is not None:
            _warn_if_memory_oversubscribed(config, memory_limit)

    # -- setup -------------------------------------------------------------

    @staticmethod
    def _read_baseline(path: str | None) -> dict[str, CaseResult] | None:
        if path is None:
            return None
        try:
            data = read_results(Path(path))
        except FileNotFoundError:
            raise pytest.UsageError(f"--automl-baseline: {path} not found") from None
        except ValueError as error:
            raise pytest.UsageError(f"--automl-baseline: {error}") from None
        return {case["id"]: CaseResult.from_dict(case) for case in data["cases"]}

    def _results_path(self) -> Path:
        if self.worker_id is None:
            return self.report_dir / RESULTS_FILE
        return self.report_dir / WORKER_FOLDER / self.run_id / f"{self.worker_id}.json"

    def previous_cases(self) -> dict[str, CaseResult]:
        """Return the cases of the report folder's results.json with --automl-resume, else none."""
        if self._previous is None:
            self._previous = {}
            path = self.report_dir / RESULTS_FILE
            if self.config.option.automl_resume and path.is_file():
                try:
                    data = read_results(path)
                except ValueError as error:
                    raise pytest.UsageError(f"--automl-resume: {error}") from None
                self._previous = {case["id"]: CaseResult.from_dict(case) for case in data["cases"]}
        return self._previous

    def session(self) -> BenchSession:
        """Return the benchmark session, creating the results store on first use."""
        if self._session is None:
            config = self.bench_config
            run = collect_run_info(
                Path(self.config.rootpath), config.seed, config.n_splits, config.cores, sys.argv
            )
            run["run_id"] = self.run_id
            path = self._results_path()
            # Workers write only their own cases; the controller keeps the
            # previous ones when resuming and merges the workers' into them.
            previous = list(self.previous_cases().values()) if self.worker_id is None else []
            keep_previous = self.worker_id is None and not self.config.option.automl_resume
            self._session = BenchSession(config, ResultsStore(path, run, previous, keep_previous))
        return self._session

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node):
        """Give every xdist worker this run's id, so their result files can be merged."""
        node.workerinput["automl_run_id"] = self.run_id

    def pytest_collection_modifyitems(self, session, config, items):
        """Add a pytest-timeout limit above each case's own budget, unless the case has one."""
        if not config.pluginmanager.hasplugin("timeout"):
            return
        for item in items:
            case = _case_of(item)
            if case is None or item.get_closest_marker("timeout") is not None:
                continue
            budget = self.bench_config.time_limit_for(case, _marker_value(item, "automl_time_limit"))
            outer = budget * OUTER_TIMEOUT_FACTOR + OUTER_TIMEOUT_MARGIN_SECONDS
            item.add_marker(pytest.mark.timeout(outer, method="signal"))

    # -- running a case ------------------------------------------------------

    @pytest.fixture
    def automl(self, request):
        """Run benchmark cases: ``automl.run(case)`` records the case and sets the test outcome."""
        return CaseRunner(self, request)

    # -- end of session --------------------------------------------------------

    def pytest_sessionfinish(self, session, exitstatus):
        """Stop any child that is still running and, on the xdist controller, merge worker results."""
        stop_live_children()
        if self.worker_id is None:
            self._merge_worker_results()
            self._write_reports()

    def _write_reports(self) -> None:
        # A run that recorded no case leaves the reports of the last one alone.
        if self._session is None or not self._session.store.path.is_file():
            return
        from .reporting.writer import write_reports

        try:
            written = write_reports(self._session.store.to_dict(), self.report_dir)
        except (ValueError, ImportError, OSError) as error:
            logger.warning("report.html and results.csv not written: %s", error)
            return
        self._report_paths = written

    def _merge_worker_results(self) -> None:
        folder = self.report_dir / WORKER_FOLDER / self.run_id
        if not folder.is_dir():
            return
        files = sorted(folder.glob("*.json"))
        if not files:
            return
        store = self.session().store
        for path in files:
            data = read_results(path)
            for name, versions in data["run"].get("framework_versions", {}).items():
                store.run.setdefault("framework_versions", {})[name] = versions
            for case in data["cases"]:
                result = CaseResult.from_dict(case)
                store.cases[result.id] = result
                self._ran.append(result)
        store.write()
        for path in files:
            path.unlink()
        folder.rmdir()
        if not any(folder.parent.iterdir()):
            folder.parent.rmdir()

    def pytest_terminal_summary(self, terminalreporter):
        """Print one line per case run in this session and where the results were written."""
        if self.worker_id is not None or self._session is None:
            return
        ran = {case.id: case for case in self._ran}
        if not ran:
            return
        terminalreporter.section("automl-bench")
        for case in ran.values():
            terminalreporter.line(_summary_line(case))
        terminalreporter.line(f"results: {self._session.store.path}")
        for path in self._report_paths.values():
            terminalreporter.line(f"report: {path}")
        if self.baseline is not None:
            self._summarize_baseline(terminalreporter, ran)

    def _summarize_baseline(self, terminalreporter, ran: dict) -> None:
        terminalreporter.section("automl-bench baseline comparison")
        for case in ran.values():
            comparison = case.baseline_comparison
            if comparison and comparison.get("verdict") != "unchanged":
                terminalreporter.line(f"{comparison['verdict'].upper()} {comparison['message']}")
        unchanged = sum(1 for case in ran.values() if case.baseline_comparison.get("verdict") == "unchanged")
        terminalreporter.line(f"{unchanged} case(s) unchanged against {self.config.option.automl_baseline}")
        only_current, only_baseline = missing_cases(ran, self.baseline)
        if only_current:
            terminalreporter.line(f"not in the baseline: {', '.join(only_current)}")
        if only_baseline:
            terminalreporter.line(f"in the baseline but not run: {', '.join(only_baseline)}")


class CaseRunner:
    """The ``automl`` fixture's value: runs a case and maps its status to a pytest outcome."""

    def __init__(self, plugin: AutoMLBenchPlugin, request):
        self.plugin = plugin
        self.request = request

    def run(self, case: Case) -> CaseResult:
        """Run ``case``; skip, xfail or fail the test according to how it ended.

        A case whose dataset cannot be found is skipped. A framework that fails,
        times out, exceeds the memory limit or crashes gives ``xfail`` with the
        reason, or a failure with ``--automl-strict``. Invalid input fails the test.
        """
        plugin = self.plugin
        node = self.request.node
        session = plugin.session()
        problem = None
        try:
            dataset = session.dataset(case.dataset)
        except DatasetNotAvailableError as error:
            pytest.skip(str(error))
        except (DatasetError, UnknownDatasetError) as error:
            problem = str(error)
        if problem is not None:
            # Outside the except block, so pytest shows the message once.
            pytest.fail(problem, pytrace=False)

        if has_tox_environment(case.framework) and case.framework not in session.config.pythons:
            pytest.skip(missing_message(case.framework, Path(plugin.config.rootpath)))

        previous = plugin.previous_cases().get(case.id)
        if previous is not None and previous.complete:
            folds = session.folds(dataset)
            same = (
                previous.fold_hash == folds.fold_hash
                and previous.dataset_sha256 == dataset.sha256
                and previous.params == dict(case.setting.params)
            )
            if same:
                pytest.skip(f"{case.id} is already complete in {session.store.path} (--automl-resume)")

        memory = _marker_value(node, "automl_memory_limit")
        try:
            memory_bytes = parse_size(memory) if memory is not None else None
        except ValueError as error:
            pytest.fail(f"automl_memory_limit marker on {node.nodeid}: {error}", pytrace=False)

        result = session.run_case(
            case,
            time_limit_seconds=_marker_value(node, "automl_time_limit"),
            memory_limit_bytes=memory_bytes,
        )
        plugin._ran.append(result)
        self._record_benchmark(result)
        node.user_properties.append(("automl_case", result.id))
        node.user_properties.append(("automl_status", result.status))

        if result.status == "ok":
            self._compare_with_baseline(result)
            return result
        reason = f"{result.status}: {result.error}"
        if plugin.config.option.automl_strict:
            pytest.fail(reason, pytrace=False)
        pytest.xfail(reason)

    def _compare_with_baseline(self, result: CaseResult) -> None:
        """Compare ``result`` with the baseline's case of the same id; fail on a regression."""
        plugin = self.plugin
        baseline = None if plugin.baseline is None else plugin.baseline.get(result.id)
        if baseline is None:
            return
        option = plugin.config.option
        try:
            comparison = compare_case(
                result, baseline, option.automl_auc_tolerance, option.automl_time_tolerance
            )
        except FoldMismatchError as error:
            result.baseline_comparison = {"verdict": "not comparable", "message": str(error)}
            plugin.session().store.record(result)
            pytest.fail(str(error), pytrace=False)
        result.baseline_comparison = comparison.to_dict()
        plugin.session().store.record(result)
        logger.info("case %s baseline comparison: %s", result.id, comparison.message)
        if comparison.verdict in ("regressed", "slower"):
            pytest.fail(comparison.message, pytrace=False)

    def _record_benchmark(self, result: CaseResult) -> None:
        """Record the fit seconds of every scored fold as one pytest-benchmark round each.

        pytest-benchmark turns itself off under xdist and with
        ``--benchmark-disable``; the case's own timings in results.json do not
        depend on it.
        """
        try:
            benchmark = self.request.getfixturevalue("benchmark")
        except pytest.FixtureLookupError:
            return
        # NOTE: pytest-benchmark 5.x has no public call for recording durations
        # measured elsewhere; _mode, _make_stats and Stats.update are its
        # internals. Setting _mode also stops its "fixture was not used" warning.
        benchmark._mode = "automl-bench folds"
        scored = [fold for fold in result.folds if fold.status == "ok"]
        if benchmark.disabled or not scored:
            return

        stats = benchmark._make_stats(1)
        for fold in scored:
            stats.update(fold.fit_seconds)
        benchmark.extra_info.update(
            {
                "case": result.id,
                "status": result.status,
                "timing": "fit seconds per fold",
                "folds": [fold.fold for fold in scored],
                "auc": [fold.auc for fold in scored],
                "predict_seconds": [fold.predict_seconds for fold in scored],
                "peak_rss_bytes": [fold.peak_rss_bytes for fold in scored],
            }
        )


def _case_of(item) -> Case | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for value in callspec.params.values():
        if isinstance(value, Case):
            return value
    return None


def _marker_value(item, name: str):
    marker = item.get_closest_marker(name)
    if marker is None:
        return None
    if not marker.args:
        raise pytest.UsageError(f"marker {name} on {item.nodeid} needs a value")
    return marker.args[0]


def _summary_line(case: CaseResult) -> str:
    aucs = [fold.auc for fold in case.folds if fold.auc is not None]
    auc = f"ROC AUC {sum(aucs) / len(aucs):.4f} over {len(aucs)} fold(s)" if aucs else "no ROC AUC"
    wall = f"{case.wall_seconds:.1f} s" if case.wall_seconds is not None else "n/a"
    line = f"{case.id}: {case.status}, {auc}, {wall}, peak RSS {format_size(case.peak_rss_bytes)}"
    if case.status != "ok" and case.error:
        line += f" ({case.error.splitlines()[0][:200]})"
    return line
