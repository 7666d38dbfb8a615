"""Load and effort in words: what the coach says about the weight on the bar and the reps in reserve.

The numbers are read by :mod:`audiocoach.load.effort`; this module only says them.
"""

from __future__ import annotations

import math

from audiocoach.model import Effort, Entry, Load
from audiocoach.words.phrases import Phrasebook, default_phrasebook, number_words

__all__ = ["spoken_effort", "spoken_load", "spoken_reserve", "spoken_warmup", "spoken_weight"]


_FRACTIONS = {0.25: "and a quarter", 0.5: "and a half", 0.75: "and three quarters"}
_UNIT_WORDS = {"kg": ("kilo", "kilos"), "lb": ("pound", "pounds")}


def spoken_weight(amount: float, unit: str) -> str:
    """(62.5, "kg") -> 'sixty-two and a half kilos'; (1, "kg") -> 'one kilo'."""
    amount = abs(amount)
    whole = math.floor(amount)
    frac = round(amount - whole, 2)
    one, many = _UNIT_WORDS[unit]
    if frac == 0:
        return f"{number_words(whole)} {one if whole == 1 else many}"
    if whole == 0 and frac == 0.5:
        return f"half a {one}"
    if frac in _FRACTIONS:
        return f"{number_words(whole)} {_FRACTIONS[frac]} {many}"
    digits = " ".join(number_words(int(d)) for d in f"{frac:.2f}"[2:].rstrip("0"))
    return f"{number_words(whole)} point {digits} {many}"


def _say(book: Phrasebook | None, key: str, **values: object) -> str:
    return (book or default_phrasebook()).variants(key, 0, **values)[0]


def spoken_load(load: Load | None, book: Phrasebook | None = None) -> str:
    """'sixty kilos', 'bodyweight', 'bodyweight plus ten kilos'; '' for no load.

    The words around the weight come from ``book`` (the shipped phrasebook by default).
    """
    if load is None:
        return ""
    if not load.bodyweight:
        return spoken_weight(load.amount, load.unit or "kg")
    if not load.amount or load.unit is None:
        return _say(book, "bodyweight")
    key = "bodyweight_plus" if load.amount > 0 else "bodyweight_minus"
    return _say(book, key, weight=spoken_weight(load.amount, load.unit))


def spoken_reserve(effort: Effort | None, book: Phrasebook | None = None) -> str:
    """'leave two in the tank', 'leave one or two in the tank', 'leave nothing in the tank'."""
    if effort is None:
        return ""
    low, high = math.floor(effort.reserve), math.ceil(effort.reserve)
    if high == 0:
        return _say(book, "reserve_none")
    if low == high:
        return _say(book, "reserve", reps=number_words(low))
    first = "nothing" if low == 0 else number_words(low)
    return _say(book, "reserve_range", low=first, high=number_words(high))


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
    return _say(book, "warmup_share", percent=number_words(pct))
