"""Routine -> Timeline, as a tuple of small pure passes.

``expand`` turns the routine into segments (windows with the cues they should hold),
``fit`` places the cues with their real clip lengths (see :mod:`audiocoach.compile.fit`),
``layout`` gives every placed sound its absolute time, and ``chapters`` marks where each
exercise starts. ``compile_routine`` runs them and settles the intro's "about N minutes".

The compiler makes no sound: it asks a ``measure(kind, text)`` function how long each clip
is (the renderer's real speech engine; in tests :func:`estimate_ms`, a deterministic stand-in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypedDict

from audiocoach.compile.advice import advise, advise_changeover, changeover_warnings, is_changeover
from audiocoach.compile.expand import Expander
from audiocoach.compile.fit import FLOW_GAP_MS, Decision, Measure, Placed, Segment, fit_segment
from audiocoach.compile.structures import STRUCTURES
from audiocoach.model import Group, Routine
from audiocoach.timeline import PRIORITY_NAMES, Change, Event, Timeline
from audiocoach.words.language import ENGLISH, Language, get_language
from audiocoach.words.phrases import Phrasebook, default_phrasebook
from audiocoach.words.wording import chapter_title


def estimate_ms(kind: str, text: str) -> int:
    """A deterministic clip length: tones as specified, English speech at ~15 characters a second."""
    return get_language(ENGLISH).estimate_ms(kind, text)


def estimate_in(language: Language) -> Measure:
    """:func:`estimate_ms` for speech in ``language`` (its own rate of characters a second)."""
    return estimate_ms if language.code == ENGLISH else language.estimate_ms


def expand(routine: Routine, book: Phrasebook, minutes: int) -> list[Segment]:
    """Pass 1: the session as segments holding the cues they should contain."""
    return Expander(routine, book, minutes, STRUCTURES).run()


# --------------------------------------------------------------------------- fit, layout


@dataclass(frozen=True)
class _Fitted:
    segment: Segment
    placed: tuple[Placed, ...]
    length_ms: int
    decisions: tuple[Decision, ...]


def fit(segments: list[Segment], measure: Measure, onset: Measure | None = None) -> list[_Fitted]:
    """Pass 2: place each segment's cues given real clip lengths (and attacks, see :mod:`.onset`)."""
    out = []
    for seg in segments:
        placed, length, decisions = fit_segment(seg, measure, onset)
        out.append(_Fitted(seg, tuple(placed), length, tuple(decisions)))
    return out


class _Place(TypedDict):
    """Where a segment sits in the routine: the timeline event's place fields."""

    block: int | None
    exercise: int | None
    set: int | None
    side: int | None
    member: int | None


def _place(ctx: dict[str, int]) -> _Place:
    return _Place(
        block=ctx.get("block"),
        exercise=ctx.get("exercise"),
        set=ctx.get("set"),
        side=ctx.get("side"),
        member=ctx.get("member"),
    )


def layout(fitted: list[_Fitted]) -> tuple[list[Event], int]:
    """Pass 3: absolute times. Returns events and the session's length."""
    events: list[Event] = []
    t = 0
    for f in fitted:
        place = _place(f.segment.context)
        events.append(Event(t, t + f.length_ms, "segment", f.segment.role, role=f.segment.role, **place))
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
                    **place,
                )
            )
        t += f.length_ms
    return events, t


def chapters(routine: Routine, events: list[Event], duration_ms: int, lang: Language | None = None) -> list[Event]:
    """Pass 5: one chapter for the intro and one per exercise (or group).

    An exercise's chapter starts where the listener first hears about it: the rest that
    announces it (or, for the first one, its first set), so skipping to a chapter lands on
    "next up: ...".
    """
    items = routine.items
    blocks = [bi for bi, b in enumerate(routine.blocks) for _ in b.entries]
    segs = [e for e in events if e.kind == "segment"]
    starts: dict[int, int] = {}
    for s in segs:
        if s.exercise is None or s.exercise in starts:
            continue
        if (
            s.role == "rest" and s.set is None and s.member is None or s.role in ("work", "setup")
        ):  # the rest announcing it
            starts[s.exercise] = s.start_ms
    lang = lang or get_language(ENGLISH)
    out = [Event(0, starts.get(0, duration_ms), "chapter", lang.label("intro"), role="intro")]
    order = sorted(starts)
    for i, ex in enumerate(order):
        end = starts[order[i + 1]] if i + 1 < len(order) else duration_ms
        item = items[ex]
        title = chapter_title(item, lang)
        out.append(Event(starts[ex], end, "chapter", title, role="exercise", block=blocks[ex], exercise=ex))
    return out


#: Segments named after the exercise they belong to (the intro and the outro are not).
_NAMED_ROLES = ("work", "rest", "switch", "setup")


