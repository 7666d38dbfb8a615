"""Timing with the real engine's clip lengths (what `audiocoach plan` and `build` use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.loader import load
from helpers import check_invariants

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def posterior_plan(phrase_cache):
    result = CliRunner().invoke(
        cli, ["plan", str(ROOT / "routines" / "posterior-chain.yaml"), "--json"], env={"AUDIOCOACH_CACHE": str(phrase_cache)}
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rdl_beats_on_the_grid_with_real_speech(posterior_plan):
    from audiocoach.timeline import Timeline

    tl = Timeline.from_dict(posterior_plan)
    routine = load(ROOT / "routines" / "posterior-chain.yaml")
    check_invariants(routine, tl)
    rdl = next(i for i, item in enumerate(routine.items) if getattr(item, "exercise", None) and item.exercise.id == "romanian-deadlift")
    assert routine.items[rdl].tempo.text == "3-1-1-0"
    reps_seen = 0
    for seg in (s for s in tl.of_kind("segment") if s.role == "work" and s.exercise == rdl):
        beats = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.rep is not None]
        for rep in sorted({e.rep for e in beats}):
            cues = [e for e in beats if e.rep == rep]
            t0 = seg.start_ms + routine.settings.lead_in_ms + (rep - 1) * 5000
            offsets = sorted(e.start_ms - t0 for e in cues)
            if any(e.role == "more_reps" for e in cues):
                # rep 9 of 8-10: "more if you have them" takes the place of the counts
                assert offsets == [0, 1000, 3000, 4000]
            else:
                assert offsets == [0, 1000, 2000, 3000, 4000], (rep, [(e.start_ms - t0, e.text) for e in cues])
            assert cues[0].text.endswith(" down") and cues[0].role == "rep_start"
            reps_seen += 1
    assert reps_seen == 4 * 10
    # With the real voice, no beat of this session needed shortening or dropping.
    assert [c for c in tl.changes if c.role in ("rep_start", "count", "countdown", "phase_pause")] == []
