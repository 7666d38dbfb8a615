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


# --------------------------------------------------------------------------- bounded and visible


def test_workers_are_chosen_from_free_memory_not_only_cores():
    from audiocoach.speech import BACKENDS
    from audiocoach.speech.pool import WORKER_MB, choose_workers

    festival = BACKENDS["festival"].MEMORY_MB
    assert festival >= 300  # one festival --pipe with the HTS voice
    # 1 GiB free: two festivals (~920 MB) would take all of it; the build's share holds one.
    assert choose_workers(500, festival, cores=8, available_mb=1024) == 1
    assert choose_workers(500, festival, cores=8, available_mb=4096) == 4
    assert choose_workers(500, festival, cores=2, available_mb=64_000) == 2
    assert choose_workers(12, BACKENDS["espeak-ng"].MEMORY_MB, cores=8, available_mb=4096) == 3  # phrases bound
    assert choose_workers(500, festival, cores=8, available_mb=100) == 1  # never none
    assert WORKER_MB > 0


def test_every_backend_declares_its_memory():
    from audiocoach.speech import BACKENDS
    from audiocoach.speech.base import Backend

    assert all(isinstance(b.MEMORY_MB, int) and b.MEMORY_MB > 0 for b in BACKENDS.values())
    assert BACKENDS["festival"].MEMORY_MB > Backend.MEMORY_MB > BACKENDS["espeak-ng"].MEMORY_MB


def test_free_memory_is_read_from_proc_meminfo(tmp_path):
    from audiocoach.speech.procs import mem_available_mb

    fake = tmp_path / "meminfo"
    fake.write_text("MemTotal:       16000000 kB\nMemFree:  100 kB\nMemAvailable:    2097152 kB\n")
    assert mem_available_mb(str(fake)) == 2048
    assert mem_available_mb(str(tmp_path / "none")) is None
    assert (mem_available_mb() or 1) > 0


@pytest.mark.engine
def test_a_cold_synthesis_reports_progress_with_phrases_per_second(tmp_path):
    from audiocoach.speech import Synthesizer

    texts = [f"Set {i} of the progress test" for i in range(12)]
    seen = []
    with Synthesizer("espeak-ng", cache_dir=tmp_path / "c") as synth:
        assert synthesize_all(synth, texts, workers=2, progress=seen.append) == 12
    assert [p.done for p in seen] == list(range(13))
    assert {p.total for p in seen} == {12} and {p.workers for p in seen} == {2}
    assert seen[-1].phrases_per_s > 0 and seen[-1].elapsed_ms > 0


def test_the_cli_prints_progress_only_for_a_long_synthesis(capsys):
    from audiocoach.cli.base import SynthesisReport
    from audiocoach.speech.pool import SynthesisProgress

    now = [0.0]
    report = SynthesisReport(after_s=3, every_s=5, clock=lambda: now[0])
    for t, done in ((0, 0), (1, 10), (3.5, 40), (4, 45), (8.6, 90), (9, 100)):
        now[0] = t
        report(SynthesisProgress(done, 100, int(t * 1000), 2))
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Synthesizing phrases: 40/100 on 2 workers, 11.4 phrases/s",
        "Synthesizing phrases: 90/100 on 2 workers, 10.5 phrases/s",
        "Synthesizing phrases: 100/100 on 2 workers, 11.1 phrases/s",
    ]
    quiet = SynthesisReport(after_s=3, clock=lambda: 1.0)  # a quick one
    quiet(SynthesisProgress(0, 90, 0, 2))
    quiet(SynthesisProgress(90, 90, 900, 2))
    now[0] = 0.0
    few = SynthesisReport(after_s=3, min_phrases=50, clock=lambda: now[0])  # a slow one, but short
    for t, done in ((0, 0), (4, 10), (30, 49)):
        now[0] = t
        few(SynthesisProgress(done, 49, int(t * 1000), 2))
    assert capsys.readouterr().err == ""
