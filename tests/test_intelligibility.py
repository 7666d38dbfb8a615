"""scripts/intelligibility.py's noise: speech-shaped, at the SNR asked, the same every run."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import intelligibility as it  # noqa: E402


def _voice_like(seed: int) -> np.ndarray:
    """One second of a low-pitched harmonic signal (energy below 1 kHz, like voiced speech)."""
    t = np.arange(it.RECOGNISER_RATE) / it.RECOGNISER_RATE
    x = sum(np.sin(2 * np.pi * 150 * k * t + seed) / k for k in range(1, 7))
    return np.round(3000 * x).astype(np.int16)


def test_noise_is_mixed_at_the_snr_asked():
    x = _voice_like(0)
    shape = it.ltas([x])
    mixed = it.add_noise(x, shape, 15.0, np.random.default_rng(it.NOISE_SEED)).astype(np.float64)
    pad = it.RECOGNISER_RATE * it.PAD_MS // 1000
    noise = mixed[pad : pad + x.size] - x
    snr = 20 * np.log10(np.sqrt(np.mean(x.astype(np.float64) ** 2)) / np.sqrt(np.mean(noise**2)))
    assert abs(snr - 15.0) < 0.5
    again = it.add_noise(x, shape, 15.0, np.random.default_rng(it.NOISE_SEED))
    assert np.array_equal(again, mixed.astype(np.int16))


def test_noise_follows_the_speech_spectrum():
    x = _voice_like(1)
    mixed = it.add_noise(x, it.ltas([x]), 0.0, np.random.default_rng(1)).astype(np.float64)
    pad = it.RECOGNISER_RATE * it.PAD_MS // 1000
    spectrum = np.abs(np.fft.rfft(mixed[:pad]))  # the padding holds noise alone
    freqs = np.fft.rfftfreq(pad, 1 / it.RECOGNISER_RATE)
    assert spectrum[freqs < 1000].mean() > 10 * spectrum[freqs > 3000].mean()  # not white
