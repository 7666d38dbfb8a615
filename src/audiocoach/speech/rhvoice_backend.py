"""RHVoice (Debian non-free: ``scripts/install-voices.sh rhvoice``), one process per phrase."""

from __future__ import annotations

import glob
import os

from audiocoach.speech.base import CommandBackend, VoiceInfo

VOICE_DIRS = ("/usr/share/RHVoice/voices",)
LANGUAGES = {
    "english": "en",
    "russian": "ru",
    "ukrainian": "uk",
    "esperanto": "eo",
    "georgian": "ka",
    "kyrgyz": "ky",
    "tatar": "tt",
}
#: Words per minute RHVoice speaks at rate 100% (measured on the posterior-chain phrases,
#: trimmed clips), so a routine's rate means the same pace on every engine.
NOMINAL_WPM = 156
MIN_PERCENT, MAX_PERCENT = 20, 400


def read_info(path: str) -> dict[str, str]:
    info = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            key, _, value = line.partition("=")
            info[key.strip().lower()] = value.strip()
    return info


class RHVoiceBackend(CommandBackend):
    NAME = "rhvoice"
    COMMAND = "RHVoice-test"
    PACKAGE = "rhvoice rhvoice-english"
    INSTALL = "bash scripts/install-voices.sh rhvoice (Debian non-free: rhvoice rhvoice-english)"
    LICENCE = "engine LGPL-2.1+; English voices (clb, slt, bdl, alan) CMU Arctic licence; Debian non-free"
    SAMPLE_RATE = 24000
    DEFAULT_VOICE = "clb"
    VERSION_PACKAGES = ("rhvoice", "rhvoice-english")
    PACE_WPM = NOMINAL_WPM

    def list_voices(self) -> list[VoiceInfo]:
        found = []
        for d in VOICE_DIRS:
            for info_path in sorted(glob.glob(os.path.join(d, "*", "voice.info"))):
                info = read_info(info_path)
                ident = os.path.basename(os.path.dirname(info_path))
                lang = info.get("language", "")
                found.append(
                    VoiceInfo(
                        ident, info.get("name", ident), (LANGUAGES.get(lang.lower(), lang),), info.get("gender", "")
                    )
                )
        return found

    def command(self, text: str, voice: str | None, rate: int, wav: str) -> tuple[list[str], bytes | None]:
        percent = min(MAX_PERCENT, max(MIN_PERCENT, round(100 * rate / NOMINAL_WPM)))
        return ["RHVoice-test", "-p", voice or self.DEFAULT_VOICE, "-r", str(percent), "-o", wav], text.encode("utf-8")
