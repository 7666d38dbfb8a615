"""Compiler pass 1: a routine -> the segments of its session, each with the cues it holds.

A segment is a window: ``work`` (reps x tempo, or a hold, or an interval, from the first
rep), ``rest``, ``switch`` (between sides), ``setup``, and the elastic ``intro`` and
``outro``. The window before a set ends with the set's lead-in: its name, the brace cue,
3-2-1 and the go tone (:mod:`audiocoach.compile.approach`). Cues are
pinned to exact offsets (beats, countdowns, tones) or flow into free time (announcements,
form cues); :mod:`audiocoach.compile.fit` places them.

This module decides *when* things are said. What is said comes from
:mod:`audiocoach.words.wording`; how reps are counted from :mod:`audiocoach.compile.counting`; groups
(supersets, circuits, EMOM, AMRAP, intervals) are expanded by the registry in
:mod:`audiocoach.compile.structures`.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from audiocoach.compile import coaching, holds
from audiocoach.compile.approach import Approach, countdown_into_go, say_approach
from audiocoach.compile.changeovers import Checkpoint, halfway_at, say_halfway
from audiocoach.compile.counting import count_mode, count_reps
from audiocoach.compile.fit import Segment
from audiocoach.load.effort import warmup_ramp
from audiocoach.model import Entry, Group, Item, Rest, Routine
from audiocoach.timeline import ANNOUNCE, BEAT, ENCOURAGE, FORM
from audiocoach.timing import TEN_SECONDS_MS, pick_rest, work_length_ms
from audiocoach.tones import TONES
from audiocoach.words.phrases import Phrasebook
from audiocoach.words.wording import Line, Words, block_as_noun, block_repeats_item, form_cues

#: What ``minimal`` verbosity says besides counts and tones, in its shortest wording: the
#: session's title, each exercise's (or member's) name as it comes up, and "Switch sides.".
MINIMAL_SAID = frozenset(
    (
        "intro",
        "announce",
        "next_up",
        "next_up_last",
        "announce_group",
        "next_up_group",
        "member",
        "next_member",
        "switch",
    )
)
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


#: A structure's expansion: the session's expander and the group's spot -> its segments.
StructureExpand = Callable[["Expander", Spot], Iterable[Segment]]


def where(item: Item) -> str:
    return str(item.location) if item.location else ""


def announce_by_ms(rest_ms: int) -> int:
    """When a rest's announcements must have ended (``rest_ms``: its window, lead-in included):
    at the ten-second warning of a long rest, else 3 s before its end (the countdown), but
    never before its first second."""
    return rest_ms - TEN_SECONDS_MS if rest_ms >= LONG_REST_MS else max(rest_ms - 3000, 1000)


class Expander:
    """Builds the session's segments; structures (see :mod:`.structures`) use its public methods."""

    def __init__(self, routine: Routine, book: Phrasebook, minutes: int, structures: Mapping[str, StructureExpand]):
        self.routine = routine
        self.structures = structures
        self.words = Words(book)
        self.minutes = minutes
        self.settings = routine.settings
        self.verbosity = routine.settings.verbosity
        self._form_turn: Counter[tuple[int, int]] = Counter()
        self._rests = 0
        self._introduced: set[str] = set()  # exercises whose setup has been said
        #: The breathing cue the last hold said (a run of stretches says it once).
        self.last_hold_breath: tuple[str, ...] = ()
        #: Item index -> the state of the session just before the rest after it, and where that
        #: rest stands, so advice can build it again at another length (:meth:`trial_changeover`).
        self._checkpoints: dict[int, Checkpoint] = {}
        self._segments: list[Segment] = []
        self._changeovers: list[tuple[int, Segment, int]] = []

    # ------------------------------------------------------------------ helpers

    def say(self, key: str, **values: object) -> tuple[str, ...]:
        return self.words.say(key, **values)

    def form_cue(self, spot: Spot, member: int = 0, *, named: bool = False) -> tuple[str, ...]:
        """The next form cue of this exercise (they rotate across sets), as wordings; ``named``
        puts the exercise's name first (several exercises' cues in one rest)."""
        entry = spot.item.members[member] if isinstance(spot.item, Group) else spot.item
        cues = form_cues(entry)
        if not cues:
            return ()
        turn = self._form_turn[(spot.index, member)]
        self._form_turn[(spot.index, member)] += 1
        exercise, cue = cues[turn % len(cues)]
        if named or entry.alternatives:  # with alternatives, say whose cue it is
            lower = cue[1:2].islower() and self.words.book.language.lower_in_sentence
            said = cue[:1].lower() + cue[1:] if lower else cue  # "Bird dog: brace your core."
            return self.say("form_named", cue=said, name=exercise.name, short_name=exercise.short_name)
        return self.say("form", cue=cue)

    def keep(self, priority: int) -> bool:
        if self.verbosity == "minimal":
            return priority == BEAT
        if self.verbosity == "standard":
            return priority <= FORM
        return True

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None:
        if self.keep(priority):
            seg.flow(key, variants, priority, **kw)
        elif self.verbosity == "minimal" and key in MINIMAL_SAID:  # the title, what comes next, switch
            seg.flow(key, variants if key == "switch" else variants[-1:], priority, **kw)

    def say_line(self, seg: Segment, line: Line, **kw) -> None:
        self.flow(seg, line.role, line.priority, line.variants, **kw)

    def ctx(self, spot: Spot, **more) -> dict:
        return {"exercise": spot.index, "block": spot.block_index, **more}

    def rest_of(self, rest: Rest) -> int:
        return pick_rest(rest, self.settings.rest_policy)

    # ------------------------------------------------------------------ session

    def spots(self) -> list[Spot]:
        out: list[Spot] = []
        for bi, block in enumerate(self.routine.blocks):
            for ei, item in enumerate(block.entries):
                out.append(Spot(len(out), bi, block.name, item, new_block=ei == 0))
        return out

    def run(self) -> list[Segment]:
        spots = self.spots()
        segments = [self.intro(spots[0]), self.into_position(spots[0])]
        changeovers: list[tuple[int, Segment, int]] = []  # (index, rest, barrier) between exercises
        for spot in spots:
            if isinstance(spot.item, Group):
                segments.extend(self.structures[spot.item.kind](self, spot))
            else:
                segments.extend(self.exercise(spot))
            if spot.index + 1 < len(spots):
                self._checkpoints[spot.index] = Checkpoint(
                    Counter(self._form_turn), self._rests, frozenset(self._introduced), len(changeovers)
                )
                seg, barrier = self.rest_after(spot, spots[spot.index + 1], len(spots))
                changeovers.append((len(segments), seg, barrier))
                segments.append(seg)
        segments.append(self.outro(spots[-1]))
        for before, seg in zip(segments, segments[1:]):
            if isinstance(seg.approach, Approach):
                say_approach(self, before, seg.approach)
        chosen = halfway_at(segments, changeovers[:-1], len(spots), self.keep(ANNOUNCE))
        if chosen is not None:
            say_halfway(*changeovers[chosen][1:], self.say("halfway_workout"))
        self._segments, self._changeovers = segments, changeovers
        return segments

    def trial_changeover(self, item: int, rest_ms: int) -> Segment:
        """The rest after item ``item``, built again at ``rest_ms`` as :meth:`run` would build it
        in a session where that rest had that length: the same setup steps, the same form cue
        in turn, "Halfway through the workout" where the session would put it. Advice asks
        this of a trial length instead of expanding the whole session again."""
        saved = self._checkpoints[item]
        trial = copy.copy(self)  # the routine, words and settings are shared and never changed
        trial._form_turn, trial._rests, trial._introduced = Counter(saved.form_turn), saved.rests, set(saved.introduced)
        spots = self.spots()
        seg, barrier = trial.rest_after(spots[item], spots[item + 1], len(spots), rest_ms)
        position = self._changeovers[saved.changeover][0]
        after = self._segments[position + 1].approach
        if isinstance(after, Approach):
            say_approach(trial, seg, after)
        segments = [*self._segments[:position], seg, *self._segments[position + 1 :]]
        changeovers = list(self._changeovers)
        changeovers[saved.changeover] = (position, seg, barrier)
        if halfway_at(segments, changeovers[:-1], len(spots), self.keep(ANNOUNCE)) == saved.changeover:
            say_halfway(seg, barrier, self.say("halfway_workout"))
        return seg

    def intro(self, first: Spot) -> Segment:
        seg = Segment("intro", None, context={"exercise": 0, "block": 0}, where=self.routine.source)
        intro = self.intro_line(self.minutes)
        self.flow(seg, "intro", ANNOUNCE, intro)
        if self.routine.notice:
            self.flow(seg, "notice", ANNOUNCE, self.say("notice", notice=self.routine.notice))
        self.announce(seg, first, intro=True)
        return seg

    def intro_line(self, minutes: int) -> tuple[str, ...]:
        """The intro's first line, which says the session's length: the one cue that depends on it."""
        return self.say("intro", title=self.routine.title, minutes=self.words.book.number(minutes))

    def announce(
        self, seg: Segment, spot: Spot, *, intro: bool = False, latest_end_ms: int | None = None, last: bool = False
    ) -> None:
        """Name what comes next: its block, "Last exercise." (after the block: "On to the
        finisher. Last exercise."), the exercise or group, alternatives, form cues, note."""
        window = {"latest_end_ms": latest_end_ms}
        item = spot.item
        if (
            spot.new_block
            and len(self.routine.blocks) > 1
            and not block_repeats_item(spot.block_name, item, self.words.book)
        ):
            key = "block" if intro else "next_block"
            block = block_as_noun(spot.block_name, intro, self.words.book.language.lower_in_sentence)
            self.flow(seg, key, ANNOUNCE, self.say(key, block=block), **window)
        if last and isinstance(item, Group):
            self.flow(seg, "last_exercise", ANNOUNCE, self.say("last_exercise"), **window)
        if isinstance(item, Group):
            key = "announce_group" if intro else "next_up_group"
            self.flow(seg, key, ANNOUNCE, self.say(key, **self.words.group_values(item)), **window)
            coaching.set_up_stations(self, seg, item, **window)
        else:
            # The last one is named as such: "Last exercise: Figure four stretch, ..." in one breath.
            key = "announce" if intro else "next_up_last" if last else "next_up"
            self.flow(seg, key, ANNOUNCE, self.say(key, **self.words.entry_values(item)), **window)
            target = self.words.set_target(item, 1) if not item.warmup_sets else None
            if target:
                self.say_line(seg, target, **window)
        # A group's first member only: each later member is coached in the changeover before it.
        self.before(seg, spot, 0, first=True, **window)
        if isinstance(item, Entry) and item.warmup_sets:
            # The first warm-up set's weight, after the load guide that says what "working" is.
            target = self.words.warmup_target(item, 1, warmup_ramp(item, 1))
            if target:
                self.say_line(seg, target, **window)

    def before(self, seg: Segment, spot: Spot, member: int, *, first: bool, **window: object) -> None:
        """Coach member ``member`` of ``spot`` (0 for an exercise) right before it is done; ``first``:
        the first time it is announced (see :func:`.coaching.before_exercise`)."""
        entry = spot.item.members[member] if isinstance(spot.item, Group) else spot.item
        heard = self.routine.setup_heard
        form = functools.partial(self.form_cue, spot, member)  # turns the rotation only when said
        coaching.before_exercise(self, seg, entry, form, self._introduced, heard, first=first, **window)

    def exercise(self, spot: Spot) -> Iterator[Segment]:
        entry = spot.item
        assert isinstance(entry, Entry)
        sides = 2 if entry.per_side else 1
        warmups = entry.warmup_sets
        total = warmups + entry.sets
        for n in range(1, total + 1):  # n numbers every set done, warm-ups first
            set_no = n - warmups  # the work set's number (0 or less: a warm-up)
            for side in range(1, sides + 1):
                lead = self.words.set_lead(entry, set_no, side, warmup=set_no <= 0)
                brace = entry if side == 1 and entry.reps is not None else None
                yield self.work(spot, entry, n, side, lead=lead, warmup=set_no <= 0, brace=brace)
                if side < sides:
                    yield self.switch(spot, n)
            if n < total:
                yield self.rest_between(spot, entry, n + 1, warmups)

    def work(
        self,
        spot: Spot,
        entry: Entry,
        set_no: int,
        side: int,
        *,
        lead: list[Line],
        member: int | None = None,
        warmup: bool = False,
        brace: Entry | None = None,
    ) -> Segment:
        """One set's work window, from its first rep: the ``lead`` lines and the ``brace`` cue are
        said before its go, in the window before it (:mod:`.approach`). A warm-up set counts the
        bottom of a rep range, no extras."""
        s = self.settings
        lead_ms = 0  # the lead-in is the end of the window before: rep one starts on the go
        rep_range = "bottom" if warmup else s.rep_range
        length = work_length_ms(entry, lead_ms, rep_range)
        context = self.ctx(spot, set=set_no, side=side if entry.per_side else None, member=member)
        seg = Segment("work", length, context=context, where=where(entry))
        seg.approach = Approach(tuple(lead), brace)
        if entry.reps is not None:
            n = entry.reps.counted(rep_range)  # alternating: each rep is a step with each leg
            ranged = entry.reps.high > entry.reps.low and rep_range == "range"
            last_required = entry.reps.low if ranged else None
            count_reps(seg, self.words, entry, lead_ms, n, count_mode(entry, s.count), last_required)
            self.last_hold_breath = ()  # a set of reps ends a run of holds
        else:
            holds.hold(self, seg, spot, entry, entry.hold_ms or 0, member or 0)
        return seg

    def switch(self, spot: Spot, set_no: int, member: int | None = None) -> Segment:
        """Between sides: the switch, then the other side's lead-in (its name, 3-2-1, go)."""
        lead = self.settings.lead_in_ms
        length = self.settings.switch_ms + lead
        seg = Segment("switch", length, context=self.ctx(spot, set=set_no, member=member), where=where(spot.item))
        seg.lead_ms = lead
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        countdown_into_go(self, seg)
        entry = spot.item.members[member or 0] if isinstance(spot.item, Group) else spot.item
        key = "switch_direction" if entry.exercise.sides == "per_direction" else "switch"
        self.flow(seg, "switch", ANNOUNCE, self.say(key))
        return seg

    def rest_frame(
        self,
        spot: Spot,
        rest_ms: int,
        *,
        transition: bool = False,
        role: str = "rest",
        after: Entry | None = None,
        lead_ms: int | None = None,
        **ctx,
    ) -> tuple[Segment, int]:
        """A rest: stop tone, "rest, N seconds", a ten-second warning, then the next set's
        lead-in (``lead_ms``, the routine's by default) ending in 3-2-1 and the go tone.

        A ``transition`` (moving between the members of a circuit) is not a rest: it says
        nothing about resting. Returns the segment and the time its announcements must end by.
        """
        lead = self.settings.lead_in_ms if lead_ms is None else lead_ms
        length = rest_ms + lead
        seg = Segment(role, length, context=self.ctx(spot, **ctx), where=where(spot.item))
        seg.lead_ms = lead
        if role == "rest":  # nothing stops before the first set
            seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        barrier = announce_by_ms(length)
        if length >= LONG_REST_MS:
            seg.pin("ten_seconds", self.say("ten_seconds"), BEAT, barrier)
        countdown_into_go(self, seg)
        coaching.finish(self, seg, after)
        if not transition:
            said = self.say("rest", duration=self.words.book.duration(rest_ms))
            self.flow(seg, "rest", ANNOUNCE, said, latest_end_ms=barrier)
        return seg, barrier

    def rest_between(self, spot: Spot, entry: Entry, next_set: int, warmups: int = 0) -> Segment:
        seg, barrier = self.rest_frame(spot, self.rest_of(entry.rest), set=next_set - 1, after=entry)
        line = self.words.next_set(entry, next_set - warmups) if next_set > warmups else None
        line = line or self.words.warmup_target(entry, next_set, warmup_ramp(entry, next_set), next_=True)
        if line is not None:
            self.say_line(seg, line, latest_end_ms=barrier)
        self.coach_rest(seg, spot, barrier)
        return seg

    def coach_rest(self, seg: Segment, spot: Spot, barrier: int, *, named: bool = False) -> None:
        """A form cue for the coming set (rotating; a group's first member, by name: the others
        hear theirs in the transition before them); with ``coach``, encouragement every other
        rest (its variants in turn)."""
        self.flow(seg, "form", FORM, self.form_cue(spot, 0, named=named), latest_end_ms=barrier)
        self._rests += 1
        if self.verbosity == "coach" and self._rests % 2 == 0:
            self.flow(seg, "encourage", ENCOURAGE, self.words.rotate("encourage"), latest_end_ms=barrier)

    def rest_after(self, spot: Spot, nxt: Spot, items: int, rest_ms: int | None = None) -> tuple[Segment, int]:
        """The rest between two items, announcing the next (``rest_ms``: at another length than the routine's)."""
        length = self.rest_of(spot.item.rest_after) if rest_ms is None else rest_ms
        seg, barrier = self.rest_frame(nxt, length, after=coaching.last_entry(spot.item), lead_ms=self.lead_of(nxt))
        self.announce(seg, nxt, latest_end_ms=barrier, last=nxt.index == items - 1 and items > 1)
        return seg, barrier

    def lead_of(self, spot: Spot) -> int:
        """The lead-in before ``spot``'s first work: none before a timed group (AMRAP, intervals),
        whose window opens on the go."""
        timed = isinstance(spot.item, Group) and spot.item.kind in ("amrap", "intervals")
        return 0 if timed else self.settings.lead_in_ms

    def into_position(self, first: Spot) -> Segment:
        """After the intro, time to get into position, then "Ten seconds" and 3-2-1 into the
        first set's go, as every later set has: the intro's last word is no start signal."""
        setup_ms = coaching.setup_ms(first.item)
        seg, barrier = self.rest_frame(first, setup_ms, transition=True, role="setup", lead_ms=self.lead_of(first))
        entry = first.item.members[0] if isinstance(first.item, Group) else first.item
        self.flow(seg, "setup", ANNOUNCE, self.say("setup", name=entry.exercise.name), latest_end_ms=barrier)
        return seg

    def outro(self, last: Spot) -> Segment:
        seg = Segment("outro", None, context=self.ctx(last), where=self.routine.source)
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        coaching.finish(self, seg, coaching.last_entry(last.item))
        self.flow(seg, "done", ANNOUNCE, self.say("done"), earliest_ms=TONES["stop"].length_ms + 300)
        seg.flow("end", ("end",), BEAT, kind="tone")
        return seg
