"""Compiler pass 1: a routine -> the segments of its session, each with the cues it holds.

A segment is a window: ``work`` (lead-in + reps x tempo, or a hold, or an interval),
``rest``, ``switch`` (between sides), and the elastic ``intro`` and ``outro``. Cues are
pinned to exact offsets (beats, counts, countdowns, tones) or flow into free time
(announcements, form cues); :mod:`audiocoach.fit` places them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from .fit import ANNOUNCE, BEAT, ENCOURAGE, FORM, Segment
from .model import Entry, Group, Item, Routine
from .phrases import Phrasebook, number_words, spoken_duration, spoken_tempo
from .tones import TONES

PHASE_WORD_KEYS = {
    "eccentric": "phase_eccentric",
    "concentric": "phase_concentric",
    "bottom": "phase_pause",
    "top": "phase_pause",
}
#: Holds at least this long get "halfway" and "ten seconds" cues.
LONG_HOLD_MS = 20_000
#: Rests at least this long get a "ten seconds" warning.
LONG_REST_MS = 15_000


@dataclass(frozen=True)
class Spot:
    """One item (an exercise or a group) in the flattened session."""

    index: int
    block_index: int
    block_name: str
    item: Item
    new_block: bool


def where(item: Item) -> str:
    return str(item.location) if item.location else ""


def work_length_ms(entry: Entry, lead_in_ms: int, rep_range: str) -> int:
    """A set's work window: the lead-in plus reps x tempo, or plus the hold."""
    if entry.reps is not None:
        return lead_in_ms + entry.reps.counted(rep_range) * entry.tempo.rep_ms
    return lead_in_ms + (entry.hold_ms or 0)