def segment_label(routine: Routine, seg: Event) -> str | None:
    """What a lifter would call a segment: "Hip thrust, set 2", "Circuit, Bird dog, round 1, side 1"."""
    if seg.exercise is None or seg.role not in _NAMED_ROLES:
        return None
    item = routine.items[seg.exercise]
    if isinstance(item, Group):
        m = seg.member
        parts = [
            f"{item.label}, {item.members[m].exercise.name}" if m is not None and m < len(item.members) else item.label
        ]
        unit = "round"
    else:
        parts, unit = [item.display_name], "set"
    if seg.set is not None:
        parts.append(f"{unit} {seg.set}")
    if seg.side is not None:
        parts.append(f"side {seg.side}")
    return ", ".join(parts)


def labels(routine: Routine, events: list[Event]) -> list[Event]:
    """Pass 4: every segment event carries its :func:`segment_label`."""
    return [replace(e, label=segment_label(routine, e)) if e.kind == "segment" else e for e in events]


#: Cues that give way to a rep's call by design, not cues that failed to fit: phase words,
#: ticks, and "Two more."/"Last rep.", said only in a rep's free time (docs/listening.md).
_COUNTING_ROLES = ("phase", "tick", "two_more", "last_rep")


def _changeover_fits(c: Compilation, seg: Segment) -> Callable[[int], bool]:
    """``fits(rest_ms)``: the rest before ``seg``'s exercise, built at that length by the expander
    (as the session would build it: setup steps the first time, the form cue in turn) and fitted
    as the session fits it, says everything (the advice asks this, it never guesses)."""
    nxt = seg.context["exercise"]
    assert c.expander is not None, "advice needs the expand pass"
    expander = c.expander

    def fits(rest_ms: int) -> bool:
        trial = expander.trial_changeover(nxt - 1, rest_ms)
        decisions = fit_segment(trial, c.measure, c.onset)[2]
        return not [d for d in decisions if d.cue.role not in _COUNTING_ROLES and not d.cue.context.get("approach")]

    return fits


def _changes(c: Compilation) -> tuple[Change, ...]:
    """The scheduler's decisions, one per (action, cue, place), each with advice in a lifter's words.

    A tick or phase word giving way to a rep number, or a quick rep with no free time for
    "Two more.", is the counting scheme at work (not reported).
    """
    counts: Counter[tuple[object, ...]] = Counter()
    first: dict[tuple[object, ...], Change] = {}
    for f in c.fitted:
        decisions = [d for d in f.decisions if d.cue.role not in _COUNTING_ROLES]
        length = f.length_ms - f.segment.lead_ms  # a rest as the routine gives it, without the lead-in
        announcing = [d for d in decisions if not d.cue.context.get("approach")]
        if announcing and is_changeover(f.segment):  # one warning per too-short rest between exercises
            d = announcing[0]
            said, fix = advise_changeover(c.routine, f.segment, length, decisions, _changeover_fits(c, f.segment))
            decisions = []
            key: tuple[object, ...] = (id(f),)
            counts[key] = 1
            first[key] = Change(
                d.action,
                "changeover",
                d.cue.variants[0],
                d.replacement,
                f.segment.where,
                d.reason,
                advice=said,
                fix=fix,
            )
        left_out = sum(c.measure(d.cue.kind, d.cue.variants[0]) + FLOW_GAP_MS for d in decisions)
        for d in decisions:
            key = (d.action, d.cue.role, f.segment.where, f.segment.role)
            counts[key] += 1
            if key not in first:
                reason = f"{d.reason} ({PRIORITY_NAMES[d.cue.priority]}, in a {f.segment.role} of {length / 1000:g} s)"
                said, fix = advise(c.routine, f.segment, length, d, c.measure, left_out)
                first[key] = Change(
                    d.action,
                    d.cue.role,
                    d.cue.variants[0],
                    d.replacement,
                    f.segment.where,
                    reason,
                    advice=said,
                    fix=fix,
                )
    fitted = tuple(replace(ch, count=counts[k]) for k, ch in first.items())
    # One setting, one warning: a rest too short to announce the next exercise already asks
    # for more (at least its changeover, see advise_changeover).
    asked = {ch.fix.split("=")[0] for ch in fitted if ch.fix}
    return tuple(ch for ch in changeover_warnings(c.routine) if ch.fix.split("=")[0] not in asked) + fitted


@dataclass
class Compilation:
    """What the passes read and write: the routine, then segments, fitted, events, chapters."""

    routine: Routine
    book: Phrasebook
    measure: Measure
    minutes: int
    onset: Measure | None = None
    segments: list[Segment] = field(default_factory=list)
    fitted: list[_Fitted] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    duration_ms: int = 0
    chapters: list[Event] = field(default_factory=list)
    #: The expander that built ``segments``: advice asks it for trial rests.
    expander: Expander | None = None


def expand_pass(c: Compilation) -> None:
    c.expander = Expander(c.routine, c.book, c.minutes, STRUCTURES)
    c.segments = c.expander.run()


def fit_pass(c: Compilation) -> None:
    c.fitted = fit(c.segments, c.measure, c.onset)


def layout_pass(c: Compilation) -> None:
    c.events, c.duration_ms = layout(c.fitted)


def labels_pass(c: Compilation) -> None:
    c.events = labels(c.routine, c.events)


def chapters_pass(c: Compilation) -> None:
    c.chapters = chapters(c.routine, c.events, c.duration_ms, c.book.language)


