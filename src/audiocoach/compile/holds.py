"""A hold's window, from "Hold." on the go to its end: what is said while the lifter holds
(and the time cues an interval or an AMRAP shares with it: the time left, 3-2-1 to the stop).

- "Hold." on the go; the time left every ``remaining_every`` in a long hold, else "Halfway."
  when it falls well clear of "Ten seconds." (in a 30 s hold they would be 5 s apart);
  "Ten seconds."; then 3-2-1 into the stop tone, or for a stretch a release cue instead
  ("Slowly release the stretch."): a stretch is eased out of, not counted down.
- The breathing cue ("Breathe slowly and relax.") once in a run of holds that share it,
  not at every side of every stretch of the cool-down.
- A form cue (the library's, in turn) in a stretch that does not say the breathing cue, and
  in every hold with ``coach`` verbosity.
"""

from __future__ import annotations

from typing import Protocol

from audiocoach.compile.fit import Segment
from audiocoach.model import Entry, Settings
from audiocoach.timeline import BEAT, FORM
from audiocoach.timing import TEN_SECONDS_MS
from audiocoach.words.wording import Words


class Expander(Protocol):
    """What a hold asks of :class:`audiocoach.compile.expand.Expander` (a protocol, so the
    expander may import this module without an import cycle)."""

    last_hold_breath: tuple[str, ...]
    words: Words

    @property
    def verbosity(self) -> str: ...

    def say(self, key: str, **values: object) -> tuple[str, ...]: ...

    def flow(self, seg: Segment, key: str, priority: int, variants: tuple[str, ...], **kw) -> None: ...

    @property
    def settings(self) -> Settings: ...

    def form_cue(self, spot, member: int = 0, *, named: bool = False) -> tuple[str, ...]: ...


#: Holds at least this long get "halfway" and "ten seconds" cues.
LONG_HOLD_MS = 20_000
#: Two time cues of a hold ("Halfway.", "Ten seconds.", "Thirty seconds left.") are at least this far apart.
TIME_CUE_SPACING_MS = 10_000
#: A stretch's release cue is said this long before the hold ends.
RELEASE_MS = 3000


def halfway_ms(hold_ms: int) -> int | None:
    """Where "Halfway." goes in a hold of ``hold_ms`` (on a whole second), or None when the
    hold is short or it would come within :data:`TIME_CUE_SPACING_MS` of "Ten seconds."."""
    at = (hold_ms // 2000) * 1000
    if hold_ms < LONG_HOLD_MS or hold_ms - TEN_SECONDS_MS - at < TIME_CUE_SPACING_MS:
        return None
    return at


def time_left(x: Expander, seg: Segment, start: int, end: int) -> bool:
    """ "Thirty seconds left." every ``remaining_every`` before ``end`` (not in the first
    or last 10 s of the window). Returns whether any was said."""
    every = x.settings.remaining_every_ms
    said = False
    at = end - every
    while at - start >= TEN_SECONDS_MS and end - at > TEN_SECONDS_MS:
        seg.pin("remaining", x.say("remaining", duration=x.words.book.duration(end - at).capitalize()), BEAT, at)
        said = True
        at -= every
    return said


def countdown(x: Expander, seg: Segment, end: int, earliest: int) -> None:
    """3-2-1 into the stop tone at ``end`` (each number from ``earliest`` on)."""
    for n in (3, 2, 1):
        at = end - n * 1000
        if at >= earliest:
            seg.pin("countdown", x.say("countdown", n=x.words.book.number(n)), BEAT, at)


def is_stretch(entry: Entry) -> bool:
    return entry.exercise.pattern == "stretch"


def hold(x: Expander, seg: Segment, spot: object, entry: Entry, hold_ms: int, member: int) -> None:
    """Pin and flow a hold's cues into its work window ``seg`` (which opens on the go)."""
    seg.pin("hold_start", x.say("hold_start"), BEAT, 0)
    halfway = halfway_ms(hold_ms)
    if not time_left(x, seg, 0, hold_ms) and halfway is not None:
        seg.pin("halfway", x.say("halfway"), BEAT, halfway)
    if hold_ms >= LONG_HOLD_MS:
        seg.pin("ten_seconds", x.say("ten_seconds"), BEAT, hold_ms - TEN_SECONDS_MS)
    if is_stretch(entry) and hold_ms - RELEASE_MS >= 1000:
        seg.pin("release", x.say("release"), BEAT, hold_ms - RELEASE_MS)
    else:
        countdown(x, seg, hold_ms, earliest=1000)
    breathe = x.say("breathe", cue=entry.exercise.breathe) if entry.exercise.breathe else ()
    said = bool(breathe) and breathe != x.last_hold_breath  # once in a run of holds that share it
    if said:
        x.flow(seg, "breathe", FORM, breathe, earliest_ms=1000)
    x.last_hold_breath = breathe
    if x.verbosity == "coach" or (is_stretch(entry) and not said):  # a stretch: its form cue instead
        cue = x.form_cue(spot, member)
        if cue[:1] == breathe[:1]:  # the library's form cue is the breathing cue: the next one
            cue = x.form_cue(spot, member)
        if cue[:1] != breathe[:1]:
            x.flow(seg, "form", FORM, cue, earliest_ms=1000)
