"""What a good coach adds around the count, from the exercise library's own words.

- ``finish``: as a set ends, what to do with the weight ("Rack the bar.", "Park the bell.").
- ``breathe``: the breathing or bracing cue, in the rest before each set and while the
  lifter gets into position ("Big breath in, brace your core, then hinge."); during a
  stretch ("Breathe slowly and relax.").
- ``introduce``: the first time an exercise comes up in a session, its setup steps
  ("Sit on the floor with your upper back against the bench.") and, for a loaded lift
  the routine gives no load or effort for, how to choose one ("Pick a weight you could
  lift twelve times, and stop at ten.").

All are form cues (said at ``standard`` verbosity, dropped before announcements when
time is short). The expander decides where; these functions decide what.
"""

from __future__ import annotations

from typing import Protocol

from audiocoach.compile.fit import Segment
from audiocoach.load.library import STATIONS, changeover_ms
from audiocoach.model import Entry, Group, Item
from audiocoach.timeline import ANNOUNCE, FORM
from audiocoach.timing import TEN_SECONDS_MS
from audiocoach.words.phrases import number_words


class Expander(Protocol):
    """What these functions ask of :class:`audiocoach.compile.expand.Expander` (a protocol, so
    the expander may import this module without an import cycle)."""

    def say(self, key: str, **values: object) -> tuple[str, ...]: ...

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None: ...


#: How many more reps than the set asks for the chosen weight should allow.
LOAD_GUIDE_MARGIN = 2
#: Below this many reps a set is heavy work the lifter has a number for; no rule of thumb.
LOAD_GUIDE_MIN_REPS = 5
#: Time between the intro and the first set: long enough for "Ten seconds" and 3-2-1.
FIRST_SETUP_MS = 20_000


def finish(x: Expander, seg: Segment, entry: Entry | None) -> None:
    """ "Rack the bar." as the rest after ``entry``'s set begins (before "Rest, ...")."""
    if entry is not None and entry.exercise.finish and entry.reps is not None:
        x.flow(seg, "finish", ANNOUNCE, x.say("finish", finish=entry.exercise.finish))


def breathe(x: Expander, seg: Segment, entry: Entry, **window: object) -> None:
    """The exercise's breathing or bracing cue, if the library has one."""
    if entry.exercise.breathe:
        x.flow(seg, "breathe", FORM, x.say("breathe", cue=entry.exercise.breathe), **window)


def introduce(x: Expander, seg: Segment, entry: Entry, introduced: set[str], **window: object) -> None:
    """Setup steps and load guidance, the first time ``entry``'s exercise comes up."""
    if entry.exercise.id in introduced:
        return
    introduced.add(entry.exercise.id)
    for step in entry.exercise.setup:
        x.flow(seg, "setup_step", FORM, x.say("setup_step", step=step), **window)
    reps = entry.reps
    if (
        reps is not None
        and reps.high >= LOAD_GUIDE_MIN_REPS
        and entry.exercise.loaded
        and entry.load is None
        and entry.effort is None
    ):
        if reps.high > reps.low:  # a range: the top of it should be about all the lifter has
            x.flow(seg, "load_guide", FORM, x.say("load_guide_range", top=number_words(reps.high)), **window)
        else:
            values = {"reps": number_words(reps.high), "more": number_words(reps.high + LOAD_GUIDE_MARGIN)}
            x.flow(seg, "load_guide", FORM, x.say("load_guide", **values), **window)


def last_entry(item: Item, member: int | None = None) -> Entry | None:
    """The entry whose set just ended: the item, or a group's given (or last) member."""
    if not isinstance(item, Group):
        return item
    if item.kind in ("amrap",):
        return None
    return item.members[-1 if member is None else member]


def set_up_stations(x: Expander, seg: Segment, group: Group, **window: object) -> None:
    """ "Set up the barbell for Hip thrust now.": a group's later members done at a station
    (bar, machine, cable) are set up before the round, so the changeover is only a walk."""
    if group.kind not in ("superset", "circuit"):
        return
    for member in group.members[1:]:
        if member.exercise.equipment in STATIONS:
            values = {"equipment": member.exercise.equipment, "name": member.exercise.name}
            x.flow(seg, "set_up_station", ANNOUNCE, x.say("set_up_station", **values), **window)


def setup_ms(item: Item) -> int:
    """How long the lifter gets between the intro and the first set to get into position:
    the first exercise's changeover (a barbell takes longer than a band) and the 10 s warning."""
    first = item.members[0] if isinstance(item, Group) else item
    return max(FIRST_SETUP_MS, changeover_ms(first.exercise) + TEN_SECONDS_MS)
