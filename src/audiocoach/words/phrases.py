"""Spoken wording: templates from ``data/phrases.yaml``, routine overrides, numbers as words."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import yaml

from audiocoach.words.language import ENGLISH, Language, LanguageError, get_language
from audiocoach.words.numbers import _ONES, _TENS, english_number

#: The placeholders each phrase key may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    key: frozenset(names.split()) if names else frozenset()
    for key, names in {
        "intro": "title minutes",
        "one_set": "",
        "into_position": "",
        "warmup_set": "",
        "warmup_set_load": "target",
        "warmup_set_target": "set target",
        "next_warmup_set": "set target",
        "warmup_share": "percent",
        "set_load": "set target",
        "notice": "notice",
        "last_round": "",
        "next_last_round": "",
        "two_more": "",
        "last_rep": "",
        "setup": "name",
        "next_set_load": "set target",
        "next_last_set_load": "target",
        "halfway_workout": "",
        "last_exercise": "",
        "block": "block",
        "announce": "name short_name sets reps side tempo",
        "form": "cue",
        "form_named": "cue name short_name",
        "set_up_station": "equipment name",
        "finish": "finish",
        "switch_direction": "",
        "other_direction": "",
        "next_up_last": "name short_name sets reps side tempo",
        "breathe": "cue",
        "setup_step": "step",
        "load_guide": "reps more",
        "load_guide_range": "low more top",
        "load_guide_light": "reps more",
        "load_guide_light_range": "low more top",
        "rest_until": "until",
        "until_minute": "",
        "until_round": "",
        "note": "note",
        "alternatives": "names",
        "get_ready": "set sets",
        "set": "set sets",
        "last_set": "",
        "other_side": "",
        "switch": "",
        "rest": "duration",
        "next_set": "set sets",
        "next_last_set": "",
        "next_up": "name short_name sets reps side tempo",
        "next_block": "block",
        "ten_seconds": "",
        "countdown": "n",
        "rep_start": "rep",
        "phase_eccentric": "",
        "phase_concentric": "",
        "phase_pause": "",
        "more_reps": "more",
        "hold_start": "",
        "halfway": "",
        "release": "",
        "interval_end": "",
        "encourage": "",
        "encourage_last": "",
        "done": "",
        "announce_group": "label dose names",
        "next_up_group": "label dose names",
        "member": "name short_name reps side tempo",
        "round": "round rounds",
        "next_round": "round rounds",
        "next_member": "name short_name reps side tempo",
        "amrap_go": "",
        "count_rounds": "",
        "remaining": "duration",
        "work": "",
        "label_emom": "",
        "label_emom_every": "duration",
        "label_amrap": "",
        "dose_rounds": "rounds",
        "dose_intervals": "rounds work rest",
        "reserve": "reps",
        "reserve_none": "",
        "reserve_range": "low high",
        "bodyweight": "",
        "bodyweight_plus": "weight",
        "bodyweight_minus": "weight",
        "deload_week": "change",
        "deload_over": "",
        "add_load": "low high when",
        "added_load": "low high when step",
    }.items()
}

#: Words a lifter in a noisy gym hears as a side or a number: a phase word ("one, lift" heard
#: as "one, left") must use none of them.
CONFUSABLE: frozenset[str] = frozenset(
    {"left", "lift", "lifts", "laughed", "right", "write", "rite", "wright", "won", "to", "too", "for", "fore"}
    | {"ate", "tree", "sicks", "heaven", "nein", "tin", "tan", "then"}
    | set(_ONES[:20])
    | set(_TENS[2:])
)


def confusable(word: str) -> str | None:
    """The first word of ``word`` a lifter could take for a side or a number, or None."""
    for part in word.lower().replace("-", " ").split():
        if part.strip(".,!") in CONFUSABLE:
            return part
    return None


def number_words(n: int) -> str:
    """0..999999 in English words a TTS says well: 21 -> 'twenty-one', 105 -> 'one hundred five'
    (a phrasebook says its own language's: :meth:`Phrasebook.number`)."""
    return english_number(n)


def spoken_duration(ms: int) -> str:
    """A length as an English coach says it ('a minute and a half'); see :meth:`Language.duration`."""
    return get_language(ENGLISH).duration(ms)


def spoken_tempo(text: str) -> str:
    """'3-1-X-0' -> 'three, one, explosive, zero' (the digits; see wording.tempo_words for speech)."""
    return ", ".join("explosive" if p == "X" else number_words(int(p)) for p in text.split("-"))


def placeholders_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def check_template(key: str, template: str) -> str | None:
    """None when ``template`` is valid for ``key``, else what is wrong with it."""
    if key not in PLACEHOLDERS:
        return None
    try:
        used = placeholders_of(template)
    except ValueError as exc:
        return f"{template!r} is not a valid template ({exc})"
    unknown = sorted(used - PLACEHOLDERS[key])
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS[key])) or "none"
        return f"unknown placeholder {{{unknown[0]}}} in {template!r} (this key takes: {allowed})"
    return None


