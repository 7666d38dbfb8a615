"""Timing with the real engine's clip lengths (what `audiocoach plan` and `build` use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.load.routine import load_routine
from helpers import check_invariants

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def posterior_plan(phrase_cache):
    result = CliRunner().invoke(
        cli,
        ["plan", str(ROOT / "routines" / "posterior-chain.yaml"), "--json"],
        env={"AUDIOCOACH_CACHE": str(phrase_cache)},
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rdl_beats_on_the_grid_with_real_speech(posterior_plan, phrase_cache):
    from audiocoach.compile.fit import GAP_MS
    from audiocoach.render import RenderOptions, synthesizer_for
    from audiocoach.speech.onset import clip_onsets
    from audiocoach.timeline import Timeline
    from audiocoach.words.phrases import number_words

    tl = Timeline.from_dict(posterior_plan)
    routine = load_routine(ROOT / "routines" / "posterior-chain.yaml")
    check_invariants(routine, tl)
    synth = synthesizer_for(routine, RenderOptions(cache_dir=str(phrase_cache)))
    onset = clip_onsets(synth.clip, synth.sample_rate)
    rdl = next(
        i
        for i, item in enumerate(routine.items)
        if getattr(item, "exercise", None) and item.exercise.id == "romanian-deadlift"
    )
    assert routine.items[rdl].tempo.text == "3-1-1-0"
    reps_seen = 0
    for seg in (s for s in tl.of_kind("segment") if s.role == "work" and s.exercise == rdl):
        beats = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.rep is not None]
        for rep in sorted({e.rep for e in beats}):
            cues = [e for e in beats if e.rep == rep and e.role in ("rep_start", "phase", "tick")]
            # The window opens on rep one; 8-10: the optional reps come after a 3 s pause for
            # "Two more if you have them."
            t0 = seg.start_ms + (rep - 1) * 5000 + (3000 if rep > 8 else 0)
            # Where each beat is *heard*: its start plus its clip's attack.
            heard = sorted((e.start_ms + onset(e.kind, e.text) - t0, e.text) for e in cues)
            words = [h for h in heard if h[1] != "tick"]
            # The number on the beat (rep one's clip opens the window, right after the go tone,
            # so it is heard at its own attack), "lower" as its own clip after it, then the later beats.
            on_beat = 0 if rep > 1 else onset("speech", number_words(1))
            assert (
                words[0] == (on_beat, number_words(rep))
                and words[1][1] == "lower"
                and words[2:]
                == [
                    (3000, "hold"),
                    (4000, "drive"),
                ]
            ), heard
            call = next(e for e in cues if e.role == "rep_start")
            lower = next(e for e in cues if e.role == "phase" and e.text == "lower")
            assert lower.start_ms >= call.end_ms + GAP_MS
            # Every rep has the same ticks, the last and the one saying "Two more." included.
            assert [t for t, text in heard if text == "tick"] == [2000], heard
            reps_seen += 1
    assert reps_seen == 2 * 8 + 4 * 10  # two warm-up sets (the bottom of 8-10), four work sets
    # With the real voice, no rep number or countdown of this session needed shortening or dropping.
    assert [c for c in tl.changes if c.role in ("rep_start", "countdown")] == []
