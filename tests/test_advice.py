"""Fit warnings in a lifter's words, with the fix, from validate and plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import loads

SHORT_REST = (
    "title: T\nblocks:\n  - name: B\n    exercises:\n"
    "      - exercise: romanian-deadlift\n        reps: 1\n        rest_after: 3s\n"
    "      - exercise: hip-thrust\n        reps: 1\n        sets: 3\n"
)
WARNING = (
    "r.yaml:8:9: warning: The rest before Hip thrust is 3 s, too short to announce it (left out: 'Breathe"
    " in and brace, then drive.', 'Roll the bar over your hips and plant your feet flat.', 'Sit on the fl"
    "oor with your upper back against the bench.', 'Last exercise: Hip thrust, three sets of one. Up, a t"
    "wo-second squeeze, then lower for two seconds.', 'Get ready. Set one of three.'; shortened: 'Rest, t"
    "hree seconds.' (said as 'Rest.')). Make rest_after on Romanian deadlift at least 25 s, or use verbos"
    "ity minimal"
)


def test_validate_shows_fit_warnings_with_the_fix(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(SHORT_REST, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "r.yaml", "--estimate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "r.yaml: ok (2 exercises in 1 block)\n"
    assert result.stderr == WARNING + "\n"


def test_validate_is_quiet_when_everything_fits(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(SHORT_REST.replace("rest_after: 3s", "rest_after: 45s"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "r.yaml", "--estimate"])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("given_s", [1, 3, 8, 11, 13, 14, 16, 19])
def test_the_advised_rest_is_one_the_compiler_fits_the_announcement_in(given_s: int) -> None:
    # advice asks the compiler's own rest rule (expand.announce_by_ms), so following its
    # advice makes the warning go away instead of moving it.
    routine = loads(SHORT_REST.replace("rest_after: 3s", f"rest_after: {given_s}s"))
    warned = [c for c in compile_routine(routine, estimate_ms).changes if "Make rest_after" in (c.advice or "")]
    assert warned, "the rest is too short: the test needs a warning to follow"
    advised = int(re.search(r"at least (\d+) s", warned[0].advice).group(1))
    assert advised > given_s
    fixed = loads(SHORT_REST.replace("rest_after: 3s", f"rest_after: {advised}s"))
    assert not [c for c in compile_routine(fixed, estimate_ms).changes if "rest_after" in (c.advice or "")]
