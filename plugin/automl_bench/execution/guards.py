"""Guards on a child process tree: resident-memory sampling, size parsing and tree shutdown."""

from __future__ import annotations

import logging
import os
import re
import signal

import psutil

logger = logging.getLogger(__name__)

_UNITS = {
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


def parse_size(text: str) -> int:
    """Return the number of bytes in a size such as ``4GiB``, ``500MB`` or ``1048576``.

    Decimal units (kB, MB, GB, TB) are powers of 1000, binary units (KiB, MiB,
    GiB, TiB) powers of 1024, and ``B`` is bytes. A bare number is rejected,
    because ``500`` meant as megabytes would silently become 500 bytes.

    Raises
    ------
    ValueError
        If the text is not a positive number with one of those units.
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", str(text))
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS or float(match.group(1)) <= 0:
        raise ValueError(
            f"invalid size {text!r}; use a positive number with a unit (B, kB, MB, GB, KiB, MiB, GiB), "
            "such as 500MB or 4GiB"
        )
    return int(float(match.group(1)) * _UNITS[unit])


def format_size(size: int | float | None) -> str:
    """Return ``size`` bytes as a short string in binary units, for messages."""
    if size is None:
        return "unknown"
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if abs(size) >= factor:
            return f"{size / factor:.2f} {unit}"
    return f"{int(size)} B"


def tree_processes(pid: int) -> list[psutil.Process]:
    """Return the process ``pid`` and all its descendants that are still alive."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_rss_bytes(processes: list[psutil.Process]) -> int:
    """Return the summed resident set size of ``processes``, skipping those that have exited."""
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
    return total


def stop_tree(pid: int, grace_seconds: float) -> None:
    """Stop process ``pid`` and its descendants: SIGTERM, then SIGKILL after ``grace_seconds``.

    The child runs in its own session, so its process group is signalled too;
    that reaches helpers that have already been orphaned by their parent.
    With ``grace_seconds`` 0 the tree is killed at once.
    """
    processes = tree_processes(pid)
    first = signal.SIGKILL if grace_seconds <= 0 else signal.SIGTERM
    _signal_group(pid, first)
    for process in processes:
        try:
            process.send_signal(first)
        except psutil.NoSuchProcess:
            continue

    if grace_seconds > 0:
        _, alive = psutil.wait_procs(processes, timeout=grace_seconds)
        if alive:
            logger.warning(
                "%d process(es) of child %d ignored SIGTERM for %.1f s; sending SIGKILL",
                len(alive),
                pid,
                grace_seconds,
            )
        _signal_group(pid, signal.SIGKILL)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                continue
    psutil.wait_procs(processes, timeout=5)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
