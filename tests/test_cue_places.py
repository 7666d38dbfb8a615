"""Issue 26, point 1: each form and setup cue is said at its own exercise, never in a burst.

Over every shipped routine, every week of the shipped programs and generated routines:

- no more than two form/setup cues in a row (roles ``form`` and ``setup_step``) without an
  exercise between them (a cue that names one, or a set's go tone);
- every form or setup cue is spoken in the window of its own exercise, or in the changeover
  right before it (the next window of work is that exercise's).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import load_routine, loads
from audiocoach.model import Entry, Group, Routine
from audiocoach.program.programs import is_program, load_program, sessions
from audiocoach.timeline import Event, Timeline
from conftest import SHIPPED_ROUTINES
from test_properties import at_speed, load_generated
from test_properties import routines as generated_routines

#: Roles of the cues that teach form: the library's setup steps and form cues.
INSTRUCTION_ROLES = ("form", "setup_step")
#: Roles of the cues that name an exercise (what a lifter hears as "now this one").
NAMING_ROLES = (
    "announce",
    "announce_group",
    "next_up",
    "next_up_group",
    "next_up_last",
    "next_member",
    "member",
    "setup",
    "set_up_station",
)


def shipped_sessions() -> list[tuple[str, Routine]]:
    """Every shipped routine, and every session of every shipped program."""
    out: list[tuple[str, Routine]] = []
    for path in SHIPPED_ROUTINES:
        if is_program(path):
            out += [(f"{path.name} {s.key}", s.routine) for s in sessions(load_program(path)) if s.routine]
        else:
            out.append((path.name, load_routine(path)))
    return out


SESSIONS = shipped_sessions()


def _entry(routine: Routine, seg: Event) -> tuple[Entry, ...]:
    """The exercises a work window does: its entry, or every member of an AMRAP."""
    assert seg.exercise is not None
    item = routine.items[seg.exercise]
    if not isinstance(item, Group):
        return (item,)
    return item.members if seg.member is None else (item.members[seg.member],)


def _teaches(entry: Entry, text: str) -> bool:
    """Whether ``text`` is a cue of the entry's exercise or of one of its alternatives (the
    lifter may do either in this slot; an alternative's cue is said with its name)."""
    said = text.lower()
    lines = [line for ex in (entry.exercise, *entry.alternatives) for line in (*ex.cues, *ex.setup)]
    return any(line.lower().rstrip(".") in said for line in lines)


def misplaced_cues(routine: Routine, tl: Timeline) -> list[str]:
    """Form and setup cues not said at their own exercise (nor in the changeover right before it)."""
    works = [s for s in tl.of_kind("segment") if s.role == "work"]
    problems = []
    for cue in (e for e in tl.sounds if e.role in INSTRUCTION_ROLES):
        # The window it is said in, if that is work; else the first work after it.
        owner = next((w for w in works if w.end_ms > cue.start_ms), None)
        assert owner is not None, f"{cue.text!r} after the last set"
        entries = _entry(routine, owner)
        if not any(_teaches(e, cue.text) for e in entries):
            doing = " / ".join(e.exercise.name for e in entries)
            problems.append(f"{cue.start_ms / 1000:.1f}s {cue.text!r} is said before {doing}")
    return problems


def bursts(tl: Timeline) -> list[str]:
    """Runs of more than two form/setup cues with no exercise named or started between them."""
    problems, run = [], []
    for e in tl.sounds:
        if e.role in NAMING_ROLES or (e.kind == "tone" and e.role == "go"):
            run = []
        elif e.role in INSTRUCTION_ROLES:
            run.append(e)
            if len(run) > 2:
                problems.append(f"{run[0].start_ms / 1000:.1f}s: " + " / ".join(x.text for x in run))
    return problems


@pytest.mark.parametrize(("name", "routine"), SESSIONS, ids=[n for n, _ in SESSIONS])
def test_every_cue_at_its_own_exercise_in_shipped_sessions(name: str, routine: Routine):
    tl = compile_routine(routine, estimate_ms)
    assert misplaced_cues(routine, tl) == []
    assert bursts(tl) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=generated_routines(), speech_speed=st.sampled_from([0.5, 1.0, 2.0]))
def test_every_cue_at_its_own_exercise_in_generated_routines(text: str, speech_speed: float):
    routine = load_generated(text)
    if routine is None:
        return
    tl = compile_routine(routine, at_speed(speech_speed))
    assert misplaced_cues(routine, tl) == []
    assert bursts(tl) == []


CIRCUIT = Path(__file__).parent.parent / "routines" / "posterior-chain.yaml"


def test_the_warm_up_circuit_coaches_each_drill_before_it():
    """The burst the issue heard: four drills' cues before anyone moved."""
    routine = load_routine(CIRCUIT)
    tl = compile_routine(routine, estimate_ms)
    intro = [e.text for e in tl.sounds if e.end_ms <= tl.of_kind("segment")[1].start_ms and e.role == "form"]
    assert intro == ["Press your knees out into the band."]  # the glute bridge's, the first drill
    bird_dog = next(e for e in tl.sounds if e.role == "next_member")
    assert bird_dog.text == "Next: Bird dog, ten per side."
    after = [e for e in tl.sounds if e.start_ms > bird_dog.start_ms][:1]
    assert after[0].role == "form" and _teaches(routine.items[0].members[1], after[0].text)


def test_a_later_members_setup_steps_come_in_the_move_to_it():
    routine = loads(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - superset:\n          rounds: 2\n"
        "          transition: 30s\n          exercises:\n            - exercise: romanian-deadlift\n"
        "              reps: 5\n            - exercise: hip-thrust\n              reps: 5\n"
        "              note: Ribs down the whole set.\n",
        "s.yaml",
    )
    tl = compile_routine(routine, estimate_ms)
    move = next(s for s in tl.of_kind("segment") if s.role == "rest" and s.member == 1)
    said = [e.text for e in tl.sounds if move.start_ms <= e.start_ms < move.end_ms and e.kind == "speech"]
    assert said[1:4] == [
        "Next: Hip thrust, five.",
        "Sit on the floor with your upper back against the bench.",
        "Roll the bar over your hips and plant your feet flat.",
    ]
    assert "Ribs down the whole set." in said
    intro = [e.text for e in tl.sounds if e.end_ms <= tl.of_kind("segment")[1].start_ms]
    assert not any("bench" in t or "Ribs down" in t for t in intro)


def test_a_library_exercise_has_at_most_two_setup_steps():
    """Setup steps are said in a row: three would be the burst this file forbids."""
    from audiocoach.load.library import parse_library

    raw = {"x": {"name": "X", "tempo": "2-0-1-0", "setup": ["One", "Two", "Three"]}}
    with pytest.raises(ValueError, match="x: 3 setup steps; a lifter takes in at most 2 in a row, so merge or cut"):
        parse_library(raw, "lib.yaml")
    assert parse_library({"x": {**raw["x"], "setup": ["One", "Two"]}}, "lib.yaml").exercises["x"].setup == (
        "One",
        "Two",
    )
