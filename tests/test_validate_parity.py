"""Issue 26, point 5 (#19 point 7): ``validate`` prints exactly the warnings ``plan`` prints, by
default: the same engine (the one plan picks) and the same measure (its real clip lengths)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from audiocoach.cli import cli
from audiocoach.program.programs import is_program
from conftest import SHIPPED_ROUTINES
from test_properties import routines as generated_routines

#: A coach's day with a 20 s rest before a hip thrust: the estimate and the real voice disagree
#: on what fits there (before: validate said 'at least 40 s', plan 'at least 35 s').
COACH_DAY = """\
title: Coach day
defaults:
  verbosity: coach
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 8
        rest: 60s
        rest_after: 20s
      - exercise: hip-thrust
        sets: 2
        reps: 10
        rest: 60s
"""
PROGRAM = "title: P\nweeks: 2\ndays:\n  - day: Monday\n    routine: coach.yaml\nprogression:\n  - reps: +1\n"


def _warnings(result, prefix: str = "") -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.removeprefix(prefix) for line in result.output.splitlines() if "warning:" in line]


@pytest.mark.engine
def test_validate_prints_what_plan_prints_with_no_options(runner, cli_env, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("coach.yaml").write_text(COACH_DAY, encoding="utf-8")
    Path("p.yaml").write_text(PROGRAM, encoding="utf-8")
    validate = _warnings(runner.invoke(cli, ["validate", "coach.yaml"], env=cli_env))
    assert validate, "the 20 s rest before the hip thrust should warn"
    assert len(validate) == len(set(validate)), "each decision once"
    assert _warnings(runner.invoke(cli, ["plan", "coach.yaml"], env=cli_env), "fit: ") == validate
    program = _warnings(runner.invoke(cli, ["validate", "p.yaml"], env=cli_env))
    assert program and all(w.startswith("week-0") for w in program)
    assert _warnings(runner.invoke(cli, ["plan", "p.yaml"], env=cli_env)) == program


@pytest.mark.engine
@pytest.mark.parametrize("path", SHIPPED_ROUTINES, ids=[p.name for p in SHIPPED_ROUTINES])
def test_validate_prints_what_plan_prints_for_shipped_routines_and_programs(runner, cli_env, path: Path):
    """Every shipped routine, and every week of the shipped program (plan PROGRAM prints each
    session's warnings as KEY: warning, as validate does)."""
    validate = _warnings(runner.invoke(cli, ["validate", str(path)], env=cli_env))
    prefix = "" if is_program(path) else "fit: "
    assert _warnings(runner.invoke(cli, ["plan", str(path)], env=cli_env), prefix) == validate


def test_estimate_is_asked_for_and_takes_no_voice(runner, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("coach.yaml").write_text(COACH_DAY, encoding="utf-8")
    quick = runner.invoke(cli, ["validate", "coach.yaml", "--estimate"])
    assert quick.exit_code == 0 and quick.stdout == "coach.yaml: ok (2 exercises in 1 block)\n"
    both = runner.invoke(cli, ["validate", "coach.yaml", "--estimate", "--engine", "espeak-ng"])
    assert both.exit_code == 2
    assert "--estimate uses no voice; leave out --engine, or --estimate" in both.stderr


@pytest.mark.engine
@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(text=generated_routines())
def test_validate_prints_what_plan_prints_for_generated_routines(runner, cli_env, tmp_path: Path, text: str):
    path = tmp_path / "generated.yaml"
    path.write_text(text, encoding="utf-8")
    validate = runner.invoke(cli, ["validate", str(path)], env=cli_env)
    if validate.exit_code == 1:  # refused (an EMOM member that does not fit): plan refuses it the same way
        assert runner.invoke(cli, ["plan", str(path)], env=cli_env).exit_code == 1
        return
    assert _warnings(runner.invoke(cli, ["plan", str(path)], env=cli_env), "fit: ") == _warnings(validate)


def test_with_no_engine_validate_still_checks_and_says_how(runner, tmp_path: Path, monkeypatch):
    """Only an engine that is not installed made visible: auto finds nothing (plan could not run)."""
    from audiocoach.speech import BACKENDS, engine_missing

    absent = [name for name in BACKENDS if engine_missing(name)]
    if not absent:
        pytest.skip("every engine is installed here: none to leave auto with nothing")
    monkeypatch.setenv("AUDIOCOACH_ENGINES", absent[0])
    assert engine_missing("auto")
    monkeypatch.chdir(tmp_path)
    Path("coach.yaml").write_text(COACH_DAY, encoding="utf-8")
    result = runner.invoke(cli, ["validate", "coach.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "coach.yaml: ok (2 exercises in 1 block)\n"
    assert result.stderr.startswith("Note: no speech engine here; fit warnings from estimated speech lengths")
