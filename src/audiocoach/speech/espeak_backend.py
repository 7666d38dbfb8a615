"""espeak-ng driven through its command line, one process per phrase.

A fresh process per phrase makes every clip deterministic (the library keeps pitch and
noise state from one utterance to the next), and the command line writes MBROLA voices
at their real 16 kHz. MBROLA voices are listed only when their voice data is installed
(``scripts/install-voices.sh mbrola``).
"""

from __future__ import annotations

import os
import re

import numpy as np

from audiocoach.speech.base import CommandBackend, VoiceInfo, read_wav, run_command

#: Where Debian's mbrola-* packages put their voice data.
MBROLA_DIRS = ("/usr/share/mbrola",)
#: espeak-ng's own bounds for -s (words per minute).
MIN_WPM, MAX_WPM = 80, 450


def parse_voices(listing: str) -> list[VoiceInfo]:
    """Voices from ``espeak-ng --voices`` output."""
    found = []
    for line in listing.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 5:
            continue
        _, lang, age_gender, name, ident = cols[:5]
        gender = {"M": "male", "F": "female"}.get(age_gender.split("/")[-1], "")
        found.append(VoiceInfo(ident, name, (lang,), gender))
    return found


def mbrola_installed(ident: str) -> bool:
    """Whether the MBROLA data for voice ``mb/mb-us2`` is here."""
    name = ident.split("/")[-1].removeprefix("mb-")
    return any(
        os.path.exists(os.path.join(d, name, name)) or os.path.exists(os.path.join(d, name)) for d in MBROLA_DIRS
    )


class EspeakBackend(CommandBackend):
    NAME = "espeak-ng"
    COMMAND = "espeak-ng"
    PACKAGE = "espeak-ng"
    LICENCE = "GPL-3.0-or-later (Debian main); MBROLA voices: non-commercial licences (non-free)"
    SAMPLE_RATE = 22050
    DEFAULT_VOICE = "gmw/en-US"
    VERSION_PACKAGES = ("espeak-ng-data",)
    MEMORY_MB = 30  # one short process per phrase

    def version(self) -> str:
        shown = run_command(["espeak-ng", "--version"]).decode("utf-8", "replace")
        m = re.search(r"eSpeak NG text-to-speech: (\S+)", shown)
        return f"espeak-ng-{m.group(1) if m else 'unknown'}+{super().version()}"

    def list_voices(self) -> list[VoiceInfo]:
        voices = parse_voices(run_command(["espeak-ng", "--voices"]).decode("utf-8", "replace"))
        mbrola = parse_voices(run_command(["espeak-ng", "--voices=mb"]).decode("utf-8", "replace"))
        return voices + [v for v in mbrola if mbrola_installed(v.id)]

    def command(self, text: str, voice: str | None, rate: int, wav: str) -> tuple[list[str], bytes | None]:
        wpm = min(MAX_WPM, max(MIN_WPM, rate))
        # Text on stdin: a phrase starting with "-" is not taken for an option.
        return ["espeak-ng", "-v", voice or self.DEFAULT_VOICE, "-s", str(wpm), "-w", wav], text.encode("utf-8")

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        # The WAV comes back on stdout: no file, so no folder to leave behind if killed.
        args, stdin = self.command(text, voice, rate, "-")
        args[args.index("-w") : args.index("-w") + 2] = ["--stdout"]
        return read_wav(run_command(args, input=stdin), f"espeak-ng for {text!r}")
