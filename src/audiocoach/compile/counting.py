"""How the reps of a set are counted: one scheme, no number that means two things.

Three modes (``count:`` per routine or per exercise):

- ``voice``: each rep starts with its number and the movement's word for the first phase
  ("three, lower"); later phases get their word ("hold", "drive"); the seconds inside a
  phase are soft ticks, never numbers. So a number heard inside a set is always a rep.
- ``reps``: only the rep numbers. A voice set whose reps are too quick for a word per phase
  (a rep under two seconds, e.g. a kettlebell swing at X-0-X-0) is counted this way.
- ``metronome``: tones only: an accent at each phase, a tick each second.

The rep number always wins: phase words and ticks give way to it when speech runs long.
Near the end, "Two more." and "Last rep." flow into the free time of the rep before
(around its beats, never over one), or take the place of its last phase word when no
phase is long enough to leave a free second; reps under two seconds have no room for
them. In a rep range, "More if you have them" flows into the first optional rep's free
time, whose ticks make room for it.
"""

from __future__ import annotations

import math

from audiocoach.compile.fit import ANNOUNCE, BEAT, Segment
from audiocoach.model import Entry
from audiocoach.words.phrases import number_words
from audiocoach.words.wording import Words

#: A voice set whose reps are shorter than this is counted with rep numbers only.
MIN_WORDED_REP_MS = 2000
#: A phase shorter than this gets no word of its own (the next beat would cut it off).
MIN_WORDED_PHASE_MS = 1000


def count_mode(entry: Entry, routine_mode: str) -> str:
    """The counting this set uses: the entry's, else the routine's; voice on quick reps -> reps."""
    mode = entry.count or routine_mode
    if mode == "voice" and entry.tempo.rep_ms < MIN_WORDED_REP_MS:
        return "reps"
    return mode


def count_reps(
    seg: Segment, words: Words, entry: Entry, lead_ms: int, n: int, mode: str, extra_from: int | None
) -> None:
    """Pin the beats of ``n`` reps into ``seg`` from ``lead_ms``.

    ``extra_from``: the first optional rep of a range (gets "More if you have them"), or None.
    """
    phases = entry.tempo.phases(entry.exercise.start)
    for rep in range(1, n + 1):
        t0 = lead_ms + (rep - 1) * entry.tempo.rep_ms
        if mode == "metronome":
            _metronome_rep(seg, phases, t0, rep)
            continue
        more = rep == extra_from
        first_word = words.phase_word(entry.exercise, phases[0][0]) if phases[0][1] >= MIN_WORDED_PHASE_MS else ""
        seg.pin("rep_start", _rep_call(words, rep, first_word if mode == "voice" else ""), BEAT, t0, rep=rep)
        end = t0 + entry.tempo.rep_ms
        if more:
            seg.flow("more_reps", words.say("more_reps"), ANNOUNCE, earliest_ms=t0, latest_end_ms=end, rep=rep)
        ahead = _whats_left(rep, n, extra_from) if entry.tempo.rep_ms >= MIN_WORDED_REP_MS else None
        if mode == "voice":
            ahead = _voice_phases(seg, words, entry, phases, t0, rep, more, ahead)
        if ahead:  # said in this rep's free time, between its beats, about the reps after it
            seg.flow(ahead, words.say(ahead), ANNOUNCE, earliest_ms=t0, latest_end_ms=end, rep=rep)


def _voice_phases(
    seg: Segment,
    words: Words,
    entry: Entry,
    phases: tuple[tuple[str, int], ...],
    t0: int,
    rep: int,
    more: bool,
    ahead: str | None,
) -> str | None:
    """Pin a rep's later phase words and its second ticks; returns ``ahead`` if it still has to flow.

    A rep with no phase of 3 s or more has no free second for "Two more." / "Last rep.":
    it takes the place of the rep's last phase word instead; in such a tempo the first
    optional rep of a range gives its phase words' place to "More if you have them".
    """
    roomy = max(ms for _, ms in phases) >= 3000
    worded = [i for i, (_, ms) in enumerate(phases) if i > 0 and ms >= MIN_WORDED_PHASE_MS]
    if more and not roomy:
        worded = []  # the first optional rep: "More if you have them" takes its phase words' place
    replace_at = worded[-1] if ahead and worded and not roomy else None
    offset = t0
    for i, (phase, ms) in enumerate(phases):
        if i == replace_at and ahead:
            seg.pin(ahead, words.say(ahead), BEAT, offset, yields=True, rep=rep)
        elif i in worded:
            seg.pin("phase", (words.phase_word(entry.exercise, phase),), BEAT, offset, yields=True, rep=rep)
        if not more:  # the optional rep's seconds make room for "More if you have them"
            for k in range(1, math.ceil(ms / 1000)):
                seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", yields=True, rep=rep)
        offset += ms
    return None if replace_at is not None else ahead


def _rep_call(words: Words, rep: int, phase: str) -> tuple[str, ...]:
    """The rep's own call; every wording starts with its number, so the number survives."""
    number = number_words(rep)
    if phase:
        return words.say("rep_start", rep=number, phase=phase)
    return (number,)


def _whats_left(rep: int, n: int, extra_from: int | None) -> str | None:
    """'two_more' in the rep before the last two, 'last_rep' in the one before the last.

    In a rep range the optional reps are not promised, so there is no "two more"; the
    last rep of the range is still called.
    """
    if rep == n - 1 and n >= 2 and extra_from not in (rep, rep + 1):
        return "last_rep"
    if rep == n - 2 and n >= 4 and extra_from is None:
        return "two_more"
    return None


def _metronome_rep(seg: Segment, phases: tuple[tuple[str, int], ...], t0: int, rep: int) -> None:
    offset = t0
    for _, ms in phases:
        seg.pin("tick_accent", ("tick_accent",), BEAT, offset, kind="tone", rep=rep)
        for k in range(1, math.ceil(ms / 1000)):
            seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", rep=rep)
        offset += ms
