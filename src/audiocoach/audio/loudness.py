"""Loudness: ITU-R BS.1770 measurement and per-clip levelling, in numpy.

Every clip (speech or tone) is levelled on its own, so each cue sounds equally loud; the
program's integrated loudness is then *computed* from where the clips sit in the timeline
(their K-weighted energy summed into 100 ms sub-blocks, then the standard 400 ms gated
blocks), instead of measuring the finished, mostly silent track. One global correction
brings the program to the target, and a look-ahead limiter keeps every clip's true peak
under the ceiling.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from audiocoach.audio.peaks import (
    LIMIT_MARGIN_DB,
    LIMIT_WINDOW_MS,
    limit,
    peak_envelope,
)
from audiocoach.defaults import CEILING_DBTP, LOUDNESS_LUFS

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0


def _biquad_response(b: tuple[float, float, float], a: tuple[float, float, float], w: np.ndarray) -> np.ndarray:
    z1 = np.exp(-1j * w)
    z2 = z1 * z1
    return (b[0] + b[1] * z1 + b[2] * z2) / (a[0] + a[1] * z1 + a[2] * z2)


@lru_cache(maxsize=32)
def k_weighting_response(n_fft: int, rate: int) -> np.ndarray:
    """|H|^2 of the BS.1770 K-weighting filter at the rfft bins of an n_fft transform.

    Cached (read-only result): every clip of a similar length uses the same FFT size.
    """
    # The filter as BS.1770 specifies it (48 kHz coefficients), evaluated at the physical
    # frequency of each bin: what a meter that resamples to 48 kHz (ffmpeg's ebur128) sees.
    # Redesigning the biquads at 22.05 kHz would bend the shelf near Nyquist and read a
    # 1 kHz tone 0.3 dB low.
    w = 2 * np.pi * np.fft.rfftfreq(n_fft, d=1.0 / rate) / 48000
    shelf_b = (1.53512485958697, -2.69169618940638, 1.19839281085285)
    shelf_a = (1.0, -1.69065929318241, 0.73248077421585)
    hp_b = (1.0, -2.0, 1.0)
    hp_a = (1.0, -1.99004745483398, 0.99007225036621)
    h = _biquad_response(shelf_b, shelf_a, w) * _biquad_response(hp_b, hp_a, w)
    power = np.abs(h) ** 2
    power.setflags(write=False)
    return power


def k_weighted_power(samples: np.ndarray, rate: int) -> np.ndarray:
    """Per-sample K-weighted power (signal in full scale units, squared)."""
    x = samples.astype(np.float64) / 32768.0
    # Zero padding well past the filter's decay (a few ms) keeps the circular
    # convolution from wrapping; a power of two keeps the FFT fast.
    n = 1 << max(1, int(x.size + 4096).bit_length())
    spec = np.fft.rfft(x, n) * np.sqrt(k_weighting_response(n, rate))
    y = np.fft.irfft(spec, n)[: x.size]
    return y * y


def gated_loudness(block_powers: np.ndarray) -> float:
    """Integrated loudness from mean powers of 400 ms blocks (absolute + relative gate)."""
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(block_powers)
    kept = block_powers[lk > ABSOLUTE_GATE]
    if kept.size == 0:
        return -math.inf
    relative = -0.691 + 10 * math.log10(kept.mean()) + RELATIVE_GATE
    kept = block_powers[(lk > ABSOLUTE_GATE) & (lk > relative)]
    if kept.size == 0:
        return -math.inf
    return -0.691 + 10 * math.log10(kept.mean())


def blocks_from_subblocks(sub: np.ndarray, sub_len: int) -> np.ndarray:
    """400 ms blocks with 75 % overlap from 100 ms sub-block energy sums."""
    if sub.size < 4:
        return np.array([sub.sum() / (sub.size * sub_len)]) if sub.size else np.zeros(0)
    window = np.convolve(sub, np.ones(4), mode="valid")
    return window / (4 * sub_len)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """BS.1770 integrated loudness (LUFS) of a mono int16 signal."""
    if samples.size == 0:
        return -math.inf
    return loudness_of_power(k_weighted_power(samples, rate), rate)


def loudness_of_power(power: np.ndarray, rate: int) -> float:
    """Integrated loudness from per-sample K-weighted power (see :func:`k_weighted_power`)."""
    if power.size == 0:
        return -math.inf
    sub_len = rate // 10
    n_sub = max(1, power.size // sub_len)
    if power.size < 4 * sub_len:  # shorter than one block: one block over the whole clip
        return gated_loudness(np.array([power.mean()]))
    sub = power[: n_sub * sub_len].reshape(n_sub, sub_len).sum(axis=1)
    return gated_loudness(blocks_from_subblocks(sub, sub_len))


class AnalysisStore(Protocol):
    """Where clip analyses and limited clips are kept between builds (the phrase cache)."""

    def get(self, key: str) -> np.ndarray | None: ...
    def put(self, key: str, samples: np.ndarray) -> None: ...
    def get_analysis(self, key: str) -> tuple[dict, dict[str, np.ndarray]] | None: ...
    def put_analysis(self, key: str, facts: dict, arrays: dict[str, np.ndarray]) -> None: ...


#: Bump when the analysis or the limiter changes: stored results of the old one are ignored.
ANALYSIS_VERSION = 1


@dataclass(frozen=True)
class ClipAnalysis:
    """What levelling needs to know about a clip, whatever its gain."""

    lufs: float  # integrated loudness of the clip as synthesized (-inf: silent)
    peak: float  # largest 4x-oversampled sample, full scale = 1.0
    energy: np.ndarray  # cumulative K-weighted power (float32, n + 1 values)


def content_key(raw: np.ndarray, rate: int, what: str) -> str:
    """A key naming ``raw``'s content (so any clip, spoken or tone, finds its stored analysis)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{what}|{ANALYSIS_VERSION}|{rate}|{raw.size}|".encode())
    h.update(np.ascontiguousarray(raw, dtype="<i2").tobytes())
    return h.hexdigest()


