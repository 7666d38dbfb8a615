"""Where ffmpeg is: the one external program the audio and export stages run.

Owned by the audio stage (music is decoded through it); :mod:`audiocoach.export.encode`
encodes through the same lookup, so a missing ffmpeg is reported the same way everywhere.
"""

from __future__ import annotations

import shutil

from audiocoach.errors import EngineMissingError

__all__ = ["FFMPEG_HINT", "ffmpeg_path"]

FFMPEG_HINT = "ffmpeg is missing: install it (Debian/Ubuntu: sudo apt-get install ffmpeg)"


def ffmpeg_path() -> str:
    """The ffmpeg executable on PATH; an EngineMissingError saying how to install it otherwise."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise EngineMissingError(FFMPEG_HINT)
    return path
