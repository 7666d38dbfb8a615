"""Child processes that die with the build (a contract every stage that starts one may import).

A build killed outright (kill -9) runs no clean-up: its children must notice on their own.
On Linux a child asks the kernel for a signal when its parent dies (``PR_SET_PDEATHSIG``).
Elsewhere :func:`die_with_parent` is a no-op: a child then ends when its stdin closes.
"""

from __future__ import annotations

import ctypes
import os
import signal

__all__ = ["die_with_parent"]

#: prctl option that asks for a signal when the parent dies.
PR_SET_PDEATHSIG = 1


def _load_prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _load_prctl()


def die_with_parent(sig: int = signal.SIGKILL, parent: int | None = None) -> None:
    """In a child process: receive ``sig`` when the parent dies (Linux).

    ``parent``: the pid expected as parent; when the parent already died before this call
    (the child was reparented), ``sig`` is raised at once.
    """
    if _PRCTL is None:
        return
    _PRCTL(PR_SET_PDEATHSIG, int(sig))
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), sig)
