"""Festival with its HTS voices (cmu_us_slt_arctic_hts): the natural voice from Debian main.

Festival takes about half a second to start and load a voice, so one ``festival --pipe``
process serves every phrase of a worker: Scheme forms go in on stdin, each followed by a
marker that is printed and flushed, so we know when the form is done. Each phrase is
written to an anonymous file (no name, no folder: nothing is left behind even when the
build is killed) that festival opens through ``/dev/fd``; festival dies with the build. HTS synthesis keeps no state from one
utterance to the next, so a phrase's samples do not depend on the phrase before it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from typing import IO

import numpy as np

from audiocoach.errors import EngineMissingError, SpeechError
from audiocoach.speech.base import Backend, VoiceInfo, log, package_version, read_wav
from audiocoach.speech.procs import engine_env, engine_preexec

#: Words per minute of the default voice at its natural speed (measured on the phrases of
#: the posterior-chain session); the rate option scales speed relative to it.
NOMINAL_WPM = 175
#: Seconds to wait for one form (a phrase, or loading a voice).
TIMEOUT_S = 60

_MARK = "AC-DONE"
_LINUX = sys.platform.startswith("linux")
_DESCRIPTION = re.compile(r"\((\S+) \(\(language (\S+)\) \(gender (\S+)\)")


def scheme_string(text: str) -> str:
    """``text`` as a Scheme string literal (one line)."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FestivalBackend(Backend):
    NAME = "festival"
    PACKAGE = "festival festvox-us-slt-hts"
    LICENCE = "Festival: X11-style (free); cmu_us_slt_arctic_hts: BSD-style (free), Debian main"
    SAMPLE_RATE = 32000
    DEFAULT_VOICE = "cmu_us_slt_arctic_hts"
    #: festival --pipe with the HTS voice loaded peaks near 400 MB (measured on a 500-note session).
    MEMORY_MB = 400

    def __init__(self) -> None:
        problem = self.missing()
        if problem:
            raise EngineMissingError(problem)
        self._wav: IO[bytes] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._voice: str | None = None
        self._rate: int | None = None
        self._voices: list[VoiceInfo] | None = None
        self._count = 0

    @classmethod
    def missing(cls) -> str | None:
        if shutil.which("festival") is None:
            return f"the festival engine is missing; install it: {cls.install_hint()}"
        return None

    def version(self) -> str:
        parts = [f"{p}-{package_version(p) or 'unknown'}" for p in ("festival", "festvox-us-slt-hts")]
        return "+".join(parts) + f"+pace{NOMINAL_WPM}"

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            log.debug("starting festival --pipe")
            if self._wav is None:
                # Linux: a file without a name (O_TMPFILE), gone with the last descriptor;
                # elsewhere a named one, removed when closed.
                self._wav = (
                    tempfile.TemporaryFile(prefix="audiocoach-festival-")  # noqa: SIM115
                    if _LINUX
                    else tempfile.NamedTemporaryFile(prefix="audiocoach-festival-", suffix=".wav")  # noqa: SIM115
                )
            self._proc = subprocess.Popen(
                ["festival", "--pipe"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(self._wav.fileno(),),
                preexec_fn=engine_preexec,
                env=engine_env(),
            )
            self._voice = self._rate = None
        return self._proc

    def run(self, form: str) -> str:
        """Evaluate one Scheme form; what festival printed (errors included)."""
        proc = self._start()
        self._count += 1
        mark = f'"{_MARK}-{self._count}"'
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(f"{form}\n(begin (print {mark}) (fflush nil))\n".encode())
            proc.stdin.flush()
        except OSError as exc:
            raise SpeechError(f"festival stopped: {exc}") from None
        out: list[str] = []
        timer = threading.Timer(TIMEOUT_S, proc.kill)
        timer.start()
        try:
            while True:
                line = proc.stdout.readline()
                if not line:
                    self._proc = None
                    raise SpeechError(
                        f"festival exited while running {form[:80]}: {''.join(out).strip() or 'no message'}"
                    )
                text = line.decode("utf-8", "replace")
                if text.strip() == mark:
                    return "".join(out)
                out.append(text)
        finally:
            timer.cancel()

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            # A voice describes itself only once loaded, so load each in turn.
            form = '(mapcar (lambda (v) (eval (list (intern (string-append "voice_" v)))) (print (list v (voice.description v)))) (voice.list))'
            printed = self.run(form)
            self._voice = None
            found = []
            for m in _DESCRIPTION.finditer(printed.replace("\n", " ")):
                lang = {"english": "en"}.get(m.group(2), m.group(2))
                found.append(VoiceInfo(m.group(1), m.group(1), (lang,), m.group(3)))
            self._voices = found
        return self._voices

    def _select(self, voice: str, rate: int) -> None:
        if voice != self._voice:
            if not re.fullmatch(r"[A-Za-z0-9_]+", voice):
                raise SpeechError(f"not a festival voice name: {voice!r}")
            printed = self.run(f"(begin (voice_{voice}) (set! audiocoach_hts_params hts_engine_params))")
            if "ERROR" in printed:
                raise SpeechError(f"festival could not load the voice {voice}: {printed.strip()}")
            self._voice, self._rate = voice, None
        if rate != self._rate:
            speed = rate / NOMINAL_WPM
            # HTS voices take the speed as the engine's -r; other voices stretch durations.
            self.run(
                f'(begin (if audiocoach_hts_params (set! hts_engine_params (append audiocoach_hts_params (list (list "-r" {speed:.4f})))))'
                f" (Parameter.set 'Duration_Stretch {1 / speed:.4f}))"
            )
            self._rate = rate

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        self._select(voice or self.DEFAULT_VOICE, rate)
        self._start()
        assert self._wav is not None
        fd = self._wav.fileno()
        # festival opens the file anew (truncating it) through its own copy of the descriptor.
        target = f"/dev/fd/{fd}" if _LINUX else self._wav.name
        printed = self.run(f'(utt.save.wave (utt.synth (Utterance Text {scheme_string(text)})) "{target}" \'riff)')
        size = os.fstat(fd).st_size
        data = os.pread(fd, size, 0) if size else b""
        if not data:
            raise SpeechError(f"festival wrote no audio for {text!r}: {printed.strip() or 'no message'}")
        os.ftruncate(fd, 0)  # a phrase festival fails to write is never read as the one before
        return read_wav(data, f"festival for {text!r}")

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        wav, self._wav = self._wav, None
        if wav is not None:
            wav.close()