@dataclass(frozen=True)
class Phrasebook:
    """Templates by key, each a tuple of wordings from longest to shortest.

    A key may also hold several *variants* (``rotations``): different things to say, each
    with its own longest-to-shortest wordings. ``variants(key, turn=n)`` gives the n-th, so
    the coach does not say the same sentence every time.
    """

    templates: Mapping[str, tuple[str, ...]]
    rotations: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: The language the templates are in: it says the numbers, units and durations filled in.
    language: Language = field(default_factory=lambda: get_language(ENGLISH))

    def number(self, n: int) -> str:
        """``n`` in words, in the phrasebook's language."""
        return self.language.number(n)

    def duration(self, ms: int) -> str:
        """A length in words, in the phrasebook's language ('a minute and a half', 'eineinhalb Minuten')."""
        return self.language.duration(ms)

    def variants(self, key: str, turn: int = 0, **values: object) -> tuple[str, ...]:
        """The wordings of ``key`` (its ``turn``-th variant) filled in, duplicates and empty ones removed."""
        choices = self.rotations.get(key)
        templates = choices[turn % len(choices)] if choices else self.templates[key]
        out: list[str] = []
        for template in templates:
            text = " ".join(template.format(**values).split())
            if text and text not in out:
                out.append(text)
        return tuple(out)

    def count(self, key: str) -> int:
        """How many variants ``key`` holds."""
        return len(self.rotations.get(key) or (1,))

    def with_overrides(self, overrides: Mapping[str, tuple[str, ...]]) -> Phrasebook:
        merged = dict(self.templates)
        merged.update(overrides)
        rotations = {k: v for k, v in self.rotations.items() if k not in overrides}
        return Phrasebook(merged, rotations, self.language)


def parse_phrases(raw: Mapping[str, object], language: Language | None = None) -> Phrasebook:
    """A phrasebook from YAML: a key holds wordings (a list of strings), or several
    variants (a list of such lists)."""
    templates: dict[str, tuple[str, ...]] = {}
    rotations: dict[str, tuple[tuple[str, ...], ...]] = {}
    for key, value in raw.items():
        items: list[object] = value if isinstance(value, list) else [value]
        lists = [v for v in items if isinstance(v, list)]
        if items and len(lists) == len(items):
            rotations[key] = tuple(tuple(str(t) for t in v) for v in lists)
            templates[key] = rotations[key][0]
        else:
            templates[key] = tuple(str(t) for t in items)
    return Phrasebook(templates, rotations, language or get_language(ENGLISH))


_BOOKS: dict[str, Phrasebook] = {}


def phrasebook_file(code: str) -> str:
    """The phrasebook of language ``code``: ``phrases.yaml`` (English), ``phrases.<code>.yaml``."""
    return "phrases.yaml" if code == ENGLISH else f"phrases.{code}.yaml"


def check_phrasebook(code: str, raw: object) -> Phrasebook:
    """A language's phrasebook from its YAML, every key of the English one there and every
    placeholder one its key is given.

    Raises:
        LanguageError: naming the file, the language and the first missing or wrong key.
    """
    name = phrasebook_file(code)
    if not isinstance(raw, Mapping):
        raise LanguageError(f"{name} (language {code}) is not a mapping of phrase keys")
    missing = sorted(set(PLACEHOLDERS) - set(raw))
    if missing:
        more = f" (and {len(missing) - 1} more: {', '.join(missing[1:4])})" if len(missing) > 1 else ""
        raise LanguageError(
            f"{name} (language {code}) lacks the phrase key {missing[0]!r}{more}; "
            "translate the English line in phrases.yaml"
        )
    book = parse_phrases(raw, get_language(code))
    for key, templates in book.templates.items():
        for template in (*templates, *(t for v in book.rotations.get(key, ()) for t in v)):
            problem = check_template(key, template)
            if problem:
                raise LanguageError(f"{name} (language {code}): {key}: {problem}")
    return book


def default_phrasebook(code: str = ENGLISH) -> Phrasebook:
    """The shipped phrasebook of language ``code`` (English by default), checked once."""
    if code not in _BOOKS:
        text = resources.files("audiocoach").joinpath(f"data/{phrasebook_file(code)}").read_text("utf-8")
        _BOOKS[code] = check_phrasebook(code, yaml.safe_load(text))
    return _BOOKS[code]
