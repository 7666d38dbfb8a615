"""Writing systems: which scripts each speech engine's voices can read aloud.

A names-and-scripts table, so that loading and compiling can warn about text a voice
cannot say without starting (or importing) a speech engine. Every backend in
:mod:`audiocoach.speech` has a row in :data:`ENGINE_SCRIPTS`, from its row of the engine table
(:mod:`audiocoach.engines`), which says what its default voices read. A voice of a given language reads that
language's script (:data:`LANGUAGE_SCRIPTS`) and Latin letters. Digits, punctuation,
spaces and symbols belong to no script: every voice copes with them.

This module imports nothing from the package but the import-free engine table.
"""

from __future__ import annotations

import unicodedata

from audiocoach.engines import ENGINES, LATIN

#: What the default voices of each engine read: all the English voices read Latin letters.
#: (Other text is skipped, or spelled out as character names, depending on the engine.)
ENGINE_SCRIPTS: dict[str, frozenset[str]] = {row.name: row.scripts for row in ENGINES}
#: Scripts a voice of a language reads (the first part of a language code), besides Latin.
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ar": frozenset({"Arabic"}),
    "fa": frozenset({"Arabic"}),
    "ur": frozenset({"Arabic"}),
    "he": frozenset({"Hebrew"}),
    "ru": frozenset({"Cyrillic"}),
    "uk": frozenset({"Cyrillic"}),
    "bg": frozenset({"Cyrillic"}),
    "sr": frozenset({"Cyrillic"}),
    "mk": frozenset({"Cyrillic"}),
    "el": frozenset({"Greek"}),
    "grc": frozenset({"Greek"}),
    "zh": frozenset({"Han"}),
    "cmn": frozenset({"Han"}),
    "yue": frozenset({"Han"}),
    "ja": frozenset({"Han", "Hiragana", "Katakana"}),
    "ko": frozenset({"Hangul"}),
    "hi": frozenset({"Devanagari"}),
    "mr": frozenset({"Devanagari"}),
    "ne": frozenset({"Devanagari"}),
    "th": frozenset({"Thai"}),
    "ka": frozenset({"Georgian"}),
    "hy": frozenset({"Armenian"}),
    "bn": frozenset({"Bengali"}),
    "ta": frozenset({"Tamil"}),
}
#: The first word of a Unicode character name, for the scripts whose name differs.
_NAME_SCRIPTS = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KANGXI": "Han"}


def script_of(char: str) -> str | None:
    """The script of a letter (``"Latin"``, ``"Arabic"``, ``"Han"``...); None for digits,
    punctuation, spaces, symbols and marks (no voice has trouble with those)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if not name:
        return "Unknown"
    first = name.split()[0]
    return _NAME_SCRIPTS.get(first, first.capitalize())


def voice_language(voice: str | None) -> str | None:
    """The language code a voice id or name carries (``gmw/en-US`` -> ``en``), if any."""
    if not voice:
        return None
    last = voice.strip().lower().split("/")[-1]
    code = last.replace("_", "-").split("-")[0]
    if code in LANGUAGE_SCRIPTS or code in ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv"):
        return code
    return None


def speakable_scripts(engine: str | None, voice: str | None = None) -> frozenset[str]:
    """The scripts ``engine`` reads with ``voice`` (None or ``auto``: what every engine reads)."""
    language = voice_language(voice)
    if language is not None:
        return LANGUAGE_SCRIPTS.get(language, frozenset()) | {LATIN}
    if engine in ENGINE_SCRIPTS:
        return ENGINE_SCRIPTS[engine]
    return frozenset.intersection(*ENGINE_SCRIPTS.values())


def unspeakable(text: str, scripts: frozenset[str]) -> dict[str, str]:
    """The words of ``text`` with letters outside ``scripts``, by script: ``{"Arabic": "تمرين الصباح"}``."""
    found: dict[str, list[str]] = {}
    for word in text.split():
        for script in dict.fromkeys(script_of(c) for c in word):
            if script is not None and script not in scripts:
                found.setdefault(script, []).append(word)
    return {script: " ".join(words) for script, words in found.items()}
