"""Load, effort and warm-up sets: what an exercise entry lifts and how hard it should feel.

An entry may say ``load: 60kg`` (or ``135lb``, ``bodyweight``, ``bodyweight+10kg``),
``rpe: 8`` or ``rir: 2`` (reps left in reserve) and ``warmup_sets: 2``. This module parses
those values (each parser raises :class:`ValueError` with what was expected, so the loader
can place it at file:line:col), validates them against the rest of the entry, and words
them for the start of a set: ("sixty kilos", "leave two in the tank").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from audiocoach.load.yamlsource import Reader
from audiocoach.model import LOAD_UNITS, Effort, Entry, Load, LoadUnit, one_of

#: The keys of an exercise entry this module reads.
ENTRY_KEYS = ("load", "rpe", "rir", "warmup_sets")
MAX_WARMUP_SETS = 5
#: Heavier than this is a typo (a unit mix-up), not a load.
MAX_LOAD = {"kg": 600.0, "lb": 1300.0}
#: The smallest jump a barbell makes (a pair of the smallest common plates).
LOAD_STEP = {"kg": 2.5, "lb": 5.0}

_UNITS = {"kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb"}
_WEIGHT = re.compile(r"(?P<sign>[+-])?(?P<n>\d+(?:\.\d+)?)(?P<unit>[a-z]*)")
_BODYWEIGHT = ("bodyweight", "bw")
LOAD_HINT = "expected a weight with its unit, e.g. 60kg, 135lb, bodyweight or bodyweight+10kg"


def parse_weight(text: str, *, signed: bool = False) -> tuple[float, LoadUnit]:
    """``"60kg"`` -> (60.0, "kg"); ``"+2.5 kg"`` -> (2.5, "kg") when ``signed``."""
    m = _WEIGHT.fullmatch(text.lower().replace(" ", ""))
    if not m or (m["sign"] and not signed):
        raise ValueError(f"{text!r} is not a load ({LOAD_HINT})")
    if not m["unit"]:
        raise ValueError(f"{text!r} has no unit: write {m['n']}kg or {m['n']}lb")
    unit = _UNITS.get(m["unit"])
    if unit is None:
        raise ValueError(f"{text!r}: '{m['unit']}' is not a unit of weight (use kg or lb)")
    amount = float(m["n"]) * (-1 if m["sign"] == "-" else 1)
    if abs(amount) > MAX_LOAD[unit]:
        raise ValueError(f"{text!r} is heavier than any lift (at most {MAX_LOAD[unit]:g}{unit}); check the unit")
    return amount, one_of(unit, LOAD_UNITS)


def parse_load(value: Any) -> Load:
    """``60kg``, ``60 kg``, ``135lb``, ``bodyweight``, ``bodyweight+10kg`` or ``+10kg`` (on top of bodyweight)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} is not a load ({LOAD_HINT})")
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} has no unit: write {value:g}kg or {value:g}lb")
    text = value.strip().lower().replace(" ", "")
    for word in _BODYWEIGHT:
        if text == word:
            return Load(bodyweight=True)
        if text.startswith(word) and text[len(word) :][:1] in ("+", "-"):
            return _on_bodyweight(value, text[len(word) :], "bodyweight")
    if text.startswith("+"):
        return _on_bodyweight(value, text, "")
    amount, unit = parse_weight(value.strip())
    if amount == 0:
        raise ValueError(f"{value!r} lifts nothing; write bodyweight, or remove 'load'")
    return Load(amount, unit)


def _on_bodyweight(value: str, added: str, prefix: str) -> Load:
    """``+10kg`` on top of bodyweight (``-20kg``: assisted); errors quote the whole value."""
    m = _WEIGHT.fullmatch(added)
    if m and not m["unit"]:
        raise ValueError(f"{value!r} has no unit: write {prefix}{m['sign']}{m['n']}kg or {prefix}{m['sign']}{m['n']}lb")
    try:
        amount, unit = parse_weight(added, signed=True)
    except ValueError as exc:
        raise ValueError(
            f"{value!r}: {str(exc).split(': ', 1)[-1]}" if m else f"{value!r} is not a load ({LOAD_HINT})"
        ) from None
    return Load(amount, unit, bodyweight=True)


