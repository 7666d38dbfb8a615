"""Spoken wording: templates from ``data/phrases.yaml``, routine overrides, numbers as words."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import yaml

#: The placeholders each phrase key may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    key: frozenset(names.split()) if names else frozenset()
    for key, names in {
        "intro": "title minutes",
        "one_set": "",
        "into_position": "",
        "warmup_set": "",
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
        "load_guide_range": "top",
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

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


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
    """0..999999 as words a TTS says well: 21 -> 'twenty-one', 105 -> 'one hundred five'."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{number_words(thousands)} thousand" + (f" {number_words(rest)}" if rest else "")


def spoken_duration(ms: int) -> str:
    """A length as a person says it, to the nearest second.

    45 s -> 'forty-five seconds', 60 s -> 'a minute', 70 s -> 'seventy seconds',
    90 s -> 'a minute and a half', 105 s -> 'a minute forty-five', 120 s -> 'two minutes',
    150 s -> 'two and a half minutes',
    130 s -> 'two minutes ten'.
    """
    seconds = round(ms / 1000)
    minutes, secs = divmod(seconds, 60)
    if minutes == 0 or (minutes == 1 and secs < 30):
        return f"{number_words(seconds)} second" + ("" if seconds == 1 else "s") if seconds != 60 else "a minute"
    if minutes == 1:  # past ninety seconds a coach counts in minutes: "a minute forty-five"
        return "a minute and a half" if secs == 30 else f"a minute {number_words(secs)}"
    head = number_words(minutes)
    if secs == 0:
        return f"{head} minutes"
    if secs == 30:
        return f"{head} and a half minutes"
    return f"{head} minutes {number_words(secs)}"


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
        return Phrasebook(merged, rotations)


def parse_phrases(raw: Mapping[str, object]) -> Phrasebook:
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
    return Phrasebook(templates, rotations)


_DEFAULT: Phrasebook | None = None


def default_phrasebook() -> Phrasebook:
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("audiocoach").joinpath("data/phrases.yaml").read_text("utf-8")
        raw = yaml.safe_load(text)
        missing = set(PLACEHOLDERS) - set(raw)
        if missing:
            raise RuntimeError(f"phrases.yaml lacks keys: {sorted(missing)}")
        _DEFAULT = parse_phrases(raw)
    return _DEFAULT
