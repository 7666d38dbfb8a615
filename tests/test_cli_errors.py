"""One error translation for every command: exit 1 bad input, 2 usage, 130 interruption."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.errors import RoutineError

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = str(ROOT / "routines" / "tabata-swings.yaml")
PROGRAM = str(ROOT / "routines" / "posterior-chain-6-weeks.yaml")
COMMANDS = {
    "build": ["build", ROUTINE],
    "plan": ["plan", ROUTINE],
    "validate": ["validate", ROUTINE],
    "batch": ["batch", PROGRAM],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_usage_mistake_exits_2(name):
    result = CliRunner().invoke(cli, [*COMMANDS[name], "--no-such-option"])
    assert result.exit_code == 2
    assert "Error: No such option '--no-such-option'." in result.stderr


@pytest.mark.parametrize("name", ["build", "plan", "validate"])
def test_ctrl_c_exits_130_in_every_command(name, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("audiocoach.cli.load_routine", interrupted)  # build
    monkeypatch.setattr("audiocoach.cli.inspect.load_routine", interrupted)  # plan, validate
    result = CliRunner().invoke(cli, COMMANDS[name])
    assert result.exit_code == 130
    assert result.stderr == "\nInterrupted: nothing half-written was kept.\n"


def test_batch_interrupted_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("audiocoach.cli.build_program", interrupted)
    result = CliRunner().invoke(cli, COMMANDS["batch"] + ["-o", "/nonexistent-never-written"])
    assert result.exit_code == 130


@pytest.mark.parametrize("name", ["build", "plan", "validate"])
def test_bad_input_exits_1_in_every_command(name, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: !!binary aGk=\nblocks: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [name, str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1:8: the tag !!binary is not supported" in result.stderr
    assert "Traceback" not in result.output


def test_an_unexpected_os_error_is_a_message_not_a_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere/x.mp3")

    monkeypatch.setattr("audiocoach.cli.load_routine", broken)
    result = CliRunner().invoke(cli, ["build", ROUTINE])
    assert result.exit_code == 1
    assert result.stderr == "Error: /somewhere/x.mp3: Permission denied\n"


def test_each_message_line_is_cut(monkeypatch):
    from audiocoach.errors import Problem

    def huge(*args, **kwargs):
        raise RoutineError([Problem(None, "x" * 5000)])

    monkeypatch.setattr("audiocoach.cli.load_routine", huge)
    result = CliRunner().invoke(cli, ["build", ROUTINE])
    assert result.exit_code == 1
    line = result.stderr.rstrip("\n")
    assert line.startswith("Error: xxx") and line.endswith("...")
    assert len(line) <= len("Error: ") + 1000


def test_a_program_day_naming_another_file_never_prints_it(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("the-password-is-swordfish\n", encoding="utf-8")
    program = tmp_path / "p.yaml"
    program.write_text("title: P\nweeks: 1\ndays:\n  - day: Mon\n    routine: secret.yaml\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(program)])
    assert result.exit_code == 1
    assert "swordfish" not in result.output
    assert f"{secret}:1:1: expected a routine (a mapping of keys), found a single value" in result.stderr


def test_validate_accepts_the_shipped_program():
    result = CliRunner().invoke(cli, ["validate", PROGRAM, ROUTINE, "--estimate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{PROGRAM}: ok (program, 6 weeks x 2 sessions, 12 in all)\n{ROUTINE}: ok (2 exercises in 2 blocks)\n"
    )


def test_a_missing_libespeak_ng_is_a_clean_error(monkeypatch, tmp_path):
    """pyttsx3 raises RuntimeError when no espeak library loads; the user sees what to install."""
    import ctypes

    import pyttsx3.drivers

    def no_library(*args, **kwargs):
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    for name in [m for m in sys.modules if m.startswith("pyttsx3.drivers._espeak") or m == "pyttsx3.drivers.espeak"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(pyttsx3.drivers, "_espeak", raising=False)  # so the import runs again
    monkeypatch.setattr(ctypes.cdll, "LoadLibrary", no_library)
    result = CliRunner().invoke(
        cli,
        ["build", ROUTINE, "-o", str(tmp_path / "x.mp3"), "--engine", "pyttsx3", "--cache-dir", str(tmp_path / "c")],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the espeak-ng library is missing: ")
    assert list(tmp_path.glob("*.mp3")) == []
