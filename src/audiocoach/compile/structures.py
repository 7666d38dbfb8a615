"""Group structures as a registry: one function per kind, one signature.

Each expander takes the session's :class:`~audiocoach.compile.expand.Expander` (its public
helpers: ``work``, ``switch``, ``rest_frame``, ``coach_rest``, ``flow``, ``words``...) and the
group's :class:`~audiocoach.compile.expand.Spot`, and yields the group's segments in order.
``STRUCTURES[kind]`` picks one; a new kind is a new function and a new row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from audiocoach.compile import holds
from audiocoach.compile.approach import Approach
from audiocoach.compile.expand import LONG_REST_MS, Expander, Spot, where
from audiocoach.compile.fit import Segment
from audiocoach.model import Entry, Group
from audiocoach.timeline import ANNOUNCE, BEAT
from audiocoach.timing import TEN_SECONDS_MS, emom_work_ms
from audiocoach.words.wording import Line

Structure = Callable[[Expander, Spot], Iterator[Segment]]


def _group(spot: Spot) -> Group:
    assert isinstance(spot.item, Group)
    return spot.item


def _next_member(x: Expander, seg: Segment, spot: Spot, k: int, *, first: bool, **window: object) -> None:
    """Name the member coming next and coach it: its setup steps the first time, else its form
    cue; its alternatives and note the ``first`` time it comes up (see :meth:`Expander.before`)."""
    member = _group(spot).members[k]
    x.flow(seg, "next_member", ANNOUNCE, x.say("next_member", **x.words.entry_values(member)), **window)
    x.before(seg, spot, k, first=first, **window)


def _member_lead(x: Expander, member: Entry) -> list[Line]:
    # The round was announced in the rest before it; the lead-in names the exercise.
    return [Line("member", ANNOUNCE, x.say("member", **x.words.entry_values(member)))]


def rounds(x: Expander, spot: Spot) -> Iterator[Segment]:
    """Superset / circuit: members back to back, a transition between them, rest per round."""
    group = _group(spot)
    transition_ms = x.rest_of(group.transition)
    last = len(group.members) - 1
    for r in range(1, group.rounds + 1):
        for k, member in enumerate(group.members):
            sides = 2 if member.per_side else 1
            for side in range(1, sides + 1):
                named = k > 0 and transition_ms > 0  # the move to it said "Next: Bird dog, ..."
                lead = ([] if named else _member_lead(x, member)) if side == 1 else x.words.set_lead(member, 1, 2)
                # A round opens with its first member's brace, in the rest before it.
                brace = member if k == 0 and side == 1 and member.reps is not None else None
                yield x.work(spot, member, r, side, lead=lead, member=k, brace=brace)
                if side < sides:
                    yield x.switch(spot, r, member=k)
            if k < last:  # the move to the next member ends in its lead-in, even with no transition
                done = member if transition_ms > 0 else None  # back to back: no time to rack anything
                seg, barrier = x.rest_frame(spot, transition_ms, transition=True, set=r, member=k + 1, after=done)
                if transition_ms > 0:
                    _next_member(x, seg, spot, k + 1, first=r == 1, latest_end_ms=barrier)
                yield seg
        if r < group.rounds:
            seg, barrier = x.rest_frame(spot, x.rest_of(group.rest), set=r, after=group.members[-1])
            x.say_line(seg, x.words.next_round(r + 1, group.rounds), latest_end_ms=barrier)
            x.coach_rest(seg, spot, barrier, named=len(group.members) > 1)
            yield seg


def emom(x: Expander, spot: Spot) -> Iterator[Segment]:
    """Work at the top of each interval (members in turn), the remainder as rest."""
    group = _group(spot)
    lead_ms = x.settings.lead_in_ms
    n = len(group.members)
    for r in range(1, group.rounds + 1):
        k = (r - 1) % n
        member = group.members[k]
        used = emom_work_ms(member, lead_ms, x.settings.rep_range, x.settings.switch_ms)
        brace = member if r == 1 and member.reps is not None else None  # before the first go, as a set's
        yield x.work(spot, member, r, 1, lead=[x.words.round_lead(r, group.rounds)], member=k, brace=brace)
        if member.per_side:
            yield x.switch(spot, r, member=k)
            yield x.work(spot, member, r, 2, lead=x.words.set_lead(member, 1, 2), member=k)
        if r < group.rounds:
            seg, barrier = x.rest_frame(
                spot, group.interval_ms - used, transition=True, set=r, member=r % n, after=member
            )
            # The remainder is an odd number of seconds: say where the rest ends instead.
            until = x.say("until_minute" if group.interval_ms % 60_000 == 0 else "until_round")[0]
            x.flow(seg, "rest", ANNOUNCE, x.say("rest_until", until=until), latest_end_ms=barrier)
            _next_member(x, seg, spot, r % n, first=r < n, latest_end_ms=barrier)
            yield seg


def amrap(x: Expander, spot: Spot) -> Iterator[Segment]:
    """One window of the time cap: go, time-remaining cues at the cadence, 10 s, 3-2-1."""
    group = _group(spot)
    cap = group.work_ms
    seg = Segment("work", cap, context=x.ctx(spot, set=1), where=where(group))  # opens on the go
    seg.approach = Approach(brace=group.members[0])  # the first member's brace before the go
    x.flow(seg, "amrap_go", ANNOUNCE, x.say("amrap_go"), latest_end_ms=min(cap, 5000))
    every = group.remaining_every_ms
    t = every
    while cap - t > TEN_SECONDS_MS:
        seg.pin("remaining", x.say("remaining", duration=x.words.book.duration(cap - t).capitalize()), BEAT, t)
        x.flow(seg, "count_rounds", ANNOUNCE, x.say("count_rounds"), earliest_ms=t, latest_end_ms=t + TEN_SECONDS_MS)
        t += every
    if cap >= LONG_REST_MS:
        seg.pin("ten_seconds", x.say("ten_seconds"), BEAT, cap - TEN_SECONDS_MS)
    holds.countdown(x, seg, cap, earliest=1000)
    # Each later member is named and coached as the first round reaches it (by its tempo).
    at = 0
    for k, member in enumerate(group.members[:-1]):
        at += emom_work_ms(member, 0, x.settings.rep_range, x.settings.switch_ms)
        if at < cap - TEN_SECONDS_MS:
            _next_member(x, seg, spot, k + 1, first=True, earliest_ms=at)
    yield seg


def intervals(x: Expander, spot: Spot) -> Iterator[Segment]:
    """Timed work and rest for N rounds, members in turn (Tabata: 8 x 20 s / 10 s)."""
    group = _group(spot)
    rest_ms = x.rest_of(group.rest)
    n = len(group.members)
    for r in range(1, group.rounds + 1):
        k = (r - 1) % n
        member = group.members[k]
        seg = Segment("work", group.work_ms, context=x.ctx(spot, set=r, member=k), where=where(member))
        # Said before the go, in the window before (a member is named there by "Next: ...").
        lines = () if n > 1 and r > 1 else (_interval_lead(x, r, group, member),)
        seg.approach = Approach(lines, brace=member if r == 1 else None)
        holds.time_left(x, seg, 0, group.work_ms)
        # The count into the go is 3-2-1; the end of the work says so in words, never the same count.
        if group.work_ms - 3000 >= 2000:
            seg.pin("interval_end", x.say("interval_end"), BEAT, group.work_ms - 3000)
        yield seg
        if r < group.rounds:
            rest, barrier = x.rest_frame(spot, rest_ms, set=r, member=r % n, lead_ms=0)
            if n > 1:
                _next_member(x, rest, spot, r % n, first=r < n, latest_end_ms=barrier)
            yield rest


def _interval_lead(x: Expander, r: int, group: Group, member: Entry) -> Line:
    """An interval's lead-in: the member's name, or with one member the round."""
    if len(group.members) > 1:
        return Line("member", ANNOUNCE, x.say("member", **x.words.entry_values(member)))
    return x.words.round_lead(r, group.rounds)


STRUCTURES: dict[str, Structure] = {
    "superset": rounds,
    "circuit": rounds,
    "emom": emom,
    "amrap": amrap,
    "intervals": intervals,
}
