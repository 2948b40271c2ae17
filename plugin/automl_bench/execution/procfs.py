"""Resident-memory high-water mark of the current process, from Linux's /proc."""

from __future__ import annotations

import resource
import sys


def reset_peak_rss() -> bool:
    """Reset this process's VmHWM so the next reading covers only what follows.

    Returns False where the kernel does not allow it (not Linux, or
    /proc/self/clear_refs not writable); the peak then covers the process's life.
    """
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    """Return this process's peak resident set size in bytes (VmHWM on Linux)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return peak if sys.platform == "darwin" else peak * 1024
