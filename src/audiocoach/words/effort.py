"""Load and effort in words: what the coach says about the weight on the bar and the reps in reserve.

The numbers are read by :mod:`audiocoach.load.effort`; this module only says them.
"""

from __future__ import annotations

import math

from audiocoach.model import Effort, Entry, Load
from audiocoach.words.language import ENGLISH, Language, get_language
from audiocoach.words.phrases import Phrasebook, default_phrasebook

__all__ = ["spoken_effort", "spoken_load", "spoken_reserve", "spoken_warmup", "spoken_weight"]


_FRACTIONS = {0.25: "weight_quarter", 0.5: "weight_half", 0.75: "weight_three_quarters"}
_UNIT_WORDS = {"kg": "kilo", "lb": "pound"}


def spoken_weight(amount: float, unit: str, lang: Language | None = None) -> str:
    """(62.5, "kg") -> 'sixty-two and a half kilos'; (1, "kg") -> 'one kilo' (in ``lang``, English by default)."""
    lang = lang or get_language(ENGLISH)
    amount = abs(amount)
    whole = math.floor(amount)
    frac = round(amount - whole, 2)
    noun = _UNIT_WORDS[unit]
    if frac == 0:
        return lang.word("weight", whole, unit=lang.word(noun, whole))
    many = lang.word(noun, 2)
    if whole == 0 and frac == 0.5:
        return lang.word("weight_half_only", unit=lang.word(noun, 1))
    if frac in _FRACTIONS:
        return lang.word(_FRACTIONS[frac], whole, unit=many)
    digits = " ".join(lang.number(int(d)) for d in f"{frac:.2f}"[2:].rstrip("0"))
    return lang.word("weight_point", whole, digits=digits, unit=many)


def _say(book: Phrasebook | None, key: str, **values: object) -> str:
    return (book or default_phrasebook()).variants(key, 0, **values)[0]


def spoken_load(load: Load | None, book: Phrasebook | None = None) -> str:
    """'sixty kilos', 'bodyweight', 'bodyweight plus ten kilos'; '' for no load.

    The words around the weight come from ``book`` (the shipped phrasebook by default).
    """
    if load is None:
        return ""
    lang = (book or default_phrasebook()).language
    if not load.bodyweight:
        return spoken_weight(load.amount, load.unit or "kg", lang)
    if not load.amount or load.unit is None:
        return _say(book, "bodyweight")
    key = "bodyweight_plus" if load.amount > 0 else "bodyweight_minus"
    return _say(book, key, weight=spoken_weight(load.amount, load.unit, lang))


def spoken_reserve(effort: Effort | None, book: Phrasebook | None = None) -> str:
    """'leave two in the tank', 'leave one or two in the tank', 'leave nothing in the tank'."""
    if effort is None:
        return ""
    lang = (book or default_phrasebook()).language
    low, high = math.floor(effort.reserve), math.ceil(effort.reserve)
    if high == 0:
        return _say(book, "reserve_none")
    if low == high:
        return _say(book, "reserve", reps=lang.number(low))
    first = lang.word("reserve_nothing") if low == 0 else lang.number(low)
    return _say(book, "reserve_range", low=first, high=lang.number(high))


def spoken_effort(entry: Entry, set_no: int, book: Phrasebook | None = None) -> tuple[str, str]:
    """What the start of work set ``set_no`` says about load and effort: (load words, effort words).

    Empty strings when the entry gives no load or no effort. Warm-up sets are worded
    by the caller ("Warm-up set, light weight."), not here.
    """
    del set_no  # every work set of an entry has the same load and effort
    return spoken_load(entry.load, book), spoken_reserve(entry.effort, book)


def spoken_warmup(entry: Entry, ramp: tuple[int, Load | None], book: Phrasebook | None = None) -> str:
    """What a warm-up set lifts, in words, from its ``ramp`` (share of the working weight in
    percent, and the lighter load when the routine gives one: see
    :func:`audiocoach.load.effort.warmup_ramp`): 'twenty-five kilos', or with no load given
    'about forty percent of your working weight'; '' for a lift that is not loaded."""
    pct, lighter = ramp
    if entry.load is not None:
        return spoken_load(lighter, book) if lighter is not None else ""
    if not entry.exercise.loaded:
        return ""
    return _say(book, "warmup_share", percent=(book or default_phrasebook()).number(pct))
