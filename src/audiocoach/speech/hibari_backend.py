"""hibari-tts: a small neural voice (Kokoro-82M's af_heart, distilled) that ships in its wheel.

A Python dependency of audiocoach, so ``pip install`` alone gives every OS the same natural
voice with no system package. The model runs in process on onnxruntime (one thread; it is
many times faster than real time on one core).

One loaded model per process: loading the ONNX model and the G2P lexicons takes a few
seconds, so the first synthesis loads it and later synthesizers in the same process (the
next session of a batch, a pool worker forked after it was loaded) reuse it.
:func:`release_models` frees it. The version carries the model file's hash, so a clip
cached with one model is never played for another.

Deterministic: hibari's only randomness is the noise of its vocoder, drawn from a numpy
generator seeded per call, so a phrase gives the same samples whatever came before it.
"""

from __future__ import annotations

import os
import threading
from importlib import metadata, util
from typing import Any

import numpy as np

from audiocoach.errors import EngineMissingError, SpeechError
from audiocoach.speech.base import Backend, VoiceInfo, file_hash, log
from audiocoach.speech.hibari_reader import forget, read_all, read_before, speak
from audiocoach.speech.onnx import quiet_onnxruntime

#: Words per minute hibari's heart voice speaks at speed 1.0 (measured on the phrases of
#: the posterior-chain session, trimmed clips): a routine's rate means the same pace on
#: every engine.
NOMINAL_WPM = 181
#: hibari's own limits for ``speed``.
MIN_SPEED, MAX_SPEED = 0.5, 2.0
#: The vocoder's noise seed: fixed, so clips are reproducible.
SEED = 0
INSTALL = "pip install hibari-tts (a dependency of audiocoach: reinstalling audiocoach brings it back)"

_models: dict[str, Any] = {}
_lock = threading.Lock()


def model_for(voice: str, reading: bool = True) -> Any:
    """The loaded hibari model for ``voice``, loaded on first use and kept for the process.

    ``reading`` False: only the acoustic model is needed now (the text was read into
    phonemes up front, see :mod:`audiocoach.speech.hibari_reader`); the lexicons load on
    the first phrase that has to be read here.
    """
    with _lock:
        found = _models.get(voice)
        if found is None:
            quiet_onnxruntime()
            from hibari import Hibari
            from hibari.voices import voice_path

            log.debug("loading the hibari voice %s", voice)
            # The model file given outright: hibari would otherwise download a missing voice.
            found = Hibari(voice=voice, model=voice_path(voice, download_missing=False), threads=1)
            _models[voice] = found
        if reading:
            found.g2p  # noqa: B018 -- load the lexicons now, not inside the first phrase
        return found


def release_models() -> None:
    """Free every loaded hibari model of this process (the next synthesis loads it again)."""
    with _lock:
        _models.clear()
    forget()


def speed_for(rate: int) -> float:
    """hibari's ``speed`` for ``rate`` words per minute, within its limits."""
    return min(MAX_SPEED, max(MIN_SPEED, rate / NOMINAL_WPM))


def not_downloaded(voice: str, info: dict[str, Any]) -> str:
    """The error for a voice whose model file is not on this machine: which file to copy where."""
    quiet_onnxruntime()
    from hibari import voices

    dest = os.path.join(voices.cache_dir(), info["file"])
    return (
        f"the hibari voice {voice!r} is not on this machine and audiocoach never downloads at run time: "
        f"copy {info['file']} ({info['bytes'] / 1e6:.1f} MB, sha256 {info['sha256'][:12]}...) from "
        f"{voices.BASE_URL}{info['file']} to {dest} (or set HIBARI_HOME to the folder that holds it)"
    )


class HibariBackend(Backend):
    NAME = "hibari"
    PACKAGE = "hibari-tts"
    INSTALL = INSTALL
    LICENCE = "hibari-tts: Apache-2.0; voice heart: distilled from Kokoro-82M af_heart (Apache-2.0)"
    SAMPLE_RATE = 24000
    DEFAULT_VOICE = "heart"
    SHARED_MODEL = True

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        self._voice = self.DEFAULT_VOICE

    @classmethod
    def missing(cls) -> str | None:
        if util.find_spec("hibari") is None or util.find_spec("onnxruntime") is None:
            return f"the hibari engine is missing; install it: {INSTALL}"
        return None

    @staticmethod
    def registry() -> dict[str, dict[str, Any]]:
        quiet_onnxruntime()
        from hibari.voices import VOICES

        return VOICES

    def voices(self) -> list[VoiceInfo]:
        quiet_onnxruntime()
        from hibari.voices import voice_path

        out = []
        for name, v in self.registry().items():
            try:
                voice_path(name, download_missing=False)
                where = ""
            except FileNotFoundError:
                where = ", not downloaded"
            label = f"{name} ({v['accent']}, Kokoro {v['kokoro']}{where})"
            out.append(VoiceInfo(name, label, (v["language"].lower(),), v["gender"]))
        return out

    def resolve_voice(self, voice: str | None) -> str | None:
        found = super().resolve_voice(voice)
        assert found is not None
        self.model_path(found)  # a voice that is not here fails now, with the file to copy
        self._voice = found
        return found

    def model_path(self, voice: str) -> str:
        """The model file of ``voice``; ValueError naming the file to copy when it is not here."""
        quiet_onnxruntime()
        from hibari.voices import voice_path

        try:
            return voice_path(voice, download_missing=False)
        except FileNotFoundError:
            raise ValueError(not_downloaded(voice, self.registry()[voice])) from None

    def version(self) -> str:
        digest = file_hash(self.model_path(self._voice))
        return f"hibari-tts-{metadata.version('hibari-tts')}+model-{digest}+pace{NOMINAL_WPM}+seed{SEED}"

    def prepare(self, voice: str | None, texts: list[str] | None = None) -> None:
        # Given the texts, they are read in a child process that exits at once (while the
        # acoustic model loads here): the lexicons are never loaded here, nor copied into
        # the workers forked next, which share the model.
        voice = voice or self.DEFAULT_VOICE
        if texts:
            read_all(voice, texts, meanwhile=lambda: model_for(voice, reading=False))
        else:
            model_for(voice)

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        voice = voice or self.DEFAULT_VOICE
        sentences = read_before(voice, text)
        model = model_for(voice, reading=sentences is None)
        try:
            if sentences is None:
                audio = model(text, speed=speed_for(rate), seed=SEED)
            else:
                audio = speak(model, sentences, speed_for(rate), SEED)
        except (ValueError, KeyError, RuntimeError) as exc:
            raise SpeechError(f"hibari could not speak {text!r}: {exc}") from None
        samples = np.clip(np.round(np.asarray(audio, dtype=np.float32) * 32767.0), -32768, 32767)
        return samples.astype(np.int16), int(model.sample_rate)
