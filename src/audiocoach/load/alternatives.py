"""An exercise's sides, and an entry done with one of its alternatives.

How an entry takes its sides (one window; one side, switch, the other; legs in turn in one
window; one direction, then back) comes from its exercise's library definition unless the
routine says ``per_side``: :func:`sides` is that rule, asked by the routine loader and by
:func:`with_alternative`. An alternative keeps its own definition: a two-leg cable
pull-through done instead of a per-side kickback is one window a set, with no "Switch sides."
(``--swap banded-glute-kickback=cable-pull-through``).
"""

from __future__ import annotations

from dataclasses import replace

from audiocoach.load.library import explosive_ms
from audiocoach.load.units import resolve_tempo
from audiocoach.model import Entry, Exercise


def sides(exercise: Exercise, per_side: bool | None, counted: bool) -> tuple[bool, bool]:
    """``(per_side, alternating)`` of an entry of ``exercise``: the routine's ``per_side``, else
    the library's; an alternating exercise counted in reps (walking lunges) is one window,
    counted step by step, never two sides with a switch."""
    sided = exercise.per_side if per_side is None else per_side
    alternating = bool(sided and counted and exercise.sides == "alternating")
    return sided and not alternating, alternating


def with_alternative(entry: Entry, alternative: Exercise, explosive: int = 0) -> Entry:
    """``entry`` done as ``alternative``: the same sets, reps or hold, rests, load and note, with
    the alternative's own sides (its library definition, whatever ``per_side`` the routine
    wrote for the main exercise) and its own tempo, unless the routine chose the tempo (the
    entry's differs from the main exercise's library tempo). The main exercise becomes one of
    its alternatives if it takes its sides the same way (the file is timed for one way only).
    ``explosive``: the routine's ``explosive`` setting (0: the movement's)."""
    per_side, alternating = sides(alternative, None, entry.reps is not None)
    tempo = entry.tempo
    if entry.exercise.tempo and tempo == resolve_tempo(entry.exercise.tempo, explosive_ms(entry.exercise, explosive)):
        tempo = resolve_tempo(alternative.tempo or entry.exercise.tempo, explosive_ms(alternative, explosive))
    counted = entry.reps is not None
    others = tuple(
        a
        for a in (entry.exercise, *entry.alternatives)
        if a.id != alternative.id and sides(a, None, counted) == (per_side, alternating)
    )
    return replace(
        entry,
        exercise=alternative,
        per_side=per_side,
        alternating=alternating,
        tempo=tempo,
        alternatives=others,
    )


def find_alternative(entry: Entry, name: str) -> Exercise | None:
    """The alternative of ``entry`` called ``name`` (its id or an alias), if it lists one."""
    return next((a for a in entry.alternatives if name in (a.id, *a.aliases)), None)
