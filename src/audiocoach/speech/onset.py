"""Where a spoken word is *heard* to start: the onset of its first vowel, from the clip's energy.

A clip's first sample is not its attack: "three" opens with a soft fricative and its vowel
arrives ~100 ms later, "up" starts on its vowel. A beat lands as heard when the vowel's
onset, not the clip's first sample, sits on the grid. Vowels are the loudest part of a
word and voiced (few zero crossings, unlike the noise of f, s or th), so the onset is the
first moment a voiced frame's energy is within :data:`VOWEL_DB` of the clip's loudest
frame. Voicing keeps the answer the same after the mixer's per-clip limiter has squashed
the loudest frames (a plain energy threshold moves earlier when the peaks come down).

Pure numpy on the clip's samples; the speech engine is not involved, so the compiler can
take it as an optional ``onset(kind, text) -> ms`` next to ``measure``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol

import numpy as np

#: A voiced frame this close to the clip's loudest frame (in dB) is inside a vowel.
VOWEL_DB = -20.0
#: Frames with more zero crossings per sample than this are noise (a fricative: f, s, th), not voice.
VOICED_MAX_ZCR = 0.12
#: Energy is measured in frames this long, every HOP_MS.
FRAME_MS = 10
HOP_MS = 1
#: A vowel is voiced for at least this long (a blip of voicing before a consonant is not one).
SUSTAIN_MS = 20

Onset = Callable[[str, str], int]
"""``onset(kind, text) -> ms`` from the clip's first sample to its attack."""


def attack_ms(samples: np.ndarray, rate: int) -> int:
    """Milliseconds from the clip's first sample to the onset of its first vowel."""
    x = np.asarray(samples, dtype=np.float64).ravel()
    frame = max(1, rate * FRAME_MS // 1000)
    hop = max(1, rate * HOP_MS // 1000)
    if x.size < frame:
        return 0
    # Moving sums from running totals, at the hop only: O(n) where np.convolve was
    # O(n * frame) and took 60 ms a clip (a warm build measured every clip again).
    power = _window_sums(x * x, frame, hop) / frame
    peak = power.max()
    if peak <= 0:
        return 0
    signs = np.signbit(x)
    crossings = _window_sums((signs[1:] != signs[:-1]).astype(np.float64), frame, hop) / frame
    n = min(power.size, crossings.size)
    voiced = (power[:n] >= peak * 10 ** (VOWEL_DB / 10)) & (crossings[:n] <= VOICED_MAX_ZCR)
    run = max(1, SUSTAIN_MS // HOP_MS)
    if n >= run:  # frames that start a run of `run` voiced frames
        sustained = np.convolve(voiced.astype(np.int32), np.ones(run, dtype=np.int32), mode="valid") == run
        loud = np.nonzero(sustained)[0]
    else:
        loud = np.nonzero(voiced)[0]
    if loud.size == 0:
        return 0
    # The frame that first reaches vowel energy ends FRAME_MS after it starts; its end is
    # where the energy got there, so the onset is placed at the frame's centre.
    return int(loud[0] * HOP_MS + FRAME_MS // 2)


def _window_sums(values: np.ndarray, frame: int, hop: int) -> np.ndarray:
    """Sums of ``frame`` consecutive values, for windows starting every ``hop`` values."""
    totals = np.concatenate(([0.0], np.cumsum(values)))
    starts = np.arange(0, values.size - frame + 1, hop)
    return totals[starts + frame] - totals[starts]


class AnalysisStore(Protocol):
    """Where an attack is kept beside its clip (the phrase cache)."""

    def get_analysis(self, key: str) -> tuple[dict, dict[str, np.ndarray]] | None: ...

    def put_analysis(self, key: str, facts: dict, arrays: dict[str, np.ndarray]) -> None: ...


def attack_key(clip_key: str, rate: int) -> str:
    """The store key of a clip's attack: the clip's key and every setting of the measure."""
    spec = f"attack|{clip_key}|{rate}|{VOWEL_DB}|{VOICED_MAX_ZCR}|{FRAME_MS}|{HOP_MS}|{SUSTAIN_MS}"
    return hashlib.blake2b(spec.encode("utf-8"), digest_size=20).hexdigest()


def clip_onsets(
    clip: Callable[[str], np.ndarray],
    rate: int,
    store: AnalysisStore | None = None,
    clip_key: Callable[[str], str] | None = None,
) -> Onset:
    """An ``onset(kind, text)`` for a synthesizer's clips (tones attack at once), cached per text.

    With a ``store`` (and ``clip_key(text)``, the clip's own key), each attack is kept
    beside its clip like its loudness analysis, so a warm build measures none.
    """
    known: dict[str, int] = {}

    def onset(kind: str, text: str) -> int:
        if kind != "speech":
            return 0
        if text not in known:
            key = attack_key(clip_key(text), rate) if store is not None and clip_key is not None else None
            found = store.get_analysis(key) if key is not None else None  # type: ignore[union-attr]
            if found is not None and isinstance(found[0].get("attack_ms"), int):
                known[text] = found[0]["attack_ms"]
            else:
                known[text] = attack_ms(clip(text), rate)
                if key is not None:
                    store.put_analysis(key, {"attack_ms": known[text]}, {})  # type: ignore[union-attr]
        return known[text]

    return onset
