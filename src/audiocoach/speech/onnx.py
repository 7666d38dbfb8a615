"""What the engines that run on onnxruntime (hibari, Piper) share before it is imported."""

from __future__ import annotations

import os


def quiet_onnxruntime() -> None:
    """Switch off onnxruntime's telemetry; call before anything imports onnxruntime.

    From 1.32 on Linux, importing onnxruntime starts its telemetry, which writes
    ``$TMPDIR/.ses`` (a timestamp and a session UUID) and
    ``$XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime/`` (a device id and a database)
    on every build. ``ORT_DISABLE_TELEMETRY`` is read when the library loads, so it must be
    set first; one set by the user is left as it is.
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
