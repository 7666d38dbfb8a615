"""The speech stage: real engine, trimmed clips, the on-disk phrase cache."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.errors import AudiocoachError
from audiocoach.render import RenderOptions, build
from audiocoach.speech import Synthesizer, get_backend, trim
from audiocoach.speech.cache import PhraseCache
from helpers import SHORT_ROUTINE


def test_trim_cuts_silence_keeps_margin():
    x = np.zeros(22050, dtype=np.int16)
    x[5000:6000] = 10000
    y = trim(x, 22050)
    assert y.size == 1000 + 110 + 441  # 5 ms before, 20 ms after
    assert np.abs(y[:110]).max() == 0 and y[110] == 10000


def test_unknown_engine_lists_valid_ones():
    with pytest.raises(
        AudiocoachError,
        match=r"unknown speech engine 'nope' \(valid: auto, espeak-ng, festival, flite, hibari, pico, piper, pyttsx3, rhvoice\)",
    ):
        get_backend("nope")


def test_cache_entry_is_atomic_and_bad_entries_are_misses(tmp_path):
    cache = PhraseCache(tmp_path)
    key = cache.key("e", "1", None, 170, 22050, "hello")
    cache.put(key, np.arange(10, dtype=np.int16))
    assert list(cache.get(key)) == list(range(10))
    assert [p.name for p in cache.path(key).parent.iterdir()] == [f"{key}.pcm"]  # no temp files left
    cache.path(key).write_bytes(b"\x01")  # a torn entry
    assert cache.get(key) is None  # (every corrupt kind: tests/test_cache.py)


@pytest.mark.engine
def test_engine_speaks_trimmed_clip(phrase_cache):
    with Synthesizer(cache_dir=phrase_cache, voice="en-us") as synth:
        clip = synth.clip("Romanian deadlift")
        rate = synth.sample_rate
        assert 0.5 < clip.size / rate < 3.0
        assert abs(int(clip[0])) < 1000  # starts at the onset, not in the middle of a word
        assert synth.measure("speech", "Romanian deadlift") == -(-clip.size * 1000 // rate)


@pytest.mark.engine
def test_unknown_voice_is_an_error(phrase_cache):
    with Synthesizer(cache_dir=phrase_cache, voice="klingon-xx") as synth:
        with pytest.raises(AudiocoachError, match="unknown voice 'klingon-xx'.*audiocoach voices"):
            synth.clip("hello")


@pytest.mark.engine
def test_second_build_synthesizes_nothing(tmp_path):
    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    options = RenderOptions(cache_dir=str(tmp_path / "cache"), sidecars=False)
    first = build(src, tmp_path / "a.mp3", options=options)
    second = build(src, tmp_path / "b.mp3", options=options)
    assert first.synthesized > 10 and first.cache_hits == 0
    assert second.synthesized == 0
    # Every phrase the second build asks for was made by the first; the first's pool may also
    # have made a wording or two that the real compile did not choose (see speech.pool).
    asked = {e.text for e in second.timeline.of_kind("speech")}
    assert len(asked) <= second.cache_hits <= first.synthesized <= second.cache_hits + 2
    assert second.timeline == first.timeline