#: The compiler's passes, in order; :func:`run_passes` runs them (or a prefix, in tests).
PASSES: tuple[Callable[[Compilation], None], ...] = (expand_pass, fit_pass, layout_pass, labels_pass, chapters_pass)


def run_passes(c: Compilation, passes: tuple[Callable[[Compilation], None], ...] = PASSES) -> Compilation:
    """Run ``passes`` in order over ``c`` and return it."""
    for p in passes:
        p(c)
    return c


def with_minutes(c: Compilation, minutes: int) -> Compilation:
    """``c`` with its intro saying ``minutes``: only the intro is fitted again, then laid out.

    The intro's first line is the one cue that depends on the session's length, so the other
    segments, their fit and the advice's expander are kept as they are.
    """
    assert c.expander is not None and c.segments and c.segments[0].role == "intro"
    intro = c.segments[0]
    line = c.expander.intro_line(minutes)
    cues = [replace(cue, variants=line) if cue.role == "intro" else cue for cue in intro.cues]
    new_intro = replace(intro, cues=cues)
    out = replace(
        c,
        minutes=minutes,
        segments=[new_intro, *c.segments[1:]],
        fitted=[*fit([new_intro], c.measure, c.onset), *c.fitted[1:]],
    )
    return run_passes(out, (layout_pass, labels_pass, chapters_pass))


def compile_routine(
    routine: Routine,
    measure: Measure = estimate_ms,
    *,
    phrasebook: Phrasebook | None = None,
    meta: dict | None = None,
    onset: Measure | None = None,
    sample_rate: int | None = None,
) -> Timeline:
    """Turn a routine into a timeline.

    Args:
        routine: a validated routine.
        measure: ``measure(kind, text) -> ms``, the length of each clip as it will be
            played. The renderer passes the speech engine's; the default is
            :func:`estimate_ms`.
        phrasebook: wording (the shipped one with the routine's overrides by default).
        meta: extra facts recorded in the timeline (voice, overrides, ...).
        onset: ``onset(kind, text) -> ms`` from a clip's first sample to its audible
            attack (:func:`audiocoach.speech.onset.clip_onsets`); beats start that much early so
            their attack lands on the grid. Default: none (the estimate's clips attack at once).
        sample_rate: the rate of the clips ``measure`` measures (the synthesizer's), recorded
            in the timeline for the mixer; None when the lengths are estimates.

    Returns:
        The :class:`Timeline`: events in time order, its exact length, and the changes
        the scheduler made to fit cues.
    """
    session = expand_session(routine, phrasebook)
    return compile_expanded(session, measure, meta=meta, onset=onset, sample_rate=sample_rate)


def expand_session(routine: Routine, phrasebook: Phrasebook | None = None) -> Compilation:
    """The expand pass alone: the session's segments and cues, before any clip length is known.

    Expanding is the costly pass and needs no clip lengths, so a build expands once and fits
    as often as it must (with estimates to find the phrases to synthesize, then with the real
    lengths): :func:`compile_expanded`.
    """
    book = phrasebook or default_phrasebook(routine.language_code).with_overrides(dict(routine.phrases))
    return run_passes(Compilation(routine, book, estimate_in(book.language), 0), (expand_pass,))


def compile_expanded(
    session: Compilation,
    measure: Measure = estimate_ms,
    *,
    meta: dict | None = None,
    onset: Measure | None = None,
    sample_rate: int | None = None,
) -> Timeline:
    """The timeline of an expanded ``session`` (:func:`expand_session`) with clips as ``measure``
    says: fit, layout and chapters, then only the intro again until its "about N minutes" holds.
    ``session`` is not changed, so it can be fitted again with other lengths. The default
    estimate is taken in the session's language (:func:`estimate_in`)."""
    if measure is estimate_ms:
        measure = estimate_in(session.book.language)
    state = run_passes(replace(session, measure=measure, onset=onset), PASSES[1:])
    minutes = state.minutes
    for _ in range(3):  # the intro says the length, which depends on the intro
        spoken = max(1, round(state.duration_ms / 60_000))
        if spoken == minutes:
            break
        minutes = spoken
        state = with_minutes(state, minutes)
    events = sorted(state.events + state.chapters, key=_event_order)
    routine = state.routine
    return Timeline(
        title=routine.title,
        duration_ms=state.duration_ms,
        events=tuple(events),
        changes=_changes(state),
        meta=dict(meta or {}),
        sample_rate=sample_rate,
    )


_KIND_ORDER = {"chapter": 0, "segment": 1, "tone": 2, "speech": 2}


def _event_order(e: Event) -> tuple:
    return (e.start_ms, _KIND_ORDER[e.kind], e.end_ms)


def fit_warnings(routine: Routine, measure: Measure = estimate_ms) -> tuple[Change, ...]:
    """What the scheduler would shorten or drop in ``routine``, in a lifter's words with the fix.

    ``validate`` uses it with the estimate (no speech engine needed); ``build`` and ``plan``
    report the same from the real clip lengths.
    """
    return compile_routine(routine, measure).changes
