"""Speech: phrases -> clips, through one engine backend and an on-disk cache.

Only this package imports or runs a TTS engine. :class:`Synthesizer` is what the rest of
the pipeline uses: ``measure(kind, text)`` gives the compiler each clip's exact length,
and ``clip(text)`` gives the mixer its samples: spoken through the pronunciation lexicon,
resampled to the session's sample rate, trimmed of the engine's leading and trailing
silence and levelled to a common loudness.
"""

from __future__ import annotations

import importlib
import logging
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

from audiocoach.defaults import RATE
from audiocoach.engines import AUTO_ENGINE, AUTO_ORDER, ENGINE_CHOICES, ENGINE_ROWS
from audiocoach.errors import AudiocoachError, EngineMissingError
from audiocoach.speech.base import Backend, VoiceInfo
from audiocoach.speech.cache import PhraseCache, default_cache_dir
from audiocoach.speech.lexicon import Lexicon
from audiocoach.tones import TONES

log = logging.getLogger("audiocoach.speech")


class _Backends(Mapping[str, type[Backend]]):
    """Engine name -> backend class, from :data:`audiocoach.engines.ENGINES`; a backend's module
    is imported the first time its engine is asked for, so naming one engine loads no other."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[Backend]] = {}

    def __getitem__(self, name: str) -> type[Backend]:
        if name not in self._loaded:
            module, _, cls = ENGINE_ROWS[name].backend.partition(":")
            found = getattr(importlib.import_module(module), cls)
            if name != found.NAME:
                raise AudiocoachError(
                    f"the engine table's row {name!r} names {module}:{cls}, whose NAME is {found.NAME!r}"
                )
            self._loaded[name] = found
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(ENGINE_ROWS)

    def __len__(self) -> int:
        return len(ENGINE_ROWS)


#: Every engine's backend (``auto``'s order, the base set CI sees and the names ``--engine``
#: takes come from the same table: :mod:`audiocoach.engines`).
BACKENDS: Mapping[str, type[Backend]] = _Backends()
AUTO = DEFAULT_ENGINE = AUTO_ENGINE
#: Comma-separated engine names: the only engines the tool sees as installed (unset: all).
ENGINES_ENV = "AUDIOCOACH_ENGINES"
#: The engine ``auto`` picks where audiocoach is installed: the voice the session rate serves.
DEFAULT_VOICE_ENGINE = AUTO_ORDER[0]
#: Every clip is resampled to this rate: the native rate of the default voice (hibari
#: speaks at 24 kHz), so the default voice is never resampled; MP3 encodes 24 kHz natively
#: (MPEG-2 Layer III). Clips of other engines are resampled to it with soxr.
SESSION_RATE = BACKENDS[DEFAULT_VOICE_ENGINE].SAMPLE_RATE

#: Samples quieter than this (about -44 dBFS) count as silence when trimming.
TRIM_THRESHOLD = 200
TRIM_PAD_BEFORE_MS = 5
TRIM_PAD_AFTER_MS = 20

__all__ = [
    "AUTO",
    "BACKENDS",
    "ENGINES_ENV",
    "SESSION_RATE",
    "Synthesizer",
    "SynthSpec",
    "VoiceInfo",
    "default_cache_dir",
    "get_backend",
    "resample",
    "resolve_engine",
    "better_engine_hint",
    "trim",
    "visible_engines",
    "installed_engines",
]


def get_backend(name: str) -> type[Backend]:
    try:
        return BACKENDS[name]
    except KeyError:
        raise AudiocoachError(f"unknown speech engine {name!r} (valid: {', '.join(ENGINE_CHOICES)})") from None


def visible_engines() -> tuple[str, ...]:
    """The engines this process may see: every backend, or only those ``$AUDIOCOACH_ENGINES`` names.

    The one place discovery is narrowed: ``auto``, ``engine_missing``, ``audiocoach voices``
    and the tests all ask here, so a machine's extra voices can be hidden to act as a
    fresh one (CI's first pass). An unknown name is an error that lists the valid ones.
    """
    raw = os.environ.get(ENGINES_ENV, "").strip()
    if not raw:
        return tuple(BACKENDS)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in BACKENDS]
    if unknown or not names:
        raise AudiocoachError(
            f"{ENGINES_ENV}={raw!r}: {'unknown engine ' + ', '.join(map(repr, unknown)) if unknown else 'names no engine'}"
            f" (valid, comma-separated: {', '.join(sorted(BACKENDS))})"
        )
    return tuple(dict.fromkeys(names))


def hidden(name: str) -> str | None:
    """Why engine ``name`` is hidden by ``$AUDIOCOACH_ENGINES``, or None when it is visible."""
    visible = visible_engines()
    if name in visible:
        return None
    return (
        f"the {name} engine is hidden by {ENGINES_ENV}={','.join(visible)} "
        f"(add {name} to it, or unset it to see every installed engine)"
    )


def installed_engines() -> list[str]:
    """The visible engines that can run here, in ``auto``'s order (most intelligible first)."""
    visible = visible_engines()
    order = [*AUTO_ORDER, *(n for n in BACKENDS if n not in AUTO_ORDER)]
    return [n for n in order if n in visible and BACKENDS[n].missing() is None]


def resolve_engine(name: str | None) -> str:
    """The engine to use: ``name`` itself, or for ``auto`` the best one installed and visible here.

    A named engine that ``$AUDIOCOACH_ENGINES`` hides is an :class:`EngineMissingError`.
    """
    if name in (None, AUTO):
        found = [n for n in installed_engines() if n in AUTO_ORDER]
        if found:
            return found[0]
        narrowed = (
            f" among {ENGINES_ENV}={','.join(visible_engines())}" if os.environ.get(ENGINES_ENV, "").strip() else ""
        )
        raise EngineMissingError(
            f"no speech engine is installed{narrowed}; install one: " + BACKENDS[DEFAULT_VOICE_ENGINE].install_hint()
        )
    get_backend(name)
    problem = hidden(name)
    if problem:
        raise EngineMissingError(problem)
    return name


def better_engine_hint(engine: str) -> str | None:
    """When ``engine`` came from ``auto`` and a clearer engine exists, how to get it."""
    rank = AUTO_ORDER.index(engine) if engine in AUTO_ORDER else len(AUTO_ORDER)
    if rank <= AUTO_ORDER.index(DEFAULT_VOICE_ENGINE) or hidden(DEFAULT_VOICE_ENGINE):
        return None  # the best voice hidden on purpose ($AUDIOCOACH_ENGINES): no advice to install it
    best = BACKENDS[DEFAULT_VOICE_ENGINE]
    return f"speaking with {engine}; a clearer, more natural voice is available: {best.install_hint()}"


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut the engine's leading and trailing silence, keeping a few ms of margin."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    start = max(0, int(loud[0]) - rate * TRIM_PAD_BEFORE_MS // 1000)
    end = min(samples.size, int(loud[-1]) + 1 + rate * TRIM_PAD_AFTER_MS // 1000)
    return samples[start:end]


def resample(samples: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """int16 ``samples`` at ``rate`` -> int16 at ``to_rate``, band-limited (soxr, high quality)."""
    if rate == to_rate:
        return samples
    out = soxr.resample(samples.astype(np.float32) / 32768.0, rate, to_rate, quality="HQ")
    return np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)


@dataclass(frozen=True)
class SynthSpec:
    """Everything that rebuilds a :class:`Synthesizer` (e.g. in a worker process)."""

    engine: str
    voice: str | None
    rate: int
    sample_rate: int
    cache_dir: str
    pronounce: tuple[tuple[str, str], ...] = ()


class Synthesizer:
    """Clips for phrases, synthesized once and cached on disk.

    Args:
        engine: a name from :data:`BACKENDS`, or ``auto`` (the most intelligible installed).
        voice: a voice id, language code or name (None: the engine's default).
        rate: words per minute.
        cache_dir: where clips are kept (``$AUDIOCOACH_CACHE`` or ``~/.cache/audiocoach``).
        sample_rate: the session's rate; every clip is resampled to it.
        pronounce: a routine's (written, spoken) pairs, on top of the shipped lexicon.
    """

    def __init__(
        self,
        engine: str = DEFAULT_ENGINE,
        voice: str | None = None,
        rate: int = RATE,
        cache_dir: str | Path | None = None,
        sample_rate: int = SESSION_RATE,
        pronounce: tuple[tuple[str, str], ...] = (),
    ):
        self.engine_asked = engine or AUTO
        self.engine_name = resolve_engine(engine)
        self._backend_cls = get_backend(self.engine_name)
        self.rate = rate
        self.sample_rate = sample_rate
        self.cache = PhraseCache(cache_dir or default_cache_dir())
        self.pronounce = tuple(pronounce)
        self.lexicon = Lexicon.for_engine(self.engine_name, self.pronounce)
        self._backend: Backend | None = None
        self._voice_asked = voice
        self._voice: str | None = None
        self._version: str | None = None
        self._clips: dict[str, np.ndarray] = {}
        self._cached_elsewhere: set[str] = set()
        self.synthesized = 0
        self.cache_hits = 0

    @classmethod
    def from_spec(cls, spec: SynthSpec, **kwargs) -> Synthesizer:
        return cls(
            spec.engine,
            spec.voice,
            spec.rate,
            spec.cache_dir,
            sample_rate=spec.sample_rate,
            pronounce=spec.pronounce,
            **kwargs,
        )

    def spec(self) -> SynthSpec:
        return SynthSpec(
            self.engine_name, self._voice_asked, self.rate, self.sample_rate, str(self.cache.root), self.pronounce
        )

    @property
    def notice(self) -> str | None:
        """For the user: a clearer voice that could be installed, when ``auto`` found none."""
        return better_engine_hint(self.engine_name) if self.engine_asked == AUTO else None

    # The engine starts only when first needed; checking voices or the version needs it.
    def _engine(self) -> Backend:
        if self._backend is None:
            self._backend = self._backend_cls()
            try:
                self._voice = self._backend.resolve_voice(self._voice_asked)
            except ValueError as exc:
                self._backend.close()
                self._backend = None
                raise AudiocoachError(str(exc)) from None
            self._version = self._backend.version()
        return self._backend

    @property
    def voice(self) -> str | None:
        self._engine()
        return self._voice

    def describe(self) -> dict[str, object]:
        self._engine()
        return {
            "engine": self.engine_name,
            "engine_version": self._version,
            "voice": self._voice or "default",
            "rate": self.rate,
        }

    def spoken(self, text: str) -> str:
        """What is sent to the engine for ``text`` (the lexicon applied)."""
        return self.lexicon.apply(text)

    def cache_key(self, text: str) -> str:
        self._engine()
        return PhraseCache.key(
            self.engine_name, self._version or "", self._voice, self.rate, self.sample_rate, self.spoken(text)
        )

    def render(self, text: str) -> np.ndarray:
        """Synthesize ``text`` now (no cache): int16 at the session rate, trimmed."""
        backend = self._engine()
        raw, rate = backend.synthesize(self.spoken(text), self._voice, self.rate)
        samples = trim(resample(raw, rate, self.sample_rate), self.sample_rate)
        if samples.size == 0:
            raise AudiocoachError(f"the speech engine produced only silence for {text!r}")
        return samples

    def clip(self, text: str) -> np.ndarray:
        """The samples for ``text`` (int16, mono, at ``sample_rate``)."""
        found = self._clips.get(text)
        if found is not None:
            return found
        key = self.cache_key(text)
        samples = self.cache.get(key)
        if samples is None:
            samples = self.render(text)
            self.cache.put(key, samples)
            self.synthesized += 1
        elif text in self._cached_elsewhere:
            self._cached_elsewhere.discard(text)  # counted as synthesized already
        else:
            self.cache_hits += 1
        samples.setflags(write=False)
        self._clips[text] = samples
        return samples

    # A clip synthesized in a pool worker (speech.pool) joins this synthesizer.
    def adopt(self, text: str, samples: np.ndarray) -> None:
        """Keep ``samples`` (made by :meth:`render` in another process) as the clip for ``text``."""
        self.cache.put(self.cache_key(text), samples)
        self.synthesized += 1
        samples.setflags(write=False)
        self._clips[text] = samples

    def cached_elsewhere(self, texts: Iterable[str]) -> None:
        """``texts`` were synthesized into the cache by another process: counted as synthesized,
        and read from the cache when asked for, not counted as cache hits then."""
        for text in texts:
            self.synthesized += 1
            self._cached_elsewhere.add(text)

    def has(self, text: str) -> bool:
        """Whether the clip for ``text`` is ready (in memory or in the cache): no synthesis."""
        return text in self._clips or self.cache.get(self.cache_key(text)) is not None

    def measure(self, kind: str, text: str) -> int:
        """Length in ms of the clip the mixer will play (rounded up to whole ms)."""
        if kind == "tone":
            return TONES[text].length_ms
        return math.ceil(self.clip(text).size * 1000 / self.sample_rate)

    def prepare(self, texts: Iterable[str] = ()) -> None:
        """Load the engine's model now: worker processes forked after this share it.

        ``texts``: the phrases the workers will be asked for (see :meth:`Backend.prepare`).
        """
        self._engine().prepare(self._voice, [self.spoken(t) for t in texts] or None)

    def voices(self) -> list[VoiceInfo]:
        return self._engine().voices()

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def engine_missing(engine: str = DEFAULT_ENGINE) -> str | None:
    """None when ``engine`` can run here (for ``auto``: any visible engine), else what to install.

    An engine hidden by ``$AUDIOCOACH_ENGINES`` is missing, and the answer says so.
    """
    if engine == AUTO:
        try:
            resolve_engine(AUTO)
        except EngineMissingError as exc:
            return str(exc)
        return None
    get_backend(engine)
    return hidden(engine) or BACKENDS[engine].missing()


__all__ += ["engine_missing", "hidden", "EngineMissingError"]
