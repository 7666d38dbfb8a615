"""Issue 26, point 6: in a program, an exercise's setup steps are said once (the first session
that has it, in week 1), then only on request (``repeat_setup``); a routine's own note is
kept after week 1 unless the week's prescription contradicts it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.errors import RoutineError
from audiocoach.program.programs import load_program, loads_program, sessions

ROUTINES = Path(__file__).parent.parent / "routines"
PROGRAM = ROUTINES / "posterior-chain-6-weeks.yaml"


def _said(routine, role: str) -> list[str]:
    return [e.text for e in compile_routine(routine, estimate_ms).sounds if e.role == role]


def _program(extra: str = "") -> list:
    text = PROGRAM.read_text(encoding="utf-8") + extra
    return sessions(loads_program(text, "p.yaml", folder=ROUTINES))


def test_setup_steps_are_said_once_in_the_whole_program():
    heard: Counter[str] = Counter()
    per_session = {}
    for s in sessions(load_program(PROGRAM)):
        steps = _said(s.routine, "setup_step")
        per_session[s.key] = len(steps)
        heard.update(steps)
    assert heard and max(heard.values()) == 1, [t for t, n in heard.items() if n > 1]
    # Monday of week 1 explains the deadlift and the hip thrust; Thursday only what is new there.
    assert "Sit on the floor with your upper back against the bench." in _said(
        sessions(load_program(PROGRAM), weeks=[1])[0].routine, "setup_step"
    )
    thursday = _said(sessions(load_program(PROGRAM), weeks=[1])[1].routine, "setup_step")
    assert thursday and not any("bench." in t or "bar in your hands" in t for t in thursday)
    assert all(n == 0 for key, n in per_session.items() if not key.startswith("week-01/"))


def test_a_later_week_on_its_own_still_leaves_them_out():
    """--weeks 3 builds week 3 alone: the lifter heard week 1 all the same."""
    week3 = sessions(load_program(PROGRAM), weeks=[3])
    assert all(_said(s.routine, "setup_step") == [] for s in week3)
    # and with the steps gone, the changeover's form cue takes their turn
    assert any(t == "Chin tucked, ribs down." for t in _said(week3[0].routine, "form"))


def test_repeat_setup_true_says_them_every_session():
    week2 = _program("repeat_setup: true\n")[2:4]
    assert all(_said(s.routine, "setup_step") for s in week2)


def test_repeat_setup_names_the_exercises_to_hear_again():
    monday2 = _program("repeat_setup: [hip-thrust]\n")[2]
    assert monday2.key.startswith("week-02/1-")
    steps = _said(monday2.routine, "setup_step")
    assert steps == [
        "Sit on the floor with your upper back against the bench.",
        "Roll the bar over your hips and plant your feet flat.",
    ]


def test_repeat_setup_with_an_unknown_exercise_is_an_error_at_its_place():
    with pytest.raises(RoutineError) as exc:
        _program("repeat_setup: [hip-thursts]\n")
    assert "p.yaml:36:15: repeat_setup: 'hip-thursts' is not an exercise in any routine of this program" in str(
        exc.value
    )


def test_repeat_setup_takes_true_false_or_ids():
    with pytest.raises(RoutineError) as exc:
        loads_program(PROGRAM.read_text(encoding="utf-8") + "repeat_setup: sometimes\n", "p.yaml", folder=ROUTINES)
    assert "'sometimes' is not true, false or a list of exercise ids (e.g. [hip-thrust])" in str(exc.value)


def test_a_routine_note_is_kept_after_week_one_unless_the_week_contradicts_it():
    by_week = {s.week: s for s in sessions(load_program(PROGRAM)) if s.index == 1}
    thrust = "Think about your glutes doing the lifting, and skip any bouncing or swinging."
    slow_three = "Count a slow three on every descent"
    for week in (1, 2, 3, 5, 6):
        assert any(thrust in t for t in _said(by_week[week].routine, "note")), week
    for week in (2, 5, 6):  # the deadlift's tempo is 3-1-1-0 again
        assert any(slow_three in t for t in _said(by_week[week].routine, "note")), week
    for week in (3, 4):  # 4-0-1-0: "a slow three" would contradict the count
        assert not any(slow_three in t for t in _said(by_week[week].routine, "note")), week
    # ... so week 3 hears it reworded to the tempo it counts
    assert any("Count a slow four on every descent" in t for t in _said(by_week[3].routine, "note"))
    # the curl's lowering is no advice on the load: kept
    assert "Lower slowly, over three or four seconds, on every rep." in _said(by_week[2].routine, "note")


def test_a_note_on_choosing_the_load_is_week_ones_once_the_program_moves_the_load():
    light = "Start with a light load; this one takes some practice before you add weight."
    thursdays = [s for s in sessions(load_program(PROGRAM)) if s.index == 2]
    assert [s.week for s in thursdays if any(light in t for t in _said(s.routine, "note"))] == [1]


def test_a_kept_note_follows_the_weeks_program_note():
    """The week's program note ("Back to eight reps ...") comes first, the routine's own after it."""
    by_week = {s.week: s for s in sessions(load_program(PROGRAM)) if s.index == 1}
    notes = [e.note for e in by_week[5].routine.entries if e.exercise.id == "hip-thrust"]
    assert notes and notes[0] is not None and notes[0].endswith("skip any bouncing or swinging.")
