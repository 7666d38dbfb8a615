"""The languages a coach speaks: phrasebook, number words, units and voice of each.

A language is data beside the English phrasebook (``data/phrases.yaml``): its phrasebook
``data/phrases.<code>.yaml``, its words that are not sentences (units, joins, the parts of
a tempo) in ``data/language.<code>.yaml``, and its exercise names and form cues in
``data/exercises.<code>.yaml``. Numbers are spelled out by num2words and a unit's form
(``one second``, ``two seconds``) follows Babel's plural rule for the language, so no
language needs a hand-written number table (English keeps :func:`number_words`, which says
numbers the way the voices say them best). A routine names its language with a BCP 47 tag
(``de``, ``es-ES``); the tag's language subtag picks the files.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from audiocoach.errors import AudiocoachError
from audiocoach.timing import CLIP_PER_CHAR_MS, estimate_clip_ms
from audiocoach.tones import TONES
from audiocoach.words.numbers import english_number

__all__ = [
    "ENGLISH",
    "WORD_PLACEHOLDERS",
    "Language",
    "LanguageError",
    "available_languages",
    "get_language",
    "language_code",
]

ENGLISH = "en"

#: The placeholders each key of a language's ``words:`` may use.
WORD_PLACEHOLDERS: dict[str, frozenset[str]] = {
    key: frozenset(names.split())
    for key, names in {
        "second": "n",
        "a_minute": "",
        "minute_and_half": "",
        "minute_and": "secs",
        "minutes": "n",
        "minutes_and_half": "n",
        "minutes_and": "n secs",
        "sets": "n",
        "warmup_sets": "n",
        "warmup_and_work": "warmup work",
        "reps_range": "low high",
        "per_side": "",
        "per_direction": "",
        "alternating": "",
        "names_then": "",
        "tempo_then": "part",
        "tempo_pause": "n seconds name",
        "tempo_fast": "name",
        "tempo_move": "name seconds",
        "weight": "n unit",
        "kilo": "",
        "pound": "",
        "weight_half_only": "unit",
        "weight_quarter": "n unit",
        "weight_half": "n unit",
        "weight_three_quarters": "n unit",
        "weight_point": "n digits unit",
        "reserve_nothing": "",
        "last_week": "",
        "in_week": "n",
        "deload_lighter": "n",
        "deload_fewer_sets": "n",
        "deload_more_rest": "rest",
        "and_last": "",
        "easier": "",
    }.items()
}


class LanguageError(AudiocoachError, ValueError):
    """A language tag no phrasebook answers, or a language's files that are incomplete."""


def _data(name: str) -> str | None:
    path = resources.files("audiocoach").joinpath(f"data/{name}")
    return path.read_text("utf-8") if path.is_file() else None


@cache
def available_languages() -> tuple[str, ...]:
    """The language codes with a phrasebook and a words file, sorted (``en`` always)."""
    folder = resources.files("audiocoach").joinpath("data")
    codes = {ENGLISH}
    for item in folder.iterdir():
        parts = item.name.split(".")
        found = len(parts) == 3 and parts[0] == "phrases" and parts[2] == "yaml"
        if found and folder.joinpath(f"language.{parts[1]}.yaml").is_file():
            codes.add(parts[1])
    return tuple(sorted(codes))


def language_code(tag: str) -> str:
    """The language of a BCP 47 tag (``es-ES`` -> ``es``, ``de`` -> ``de``), if the coach speaks it.

    Raises:
        LanguageError: a tag that is not BCP 47, or a language without a phrasebook; the
            message lists the languages available.
    """
    text = str(tag).strip()
    parts = text.replace("_", "-").split("-")
    code = parts[0].lower()
    valid = 2 <= len(code) <= 3 and code.isalpha() and all(p.isalnum() and 1 <= len(p) <= 8 for p in parts[1:])
    names = ", ".join(f"{c} ({get_language(c).name})" for c in available_languages())
    if not valid:
        raise LanguageError(f"{text!r} is not a language tag (BCP 47, e.g. de, es-ES, pt-BR); available: {names}")
    if code not in available_languages():
        raise LanguageError(f"the coach does not speak {text!r} yet; available: {names}")
    return code


