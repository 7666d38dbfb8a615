"""Issue 12, part 1 and 2: input spelled as people write it, and commands that know what
they were given. Every case goes through the command line (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiocoach.cli import cli
from audiocoach.load.routine import load_routine
from audiocoach.model import RepRange, Rest
from helpers import SHORT_ROUTINE

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "routines" / "posterior-chain-6-weeks.yaml"


def routine(entry: str, defaults: str = "") -> str:
    head = "title: T\n" + (f"defaults:\n{defaults}" if defaults else "")
    return head + "blocks:\n  - name: B\n    exercises:\n      - " + entry.replace("\n", "\n        ") + "\n"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "short.yaml").write_text(SHORT_ROUTINE, encoding="utf-8")
    return tmp_path


def check(runner, path: Path, text: str):
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", path.name, "--estimate"])
    return result, (load_routine(path) if result.exit_code == 0 else None)


# ----------------------------------------------------------------------------- 1. inputs


@pytest.mark.parametrize(
    ("reps", "expected"),
    [("8–10", RepRange(8, 10)), ("8—10", RepRange(8, 10)), ("8 to 10", RepRange(8, 10)), ("8 – 10", RepRange(8, 10))],
)
def test_rep_ranges_with_dashes_and_to(runner, in_tmp, reps, expected):
    result, loaded = check(runner, in_tmp / "r.yaml", routine(f"exercise: romanian-deadlift\nreps: {reps}"))
    assert result.exit_code == 0, result.output
    assert result.output == "r.yaml: ok (1 exercise in 1 block)\n"
    assert loaded.entries[0].reps == expected


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("60 seconds", Rest(60_000, 60_000)),
        ("90 sec", Rest(90_000, 90_000)),
        ("1 min", Rest(60_000, 60_000)),
        ("1.5 min", Rest(90_000, 90_000)),
        ("2 minutes", Rest(120_000, 120_000)),
        ("1 min 30 sec", Rest(90_000, 90_000)),
        ("45–90s", Rest(45_000, 90_000)),
        ("60 to 90 seconds", Rest(60_000, 90_000)),
        ("1–1.5 min", Rest(60_000, 90_000)),
    ],
)
def test_durations_in_words(runner, in_tmp, rest, expected):
    text = routine(f"exercise: romanian-deadlift\nreps: 8\nsets: 2\nrest: {rest}\nrest_after: {rest}")
    result, loaded = check(runner, in_tmp / "r.yaml", text)
    assert result.exit_code == 0, result.output
    assert loaded.entries[0].rest == expected
    assert loaded.entries[0].rest_after == expected


def test_a_fraction_of_a_second_is_refused_with_the_fix(runner, in_tmp):
    result, _ = check(runner, in_tmp / "r.yaml", routine("exercise: romanian-deadlift\nreps: 8\nrest: 1.51 min"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "r.yaml:7:15: blocks[0].exercises[0].rest: '1.51 min' is not a whole number of seconds "
        "(expected a duration such as 45s, 1m30s, 1:30 or 90)\n"
    )


@pytest.mark.parametrize(
    ("tempo", "expected"), [("3010", "3-0-1-0"), ("'3010'", "3-0-1-0"), ("31X0", "3-1-X-0"), ("3–1–1–0", "3-1-1-0")]
)
def test_tempo_digits_without_dashes(runner, in_tmp, tempo, expected):
    result, loaded = check(runner, in_tmp / "r.yaml", routine(f"exercise: romanian-deadlift\nreps: 8\ntempo: {tempo}"))
    assert result.exit_code == 0, result.output
    assert loaded.entries[0].tempo.text == expected
    assert loaded.entries[0].tempo.eccentric_ms == 3000


def test_tempo_default_and_override_take_digits(runner, in_tmp):
    result, loaded = check(
        runner, in_tmp / "r.yaml", routine("exercise: hip-thrust\nreps: 8", defaults="  tempo: 2011\n")
    )
    assert result.exit_code == 0, result.output
    plan = runner.invoke(cli, ["plan", "r.yaml", "--tempo", "4010", "--engine", "nope"])
    assert "--tempo" not in plan.output  # the override parsed; the engine choice is what failed
    assert plan.exit_code == 2


@pytest.mark.parametrize(
    ("name", "exercise_id"),
    [
        ("Romanian deadlift", "romanian-deadlift"),
        ("hip thrust", "hip-thrust"),
        ("Hip Thrust", "hip-thrust"),
        ("hip_thrust", "hip-thrust"),
        ("hyperextension", "back-extension"),
        ("RDL", "romanian-deadlift"),
        ("kb swing", "kettlebell-swing"),
        ("hip thrusts", "hip-thrust"),
    ],
)
def test_exercise_names_in_words(runner, in_tmp, name, exercise_id):
    result, loaded = check(runner, in_tmp / "r.yaml", routine(f"exercise: {name}\nreps: 8"))
    assert result.exit_code == 0, result.output
    assert loaded.entries[0].exercise.id == exercise_id


def test_unknown_exercise_in_words_still_suggests(runner, in_tmp):
    result, _ = check(runner, in_tmp / "r.yaml", routine("exercise: romanian dedlift\nreps: 8"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "r.yaml:5:19: blocks[0].exercises[0].exercise: 'romanian dedlift' is not an exercise in the library "
        "(did you mean 'romanian-deadlift'?)\n"
    )


@pytest.mark.parametrize(
    ("key", "example"),
    [
        ("hold_top", "tempo: 3-0-1-2 (2 s at the top)"),
        ("pause_at_bottom", "tempo: 3-2-1-0 (2 s at the bottom)"),
        ("pause", "tempo: 3-1-1-2 (1 s at the bottom, 2 s at the top)"),
    ],
)
def test_a_pause_key_explains_the_tempo(runner, in_tmp, key, example):
    result, _ = check(runner, in_tmp / "r.yaml", routine(f"exercise: hip-thrust\nreps: 8\n{key}: 2s"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"r.yaml:7:9: blocks[0].exercises[0].{key}: '{key}' is not a key: a pause in every rep is part of the "
        "tempo, whose 2nd digit is the pause at the bottom (after lowering) and 4th the pause at the top (after "
        f"lifting); write {example}. 'hold: 30s' is a different thing: a timed set (a plank), instead of reps\n"
    )


def test_hold_with_reps_points_at_the_tempo(runner, in_tmp):
    result, _ = check(runner, in_tmp / "r.yaml", routine("exercise: hip-thrust\nreps: 8\nhold: 2s"))
    assert result.exit_code == 1
    assert (
        "to pause in every rep, write the pause in the tempo: its 2nd digit pauses at the bottom, its 4th at the top"
        in result.stderr
    )


# ----------------------------------------------------------------------------- 2. commands


def test_validate_takes_routines_and_programs_mixed(runner):
    """The example in validate's own help, on the shipped tree."""
    paths = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "routines").glob("*.yaml"))]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        result = runner.invoke(cli, ["validate", *paths, "--estimate"])
    assert result.exit_code == 0, result.output
    assert "routines/posterior-chain-6-weeks.yaml: ok (program, 6 weeks x 2 sessions, 12 in all)\n" in result.output
    assert "routines/posterior-chain.yaml: ok (13 exercises in 3 blocks)\n" in result.output
    assert result.output.count(": ok (") == len(paths)


