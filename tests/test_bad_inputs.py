"""The bad-input corpus: every file in tests/bad/ is refused with its exact message and location.

Each file's first line says what the loader must answer: ``# expect: LINE:COL: PATH: message``
(``{dir}`` stands for the corpus folder). The files cover the YAML level (control characters,
tags, nesting, alias bombs, huge integers), every bounded number, the session as a whole,
phrase templates, spoken-text length, music and programs. Each must fail fast: the whole
corpus loads in well under a second a file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.errors import RoutineError
from audiocoach.load.routine import load_routine
from audiocoach.program.programs import is_program, load_program, sessions

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(p for p in BAD.glob("*.yaml") if p.name != "ok-routine.yaml")


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} does not say what to expect"
    return f"{path.name}:" + first[len("# expect: ") :].replace("{dir}", str(BAD))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_the_program_corpus_points_at_a_valid_routine():
    assert load_routine(BAD / "ok-routine.yaml").title == "OK"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input_is_refused_with_its_message_and_location(path):
    started = time.monotonic()
    with pytest.raises(RoutineError) as err:
        if is_program(path):
            sessions(load_program(path, display_name=path.name), strict=True)
        else:
            load_routine(path, display_name=path.name)
    assert str(err.value) == _expected(path)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "name", ["nul-character", "huge-integer", "alias-bomb", "program-day-is-etc-passwd", "title-too-long"]
)
def test_validate_reports_it_with_exit_1_and_no_traceback(name, monkeypatch):
    monkeypatch.chdir(BAD)
    result = CliRunner().invoke(cli, ["validate", f"{name}.yaml"])
    assert result.exit_code == 1
    assert result.stderr == _expected(BAD / f"{name}.yaml") + f"\nError: 1 of 1 files have problems: {name}.yaml\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", ["title-too-long", "note-too-long", "key-too-long", "huge-integer"])
def test_a_long_value_is_cut_in_the_message(name):
    path = BAD / f"{name}.yaml"
    longest_line = max(len(line) for line in path.read_text(encoding="utf-8").splitlines()[1:])
    assert longest_line > 100
    assert len(_expected(path)) < 220
