"""How the reps of a set are counted: one scheme, no number that means two things.

Three modes (``count:`` per routine or per exercise):

- ``voice``: each rep starts with its number and the movement's word for the first phase
  ("three, lower"); later phases get their word ("hold", "drive"); the seconds inside a
  phase are soft ticks, never numbers. So a number heard inside a set is always a rep.
- ``reps``: only the rep numbers. A voice set whose reps are too quick for a word per phase
  (a rep under two seconds, e.g. a kettlebell swing at X-0-X-0) is counted this way.
- ``metronome``: tones only: an accent at each phase, a tick each second.

The rep number always wins: phase words and ticks give way to it when speech runs long.
The last rep of a set of two or more is called by name instead of its number ("Last rep,
lower."), so it is always heard, whatever the tempo. "Two more." flows into the free time
of the rep two before the end, whose ticks give way to it; when that rep has no phase long
enough for a sentence it takes the place of a phase word instead. In a rep range, "More if
you have them" is said the same way in the last required rep (rep 8 of 8-10), so the lifter
hears it before deciding to go on.
"""

from __future__ import annotations

import math

from audiocoach.compile.fit import Segment
from audiocoach.model import Entry
from audiocoach.timeline import ANNOUNCE, BEAT
from audiocoach.words.wording import Words, plain_for_alternatives

#: A voice set whose reps are shorter than this is counted with rep numbers only.
MIN_WORDED_REP_MS = 2000
#: A phase shorter than this gets no word of its own (the next beat would cut it off).
MIN_WORDED_PHASE_MS = 1000
#: A stretch between two words of a rep this long has room for a short sentence.
ROOMY_STRETCH_MS = 2500


def count_mode(entry: Entry, routine_mode: str) -> str:
    """The counting this set uses: the entry's, else the routine's; voice on quick reps -> reps."""
    mode = entry.count or routine_mode
    if mode == "voice" and entry.tempo.rep_ms < MIN_WORDED_REP_MS:
        return "reps"
    return mode


def count_reps(
    seg: Segment, words: Words, entry: Entry, lead_ms: int, n: int, mode: str, last_required: int | None
) -> None:
    """Pin the beats of ``n`` reps into ``seg`` from ``lead_ms``.

    ``last_required``: in a rep range, the last rep the lifter must do (it gets "More if
    you have them"), or None. An alternating entry (walking lunges, "twelve per leg") takes
    ``entry.steps`` steps a rep: the number is said on the first, so the count ends on the
    number announced, never on twice it.
    """
    phases = entry.tempo.phases(entry.exercise.start)
    entry = plain_for_alternatives(entry)
    first_word = words.phase_word(entry.exercise, phases[0][0]) if phases[0][1] >= MIN_WORDED_PHASE_MS else ""
    for rep in range(1, n + 1):
        t0 = lead_ms + (rep - 1) * entry.steps * entry.tempo.rep_ms
        for k in range(1, entry.steps):  # the other leg: the same movement, no number
            _other_step(seg, words, entry, phases, t0 + k * entry.tempo.rep_ms, rep, mode, first_word)
        if mode == "metronome":
            _metronome_rep(seg, phases, t0, rep)
            continue
        word = first_word if mode == "voice" else ""
        if rep == n and n >= 2:  # the last rep is called by name: never dropped, whatever the tempo
            call = words.say("last_rep_call", phase=word) if word else words.say("last_rep")
            seg.pin(
                "last_rep", (*call, words.book.number(rep)), BEAT, t0, rep=rep
            )  # the number if all else is too long
        else:
            seg.pin("rep_start", _rep_call(words, rep, word), BEAT, t0, rep=rep)
        ahead = _whats_left(rep, n, last_required) if entry.tempo.rep_ms >= MIN_WORDED_REP_MS else None
        if mode == "voice":
            _voice_phases(seg, words, entry, phases, t0, rep, ahead)
        elif ahead:  # counted in numbers: the rep's whole free time is there for it
            seg.flow(ahead, words.say(ahead), ANNOUNCE, earliest_ms=t0, latest_end_ms=t0 + entry.tempo.rep_ms, rep=rep)


def _other_step(
    seg: Segment,
    words: Words,
    entry: Entry,
    phases: tuple[tuple[str, int], ...],
    t0: int,
    rep: int,
    mode: str,
    word: str,
) -> None:
    """The second step of an alternating rep: its phase words and ticks (or tones), no number."""
    if mode == "metronome":
        _metronome_rep(seg, phases, t0, rep)
        return
    if mode == "voice" and word:
        seg.pin("phase", (word,), BEAT, t0, yields=True, rep=rep)
        _voice_phases(seg, words, entry, phases, t0, rep, None)


def _voice_phases(
    seg: Segment,
    words: Words,
    entry: Entry,
    phases: tuple[tuple[str, int], ...],
    t0: int,
    rep: int,
    ahead: str | None,
) -> None:
    """Pin a rep's later phase words and its second ticks, and place ``ahead`` in the rep.

    A rep that says something ahead gives its ticks up for it. When some stretch between
    two words of the rep (its call included) is long enough for a sentence, ``ahead`` flows
    there; otherwise it takes the place of the phase word that starts the longest stretch.
    """
    worded = [i for i, (_, ms) in enumerate(phases) if i == 0 or ms >= MIN_WORDED_PHASE_MS]
    starts = [sum(ms for _, ms in phases[:i]) for i in range(len(phases))]
    bounds = [starts[i] for i in worded] + [entry.tempo.rep_ms]
    stretch = {i: bounds[k + 1] - bounds[k] for k, i in enumerate(worded)}
    replace_at = None
    if ahead and max(stretch.values()) < ROOMY_STRETCH_MS and len(worded) > 1:
        replace_at = max((i for i in worded if i > 0), key=lambda i: (stretch[i], i))
    for i, (phase, ms) in enumerate(phases):
        offset = t0 + starts[i]
        if i in worded and i > 0 and i != replace_at:
            seg.pin("phase", (words.phase_word(entry.exercise, phase),), BEAT, offset, yields=True, rep=rep)
        if not ahead:  # a rep that says something ahead gives its ticks up for it
            for k in range(1, math.ceil(ms / 1000)):
                seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", yields=True, rep=rep)
    if ahead:
        earliest = t0 + (starts[replace_at] if replace_at is not None else 0)
        seg.flow(
            ahead, words.say(ahead), ANNOUNCE, earliest_ms=earliest, latest_end_ms=t0 + entry.tempo.rep_ms, rep=rep
        )


def _rep_call(words: Words, rep: int, phase: str) -> tuple[str, ...]:
    """The rep's own call; every wording starts with its number, so the number survives."""
    number = words.book.number(rep)
    if phase:
        return words.say("rep_start", rep=number, phase=phase)
    return (number,)


def _whats_left(rep: int, n: int, last_required: int | None) -> str | None:
    """What rep ``rep`` says about the reps after it.

    "More if you have them" in the last required rep of a range; "Two more." in the rep
    before the last two (not in a range: the optional reps are not promised).
    """
    if last_required is not None:
        return "more_reps" if rep == last_required else None
    if rep == n - 2 and n >= 4:
        return "two_more"
    return None


def _metronome_rep(seg: Segment, phases: tuple[tuple[str, int], ...], t0: int, rep: int) -> None:
    offset = t0
    for _, ms in phases:
        seg.pin("tick_accent", ("tick_accent",), BEAT, offset, kind="tone", rep=rep)
        for k in range(1, math.ceil(ms / 1000)):
            seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", rep=rep)
        offset += ms
