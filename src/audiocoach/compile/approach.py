"""What comes before rep one of a set: its name, the brace, "three, two, one" and the go.

A coach says "Set two of four. Big breath in, brace. Three, two, one, go" and the lifter's
first rep starts on "go". So the window before a set (a rest, a switch between sides, the
setup after the intro, a move between a circuit's members) ends with the set's *approach*:
the set's lead-in lines ("Set two of four.", "Other side.", "Round three of six."), the
exercise's brace cue, a 3-2-1 one second apart and the go tone, which ends a gap before
the set's window begins. The work window then opens on the first rep's count (or "Hold."),
so nothing is said between the tone and the first rep.

The set's ``lead_in`` (3 s by default) is part of that window: a rest of 65 s before a set
is 68 s from the stop tone to the go, as it was from the stop tone to the first rep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from audiocoach.compile.fit import GAP_MS, Segment
from audiocoach.model import Entry
from audiocoach.timeline import BEAT, FORM
from audiocoach.timing import TEN_SECONDS_MS
from audiocoach.tones import TONES
from audiocoach.words.wording import Line, Words

#: The go tone starts this long before the first rep: it ends a gap before the rep's count.
GO_AHEAD_MS = TONES["go"].length_ms + GAP_MS
#: "three" is said this long before the first rep (3-2-1 one second apart, then the go).
COUNTDOWN_MS = 3000 + GO_AHEAD_MS
#: The brace cue ends at most this long before the first rep (and before the countdown).
BRACE_WITHIN_MS = 15_000
#: A window at least this long says "Ten seconds." before the set; its approach comes after it.
LONG_WINDOW_MS = 15_000


class Expander(Protocol):
    """What the approach asks of :class:`audiocoach.compile.expand.Expander`."""

    words: Words

    def say(self, key: str, **values: object) -> tuple[str, ...]: ...

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None: ...


@dataclass(frozen=True)
class Approach:
    """What the window before a set says for it: its lead-in lines and its brace cue."""

    lines: tuple[Line, ...] = ()
    #: The entry whose bracing or breathing cue is said last (a set of reps after a rest), or None.
    brace: Entry | None = None


def countdown_into_go(x: Expander, seg: Segment, earliest_ms: int = 1000) -> None:
    """Pin "three, two, one" and the go tone at the end of ``seg`` (the window before a set), one
    second apart, the tone ending a gap before the set's first rep."""
    end = seg.length_ms or 0
    go = end - GO_AHEAD_MS
    for n in (3, 2, 1):
        at = go - n * 1000
        if at >= earliest_ms:
            seg.pin("countdown", x.say("countdown", n=x.words.book.number(n)), BEAT, at)
    if go >= 0:
        seg.pin("go", ("go",), BEAT, go, kind="tone")


def approach_earliest_ms(length_ms: int) -> int:
    """Where a window's approach may begin: after "Ten seconds." in a long window, else anywhere
    after the window's own announcements (they come first)."""
    return length_ms - TEN_SECONDS_MS if length_ms >= LONG_WINDOW_MS else 0


def approach_room_ms(ten_seconds_ms: int) -> int:
    """The longest cue a long window's approach has room for: between the brace's earliest and
    "Ten seconds." (``ten_seconds_ms`` long), or between it and the countdown."""
    before = BRACE_WITHIN_MS - TEN_SECONDS_MS - GAP_MS
    after = TEN_SECONDS_MS - ten_seconds_ms - COUNTDOWN_MS - 2 * GAP_MS
    return max(before, after)


def say_approach(x: Expander, seg: Segment, approach: Approach) -> None:
    """Flow ``approach`` into ``seg``, the window before the set: after its other cues and
    "Ten seconds.", ending before the countdown: the brace cue (3-15 s before rep one, before
    "Ten seconds." when there is room), then the set's name."""
    end = seg.length_ms or 0
    earliest = approach_earliest_ms(end)
    # Before the countdown (in a window too short for all of it, before what it has of it).
    latest = min((c.pin_ms for c in seg.cues if c.role in ("countdown", "go")), default=end)
    tail = {"approach": True}  # advice knows a longer rest gives a long window's approach no room
    entry = approach.brace
    if entry is not None and entry.exercise.breathe:  # the brace, then the set's name just before 3-2-1
        said = x.say("breathe", cue=entry.exercise.breathe)
        brace_from = max(0, end - BRACE_WITHIN_MS)  # before "Ten seconds." when there is room
        x.flow(seg, "breathe", FORM, said, earliest_ms=brace_from, latest_end_ms=latest, **tail)
    for line in approach.lines:
        x.flow(seg, line.role, line.priority, line.variants, earliest_ms=earliest, latest_end_ms=latest, **tail)
