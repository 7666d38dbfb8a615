"""pyttsx3 driving espeak-ng: the default engine on Linux.

One engine per process, reused for every phrase. pyttsx3's traps, handled here:
several ``save_to_file`` calls before one ``runAndWait`` keep only the last file, so each
phrase gets its own call pair; ``runAndWait`` with nothing queued speaks the last text
again, so we never call it without queuing; the espeak driver prints "Audio saved to ..."
on stdout, which we swallow; an unknown voice name is ignored silently, so voices are
checked against the engine's list first; and espeak's synth callback is process-wide,
so a second pyttsx3 engine, or the garbage collection of an old one (its ``__del__``
clears the callback), silently breaks the live one. Hence one engine per process,
shared by every backend instance, released by :func:`shutdown_engine` (also at exit).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import shutil
import tempfile
import wave
from importlib import metadata

import numpy as np

from ..errors import EngineMissingError, SpeechError
from .base import Backend, VoiceInfo

log = logging.getLogger("audiocoach.speech")

INSTALL_HINT = "install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng) and the Python package pyttsx3"


_ATTEMPTS = 3


class _Shared:
    """The process's one pyttsx3 engine."""

    engine = None


def _engine():
    if _Shared.engine is None:
        import pyttsx3

        try:
            _Shared.engine = pyttsx3.init("espeak")
        except (OSError, RuntimeError) as exc:
            raise EngineMissingError(f"the espeak-ng engine could not start ({exc}); {INSTALL_HINT}") from None
        atexit.register(shutdown_engine)
    return _Shared.engine


def shutdown_engine() -> None:
    """Release the process's engine (a later synthesis starts a new one)."""
    engine, _Shared.engine = _Shared.engine, None
    if engine is not None:
        with contextlib.suppress(Exception):
            engine.stop()


class Pyttsx3Backend(Backend):
    NAME = "pyttsx3"
    SAMPLE_RATE = 22050

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        self._engine = _engine()
        self._tmpdir = tempfile.mkdtemp(prefix="audiocoach-tts-")
        self._voices: list[VoiceInfo] | None = None

    @classmethod
    def missing(cls) -> str | None:
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return f"the speech engine is missing: {INSTALL_HINT}"
        try:
            from pyttsx3.drivers import _espeak  # noqa: F401  (loads libespeak-ng)
        except (OSError, ImportError, AttributeError, RuntimeError):  # pyttsx3 raises RuntimeError when no library loads
            return f"the espeak-ng library is missing: {INSTALL_HINT}"
        return None

    def version(self) -> str:
        from pyttsx3.drivers import _espeak

        try:
            espeak = _espeak.Info(None).decode()
        except Exception:  # pragma: no cover - very old espeak
            espeak = "unknown"
        return f"pyttsx3-{metadata.version('pyttsx3')}+espeak-ng-{espeak}"

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            self._voices = [
                VoiceInfo(v.id, v.name, tuple(v.languages or ())) for v in self._engine.getProperty("voices")
            ]
        return self._voices

    def resolve_voice(self, voice: str | None) -> str | None:
        if voice is None:
            return None
        want = voice.strip().lower()
        for v in self.voices():
            if want in (v.id.lower(), v.name.lower()) or want in (lang.lower() for lang in v.languages):
                return v.id
        for v in self.voices():  # "en-us" also matches the id "gmw/en-us"
            if v.id.lower().split("/")[-1] == want:
                return v.id
        raise ValueError(f"unknown voice {voice!r} (run 'audiocoach voices' to list them, e.g. en-us, en-gb)")

    def synthesize(self, text: str, voice: str | None, rate: int) -> np.ndarray:
        self._apply(voice or self._default_voice(), rate)
        # pyttsx3's loop now and then (about 1 phrase in 400 here) hands back an empty
        # file; the same call a moment later succeeds, so retry a bounded number of times.
        for attempt in range(1, _ATTEMPTS + 1):
            samples = self._synthesize_once(text)
            if samples.size:
                return samples
            log.debug("espeak-ng returned no audio for %r (attempt %d of %d)", text, attempt, _ATTEMPTS)
        raise SpeechError(f"espeak-ng produced no audio for {text!r} after {_ATTEMPTS} attempts")

    def _synthesize_once(self, text: str) -> np.ndarray:
        path = os.path.join(self._tmpdir, "phrase.wav")
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.save_to_file(text, path)
            self._engine.runAndWait()
        try:
            with wave.open(path, "rb") as w:
                if w.getframerate() != self.SAMPLE_RATE or w.getsampwidth() != 2 or w.getnchannels() != 1:
                    raise SpeechError(f"unexpected audio format from espeak-ng for {text!r}")
                return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()
        except (OSError, wave.Error, EOFError):
            return np.zeros(0, dtype=np.int16)
        finally:
            with contextlib.suppress(OSError):
                os.remove(path)

    def _apply(self, voice: str, rate: int) -> None:
        """Set voice and rate so the next phrase is spoken with them, every time.

        pyttsx3 initialises espeak in its asynchronous (retrieval) mode and queues
        property changes in its own command queue until its loop runs; a new driver
        also resets the rate to 200. Going through that queue, about one process in five
        spoke every phrase at 200 words per minute. So the driver's setters are called
        directly and espeak is synchronised before the phrase is queued.
        """
        from pyttsx3.drivers import _espeak

        driver = self._engine.proxy._driver
        _espeak.Synchronize()
        driver.setProperty("voice", voice)
        driver.setProperty("rate", rate)
        _espeak.Synchronize()

    def _default_voice(self) -> str:
        from pyttsx3.drivers.espeak import EspeakDriver

        return EspeakDriver._defaultVoice or "gmw/en"

    def close(self) -> None:
        # The engine stays up for the next backend in this process (see the module doc).
        shutil.rmtree(self._tmpdir, ignore_errors=True)
