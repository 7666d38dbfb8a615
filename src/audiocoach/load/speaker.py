"""Who speaks a session: its engine, voice and pace, decided in one place.

The command line (``--engine``, ``--voice``, ``--rate``; a roster athlete's voice and rate
reach a session as the same overrides) wins over the routine's ``defaults:`` (a program's
session has its day's routine), which wins over the defaults: ``auto`` (the most
intelligible engine installed, picked by the speech stage), the engine's own voice, and
:data:`audiocoach.defaults.RATE` words a minute. A session in another language than
English is spoken, unless an engine is named, by the first engine in ``auto``'s order
that has a voice for it (:func:`audiocoach.engines.engines_for`: espeak-ng, the floor),
with that language's voice (``de``, ``es``) unless a voice is named. Rendering, batch manifests and the CLI's
hints all ask :func:`choose_speaker`.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiocoach.engines import AUTO_ENGINE, engines_for
from audiocoach.model import Settings
from audiocoach.words.language import ENGLISH, get_language


@dataclass(frozen=True)
class Speaker:
    """The engine (a name, or ``auto``), the voice (None: the engine's default) and the pace."""

    engine: str
    voice: str | None
    rate_wpm: int


def choose_speaker(
    settings: Settings,
    *,
    engine: str | None = None,
    voice: str | None = None,
    rate_wpm: int | None = None,
    language: str = ENGLISH,
) -> Speaker:
    """The speaker of a session whose routine has ``settings`` and speaks ``language`` (a
    language subtag, ``de``), given what the command line asked."""
    named = engine or settings.engine
    voice = voice or settings.voice
    if language != ENGLISH and named in (None, AUTO_ENGINE):
        named = engines_for(language)[0]
    if language != ENGLISH and named == "espeak-ng" and voice is None:
        voice = get_language(language).espeak_voice
    return Speaker(engine=named or AUTO_ENGINE, voice=voice, rate_wpm=rate_wpm or settings.rate)
