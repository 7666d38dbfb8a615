from __future__ import annotations

from pathlib import Path

import pytest

from audiocoach.errors import RoutineError
from audiocoach.load.overrides import OverrideError, parse_overrides
from audiocoach.load.routine import loads
from audiocoach.model import Load, RepRange, Rest
from audiocoach.program.programs import is_program, load_program, loads_program, sessions
from audiocoach.program.progression import parse_weeks, progress_routine
from audiocoach.program.rules import Deload, Rule

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
    assert notes[3] == "Back to eight reps this week: you reached ten last week, so add a little load."
    assert notes[4] is None and notes[6] == notes[3]


def test_reps_step_clamps_to_the_top_before_going_back():
    reps = weekly([Rule("reps", amount=3, range=RepRange(6, 10))], "hip-thrust", "reps", weeks=5)
    assert [r.low for r in reps] == [6, 9, 10, 6, 9]
    # the week's program note first, then the routine's own, kept: nothing contradicts it (issue 26.6)
    assert entry(progress_routine(ROUTINE, [Rule("reps", amount=3, range=RepRange(6, 10))], 4), "hip-thrust").note == (
        "Back to six reps this week: you reached ten last week, so add a little load. Squeeze at the top."
    )
    assert entry(progress_routine(ROUTINE, [], 1), "hip-thrust").note == "Squeeze at the top."


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
    assert [t.text for t in weekly([rule], "romanian-deadlift", "tempo")] == ["3-0-1-0"] * 2 + ["4-0-1-0"] * 2 + [
        "3-0-1-0"
    ] * 2
    assert weekly([rule], "romanian-deadlift", "tempo")[2].eccentric_ms == 4000
    assert len(set(weekly([rule], "glute-bridge-hold", "tempo"))) == 1


