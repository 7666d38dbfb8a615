"""Change-overs, the rests between exercises: where "Halfway through the workout" is said, and
what the session had said before each one (:class:`Checkpoint`), so that advice can build
that one rest again at a trial length (:meth:`.expand.Expander.trial_changeover`) instead of
expanding the whole session again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiocoach.timeline import ANNOUNCE

#: Sessions with at least this many exercises hear "Halfway through the workout".
HALFWAY_MIN_ITEMS = 4

if TYPE_CHECKING:
    from audiocoach.compile.fit import Segment


@dataclass(frozen=True)
class Checkpoint:
    """What the session has said before a change-over (form cues in turn, rests, setups), and its number."""

    form_turn: Counter[tuple[int, int]]
    rests: int
    introduced: frozenset[str]
    changeover: int


def halfway_at(
    segments: list[Segment], changeovers: list[tuple[int, Segment, int]], items: int, announcing: bool
) -> int | None:
    """Which change-over says "Halfway through the workout": the one nearest the middle of the session's time."""
    if items < HALFWAY_MIN_ITEMS or not changeovers or not announcing:
        return None
    starts, t = [], 0
    for seg in segments:
        starts.append(t)
        t += seg.length_ms or 0
    return min(range(len(changeovers)), key=lambda i: abs(starts[changeovers[i][0]] - t / 2))


def say_halfway(seg: Segment, barrier: int, wordings: tuple[str, ...]) -> None:
    """Add "Halfway through the workout" to ``seg``, right after its "rest" line."""
    seg.flow("halfway_workout", wordings, ANNOUNCE, latest_end_ms=barrier)
    seg.cues.insert(1 + [c.role for c in seg.cues].index("rest"), seg.cues.pop())
