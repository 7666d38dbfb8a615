from __future__ import annotations

import pytest

from audiocoach.load.overrides import (
    Override,
    OverrideError,
    apply_overrides,
    override_meta,
    parse_override,
    parse_overrides,
    resolve_overrides,
)
from audiocoach.load.routine import loads
from audiocoach.model import Rest

ROUTINE = """\
title: Override test
defaults:
  rest: 45-90s
  rest_after: 90s
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 3
        reps: 8-10
        tempo: 3-1-1-0
      - exercise: hip-thrust
        sets: 3
        reps: 10
      - exercise: glute-bridge-hold
        hold: 20s
"""


@pytest.fixture
def routine():
    return loads(ROUTINE, "t.yaml")


def by_id(routine, ex_id):
    return next(e for e in routine.entries if e.exercise.id == ex_id)


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("tempo", "3-1-1-0", Override("tempo", "3-1-1-0")),
        ("tempo", "romanian-deadlift=4-0-x-0", Override("tempo", "4-0-X-0", "romanian-deadlift")),
        ("rest", "60s", Override("rest", "60s")),
        ("rest", "hip-thrust = 1:30", Override("rest", "90s", "hip-thrust")),
        ("rest", "45-90s", Override("rest", "45-90s")),
        ("rest-after", "2m", Override("rest_after", "120s")),
        ("rest_after", "hip-thrust=2m", Override("rest_after", "120s", "hip-thrust")),
        ("voice", "en-gb", Override("voice", "en-gb")),
        ("rate", "160", Override("rate", "160")),
        ("verbosity", "Coach", Override("verbosity", "coach")),
        ("bitrate", "96k", Override("bitrate", "96k")),
    ],
)
def test_parse_override(kind, text, expected):
    assert parse_override(kind, text) == expected


@pytest.mark.parametrize(
    "kind, text, message",
    [
        (
            "tempo",
            "3-1-x",
            "--tempo 3-1-x: '3-1-x' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)",
        ),
        ("tempo", "3-0-0-0", "--tempo 3-0-0-0: '3-0-0-0' has a 0-second concentric phase (write X for explosive)"),
        ("tempo", "=3-1-1-0", "--tempo =3-1-1-0: the exercise id before '=' is missing (e.g. hip-thrust=3-1-1-0)"),
        ("tempo", "hip-thrust=", "--tempo hip-thrust=: the value is missing"),
        ("rest", "soon", "--rest soon: 'soon' is not a duration (expected a duration such as 45s, 1m30s, 1:30 or 90)"),
        ("rest", "90-45s", "--rest 90-45s: '90-45s' is a range whose low end is above its high end"),
        ("rate", "fast", "--rate fast: 'fast' is not a speech rate (expected words per minute from 80 to 450)"),
        ("rate", "900", "--rate 900: '900' is not a speech rate (expected words per minute from 80 to 450)"),
        ("verbosity", "chatty", "--verbosity chatty: 'chatty' is not one of: minimal, standard, coach"),
        ("bitrate", "64", "--bitrate 64: '64' is not an MP3 bitrate (expected 8k to 320k, e.g. 64k)"),
        (
            "volume",
            "11",
            "unknown override 'volume' (valid: tempo, rest, rest_after, load, swap, voice, rate, verbosity, rest_policy, rep_range, bitrate)",
        ),
    ],
)
def test_parse_override_errors(kind, text, message):
    with pytest.raises(OverrideError) as exc:
        parse_override(kind, text)
    # the unit parsers may add a hint after the message; the start is ours
    assert str(exc.value).startswith(message)


def test_flag_round_trip():
    assert parse_override("rest_after", "hip-thrust=2m").flag == "--rest-after hip-thrust=120s"
    assert parse_override("tempo", "3-1-1-0").flag == "--tempo 3-1-1-0"


def test_parse_overrides_skips_empty():
    got = parse_overrides(tempo=["3-1-1-0"], rest=[], rest_after=None, rate=160, verbosity=None)
    assert got == (Override("tempo", "3-1-1-0"), Override("rate", "160"))


# ---------------------------------------------------------------- applying


def test_tempo_for_every_exercise_skips_holds(routine):
    new, applied = resolve_overrides(routine, [parse_override("tempo", "2-0-X-1")])
    assert by_id(new, "romanian-deadlift").tempo.text == "2-0-X-1"
    assert by_id(new, "romanian-deadlift").tempo.concentric_ms == 500  # no explosive setting, none in the library
    assert by_id(new, "hip-thrust").tempo.rep_ms == 2000 + 500 + 1000
    assert by_id(new, "glute-bridge-hold").tempo == by_id(routine, "glute-bridge-hold").tempo
    assert [a.exercise for a in applied] == ["romanian-deadlift", "hip-thrust"]


