"""Routine -> Timeline, as a tuple of small pure passes.

``expand`` turns the routine into segments (windows with the cues they should hold),
``fit`` places the cues with their real clip lengths (see :mod:`audiocoach.fit`),
``layout`` gives every placed sound its absolute time, and ``chapters`` marks where each
exercise starts. ``compile_routine`` runs them and settles the intro's "about N minutes".

The compiler makes no sound: it asks a ``measure(kind, text)`` function how long each clip
is. The renderer passes one backed by the real speech engine; tests pass
:func:`estimate_ms`, a deterministic stand-in.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

from .fit import ANNOUNCE, BEAT, ENCOURAGE, FORM, PRIORITY_NAMES, Decision, Measure, Placed, Segment, fit_segment
from .model import Entry, Routine
from .phrases import Phrasebook, default_phrasebook, number_words, spoken_duration, spoken_tempo
from .timeline import Change, Event, Timeline
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


def estimate_ms(kind: str, text: str) -> int:
    """A deterministic clip length: tones as specified, speech at ~15 characters a second."""
    if kind == "tone":
        return TONES[text].length_ms
    return 120 + 62 * len(text)


# --------------------------------------------------------------------------- expand


@dataclass(frozen=True)
class _Spot:
    """One entry in the flattened session."""

    index: int
    block_index: int
    block_name: str
    entry: Entry
    new_block: bool


class _Expander:
    def __init__(self, routine: Routine, book: Phrasebook, minutes: int):
        self.routine = routine
        self.book = book
        self.minutes = minutes
        self.settings = routine.settings
        self.verbosity = routine.settings.verbosity
        self._form_turn: Counter[int] = Counter()

    # ---- wording helpers

    def say(self, key: str, **values: object) -> tuple[str, ...]:
        return self.book.variants(key, **values)

    def _dose_values(self, entry: Entry) -> dict[str, str]:
        if entry.reps is not None:
            reps = number_words(entry.reps.low)
            if entry.reps.high != entry.reps.low:
                reps += f" to {number_words(entry.reps.high)}"
        else:
            reps = spoken_duration(entry.hold_ms or 0)
        return {
            "name": entry.exercise.name,
            "short_name": entry.exercise.short_name,
            "sets": number_words(entry.sets),
            "reps": reps,
            "side": " per side" if entry.per_side else "",
        }

    def _next_form_cue(self, spot: _Spot) -> str | None:
        cues = spot.entry.exercise.cues
        if not cues:
            return None
        turn = self._form_turn[spot.index]
        self._form_turn[spot.index] += 1
        return cues[turn % len(cues)]

    def _keep(self, priority: int) -> bool:
        if self.verbosity == "minimal":
            return priority == BEAT
        if self.verbosity == "standard":
            return priority <= FORM
        return True

    def flow(self, seg: Segment, key: str, priority: int, **kw) -> None:
        if self._keep(priority):
            seg.flow(key, kw.pop("variants"), priority, **kw)

    # ---- the session

    def spots(self) -> list[_Spot]:
        out: list[_Spot] = []
        for bi, block in enumerate(self.routine.blocks):
            for ei, entry in enumerate(block.entries):
                out.append(_Spot(len(out), bi, block.name, entry, new_block=ei == 0))
        return out

    def run(self) -> list[Segment]:
        spots = self.spots()
        segments = [self.intro(spots[0])]
        for spot in spots:
            segments.extend(self.exercise(spot))
            nxt = spots[spot.index + 1] if spot.index + 1 < len(spots) else None
            if nxt is not None:
                segments.append(self.rest_after(spot, nxt))
        segments.append(self.outro(spots[-1]))
        return segments

    def intro(self, first: _Spot) -> Segment:
        seg = Segment("intro", None, context={"exercise": 0, "block": 0}, where=self.routine.source)
        title = self.routine.title
        self.flow(seg, "intro", ANNOUNCE, variants=self.say("intro", title=title, minutes=number_words(self.minutes)))
        self.announce(seg, first, intro=True)
        return seg

    def announce(self, seg: Segment, spot: _Spot, *, intro: bool = False, earliest_ms: int = 0, latest_end_ms: int | None = None) -> None:
        entry = spot.entry
        window = {"earliest_ms": earliest_ms, "latest_end_ms": latest_end_ms}
        if spot.new_block and len(self.routine.blocks) > 1:
            key = "block" if intro else "next_block"
            self.flow(seg, key, ANNOUNCE, variants=self.say(key, block=spot.block_name), **window)
        values = self._dose_values(entry)
        if intro:
            self.flow(seg, "announce", ANNOUNCE, variants=self.say("announce", tempo=spoken_tempo(entry.tempo.text), **values), **window)
        else:
            self.flow(seg, "next_up", ANNOUNCE, variants=self.say("next_up", **values), **window)
        if entry.alternatives:
            names = " or ".join(a.name for a in entry.alternatives)
            self.flow(seg, "alternatives", FORM, variants=self.say("alternatives", names=names), **window)
        cue = self._next_form_cue(spot)
        if cue:
            self.flow(seg, "form", FORM, variants=self.say("form", cue=cue), **window)
        if entry.note:
            self.flow(seg, "note", FORM, variants=self.say("note", note=entry.note), **window)

    def exercise(self, spot: _Spot) -> Iterator[Segment]:
        entry = spot.entry
        sides = 2 if entry.per_side else 1
        for set_no in range(1, entry.sets + 1):
            for side in range(1, sides + 1):
                yield self.work(spot, set_no, side)
                if side < sides:
                    yield self.switch(spot, set_no)
            if set_no < entry.sets:
                yield self.rest_between(spot, set_no + 1)

    def _ctx(self, spot: _Spot, **more) -> dict:
        return {"exercise": spot.index, "block": spot.block_index, **more}

    def work(self, spot: _Spot, set_no: int, side: int) -> Segment:
        entry = spot.entry
        s = self.settings
        lead = s.lead_in_ms
        if entry.reps is not None:
            n = entry.reps.counted(s.rep_range)
            length = lead + n * entry.tempo.rep_ms
        else:
            n = 0
            length = lead + (entry.hold_ms or 0)
        side_ctx = side if entry.per_side else None
        seg = Segment("work", length, context=self._ctx(spot, set=set_no, side=side_ctx), where=_where(entry))
        seg.pin("go", ("go",), BEAT, 0, kind="tone")
        window = {"earliest_ms": 0, "latest_end_ms": lead}
        sets = number_words(entry.sets)
        if side == 2:
            self.flow(seg, "other_side", ANNOUNCE, variants=self.say("other_side"), **window)
        elif set_no == 1:
            self.flow(seg, "get_ready", ANNOUNCE, variants=self.say("get_ready", set=number_words(1), sets=sets), **window)
        elif set_no == entry.sets:
            self.flow(seg, "last_set", ANNOUNCE, variants=self.say("last_set"), **window)
            self.flow(seg, "encourage_last", ENCOURAGE, variants=self.say("encourage_last"), **window)
        else:
            self.flow(seg, "set", ANNOUNCE, variants=self.say("set", set=number_words(set_no), sets=sets), **window)
        if entry.reps is not None:
            self.reps(seg, spot, lead, n)
        else:
            self.hold(seg, spot, lead, entry.hold_ms or 0)
        return seg

    def reps(self, seg: Segment, spot: _Spot, lead: int, n: int) -> None:
        entry = spot.entry
        phases = entry.tempo.phases(entry.exercise.start)
        metronome = self.settings.count == "metronome"
        extra_from = entry.reps.low + 1 if (entry.reps and entry.reps.high > entry.reps.low and self.settings.rep_range == "range") else None
        slot = _more_slot(phases)
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
                    seg.pin("rep_start", self.say("rep_start", rep=number_words(rep), phase=word), BEAT, offset, rep=rep)
                elif not (more_now and not slot[1]):
                    seg.pin(PHASE_WORD_KEYS[phase], (word,), BEAT, offset, rep=rep)
                if more_now:
                    # The extra-reps line takes the place of this phase's counts (and its
                    # word, when no phase leaves room with the word kept).
                    at = offset + (1000 if slot[1] else 0)
                    seg.pin("more_reps", self.say("more_reps"), ANNOUNCE, at, rep=rep)
                    offset += ms
                    continue
                for k in range(1, math.ceil(ms / 1000)):
                    if metronome:
                        seg.pin("tick", ("tick",), BEAT, offset + k * 1000, kind="tone", rep=rep)
                    else:
                        seg.pin("count", self.say("count", n=number_words(k + 1)), BEAT, offset + k * 1000, rep=rep)
                offset += ms
            if more_here and slot is None:
                self.flow(seg, "more_reps", ANNOUNCE, variants=self.say("more_reps"), earliest_ms=t0, latest_end_ms=t0 + entry.tempo.rep_ms, rep=rep)

    def hold(self, seg: Segment, spot: _Spot, lead: int, hold_ms: int) -> None:
        end = lead + hold_ms
        seg.pin("hold_start", self.say("hold_start"), BEAT, lead)
        if hold_ms >= LONG_HOLD_MS:
            seg.pin("halfway", self.say("halfway"), BEAT, lead + (hold_ms // 2000) * 1000)
            seg.pin("ten_seconds", self.say("ten_seconds"), BEAT, end - 10_000)
        self.countdown(seg, end, earliest=lead + 1000)
        cue = self._next_form_cue(spot) if self.verbosity == "coach" else None
        if cue:
            self.flow(seg, "form", FORM, variants=self.say("form", cue=cue), earliest_ms=lead + 1000)

    def countdown(self, seg: Segment, end: int, earliest: int) -> None:
        for n in (3, 2, 1):
            at = end - n * 1000
            if at >= earliest:
                seg.pin("countdown", self.say("countdown", n=number_words(n)), BEAT, at)

    def switch(self, spot: _Spot, set_no: int) -> Segment:
        seg = Segment("switch", self.settings.switch_ms, context=self._ctx(spot, set=set_no), where=_where(spot.entry))
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        self.flow(seg, "switch", ANNOUNCE, variants=self.say("switch"))
        return seg

    def _rest_frame(self, spot: _Spot, rest_ms: int, **ctx) -> tuple[Segment, int]:
        seg = Segment("rest", rest_ms, context=self._ctx(spot, **ctx), where=_where(spot.entry))
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        barrier = rest_ms
        if rest_ms >= LONG_REST_MS:
            barrier = rest_ms - 10_000
            seg.pin("ten_seconds", self.say("ten_seconds"), BEAT, barrier)
        self.countdown(seg, rest_ms, earliest=1000)
        barrier = min(barrier, max(rest_ms - 3000, 1000)) if rest_ms < LONG_REST_MS else barrier
        self.flow(seg, "rest", ANNOUNCE, variants=self.say("rest", duration=spoken_duration(rest_ms)), latest_end_ms=barrier)
        return seg, barrier

    def rest_between(self, spot: _Spot, next_set: int) -> Segment:
        entry = spot.entry
        rest_ms = entry.rest.pick(self.settings.rest_policy)
        seg, barrier = self._rest_frame(spot, rest_ms, set=next_set - 1)
        if next_set == entry.sets:
            self.flow(seg, "next_last_set", ANNOUNCE, variants=self.say("next_last_set"), latest_end_ms=barrier)
        else:
            self.flow(seg, "next_set", ANNOUNCE, variants=self.say("next_set", set=number_words(next_set), sets=number_words(entry.sets)), latest_end_ms=barrier)
        if self.verbosity == "coach":
            cue = self._next_form_cue(spot)
            if cue:
                self.flow(seg, "form", FORM, variants=self.say("form", cue=cue), latest_end_ms=barrier)
            self.flow(seg, "encourage", ENCOURAGE, variants=self.say("encourage"), latest_end_ms=barrier)
        return seg

    def rest_after(self, spot: _Spot, nxt: _Spot) -> Segment:
        rest_ms = spot.entry.rest_after.pick(self.settings.rest_policy)
        seg, barrier = self._rest_frame(nxt, rest_ms)
        seg.where = _where(nxt.entry)
        self.announce(seg, nxt, latest_end_ms=barrier)
        return seg

    def outro(self, last: _Spot) -> Segment:
        seg = Segment("outro", None, context=self._ctx(last), where=self.routine.source)
        seg.pin("stop", ("stop",), BEAT, 0, kind="tone")
        self.flow(seg, "done", ANNOUNCE, variants=self.say("done"), earliest_ms=TONES["stop"].length_ms + 300)
        seg.flow("end", ("end",), BEAT, kind="tone")
        return seg


def _more_slot(phases: tuple[tuple[str, int], ...]) -> tuple[int, bool] | None:
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


def _where(entry: Entry) -> str:
    return str(entry.location) if entry.location else ""


def expand(routine: Routine, book: Phrasebook, minutes: int) -> list[Segment]:
    """Pass 1: the session as segments holding the cues they should contain."""
    return _Expander(routine, book, minutes).run()


# --------------------------------------------------------------------------- fit, layout


@dataclass(frozen=True)
class _Fitted:
    segment: Segment
    placed: tuple[Placed, ...]
    length_ms: int
    decisions: tuple[Decision, ...]


def fit(segments: list[Segment], measure: Measure) -> list[_Fitted]:
    """Pass 2: place each segment's cues given real clip lengths."""
    out = []
    for seg in segments:
        placed, length, decisions = fit_segment(seg, measure)
        out.append(_Fitted(seg, tuple(placed), length, tuple(decisions)))
    return out


