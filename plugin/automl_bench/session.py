"""Run cases: load the dataset, split folds, run the child, score and record every fold.

This module is the harness without pytest; the plugin's hooks only translate
options and outcomes.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .cases import Case
from .datasets import Dataset, DatasetSources, load_dataset
from .execution.runner import ChildProcess, Limits
from .folds import Folds, make_folds
from .frameworks import adapter_path
from .reporting.json_report import ResultsStore
from .results import CaseResult, FoldResult
from .scoring import roc_auc

logger = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT_SECONDS = 3600.0


@dataclass
class BenchConfig:
    """Settings of a benchmark run that apply to every case.

    ``time_limit_seconds`` overrides the settings' own budgets when given;
    ``pythons`` maps a framework to the interpreter of its environment.
    """

    sources: DatasetSources = field(default_factory=DatasetSources)
    cores: int = 1
    n_splits: int = 5
    seed: int = 0
    time_limit_seconds: float | None = None
    memory_limit_bytes: int | None = None
    keep_models: bool = False
    pythons: dict = field(default_factory=dict)
    work_root: Path | None = None

    def time_limit_for(self, case: Case, override: float | None = None) -> float:
        """Return the case's budget: ``override``, else the run's option, else the setting's."""
        for value in (override, self.time_limit_seconds, case.setting.time_limit):
            if value is not None:
                return float(value)
        return DEFAULT_TIME_LIMIT_SECONDS


class BenchSession:
    """Runs cases and records them in a :class:`ResultsStore`."""

    def __init__(self, config: BenchConfig, store: ResultsStore):
        self.config = config
        self.store = store
        self._datasets: dict[str, Dataset] = {}
        self._folds: dict[str, Folds] = {}

    def dataset(self, name: str) -> Dataset:
        """Load ``name`` once per session; see :func:`load_dataset` for the errors it raises."""
        if name not in self._datasets:
            self._datasets[name] = load_dataset(name, self.config.sources)
        return self._datasets[name]

    def folds(self, dataset: Dataset) -> Folds:
        """Return the dataset's folds, the same for every setting and framework."""
        if dataset.name not in self._folds:
            self._folds[dataset.name] = make_folds(
                dataset.labels.astype(str).to_numpy(), self.config.n_splits, self.config.seed
            )
        return self._folds[dataset.name]

    def run_case(
        self,
        case: Case,
        time_limit_seconds: float | None = None,
        memory_limit_bytes: int | None = None,
    ) -> CaseResult:
        """Run every fold of ``case`` in a child process and return its recorded result.

        The result is written to the store when the case starts, after every
        fold and when it ends, including when the parent is interrupted.

        Raises
        ------
        DatasetNotAvailableError, DatasetError
            If the dataset cannot be loaded; nothing is recorded then.
        """
        config = self.config
        dataset = self.dataset(case.dataset)
        folds = self.folds(dataset)
        limits = Limits(
            time_limit_seconds=config.time_limit_for(case, time_limit_seconds),
            memory_limit_bytes=memory_limit_bytes if memory_limit_bytes is not None else config.memory_limit_bytes,
        )
        result = CaseResult(
            id=case.id,
            dataset=case.dataset,
            framework=case.framework,
            setting=case.setting.name,
            status="running",
            n_splits=folds.n_splits,
            seed=folds.seed,
            fold_hash=folds.fold_hash,
            dataset_sha256=dataset.sha256,
            positive_class=dataset.positive_class,
            params=dict(case.setting.params),
            started_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            time_limit_seconds=limits.time_limit_seconds,
            memory_limit_bytes=limits.memory_limit_bytes,
            cores=config.cores,
        )
        self.store.record(result)
        logger.info(
            "case %s started: %d folds, budget %g s, %d core(s)",
            case.id,
            folds.n_splits,
            limits.time_limit_seconds,
            config.cores,
        )

        workdir = Path(tempfile.mkdtemp(prefix=f"{case.test_id}-", dir=config.work_root))
        (workdir / "folds.json").write_text(folds.to_json())
        test_labels = dataset.labels.astype(str).to_numpy()

        def record_fold(message: dict) -> None:
            fold = _fold_result(message, test_labels[folds.test_indices[message["fold"]]], dataset)
            result.folds.append(fold)
            self.store.record(result)
            logger.info(
                "case %s fold %d (%d of %d): %s, ROC AUC %s, fit %.1f s, peak RSS %.0f MiB",
                case.id,
                fold.fold,
                len(result.folds),
                folds.n_splits,
                fold.status,
                "n/a" if fold.auc is None else f"{fold.auc:.4f}",
                fold.fit_seconds or 0.0,
                (fold.peak_rss_bytes or 0) / 2**20,
            )

        spec = {
            "adapter": adapter_path(case.framework),
            "params": case.setting.params,
            "dataset_path": str(dataset.cache_path),
            "target": dataset.target,
            "classes": dataset.classes,
            "positive_class": dataset.positive_class,
            "folds_path": str(workdir / "folds.json"),
            "folds_to_run": list(range(folds.n_splits)),
            "seed": folds.seed,
            "workdir": str(workdir / "models"),
        }
        child = ChildProcess(
            spec,
            workdir,
            limits,
            python=config.pythons.get(case.framework),
            cores=config.cores,
            on_fold=record_fold,
            case_id=case.id,
        )
        started = time.monotonic()
        try:
            child.run()
        finally:
            _finish_case(result, child.outcome, time.monotonic() - started)
            self.store.record(result)
            if config.keep_models:
                logger.info("case %s: models kept in %s", case.id, workdir)
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        logger.info(
            "case %s ended: %s in %.1f s%s",
            case.id,
            result.status,
            result.wall_seconds,
            f" ({result.error})" if result.error else "",
        )
        return result


def _fold_result(message: dict, labels, dataset: Dataset) -> FoldResult:
    fold = FoldResult(
        fold=message["fold"],
        status=message.get("status", "failed"),
        fit_seconds=message.get("fit_seconds"),
        predict_seconds=message.get("predict_seconds"),
        peak_rss_bytes=message.get("peak_rss_bytes"),
        models_count=message.get("models_count"),
        error=message.get("error"),
        details=message.get("details") or {},
    )
    if fold.status == "ok":
        try:
            fold.auc = roc_auc(labels, message["probabilities"], dataset.positive_class)
        except (KeyError, ValueError) as error:
            fold.status = "failed"
            fold.error = f"invalid probabilities: {error}"
    return fold


def _finish_case(result: CaseResult, outcome, wall_seconds: float) -> None:
    result.wall_seconds = wall_seconds
    result.peak_rss_bytes = outcome.peak_rss_bytes or None
    result.framework_versions = outcome.versions
    result.guard = {key: value for key, value in outcome.guard.items() if key != "traceback"}
    result.traceback = outcome.guard.get("traceback")
    notes = {
        argument
        for fold in result.folds
        for argument in fold.details.get("unsupported_arguments", [])
    }
    result.notes.extend(f"not accepted by the installed version: {argument}" for argument in sorted(notes))

    result.status = outcome.status
    result.error = outcome.error
    if outcome.status == "crashed" and outcome.log_tail:
        result.error = f"{outcome.error}; last output: {outcome.log_tail[-1500:].strip()}"
    if outcome.status == "ok":
        failed = [fold for fold in result.folds if fold.status != "ok"]
        if failed:
            result.status = "failed"
            result.error = f"{len(failed)} of {len(result.folds)} folds failed; fold {failed[0].fold}: {failed[0].error}"
