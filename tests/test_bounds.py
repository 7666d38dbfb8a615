"""The session bound is an upper bound: no shipped routine compiles to more than it says,
whatever the rest policy and rep-range mode, and it is close enough not to refuse a long
but real session (the benchmark's three-hour session passes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.defaults import MAX_SESSION_MS
from audiocoach.load.bounds import session_size
from audiocoach.load.routine import load_routine
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