class Expander:
    def __init__(self, routine: Routine, book: Phrasebook, minutes: int):
        self.routine = routine
        self.book = book
        self.minutes = minutes
        self.settings = routine.settings
        self.verbosity = routine.settings.verbosity
        self._form_turn: Counter[tuple[int, int]] = Counter()

    # ------------------------------------------------------------------ wording

    def say(self, key: str, **values: object) -> tuple[str, ...]:
        return self.book.variants(key, **values)

    def entry_values(self, entry: Entry, sets: int | None = None) -> dict[str, str]:
        if entry.reps is not None:
            reps = number_words(entry.reps.low)
            if entry.reps.high != entry.reps.low:
                reps += f" to {number_words(entry.reps.high)}"
        else:
            reps = spoken_duration(entry.hold_ms or 0)
        count = entry.sets if sets is None else sets
        return {
            "name": entry.exercise.name,
            "short_name": entry.exercise.short_name,
            "sets": f"{number_words(count)} set{'' if count == 1 else 's'}",
            "reps": reps,
            "side": " per side" if entry.per_side else "",
        }

    def group_values(self, group: Group) -> dict[str, str]:
        if group.kind == "amrap":
            dose = spoken_duration(group.work_ms)
        elif group.kind == "intervals":
            dose = f"{number_words(group.rounds)} rounds of {spoken_duration(group.work_ms)} on, {spoken_duration(group.rest.low_ms)} off"
        elif group.kind == "emom":
            dose = f"every {spoken_duration(group.interval_ms)} for {number_words(group.rounds)} rounds"
        else:
            dose = f"{number_words(group.rounds)} rounds"
        if group.kind == "intervals":
            names = ", then ".join(m.exercise.name for m in group.members)
        else:
            names = ", then ".join(f"{m.exercise.name}, {self.entry_values(m)['reps']}" for m in group.members)
        return {"label": group.label, "dose": dose, "names": names}

    def next_form_cue(self, spot: Spot, member: int = 0) -> str | None:
        entry = spot.item.members[member] if isinstance(spot.item, Group) else spot.item
        cues = entry.exercise.cues
        if not cues:
            return None
        turn = self._form_turn[(spot.index, member)]
        self._form_turn[(spot.index, member)] += 1
        return cues[turn % len(cues)]

    def keep(self, priority: int) -> bool:
        if self.verbosity == "minimal":
            return priority == BEAT
        if self.verbosity == "standard":
            return priority <= FORM
        return True

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None:
        if self.keep(priority):
            seg.flow(key, variants, priority, **kw)

    def ctx(self, spot: Spot, **more) -> dict:
        return {"exercise": spot.index, "block": spot.block_index, **more}

    # ------------------------------------------------------------------ session

    def spots(self) -> list[Spot]:
        out: list[Spot] = []
        for bi, block in enumerate(self.routine.blocks):
            for ei, item in enumerate(block.entries):
                out.append(Spot(len(out), bi, block.name, item, new_block=ei == 0))
        return out

    def run(self) -> list[Segment]:
        spots = self.spots()
        segments = [self.intro(spots[0])]
        for spot in spots:
            if isinstance(spot.item, Group):
                segments.extend(expand_group(self, spot))
            else:
                segments.extend(self.exercise(spot))
            nxt = spots[spot.index + 1] if spot.index + 1 < len(spots) else None
            if nxt is not None:
                segments.append(self.rest_after(spot, nxt))
        segments.append(self.outro(spots[-1]))
        return segments

    def intro(self, first: Spot) -> Segment:
        seg = Segment("intro", None, context={"exercise": 0, "block": 0}, where=self.routine.source)
        intro = self.say("intro", title=self.routine.title, minutes=number_words(self.minutes))
        self.flow(seg, "intro", ANNOUNCE, intro)
        self.announce(seg, first, intro=True)
        return seg

    def announce(self, seg: Segment, spot: Spot, *, intro: bool = False, latest_end_ms: int | None = None) -> None:
        window = {"latest_end_ms": latest_end_ms}
        if spot.new_block and len(self.routine.blocks) > 1:
            key = "block" if intro else "next_block"
            self.flow(seg, key, ANNOUNCE, self.say(key, block=spot.block_name), **window)
        item = spot.item
        if isinstance(item, Group):
            key = "announce_group" if intro else "next_up_group"
            self.flow(seg, key, ANNOUNCE, self.say(key, **self.group_values(item)), **window)
            first = item.members[0]
        else:
            values = self.entry_values(item)
            if intro:
                self.flow(seg, "announce", ANNOUNCE, self.say("announce", tempo=spoken_tempo(item.tempo.text), **values), **window)
            else:
                self.flow(seg, "next_up", ANNOUNCE, self.say("next_up", **values), **window)
            first = item
        if first.alternatives:
            names = " or ".join(a.name for a in first.alternatives)
            self.flow(seg, "alternatives", FORM, self.say("alternatives", names=names), **window)
        cue = self.next_form_cue(spot)
        if cue:
            self.flow(seg, "form", FORM, self.say("form", cue=cue), **window)
        if first.note:
            self.flow(seg, "note", FORM, self.say("note", note=first.note), **window)

    def exercise(self, spot: Spot) -> Iterator[Segment]:
        entry = spot.item
        assert isinstance(entry, Entry)
        sides = 2 if entry.per_side else 1
        for set_no in range(1, entry.sets + 1):
            for side in range(1, sides + 1):
                yield self.work(spot, entry, set_no, side, lead=self.set_lead(entry, set_no, side))
                if side < sides:
                    yield self.switch(spot, set_no)
            if set_no < entry.sets:
                yield self.rest_between(spot, entry, set_no + 1)

    def set_lead(self, entry: Entry, set_no: int, side: int) -> list[tuple[str, int, tuple[str, ...]]]:
        """What the lead-in of a set says: (role, priority, wordings) in order."""
        sets = number_words(entry.sets)
        if side == 2:
            return [("other_side", ANNOUNCE, self.say("other_side"))]
        if set_no == 1:
            return [("get_ready", ANNOUNCE, self.say("get_ready", set=number_words(1), sets=sets))]
        if set_no == entry.sets:
            return [("last_set", ANNOUNCE, self.say("last_set")), ("encourage_last", ENCOURAGE, self.say("encourage_last"))]
        return [("set", ANNOUNCE, self.say("set", set=number_words(set_no), sets=sets))]

    def work(self, spot: Spot, entry: Entry, set_no: int, side: int, *, lead: list, member: int | None = None, lead_in_ms: int | None = None) -> Segment:
        s = self.settings
        lead_ms = s.lead_in_ms if lead_in_ms is None else lead_in_ms
        length = work_length_ms(entry, lead_ms, s.rep_range)
        side_ctx = side if entry.per_side else None
        seg = Segment("work", length, context=self.ctx(spot, set=set_no, side=side_ctx, member=member), where=where(entry))
        seg.pin("go", ("go",), BEAT, 0, kind="tone")
        for role, priority, variants in lead:
            self.flow(seg, role, priority, variants, latest_end_ms=max(lead_ms, 1000))
        if entry.reps is not None:
            self.reps(seg, entry, lead_ms, entry.reps.counted(s.rep_range))
        else:
            self.hold(seg, spot, entry, lead_ms, entry.hold_ms or 0, member or 0)
        return seg

    def reps(self, seg: Segment, entry: Entry, lead: int, n: int) -> None:
        phases = entry.tempo.phases(entry.exercise.start)
        metronome = self.settings.count == "metronome"
        ranged = entry.reps is not None and entry.reps.high > entry.reps.low and self.settings.rep_range == "range"
        extra_from = entry.reps.low + 1 if ranged else None
        slot = more_slot(phases)
        for rep in range(1, n + 1):
            t0 = lead + (rep - 1) * entry.tempo.rep_ms
            more_here = rep == extra_from and not metronome
            offset = t0
            for i, (phase, ms) in enumerate(phases):
                word = self.say(PHASE_WORD_KEYS[phase])[0]
                more_now = more_here and slot is not None and slot[0] == i
                if metronome:
                    seg.pin("tick_accent", ("tick_accent",), BEAT, offset, kind="tone", rep=rep)
                elif i == 0:
                    wordings = self.say("rep_start", rep=number_words(rep), phase=word)
                    if ms < 1000 and len(wordings) > 1:
                        wordings = wordings[1:]  # explosive: the rep number alone is the cue
                    seg.pin("rep_start", wordings, BEAT, offset, rep=rep)
                elif not (more_now and not slot[1]):
                    seg.pin(PHASE_WORD_KEYS[phase], (word,), BEAT, offset, rep=rep)
                if more_now:
                    # The extra-reps line takes the place of this phase's counts (and its
                    # word, when no phase leaves room with the word kept).
                    seg.pin("more_reps", self.say("more_reps"), ANNOUNCE, offset + (1000 if slot[1] else 0), rep=rep)
                    offset += ms
                    continue
                for k in range(1, math.ceil(ms / 1000)):
                    if metronome:
                        seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", rep=rep)
                    else:
                        seg.pin("count", self.say("count", n=number_words(k + 1)), BEAT, offset + k * 1000, rep=rep)
                offset += ms
            if more_here and slot is None:
                self.flow(seg, "more_reps", ANNOUNCE, self.say("more_reps"), earliest_ms=t0, latest_end_ms=t0 + entry.tempo.rep_ms, rep=rep)

    def hold(self, seg: Segment, spot: Spot, entry: Entry, lead: int, hold_ms: int, member: int) -> None:
        end = lead + hold_ms
        seg.pin("hold_start", self.say("hold_start"), BEAT, lead)
        if hold_ms >= LONG_HOLD_MS:
            seg.pin("halfway", self.say("halfway"), BEAT, lead + (hold_ms // 2000) * 1000)
            seg.pin("ten_seconds", self.say("ten_seconds"), BEAT, end - 10_000)
        self.countdown(seg, end, earliest=lead + 1000)
        cue = self.next_form_cue(spot, member) if self.verbosity == "coach" else None
        if cue:
            self.flow(seg, "form", FORM, self.say("form", cue=cue), earliest_ms=lead + 1000)

    def countdown(self, seg: Segment, end: int, earliest: int) -> None:
        for n in (3, 2, 1):
            at = end - n * 1000
            if at >= earliest:
                seg.pin("countdown", self.say("countdown", n=number_words(n)), BEAT, at)

    def switch(self, spot: Spot, set_no: int, member: int | None = None) -> Segment:
        seg = Segment("switch", self.settings.switch_ms, context=self.ctx(spot, set=set_no, member=member), where=where(spot.item))
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        self.flow(seg, "switch", ANNOUNCE, self.say("switch"))
        return seg

    def rest_frame(self, spot: Spot, rest_ms: int, *, stop: bool = True, **ctx) -> tuple[Segment, int]:
        """A rest: stop tone, "rest, N seconds", a ten-second warning, 3-2-1 into the go tone.

        Returns the segment and the time by which its announcements must have ended.
        """
        seg = Segment("rest", rest_ms, context=self.ctx(spot, **ctx), where=where(spot.item))
        if stop:
            seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        if rest_ms >= LONG_REST_MS:
            barrier = rest_ms - 10_000
            seg.pin("ten_seconds", self.say("ten_seconds"), BEAT, barrier)
        else:
            barrier = max(rest_ms - 3000, 1000)
        self.countdown(seg, rest_ms, earliest=1000)
        self.flow(seg, "rest", ANNOUNCE, self.say("rest", duration=spoken_duration(rest_ms)), latest_end_ms=barrier)
        return seg, barrier

    def rest_between(self, spot: Spot, entry: Entry, next_set: int) -> Segment:
        rest_ms = entry.rest.pick(self.settings.rest_policy)
        seg, barrier = self.rest_frame(spot, rest_ms, set=next_set - 1)
        if next_set == entry.sets:
            self.flow(seg, "next_last_set", ANNOUNCE, self.say("next_last_set"), latest_end_ms=barrier)
        else:
            self.flow(seg, "next_set", ANNOUNCE, self.say("next_set", set=number_words(next_set), sets=number_words(entry.sets)), latest_end_ms=barrier)
        self.coach_rest(seg, spot, barrier)
        return seg

    def coach_rest(self, seg: Segment, spot: Spot, barrier: int, member: int = 0) -> None:
        if self.verbosity != "coach":
            return
        cue = self.next_form_cue(spot, member)
        if cue:
            self.flow(seg, "form", FORM, self.say("form", cue=cue), latest_end_ms=barrier)
        self.flow(seg, "encourage", ENCOURAGE, self.say("encourage"), latest_end_ms=barrier)

    def rest_after(self, spot: Spot, nxt: Spot) -> Segment:
        rest_ms = spot.item.rest_after.pick(self.settings.rest_policy)
        seg, barrier = self.rest_frame(nxt, rest_ms)
        self.announce(seg, nxt, latest_end_ms=barrier)
        return seg

    def outro(self, last: Spot) -> Segment:
        seg = Segment("outro", None, context=self.ctx(last), where=self.routine.source)
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        self.flow(seg, "done", ANNOUNCE, self.say("done"), earliest_ms=TONES["stop"].length_ms + 300)
        seg.flow("end", ("end",), BEAT, kind="tone")
        return seg


def more_slot(phases: tuple[tuple[str, int], ...]) -> tuple[int, bool] | None:
    """Where "more if you have them" goes in a rep: (phase index, keep the phase word).

    Best is after the first second of a phase of 3 s or more (its word is kept); else a
    whole later phase of 2 s or more replaces its word. None: no such room in this tempo.
    """
    keep = [(ms - 1000, i) for i, (_, ms) in enumerate(phases) if ms - 1000 >= 2000]
    if keep:
        return max(keep)[1], True
    replace_word = [(ms, i) for i, (_, ms) in enumerate(phases) if i > 0 and ms >= 2000]
    if replace_word:
        return max(replace_word)[1], False
    return None


# ---------------------------------------------------------------------- groups


def expand_group(x: Expander, spot: Spot) -> Iterator[Segment]:
    group = spot.item
    assert isinstance(group, Group)
    if group.kind in ("superset", "circuit"):
        yield from _rounds(x, spot, group)
    elif group.kind == "emom":
        yield from _emom(x, spot, group)
    elif group.kind == "amrap":
        yield from _amrap(x, spot, group)
    else:
        yield from _intervals(x, spot, group)


def _member_lead(x: Expander, member: Entry) -> list:
    # The round was announced in the rest before it; the lead-in names the exercise.
    return [("member", ANNOUNCE, x.say("member", **x.entry_values(member)))]


def _rounds(x: Expander, spot: Spot, group: Group) -> Iterator[Segment]:
    """Superset / circuit: members back to back, a transition between them, rest per round."""
    transition_ms = group.transition.pick(x.settings.rest_policy)
    last = len(group.members) - 1
    for r in range(1, group.rounds + 1):
        for k, member in enumerate(group.members):
            sides = 2 if member.per_side else 1
            for side in range(1, sides + 1):
                lead = _member_lead(x, member) if side == 1 else [("other_side", ANNOUNCE, x.say("other_side"))]
                yield x.work(spot, member, r, side, lead=lead, member=k)
                if side < sides:
                    yield x.switch(spot, r, member=k)
            if k < last and transition_ms > 0:
                seg, barrier = x.rest_frame(spot, transition_ms, set=r, member=k + 1)
                x.flow(seg, "next_member", ANNOUNCE, x.say("next_member", **x.entry_values(group.members[k + 1])), latest_end_ms=barrier)
                yield seg
        if r < group.rounds:
            seg, barrier = x.rest_frame(spot, group.rest.pick(x.settings.rest_policy), set=r)
            x.flow(seg, "next_round", ANNOUNCE, x.say("next_round", round=number_words(r + 1), rounds=number_words(group.rounds)), latest_end_ms=barrier)
            x.coach_rest(seg, spot, barrier)
            yield seg


def _emom(x: Expander, spot: Spot, group: Group) -> Iterator[Segment]:
    """Work at the top of each interval (members in turn), the remainder as rest."""
    lead_ms = x.settings.lead_in_ms
    for r in range(1, group.rounds + 1):
        k = (r - 1) % len(group.members)
        member = group.members[k]
        used = emom_work_ms(member, lead_ms, x.settings.rep_range, x.settings.switch_ms)
        lead = [("round", ANNOUNCE, x.say("round", round=number_words(r), rounds=number_words(group.rounds)))]
        yield x.work(spot, member, r, 1, lead=lead, member=k)
        if member.per_side:
            yield x.switch(spot, r, member=k)
            yield x.work(spot, member, r, 2, lead=[("other_side", ANNOUNCE, x.say("other_side"))], member=k)
        if r < group.rounds:
            seg, barrier = x.rest_frame(spot, group.interval_ms - used, set=r, member=r % len(group.members))
            nxt = group.members[r % len(group.members)]
            x.flow(seg, "next_member", ANNOUNCE, x.say("next_member", **x.entry_values(nxt)), latest_end_ms=barrier)
            yield seg


def emom_work_ms(member: Entry, lead_ms: int, rep_range: str, switch_ms: int) -> int:
    """Time one EMOM interval's work takes (both sides and the switch for per-side work)."""
    one = work_length_ms(member, lead_ms, rep_range)
    return 2 * one + switch_ms if member.per_side else one


def _amrap(x: Expander, spot: Spot, group: Group) -> Iterator[Segment]:
    """One window of the time cap: go, time-remaining cues at the cadence, 10 s, 3-2-1."""
    cap = group.work_ms
    seg = Segment("work", cap, context=x.ctx(spot, set=1), where=where(group))
    seg.pin("go", ("go",), BEAT, 0, kind="tone")
    x.flow(seg, "amrap_go", ANNOUNCE, x.say("amrap_go"), latest_end_ms=min(cap, 5000))
    every = group.remaining_every_ms
    t = every
    while cap - t > 10_000:
        seg.pin("remaining", x.say("remaining", duration=spoken_duration(cap - t)), BEAT, t)
        t += every
    if cap >= LONG_REST_MS:
        seg.pin("ten_seconds", x.say("ten_seconds"), BEAT, cap - 10_000)
    x.countdown(seg, cap, earliest=1000)
    if x.verbosity == "coach":
        for k in range(len(group.members)):
            cue = x.next_form_cue(spot, k)
            if cue:
                x.flow(seg, "form", FORM, x.say("form", cue=cue), earliest_ms=every // 2)
    yield seg


def _intervals(x: Expander, spot: Spot, group: Group) -> Iterator[Segment]:
    """Timed work and rest for N rounds, members in turn (Tabata: 8 x 20 s / 10 s)."""
    rest_ms = group.rest.pick(x.settings.rest_policy)
    for r in range(1, group.rounds + 1):
        k = (r - 1) % len(group.members)
        member = group.members[k]
        seg = Segment("work", group.work_ms, context=x.ctx(spot, set=r, member=k), where=where(member))
        seg.pin("go", ("go",), BEAT, 0, kind="tone")
        x.flow(seg, "member", ANNOUNCE, x.say("member", **x.entry_values(member)) if len(group.members) > 1 else x.say("work"), latest_end_ms=min(group.work_ms, 4000))
        x.countdown(seg, group.work_ms, earliest=2000)
        yield seg
        if r < group.rounds:
            rest, barrier = x.rest_frame(spot, rest_ms, set=r, member=r % len(group.members))
            if len(group.members) > 1:
                nxt = group.members[r % len(group.members)]
                x.flow(rest, "next_member", ANNOUNCE, x.say("next_member", **x.entry_values(nxt)), latest_end_ms=barrier)
            yield rest
