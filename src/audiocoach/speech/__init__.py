"""Speech: phrases -> clips, through one engine backend and an on-disk cache.

Only this package imports a TTS engine. :class:`Synthesizer` is what the rest of the
pipeline uses: ``measure(kind, text)`` gives the compiler each clip's exact length, and
``clip(text)`` gives the mixer its samples (trimmed of the engine's leading and trailing
silence and levelled to a common loudness).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Callable

import numpy as np

from ..defaults import RATE
from ..errors import AudiocoachError, EngineMissingError
from ..tones import TONES
from .base import Backend, VoiceInfo
from .cache import PhraseCache, default_cache_dir
from .pyttsx3_backend import Pyttsx3Backend

log = logging.getLogger("audiocoach.speech")

BACKENDS: dict[str, type[Backend]] = {b.NAME: b for b in (Pyttsx3Backend,)}
DEFAULT_ENGINE = "pyttsx3"

#: Samples quieter than this (about -44 dBFS) count as silence when trimming.
TRIM_THRESHOLD = 200
TRIM_PAD_BEFORE_MS = 5
TRIM_PAD_AFTER_MS = 20

__all__ = ["BACKENDS", "Synthesizer", "VoiceInfo", "get_backend", "trim", "default_cache_dir"]


def get_backend(name: str) -> type[Backend]:
    try:
        return BACKENDS[name]
    except KeyError:
        raise AudiocoachError(f"unknown speech engine {name!r} (valid: {', '.join(sorted(BACKENDS))})") from None


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut the engine's leading and trailing silence, keeping a few ms of margin."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    start = max(0, int(loud[0]) - rate * TRIM_PAD_BEFORE_MS // 1000)
    end = min(samples.size, int(loud[-1]) + 1 + rate * TRIM_PAD_AFTER_MS // 1000)
    return samples[start:end]


class Synthesizer:
    """Clips for phrases, synthesized once and cached on disk.

    Args:
        engine: a name from :data:`BACKENDS`.
        voice: a voice id, language code or name (None: the engine's default).
        rate: words per minute.
        cache_dir: where clips are kept (``$AUDIOCOACH_CACHE`` or ``~/.cache/audiocoach``).
        leveler: optional ``f(samples) -> samples`` applied to every clip (loudness).
    """

    def __init__(
        self,
        engine: str = DEFAULT_ENGINE,
        voice: str | None = None,
        rate: int = RATE,
        cache_dir: str | Path | None = None,
        leveler: Callable[[np.ndarray], np.ndarray] | None = None,
    ):
        self.engine_name = engine
        self._backend_cls = get_backend(engine)
        self.rate = rate
        self.sample_rate = self._backend_cls.SAMPLE_RATE
        self.cache = PhraseCache(cache_dir or default_cache_dir())
        self._backend: Backend | None = None
        self._voice_asked = voice
        self._voice: str | None = None
        self._version: str | None = None
        self._clips: dict[str, np.ndarray] = {}
        self._leveler = leveler
        self.synthesized = 0
        self.cache_hits = 0

    # The engine starts only when first needed; checking voices or the version needs it.
    def _engine(self) -> Backend:
        if self._backend is None:
            self._backend = self._backend_cls()
            try:
                self._voice = self._backend.resolve_voice(self._voice_asked)
            except ValueError as exc:
                raise AudiocoachError(str(exc)) from None
            self._version = self._backend.version()
        return self._backend

    @property
    def voice(self) -> str | None:
        self._engine()
        return self._voice

    def describe(self) -> dict[str, object]:
        self._engine()
        return {"engine": self.engine_name, "engine_version": self._version, "voice": self._voice or "default", "rate": self.rate}

    def clip(self, text: str) -> np.ndarray:
        """The samples for ``text`` (int16, mono, at ``sample_rate``)."""
        found = self._clips.get(text)
        if found is not None:
            return found
        backend = self._engine()
        key = PhraseCache.key(self.engine_name, self._version or "", self._voice, self.rate, self.sample_rate, text)
        samples = self.cache.get(key)
        if samples is None:
            samples = trim(backend.synthesize(text, self._voice, self.rate), self.sample_rate)
            if samples.size == 0:
                raise AudiocoachError(f"the speech engine produced only silence for {text!r}")
            self.cache.put(key, samples)
            self.synthesized += 1
        else:
            self.cache_hits += 1
        if self._leveler is not None:
            samples = self._leveler(samples)
        samples.setflags(write=False)
        self._clips[text] = samples
        return samples

    def measure(self, kind: str, text: str) -> int:
        """Length in ms of the clip the mixer will play (rounded up to whole ms)."""
        if kind == "tone":
            return TONES[text].length_ms
        return math.ceil(self.clip(text).size * 1000 / self.sample_rate)

    def voices(self) -> list[VoiceInfo]:
        return self._engine().voices()

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> "Synthesizer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def engine_missing(engine: str = DEFAULT_ENGINE) -> str | None:
    """None when ``engine`` can run here, else what to install."""
    return get_backend(engine).missing()


__all__ += ["engine_missing", "EngineMissingError"]
