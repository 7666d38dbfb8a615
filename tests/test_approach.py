"""Issue 29 points 1 and 4: the set starts on the count, and the brace comes right before it.

Over every shipped routine, every session of the shipped program and generated routines:
the first rep's count (or "Hold.") starts within 500 ms of the go tone with nothing said
between them; nothing but the countdown's own words between its "one" and that first rep;
every brace or get-into-position cue for a set ends 3-15 s before its first rep.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import loads
from audiocoach.model import Group, Routine
from audiocoach.timeline import Event, Timeline
from audiocoach.words.phrases import number_words
from test_coaching import shipped
from test_properties import at_speed, load_generated, routines

NUMBER_WORDS = {number_words(n) for n in range(1, 101)}
#: Cues that get the lifter ready for a set: said before its go, never after.
READY_ROLES = ("get_ready", "into_position", "set", "last_set", "one_set", "warmup_set", "other_side", "setup")
#: A set's first cue: its first rep's call, or "Hold.".
FIRST_ROLES = ("rep_start", "last_rep", "hold_start")


def _numbers(text: str) -> list[str]:
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
    return [w for w in words if w in NUMBER_WORDS]


def _sets(routine: Routine, tl: Timeline) -> list[tuple[Event, Event]]:
    """Each set of reps or hold (not a timed interval or AMRAP): its work window and first cue."""
    out = []
    for seg in tl.of_kind("segment"):
        if seg.role != "work":
            continue
        if _timed(routine, seg):
            continue
        first = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.role in FIRST_ROLES]
        # A metronome set has no spoken first cue: its first accent tone is the rep's start.
        accents = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.role == "tick_accent"]
        out.append((seg, min(first + accents, key=lambda e: e.start_ms)))
    return out


def set_start_problems(routine: Routine, tl: Timeline) -> list[str]:
    """What breaks "the set starts on the count" and "the brace right before it" in ``tl``."""
    problems = []
    sounds = tl.sounds
    for seg, first in _sets(routine, tl):
        gos = [e for e in sounds if e.role == "go" and e.start_ms <= first.start_ms]
        go = max(gos, key=lambda e: e.start_ms)
        if not 0 <= first.start_ms - go.start_ms <= 500:
            problems.append(f"{seg.label}: first cue {first.text!r} {first.start_ms - go.start_ms} ms after the go")
        between = [e for e in sounds if go.start_ms < e.start_ms < first.start_ms and e.kind == "speech"]
        if between:
            problems.append(f"{seg.label}: said between the go and the first rep: {[e.text for e in between]}")
        ready = [e for e in sounds if go.start_ms < e.start_ms < seg.end_ms and e.role in READY_ROLES]
        if ready:
            problems.append(f"{seg.label}: get-ready speech after the go: {[e.text for e in ready]}")
        # The countdown into this go (a window too short for it has none).
        ones = [e for e in sounds if e.text == "one" and go.start_ms - 1500 <= e.start_ms < go.start_ms]
        if ones:
            one = max(ones, key=lambda e: e.start_ms)
            after = [e for e in sounds if one.end_ms <= e.start_ms < first.start_ms and e.kind == "speech"]
            if any(_numbers(e.text) for e in after):
                problems.append(f"{seg.label}: numbers between the countdown and rep one: {[e.text for e in after]}")
    # A set's first rep, or the start of a timed group (an AMRAP, an interval), which opens on its go.
    timed = [s.start_ms for s in tl.of_kind("segment") if s.role == "work" and _timed(routine, s)]
    starts = sorted([first.start_ms for _, first in _sets(routine, tl)] + timed)
    for e in sounds:
        if e.role not in ("breathe", "into_position") or _in_work(tl, e):
            continue
        nxt = next((t for t in starts if t > e.start_ms), None)
        if nxt is None:
            problems.append(f"{e.text!r} is said with no set after it")
        elif not 3000 <= nxt - e.end_ms <= 15_000:
            problems.append(f"{e.text!r} ends {nxt - e.end_ms} ms before its set's first rep")
    return problems


def _timed(routine: Routine, seg: Event) -> bool:
    item = routine.items[seg.exercise]
    return isinstance(item, Group) and item.kind in ("amrap", "intervals")


def _in_work(tl: Timeline, e: Event) -> bool:
    return any(s.role == "work" and s.start_ms <= e.start_ms < s.end_ms for s in tl.of_kind("segment"))


SHIPPED = shipped()


@settings(max_examples=len(SHIPPED), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(SHIPPED) - 1), speed=st.sampled_from([0.8, 1.0, 1.3]))
def test_every_shipped_set_starts_on_the_count(index: int, speed: float):
    name, routine = SHIPPED[index]
    measure = lambda kind, t: max(1, int(estimate_ms(kind, t) * (speed if kind == "speech" else 1)))  # noqa: E731
    tl = compile_routine(routine, measure)
    assert set_start_problems(routine, tl) == [], name


def test_every_shipped_session_and_program_week_at_the_estimate():
    """Every routine and every program week, not a sample: the properties hold in all of them."""
    sets = braces = 0
    for name, routine in SHIPPED:
        tl = compile_routine(routine, estimate_ms)
        assert set_start_problems(routine, tl) == [], name
        sets += len(_sets(routine, tl))
        braces += sum(1 for e in tl.sounds if e.role == "breathe" and not _in_work(tl, e))
    assert sets > 400 and braces > 150, (sets, braces)  # the checks above ran on many sets


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=routines(), speech_speed=st.sampled_from([0.3, 1.0, 2.0]))
def test_generated_sets_start_on_the_count(text: str, speech_speed: float):
    routine = load_generated(text)
    if routine is None:
        return
    tl = compile_routine(routine, at_speed(speech_speed))
    assert set_start_problems(routine, tl) == []


def test_a_coach_counts_the_set_in():
    """ "Set two of four ... three, two, one, go" and the first rep's count right on the go."""
    routine = loads(
        "title: T\nblocks:\n  - name: B\n    exercises:\n"
        "      - exercise: romanian-deadlift\n        sets: 4\n        reps: 8\n        rest: 60s\n",
        "routine.yaml",
    )
    tl = compile_routine(routine, estimate_ms)
    work = [s for s in tl.of_kind("segment") if s.role == "work"][1]
    heard = [e for e in tl.sounds if work.start_ms - 12_000 <= e.start_ms <= work.start_ms and e.text != "tick"]
    assert [e.text for e in heard] == [
        "Ten seconds.",
        "Set two of four.",
        "three",
        "two",
        "one",
        "go",
        "one",
    ]
    go, rep = heard[-2:]
    assert rep.start_ms == work.start_ms and rep.start_ms - go.start_ms == 350
    brace = [e for e in tl.sounds if e.role == "breathe" and work.start_ms - 15_000 <= e.start_ms < work.start_ms]
    assert [e.text for e in brace] == ["Big breath in, brace your core, then hinge."]
    assert 10_000 < work.start_ms - brace[0].end_ms <= 15_000  # as the lifter steps up, before "Ten seconds."
