"""The session as a whole, bounded before any work: its length and how many cues it asks for.

Every number in a routine is bounded where it is read; these bounds multiply (100 sets of
100 reps of a one-minute tempo...), so the loader also sizes the whole session from the
model alone, in time proportional to the number of exercises, and refuses one longer than
:data:`~audiocoach.defaults.MAX_SESSION_MS` or with more than
:data:`~audiocoach.defaults.MAX_SESSION_EVENTS` timed cues. The figures are upper bounds
(reps as the rep-range mode counts them, rests as the rest policy takes them, every cue a
window may hold), so a session that passes compiles to at most that much.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiocoach.defaults import MAX_SESSION_EVENTS, MAX_SESSION_MS
from audiocoach.errors import Problem, RoutineError, SourceLocation
from audiocoach.model import Entry, Group, Rest, Routine, Settings
from audiocoach.timing import emom_work_ms, pick_rest, work_length_ms

__all__ = ["SessionSize", "check_session", "session_problem", "session_size"]

#: Cues around each set or rest (announcement, tones, countdown, ten-second warning...).
_CUES_PER_STEP = 12
#: Cues a rep may hold besides one count a second: the rep's number and three phase words.
_CUES_PER_REP = 4
#: Room for the intro and the outro, spoken at their own length.
_FRAME_MS = 120_000


@dataclass(frozen=True)
class SessionSize:
    """An upper bound of a session's length (ms) and of its timed cues."""

    ms: int = 0
    events: int = 0

    def __add__(self, other: SessionSize) -> SessionSize:
        return SessionSize(self.ms + other.ms, self.events + other.events)

    def times(self, n: int) -> SessionSize:
        return SessionSize(self.ms * n, self.events * n)


def _work(entry: Entry, s: Settings) -> SessionSize:
    """One side of one set: the lead-in, then the reps on tempo or the hold."""
    if entry.reps is not None:
        rep_ms = entry.tempo.rep_ms
        return SessionSize(
            work_length_ms(entry, s.lead_in_ms, s.rep_range),
            _CUES_PER_STEP + entry.reps.counted(s.rep_range) * entry.steps * (_CUES_PER_REP + rep_ms // 1000 + 1),
        )
    return SessionSize(work_length_ms(entry, s.lead_in_ms, s.rep_range), _CUES_PER_STEP)


def _sides(entry: Entry, s: Settings) -> SessionSize:
    """Both sides of a set (and the switch) for per-side work."""
    one = _work(entry, s)
    if not entry.per_side:
        return one
    return one.times(2) + SessionSize(s.switch_ms, _CUES_PER_STEP)


def _rest(rest: Rest, s: Settings) -> SessionSize:
    """A rest as the routine's rest policy takes it (the compiler's own pick)."""
    return SessionSize(pick_rest(rest, s.rest_policy), _CUES_PER_STEP)


def _entry(entry: Entry, s: Settings) -> SessionSize:
    total = entry.sets + entry.warmup_sets  # warm-up sets come before the work sets
    sets = _sides(entry, s).times(total)
    return sets + _rest(entry.rest, s).times(total - 1)


def _group(group: Group, s: Settings) -> SessionSize:
    # Counted as the structures in audiocoach.compile.structures lay them out: a rest between
    # rounds (none after the last), a transition between members (none after the last).
    members = len(group.members)
    if group.kind == "emom":
        busiest = max(_sides(m, s).events for m in group.members)
        last = max(emom_work_ms(m, s.lead_in_ms, s.rep_range, s.switch_ms) for m in group.members)
        return SessionSize((group.rounds - 1) * group.interval_ms + last, group.rounds * (busiest + _CUES_PER_STEP))
    if group.kind == "amrap":
        every = max(group.remaining_every_ms, 1000)
        return SessionSize(group.work_ms, group.work_ms // every + 4 * _CUES_PER_STEP)
    if group.kind == "intervals":
        work = SessionSize(group.work_ms, _CUES_PER_STEP).times(group.rounds)
        return work + _rest(group.rest, s).times(group.rounds - 1)
    one_round = SessionSize()
    for m in group.members:
        one_round = one_round + _sides(m, s)
    one_round = one_round + _rest(group.transition, s).times(members - 1)
    return one_round.times(group.rounds) + _rest(group.rest, s).times(group.rounds - 1)


def session_size(routine: Routine) -> SessionSize:
    """An upper bound of ``routine``'s length and cue count, from the model alone."""
    s = routine.settings
    total = SessionSize(_FRAME_MS, 4 * _CUES_PER_STEP)
    for item in routine.items:
        total = total + (_group(item, s) if isinstance(item, Group) else _entry(item, s))
    for item in routine.items[:-1]:  # the rest after an item leads into the next; the last ends the session
        total = total + _rest(item.rest_after, s)
    return total


def session_problem(routine: Routine, where: SourceLocation | None = None) -> Problem | None:
    """What is wrong with the session's size, or None when it is within the limits."""
    size = session_size(routine)
    if where is None:
        where = SourceLocation(routine.source, 1, 1) if routine.source else None
    if size.ms > MAX_SESSION_MS:
        hours = MAX_SESSION_MS // 3_600_000
        return Problem(
            where,
            f"this session could last up to {_clock(size.ms)}, longer than the {hours} hours a session may last; use fewer sets, rounds or reps, or shorter rests and holds",
        )
    if size.events > MAX_SESSION_EVENTS:
        return Problem(
            where,
            f"this session asks for up to {size.events:,} timed cues, more than the {MAX_SESSION_EVENTS:,} a session may hold; use fewer sets, rounds or reps",
        )
    return None


def check_session(routine: Routine, where: SourceLocation | None = None) -> None:
    """Raise a RoutineError when ``routine`` is larger than a session may be."""
    problem = session_problem(routine, where)
    if problem is not None:
        raise RoutineError([problem])


def _clock(ms: int) -> str:
    minutes = ms // 60_000
    if minutes >= 100 * 60:
        return f"{minutes // 60:,} hours"
    return f"{minutes // 60} h {minutes % 60:02d} min"
