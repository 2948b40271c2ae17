"""The parent side of a case: start the child, read its fold results, enforce the guards.

The parent samples the resident memory of the child's whole process tree every
``poll_seconds`` and stops the tree when the memory limit is exceeded or the
time budget runs out. Fold results arrive over a pipe as the child finishes
each fold, so a child that dies in fold 4 still leaves folds 1 to 3.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .guards import format_size, stop_tree, tree_processes, tree_rss_bytes

logger = logging.getLogger(__name__)

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)

# Children that are running now, so that pytest's shutdown can stop them.
_LIVE_CHILDREN: set[int] = set()


@dataclass
class Limits:
    """Guards for one case: wall-time budget in seconds and memory limit in bytes (None: off)."""

    time_limit_seconds: float | None = None
    memory_limit_bytes: int | None = None
    grace_seconds: float = 3.0
    poll_seconds: float = 0.05


@dataclass
class ChildOutcome:
    """The end state of a child process and the messages it sent.

    ``guard`` describes a guard that fired: the sampled RSS when the memory
    guard fired, and how many seconds after the limit was detected (or the
    budget ran out) the tree was gone.
    """

    status: str = "interrupted"
    error: str | None = None
    versions: dict = field(default_factory=dict)
    folds: list[dict] = field(default_factory=list)
    wall_seconds: float = 0.0
    peak_rss_bytes: int = 0
    returncode: int | None = None
    guard: dict = field(default_factory=dict)
    log_tail: str = ""


def child_environment(cores: int, extra_path: Path) -> dict:
    """Return the child's environment: thread variables set to ``cores``, this package importable."""
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env[name] = str(cores)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH")) if p)
    return env


def stop_live_children() -> None:
    """Stop every child that is still running; called when pytest exits."""
    for pid in list(_LIVE_CHILDREN):
        logger.warning("stopping child process %d at exit", pid)
        stop_tree(pid, grace_seconds=1.0)
        _LIVE_CHILDREN.discard(pid)


