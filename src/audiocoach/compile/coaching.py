"""What a good coach adds around the count, from the exercise library's own words.

- ``finish``: as a set ends, what to do with the weight ("Rack the bar.", "Park the bell.").
- ``introduce``: the first time an exercise comes up in a session, its setup steps
  ("Sit on the floor with your upper back against the bench.") and, for a loaded lift
  the routine gives no load for, how to choose one ("Pick a weight you could lift twelve
  times, and stop at ten."), from :func:`audiocoach.load.effort.load_guide`, the rule the
  program's deloads and double progressions share. A program's later sessions leave out
  the setup steps the lifter has heard (``Routine.setup_heard``).
- ``before_exercise``: what is said in the changeover right before an exercise is done
  (a group's member in the transition before it, never all members at once): setup steps
  the first time (in place of a form cue: never more than two instructions in a row), else
  its next form cue; and the first time it is announced, its alternatives and note.

All are form cues (said at ``standard`` verbosity, dropped before announcements when
time is short). The expander decides where; these functions decide what. The bracing cue
before a set is said by :mod:`.approach` (in the set's last seconds), a hold's breathing
cue by :mod:`.holds`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

from audiocoach.compile.fit import Segment
from audiocoach.load.effort import load_guide
from audiocoach.load.library import STATIONS, changeover_ms
from audiocoach.model import Entry, Group, Item
from audiocoach.timeline import ANNOUNCE, FORM
from audiocoach.timing import TEN_SECONDS_MS
from audiocoach.words.wording import Words, note_for_tempo


class Expander(Protocol):
    """What these functions ask of :class:`audiocoach.compile.expand.Expander` (a protocol, so
    the expander may import this module without an import cycle)."""

    words: Words

    def say(self, key: str, **values: object) -> tuple[str, ...]: ...

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None: ...


#: Time between the intro and the first set: long enough for "Ten seconds" and 3-2-1.
FIRST_SETUP_MS = 20_000


def finish(x: Expander, seg: Segment, entry: Entry | None) -> None:
    """ "Rack the bar." as the rest after ``entry``'s set begins (before "Rest, ...")."""
    if entry is not None and entry.exercise.finish and entry.reps is not None:
        x.flow(seg, "finish", ANNOUNCE, x.say("finish", finish=entry.exercise.finish))


def introduce(
    x: Expander, seg: Segment, entry: Entry, introduced: set[str], heard: Collection[str] = (), **window: object
) -> bool:
    """Setup steps and load guidance, the first time ``entry``'s exercise comes up; setup steps
    only if its id is not in ``heard`` (a program's earlier session said them). Returns
    whether setup steps were said."""
    if entry.exercise.id in introduced:
        return False
    introduced.add(entry.exercise.id)
    steps = () if entry.exercise.id in heard else entry.exercise.setup
    for step in steps:
        x.flow(seg, "setup_step", FORM, x.say("setup_step", step=step), **window)
    guide = load_guide(entry)
    if guide is not None:
        key = "load_guide_light" if guide.light else "load_guide"
        number = x.words.book.number
        values = {"more": number(guide.could_lift), "reps": number(guide.high)}
        if guide.low != guide.high:  # a range: "and do eight to ten"
            key += "_range"
            values = {"more": values["more"], "low": number(guide.low), "top": values["reps"]}
        x.flow(seg, "load_guide", FORM, x.say(key, **values), **window)
    return bool(steps)


def before_exercise(
    x: Expander,
    seg: Segment,
    entry: Entry,
    form_cue: Callable[[], tuple[str, ...]],
    introduced: set[str],
    heard: Collection[str] = (),
    *,
    first: bool,
    **window: object,
) -> None:
    """Coach ``entry`` in the changeover right before it: its setup steps the first time its
    exercise comes up (they are the form cue of that first set: a form cue after two steps
    would make three instructions in a row), else its next form cue (``form_cue()``, which
    turns the rotation); the first time this entry is announced (``first``), its
    alternatives before and its note after."""
    if first and entry.alternatives:
        names = " or ".join(a.name for a in entry.alternatives)
        x.flow(seg, "alternatives", FORM, x.say("alternatives", names=names), **window)
    stepped = introduce(x, seg, entry, introduced, heard, **window)
    cue = form_cue()  # the steps take this changeover's turn of the rotation
    if cue and not stepped:
        x.flow(seg, "form", FORM, cue, **window)
    note = note_for_tempo(entry.note, entry, x.words.book.language) if first and entry.note else None
    if note:  # reworded to the tempo it is counted at, or left out when it cannot be
        x.flow(seg, "note", FORM, x.say("note", note=note), **window)


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