def test_named_override_wins_whatever_the_order(routine):
    overrides = parse_overrides(tempo=["romanian-deadlift=4-0-1-0", "3-1-1-0"])
    new = apply_overrides(routine, overrides)
    assert by_id(new, "romanian-deadlift").tempo.text == "4-0-1-0"
    assert by_id(new, "hip-thrust").tempo.text == "3-1-1-0"


def test_rest_overrides(routine):
    overrides = parse_overrides(rest=["60s", "hip-thrust=90s"], rest_after=["2m"])
    new = apply_overrides(routine, overrides)
    assert by_id(new, "romanian-deadlift").rest == Rest(60_000, 60_000)
    assert by_id(new, "hip-thrust").rest == Rest(90_000, 90_000)
    assert {e.rest_after for e in new.entries} == {Rest(120_000, 120_000)}
    # the original is untouched (frozen values)
    assert by_id(routine, "hip-thrust").rest == Rest(45_000, 90_000)


def test_settings_overrides(routine):
    new = apply_overrides(routine, parse_overrides(voice="en-gb", rate="150", verbosity="coach", bitrate="96k"))
    assert (new.settings.voice, new.settings.rate, new.settings.verbosity) == ("en-gb", 150, "coach")
    assert new.blocks == routine.blocks


def test_alias_matches(routine):
    new = apply_overrides(routine, [parse_override("rest", "rdl=30s")])
    assert by_id(new, "romanian-deadlift").rest == Rest(30_000, 30_000)


def test_unknown_exercise_lists_ids(routine):
    with pytest.raises(OverrideError) as exc:
        apply_overrides(routine, [parse_override("tempo", "hip-thurst=3-0-1-0")])
    assert str(exc.value) == (
        "--tempo hip-thurst=3-0-1-0: 'hip-thurst' is not an exercise in this routine "
        "(did you mean 'hip-thrust'? ids here: romanian-deadlift, hip-thrust, glute-bridge-hold)"
    )


def test_unknown_exercise_without_suggestion(routine):
    with pytest.raises(OverrideError, match=r"'squat' is not an exercise in this routine \(ids here: romanian"):
        apply_overrides(routine, [parse_override("rest", "squat=30s")])


def test_tempo_for_a_hold_is_an_error(routine):
    with pytest.raises(OverrideError, match="'glute-bridge-hold' is a timed hold here; a tempo does not apply"):
        apply_overrides(routine, [parse_override("tempo", "glute-bridge-hold=3-0-1-0")])


def test_conflicting_duplicates(routine):
    with pytest.raises(OverrideError, match=r"given twice \(--rest hip-thrust=60s and --rest hip-thrust=90s\)"):
        apply_overrides(routine, parse_overrides(rest=["hip-thrust=60s", "hip-thrust=90s"]))


def test_all_problems_reported_at_once(routine):
    with pytest.raises(OverrideError) as exc:
        apply_overrides(routine, parse_overrides(rest=["squat=30s"], tempo=["lunge=3-0-1-0"]))
    assert len(str(exc.value).splitlines()) == 2


def test_not_strict_skips_missing_targets(routine):
    new = apply_overrides(routine, [parse_override("rest", "squat=30s")], strict=False)
    assert new == routine


def test_meta_records_what_changed(routine):
    overrides = parse_overrides(tempo=["romanian-deadlift=4-0-1-0"], verbosity="coach")
    _, applied = resolve_overrides(routine, overrides)
    assert override_meta(overrides, applied) == {
        "overrides": "--tempo romanian-deadlift=4-0-1-0 --verbosity coach",
        "override.tempo.romanian-deadlift": "4-0-1-0 (routine: 3-1-1-0; from --tempo romanian-deadlift=4-0-1-0)",
        "override.verbosity": "coach (routine: standard; from --verbosity coach)",
    }
    assert override_meta((), ()) == {}


def test_rest_policy_and_rep_range_overrides_change_the_timing():
    from audiocoach.compile.compiler import compile_routine, estimate_ms
    from audiocoach.load.overrides import apply_overrides, parse_overrides
    from audiocoach.load.routine import loads

    routine = loads(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: romanian-deadlift\n"
        "        sets: 2\n        reps: 8-10\n        rest: 45-90s\n",
        "routine.yaml",
    )
    lengths = {}
    for policy, mode in (("min", "bottom"), ("max", "top")):
        changed = apply_overrides(routine, parse_overrides(rest_policy=policy, rep_range=mode))
        assert (changed.settings.rest_policy, changed.settings.rep_range) == (policy, mode)
        tl = compile_routine(changed, estimate_ms)
        segs = tl.of_kind("segment")
        lengths[policy] = (
            [s.length_ms for s in segs if s.role == "rest"],
            [s.length_ms for s in segs if s.role == "work"],
        )
    assert lengths["min"] == ([3000 + 45_000], [8 * 5000] * 2)  # the lead-in ends the rest
    assert lengths["max"] == ([3000 + 90_000], [10 * 5000] * 2)