@dataclass
class Leveler:
    """Levels clips to a loudness target and computes the program's loudness.

    ``clip_gain_db(key, raw)`` is the gain that brings a clip to the target;
    ``final(key, raw, correction_db)`` applies it, the program correction and the limiter.
    What depends only on the clip (its loudness, its oversampled peak envelope) is
    computed once per key, whatever the gain. With a ``store`` (the phrase cache) the
    analysis of each clip (:meth:`analyse`) and each clip the limiter had to work on are
    kept between builds, so a warm build does no per-clip levelling work.
    """

    rate: int
    target_lufs: float = LOUDNESS_LUFS
    ceiling_dbtp: float = CEILING_DBTP
    store: AnalysisStore | None = None
    _analysis: dict[str, ClipAnalysis] = field(default_factory=dict)
    _gain_db: dict[str, float] = field(default_factory=dict)
    _envelope: dict[str, np.ndarray] = field(default_factory=dict)
    _raw_energy: dict[str, np.ndarray] = field(default_factory=dict)
    _last: dict[str, tuple[float, np.ndarray]] = field(default_factory=dict)
    _makeup: dict[str, float] = field(default_factory=dict)
    _lufs: dict[str, float] = field(default_factory=dict)

    def forget_analysis(self) -> None:
        """Drop what only settling needs (peak envelopes, energy sums); levelled clips stay."""
        self._envelope.clear()
        self._raw_energy.clear()
        self._analysis.clear()

    def analyse(self, key: str, raw: np.ndarray) -> ClipAnalysis:
        """Loudness, oversampled peak and energy of a clip: from the store, else computed (and stored)."""
        found = self._analysis.get(key)
        if found is not None:
            return found
        skey = content_key(raw, self.rate, "analysis") if self.store is not None else ""
        stored = self.store.get_analysis(skey) if self.store is not None else None
        if stored is not None and "energy" in stored[1] and stored[1]["energy"].size == raw.size + 1:
            facts, arrays = stored
            found = ClipAnalysis(float(facts["lufs"]), float(facts["peak"]), arrays["energy"])
        else:
            power = k_weighted_power(raw, self.rate)
            lufs = loudness_of_power(power, self.rate)
            peak = float(self._envelope_of(key, raw).max(initial=0.0))
            found = ClipAnalysis(
                lufs if math.isfinite(lufs) else -math.inf, peak, _cumulative(power).astype(np.float32)
            )
            if self.store is not None:
                self.store.put_analysis(
                    skey,
                    {"lufs": found.lufs if math.isfinite(found.lufs) else None, "peak": peak},
                    {"energy": found.energy},
                )
        if found.lufs is None or not math.isfinite(found.lufs):
            found = ClipAnalysis(-math.inf, found.peak, found.energy)
        self._analysis[key] = found
        self._lufs[key] = found.lufs
        self._gain_db[key] = 0.0 if not math.isfinite(found.lufs) else self.target_lufs - found.lufs
        self._raw_energy[key] = found.energy
        return found

    def settle(
        self, clips: Mapping[str, tuple[np.ndarray, float]], placements: Mapping[str, Sequence[int]], total_samples: int
    ) -> float:
        """The program correction (dB) that brings the mix to the target, from the stored analyses.

        ``clips`` maps each key to (raw samples, level offset in dB). Each clip plays at its
        own level (the limiter's make-up keeps a limited clip's loudness), so the program's
        loudness scales with the correction: a step or two, no FFT.
        """
        for key, (raw, _) in clips.items():
            self.analyse(key, raw)
        correction = 0.0
        for _ in range(4):
            energies = (
                (
                    k,
                    self._analysis[k].energy.astype(np.float64)
                    * 10 ** ((self.clip_gain_db(k, raw, off) + correction) / 10),
                )
                for k, (raw, off) in clips.items()
            )
            measured = self.program_loudness(placements, energies, total_samples)
            if not math.isfinite(measured):
                return 0.0
            delta = self.target_lufs - measured
            correction += delta
            if abs(delta) < 0.01:  # the gates moved nothing: done
                break
        return correction

    def clip_gain_db(self, key: str, raw: np.ndarray, offset_db: float = 0.0) -> float:
        """Gain that brings ``raw`` (named ``key``) to the target, plus ``offset_db``."""
        if key not in self._gain_db:
            lufs = integrated_loudness(raw, self.rate)
            self._lufs[key] = lufs if math.isfinite(lufs) else -math.inf
            self._gain_db[key] = 0.0 if not math.isfinite(lufs) else self.target_lufs - lufs
        return self._gain_db[key] + offset_db

    def _envelope_of(self, key: str, raw: np.ndarray) -> np.ndarray:
        if key not in self._envelope:
            # float32: this is kept for every clip, and only compared with a ceiling.
            self._envelope[key] = peak_envelope(raw.astype(np.float64) / 32768.0).astype(np.float32)
        return self._envelope[key]

    def _gain(self, key: str, raw: np.ndarray, correction_db: float, offset_db: float) -> float:
        return 10 ** ((self.clip_gain_db(key, raw, offset_db) + correction_db) / 20)

    def final(self, key: str, raw: np.ndarray, correction_db: float, offset_db: float = 0.0) -> np.ndarray:
        """``raw`` at its level plus ``correction_db``, through the limiter, as int16.

        A clip the limiter works on is looked up in (and put into) the store, under its
        content and its gain to 0.01 dB: the same session built again limits nothing.
        """
        analysis = self._analysis.get(key)
        if self.store is None or analysis is None:
            return self._render(key, raw, correction_db, offset_db)[0]
        gain = self._gain(key, raw, correction_db, offset_db)
        if analysis.peak * gain <= self._ceiling():  # the limiter stays idle: a plain gain
            out = np.clip(np.round(raw.astype(np.float64) * gain), -32768, 32767).astype(np.int16)
            out.setflags(write=False)
            return out
        gain_db = round(self.clip_gain_db(key, raw, offset_db) + correction_db, 2)
        skey = content_key(
            raw, self.rate, f"limited|{gain_db:.2f}|{self.ceiling_dbtp}|{LIMIT_MARGIN_DB}|{LIMIT_WINDOW_MS}"
        )
        stored = self.store.get(skey)
        if stored is None or stored.size != raw.size:
            # Rendered at the rounded gain, so what is stored is exactly what the key says.
            stored = self._render(key, raw, gain_db - self.clip_gain_db(key, raw, offset_db), offset_db)[0]
            self.store.put(skey, stored)
        out = np.array(stored, dtype=np.int16)
        out.setflags(write=False)
        return out

    def _render(
        self, key: str, raw: np.ndarray, correction_db: float, offset_db: float
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """(played samples, their K-weighted power or None when the limiter stayed idle)."""
        gain = self._gain(key, raw, correction_db, offset_db)
        last = self._last.get(key)
        if last is not None and last[0] == gain:  # settling ends on the gain the mixer plays
            return last[1], None
        base = raw.astype(np.float64) / 32768.0
        envelope = self._envelope_of(key, raw)
        power = None
        if envelope.max(initial=0.0) * gain <= self._ceiling():
            x = base * gain
        else:
            # The limiter takes loudness back, more from peaky clips than from smooth
            # ones: make up what this clip lost so every cue plays equally loud. The
            # make-up found last time (the previous settling round) is the first guess.
            want = 20 * math.log10(gain) + self._lufs[key]
            makeup = self._makeup.get(key, 0.0)
            for _ in range(4):
                g = gain * 10 ** (makeup / 20)
                x = limit(base * g, self.ceiling_dbtp, self.rate, envelope=envelope * g)
                power = k_weighted_power(x * 32768.0, self.rate)
                lost = want - loudness_of_power(power, self.rate)
                if not math.isfinite(lost) or abs(lost) < 0.1:
                    break
                makeup = max(0.0, makeup + lost)
            self._makeup[key] = makeup
        out = np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)
        out.setflags(write=False)
        self._last[key] = (gain, out)
        return out, power

    def _ceiling(self) -> float:
        return 10 ** ((self.ceiling_dbtp - LIMIT_MARGIN_DB) / 20)

    def energy(self, key: str, raw: np.ndarray, correction_db: float, offset_db: float = 0.0) -> np.ndarray:
        """Cumulative K-weighted power of the clip as :meth:`final` plays it (length n + 1).

        Where the limiter stays idle this is the raw clip's (computed once) times the
        gain squared, so settling the program level costs no FFT per round.
        """
        gain = self._gain(key, raw, correction_db, offset_db)
        if self._envelope_of(key, raw).max(initial=0.0) * gain <= self._ceiling():
            if key not in self._raw_energy:
                # float32 halves what is kept per clip; a sub-block's share (a difference
                # of two sums) is still exact to about 1e-6, far below 0.01 LU.
                self._raw_energy[key] = _cumulative(k_weighted_power(raw, self.rate)).astype(np.float32)
            return self._raw_energy[key].astype(np.float64) * (gain * gain)
        out, power = self._render(key, raw, correction_db, offset_db)
        return _cumulative(power if power is not None else k_weighted_power(out, self.rate))

    def program_loudness(
        self,
        placements: Mapping[str, Sequence[int]],
        energies: Iterable[tuple[str, np.ndarray]],
        total_samples: int,
    ) -> float:
        """Integrated loudness of the mixed track, computed from the clip placements.

        ``placements`` maps each clip's key to the samples where it starts; ``energies``
        yields ``(key, cumulative K-weighted power)`` per clip (see :meth:`energy`). Each
        clip's energy is spread over the 100 ms sub-blocks of all its placements at once
        (numpy, no Python loop over sub-blocks), then let go: only one clip's energy is
        held at a time, however many clips the session has.
        """
        sub_len = self.rate // 10
        n_sub = max(1, total_samples // sub_len)
        sub = np.zeros(n_sub + 2)
        for key, csum in energies:
            at = placements.get(key)
            n = csum.size - 1
            if n <= 0 or not at:
                continue
            start = np.asarray(at, dtype=np.int64)
            first, last = start // sub_len, (start + n - 1) // sub_len
            counts = last - first + 1
            # One row per (placement, sub-block it touches).
            owner = np.repeat(np.arange(start.size), counts)
            j = first[owner] + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
            lo = np.clip(j * sub_len - start[owner], 0, n)
            hi = np.clip((j + 1) * sub_len - start[owner], 0, n)
            keep = j < sub.size
            sub += np.bincount(j[keep], weights=(csum[hi] - csum[lo])[keep], minlength=sub.size)[: sub.size]
        return gated_loudness(blocks_from_subblocks(sub[:n_sub], sub_len))


def _cumulative(power: np.ndarray) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(power)))
