"""True peak after encoding: the meter, and an encode corrected until it is under -1 dBTP.

The files are measured independently of our meter with ffmpeg's ebur128 true-peak mode.
"""

from __future__ import annotations

import logging
import re
import subprocess

import numpy as np
import pytest

from audiocoach.audio.peaks import TruePeakMeter, true_peak_db
from audiocoach.export.encode import export_audio
from audiocoach.export.tags import Tags
from audiocoach.export.truepeak import measure_true_peak
from audiocoach.timeline import ms_to_samples

RATE = 22050


def ffmpeg_true_peak(path) -> float:
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = out[out.rindex("Summary:") :]
    return float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))


def _loud(seconds: float = 4.0) -> np.ndarray:
    """Speech-band noise bursts whose samples reach -0.1 dBFS (so a codec goes over -1 dBTP)."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(int(RATE * seconds))
    spec = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    spec[(freqs < 100) | (freqs > 6000)] = 0
    x = np.fft.irfft(spec, x.size)
    x *= (np.arange(x.size) // (RATE // 2)) % 2  # half a second on, half off
    x *= 10 ** (-0.1 / 20) / np.abs(x).max()
    return np.round(x * 32767).astype(np.int16)


def test_meter_fed_in_pieces_equals_the_whole_signal_estimate():
    x = _loud(3.0).astype(np.float64) / 32768
    meter = TruePeakMeter(-1.0)
    for piece in np.array_split(x, [1, 100, 4095, 9000, 30001, 30002]):
        meter.feed(piece)
    assert meter.finish() == pytest.approx(true_peak_db(np.round(x * 32768)), abs=0.02)


def test_meter_finds_the_peak_between_samples():
    # A quarter-rate sine sampled 45 degrees off its crests: samples read 3 dB under the
    # true peak, which is at 0 dBFS.
    n = np.arange(20_000)
    x = np.sin(np.pi / 2 * n + np.pi / 4) * 0.999
    meter = TruePeakMeter(-1.0)
    meter.feed(x)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.0, abs=0.05)
    assert meter.finish() == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("fmt", ["mp3", "m4a"])
def test_encode_over_the_ceiling_is_redone_quieter(tmp_path, fmt):
    loud = _loud()
    gains: list[float] = []

    def chunks(gain_db: float):
        gains.append(gain_db)
        scaled = np.round(loud * 10 ** (gain_db / 20)).astype(np.int16)
        return np.array_split(scaled, 7)

    peaks: list[float] = []
    out = export_audio(chunks, tmp_path / f"loud.{fmt}", rate=RATE, fmt=fmt, tags=Tags("loud"), peaks=peaks)
    assert peaks[0] > -1.0, "the test signal should go over the ceiling once encoded"
    assert len(peaks) >= 2 and gains[0] == 0.0 and gains[-1] < 0.0
    assert peaks[-1] <= -1.0
    assert ffmpeg_true_peak(out) <= -1.0
    assert measure_true_peak(out) == pytest.approx(peaks[-1], abs=0.05)
    assert not list(tmp_path.glob(".*.part"))


def test_chunks_that_cannot_be_replayed_are_kept_with_a_warning(tmp_path, caplog):
    peaks: list[float] = []
    with caplog.at_level(logging.WARNING, logger="audiocoach.export.encode"):
        export_audio(iter([_loud()]), tmp_path / "loud.mp3", rate=RATE, tags=Tags("loud"), peaks=peaks)
    assert len(peaks) == 1 and peaks[0] > -1.0
    assert "over the -1.0 dBTP ceiling" in caplog.text


def test_a_quiet_encode_is_done_once(tmp_path):
    quiet = (_loud() * 0.25).astype(np.int16)
    peaks: list[float] = []
    export_audio(lambda g: [quiet], tmp_path / "q.mp3", rate=RATE, tags=Tags("q"), peaks=peaks)
    assert len(peaks) == 1 and peaks[0] < -10.0


@pytest.mark.engine
@pytest.mark.parametrize("with_music", [False, True])
def test_real_render_over_the_ceiling_is_encoded_again_with_the_same_timing(
    tmp_path, monkeypatch, phrase_cache, with_music
):
    """A build whose limiter aims too high (0 dBTP) comes out over -1 dBTP once encoded:
    it is encoded again, quieter, and keeps its exact length and cue positions."""
    from audiocoach import render
    from audiocoach.audio.music import MusicOptions
    from helpers import SHORT_ROUTINE, decode

    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    music = None
    if with_music:
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "anoisesrc=d=20:c=pink:a=0.3",
                str(tmp_path / "m.mp3"),
            ],
            check=True,
        )
        music = MusicOptions(str(tmp_path / "m.mp3"), level_db=-12.0, duck_db=10.0)
    options = render.RenderOptions(cache_dir=str(phrase_cache), sidecars=False, music=music)
    monkeypatch.setattr(render, "CODEC_OVERSHOOT_DB", -1.0)
    result = render.build(src, tmp_path / "hot.mp3", options=options)
    assert result.encodes >= 2
    assert result.true_peak_dbtp <= -1.0 and ffmpeg_true_peak(result.output) <= -1.0
    rate = result.timeline.sample_rate
    pcm = decode(result.output, rate)
    assert pcm.size == ms_to_samples(result.timeline.duration_ms, rate)
    first = next(e for e in result.timeline.of_kind("speech"))
    start = ms_to_samples(first.start_ms, rate)
    if not with_music:
        assert (
            np.abs(pcm[: max(0, start - rate // 100)].astype(np.int32)).max(initial=0) < 300
        )  # silence before the first cue
    assert np.abs(pcm[start : start + rate // 5].astype(np.int32)).max() > 3000  # the cue is where the plan says
