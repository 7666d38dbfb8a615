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
from dataclasses import replace
from typing import cast

from audiocoach.compile.approach import LONG_WINDOW_MS, approach_room_ms
from audiocoach.compile.counting import count_mode
from audiocoach.compile.expand import announce_by_ms
from audiocoach.compile.fit import FLOW_GAP_MS, GAP_MS, Decision, Measure, Segment
from audiocoach.load.library import changeover_ms
from audiocoach.model import CountMode, Entry, Group, Rest, Routine, Verbosity
from audiocoach.timeline import ANNOUNCE, BEAT, FORM, Change
from audiocoach.timing import RANGE_PAUSE_MS
from audiocoach.words.language import Language, get_language
from audiocoach.words.phrases import default_phrasebook

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


def rest_with_room(announce_ms: int, longer_than_ms: int = 0) -> int:
    """The shortest rest (whole 5 s) longer than ``longer_than_ms`` whose announcements may
    run for ``announce_ms``, asked of the expander's own rule
    (:func:`~audiocoach.compile.expand.announce_by_ms`): a rest of 15 s or more gives its
    last 10 s to the warning, so it needs 10 s more, not 3 (a 10 s rest has more room to
    speak than a 15 s one: advice to a 15 s rest is never "at least 10 s")."""
    seconds = _up5(longer_than_ms + 1) if longer_than_ms else 5
    while seconds < _LONGEST_ADVICE_S and announce_by_ms(seconds * 1000) < announce_ms:
        seconds += 5
    return seconds


def _seconds(ms: int) -> str:
    return f"{ms / 1000:g} s"


def _up5(ms: int) -> int:
    """Whole seconds, rounded up to a multiple of 5 (what a routine would write)."""
    return max(5, 5 * math.ceil(ms / 5000))


def _rest_that_holds(fits: Callable[[int], bool], length_ms: int) -> int:
    """The shortest natural rest (a multiple of 5 s, at least 5 s longer than ``length_ms``, as a
    routine would write it) that ``fits``; :data:`_LONGEST_ADVICE_S` when none up to it does."""
    seconds = _up5(length_ms + 5000)
    while seconds < _LONGEST_ADVICE_S and not fits(seconds * 1000):
        seconds += 5
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
) -> tuple[str, str]:
    """One warning for everything a too-short rest between exercises could not say, and its fix.

    ``fits(rest_ms)``: whether the compiler, given a rest of that length here, would say it all
    (it builds and fits that rest as the session would); the advice is the shortest that does,
    and never shorter than the next exercise's equipment needs to get into position.
    """
    name, _ = _name(routine, seg)
    full = [d.cue.variants[0] for d in decisions]
    room = _rest_that_holds(fits, length_ms)
    nxt = routine.items[seg.context["exercise"]]
    first = nxt.members[0] if isinstance(nxt, Group) else nxt
    room = max(room, _up5(changeover_ms(first.exercise) - routine.settings.lead_in_ms))
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
    ), f"{_item_id(before)}.rest_after={room}s"


def _item_id(item: Entry | Group) -> str:
    """The exercise id a fix names an item by (a group: its first member's)."""
    return (item.members[0] if isinstance(item, Group) else item).exercise.id


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


def _lighter(priority: int) -> str:
    """The verbosity that leaves out a cue of ``priority``: standard drops encouragement, minimal
    drops form cues and announcements."""
    return "verbosity standard" if priority > ANNOUNCE and priority > FORM else "verbosity minimal"


