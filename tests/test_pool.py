"""Cold builds synthesize their missing phrases on worker processes, with the very timeline
and clips a one-at-a-time build makes."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from audiocoach import load_routine
from audiocoach.compile.compiler import compile_routine
from audiocoach.render import RenderOptions, plan, synthesizer_for
from audiocoach.speech.pool import missing_phrases, synthesize_all
from helpers import SHORT_ROUTINE


def _routine(tmp_path):
    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    return load_routine(src)


@pytest.mark.engine
def test_parallel_cold_plan_equals_the_serial_one(tmp_path, caplog):
    routine = _routine(tmp_path)
    with synthesizer_for(routine, RenderOptions(cache_dir=str(tmp_path / "serial"))) as serial:
        want = plan(routine, serial, workers=1)
        serial_clips = {e.text: serial.clip(e.text) for e in want.of_kind("speech")}
    with caplog.at_level(logging.INFO, logger="audiocoach.speech.pool"):
        with synthesizer_for(routine, RenderOptions(cache_dir=str(tmp_path / "pool"))) as pooled:
            got = plan(routine, pooled, workers=2)
            # The pool finds the phrases with estimated lengths, so it may make a wording the
            # real compile then does not choose (at most a couple); it never misses the timeline.
            assert serial.synthesized <= pooled.synthesized <= serial.synthesized + 2 and pooled.cache_hits == 0
            for text, clip in serial_clips.items():
                assert np.array_equal(pooled.clip(text), clip), text
    assert "worker processes" in caplog.text
    assert got == want


@pytest.mark.engine
def test_the_estimate_finds_the_phrases_the_real_compile_asks_for(tmp_path):
    routine = _routine(tmp_path)
    with synthesizer_for(routine, RenderOptions(cache_dir=str(tmp_path / "c"))) as synth:
        missing = missing_phrases(synth, lambda measure: compile_routine(routine, measure))
        assert len(missing) >= 8 and synth.synthesized == 0  # nothing synthesized to find them
        assert synthesize_all(synth, missing, workers=2) == len(missing)
        asked = set()
        compile_routine(routine, lambda kind, text: asked.add(text) or synth.measure(kind, text))
        stragglers = synth.synthesized - len(missing)
        assert stragglers <= 2, "the estimate should reveal (nearly) every phrase"
        assert len(set(missing) - asked) <= 2, "few phrases synthesized that are never played"


def test_few_phrases_or_one_worker_stay_in_process(tmp_path):
    class NoPool:  # synthesize_all must not touch the synthesizer in these cases
        def __getattr__(self, name):
            raise AssertionError(name)

    assert synthesize_all(NoPool(), ["a", "b", "c"], workers=2) == 0
    assert synthesize_all(NoPool(), [f"p{i}" for i in range(20)], workers=1) == 0
