"""One owner for the session's sample rate: the synthesizer, handed to the compiler by render."""

from __future__ import annotations

from pathlib import Path

import pytest

import audiocoach.timeline
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import loads
from audiocoach.timeline import Timeline

ROUTINE = """\
title: Rate
blocks:
  - name: Main
    exercises:
      - {name: Squat, sets: 1, reps: 2, tempo: 1-0-1-0}
"""


def test_a_compile_records_the_rate_it_is_given_and_none_by_default() -> None:
    routine = loads(ROUTINE)
    assert compile_routine(routine, estimate_ms).sample_rate is None
    timeline = compile_routine(routine, estimate_ms, sample_rate=24_000)
    assert timeline.sample_rate == timeline.audio_rate == 24_000
    assert Timeline.from_json(timeline.to_json()).sample_rate == 24_000


def test_a_timeline_compiled_for_no_audio_has_no_rate_to_play_at() -> None:
    timeline = compile_routine(loads(ROUTINE), estimate_ms)
    assert Timeline.from_json(timeline.to_json()).sample_rate is None
    with pytest.raises(ValueError, match="without a voice"):
        _ = timeline.audio_rate


def test_the_timeline_contract_holds_no_rate_of_its_own() -> None:
    # The rate used to live here (22050) and in speech (32000), the render stage patching one
    # with the other; speech.SESSION_RATE is now the only one.
    assert not hasattr(audiocoach.timeline, "SAMPLE_RATE")


@pytest.mark.engine
def test_plan_compiles_at_the_synthesizers_rate(tmp_path: Path) -> None:
    from audiocoach.render import plan
    from audiocoach.speech import SESSION_RATE, Synthesizer

    routine = loads(ROUTINE)
    with Synthesizer(engine="espeak-ng", cache_dir=tmp_path) as synth:
        assert synth.sample_rate == SESSION_RATE
        assert plan(routine, synth).sample_rate == SESSION_RATE
    with Synthesizer(engine="espeak-ng", cache_dir=tmp_path, sample_rate=16_000) as synth:
        assert plan(routine, synth).sample_rate == 16_000
