"""Engine and worker processes that die with the build, and the memory they may take.

A build killed outright (kill -9) runs no clean-up: its children must notice on their
own. On Linux a child asks the kernel for a signal when its parent dies
(``PR_SET_PDEATHSIG``): engines take SIGKILL (they hold nothing to clean up), synthesis
workers take SIGTERM and close their engine first (see :mod:`audiocoach.speech.pool`).
Elsewhere these are no-ops: an engine then ends when its stdin closes.
"""

from __future__ import annotations

import signal

from audiocoach.procs import die_with_parent


def engine_preexec() -> None:
    """``preexec_fn`` for an engine's process: killed when the build (its parent) dies."""
    die_with_parent(signal.SIGKILL)


def mem_available_mb(meminfo: str = "/proc/meminfo") -> int | None:
    """Memory available for new work without swapping (Linux ``MemAvailable``), in MB; None: unknown."""
    try:
        with open(meminfo, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
