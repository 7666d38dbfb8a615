"""How the reps of a set are counted: one scheme, no number that means two things.

Three modes (``count:`` per routine or per exercise):

- ``voice``: each rep starts with its number and the movement's word for the first phase
  ("three, lower"); later phases get their word ("hold", "drive"); the seconds inside a
  phase are soft ticks, never numbers. So a number heard inside a set is always a rep.
- ``reps``: only the rep numbers. A voice set whose reps are too quick for a word per phase
  (a rep under two seconds, e.g. a kettlebell swing at X-0-X-0) is counted this way.
- ``metronome``: tones only: an accent at each phase, a tick each second.

The rep number always wins: phase words and ticks give way to it when speech runs long. It
is a clip of its own, and the movement's word for the first phase follows it as another
("six" . "step"): said as one, a number and a word fuse into a third ("sixth step").

Every rep of a set sounds alike: the same words at the same beats, the same ticks. What is
said about the set ("Two more." two reps before the end, "Last rep." in the last) goes
into the free time between a rep's words and ticks before its last phase (not once the rep
is all but done), never in place of them; where a rep
has no free time long enough, it is left out and reported. A rep range counted as a range
(8-10, ``rep_range: range``) counts the bottom (eight), then pauses
(:data:`~audiocoach.timing.RANGE_PAUSE_MS`) for "Two more if you have them.", then counts
the optional reps (nine, ten) for a lifter who goes on; a lifter who stops at eight racks
the weight and is not behind the count.
"""

from __future__ import annotations

import math

from audiocoach.compile.fit import Segment
from audiocoach.model import Entry
from audiocoach.timeline import ANNOUNCE, BEAT
from audiocoach.timing import RANGE_PAUSE_MS
from audiocoach.words.wording import Words, plain_for_alternatives

#: A voice set whose reps are shorter than this is counted with rep numbers only.
MIN_WORDED_REP_MS = 2000
#: A phase shorter than this gets no word of its own (the next beat would cut it off).
MIN_WORDED_PHASE_MS = 1000
#: A rep's first phase shorter than this starts on its number alone: after the number there
#: is no room for the phase's word before the next beat (a one-second lift: "seven", "squeeze").
MIN_TRAILED_PHASE_MS = 2000


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

    ``last_required``: in a rep range counted as a range, the bottom (the reps after it are
    the lifter's choice and come after a pause), or None. An alternating entry (walking
    lunges, "twelve per leg") takes ``entry.steps`` steps a rep: the number is said on the
    first, so the count ends on the number announced, never on twice it.
    """
    phases = entry.tempo.phases(entry.exercise.start)
    entry = plain_for_alternatives(entry)
    first_word = words.phase_word(entry.exercise, phases[0][0]) if phases[0][1] >= MIN_TRAILED_PHASE_MS else ""
    step_ms = entry.tempo.rep_ms
    rep_ms = entry.steps * step_ms
    for rep in range(1, n + 1):
        t0 = lead_ms + (rep - 1) * rep_ms + (RANGE_PAUSE_MS if last_required is not None and rep > last_required else 0)
        if mode == "metronome":
            for k in range(entry.steps):
                _metronome_rep(seg, phases, t0 + k * step_ms, rep)
            continue
        seg.pin("rep_start", words.say("rep_start", rep=words.book.number(rep)), BEAT, t0, rep=rep)
        if mode == "voice":
            if first_word:
                seg.pin("phase", (first_word,), BEAT, t0, trails=True, alike=("phase", 0), rep=rep)
            _voice_phases(seg, words, entry, phases, t0, rep)
            for k in range(1, entry.steps):  # the other leg: the same movement, its word, no number
                base = k * step_ms
                if first_word:
                    seg.pin("phase", (first_word,), BEAT, t0 + base, yields=True, alike=("phase", base), rep=rep)
                _voice_phases(seg, words, entry, phases, t0, rep, base)
        ahead = _whats_left(rep, n, last_required) if step_ms >= MIN_WORDED_REP_MS else None
        if ahead:  # in the rep's free time, around its words and ticks, before its last phase
            by = t0 + rep_ms - (phases[-1][1] if len(phases) > 1 else 0)  # not after the rep is done
            seg.flow(ahead, words.say(ahead), ANNOUNCE, earliest_ms=t0, latest_end_ms=by, rep=rep)
        if last_required is not None and rep == last_required:
            more = words.book.number(n - last_required).capitalize()
            end = t0 + rep_ms
            seg.flow(
                "more_reps",
                words.say("more_reps", more=more),
                ANNOUNCE,
                earliest_ms=end,
                latest_end_ms=end + RANGE_PAUSE_MS,
                rep=rep,
            )


def _voice_phases(
    seg: Segment, words: Words, entry: Entry, phases: tuple[tuple[str, int], ...], t0: int, rep: int, base: int = 0
) -> None:
    """Pin a rep's later phase words and the second ticks inside its phases (the first phase's
    word trails the rep's number, pinned by the caller), for the step that starts ``base`` ms
    after the rep's beat (an alternating rep's other leg). Each is keyed by its point in the
    rep, so one that a rep has no room for (after a long number) is left out of every rep."""
    offset = base  # from the rep's beat; the same key at the same point of every rep
    for i, (phase, ms) in enumerate(phases):
        if i > 0 and ms >= MIN_WORDED_PHASE_MS:
            word = (words.phase_word(entry.exercise, phase),)
            seg.pin("phase", word, BEAT, t0 + offset, yields=True, alike=("phase", offset), rep=rep)
        for k in range(1, math.ceil(ms / 1000)):
            at = offset + k * 1000
            seg.pin("tick", ("tick",), BEAT, t0 + at, kind="tone", yields=True, alike=("tick", at), rep=rep)
        offset += ms


def _whats_left(rep: int, n: int, last_required: int | None) -> str | None:
    """What rep ``rep`` says about the set's end: "Two more." two reps before the last required
    one (the bottom of a range counted as one), "Last rep." in the last rep of a set of two or
    more (in a range, the last optional one)."""
    target = last_required if last_required is not None else n
    if rep == target - 2 and target >= 4:
        return "two_more"
    if rep == n and n >= 2:
        return "last_rep"
    return None


def _metronome_rep(seg: Segment, phases: tuple[tuple[str, int], ...], t0: int, rep: int) -> None:
    offset = t0
    for _, ms in phases:
        seg.pin("tick_accent", ("tick_accent",), BEAT, offset, kind="tone", rep=rep)
        for k in range(1, math.ceil(ms / 1000)):
            seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", rep=rep)
        offset += ms
