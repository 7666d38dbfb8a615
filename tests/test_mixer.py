"""The mixer: chunked output is sample-for-sample the one-piece output, clips land exactly."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.audio.loudness import Leveler
from audiocoach.audio.mixer import Mixer, mix
from audiocoach.timeline import Event, Timeline, ms_to_samples

#: The rate these hand-made timelines are played at (a real one carries its synthesizer's).
RATE = 22050


def _clip(text: str) -> np.ndarray:
    """A deterministic 'spoken' clip: noise-like, length from the text, loud enough to limit."""
    rng = np.random.default_rng(sum(map(ord, text)))
    n = 800 + 97 * len(text)
    return (rng.standard_normal(n) * 9000).clip(-32768, 32767).astype(np.int16)


def _timeline(duration_ms: int = 1200) -> Timeline:
    events = (
        Event(0, 120, "speech", "go now"),
        Event(130, 180, "tone", "tick"),
        Event(200, 451, "tone", "go"),
        Event(457, 600, "speech", "one two three"),
        Event(733, 1021, "speech", "and hold it there"),
        Event(1021, 1071, "tone", "tick"),
        Event(1100, 1150, "speech", "go now"),  # cut short: the clip is longer than its slot
    )
    return Timeline("t", duration_ms, events, sample_rate=RATE)


def _pieces(mixer: Mixer, size: int) -> np.ndarray:
    parts = list(mixer.chunks(chunk_samples=size))
    assert all(p.dtype == np.int16 for p in parts)
    assert all(p.size == size for p in parts[:-1])
    return np.concatenate(parts)


@pytest.mark.parametrize("levelled", [False, True])
def test_chunks_are_sample_exact_whatever_their_size(levelled):
    tl = _timeline()
    total = ms_to_samples(tl.duration_ms, tl.sample_rate)
    whole = _pieces(Mixer(tl, _clip, leveler=Leveler(tl.sample_rate) if levelled else None), total + 1000)
    assert whole.size == total
    assert np.abs(whole).max() > 1000
    for size in (1, 2, 7919, 10_007, total - 1, total, 220_500):
        mixer = Mixer(tl, _clip, leveler=Leveler(tl.sample_rate) if levelled else None)
        got = _pieces(mixer, size)
        assert got.size == total, size
        assert np.array_equal(got, whole), f"chunk size {size} differs from one piece"


def test_clip_lands_on_its_sample_and_is_cut_at_its_end():
    tl = Timeline("t", 1000, (Event(457, 600, "speech", "abc"),), sample_rate=RATE)
    clip = np.arange(1, 5001, dtype=np.int16)  # longer than the 143 ms slot
    pcm = mix(tl, lambda text: clip)
    start, end = ms_to_samples(457, RATE), ms_to_samples(600, RATE)
    assert not pcm[:start].any() and not pcm[end:].any()
    assert np.array_equal(pcm[start:end], clip[: end - start])


def test_levelled_program_hits_the_target():
    from audiocoach.audio.loudness import integrated_loudness

    events = tuple(Event(i * 700, i * 700 + 400, "speech", f"cue {i % 5}") for i in range(40))
    tl = Timeline("t", 40 * 700, events, sample_rate=RATE)
    mixer = Mixer(tl, _clip, leveler=Leveler(tl.sample_rate, -18.0))
    pcm = np.concatenate(list(mixer.chunks()))
    assert abs(integrated_loudness(pcm, tl.sample_rate) - -18.0) < 0.3


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError):
        next(Mixer(_timeline(), _clip).chunks(chunk_samples=0))


def test_warm_mix_finds_every_clips_levelling_in_the_store(tmp_path, monkeypatch):
    """A second mix with the same store does no per-clip work (no FFT) and plays the same."""
    from audiocoach.audio import loudness
    from audiocoach.speech.cache import PhraseCache

    tl = _timeline()  # levelled loud, so the limiter works on some clips
    cold = np.concatenate(
        list(Mixer(tl, _clip, leveler=Leveler(tl.sample_rate, -9.0, store=PhraseCache(tmp_path))).chunks())
    )
    assert list(tmp_path.rglob("*.lvl")) and list(tmp_path.rglob("*.pcm"))  # analyses and limited clips
    calls = []
    for name in ("k_weighted_power", "peak_envelope", "limit"):
        real = getattr(loudness, name)
        monkeypatch.setattr(
            loudness, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    warm = np.concatenate(
        list(Mixer(tl, _clip, leveler=Leveler(tl.sample_rate, -9.0, store=PhraseCache(tmp_path))).chunks())
    )
    assert calls == []
    assert np.array_equal(warm, cold)
    # Without a store the same clips are levelled from scratch, to the same loudness.
    fresh = np.concatenate(list(Mixer(tl, _clip, leveler=Leveler(tl.sample_rate, -9.0)).chunks()))
    assert (
        calls
        and abs(
            loudness.integrated_loudness(fresh, tl.sample_rate) - loudness.integrated_loudness(warm, tl.sample_rate)
        )
        < 0.1
    )


@pytest.mark.parametrize("levelled", [False, True])
def test_any_stretch_plays_as_the_whole_track_has_it(levelled):
    """The parallel encoder mixes its pieces on threads: each stretch must be the track's."""
    tl = _timeline()
    mixer = Mixer(tl, _clip, leveler=Leveler(tl.sample_rate) if levelled else None)
    whole = _pieces(mixer, 1000)
    for start, end in ((0, 5), (3000, 9001), (4410, whole.size), (9999, 20000)):
        got = np.concatenate(list(mixer.chunks(chunk_samples=777, start=start, end=end)))
        assert np.array_equal(got, whole[start:end]), (start, end)
