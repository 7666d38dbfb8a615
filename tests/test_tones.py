"""Tones are soft: fundamental at or below 1 kHz, faded in and out, no clicks, distinct."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.audio.mixer import render_tone
from audiocoach.timeline import ms_to_samples
from audiocoach.tones import TONES


@pytest.mark.parametrize("name", sorted(TONES))
def test_tone_is_soft(name):
    tone = TONES[name]
    x = render_tone(tone, 22050, -6.0).astype(np.float64)
    assert x.size == ms_to_samples(tone.length_ms, 22050)
    spectrum = np.abs(np.fft.rfft(x))
    peak_hz = np.fft.rfftfreq(x.size, 1 / 22050)[spectrum.argmax()]
    assert peak_hz <= 1000 + 22050 / x.size
    # Faded: it starts and ends near silence, and no sample-to-sample jump is a click.
    full = np.abs(x).max()
    assert abs(x[0]) < 0.05 * full and abs(x[-1]) < 0.1 * full
    assert np.abs(np.diff(x)).max() < 0.5 * full


def test_tones_are_distinct_and_end_is_longer_and_lower():
    pitches = {n: t.freq_hz for n, t in TONES.items()}
    assert len(set(pitches.values())) == len(pitches)
    assert TONES["end"].length_ms > max(t.length_ms for n, t in TONES.items() if n != "end")
    assert TONES["end"].freq_hz < min(t.freq_hz for n, t in TONES.items() if n != "end")
