"""The child side of a case: run one framework's folds and stream each result to the parent.

Run as ``python -m automl_bench.execution.child SPEC.json RESULT_FD`` inside the
framework's environment (Python 3.9 or later). The spec names the adapter, the
setting's parameters, the dataset's parquet file, the fold indices and the
thread count. Each message is one JSON line written to ``RESULT_FD``:

- ``{"event": "started", "pid": ...}`` before the framework is imported;
- ``{"event": "ready", "versions": {...}, "import_seconds": ...}`` after it;
- ``{"event": "fold_started", "fold": k}`` and ``{"event": "fold", "fold": k, ...}``
  around every fold, the latter with timings, peak RSS and the positive-class
  probabilities of the test rows (or the error);
- ``{"event": "finished"}`` at the end, or ``{"event": "error", ...}`` when the
  case cannot start.

A watchdog thread kills the child's process group when the parent dies, so no
framework process outlives the harness.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from .procfs import peak_rss_bytes, reset_peak_rss

WATCHDOG_INTERVAL_SECONDS = 0.25


class ResultChannel:
    """Writes one JSON message per line to the parent's pipe."""

    def __init__(self, fd: int):
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, **message) -> None:
        data = (json.dumps(message) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]


def start_parent_watchdog(parent_pid: int) -> None:
    """Kill this process group as soon as the parent process is gone."""

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_INTERVAL_SECONDS)
            if os.getppid() != parent_pid:
                os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def format_error(error: BaseException) -> str:
    """Return ``Type: message`` for an exception, the form results.json records."""
    return f"{type(error).__name__}: {error}"


def run_folds(spec: dict, channel: ResultChannel) -> None:
    """Import the adapter, load the data, and run every requested fold."""
    import numpy as np
    import pandas as pd

    from ..folds import framework_seed
    from ..frameworks import load_adapter_class
    from ..frameworks.base import FoldContext

    started = time.perf_counter()
    adapter_class = load_adapter_class(spec["adapter"])
    adapter = adapter_class(spec["params"])
    versions = adapter_class.versions()
    channel.send(event="ready", versions=versions, import_seconds=time.perf_counter() - started)

    frame = pd.read_parquet(spec["dataset_path"])
    target = spec["target"]
    labels = frame[target].astype(str).to_numpy()
    features = frame.drop(columns=[target])
    folds = json.loads(Path(spec["folds_path"]).read_text())
    n_rows = folds["n_rows"]
    deadline = spec.get("deadline_monotonic")

    for fold in spec["folds_to_run"]:
        test_rows = np.asarray(folds["test_indices"][fold], dtype=np.int64)
        mask = np.ones(n_rows, dtype=bool)
        mask[test_rows] = False
        train_rows = np.flatnonzero(mask)
        workdir = Path(spec["workdir"]) / f"fold{fold}"
        workdir.mkdir(parents=True, exist_ok=True)
        context = FoldContext(
            fold=fold,
            cores=spec["cores"],
            seed=framework_seed(spec["seed"], fold),
            workdir=workdir,
            classes=spec["classes"],
            positive_class=spec["positive_class"],
            time_budget_seconds=None if deadline is None else max(0.0, deadline - time.monotonic()),
        )

        channel.send(event="fold_started", fold=fold)
        reset_peak_rss()
        message = {"event": "fold", "fold": fold, "status": "ok"}
        try:
            fit_started = time.perf_counter()
            info = adapter.fit(features.iloc[train_rows], labels[train_rows], context)
            message["fit_seconds"] = time.perf_counter() - fit_started

            predict_started = time.perf_counter()
            probabilities = adapter.predict_proba(features.iloc[test_rows], context)
            message["predict_seconds"] = time.perf_counter() - predict_started

            message["probabilities"] = np.asarray(probabilities, dtype="float64").reshape(-1).tolist()
            message["models_count"] = info.models_count
            message["details"] = info.details
        except Exception as error:
            message["status"] = "failed"
            message["error"] = format_error(error)
            message["traceback"] = traceback.format_exc()[-4000:]
        message["peak_rss_bytes"] = peak_rss_bytes()
        channel.send(**message)


def main(argv: list[str]) -> int:
    """Run the case described by the spec file ``argv[0]``, writing messages to fd ``argv[1]``."""
    spec = json.loads(Path(argv[0]).read_text())
    channel = ResultChannel(int(argv[1]))
    start_parent_watchdog(spec["parent_pid"])
    channel.send(event="started", pid=os.getpid())
    try:
        run_folds(spec, channel)
    except Exception as error:
        channel.send(event="error", error=format_error(error), traceback=traceback.format_exc()[-4000:])
        return 1
    channel.send(event="finished")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