def parse_rpe(value: Any) -> Effort:
    """``8`` or ``8.5``: RPE from 5 to 10 in half steps (RPE 8 = two reps left in reserve)."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and 5 <= value <= 10 and (value * 2) % 1 == 0
    if not ok:
        raise ValueError(
            f"{value!r} is not an RPE (expected 5 to 10 in half steps, e.g. 8 or 8.5; RPE 8 = two reps left in reserve)"
        )
    return Effort(10 - float(value), "rpe")


def parse_rir(value: Any) -> Effort:
    """``2``: reps left in reserve, a whole number from 0 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ValueError(f"{value!r} is not a number of reps in reserve (expected a whole number from 0 to 5, e.g. 2)")
    return Effort(float(value), "rir")


def parse_warmup_sets(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WARMUP_SETS:
        raise ValueError(
            f"{value!r} is not a number of warm-up sets (expected a whole number from 0 to {MAX_WARMUP_SETS})"
        )
    return value


def entry_fields(
    r: Reader, fields: dict[str, tuple[yaml.Node, yaml.Node]], path: str, *, timed: bool, group: str | None
) -> dict[str, Any]:
    """``load``, ``effort`` and ``warmup_sets`` of one exercise entry, as :class:`Entry` keywords.

    ``timed`` is True for a hold or an interval's work (no reps, so no reps in reserve).
    Problems go to ``r``.
    """
    out: dict[str, Any] = {}
    if "load" in fields:
        out["load"] = r.convert(fields["load"][1], f"{path}.load", parse_load)
    if "rpe" in fields and "rir" in fields:
        r.error(fields["rir"][0], f"{path}.rir", "give either 'rpe' or 'rir', not both (RPE 8 is the same as rir: 2)")
    for key, parse in (("rpe", parse_rpe), ("rir", parse_rir)):
        if key not in fields:
            continue
        if timed:
            r.error(
                fields[key][0],
                f"{path}.{key}",
                f"'{key}' counts the reps left in reserve; a timed set has none: remove it",
            )
            continue
        out["effort"] = r.convert(fields[key][1], f"{path}.{key}", parse)
    if "warmup_sets" in fields:
        key_node = fields["warmup_sets"][0]
        if group is not None:
            r.error(
                key_node,
                f"{path}.warmup_sets",
                f"warm-up sets do not fit inside a {group}: warm up with an exercise of its own before it, or remove 'warmup_sets'",
            )
        elif timed:
            r.error(
                key_node,
                f"{path}.warmup_sets",
                "warm-up sets belong to exercises counted in reps; remove 'warmup_sets' or give 'reps'",
            )
        else:
            out["warmup_sets"] = r.convert(fields["warmup_sets"][1], f"{path}.warmup_sets", parse_warmup_sets) or 0
    return {k: v for k, v in out.items() if v is not None}


def deload_load(load: Load, factor: float) -> Load:
    """``load`` times ``factor`` (a deload), rounded to the nearest plate step (2.5 kg, 5 lb),
    at least one step lighter; bodyweight is kept and only the added weight scales."""
    if load.unit is None or load.amount <= 0:
        return load
    step = LOAD_STEP[load.unit]
    target = round(load.amount * factor / step) * step
    lighter = min(target, load.amount - step)
    if load.bodyweight:
        return Load(max(0.0, round(lighter, 2)), load.unit, True)
    return Load(max(step, round(lighter, 2)), load.unit)


# --------------------------------------------------------------------------- choosing a load
# One home for how hard a set the routine gives no load for should be: the load guide said
# the first time an exercise comes up (audiocoach.compile.coaching), a deload week's easier
# sets and a double progression (audiocoach.program.weekly) all ask these.

#: Reps a chosen weight leaves in reserve when the routine names no effort: no set to failure.
WORKING_RESERVE = 2
#: How many more reps in reserve a deload week's sets leave (RPE 8 becomes RPE 6).
EASIER_REPS = 2
#: How many more a set whose note says light leaves ("Start with a light load"): fewer than
#: a deload, so a deload after a light first week is lighter still.
LIGHT_EXTRA_REPS = 1
#: Below this many reps a set is heavy work the lifter has a number for; no rule of thumb.
LOAD_GUIDE_MIN_REPS = 5
_LIGHT = re.compile(r"\b(light|lighter|lightly|easy|easier)\b", re.IGNORECASE)


def says_light(note: str | None) -> bool:
    """Whether a note asks for a light load ("Start with a light load; ...")."""
    return bool(note and _LIGHT.search(note))


def working_effort(entry: Entry) -> Effort:
    """How many reps the entry's sets leave in reserve: its own ``rpe``/``rir``, else
    :data:`WORKING_RESERVE`, :data:`LIGHT_EXTRA_REPS` more where its note says light."""
    if entry.effort is not None:
        return entry.effort
    base = Effort(float(WORKING_RESERVE))
    return base.easier(LIGHT_EXTRA_REPS) if says_light(entry.note) else base


@dataclass(frozen=True)
class LoadGuide:
    """How to choose a weight: one the lifter ``could_lift`` times, for sets of ``low`` to
    ``high`` reps (``low == high``: a fixed count); ``light`` when it is easier on purpose."""

    could_lift: int
    low: int
    high: int
    light: bool


def load_guide(entry: Entry) -> LoadGuide | None:
    """The weight to choose for a loaded lift the routine gives no load for, or None.

    The weight is one the lifter could lift the top of the set's reps plus the reserve
    (:func:`working_effort`); under a double progression the top is the range the reps
    climb through, so the weight stays the same as the week's reps rise.
    """
    reps = entry.reps
    if reps is None or reps.high < LOAD_GUIDE_MIN_REPS or not entry.exercise.loaded or entry.load is not None:
        return None
    effort = working_effort(entry)
    top = max(reps.high, entry.climb.high) if entry.climb is not None else reps.high
    could = top + math.ceil(effort.reserve)
    return LoadGuide(could, reps.low, reps.high, effort.reserve > WORKING_RESERVE)


def deload_effort(entry: Entry) -> Effort | None:
    """A deload week's effort for ``entry``: :data:`EASIER_REPS` more in reserve than it
    would leave otherwise; None for an entry with neither an effort nor a load guide."""
    if entry.effort is None and load_guide(entry) is None:
        return None
    return working_effort(entry).easier(EASIER_REPS)


#: A ramp of warm-up sets runs from this share of the working weight (percent) ...
WARMUP_FIRST_PCT = 40
#: ... to this one, in even steps (one warm-up set: half).
WARMUP_LAST_PCT = 70
WARMUP_ONLY_PCT = 50


def warmup_percent(index: int, count: int) -> int:
    """The share of the working weight (percent, whole 5s) warm-up set ``index`` (1-based) of
    ``count`` lifts: one set at half; more climb from 40% to 70% (two: 40%, 70%; three: 40%,
    55%, 70%), so the last is still well short of the work sets."""
    if count <= 1:
        return WARMUP_ONLY_PCT
    pct = WARMUP_FIRST_PCT + (WARMUP_LAST_PCT - WARMUP_FIRST_PCT) * (index - 1) / (count - 1)
    return int(pct / 5 + 0.5) * 5


def warmup_load(load: Load, pct: int) -> Load | None:
    """``load`` at ``pct`` percent, to the nearest plate step (2.5 kg, 5 lb), at least one step;
    for a bodyweight lift only the added weight scales. None when there is no weight to scale."""
    if load.unit is None or load.amount <= 0:
        return None
    step = LOAD_STEP[load.unit]
    amount = max(step, round(load.amount * pct / 100 / step) * step)
    return Load(round(amount, 2), load.unit, load.bodyweight)


def warmup_ramp(entry: Entry, index: int) -> tuple[int, Load | None]:
    """Warm-up set ``index`` (1-based) of ``entry``: its share of the working weight (percent)
    and, when the routine gives a load, that load scaled down (None otherwise)."""
    pct = warmup_percent(index, entry.warmup_sets)
    return pct, warmup_load(entry.load, pct) if entry.load is not None else None
