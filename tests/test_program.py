from __future__ import annotations

from pathlib import Path

import pytest

from audiocoach.errors import RoutineError
from audiocoach.loader import loads
from audiocoach.model import RepRange, Rest
from audiocoach.overrides import OverrideError, parse_overrides
from audiocoach.program import (
    Deload,
    Rule,
    is_program,
    load_program,
    loads_program,
    parse_weeks,
    progress_routine,
    sessions,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "routines" / "posterior-chain-6-weeks.yaml"

ROUTINE = loads(
    """\
title: Base
defaults:
  rest: 60s
  rest_after: 90s
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 3
        reps: 8-10
        tempo: 3-0-1-0
      - exercise: hip-thrust
        sets: 3
        reps: 12
        note: Squeeze at the top.
      - exercise: glute-bridge-hold
        sets: 2
        hold: 20s
""",
    "base.yaml",
)


def entry(routine, ex_id):
    return next(e for e in routine.entries if e.exercise.id == ex_id)


def weekly(rules, ex_id, attr, weeks=6, deload=None, day=""):
    return [
        getattr(entry(progress_routine(ROUTINE, rules, w, day, weeks=weeks, deload=deload), ex_id), attr)
        for w in range(1, weeks + 1)
    ]


# ---------------------------------------------------------------- rules, one by one


def test_reps_double_progression():
    reps = weekly([Rule("reps", amount=1)], "romanian-deadlift", "reps", weeks=7)
    assert [r.low for r in reps] == [8, 9, 10, 8, 9, 10, 8]
    assert all(r.low == r.high for r in reps)
    notes = weekly([Rule("reps", amount=1)], "romanian-deadlift", "note", weeks=7)
    assert notes[:3] == [None, None, None]
    assert notes[3] == "Back to 8 reps this week: you reached 10 last time, so add a little load."
    assert notes[4] is None and notes[6] == notes[3]


def test_reps_step_clamps_to_the_top_before_going_back():
    reps = weekly([Rule("reps", amount=3, range=RepRange(6, 10))], "hip-thrust", "reps", weeks=5)
    assert [r.low for r in reps] == [6, 9, 10, 6, 9]
    # the existing note stays, after the add-load note
    assert entry(progress_routine(ROUTINE, [Rule("reps", amount=3, range=RepRange(6, 10))], 4), "hip-thrust").note == (
        "Back to 6 reps this week: you reached 10 last time, so add a little load. Squeeze at the top."
    )


def test_reps_leaves_fixed_counts_and_holds_alone():
    assert set(weekly([Rule("reps", amount=1)], "hip-thrust", "reps")) == {RepRange(12, 12)}
    assert set(weekly([Rule("reps", amount=1)], "glute-bridge-hold", "hold_ms")) == {20_000}


def test_reps_rule_limited_to_weeks_counts_from_its_first_week():
    reps = weekly([Rule("reps", amount=1, weeks=(3, 4, 5))], "romanian-deadlift", "reps")
    assert [r.low for r in reps] == [8, 8, 8, 9, 10, 8]
    assert reps[0] == RepRange(8, 10)  # before the rule: the range as written


def test_sets_from_week():
    assert weekly([Rule("sets", amount=1, weeks=(3, 4, 5, 6))], "romanian-deadlift", "sets") == [3, 3, 4, 4, 4, 4]
    rules = [Rule("sets", amount=1, weeks=(3, 4, 5, 6)), Rule("sets", amount=1, weeks=(5, 6))]
    assert weekly(rules, "romanian-deadlift", "sets") == [3, 3, 4, 4, 5, 5]
    assert weekly([Rule("sets", amount=-5)], "romanian-deadlift", "sets", weeks=1) == [1]


def test_tempo_in_some_weeks_only_for_reps():
    rule = Rule("tempo", tempo="4-0-1-0", weeks=(3, 4))
    assert [t.text for t in weekly([rule], "romanian-deadlift", "tempo")] == ["3-0-1-0"] * 2 + ["4-0-1-0"] * 2 + ["3-0-1-0"] * 2
    assert weekly([rule], "romanian-deadlift", "tempo")[2].eccentric_ms == 4000
    assert len(set(weekly([rule], "glute-bridge-hold", "tempo"))) == 1


def test_rest_set_and_shifted():
    assert weekly([Rule("rest", rest=Rest(90_000, 90_000), weeks=(5, 6))], "hip-thrust", "rest")[3:] == [
        Rest(60_000, 60_000), Rest(90_000, 90_000), Rest(90_000, 90_000)
    ]
    assert weekly([Rule("rest_after", delta_ms=-30_000)], "hip-thrust", "rest_after", weeks=1) == [Rest(60_000, 60_000)]


def test_scope_by_exercise_and_day():
    rule = Rule("sets", amount=2, exercises=("rdl",), days=("monday",))
    assert entry(progress_routine(ROUTINE, [rule], 1, "Monday"), "romanian-deadlift").sets == 5
    assert entry(progress_routine(ROUTINE, [rule], 1, "Monday"), "hip-thrust").sets == 3
    assert entry(progress_routine(ROUTINE, [rule], 1, "Thursday"), "romanian-deadlift").sets == 3


def test_deload_fewer_sets_longer_rest_reps_pause():
    deload = Deload(weeks=(3,), sets=-1, rest_ms=30_000)
    rules = [Rule("reps", amount=1)]
    assert weekly(rules, "romanian-deadlift", "sets", weeks=5, deload=deload) == [3, 3, 2, 3, 3]
    assert weekly(rules, "romanian-deadlift", "rest", weeks=4, deload=deload)[2] == Rest(90_000, 90_000)
    assert weekly(rules, "romanian-deadlift", "rest_after", weeks=4, deload=deload)[2] == Rest(120_000, 120_000)
    # the deload repeats the week before's reps; the climb resumes after it
    assert [r.low for r in weekly(rules, "romanian-deadlift", "reps", weeks=5, deload=deload)] == [8, 9, 9, 10, 8]
    assert weekly([], "glute-bridge-hold", "sets", weeks=3, deload=Deload(weeks=(3,), sets=-3)) == [2, 2, 1]


def test_progress_routine_is_pure():
    before = repr(ROUTINE)
    progress_routine(ROUTINE, [Rule("sets", amount=1)], 2, deload=Deload(weeks=(2,)))
    assert repr(ROUTINE) == before


# ---------------------------------------------------------------- the shipped program


def test_shipped_program_weeks():
    program = load_program(SHIPPED)
    assert (program.title, program.weeks, [d.name for d in program.days]) == ("Posterior chain, 6 weeks", 6, ["Monday", "Thursday"])
    got = sessions(program)
    assert len(got) == 12
    assert [s.key for s in got[:2]] == ["week-01/1-monday-posterior-chain", "week-01/2-thursday-posterior-chain-essentials"]
    thursday = {s.week: entry(s.routine, "romanian-deadlift") for s in got if s.day == "Thursday"}
    assert [thursday[w].dose for w in range(1, 7)] == ["3 x 8", "3 x 9", "4 x 10", "3 x 10", "4 x 8", "4 x 9"]
    assert [thursday[w].tempo.text for w in range(1, 7)] == ["3-1-1-0", "3-1-1-0", "4-0-1-0", "4-0-1-0", "3-1-1-0", "3-1-1-0"]
    assert [str(thursday[w].rest) for w in range(1, 7)] == ["60-90s", "60-90s", "75-105s", "105-135s", "75-105s", "75-105s"]
    assert thursday[5].note.startswith("Back to 8 reps")
    assert [s.deload for s in got if s.day == "Monday"] == [False, False, False, True, False, False]
    assert got[6].routine.title == "Week 4, Monday, deload: Posterior chain workout"


def test_is_program():
    assert is_program(SHIPPED)
    assert not is_program(ROOT / "routines" / "posterior-chain.yaml")


def test_sessions_with_weeks_and_overrides():
    program = load_program(SHIPPED)
    got = sessions(program, weeks=[2, 3], overrides=parse_overrides(rest=["hip-thrust=30s"]))
    assert [s.week for s in got] == [2, 2, 3, 3]
    # overrides replace the routine's value first; the program's rules then build on them
    assert [str(entry(s.routine, "hip-thrust").rest) for s in got] == ["30s", "30s", "30s", "45s"]
    with pytest.raises(OverrideError, match="'squat' is not an exercise in any routine of this program"):
        sessions(program, overrides=parse_overrides(rest=["squat=30s"]))


def test_inline_routine_and_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text(
        "title: A\nblocks:\n  - name: M\n    exercises:\n      - exercise: hip-thrust\n        reps: 8\n"
    )
    text = """\
title: P
weeks: 2
days:
  - day: Mon
    routine: sub/a.yaml
  - day: Fri
    routine:
      title: Inline
      blocks:
        - name: M
          exercises:
            - exercise: good-morning
              reps: 8-10
"""
    (tmp_path / "p.yaml").write_text(text)
    got = sessions(load_program(tmp_path / "p.yaml"))
    assert [s.key for s in got] == ["week-01/1-mon-a", "week-01/2-fri-inline", "week-02/1-mon-a", "week-02/2-fri-inline"]
    assert got[1].routine.title == "Week 1, Fri: Inline"


# ---------------------------------------------------------------- validation


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as exc:
        loads_program(text, "p.yaml", folder=ROOT / "routines")
    return str(exc.value).splitlines()


def test_errors_at_file_line_col():
    got = problems("""\
title: P
weeks: 4
days:
  - day: Monday
    routine: nowhere.yaml
  - day: Friday
    routine:
      title: Inline
      blocks:
        - name: M
          exercises:
            - exercise: hip-thurst
              reps: 8
progression:
  - reps: +1
    sets: +1
  - tempo: 3-1-x
  - rest: soon
    weeks: 3-9
  - sets: +1
    days: [sunday]
    range: 8-10
  - reps: 1
    from_week: 2
    weeks: 3
deload:
  every: 1
""")
    assert got == [
        "p.yaml:5:14: days[0].routine: 'nowhere.yaml' is not a file (routine files are relative to the program's folder, "
        f"{ROOT / 'routines'})",
        "p.yaml:12:25: days[1].routine.blocks[0].exercises[0].exercise: 'hip-thurst' is not an exercise in the library (did you mean 'hip-thrust'?)",
        "p.yaml:15:5: progression[0]: a rule changes exactly one of reps, sets, tempo, rest, rest_after (found reps, sets); split it into one rule each",
        "p.yaml:17:12: progression[1].tempo: '3-1-x' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)",
        "p.yaml:18:11: progression[2].rest: 'soon' is not a duration (expected a duration such as 45s, 1m30s, 1:30 or 90)",
        "p.yaml:19:12: progression[2].weeks: '3-9': week 9 is outside this program (weeks 1 to 4)",
        "p.yaml:21:11: progression[3].days: 'sunday' is not a day of this program (days: friday, monday)",
        "p.yaml:22:5: progression[3].range: 'range' belongs to a reps rule (the range the reps climb through)",
        "p.yaml:24:5: progression[4].from_week: give either 'weeks' or 'from_week', not both",
        "p.yaml:27:10: deload.every: 1 is not a valid deload interval in weeks (expected a whole number from 2 to 52)",
    ]


def test_missing_keys_and_unknown_keys():
    assert problems("title: P\nweek: 3\n") == [
        "p.yaml:1:1: days: missing 'days'; every program needs one",
        "p.yaml:1:1: weeks: missing 'weeks'; every program needs one",
        "p.yaml:2:1: week: unknown key 'week' in a program (did you mean 'weeks'?)",
    ]


def test_rule_naming_an_unknown_exercise(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f"title: P\nweeks: 2\ndays:\n  - day: Mon\n    routine: {ROOT / 'routines' / 'posterior-chain-essentials.yaml'}\n"
                    "progression:\n  - sets: +1\n    exercises: [squat]\n")
    program = load_program(path)
    with pytest.raises(RoutineError, match=r"p.yaml:7:5: progression\[0\].exercises: 'squat' is not an exercise in any routine"):
        sessions(program)


def test_broken_routine_fails_only_its_sessions(tmp_path):
    (tmp_path / "bad.yaml").write_text("title: Bad\nblocks: [\n")
    (tmp_path / "p.yaml").write_text(
        f"title: P\nweeks: 1\ndays:\n  - day: Mon\n    routine: {ROOT / 'routines' / 'posterior-chain-essentials.yaml'}\n"
        "  - day: Fri\n    routine: bad.yaml\n"
    )
    program = load_program(tmp_path / "p.yaml")
    with pytest.raises(RoutineError, match="bad.yaml:3:1: invalid YAML"):
        sessions(program)
    got = sessions(program, strict=False)
    assert got[0].error is None and got[0].routine is not None
    assert got[1].routine is None and "bad.yaml:3:1" in got[1].error


@pytest.mark.parametrize("text, expected", [(3, (3,)), ("3-4", (3, 4)), ("1,3,5-6", (1, 3, 5, 6)), ([2, 4], (2, 4))])
def test_parse_weeks(text, expected):
    assert parse_weeks(text, 6) == expected


@pytest.mark.parametrize("text", ["0", "7", "4-2", "x", "1-"])
def test_parse_weeks_errors(text):
    with pytest.raises(ValueError):
        parse_weeks(text, 6)
