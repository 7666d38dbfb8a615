"""The session bound is an upper bound: no shipped routine compiles to more than it says,
whatever the rest policy and rep-range mode, and it is close enough not to refuse a long
but real session (the benchmark's three-hour session passes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms, fit_warnings
from audiocoach.defaults import MAX_SESSION_MS
from audiocoach.load.bounds import session_size
from audiocoach.load.routine import load_routine
from audiocoach.timing import estimate_clip_ms
from conftest import SHIPPED_ROUTINES

ROUTINES = [p for p in SHIPPED_ROUTINES if "weeks" not in p.name]  # programs are checked week by week


@pytest.mark.parametrize("policy", ["min", "mid", "max"])
@pytest.mark.parametrize("mode", ["range", "bottom", "top"])
@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_no_routine_compiles_past_its_bound(path, policy, mode):
    routine = load_routine(path)
    routine = replace(routine, settings=replace(routine.settings, rest_policy=policy, rep_range=mode))
    timeline = compile_routine(routine, estimate_ms)
    size = session_size(routine)
    assert timeline.duration_ms <= size.ms
    assert len(timeline.events) <= size.events


def test_the_bound_of_a_real_session_is_within_a_sixth_of_it():
    routine = load_routine(next(p for p in ROUTINES if p.name == "posterior-chain.yaml"))
    real = compile_routine(routine, estimate_ms).duration_ms
    assert session_size(routine).ms <= real * 7 // 6
    # So a real session of up to about three and a half hours is never refused.
    assert MAX_SESSION_MS * 6 // 7 >= 3 * 3_600_000


# --------------------------------------------------------------------------- one home per rule

STRUCTURES = sorted((Path(__file__).parent / "golden" / "structures").glob("*.yaml"))
EVERY = ROUTINES + STRUCTURES
#: The bound counts the intro and outro as a fixed two minutes and every rest at its policy's
#: pick; the rest of it is the compiler's own timing functions, so it stays this close.
TIGHT_MS = 120_000


@pytest.mark.parametrize("policy", ["min", "mid", "max"])
@pytest.mark.parametrize("mode", ["range", "bottom", "top"])
@pytest.mark.parametrize("path", EVERY, ids=[p.stem for p in EVERY])
def test_the_bound_holds_and_is_tight_for_every_routine_and_structure(path, policy, mode):
    routine = load_routine(path)
    routine = replace(routine, settings=replace(routine.settings, rest_policy=policy, rep_range=mode))
    real = compile_routine(routine, estimate_ms).duration_ms
    bound = session_size(routine).ms
    assert real <= bound <= real + TIGHT_MS, (real, bound)


@pytest.mark.parametrize("path", EVERY, ids=[p.stem for p in EVERY])
def test_validate_warns_what_the_compiled_timeline_records(path):
    # validate reports fit_warnings with the estimate; the compiled timeline's changes are the
    # scheduler's own record. They are one computation, so they cannot drift apart.
    routine = load_routine(path)
    assert fit_warnings(routine) == compile_routine(routine, estimate_ms).changes
    assert fit_warnings(routine, estimate_ms) == fit_warnings(routine)


def test_the_speech_stage_estimates_a_clip_as_the_compiler_does():
    from audiocoach.speech import pool

    texts = ["Go.", "Rest, ninety seconds.", "Romanian deadlift, set two of four, ten reps."]
    for per_char, fixed in pool._ESTIMATES:
        assert [fixed + per_char * len(t) for t in texts] == [estimate_ms("speech", t) for t in texts]
    assert [estimate_ms("speech", t) for t in texts] == [estimate_clip_ms(t) for t in texts]
