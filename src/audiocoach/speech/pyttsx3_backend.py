"""pyttsx3: the cross-platform engine (espeak-ng on Linux, the system voices elsewhere).

pyttsx3's traps, handled here: several ``save_to_file`` calls before one ``runAndWait``
keep only the last file, so each phrase gets its own call pair; ``runAndWait`` with
nothing queued speaks the last text again, so we never call it without queuing; the
espeak driver prints "Audio saved to ..." on stdout, which we swallow; an unknown voice
name is ignored silently, so voices are checked against the engine's list first; and
espeak's synth callback is process-wide, so there is one engine per process.

Determinism: libespeak-ng keeps pitch-flutter and noise state from one utterance to the
next, so through one long-lived engine a phrase's samples depend on the phrases before
it. On Linux every phrase is therefore spoken by a freshly started engine, in a child
forked from a small single-threaded helper process (the *zygote*, which has pyttsx3
imported but never starts espeak): about 30 ms a phrase, and the same samples every
time. Elsewhere (macOS, Windows) the system voices are driven in process.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import wave
from importlib import metadata
from typing import Any

import numpy as np

from audiocoach.errors import EngineMissingError, SpeechError
from audiocoach.procs import die_with_parent
from audiocoach.speech.base import Backend, VoiceInfo
from audiocoach.speech.procs import engine_env, engine_preexec

log = logging.getLogger("audiocoach.speech")

INSTALL_HINT = "install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng) and the Python package pyttsx3"
_ATTEMPTS = 3
#: Fork a fresh engine per phrase where espeak-ng is the driver and fork is safe.
USE_ZYGOTE = sys.platform.startswith("linux")


# --- work done inside one fresh engine -------------------------------------------------


def _new_engine():
    import pyttsx3

    try:
        return pyttsx3.init("espeak" if USE_ZYGOTE else None)
    except (OSError, RuntimeError) as exc:
        raise EngineMissingError(f"the speech engine could not start ({exc}); {INSTALL_HINT}") from None


def _apply(engine, voice: str | None, rate: int) -> None:
    """Set voice and rate straight on the driver, espeak synchronised around it."""
    driver = engine.proxy._driver
    if USE_ZYGOTE:
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver

        _espeak.Synchronize()
        driver.setProperty("voice", voice or EspeakDriver._defaultVoice or "gmw/en")
        driver.setProperty("rate", rate)
        _espeak.Synchronize()
    else:
        if voice:
            driver.setProperty("voice", voice)
        driver.setProperty("rate", rate)


def _speak_to(engine, text: str, path: str) -> tuple[np.ndarray, int]:
    # pyttsx3's loop now and then hands back an empty file; the same call a moment later
    # succeeds, so retry a bounded number of times.
    for attempt in range(1, _ATTEMPTS + 1):
        with contextlib.redirect_stdout(io.StringIO()):
            engine.save_to_file(text, path)
            engine.runAndWait()
        try:
            with wave.open(path, "rb") as w:
                if w.getsampwidth() != 2 or w.getnchannels() != 1:
                    raise SpeechError(f"unexpected audio format from the engine for {text!r}")
                samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()
                if samples.size:
                    return samples, w.getframerate()
        except (OSError, wave.Error, EOFError):
            pass
        log.debug("the engine returned no audio for %r (attempt %d of %d)", text, attempt, _ATTEMPTS)
    raise SpeechError(f"the engine produced no audio for {text!r} after {_ATTEMPTS} attempts")


def _voices(engine) -> list[dict[str, Any]]:
    out = []
    for v in engine.getProperty("voices"):
        gender = (getattr(v, "gender", None) or "").lower()
        out.append({"id": v.id, "name": v.name, "languages": list(v.languages or ()), "gender": gender})
    return out


def _version() -> str:
    version = f"pyttsx3-{metadata.version('pyttsx3')}"
    if USE_ZYGOTE:
        from pyttsx3.drivers import _espeak

        with contextlib.suppress(Exception):
            version += f"+espeak-ng-{_espeak.Info(None).decode()}"
    return version


def _do(request: dict[str, Any]) -> None:
    """Carry out one request in a fresh engine, writing the result to request['out']."""
    engine = _new_engine()
    if request["op"] == "speak":
        _apply(engine, request["voice"], request["rate"])
        _speak_to(engine, request["text"], request["out"] + ".wav")
        os.replace(request["out"] + ".wav", request["out"])
        return
    result = _voices(engine) if request["op"] == "voices" else _version()
    with open(request["out"], "w", encoding="utf-8") as f:
        json.dump(result, f)


def serve() -> None:
    """The zygote: one request per stdin line; a forked child carries out each."""
    import pyttsx3  # noqa: F401  (imported once here, so children start fast)

    for line in sys.stdin:
        request = json.loads(line)
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                die_with_parent(signal.SIGKILL, zygote)  # an engine child never outlives the helper
                # libespeak-ng can hang in a forked child as it can crash: a phrase takes well under a
                # second, so one still running after 20 s is ended and the backend tries a fresh fork.
                signal.alarm(20)
                _do(request)
            except BaseException as exc:  # the child reports everything, then exits
                with open(request["out"] + ".err", "w", encoding="utf-8") as f:
                    f.write(str(exc) or type(exc).__name__)
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(f"done {status}\n")
        sys.stdout.flush()


# --- the backend -----------------------------------------------------------------------


class Pyttsx3Backend(Backend):
    NAME = "pyttsx3"
    PACKAGE = "espeak-ng"
    INSTALL = "sudo apt-get install -y espeak-ng (and the Python package pyttsx3)"
    LICENCE = "pyttsx3: MPL-2.0; espeak-ng: GPL-3.0-or-later (Debian main)"
    SAMPLE_RATE = 22050

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        self._zygote: subprocess.Popen[str] | None = None
        #: The folder of the request under way: close() removes it when a stopped worker
        #: closes its engine in the middle of a request (its SIGTERM handler never returns).
        self._folder: str | None = None
        self._voices: list[VoiceInfo] | None = None
        self._version: str | None = None

    @classmethod
    def missing(cls) -> str | None:
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return f"the speech engine is missing: {INSTALL_HINT}"
        if USE_ZYGOTE:
            try:
                from pyttsx3.drivers import _espeak  # noqa: F401  (loads libespeak-ng)
            except (
                OSError,
                ImportError,
                AttributeError,
                RuntimeError,
            ):  # pyttsx3 raises RuntimeError when no library loads
                return f"the espeak-ng library is missing: {INSTALL_HINT}"
        return None

    #: Fresh engines tried for one request whose engine dies without a word: libespeak-ng
    #: now and then crashes in a forked child on a loaded machine; the same request in the
    #: next fork speaks (the clip is the same: each fork starts from the same state).
    ATTEMPTS = 3

    def _ask(self, request: dict[str, Any]) -> bytes:
        """Run a request in a fresh engine; the bytes of its result.

        The result file lives in a temporary folder made for this request and removed
        before it returns, so a build killed between requests leaves no folder behind.
        """
        status = ""
        for attempt in range(1, self.ATTEMPTS + 1):
            with tempfile.TemporaryDirectory(prefix="audiocoach-tts-", ignore_cleanup_errors=True) as folder:
                self._folder = folder
                try:
                    out, status = self._ask_once({**request, "out": os.path.join(folder, "result")})
                    if out is not None:
                        with open(out, "rb") as f:
                            return f.read()
                finally:
                    self._folder = None
            log.warning("pyttsx3 engine died (%s) on attempt %d for %r", status, attempt, request.get("op"))
            self._drop_zygote()  # forks of a helper whose engine hung may hang alike: start a fresh one
        what = request.get("text", request["op"])
        raise SpeechError(
            f"the pyttsx3 engine stopped while handling {what!r} ({self.ATTEMPTS} tries, status {status})"
        )

    def _ask_once(self, request: dict[str, Any]) -> tuple[str | None, str]:
        """One fresh engine for ``request``: (the result's path, or None when it died; wait status)."""
        out = request["out"]
        if not USE_ZYGOTE:
            _do(request)  # pyttsx3.init hands back the one engine it keeps per driver
            return out, "0"
        zygote = self._start()
        assert zygote.stdin is not None and zygote.stdout is not None
        try:
            zygote.stdin.write(json.dumps(request) + "\n")
            zygote.stdin.flush()
            answered = zygote.stdout.readline()
        except OSError:
            answered = ""
        if not answered:
            self._zygote = None
            raise SpeechError("the pyttsx3 helper process stopped")
        if os.path.exists(out + ".err"):
            with open(out + ".err", encoding="utf-8") as f:
                message = f.read()
            if "could not start" in message:
                raise EngineMissingError(message)
            raise SpeechError(message)
        if not os.path.exists(out):  # the child died without a word (a crash in the engine)
            return None, answered.partition(" ")[2].strip() or "unknown"
        return out, "0"

    def _drop_zygote(self) -> None:
        """End the helper process, so the next request starts a fresh one."""
        zygote, self._zygote = self._zygote, None
        if zygote is None:
            return
        if zygote.poll() is None:
            zygote.kill()
            zygote.wait()
        for pipe in (zygote.stdin, zygote.stdout):
            if pipe is not None:
                pipe.close()

    def _start(self) -> subprocess.Popen[str]:
        if self._zygote is None or self._zygote.poll() is not None:
            log.debug("starting the pyttsx3 helper process")
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", "audiocoach.speech._zygote"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                preexec_fn=engine_preexec,  # dies with the build, even a killed one
                env=engine_env(),
            )
        return self._zygote

    def _json(self, op: str) -> Any:
        return json.loads(self._ask({"op": op}).decode("utf-8"))

    def version(self) -> str:
        if self._version is None:
            self._version = str(self._json("version"))
        return self._version

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            self._voices = [
                VoiceInfo(v["id"], v["name"], tuple(v["languages"]), v["gender"]) for v in self._json("voices")
            ]
        return self._voices

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        data = self._ask({"op": "speak", "text": text, "voice": voice, "rate": rate})
        with wave.open(io.BytesIO(data), "rb") as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy(), w.getframerate()

    def close(self) -> None:
        zygote, self._zygote = self._zygote, None
        folder, self._folder = self._folder, None
        if folder is not None:
            # First: closing may run in a signal handler that interrupted a read of the
            # helper's pipe, where touching that pipe again raises (a reentrant call).
            shutil.rmtree(folder, ignore_errors=True)
        if zygote is not None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                assert zygote.stdin is not None
                zygote.stdin.close()
            try:
                zygote.wait(timeout=2)
            except subprocess.TimeoutExpired:
                zygote.kill()
                zygote.wait()
            if zygote.stdout is not None:
                with contextlib.suppress(OSError, RuntimeError, ValueError):
                    zygote.stdout.close()
