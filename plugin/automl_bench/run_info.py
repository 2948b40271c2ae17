"""The run manifest: versions, hardware, seeds and the harness's git commit."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path



def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit(directory: Path) -> str | None:
    """Return the commit of the git checkout at ``directory``, with ``+dirty`` for local changes.

    Changes under ``reports/`` do not count.
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            # Report output, such as a baseline being regenerated in place,
            # does not make the harness code dirty.
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)reports"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return commit.stdout.strip() + ("+dirty" if status.stdout.strip() else "")


def library_versions() -> dict:
    """Return the installed versions of the harness's own libraries in the pytest process."""
    versions = {"python": platform.python_version()}
    for name in ("pytest-automl-bench", "scikit-learn", "openml", "numpy", "pandas", "pyarrow", "pytest"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def collect_run_info(root: Path, seed: int, n_splits: int, cores: int, argv: list[str]) -> dict:
    """Return the ``run`` section of results.json."""
    return {
        "started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(argv),
        "harness_commit": git_commit(root),
        "versions": library_versions(),
        "framework_versions": {},
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cores_per_case": cores,
        "seed": seed,
        "n_splits": n_splits,
    }
