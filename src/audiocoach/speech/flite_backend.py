"""Flite (festival-lite), one short process per phrase; voices built into the binary."""

from __future__ import annotations

import re

from audiocoach.speech.base import CommandBackend, VoiceInfo, run_command

#: What Flite's built-in voices are (``flite -lv`` only names them).
KNOWN = {
    "kal": ("male", "American English, diphone, 8 kHz"),
    "kal16": ("male", "American English, diphone, 16 kHz"),
    "awb": ("male", "Scottish English, CMU Arctic"),
    "rms": ("male", "American English, CMU Arctic"),
    "slt": ("female", "American English, CMU Arctic"),
}
#: Words per minute Flite speaks at stretch 1.0 (measured on the posterior-chain phrases,
#: trimmed clips), so a routine's rate means the same pace on every engine.
NOMINAL_WPM = 186


class FliteBackend(CommandBackend):
    NAME = "flite"
    COMMAND = "flite"
    PACKAGE = "flite"
    LICENCE = "BSD-style (free), Debian main"
    SAMPLE_RATE = 16000
    DEFAULT_VOICE = "kal16"
    VERSION_PACKAGES = ("flite", "libflite1")
    PACE_WPM = NOMINAL_WPM

    def list_voices(self) -> list[VoiceInfo]:
        shown = run_command(["flite", "-lv"]).decode("utf-8", "replace")
        names = shown.split(":", 1)[-1].split()
        # awb_time speaks only the time of day.
        return [
            VoiceInfo(n, KNOWN.get(n, ("", n))[1], ("en",), KNOWN.get(n, ("", ""))[0])
            for n in names
            if re.fullmatch(r"\w+", n) and n != "awb_time"
        ]

    def command(self, text: str, voice: str | None, rate: int, wav: str) -> tuple[list[str], bytes | None]:
        stretch = NOMINAL_WPM / rate
        args = [
            "flite",
            "-voice",
            voice or self.DEFAULT_VOICE,
            "--setf",
            f"duration_stretch={stretch:.4f}",
            "-t",
            text,
            "-o",
            wav,
        ]
        return args, None