def test_validate_reports_a_broken_program_and_goes_on(runner, in_tmp):
    (in_tmp / "prog.yaml").write_text(
        "title: P\nweeks: 2\ndays:\n  - day: Monday\n    routine: missing.yaml\n", encoding="utf-8"
    )
    result = runner.invoke(cli, ["validate", "prog.yaml", "short.yaml", "--estimate"])
    assert result.exit_code == 1
    assert result.stdout == "short.yaml: ok (2 exercises in 1 block)\n"
    assert result.stderr.endswith("Error: 1 of 2 files have problems: prog.yaml\n")
    assert result.stderr.startswith("prog.yaml:5:14: ")


def test_build_names_batch_for_a_program(runner):
    result = runner.invoke(cli, ["build", str(PROGRAM)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {PROGRAM} is a program (it has 'days'), not a routine: render its sessions with "
        f"'audiocoach batch {PROGRAM}', or see them week by week with 'audiocoach plan {PROGRAM}'\n"
    )


def test_batch_names_build_for_a_routine(runner, in_tmp):
    result = runner.invoke(cli, ["batch", "short.yaml"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: short.yaml is a routine (it has 'blocks'), not a program: render it with 'audiocoach build short.yaml', "
        "or see its timeline with 'audiocoach plan short.yaml' (batch renders a program's weeks of sessions)\n"
    )
    assert not (in_tmp / "output").exists()


def test_output_suffix_unknown_is_an_error(runner, in_tmp):
    result = runner.invoke(cli, ["build", "short.yaml", "-o", "x.flac"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: -o x.flac: audiocoach does not write '.flac' files (it writes .mp3, .m4a, .ogg, .wav); change the suffix, or name the format with --format\n"
    )
    assert not (in_tmp / "x.flac").exists()


def test_output_suffix_contradicting_format_is_an_error(runner, in_tmp):
    result = runner.invoke(cli, ["build", "short.yaml", "-o", "x.ogg", "--format", "mp3"])
    assert result.exit_code == 1
    assert result.stderr == "Error: -o x.ogg asks for ogg but --format says mp3; drop --format or write -o x.mp3\n"


@pytest.mark.engine
@pytest.mark.parametrize(
    ("args", "name", "magic"),
    [
        (["-o", "x.ogg"], "x.ogg", b"OggS"),
        (["-o", "x.wav", "--format", "wav"], "x.wav", b"RIFF"),
        (["-o", "x", "--format", "m4a"], "x.m4a", b"ftyp"),
    ],
)
def test_output_suffix_chooses_the_format(runner, in_tmp, cli_env, args, name, magic):
    result = runner.invoke(cli, ["build", "short.yaml", "--no-sidecars", *args], env=cli_env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {name} (")
    head = (in_tmp / name).read_bytes()[:12]
    assert magic in head


@pytest.mark.parametrize("command", [[], *([c] for c in sorted(cli.commands))])
def test_dash_h_is_help_everywhere(runner, command):
    short = runner.invoke(cli, [*command, "-h"])
    long = runner.invoke(cli, [*command, "--help"])
    assert short.exit_code == 0
    assert short.output == long.output
    assert short.output.startswith("Usage: ")


def test_exercises_show_aliases(runner):
    result = runner.invoke(cli, ["exercises"])
    assert result.exit_code == 0
    assert "back-extension           Back extension" in result.output
    assert "\n                         also: hyperextension, back-extensions\n" in result.output
    assert "\n                         also: rdl, romanian-deadlifts\n" in result.output


def test_exercises_search_and_muscle(runner):
    hinge = runner.invoke(cli, ["exercises", "--search", "hinge", "--json"])
    assert hinge.exit_code == 0
    ids = [e["id"] for e in json.loads(hinge.output)]
    # Every hip hinge, by its movement pattern: the RDL and the swing say "hinge" nowhere else.
    assert ids == [
        "romanian-deadlift",
        "step-romanian-deadlift",
        "stiff-leg-deadlift",
        "cable-pull-through",
        "bodyweight-hip-hinge",
        "kettlebell-swing",
        "good-morning",
        "back-extension",
    ]
    assert {e["pattern"] for e in json.loads(hinge.output)} == {"hinge"}
    quads = runner.invoke(cli, ["exercises", "--muscle", "quads"])
    assert quads.exit_code == 0
    assert quads.output.splitlines()[0].startswith("walking-lunge ")
    assert len(quads.output.splitlines()) == 4  # one exercise: name, aliases, muscles, cues
    glutes = json.loads(runner.invoke(cli, ["exercises", "--muscle", "glutes", "--json"]).output)
    assert "banded-lateral-walk" in [e["id"] for e in glutes]  # glute medius counts as glutes
    assert "hamstring-curl-machine" not in [e["id"] for e in glutes]
    none = runner.invoke(cli, ["exercises", "--search", "bench press"])
    assert none.exit_code == 1
    assert none.stderr == "Error: no exercise matches 'bench press' (run 'audiocoach exercises' to list them all)\n"


def test_readme_quick_start_makes_the_command_runnable_and_documents_completion():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "source .venv/bin/activate" in quick
    assert 'eval "$(_AUDIOCOACH_COMPLETE=bash_source audiocoach)"' in readme
