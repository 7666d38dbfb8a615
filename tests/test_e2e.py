"""End to end with the real engine and ffmpeg: the MP3 sounds where the timeline says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audiocoach.render import RenderOptions, build
from audiocoach.timeline import Timeline, ms_to_samples
from helpers import SHORT_ROUTINE, decode

pytestmark = pytest.mark.engine
MP3_FRAME = 1152  # samples


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, phrase_cache):
    folder = tmp_path_factory.mktemp("e2e")
    src = folder / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    result = build(src, folder / "short.mp3", options=RenderOptions(cache_dir=str(phrase_cache)))
    return result, decode(result.output, result.timeline.sample_rate)


def test_length_matches_plan(rendered):
    result, pcm = rendered
    expected = ms_to_samples(result.timeline.duration_ms, result.timeline.sample_rate)
    assert abs(pcm.size - expected) <= MP3_FRAME, (pcm.size, expected)


def test_speech_starts_where_the_timeline_says(rendered):
    result, pcm = rendered
    rate = result.timeline.sample_rate
    level = np.abs(pcm.astype(np.int32))
    speech = result.timeline.of_kind("speech")
    assert len(speech) > 20
    for e in speech:
        lo = ms_to_samples(max(0, e.start_ms - 100), rate)
        hi = ms_to_samples(e.start_ms + 100, rate)
        loud = np.flatnonzero(level[lo:hi] > 300)  # a soft onset ("three") is quiet
        assert loud.size, f"no sound near {e.start_ms} ms ({e.text!r})"
        onset_ms = (lo + loud[0]) * 1000 / rate
        assert abs(onset_ms - e.start_ms) <= 30, (e.text, e.start_ms, onset_ms)


def test_silent_between_cues(rendered):
    result, pcm = rendered
    rate = result.timeline.sample_rate
    sounds = sorted(result.timeline.sounds, key=lambda e: e.start_ms)
    checked = 0
    for a, b in zip(sounds, sounds[1:]):
        lo, hi = a.end_ms + 40, b.start_ms - 40
        if hi - lo < 100:
            continue
        gap = pcm[ms_to_samples(lo, rate) : ms_to_samples(hi, rate)]
        assert np.abs(gap.astype(np.int32)).max() < 300, (a.text, b.text, lo, hi)
        checked += 1
    assert checked > 10


def test_sidecars_written_and_match(rendered):
    result, _ = rendered
    json_path = result.output.with_suffix(".json")
    assert Timeline.from_json(json_path.read_text(encoding="utf-8")) == result.timeline
    assert json.loads(json_path.read_text())["duration_ms"] == result.timeline.duration_ms
    assert result.output.with_suffix(".vtt").read_text().startswith("WEBVTT")