@dataclass(frozen=True)
class Language:
    """One language's facts and words (from ``data/language.<code>.yaml``)."""

    code: str
    name: str
    espeak_voice: str
    clip_per_char_ms: int
    words: Mapping[str, str | Mapping[str, str]] = field(repr=False)
    #: Whether a cue or block name said inside a sentence starts lower case ("On to the
    #: cool-down."); German keeps its capitals ("Bird Dog: Bauch fest.").
    lower_in_sentence: bool = True
    #: Words a note uses for the lowering ("descent", "Absenken", "bajada"): a note that
    #: counts it in seconds the tempo does not have is not said.
    descent_words: frozenset[str] = frozenset()
    #: Written labels: chapter titles, a group's name (see ``labels:`` in language.en.yaml).
    labels: Mapping[str, str] = field(default_factory=dict, repr=False)

    def label(self, key: str, **values: object) -> str:
        """A written label (``intro`` -> 'Intro', 'Einleitung'), filled in."""
        return self.labels[key].format(**values)

    def number(self, n: int) -> str:
        """``n`` in words: 21 -> 'twenty-one', 'einundzwanzig', 'veintiuno'."""
        if self.code == ENGLISH:
            return english_number(n)
        from num2words import num2words

        return str(num2words(n, lang=self.code))

    def plural(self, n: int) -> str:
        """The CLDR plural category of ``n`` in this language (``one``, ``other``, ...)."""
        from babel import Locale

        return str(Locale.parse(self.code).plural_form(abs(n)))

    def word(self, key: str, n: int | None = None, **values: object) -> str:
        """The template ``key`` filled in; ``n`` (a number) picks its plural form and fills {n}."""
        template = self.words[key]
        if isinstance(template, Mapping):
            form = self.plural(n if n is not None else 2)
            template = template.get(form, template["other"])
        if n is not None:
            values = {"n": self.number(n), **values}
        return template.format(**values)

    def count(self, key: str, n: int) -> str:
        """A number with its noun: count('sets', 4) -> 'four sets'."""
        return self.word(key, n)

    def duration(self, ms: int) -> str:
        """A length as a person says it, to the nearest second.

        In English: 45 s -> 'forty-five seconds', 60 s -> 'a minute', 90 s -> 'a minute and
        a half', 105 s -> 'a minute forty-five', 120 s -> 'two minutes', 150 s -> 'two and a
        half minutes', 130 s -> 'two minutes ten'.
        """
        seconds = round(ms / 1000)
        minutes, secs = divmod(seconds, 60)
        if seconds == 60:
            return self.word("a_minute")
        if minutes == 0 or (minutes == 1 and secs < 30):
            return self.count("second", seconds)
        if minutes == 1:  # past ninety seconds a coach counts in minutes: "a minute forty-five"
            return self.word("minute_and_half") if secs == 30 else self.word("minute_and", secs=self.number(secs))
        if secs == 0:
            return self.count("minutes", minutes)
        if secs == 30:
            return self.word("minutes_and_half", minutes)
        return self.word("minutes_and", minutes, secs=self.number(secs))

    def estimate_ms(self, kind: str, text: str) -> int:
        """A deterministic clip length: tones as specified, ``text`` at this language's pace."""
        if kind == "tone":
            return TONES[text].length_ms
        return estimate_clip_ms(text, self.clip_per_char_ms)


def _check_words(code: str, raw: Mapping[str, object]) -> dict[str, str | Mapping[str, str]]:
    missing = sorted(set(WORD_PLACEHOLDERS) - set(raw))
    if missing:
        raise LanguageError(
            f"language.{code}.yaml lacks the word {missing[0]!r} (language {code}; every key of language.en.yaml is needed)"
        )
    out: dict[str, str | Mapping[str, str]] = {}
    for key, value in raw.items():
        templates = value.values() if isinstance(value, Mapping) else [value]
        for template in templates:
            used = {name for _, name, _, _ in string.Formatter().parse(str(template)) if name}
            unknown = used - WORD_PLACEHOLDERS.get(key, frozenset())
            if unknown:
                raise LanguageError(
                    f"language.{code}.yaml: words.{key} uses {{{sorted(unknown)[0]}}}, which it is not given "
                    f"(it takes: {', '.join(sorted(WORD_PLACEHOLDERS.get(key, ()))) or 'none'})"
                )
        out[key] = {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else str(value)
    return out


def _check_labels(code: str, raw: Mapping[str, object]) -> dict[str, str]:
    missing = sorted(set(LABELS) - set(raw))
    if missing:
        raise LanguageError(f"language.{code}.yaml lacks the label {missing[0]!r} (language {code})")
    return {str(k): str(v) for k, v in raw.items()}


#: The keys of a language's ``labels:``.
LABELS = (
    *("intro", "or", "superset", "circuit", "intervals", "rounds"),
    *("page_sessions", "page_feed", "week", "deload", "plan", "plan_head", "play_sets", "program"),
    *("session_left", "next", "add_rest", "skip_rest", "exercise", "restart_set", "play", "your_rests", "start_over"),
)


def page_language(tag: str) -> Language:
    """The language whose labels a page in ``tag`` shows: its own, or English if the coach
    does not speak it (a feed written by another version)."""
    try:
        return get_language(language_code(tag))
    except LanguageError:
        return get_language(ENGLISH)


@cache
def get_language(code: str) -> Language:
    """The language ``code`` (``en``, ``de``, ``es``), its words checked."""
    text = _data(f"language.{code}.yaml")
    if text is None:
        raise LanguageError(f"no language {code!r} (available: {', '.join(available_languages())})")
    raw = yaml.safe_load(text)
    return Language(
        code=code,
        name=str(raw["name"]),
        espeak_voice=str(raw["espeak_voice"]),
        clip_per_char_ms=int(raw.get("clip_per_char_ms", CLIP_PER_CHAR_MS)),
        words=_check_words(code, raw["words"]),
        lower_in_sentence=bool(raw.get("lower_in_sentence", True)),
        descent_words=frozenset(str(w).lower() for w in raw.get("descent_words", ())),
        labels=_check_labels(code, raw.get("labels") or {}),
    )
