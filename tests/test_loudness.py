"""Loudness: BS.1770 measurement, the limiter, program loudness from placements, and the
rendered posterior-chain session measured by ffmpeg's ebur128."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest

from audiocoach.audio.loudness import Leveler, integrated_loudness, k_weighted_power
from audiocoach.audio.peaks import limit, peak_envelope, running_min, true_peak_db
from audiocoach.timeline import ms_to_samples

RATE = 22050


def _sine(freq: float, dbfs: float, seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return np.round(np.sin(2 * np.pi * freq * t) * 32767 * 10 ** (dbfs / 20)).astype(np.int16)


def test_sine_loudness_matches_bs1770():
    # A full-scale 997 Hz sine reads -3.01 LUFS; the level follows the amplitude.
    assert integrated_loudness(_sine(997, 0, 3), RATE) == pytest.approx(-3.01, abs=0.1)
    assert integrated_loudness(_sine(997, -20, 3), RATE) == pytest.approx(-23.01, abs=0.1)


def test_running_min_matches_the_obvious_one():
    rng = np.random.default_rng(1)
    a = rng.random(1000)
    for width in (1, 2, 7, 133, 999, 1000):
        want = np.array([a[i : i + width].min() for i in range(a.size - width + 1)])
        assert np.array_equal(running_min(a, width), want)


def test_limiter_keeps_true_peak_under_the_ceiling():
    x = _sine(440, 0, 1).astype(np.float64) / 32768 * 1.5
    out = limit(x, -1.0, RATE)
    assert true_peak_db(np.round(out * 32768).clip(-32768, 32767)) <= -1.0
    quiet = x * 0.1
    assert limit(quiet, -1.0, RATE) is quiet  # nothing to do


def test_peak_envelope_scales_with_gain():
    x = _sine(3000, -6, 0.2).astype(np.float64) / 32768
    assert np.allclose(peak_envelope(x * 0.5), peak_envelope(x) * 0.5)


def test_energy_is_the_played_clips_energy():
    lev = Leveler(RATE)
    rng = np.random.default_rng(2)
    raw = (rng.standard_normal(20_000) * 3000).astype(np.int16)
    for correction in (-6.0, 0.0, 9.0):  # idle limiter, then a working one
        want = np.concatenate(([0.0], np.cumsum(k_weighted_power(lev.final("c", raw, correction), RATE))))
        got = lev.energy("c", raw, correction)
        assert got[-1] == pytest.approx(want[-1], rel=2e-3)


def test_program_loudness_from_placements_equals_the_mixed_track():
    lev = Leveler(RATE)
    rng = np.random.default_rng(3)
    clips = {k: (rng.standard_normal(n) * 4000).astype(np.int16) for k, n in (("a", 9000), ("b", 15000))}
    total = RATE * 20
    placements = {"a": [0, 30_000, 100_000, 250_000], "b": [50_000, 181_111, 400_000]}
    track = np.zeros(total, dtype=np.float64)
    for key, starts in placements.items():
        played = lev.final(key, clips[key], 2.0)
        for s in starts:
            track[s : s + played.size] += played
    computed = lev.program_loudness(placements, ((k, lev.energy(k, clips[k], 2.0)) for k in placements), total)
    assert computed == pytest.approx(integrated_loudness(track.astype(np.int16), RATE), abs=0.05)


# --------------------------------------------------------------------------- the real thing


def _ebur128(path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) as ffmpeg's ebur128 measures them."""
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = out[out.rindex("Summary:") :]
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)), float(peak)


@pytest.mark.engine
def test_rendered_session_meets_the_loudness_target(phrase_cache):
    from helpers import decode
    from rendered import posterior_chain

    result = posterior_chain(str(phrase_cache))
    lufs, true_peak = _ebur128(result.output)
    assert lufs == pytest.approx(-16.0, abs=1.0)
    # The true peak of the encoded file, measured after encoding (ours and ffmpeg's).
    assert result.true_peak_dbtp is not None and result.true_peak_dbtp <= -1.0
    assert true_peak <= -1.0
    pcm = decode(result.output, result.timeline.sample_rate)
    assert np.abs(pcm.astype(np.int32)).max() < 32767, "a sample clips"
    # Every cue equally loud: each distinct phrase measured where it plays in the file.
    rate = result.timeline.sample_rate
    levels = {}
    for e in result.timeline.of_kind("speech"):
        if e.text in levels or e.length_ms < 400:
            continue
        levels[e.text] = integrated_loudness(pcm[ms_to_samples(e.start_ms, rate) : ms_to_samples(e.end_ms, rate)], rate)
    spread = max(levels.values()) - min(levels.values())
    assert len(levels) > 30
    assert spread < 2.0, sorted(levels.items(), key=lambda kv: kv[1])[:: max(1, len(levels) - 1)]
