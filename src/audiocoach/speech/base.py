"""The interface every speech engine implements, and a base for engines run as commands."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np

from audiocoach.errors import EngineMissingError, SpeechError
from audiocoach.speech.procs import engine_env, engine_preexec

log = logging.getLogger("audiocoach.speech")

#: A command that takes longer than this for one phrase is stuck.
COMMAND_TIMEOUT_S = 60


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str = ""


class Backend:
    """A speech engine. Subclasses set NAME and implement the methods below."""

    NAME: ClassVar[str] = ""
    #: The Debian package(s) that provide the engine and its default voice.
    PACKAGE: ClassVar[str] = ""
    #: How to install it ("sudo apt-get install -y ..." or the voices script).
    INSTALL: ClassVar[str] = ""
    LICENCE: ClassVar[str] = ""
    #: Native sample rate of the default voice (each clip carries its own rate).
    SAMPLE_RATE: ClassVar[int] = 22050
    DEFAULT_VOICE: ClassVar[str | None] = None
    #: Resident memory (MB) one running engine takes while it speaks: the synthesis pool
    #: starts no more workers than free memory holds (see audiocoach.speech.pool).
    MEMORY_MB: ClassVar[int] = 100
    #: :meth:`prepare` loads a model the pool's workers share (see audiocoach.speech.pool):
    #: the pool then runs in a child process that takes the model with it when it ends.
    SHARED_MODEL: ClassVar[bool] = False

    @classmethod
    def missing(cls) -> str | None:
        """None when the engine can run here, else what to install (a sentence)."""
        raise NotImplementedError

    @classmethod
    def install_hint(cls) -> str:
        return cls.INSTALL or f"sudo apt-get install -y {cls.PACKAGE}"

    def version(self) -> str:
        raise NotImplementedError

    def voices(self) -> list[VoiceInfo]:
        raise NotImplementedError

    def resolve_voice(self, voice: str | None) -> str | None:
        """The engine's id for ``voice`` (an id, a language code or a name); raise ValueError."""
        if voice is None:
            return self.DEFAULT_VOICE
        want = voice.strip().lower()
        found = self.voices()
        for v in found:
            if want in (v.id.lower(), v.name.lower()):
                return v.id
        for v in found:
            if want in (lang.lower() for lang in v.languages) or v.id.lower().split("/")[-1] == want:
                return v.id
        # "en-us" on an engine that only says "en": its default voice if that fits, else the first.
        broader = [v for v in found if any(want.startswith(lang.lower() + "-") for lang in v.languages)]
        if broader:
            return next((v.id for v in broader if v.id == self.DEFAULT_VOICE), broader[0].id)
        # English voices first: the coach's words are English, so those are the useful examples.
        english = sorted(found, key=lambda v: not any(lang.lower().startswith("en") for lang in v.languages))
        some = ", ".join(v.id for v in english[:6])
        raise ValueError(
            f"unknown voice {voice!r} for the {self.NAME} engine (run 'audiocoach voices --engine {self.NAME}'"
            f" to list them{', e.g. ' + some if some else ''})"
        )

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        """Mono int16 samples (untrimmed) and their sample rate."""
        raise NotImplementedError

    def prepare(self, voice: str | None, texts: list[str] | None = None) -> None:
        """Load what every phrase needs now (before worker processes fork, so they share it).

        ``texts``: the phrases the workers will be given (as the engine is to speak them),
        for an engine that can do part of the work for all of them at once.
        """

    def close(self) -> None:
        """Release the engine (safe to call twice)."""


def read_wav(data: bytes, what: str) -> tuple[np.ndarray, int]:
    """Mono int16 samples and rate from a WAV file's bytes."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise SpeechError(
                    f"{what}: expected 16-bit mono audio, got {w.getsampwidth() * 8}-bit x{w.getnchannels()}"
                )
            rate = w.getframerate()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechError(f"{what}: unreadable audio ({exc})") from None
    return np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").copy(), rate


def run_command(args: Sequence[str], *, input: bytes | None = None) -> bytes:
    """Run an engine's command; its failure carries the command and its stderr."""
    log.debug("running %s", " ".join(args))
    try:
        done = subprocess.run(
            list(args),
            input=input,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
            preexec_fn=engine_preexec,  # a killed build leaves no engine behind
            env=engine_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechError(f"{args[0]} failed: {exc}") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise SpeechError(f"{' '.join(args[:3])} ... exited with {done.returncode}: {err or 'no message'}")
    return done.stdout


@cache
def file_hash(path: str) -> str:
    """The first 16 hex digits of the sha256 of ``path`` (a model file's identity in the cache key)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def package_version(package: str) -> str:
    """The installed Debian package version ('' when not known)."""
    if shutil.which("dpkg-query") is None:
        return ""
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.decode().strip() if out.returncode == 0 else ""


class CommandBackend(Backend):
    """An engine run as one short command per phrase that writes a WAV file.

    Each phrase is a fresh process, so no state carries from one phrase to the next: the
    same text gives the same samples whatever was spoken before.
    """

    COMMAND: ClassVar[str] = ""
    #: Packages whose versions make up the engine's version (voices included).
    VERSION_PACKAGES: ClassVar[tuple[str, ...]] = ()
    #: The engine's pace (words per minute) at its neutral speed setting, where the rate
    #: is given to it as a factor; 0 when the engine takes words per minute itself.
    PACE_WPM: ClassVar[int] = 0

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        # Made when the first phrase is written (a worker that only measures makes none),
        # removed by close().
        self._tmpdir: str | None = None
        self._voices: list[VoiceInfo] | None = None

    @classmethod
    def missing(cls) -> str | None:
        if shutil.which(cls.COMMAND) is None:
            return f"the {cls.NAME} engine is missing ({cls.COMMAND} not found); install it: {cls.install_hint()}"
        return None

    def version(self) -> str:
        parts = [f"{p}-{package_version(p) or 'unknown'}" for p in self.VERSION_PACKAGES]
        if self.PACE_WPM:
            parts.append(f"pace{self.PACE_WPM}")  # how a rate maps to the engine's control
        return "+".join(parts) or "unknown"

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            self._voices = self.list_voices()
        return self._voices

    def list_voices(self) -> list[VoiceInfo]:
        raise NotImplementedError

    def command(self, text: str, voice: str | None, rate: int, wav: str) -> tuple[list[str], bytes | None]:
        """The command line (and its stdin) that writes ``text`` to ``wav``."""
        raise NotImplementedError

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix=f"audiocoach-{self.NAME}-")
        wav = os.path.join(self._tmpdir, "phrase.wav")
        args, stdin = self.command(text, voice, rate, wav)
        run_command(args, input=stdin)
        try:
            with open(wav, "rb") as f:
                data = f.read()
            os.remove(wav)
        except OSError as exc:
            raise SpeechError(f"{self.COMMAND} wrote no audio for {text!r} ({exc})") from None
        return read_wav(data, f"{self.COMMAND} for {text!r}")

    def close(self) -> None:
        tmpdir, self._tmpdir = self._tmpdir, None
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