def test_bad_rest_policy_is_a_clear_error():
    from audiocoach.load.overrides import OverrideError, parse_overrides

    with pytest.raises(OverrideError, match=r"^--rest-policy median: 'median' is not one of: min, mid, max$"):
        parse_overrides(rest_policy="median")


def test_load_override_names_one_exercise(routine):
    o = parse_override("load", "romanian-deadlift=62.5 kg")
    assert (o.kind, o.exercise, o.value, o.flag) == (
        "load",
        "romanian-deadlift",
        "62.5kg",
        "--load romanian-deadlift=62.5kg",
    )
    changed, applied = resolve_overrides(routine, [o])
    assert [str(e.load) if e.load else None for e in changed.entries] == ["62.5kg", None, None]
    assert [str(a) for a in applied] == ["62.5kg (routine: none; from --load romanian-deadlift=62.5kg)"]
    assert override_meta([o], applied) == {
        "overrides": "--load romanian-deadlift=62.5kg",
        "override.load.romanian-deadlift": "62.5kg (routine: none; from --load romanian-deadlift=62.5kg)",
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ("60kg", "--load 60kg: a load belongs to one exercise; write EXERCISE=LOAD, e.g. romanian-deadlift=60kg"),
        ("rdl=60", "--load rdl=60: '60' has no unit: write 60kg or 60lb"),
        ("=60kg", "--load =60kg: the exercise id before '=' is missing (e.g. hip-thrust=60kg)"),
    ],
)
def test_load_override_errors(text, message):
    with pytest.raises(OverrideError) as exc:
        parse_override("load", text)
    assert str(exc.value) == message


def test_load_override_unknown_exercise(routine):
    with pytest.raises(OverrideError, match=r"--load squat=60kg: 'squat' is not an exercise in this routine"):
        resolve_overrides(routine, [parse_override("load", "squat=60kg")])


# ---------------------------------------------------------------- --load on the command line

LOADED_PROGRAM = """\
title: Hinge block
weeks: 2
days:
  - day: Monday
    routine:
      title: Hinge day
      blocks:
        - name: Main
          exercises:
            - exercise: romanian-deadlift
              sets: 2
              reps: 8-9
              rpe: 8
              warmup_sets: 1
            - exercise: hip-thrust
              reps: 10
              load: 135lb
progression:
  - reps: +1
  - load: +5lb
    exercises: [hip-thrust]
"""


def test_load_option_errors_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from audiocoach.cli import cli

    (tmp_path / "r.yaml").write_text(ROUTINE)
    runner = CliRunner()
    bad = runner.invoke(cli, ["plan", str(tmp_path / "r.yaml"), "--load", "60kg"])
    assert (bad.exit_code, bad.output) == (
        1,
        "Error: --load 60kg: a load belongs to one exercise; write EXERCISE=LOAD, e.g. romanian-deadlift=60kg\n",
    )
    unknown = runner.invoke(cli, ["plan", str(tmp_path / "r.yaml"), "--load", "squat=60kg"])
    assert unknown.exit_code == 1
    assert unknown.output.startswith("Error: --load squat=60kg: 'squat' is not an exercise in this routine")


@pytest.mark.engine
def test_plan_program_shows_load_effort_warmups_and_notes(tmp_path, cli_env):
    from click.testing import CliRunner

    from audiocoach.cli import cli

    (tmp_path / "p.yaml").write_text(LOADED_PROGRAM)
    result = CliRunner().invoke(cli, ["plan", str(tmp_path / "p.yaml"), "--load", "rdl=60kg"], env=cli_env)
    assert result.exit_code == 0, result.output
    pad = " " * 31
    lines = [
        line
        for line in result.output.splitlines()
        if line.startswith(pad) or "romanian-deadlift " in line or "hip-thrust " in line
    ]
    assert lines == [
        "      romanian-deadlift        2 x 8              tempo 3-1-1-0  rest 60s       then 90s",
        pad + "load 60kg, RPE 8, after 1 warm-up set",
        "      hip-thrust               1 x 10             tempo 2-0-1-2  rest 60s       then 90s",
        pad + "load 135lb",
        "      romanian-deadlift        2 x 9              tempo 3-1-1-0  rest 60s       then 90s",
        pad + "load 60kg, RPE 8, after 1 warm-up set",
        "      hip-thrust               1 x 10             tempo 2-0-1-2  rest 60s       then 90s",
        pad + "load 140lb",
    ]
    assert result.output.startswith("Hinge block: 2 weeks, 1 sessions a week\nOverrides: --load rdl=60kg\n")