class ChildProcess:
    """One run of the child entry point for a case.

    ``on_fold`` is called in the parent with each fold message as it arrives,
    with ``peak_rss_bytes`` already raised to the tree peak sampled during that
    fold. ``outcome`` is updated as the run goes, so a caller that is
    interrupted still finds the folds that finished.
    """

    def __init__(
        self,
        spec: dict,
        workdir: Path,
        limits: Limits,
        python: str | None = None,
        cores: int = 1,
        on_fold: Callable[[dict], None] | None = None,
        case_id: str = "",
    ):
        self.spec = dict(spec)
        self.workdir = Path(workdir)
        self.limits = limits
        self.python = python or sys.executable
        self.cores = cores
        self.on_fold = on_fold or (lambda message: None)
        self.case_id = case_id
        self.outcome = ChildOutcome()
        self._fold_in_progress: int | None = None
        self._last_fold: int | None = None
        self._finished = False

    def run(self) -> ChildOutcome:
        """Run the child to its end, a guard, or an interruption, and return the outcome.

        Raises
        ------
        BaseException
            Whatever interrupted the parent (KeyboardInterrupt, a pytest-timeout
            failure) is re-raised after the child tree has been stopped and the
            outcome marked ``interrupted``.
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        deadline = None
        if self.limits.time_limit_seconds is not None:
            deadline = started + self.limits.time_limit_seconds
        self.spec.update(parent_pid=os.getpid(), cores=self.cores, deadline_monotonic=deadline)
        spec_path = self.workdir / "spec.json"
        spec_path.write_text(json.dumps(self.spec))
        log_path = self.workdir / "child.log"

        read_fd, write_fd = os.pipe()
        package_parent = Path(__file__).resolve().parents[2]
        try:
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    [self.python, "-m", "automl_bench.execution.child", str(spec_path), str(write_fd)],
                    pass_fds=(write_fd,),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=child_environment(self.cores, package_parent),
                    start_new_session=True,
                    cwd=self.workdir,
                )
        except OSError as error:
            os.close(read_fd)
            self.outcome.status = "crashed"
            self.outcome.error = f"could not start the child with {self.python}: {error}"
            logger.error("case %s: %s", self.case_id, self.outcome.error)
            return self.outcome
        finally:
            os.close(write_fd)
        _LIVE_CHILDREN.add(process.pid)
        messages: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(read_fd, messages), daemon=True)
        reader.start()

        try:
            self._supervise(process, messages, started, deadline)
        except BaseException as error:
            stop_tree(process.pid, grace_seconds=1.0)
            self.outcome.status = _interruption_status(error)
            self.outcome.error = (
                f"parent interrupted {self._current_fold()} by {type(error).__name__}: {error}"
            ).strip(": ")
            logger.warning("case %s %s", self.case_id, self.outcome.error)
            raise
        finally:
            _LIVE_CHILDREN.discard(process.pid)
            process.poll()
            self.outcome.returncode = process.returncode
            self.outcome.wall_seconds = time.monotonic() - started
            self.outcome.log_tail = _tail(log_path)
        self._classify(process)
        return self.outcome

    def _supervise(self, process, messages, started: float, deadline: float | None) -> None:
        outcome = self.outcome
        fold_peak = 0
        finished_reading = False
        limit = self.limits.memory_limit_bytes

        while True:
            try:
                message = messages.get(timeout=self.limits.poll_seconds)
            except queue.Empty:
                message = {}
            if message is None:
                finished_reading = True
            elif message:
                fold_peak = self._handle(message, fold_peak)

            rss = tree_rss_bytes(tree_processes(process.pid))
            outcome.peak_rss_bytes = max(outcome.peak_rss_bytes, rss)
            fold_peak = max(fold_peak, rss)

            if limit is not None and rss > limit:
                detected = time.monotonic()
                stop_tree(process.pid, grace_seconds=0)
                process.wait()
                outcome.status = "memory"
                outcome.guard = {
                    "kind": "memory",
                    "limit_bytes": limit,
                    "observed_rss_bytes": rss,
                    "detected_monotonic": detected,
                    "stop_seconds": time.monotonic() - detected,
                }
                outcome.error = (
                    f"memory limit {format_size(limit)} exceeded: the process tree reached "
                    f"{format_size(rss)} {self._current_fold()}"
                )
                logger.warning("case %s stopped for memory: %s", self.case_id, outcome.error)
                return

            if deadline is not None and time.monotonic() > deadline:
                stop_tree(process.pid, grace_seconds=self.limits.grace_seconds)
                process.wait()
                outcome.status = "timeout"
                outcome.guard = {
                    "kind": "time",
                    "limit_seconds": self.limits.time_limit_seconds,
                    "stop_seconds_after_budget": time.monotonic() - deadline,
                }
                outcome.error = (
                    f"time budget of {self.limits.time_limit_seconds:g} s ran out "
                    f"{self._current_fold()}"
                )
                logger.warning("case %s timed out: %s", self.case_id, outcome.error)
                return

            if finished_reading or process.poll() is not None:
                self._drain(messages, finished_reading, fold_peak)
                try:
                    process.wait(timeout=self.limits.grace_seconds)
                except subprocess.TimeoutExpired:
                    pass
                # Stops the child if it closed the pipe but hangs, and any
                # helper it left behind in its process group.
                stop_tree(process.pid, grace_seconds=self.limits.grace_seconds)
                process.wait()
                return

    def _drain(self, messages, finished_reading: bool, fold_peak: int) -> None:
        # The child has exited or closed the pipe: read what is left, waiting
        # at most a second for the end of the pipe.
        give_up = time.monotonic() + 1.0
        while not finished_reading and time.monotonic() < give_up:
            try:
                message = messages.get(timeout=0.05)
            except queue.Empty:
                continue
            if message is None:
                finished_reading = True
            else:
                fold_peak = self._handle(message, fold_peak)

    def _handle(self, message: dict, fold_peak: int) -> int:
        event = message.get("event")
        if event == "ready":
            self.outcome.versions = message.get("versions", {})
            logger.info(
                "case %s: framework imported in %.1f s", self.case_id, message.get("import_seconds", 0)
            )
        elif event == "fold_started":
            self._fold_in_progress = message["fold"]
            return 0
        elif event == "fold":
            message["peak_rss_bytes"] = max(message.get("peak_rss_bytes") or 0, fold_peak)
            self.outcome.folds.append(message)
            self._fold_in_progress = None
            self._last_fold = message["fold"]
            self.on_fold(message)
        elif event == "error":
            self.outcome.error = message.get("error")
            self.outcome.guard["traceback"] = message.get("traceback")
        elif event == "finished":
            self._finished = True
        return fold_peak

    def _current_fold(self) -> str:
        """Describe where the child was, for messages: ``in fold 3``, ``after fold 4``."""
        if self._fold_in_progress is not None:
            return f"in fold {self._fold_in_progress}"
        if self._last_fold is not None:
            return f"after fold {self._last_fold}"
        return "before the first fold"

    def _classify(self, process) -> None:
        outcome = self.outcome
        if outcome.status in ("memory", "timeout"):
            return
        code = process.returncode
        if self._finished and code == 0:
            outcome.status = "ok"
        elif code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            outcome.status = "crashed"
            outcome.error = f"child process killed by {name} {self._current_fold()}"
        elif outcome.error is not None:
            outcome.status = "failed"
        else:
            outcome.status = "crashed"
            outcome.error = (
                f"child process exited with code {code} without a result "
                f"{self._current_fold()}"
            )
        if outcome.status == "crashed":
            logger.warning("case %s crashed: %s", self.case_id, outcome.error)


def _interruption_status(error: BaseException) -> str:
    # pytest-timeout fails the test with a message that starts with "Timeout";
    # that is the outer time limit firing, so the case timed out.
    if type(error).__name__ == "Failed" and str(error).startswith("Timeout"):
        return "timeout"
    return "interrupted"


atexit.register(stop_live_children)


def _read_lines(fd: int, messages: queue.Queue) -> None:
    with os.fdopen(fd, "rb") as pipe:
        for line in pipe:
            try:
                messages.put(json.loads(line))
            except ValueError:
                logger.warning("ignored a malformed line from a child: %r", line[:200])
    messages.put(None)


def _tail(path: Path, max_chars: int = 3000) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - max_chars))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