def test_rest_set_and_shifted():
    assert weekly([Rule("rest", rest=Rest(90_000, 90_000), weeks=(5, 6))], "hip-thrust", "rest")[3:] == [
        Rest(60_000, 60_000),
        Rest(90_000, 90_000),
        Rest(90_000, 90_000),
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
    assert (program.title, program.weeks, [d.name for d in program.days]) == (
        "Posterior chain, 6 weeks",
        6,
        ["Monday", "Thursday"],
    )
    got = sessions(program)
    assert len(got) == 12
    assert [s.key for s in got[:2]] == [
        "week-01/1-monday-posterior-chain",
        "week-01/2-thursday-posterior-chain-essentials",
    ]
    thursday = {s.week: entry(s.routine, "romanian-deadlift") for s in got if s.day == "Thursday"}
    assert [thursday[w].dose for w in range(1, 7)] == ["3 x 8", "3 x 9", "4 x 10", "3 x 10", "4 x 8", "4 x 9"]
    assert [thursday[w].tempo.text for w in range(1, 7)] == [
        "3-1-1-0",
        "3-1-1-0",
        "4-0-1-0",
        "4-0-1-0",
        "3-1-1-0",
        "3-1-1-0",
    ]
    assert [str(thursday[w].rest) for w in range(1, 7)] == [
        "60-90s",
        "60-90s",
        "75-105s",
        "105-135s",
        "75-105s",
        "75-105s",
    ]
    assert thursday[5].note.startswith("Back to eight reps this week: you reached ten in week three")
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
    assert [s.key for s in got] == [
        "week-01/1-mon-a",
        "week-01/2-fri-inline",
        "week-02/1-mon-a",
        "week-02/2-fri-inline",
    ]
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
        "p.yaml:15:5: progression[0]: a rule changes exactly one of reps, sets, tempo, rest, rest_after, load (found reps, sets); split it into one rule each",
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
    path.write_text(
        f"title: P\nweeks: 2\ndays:\n  - day: Mon\n    routine: {ROOT / 'routines' / 'posterior-chain-essentials.yaml'}\n"
        "progression:\n  - sets: +1\n    exercises: [squat]\n"
    )
    program = load_program(path)
    with pytest.raises(
        RoutineError, match=r"p.yaml:7:5: progression\[0\].exercises: 'squat' is not an exercise in any routine"
    ):
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


# ---------------------------------------------------------------- telling the truth (issue 10, point 9)

LOADED = loads(
    """\
title: Loaded
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 3
        reps: 8-9
        load: 60kg
        rpe: 8
      - exercise: hip-thrust
        sets: 3
        reps: 10
        load: 135lb
        rir: 1
      - exercise: back-extension
        sets: 2
        reps: 12
        load: bodyweight
""",
    "loaded.yaml",
)


def loaded_weekly(rules, ex_id, attr, weeks=6, deload=None):
    return [
        getattr(entry(progress_routine(LOADED, rules, w, weeks=weeks, deload=deload), ex_id), attr)
        for w in range(1, weeks + 1)
    ]


def test_deload_week_repeats_reps_without_a_false_add_load_note():
    # The case: 8-9 reps, deload in week 4. Week 3 went back to 8; the deload
    # repeats week 3 and must not claim "you reached 9 last time".
    rules = [Rule("reps", amount=1, range=RepRange(8, 9))]
    deload = Deload(weeks=(4,))
    assert [r.low for r in weekly(rules, "romanian-deadlift", "reps", deload=deload)] == [8, 9, 8, 8, 9, 8]
    assert weekly(rules, "romanian-deadlift", "note", deload=deload) == [
        None,
        None,
        "Back to eight reps this week: you reached nine last week, so add a little load.",
        None,
        None,
        "Back to eight reps this week: you reached nine last week, so add a little load.",
    ]


def test_add_load_note_after_a_deload_names_the_week_it_refers_to():
    deload = Deload(weeks=(4,))
    notes = weekly([Rule("reps", amount=1)], "romanian-deadlift", "note", weeks=6, deload=deload)
    # 8, 9, 10, deload (10 again, lighter), then back to 8: the 10 at full load was week 3.
    assert notes == [
        None,
        None,
        None,
        None,
        "Back to eight reps this week: you reached ten in week three, so add a little load.",
        None,
    ]
    got = entry(progress_routine(ROUTINE, [Rule("reps", amount=1)], 5, weeks=6, deload=deload), "romanian-deadlift")
    assert [(n.kind, n.short) for n in got.program_notes] == [("add_load", "back to 8 reps (10 in week 3): add load")]


def test_deload_week_says_it_is_one_and_asks_for_lighter_loads():
    deload = Deload(weeks=(4,), sets=-1, rest_ms=30_000)
    notices = [progress_routine(ROUTINE, [], w, weeks=6, deload=deload).notice for w in range(1, 7)]
    assert notices == [
        None,
        None,
        None,
        "This is a deload week: about ten percent lighter on every lift, one set fewer and thirty seconds more rest. "
        "Leave more in the tank and let your body recover.",
        "The deload is over: back to full training this week.",
        None,
    ]
    assert progress_routine(
        ROUTINE, [], 2, weeks=4, deload=Deload(weeks=(2,), sets=-2, rest_ms=0, load_pct=-20)
    ).notice == (
        "This is a deload week: about twenty percent lighter on every lift and two sets fewer. "
        "Leave more in the tank and let your body recover."
    )


def test_deload_lightens_loads_to_a_plate_step_and_leaves_more_in_reserve():
    deload = Deload(weeks=(2,))
    assert [str(x) for x in loaded_weekly([], "romanian-deadlift", "load", weeks=3, deload=deload)] == [
        "60kg",
        "55kg",
        "60kg",
    ]
    assert [str(x) for x in loaded_weekly([], "hip-thrust", "load", weeks=3, deload=deload)] == [
        "135lb",
        "120lb",
        "135lb",
    ]
    assert [str(x) for x in loaded_weekly([], "back-extension", "load", weeks=2, deload=deload)] == ["bodyweight"] * 2
    assert [str(x) for x in loaded_weekly([], "romanian-deadlift", "effort", weeks=3, deload=deload)] == [
        "RPE 8",
        "RPE 6",
        "RPE 8",
    ]
    assert [str(x) for x in loaded_weekly([], "hip-thrust", "effort", weeks=3, deload=deload)] == [
        "1 RIR",
        "3 RIR",
        "1 RIR",
    ]
    # load: 0% keeps the loads (a volume-only deload) and the notice does not ask for lighter ones
    keep = Deload(weeks=(2,), load_pct=0)
    assert str(loaded_weekly([], "romanian-deadlift", "load", weeks=2, deload=keep)[1]) == "60kg"
    assert "lighter" not in progress_routine(LOADED, [], 2, weeks=2, deload=keep).notice


def test_double_progression_with_a_load_adds_the_plate_step_itself():
    rules = [Rule("reps", amount=1)]
    assert [str(x) for x in loaded_weekly(rules, "romanian-deadlift", "load", weeks=6)] == [
        "60kg",
        "60kg",
        "62.5kg",
        "62.5kg",
        "65kg",
        "65kg",
    ]
    note = loaded_weekly(rules, "romanian-deadlift", "note", weeks=3)[2]
    assert note == "Back to eight reps this week, with two and a half kilos more: you reached nine last week."
    short = entry(progress_routine(LOADED, rules, 3, weeks=3), "romanian-deadlift").program_notes[0].short
    assert short == "back to 8 reps (9 last week): +2.5kg"


def test_load_rule_adds_weight_each_week_and_pauses_in_a_deload():
    rule = Rule("load", load_step=2.5, load_unit="kg")
    deload = Deload(weeks=(3,))
    assert [str(x) for x in loaded_weekly([rule], "romanian-deadlift", "load", weeks=5, deload=deload)] == [
        "60kg",
        "62.5kg",
        "55kg",
        "65kg",
        "67.5kg",
    ]
    # a kg rule leaves a lb load and plain bodyweight alone unless it names them
    assert {str(x) for x in loaded_weekly([rule], "hip-thrust", "load", weeks=3)} == {"135lb"}
    assert {str(x) for x in loaded_weekly([rule], "back-extension", "load", weeks=3)} == {"bodyweight"}
    named = Rule("load", load_step=2.5, load_unit="kg", exercises=("back-extension",))
    assert [str(x) for x in loaded_weekly([named], "back-extension", "load", weeks=3)] == [
        "bodyweight",
        "bodyweight+2.5kg",
        "bodyweight+5kg",
    ]
    fixed = Rule("load", load=Load(70.0, "kg"), weeks=(5, 6))
    assert [str(x) for x in loaded_weekly([fixed], "romanian-deadlift", "load")] == ["60kg"] * 4 + ["70kg"] * 2


def test_load_rule_in_a_program_file(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "title: R\nblocks:\n  - name: M\n    exercises:\n      - exercise: romanian-deadlift\n        reps: 8\n        load: 60kg\n"
        "      - exercise: hip-thrust\n        reps: 10\n        load: 135lb\n      - exercise: good-morning\n        reps: 10\n"
    )
    base = "title: P\nweeks: 3\ndays:\n  - day: Mon\n    routine: r.yaml\nprogression:\n"
    (tmp_path / "p.yaml").write_text(base + "  - load: +2.5kg\n    exercises: [romanian-deadlift]\n  - load: +5lb\n")
    got = sessions(load_program(tmp_path / "p.yaml"))
    assert [
        (str(entry(s.routine, "romanian-deadlift").load), str(entry(s.routine, "hip-thrust").load)) for s in got
    ] == [("60kg", "135lb"), ("62.5kg", "140lb"), ("65kg", "145lb")]
    (tmp_path / "q.yaml").write_text(base + "  - load: +2.5kg\n    exercises: [hip-thrust, good-morning]\n")
    with pytest.raises(RoutineError) as exc:
        sessions(load_program(tmp_path / "q.yaml"))
    where = f"{tmp_path / 'q.yaml'}:7:5: progression[0].load"
    assert str(exc.value).splitlines() == [
        f"{where}: 'good-morning' has no load to add to; give it one in its routine (e.g. load: 60kg) or remove it from this rule",
        f"{where}: 'hip-thrust' is loaded in lb but this rule adds kg; write the rule in lb",
    ]


def test_load_and_deload_errors_at_file_line_col():
    got = problems("""\
title: P
weeks: 4
days:
  - day: Monday
    routine: posterior-chain.yaml
progression:
  - load: +2.5
  - load: +0kg
  - load: 60
  - load: +2.5 stone
deload:
  every: 2
  load: 10%
""")
    assert got == [
        "p.yaml:7:11: progression[0].load: 2.5 has no unit: write +2.5kg to add that much each week, or 2.5kg to set the load",
        "p.yaml:8:11: progression[1].load: '+0kg' changes nothing; write e.g. +2.5kg, or remove the rule",
        "p.yaml:9:11: progression[2].load: 60 has no unit: write +60kg to add that much each week, or 60kg to set the load",
        "p.yaml:10:11: progression[3].load: '+2.5 stone' is not a load change (expected the load added each week, e.g. +2.5kg or +5lb, or a load such as 70kg)",
        "p.yaml:13:9: deload.load: '10%' is not a deload load change (expected a percentage from -50% to 0%, e.g. -10% for ten percent lighter)",
    ]


def test_shipped_program_deload_week_and_the_week_after():
    got = sessions(load_program(SHIPPED))
    monday = {s.week: s.routine for s in got if s.day == "Monday"}
    assert monday[4].notice.startswith("This is a deload week: about ten percent lighter on every lift")
    assert monday[5].notice == "The deload is over: back to full training this week."
    assert [monday[w].notice for w in (1, 2, 3, 6)] == [None] * 4
    # no add-load note in the deload week, whatever the exercise
    assert not any(n.kind == "add_load" for e in monday[4].entries for n in e.program_notes)


def test_add_load_note_is_spoken_in_the_compiled_session():
    from audiocoach.compile.compiler import compile_routine, estimate_ms

    week4 = progress_routine(ROUTINE, [Rule("reps", amount=1)], 4, weeks=4)
    spoken = [e.text for e in compile_routine(week4, estimate_ms).events if e.kind == "speech"]
    assert "Back to eight reps this week: you reached ten last week, so add a little load." in spoken


def test_readme_documents_every_rule_and_deload_key():
    from audiocoach.program.progression import ACTIONS, DELOAD_KEYS

    programs = (ROOT / "docs" / "programs.md").read_text(encoding="utf-8")
    for action in ACTIONS:
        assert f"| `{action}: " in programs, f"progression rule '{action}' is not in docs/programs.md's rule table"
    deload = programs.split("### Deload weeks", 1)[1].split("###", 1)[0]
    for key in DELOAD_KEYS:
        assert f"{key}: " in deload, f"deload key '{key}' has no example in docs/programs.md"


def test_deload_lightens_group_members_but_leaves_their_rounds_to_the_group():
    routine = loads(
        "title: G\nblocks:\n  - name: M\n    exercises:\n      - superset:\n          rounds: 3\n          exercises:\n"
        "            - exercise: romanian-deadlift\n              reps: 8\n              load: 80kg\n              rpe: 9\n"
        "            - exercise: hip-thrust\n              reps: 10\n",
        "g.yaml",
    )
    week2 = progress_routine(
        routine, [Rule("load", load_step=2.5, load_unit="kg")], 2, weeks=2, deload=Deload(weeks=(2,))
    )
    group = week2.items[0]
    assert (group.rounds, group.rest) == (3, routine.items[0].rest)
    rdl_, thrust = group.members
    # the load step does not climb in the deload week; 80kg less ten percent is 72.5kg
    assert (str(rdl_.load), str(rdl_.effort), rdl_.sets) == ("72.5kg", "RPE 7", 1)
    # no load given: the weight is the lifter's choice, and the deload asks for two more in reserve
    assert (thrust.load, str(thrust.effort)) == (None, "4 RIR")


def test_deload_week_is_heard_in_the_compiled_session(tmp_path):
    from audiocoach.compile.compiler import compile_routine, estimate_ms

    (tmp_path / "r.yaml").write_text(
        "title: Hinge day\nblocks:\n  - name: M\n    exercises:\n      - exercise: romanian-deadlift\n        sets: 3\n"
        "        reps: 8\n        load: 60kg\n        rpe: 8\n"
    )
    (tmp_path / "p.yaml").write_text(
        "title: P\nweeks: 3\ndays:\n  - day: Monday\n    routine: r.yaml\nprogression:\n  - load: +2.5kg\ndeload:\n  weeks: 2\n"
    )
    week = {s.week: s.routine for s in sessions(load_program(tmp_path / "p.yaml"))}

    def said(routine):
        return [e.text for e in compile_routine(routine, estimate_ms).events if e.kind == "speech"]

    deload = said(week[2])
    assert deload[:2] == [
        "Week 2, Monday, deload: Hinge day. About four minutes. Let's get to work.",
        "This is a deload week: about ten percent lighter on every lift, one set fewer and thirty seconds more rest. "
        "Leave more in the tank and let your body recover.",
    ]
    # 60kg less ten percent, to the plate: 55kg; RPE 8 becomes RPE 6
    assert "Set one: fifty-five kilos, leave four in the tank." in deload
    after = said(week[3])
    assert after[1] == "The deload is over: back to full training this week."
    assert "Set one: sixty-two and a half kilos, leave two in the tank." in after
    assert "Next, the last set: sixty-two and a half kilos, leave two in the tank." in after
    assert not any("deload" in line.lower() for line in said(week[1]))
