"""A hold's window, from "Hold." on the go to its end: what is said while the lifter holds.

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

from typing import TYPE_CHECKING

from audiocoach.compile.fit import Segment
from audiocoach.model import Entry
from audiocoach.timeline import BEAT, FORM
from audiocoach.timing import TEN_SECONDS_MS

if TYPE_CHECKING:
    from audiocoach.compile.expand import Expander, Spot

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


def is_stretch(entry: Entry) -> bool:
    return entry.exercise.pattern == "stretch"


def hold(x: Expander, seg: Segment, spot: Spot, entry: Entry, hold_ms: int, member: int) -> None:
    """Pin and flow a hold's cues into its work window ``seg`` (which opens on the go)."""
    seg.pin("hold_start", x.say("hold_start"), BEAT, 0)
    halfway = halfway_ms(hold_ms)
    if not x.time_left(seg, 0, hold_ms) and halfway is not None:
        seg.pin("halfway", x.say("halfway"), BEAT, halfway)
    if hold_ms >= LONG_HOLD_MS:
        seg.pin("ten_seconds", x.say("ten_seconds"), BEAT, hold_ms - TEN_SECONDS_MS)
    if is_stretch(entry) and hold_ms - RELEASE_MS >= 1000:
        seg.pin("release", x.say("release"), BEAT, hold_ms - RELEASE_MS)
    else:
        x.countdown(seg, hold_ms, earliest=1000)
    breathe = x.say("breathe", cue=entry.exercise.breathe) if entry.exercise.breathe else ()
    said = bool(breathe) and breathe != x.last_hold_breath  # once in a run of holds that share it
    if said:
        x.flow(seg, "breathe", FORM, breathe, earliest_ms=1000)
    x.last_hold_breath = breathe
    if x.verbosity == "coach" or (is_stretch(entry) and not said):  # a stretch: its form cue instead
        cue = x.form_cue(spot, member)
        if cue[:1] != breathe[:1]:  # said a moment ago
            x.flow(seg, "form", FORM, cue, earliest_ms=1000)
