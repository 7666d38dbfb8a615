"""The command line: exact output, exit codes, and no file left by a failed build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiocoach.cli import cli
from audiocoach.speech import SESSION_RATE
from helpers import SHORT_ROUTINE

ROOT = Path(__file__).resolve().parent.parent
BAD = "title: Bad\nblocks:\n  - name: B\n    exercises:\n      - exercise: romanian-deadlift\n        reps: 8\n        tempo: 3-1-x\n"
BAD_MESSAGE = (
    "Error: bad.yaml:7:16: blocks[0].exercises[0].tempo: '3-1-x' is not a tempo "
    "(expected four phases such as 3-1-1-0; X = explosive)\n"
)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "short.yaml").write_text(SHORT_ROUTINE, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", ["build", "plan", "validate", "exercises", "voices"])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"audiocoach {command}" in result.output


def test_validate_ok_and_bad(runner, in_tmp):
    # 10 s rests (and the 3 s lead-in at their end): valid, but too short for all they say.
    (in_tmp / "short.yaml").write_text(SHORT_ROUTINE.replace("16s", "10s"), encoding="utf-8")
    ok = runner.invoke(cli, ["validate", "short.yaml", "--estimate"])
    assert ok.exit_code == 0
    assert ok.stdout == "short.yaml: ok (2 exercises in 1 block)\n"
    bad = runner.invoke(cli, ["validate", "short.yaml", "bad.yaml", "--estimate"])
    assert bad.exit_code == 1
    assert bad.stdout == "short.yaml: ok (2 exercises in 1 block)\n"
    fit = (  # short.yaml is valid; validate still says what will not fit, and the fix
        "short.yaml:8:9: warning: The rest between sets of Romanian deadlift is 10 s, too short for 'Big breath in, brace your core, then hinge.': it is left out. Make rest at least 25 s, or use verbosity minimal\n"
        "short.yaml:11:9: warning: The rest before Glute bridge hold is 10 s, too short to announce it (left out: 'Keep your hips high.'). Make rest_after on Romanian deadlift at least 20 s, or use verbosity minimal\n"
    )
    assert ok.stderr == fit
    assert bad.stderr == fit + BAD_MESSAGE[len("Error: ") :] + "Error: 1 of 2 files have problems: bad.yaml\n"


def test_validate_shipped_routines(runner):
    paths = [str(p) for p in sorted((ROOT / "routines").glob("posterior-chain*.yaml")) if "blocks:" in p.read_text()]
    result = runner.invoke(cli, ["validate", *paths, "--estimate"])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == len(paths)


def test_build_bad_file_writes_nothing(runner, in_tmp):
    result = runner.invoke(cli, ["build", "bad.yaml"])
    assert result.exit_code == 1
    assert result.stderr == BAD_MESSAGE
    assert "Traceback" not in result.output
    assert not (in_tmp / "output").exists() or list((in_tmp / "output").iterdir()) == []


def test_missing_file_is_a_clear_error(runner, in_tmp):
    result = runner.invoke(cli, ["plan", "nope.yaml"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: nope.yaml: cannot read the routine")


def test_exercises_lists_the_library(runner):
    result = runner.invoke(cli, ["exercises"])
    assert result.exit_code == 0
    assert result.output.startswith("romanian-deadlift        Romanian deadlift  [3-1-1-0, eccentric first]\n")
    data = json.loads(runner.invoke(cli, ["exercises", "--json"]).output)
    assert len(data) == 22 and data[0]["id"] == "romanian-deadlift"


@pytest.mark.engine
def test_voices_lists_english(runner):
    result = runner.invoke(cli, ["voices", "--engine", "pyttsx3", "--language", "en"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "engine: pyttsx3 (default voice: default)"
    assert "gmw/en-us" in result.output
    assert all(line.split()[1].startswith("en") for line in lines[1:])


@pytest.mark.engine
def test_plan_text_and_json(runner, in_tmp, cli_env):
    text = runner.invoke(cli, ["plan", "short.yaml"], env=cli_env)
    assert text.exit_code == 0, text.output
    header, *lines = text.output.splitlines()
    assert header.startswith("Short test: voice ") and header.endswith(f", 170 words/min, {SESSION_RATE} Hz")
    assert lines[0] == "00:00.000  CHAPTER  Intro"
    assert lines[1].startswith("00:00.000  speech   Short test. About ")
    assert lines[-1].startswith("Total: ")
    data = json.loads(runner.invoke(cli, ["plan", "short.yaml", "--json"], env=cli_env).stdout)
    assert data["duration_ms"] > 0
    for e in data["events"]:
        assert {"start_ms", "end_ms", "kind", "text"} <= set(e)
    assert any(e["kind"] == "speech" for e in data["events"])
    assert (
        lines[-1]
        == f"Total: {data['duration_ms'] // 60000:02d}:{data['duration_ms'] % 60000 / 1000:06.3f} ({data['duration_ms']} ms)"
    )


@pytest.mark.engine
def test_build_writes_mp3_and_reports(runner, in_tmp, cli_env):
    result = runner.invoke(cli, ["build", "short.yaml"], env=cli_env)
    assert result.exit_code == 0, result.output
    out = in_tmp / "output" / "short.mp3"
    assert out.exists() and out.stat().st_size > 10_000
    assert result.stdout.startswith("Wrote output/short.mp3 (")
    assert sorted(p.name for p in (in_tmp / "output").iterdir()) == [
        "short.json",
        "short.mp3",
        "short.plan.json",
        "short.vtt",
    ]
    custom = runner.invoke(cli, ["build", "short.yaml", "-o", "x/y.mp3", "--no-sidecars"], env=cli_env)
    assert custom.exit_code == 0
    assert sorted(p.name for p in (in_tmp / "x").iterdir()) == ["y.mp3"]