def layout(fitted: list[_Fitted]) -> tuple[list[Event], int]:
    """Pass 3: absolute times. Returns events and the session's length."""
    events: list[Event] = []
    t = 0
    for f in fitted:
        ctx = f.segment.context
        base = {k: ctx.get(k) for k in ("block", "exercise", "set", "side")}
        events.append(Event(t, t + f.length_ms, "segment", f.segment.role, role=f.segment.role, **base))
        for p in f.placed:
            events.append(
                Event(
                    t + p.start_ms,
                    t + p.end_ms,
                    p.cue.kind,
                    p.text,
                    role=p.cue.role,
                    priority=p.cue.priority,
                    rep=p.cue.context.get("rep"),
                    **base,
                )
            )
        t += f.length_ms
    return events, t


def chapters(routine: Routine, events: list[Event], duration_ms: int) -> list[Event]:
    """Pass 4: one chapter for the intro and one per exercise.

    An exercise's chapter starts where the listener first hears about it: the rest that
    announces it (or, for the first one, its first set), so skipping to a chapter lands on
    "next up: ...".
    """
    entries = routine.entries
    blocks = [bi for bi, b in enumerate(routine.blocks) for _ in b.entries]
    segs = [e for e in events if e.kind == "segment"]
    starts: dict[int, int] = {}
    for s in segs:
        if s.exercise is None or s.exercise in starts:
            continue
        if s.role == "rest" and s.set is None:  # the rest that announces this exercise
            starts[s.exercise] = s.start_ms
        elif s.role == "work":
            starts[s.exercise] = s.start_ms
    out = [Event(0, starts.get(0, duration_ms), "chapter", "Intro", role="intro")]
    order = sorted(starts)
    for i, ex in enumerate(order):
        end = starts[order[i + 1]] if i + 1 < len(order) else duration_ms
        entry = entries[ex]
        title = f"{entry.display_name} - {entry.dose}"
        out.append(Event(starts[ex], end, "chapter", title, role="exercise", block=blocks[ex], exercise=ex))
    return out


