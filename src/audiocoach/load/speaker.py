"""Who speaks a session: its engine, voice and pace, decided in one place.

The command line (``--engine``, ``--voice``, ``--rate``; a roster athlete's voice and rate
reach a session as the same overrides) wins over the routine's ``defaults:`` (a program's
session has its day's routine), which wins over the defaults: ``auto`` (the most
intelligible engine installed, picked by the speech stage), the engine's own voice, and
:data:`audiocoach.defaults.RATE` words a minute. Rendering, batch manifests and the CLI's
hints all ask :func:`choose_speaker`.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiocoach.engines import AUTO_ENGINE
from audiocoach.model import Settings


@dataclass(frozen=True)
class Speaker:
    """The engine (a name, or ``auto``), the voice (None: the engine's default) and the pace."""

    engine: str
    voice: str | None
    rate_wpm: int


def choose_speaker(
    settings: Settings, *, engine: str | None = None, voice: str | None = None, rate_wpm: int | None = None
) -> Speaker:
    """The speaker of a session whose routine has ``settings``, given what the command line asked."""
    return Speaker(
        engine=engine or settings.engine or AUTO_ENGINE,
        voice=voice or settings.voice,
        rate_wpm=rate_wpm or settings.rate,
    )
