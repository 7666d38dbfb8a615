"""The speech engines, one row each: the one table every list of engines derives from.

Import-free (no backend, no speech stack): the loader checks engine names against it, the
script check reads what each engine speaks, ``auto`` takes its order, CI its base set, and
:data:`audiocoach.speech.BACKENDS` imports a row's backend class only when it is asked for.
A new engine is one backend module under ``speech/`` and one row here.
"""

from __future__ import annotations

from dataclasses import dataclass

LATIN = "Latin"


@dataclass(frozen=True)
class EngineRow:
    """One engine: its name, where its backend lives, and what the rest of the tool needs to know."""

    name: str
    #: ``module:Class`` of its :class:`audiocoach.speech.base.Backend`.
    backend: str
    #: Its place in ``auto``'s order (most intelligible first, measured by
    #: scripts/intelligibility.py; docs/voices.md), or None: never picked by ``auto``.
    auto_rank: int | None
    #: The README's set-up installs it (a fresh machine has it; CI's first pass sees only these).
    in_base: bool
    #: The writing systems its default voices read (text in others is skipped or spelled out).
    scripts: frozenset[str] = frozenset({LATIN})
    #: The languages (BCP 47 language subtags) its voices installed by pip or apt speak;
    #: ``*``: every language the coach speaks (espeak-ng, the floor).
    languages: frozenset[str] = frozenset({"en"})

    def speaks(self, code: str) -> bool:
        """Whether this engine has a voice for language ``code`` (``de``)."""
        return "*" in self.languages or code in self.languages


#: In the order CI names the base set: hibari is a dependency of the package, espeak-ng
#: comes from scripts/setup.sh and pyttsx3 speaks through it, Piper with the dev extra.
ENGINES: tuple[EngineRow, ...] = (
    EngineRow("hibari", "audiocoach.speech.hibari_backend:HibariBackend", 0, True),
    EngineRow("espeak-ng", "audiocoach.speech.espeak_backend:EspeakBackend", 6, True, languages=frozenset("*")),
    EngineRow("pyttsx3", "audiocoach.speech.pyttsx3_backend:Pyttsx3Backend", 7, True),
    EngineRow("piper", "audiocoach.speech.piper_backend:PiperBackend", 1, True),
    EngineRow("rhvoice", "audiocoach.speech.rhvoice_backend:RHVoiceBackend", 2, False),
    EngineRow("festival", "audiocoach.speech.festival_backend:FestivalBackend", 3, False),
    EngineRow("flite", "audiocoach.speech.flite_backend:FliteBackend", 4, False),
    EngineRow("pico", "audiocoach.speech.pico_backend:PicoBackend", 5, False),
)
ENGINE_ROWS: dict[str, EngineRow] = {row.name: row for row in ENGINES}
#: Every engine name, sorted.
ENGINE_NAMES: tuple[str, ...] = tuple(sorted(ENGINE_ROWS))
#: ``engine: auto`` takes the first installed engine in this order.
AUTO_ORDER: tuple[str, ...] = tuple(
    row.name for row in sorted((r for r in ENGINES if r.auto_rank is not None), key=lambda r: r.auto_rank or 0)
)
#: The engines the README's set-up installs.
BASE_ENGINES: tuple[str, ...] = tuple(row.name for row in ENGINES if row.in_base)


def engines_for(code: str) -> tuple[str, ...]:
    """The engines with a voice for language ``code``, in ``auto``'s order."""
    return tuple(name for name in AUTO_ORDER if ENGINE_ROWS[name].speaks(code))


#: What a session speaks with when neither the command line nor the routine names an engine:
#: the most intelligible engine installed (the first of :data:`AUTO_ORDER` found).
AUTO_ENGINE = "auto"
#: What ``--engine`` and ``defaults: engine:`` accept.
ENGINE_CHOICES: tuple[str, ...] = (AUTO_ENGINE, *ENGINE_NAMES)
