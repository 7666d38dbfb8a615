"""SVOX Pico through pico2wave (Debian non-free: ``scripts/install-voices.sh pico``).

pico2wave has no rate option; Pico's own ``<speed level="N">`` markup (100 = normal)
sets the rate instead, so the text is escaped for that markup.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from audiocoach.speech.base import CommandBackend, VoiceInfo

#: The languages Debian's libttspico-data ships (all female voices).
LANGUAGES = ("en-US", "en-GB", "de-DE", "es-ES", "fr-FR", "it-IT")
#: Words per minute Pico speaks at speed level 100 (measured on the posterior-chain
#: phrases, trimmed clips), so a routine's rate means the same pace on every engine.
NOMINAL_WPM = 155
MIN_LEVEL, MAX_LEVEL = 20, 500


class PicoBackend(CommandBackend):
    NAME = "pico"
    COMMAND = "pico2wave"
    PACKAGE = "libttspico-utils"
    INSTALL = "bash scripts/install-voices.sh pico (Debian non-free: libttspico-utils)"
    LICENCE = "Apache-2.0 code with non-free language data; Debian non-free"
    SAMPLE_RATE = 16000
    DEFAULT_VOICE = "en-US"
    VERSION_PACKAGES = ("libttspico-utils", "libttspico-data")
    PACE_WPM = NOMINAL_WPM

    def list_voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(lang, f"SVOX Pico {lang}", (lang.lower(),), "female") for lang in LANGUAGES]

    def command(self, text: str, voice: str | None, rate: int, wav: str) -> tuple[list[str], bytes | None]:
        level = min(MAX_LEVEL, max(MIN_LEVEL, round(100 * rate / NOMINAL_WPM)))
        marked = f'<speed level="{level}">{escape(text)}</speed>'
        return ["pico2wave", "-l", voice or self.DEFAULT_VOICE, "-w", wav, "--", marked], None
