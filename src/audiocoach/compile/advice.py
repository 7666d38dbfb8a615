"""Fit warnings in a lifter's words, each with the fix.

The scheduler (:mod:`audiocoach.compile.fit`) records what it shortened or dropped in its own
terms (a cue role, milliseconds). This module says the same thing as a coach would: which
moment of the session, what did not fit, and which setting to change, e.g.
"The rest before Hip thrust is 3 s, too short to announce it: make rest_after at least
10 s, or use verbosity minimal".
"""

from __future__ import annotations

import math
from collections.abc import Callable

from audiocoach.compile.fit import ANNOUNCE, BEAT, FORM, GAP_MS, Decision, Measure, Segment
from audiocoach.model import Entry, Group, Routine

#: Rep cues: the rep's call, and what is said between its beats.
_REP_ROLES = ("rep_start", "two_more", "last_rep", "more_reps")
_LEAD_ROLES = (
    "get_ready",
    "set",
    "last_set",
    "one_set",
    "warmup_set",
    "other_side",
    "member",
    "round",
    "last_round",
    "encourage_last",
    "amrap_go",
    "work",
)


#: Advice never asks for a longer rest between exercises than this (a search bound).
_LONGEST_ADVICE_S = 300


def _seconds(ms: int) -> str:
    return f"{ms / 1000:g} s"


def _up5(ms: int) -> int:
    """Whole seconds, rounded up to a multiple of 5 (what a routine would write)."""
    return max(5, 5 * math.ceil(ms / 5000))


def _rest_that_holds(fits: Callable[[int], bool], length_ms: int) -> int:
    """The shortest rest (whole seconds, in 5 s steps, longer than ``length_ms``) that ``fits``;
    :data:`_LONGEST_ADVICE_S` when none up to it does."""
    seconds = length_ms // 1000 + 5
    while seconds < _LONGEST_ADVICE_S and not fits(seconds * 1000):
        seconds = 5 * (seconds // 5 + 1)
    return min(seconds, _LONGEST_ADVICE_S)


def _where(seg: Segment, name: str) -> str:
    if seg.role == "rest":
        return f"the rest after {name}"
    if seg.role == "switch":
        return f"the switch between sides of {name}"
    return name


def is_changeover(seg: Segment) -> bool:
    """The rest between two exercises (it announces the next one)."""
    return seg.role == "rest" and seg.context.get("set") is None


def advise_changeover(
    routine: Routine, seg: Segment, length_ms: int, decisions: list[Decision], fits: Callable[[int], bool]
) -> str:
    """One warning for everything a too-short rest between exercises could not say.

    ``fits(rest_ms)``: whether the compiler, given a rest of that length here, would say it all
    (it builds and fits that rest as the session would); the advice is the shortest that does.
    """
    name, _ = _name(routine, seg)
    full = [d.cue.variants[0] for d in decisions]
    room = _rest_that_holds(fits, length_ms)
    cut = [repr(t) for d, t in zip(decisions, full) if not d.replacement]
    short = [f"{t!r} (said as {d.replacement!r})" for d, t in zip(decisions, full) if d.replacement]
    what = "; ".join(
        part
        for part in (
            f"left out: {', '.join(cut)}" if cut else "",
            f"shortened: {', '.join(short)}" if short else "",
        )
        if part
    )
    before = routine.items[seg.context["exercise"] - 1]
    return (
        f"The rest before {name} is {_seconds(length_ms)}, too short to announce it ({what}). "
        f"Make rest_after on {before.display_name} at least {room} s, or use verbosity minimal"
    )


def _name(routine: Routine, seg: Segment) -> tuple[str, Entry | None]:
    ex = seg.context.get("exercise")
    if ex is None:
        return "the session", None
    item = routine.items[ex]
    member = seg.context.get("member")
    if isinstance(item, Group):
        if member is not None:
            entry = item.members[member]
            return entry.exercise.name, entry
        return item.label, None
    return item.exercise.name, item


def advise(routine: Routine, seg: Segment, length_ms: int, d: Decision, measure: Measure) -> str:
    """One warning sentence: the moment, what did not fit, and the fix."""
    name, entry = _name(routine, seg)
    full = d.cue.variants[0]
    need = measure(d.cue.kind, full)
    outcome = f"the coach says {d.replacement!r} instead" if d.replacement else "it is left out"
    lighter = (
        "verbosity minimal"
        if d.cue.priority <= ANNOUNCE
        else "verbosity standard"
        if d.cue.priority > FORM
        else "verbosity minimal"
    )
    if is_changeover(seg):
        return advise_changeover(routine, seg, length_ms, [d], fits=lambda rest_ms: False)
    if d.cue.priority == BEAT and d.cue.role not in _REP_ROLES:
        return (
            f"During {_where(seg, name)} ({_seconds(length_ms)}) the call {full!r} runs into the next one: {outcome}. "
            f"Use a faster speech rate (--rate) or a shorter voice"
        )
    if seg.role == "rest":
        room = _up5(length_ms + need + 300)
        what = "round" if entry is None else "set"
        return (
            f"The rest between {what}s of {name} is {_seconds(length_ms)}, too short for {full!r}: {outcome}. "
            f"Make rest at least {room} s, or use {lighter}"
        )
    if seg.role == "switch":
        return (
            f"The switch between sides of {name} is {_seconds(length_ms)}, too short for {full!r}: {outcome}. "
            f"Make switch at least {math.ceil((need + 1000) / 1000)} s"
        )
    if seg.role == "work" and d.cue.role in _REP_ROLES and entry is not None:
        rep = _seconds(entry.tempo.rep_ms)
        return (
            f"At tempo {entry.tempo.text or '?'}, a rep of {name} lasts {rep}, too quick to say {full!r}: {outcome}. "
            f"Slow the tempo, or use count: reps or count: metronome for {name}"
        )
    if seg.role == "work" and d.cue.role in _LEAD_ROLES:
        lead = routine.settings.lead_in_ms
        return (
            f"The lead-in before each set of {name} is {_seconds(lead)}, too short for {full!r}: {outcome}. "
            f"Make lead_in at least {math.ceil((need + 500 + GAP_MS) / 1000)} s"
        )
    return (
        f"During {name} ({_seconds(length_ms)}) there is no room for {full!r}: {outcome}. "
        f"Give it a longer window, or use {lighter}"
    )
