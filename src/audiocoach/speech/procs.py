"""Engine and worker processes that die with the build, and the memory they may take.

A build killed outright (kill -9) runs no clean-up: its children must notice on their
own. On Linux a child asks the kernel for a signal when its parent dies
(``PR_SET_PDEATHSIG``): engines take SIGKILL (they hold nothing to clean up), synthesis
workers take SIGTERM and close their engine first (see :mod:`audiocoach.speech.pool`).
Elsewhere these are no-ops: an engine then ends when its stdin closes.
"""

from __future__ import annotations

import os
import signal

from audiocoach.procs import die_with_parent


def engine_preexec() -> None:
    """``preexec_fn`` for an engine's process: killed when the build (its parent) dies."""
    die_with_parent(signal.SIGKILL)


def engine_env() -> dict[str, str]:
    """The environment for an engine's process: this one's, with no sound server to look for.

    espeak-ng (its command, and the libespeak-ng pyttsx3 loads) probes PulseAudio on every
    start even when it only writes a file, and when its runtime link in ~/.config/pulse
    points at a folder that is gone, libpulse makes a new ``$TMPDIR/pulse-*`` folder that
    outlives the build. Engines here never play sound, so they are pointed at no server.
    """
    return {**os.environ, "PULSE_SERVER": "unix:/nonexistent/audiocoach-plays-no-sound"}


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
