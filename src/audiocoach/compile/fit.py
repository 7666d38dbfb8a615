"""The scheduler: places a segment's cues inside it, given each clip's real length.

A segment is a window of the session. A *fixed* segment's length comes from the routine
(work, rest, switch) and never changes; an *elastic* one (intro, outro) is as long as its
speech needs. A cue is either *pinned* (it must start at an exact offset: beats, counts,
countdowns, tones) or *flowing* (it starts as early as it can after ``earliest_ms`` and must
end by ``latest_end_ms``). When a cue does not fit, the scheduler tries its shorter
wordings, then drops lower-priority flowing cues, then the cue itself, and records every
such decision as a :class:`~audiocoach.timeline.Change`. It never moves a pinned cue and
never lengthens a fixed segment, so the session cannot drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

# Cue priorities (lower number = more important) belong to the timeline contract; re-exported here.

#: Silence kept between any two sounds, so cues never touch or overlap.
GAP_MS = 100
#: Pause between consecutive flowing sentences.
FLOW_GAP_MS = 300
#: Silence between a rep's number and the word that trails it: a pause the ear can use
#: (at least 150 ms), so "six" . "step" is never heard as "sixth step".
TRAIL_GAP_MS = 200
#: Silence at the end of an elastic segment before the next one starts.
TAIL_MS = 500

Measure = Callable[[str, str], int]
"""``measure(kind, text) -> length in ms``; kind is ``speech`` or ``tone``."""


@dataclass
class Cue:
    role: str
    variants: tuple[str, ...]
    priority: int
    kind: str = "speech"
    at_ms: int | None = None
    earliest_ms: int = 0
    latest_end_ms: int | None = None
    context: dict = field(default_factory=dict)
    #: A pinned cue that gives way: it may only sound where it ends before the next pinned
    #: cue, and the next cue that does not give way (a rep number) is placed as if it were
    #: not there. Phase words and second ticks give way to rep numbers.
    yields: bool = False
    #: A pinned cue that follows the cue pinned at its mark, as a clip of its own (a rep's
    #: first phase word after its number: "seven" . "lower", never fused into one word). It
    #: sounds TRAIL_GAP_MS after the longest such leading cue of the segment ends, so it falls at the
    #: same point of every rep; second ticks give way to it. It implies ``yields``.
    trails: bool = False
    #: Cues of a segment with the same key sound in all their places or in none (a phase word
    #: or tick at the same point of every rep): a rep's words and ticks match every other's.
    alike: object = None

    @property
    def pinned(self) -> bool:
        return self.at_ms is not None

    @property
    def pin_ms(self) -> int:
        """Where a pinned cue sounds (asked of pinned cues only)."""
        if self.at_ms is None:
            raise ValueError("a flowing cue has no pinned time")
        return self.at_ms


@dataclass
class Placed:
    cue: Cue
    text: str
    start_ms: int
    length_ms: int

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.length_ms


@dataclass
class Decision:
    action: str  # "shortened" | "dropped"
    cue: Cue
    replacement: str | None
    reason: str


@dataclass
class Segment:
    role: str
    length_ms: int | None
    cues: list[Cue] = field(default_factory=list)
    context: dict = field(default_factory=dict)
    where: str = ""
    #: The next set's lead-in at this window's end (its name, brace and 3-2-1; see
    #: :mod:`audiocoach.compile.approach`): the window is the rest (or switch) plus this.
    lead_ms: int = 0
    #: A work window: what the window before it says for it (an :class:`~.approach.Approach`).
    approach: object = None

    def pin(
        self,
        role: str,
        variants: tuple[str, ...],
        priority: int,
        at_ms: int,
        kind: str = "speech",
        *,
        yields: bool = False,
        trails: bool = False,
        alike: object = None,
        **ctx,
    ) -> None:
        self.cues.append(
            Cue(
                role,
                variants,
                priority,
                kind,
                at_ms=at_ms,
                context=ctx,
                yields=yields or trails,
                trails=trails,
                alike=alike,
            )
        )

    def flow(
        self,
        role: str,
        variants: tuple[str, ...],
        priority: int,
        *,
        earliest_ms: int = 0,
        latest_end_ms: int | None = None,
        kind: str = "speech",
        **ctx,
    ) -> None:
        if variants:
            self.cues.append(
                Cue(role, variants, priority, kind, earliest_ms=earliest_ms, latest_end_ms=latest_end_ms, context=ctx)
            )


def fit_segment(
    seg: Segment, measure: Measure, onset: Measure | None = None
) -> tuple[list[Placed], int, list[Decision]]:
    """Place ``seg``'s cues. Returns the placed cues, the segment's length and the decisions.

    ``onset(kind, text)``: ms from a clip's first sample to its audible attack. A pinned
    spoken cue starts that much before its mark, so what is heard lands on the beat.
    """
    decisions: list[Decision] = []
    pinned = _place_pinned(seg, measure, onset or _no_onset, decisions)
    flowing = [c for c in seg.cues if not c.pinned]
    if seg.length_ms is None:
        placed = _place_elastic(flowing, pinned, measure)
        end = max((p.end_ms for p in placed), default=0)
        return sorted(placed, key=lambda p: p.start_ms), end + TAIL_MS, decisions
    placed = pinned + _place_flowing(flowing, pinned, seg.length_ms, measure, decisions)
    return sorted(placed, key=lambda p: p.start_ms), seg.length_ms, decisions


def _no_onset(kind: str, text: str) -> int:
    return 0


def _trail_marks(cues: list[Cue], measure: Measure, onset: Measure) -> list[Cue]:
    """``cues`` with each trailing cue moved to its mark: TRAIL_GAP_MS after the longest leading
    cue of the segment ends (its attack on that point), so it sits alike in every rep."""
    leads = {c.pin_ms: c for c in cues if not c.trails and not c.yields and c.kind == "speech"}
    spans = [
        measure(a.kind, a.variants[0]) - onset(a.kind, a.variants[0])
        for a in (leads.get(c.pin_ms) for c in cues if c.trails)
        if a is not None
    ]
    after = max(spans, default=0) + TRAIL_GAP_MS
    return [replace(c, at_ms=c.pin_ms + after + onset(c.kind, c.variants[0])) if c.trails else c for c in cues]


def _place_pinned(seg: Segment, measure: Measure, onset: Measure, decisions: list[Decision]) -> list[Placed]:
    marked = _trail_marks([c for c in seg.cues if c.pinned], measure, onset)
    cues = sorted(marked, key=lambda c: (c.pin_ms, c.priority))
    placed: list[Placed] = []
    for i, cue in enumerate(cues):
        later = cues[i + 1 :] if cue.yields else [c for c in cues[i + 1 :] if not c.yields]
        if cue.trails:  # second ticks give way to it
            later = [c for c in later if not (c.yields and c.kind == "tone")]
        nxt = later[0] if later else None
        # The next cue starts early by its own attack, so this one must end before that.
        limit = nxt.pin_ms - onset(nxt.kind, nxt.variants[0]) if nxt else seg.length_ms
        floor = placed[-1].end_ms + GAP_MS if placed else 0
        if floor > cue.pin_ms:
            decisions.append(Decision("dropped", cue, None, f"the previous cue is still sounding at {cue.pin_ms} ms"))
            continue
        choice = _first_fitting(cue, floor, limit, measure, onset)
        if choice is None:
            need = measure(cue.kind, cue.variants[-1])
            room = None if limit is None else limit - GAP_MS - cue.pin_ms
            decisions.append(
                Decision("dropped", cue, None, f"needs {need} ms, {max(room or 0, 0)} ms free before the next beat")
            )
            continue
        text, start, length = choice
        if text != cue.variants[0]:
            room = None if limit is None else limit - GAP_MS - start
            decisions.append(
                Decision("shortened", cue, text, f"{measure(cue.kind, cue.variants[0])} ms do not fit in {room} ms")
            )
        placed.append(Placed(cue, text, start, length))
    return _alike(cues, placed, decisions)


def _alike(cues: list[Cue], placed: list[Placed], decisions: list[Decision]) -> list[Placed]:
    """``placed`` without the cues whose ``alike`` key lost a place: what one rep has no room
    for, no rep of the set says, so every rep sounds the same."""
    wanted = Counter(c.alike for c in cues if c.alike is not None)
    kept = Counter(p.cue.alike for p in placed if p.cue.alike is not None)
    lost = {k for k, n in wanted.items() if kept[k] < n}
    for p in placed:
        if p.cue.alike in lost:
            decisions.append(Decision("dropped", p.cue, None, "another rep of the set has no room for it"))
    return [p for p in placed if p.cue.alike is None or p.cue.alike not in lost]


def _first_fitting(
    cue: Cue, floor: int, limit: int | None, measure: Measure, onset: Measure
) -> tuple[str, int, int] | None:
    """The first wording that fits: (text, start, length); it starts early by its attack."""
    for text in cue.variants:
        length = measure(cue.kind, text)
        start = max(cue.pin_ms - onset(cue.kind, text), floor, 0)
        if limit is None or start + length <= limit - GAP_MS:
            return text, start, length
    return None


def _free_start(start: int, length: int, busy: list[Placed], end_limit: int) -> int | None:
    """Earliest t >= start with [t, t+length) clear of ``busy`` (with gaps), ending by end_limit."""
    t = start
    for p in sorted(busy, key=lambda p: p.start_ms):
        if t + length + GAP_MS <= p.start_ms:
            break
        if p.end_ms + GAP_MS > t:
            t = p.end_ms + GAP_MS
    return t if t + length <= end_limit else None


def _place_flowing(
    cues: list[Cue], pinned: list[Placed], length_ms: int, measure: Measure, decisions: list[Decision]
) -> list[Placed]:
    """Greedy in order; on a miss shorten, then drop less important cues, then the cue."""
    level = {id(c): 0 for c in cues}  # index of the wording in use
    active = list(cues)
    while True:
        placed, failed = _try_flowing(active, level, pinned, length_ms, measure)
        if failed is None:
            break
        if level[id(failed)] + 1 < len(failed.variants):
            level[id(failed)] += 1
            continue
        lesser = [c for c in active if c.priority > failed.priority]
        victim = max(lesser, key=lambda c: (c.priority, active.index(c))) if lesser else failed
        active.remove(victim)
        reason = (
            f"made room for a more important cue ({failed.variants[0]!r})"
            if victim is not failed
            else f"needs {measure(victim.kind, victim.variants[-1])} ms; no free slot before {victim.latest_end_ms or length_ms} ms"
        )
        decisions.append(Decision("dropped", victim, None, reason))
    for cue in active:
        if level[id(cue)]:
            text = cue.variants[level[id(cue)]]
            decisions.append(
                Decision(
                    "shortened", cue, text, f"the full wording ({measure(cue.kind, cue.variants[0])} ms) does not fit"
                )
            )
    return placed


def _try_flowing(
    cues: list[Cue], level: dict[int, int], pinned: list[Placed], length_ms: int, measure: Measure
) -> tuple[list[Placed], Cue | None]:
    busy = list(pinned)
    out: list[Placed] = []
    cursor = 0
    for cue in cues:
        text = cue.variants[level[id(cue)]]
        length = measure(cue.kind, text)
        limit = min(length_ms - GAP_MS, cue.latest_end_ms if cue.latest_end_ms is not None else length_ms)
        start = _free_start(max(cue.earliest_ms, cursor), length, busy, limit)
        if start is None:
            return out, cue
        p = Placed(cue, text, start, length)
        out.append(p)
        busy.append(p)
        cursor = p.end_ms + FLOW_GAP_MS
    return out, None


def _place_elastic(cues: list[Cue], pinned: list[Placed], measure: Measure) -> list[Placed]:
    busy = list(pinned)
    out = list(pinned)
    cursor = 0
    for cue in cues:
        text = cue.variants[0]
        length = measure(cue.kind, text)
        start = _free_start(max(cue.earliest_ms, cursor), length, busy, 10**12)
        assert start is not None
        p = Placed(cue, text, start, length)
        out.append(p)
        busy.append(p)
        cursor = p.end_ms + FLOW_GAP_MS
    return out