def _changes(fitted: list[_Fitted]) -> tuple[Change, ...]:
    counts: Counter[tuple] = Counter()
    first: dict[tuple, Change] = {}
    for f in fitted:
        for d in f.decisions:
            key = (d.action, d.cue.role, f.segment.where)
            counts[key] += 1
            if key not in first:
                reason = f"{d.reason} ({PRIORITY_NAMES[d.cue.priority]}, in a {f.segment.role} of {f.length_ms / 1000:g} s)"
                first[key] = Change(d.action, d.cue.role, d.cue.variants[0], d.replacement, f.segment.where, reason)
    return tuple(
        Change(c.action, c.role, c.text, c.replacement, c.where, c.reason, counts[k]) for k, c in first.items()
    )


PASSES: tuple[Callable, ...] = (expand, fit, layout, chapters)


def compile_routine(
    routine: Routine,
    measure: Measure = estimate_ms,
    *,
    phrasebook: Phrasebook | None = None,
    meta: dict | None = None,
) -> Timeline:
    """Turn a routine into a timeline.

    Args:
        routine: a validated routine.
        measure: ``measure(kind, text) -> ms``, the length of each clip as it will be
            played. The renderer passes the speech engine's; the default is
            :func:`estimate_ms`.
        phrasebook: wording (the shipped one with the routine's overrides by default).
        meta: extra facts recorded in the timeline (voice, overrides, ...).

    Returns:
        The :class:`Timeline`: events in time order, its exact length, and the changes
        the scheduler made to fit cues.
    """
    book = phrasebook or default_phrasebook().with_overrides(dict(routine.phrases))
    minutes = 0
    for _ in range(4):  # the intro says the length, which depends on the intro
        fitted = fit(expand(routine, book, minutes), measure)
        events, duration = layout(fitted)
        spoken = max(1, round(duration / 60_000))
        if spoken == minutes:
            break
        minutes = spoken
    events = sorted(events + chapters(routine, events, duration), key=_event_order)
    return Timeline(
        title=routine.title,
        duration_ms=duration,
        events=tuple(events),
        changes=_changes(fitted),
        meta=dict(meta or {}),
    )


_KIND_ORDER = {"chapter": 0, "segment": 1, "tone": 2, "speech": 2}


def _event_order(e: Event) -> tuple:
    return (e.start_ms, _KIND_ORDER[e.kind], e.end_ms)