def advise(
    routine: Routine, seg: Segment, length_ms: int, d: Decision, measure: Measure, left_out_ms: int = 0
) -> tuple[str, str]:
    """One warning sentence (the moment, what did not fit, and the fix) and the fix as
    ``TARGET.KEY=VALUE`` (TARGET ``defaults`` or an exercise id; see :func:`apply_fix`).
    ``left_out_ms``: how long everything the same window shortened or left out would take."""
    name, entry = _name(routine, seg)
    full = d.cue.variants[0]
    need = measure(d.cue.kind, full)
    outcome = f"the coach says {d.replacement!r} instead" if d.replacement else "it is left out"
    lighter = _lighter(d.cue.priority)
    if _in_fixed_tail(routine, seg, length_ms, d, need, measure):
        return _advise_approach(name, full, outcome)
    if is_changeover(seg):
        return advise_changeover(routine, seg, length_ms, [d], fits=lambda rest_ms: False)
    item = routine.items[seg.context["exercise"]] if seg.context.get("exercise") is not None else None
    target = _item_id(item) if item is not None else "defaults"
    if d.cue.priority == BEAT and d.cue.role not in _REP_ROLES:
        return (
            f"During {_where(seg, name)} ({_seconds(length_ms)}) the call {full!r} runs into the next one: {outcome}. "
            f"Use a faster speech rate (--rate) or a shorter voice"
        ), ""
    if seg.role == "rest":
        # Room for everything this rest left out, not only this cue: the fix must remove them all.
        room = rest_with_room(announce_by_ms(length_ms) + max(need + FLOW_GAP_MS, left_out_ms), length_ms)
        what = "round" if entry is None else "set"
        key = "transition" if seg.context.get("member") is not None and isinstance(item, Group) else "rest"
        if key == "transition" and item is not None and item.kind in ("emom", "intervals"):
            return (
                f"The rest between rounds of {item.label} is {_seconds(length_ms)}, too short for {full!r}: "
                f"{outcome}. Use {lighter}"
            ), f"defaults.verbosity={lighter.split()[-1]}"
        return (
            f"The {'move' if key == 'transition' else 'rest'} between {what}s of {name} is {_seconds(length_ms)}, "
            f"too short for {full!r}: {outcome}. Make {key} at least {room} s, or use {lighter}"
        ), f"{target}.{key}={room}s"
    if seg.role == "switch":
        room = max(math.ceil((need + 1000) / 1000), routine.settings.switch_ms // 1000 + 1)
        return (
            f"The switch between sides of {name} is {_seconds(length_ms)}, too short for {full!r}: {outcome}. "
            f"Make switch at least {room} s"
        ), f"defaults.switch={room}s"
    if seg.role == "work" and d.cue.role == "more_reps":
        return _advise_range_pause(name, full, outcome)
    if seg.role == "work" and d.cue.role in _REP_ROLES and entry is not None:
        mode = count_mode(entry, routine.settings.count)
        return _advise_rep(entry, mode, name, full, outcome, measure, get_language(routine.language_code))
    if seg.role == "work" and d.cue.role in _LEAD_ROLES:
        lead = routine.settings.lead_in_ms
        # The lead-in's words start after the go tone and must end a gap before the first rep.
        room = max(math.ceil((need + 500 + 2 * GAP_MS) / 1000), lead // 1000 + 1)
        return (
            f"The lead-in before each set of {name} is {_seconds(lead)}, too short for {full!r}: {outcome}. "
            f"Make lead_in at least {room} s"
        ), f"defaults.lead_in={room}s"
    return (
        f"During {name} ({_seconds(length_ms)}) there is no room for {full!r}: {outcome}. "
        f"Give it a longer window, or use {lighter}"
    ), f"defaults.verbosity={lighter.split()[-1]}"


def _in_fixed_tail(routine: Routine, seg: Segment, length_ms: int, d: Decision, need: int, measure: Measure) -> bool:
    """Whether ``d`` is a cue of a set's approach that a longer rest would not make room for: a
    long window's last seconds are as long whatever the rest (see :mod:`.approach`)."""
    if not d.cue.context.get("approach"):
        return False
    ten = default_phrasebook(routine.language_code).with_overrides(dict(routine.phrases)).variants("ten_seconds")[0]
    return length_ms + seg.lead_ms >= LONG_WINDOW_MS or need > approach_room_ms(measure("speech", ten))


def _advise_approach(name: str, full: str, outcome: str) -> tuple[str, str]:
    """A cue of a set's last seconds before its countdown (see :mod:`.approach`): a longer rest
    gives it no more room, fewer or faster words do."""
    return (
        f"Before the countdown into {name} there is no room for {full!r}: {outcome}. "
        f"Use a faster speech rate (--rate), or verbosity minimal"
    ), "defaults.verbosity=minimal"


def _advise_range_pause(name: str, full: str, outcome: str) -> tuple[str, str]:
    """The pause after a range's bottom is fixed (timing.RANGE_PAUSE_MS): a quicker voice, or
    a range counted to its top, is the fix."""
    return (
        f"The pause after the bottom of {name}'s range ({_seconds(RANGE_PAUSE_MS)}) is too short for {full!r}: "
        f"{outcome}. Use a faster speech rate (--rate), or rep_range: top"
    ), ""


def _advise_rep(
    entry: Entry, mode: str, name: str, full: str, outcome: str, measure: Measure, lang: Language
) -> tuple[str, str]:
    """A rep too quick for what it should say: the fix is a slower tempo or a plainer count,
    never the count it already has, and numbers only when a number and the cue fit in a rep."""
    rep = _seconds(entry.tempo.rep_ms)
    high = lang.number(entry.reps.high if entry.reps else 1)  # the number as the session says it
    numbers_fit = measure("speech", high) + measure("speech", full) + 3 * GAP_MS <= entry.tempo.rep_ms
    if mode == "voice" and numbers_fit:
        fix, said = "count=reps", "count: reps (numbers only)"
    else:
        fix, said = "count=metronome", "count: metronome"
    if entry.tempo.rep_ms >= 2 * measure("speech", full):
        # A long rep is not too quick: its words and beats leave no stretch long enough.
        why = f"a rep of {name} ({rep}) leaves no gap between its words and beats long enough for {full!r}"
    else:
        why = f"a rep of {name} lasts {rep}, too quick to say {full!r}"
    return (
        f"At tempo {entry.tempo.text or '?'}, {why}: {outcome}. Slow the tempo, or use {said} for {name}"
    ), f"{entry.exercise.id}.{fix}"


def apply_fix(routine: Routine, fix: str) -> Routine:
    """``routine`` with a warning's fix (``TARGET.KEY=VALUE``) applied, as a lifter would edit the YAML.

    TARGET is ``defaults`` (KEY lead_in, switch or verbosity) or an exercise id (KEY rest,
    rest_after, transition or count; on a group, the group's value).
    """
    where, _, value = fix.partition("=")
    target, _, key = where.partition(".")
    if target == "defaults":
        settings = routine.settings
        if key == "verbosity":
            settings = replace(settings, verbosity=cast(Verbosity, value))
        elif key == "lead_in":
            settings = replace(settings, lead_in_ms=_ms(value))
        else:
            settings = replace(settings, switch_ms=_ms(value))
        return replace(routine, settings=settings)
    count = cast(CountMode, value)

    def change(item: Entry | Group) -> Entry | Group:
        if _item_id(item) != target and not (
            isinstance(item, Group) and any(m.exercise.id == target for m in item.members)
        ):
            return item
        if key == "count" and isinstance(item, Group):
            return replace(
                item, members=tuple(replace(m, count=count) if m.exercise.id == target else m for m in item.members)
            )
        if key == "count" and isinstance(item, Entry):
            return replace(item, count=count)
        rest = Rest(_ms(value), _ms(value))
        if key == "transition" and isinstance(item, Group):
            return replace(item, transition=rest)
        return replace(item, rest_after=rest) if key == "rest_after" else replace(item, rest=rest)

    blocks = tuple(replace(b, entries=tuple(change(i) for i in b.entries)) for b in routine.blocks)
    return replace(routine, blocks=blocks)


def _ms(value: str) -> int:
    return int(float(value.rstrip("s")) * 1000)


def changeover_warnings(routine: Routine) -> tuple[Change, ...]:
    """A warning for every changeover shorter than the next exercise's equipment needs
    (:data:`audiocoach.load.library.CHANGEOVER_MS`): between a superset's or circuit's
    members (transition + lead-in) and between exercises (rest_after + lead-in)."""
    lead = routine.settings.lead_in_ms
    out: list[Change] = []
    items = routine.items
    for i, item in enumerate(items):
        if isinstance(item, Group) and item.kind in ("superset", "circuit"):
            for prev, member in zip(item.members, item.members[1:]):
                given = item.transition.low_ms + lead
                out += _short_changeover(prev, member, given, lead, f"{_item_id(item)}.transition", "transition")
        if i + 1 < len(items):
            nxt = items[i + 1]
            first = nxt.members[0] if isinstance(nxt, Group) else nxt
            last = item.members[-1] if isinstance(item, Group) else item
            given = item.rest_after.low_ms + lead
            out += _short_changeover(last, first, given, lead, f"{_item_id(item)}.rest_after", "rest_after")
    return tuple(out)


def _short_changeover(prev: Entry, nxt: Entry, given: int, lead: int, fix_key: str, key: str) -> list[Change]:
    need = changeover_ms(nxt.exercise)
    if given >= need:
        return []
    value = _up5(need - lead)
    advice = (
        f"From the last rep of {prev.exercise.name} to the first of {nxt.exercise.name} there are "
        f"{_seconds(given)}; getting into position at the {nxt.exercise.equipment} takes about {_seconds(need)}. "
        f"Make {key} at least {value} s"
    )
    where = str(nxt.location) if nxt.location else ""
    reason = f"changeover {given} ms < {need} ms"
    return [
        Change("short", "changeover", nxt.exercise.name, None, where, reason, advice=advice, fix=f"{fix_key}={value}s")
    ]
