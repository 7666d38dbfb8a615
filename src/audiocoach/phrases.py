"""Spoken wording: templates from ``data/phrases.yaml``, routine overrides, numbers as words."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from typing import Mapping

import yaml

#: The placeholders each phrase key may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    key: frozenset(names.split()) if names else frozenset()
    for key, names in {
        "intro": "title minutes",
        "block": "block",
        "announce": "name short_name sets reps side tempo",
        "form": "cue",
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
        "next_up": "name short_name sets reps side",
        "next_block": "block",
        "ten_seconds": "",
        "countdown": "n",
        "rep_start": "rep phase",
        "count": "n",
        "phase_eccentric": "",
        "phase_concentric": "",
        "phase_pause": "",
        "more_reps": "",
        "hold_start": "",
        "halfway": "",
        "encourage": "",
        "encourage_last": "",
        "done": "",
        "announce_group": "label dose names",
        "next_up_group": "label dose names",
        "member": "name short_name reps side",
        "round": "round rounds",
        "next_round": "round rounds",
        "next_member": "name short_name reps side",
        "amrap_go": "",
        "remaining": "duration",
        "work": "",
    }.items()
}

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


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
    """45000 -> 'forty-five seconds'; 90000 -> 'one minute thirty'; 120000 -> 'two minutes'."""
    seconds = round(ms / 1000)
    minutes, secs = divmod(seconds, 60)
    if minutes == 0:
        return f"{number_words(secs)} second" + ("" if secs == 1 else "s")
    head = f"{number_words(minutes)} minute" + ("" if minutes == 1 else "s")
    return head if secs == 0 else f"{head} {number_words(secs)}"


def spoken_tempo(text: str) -> str:
    """'3-1-X-0' -> 'three, one, explosive, zero'."""
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
    """Templates by key, each a tuple of wordings from longest to shortest."""

    templates: Mapping[str, tuple[str, ...]]

    def variants(self, key: str, **values: object) -> tuple[str, ...]:
        """All wordings of ``key`` filled in, duplicates and empty ones removed."""
        out: list[str] = []
        for template in self.templates[key]:
            text = " ".join(template.format(**values).split())
            if text and text not in out:
                out.append(text)
        return tuple(out)

    def with_overrides(self, overrides: Mapping[str, tuple[str, ...]]) -> "Phrasebook":
        merged = dict(self.templates)
        merged.update(overrides)
        return Phrasebook(merged)


_DEFAULT: Phrasebook | None = None


def default_phrasebook() -> Phrasebook:
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("audiocoach").joinpath("data/phrases.yaml").read_text("utf-8")
        raw = yaml.safe_load(text)
        missing = set(PLACEHOLDERS) - set(raw)
        if missing:
            raise RuntimeError(f"phrases.yaml lacks keys: {sorted(missing)}")
        _DEFAULT = Phrasebook({k: tuple(v) for k, v in raw.items()})
    return _DEFAULT
