"""Beats land as heard: each beat word starts early by its attack (the onset of its first
vowel, from the clip's energy), so the attack sits on the grid within 20 ms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import loads
from audiocoach.render import RenderOptions, build, synthesizer_for
from audiocoach.speech import TRIM_THRESHOLD
from audiocoach.speech.onset import attack_ms, clip_onsets
from helpers import check_invariants, decode, engine_params, need_engine

RATE = 22050
ROUTINE = (
    "title: Onsets\ndefaults:\n  rest: 15s\nblocks:\n  - name: B\n    exercises:\n"
    "      - exercise: romanian-deadlift\n        sets: 2\n        reps: 4\n"
)


def _fricative_then_vowel(fricative_ms: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    hiss = rng.normal(0, 300, RATE * fricative_ms // 1000)  # about -30 dB below the vowel
    t = np.arange(RATE * 250 // 1000) / RATE
    vowel = 12000 * np.sin(2 * np.pi * 180 * t) * np.minimum(1, t / 0.004)
    return np.concatenate([np.zeros(RATE * 20 // 1000), hiss, vowel]).astype(np.int16)


@pytest.mark.parametrize("fricative_ms", [0, 40, 90])
def test_attack_is_the_vowel_not_the_first_sample(fricative_ms: int):
    expected = 20 + fricative_ms
    assert abs(attack_ms(_fricative_then_vowel(fricative_ms), RATE) - expected) <= 6


def test_silence_and_tiny_clips_attack_at_once():
    assert attack_ms(np.zeros(1000, dtype=np.int16), RATE) == 0
    assert attack_ms(np.ones(10, dtype=np.int16), RATE) == 0


def test_pinned_beats_start_early_by_their_attack():
    routine = loads(ROUTINE, "r.yaml")
    late = {"one": 90, "two": 90, "lower": 40, "hold": 30, "drive": 60}
    tl = compile_routine(routine, estimate_ms, onset=lambda kind, text: late.get(text, 0) if kind == "speech" else 0)
    check_invariants(routine, tl)
    work = next(s for s in tl.of_kind("segment") if s.role == "work")
    t0 = work.start_ms  # the window opens on the first rep
    rep1 = sorted((e.start_ms - t0, e.text) for e in tl.sounds if e.rep == 1 and e.set == 1 and e.kind == "speech")
    # The first rep's number opens its window, right after the go tone: it cannot start
    # earlier. "lower" trails its number by TRAIL_GAP_MS after the set's longest ("three").
    assert rep1 == [(0, "one"), (630, "lower"), (2970, "hold"), (3940, "drive")]
    rep2 = sorted((e.start_ms - t0, e.text) for e in tl.sounds if e.rep == 2 and e.set == 1 and e.kind == "speech")
    assert rep2[0] == (5000 - 90, "two")


@pytest.mark.parametrize("engine", engine_params())
def test_real_words_attack_at_their_first_vowel(engine: str, phrase_cache: Path):
    """What holds of real speech in every voice: a beat word's attack comes soon after
    its first sound, before its loudest moment, and where the sound gets louder; "three"
    opens with the noise of "th", so its attack comes well after its first sound and
    after that of "up", which opens on its vowel. An attack stuck at 0 or at the clip's
    first sound fails."""
    need_engine(engine)
    routine = loads(ROUTINE, "r.yaml")
    synth = synthesizer_for(routine, RenderOptions(cache_dir=str(phrase_cache), engine=engine))
    onset = clip_onsets(synth.clip, synth.sample_rate)
    rate, at = synth.sample_rate, {}
    for word in ("up", "three", "hold", "drive"):
        clip = synth.clip(word).astype(np.float64)
        at[word] = onset("speech", word)
        assert at[word] == attack_ms(synth.clip(word), rate)  # the onset the compiler gets is the clip's
        assert 0 <= at[word] < 150, (word, at[word])
        assert at[word] <= _loudest_ms(clip, rate), (word, at[word])
    three = synth.clip("three").astype(np.float64)
    first = int(np.flatnonzero(np.abs(three) > TRIM_THRESHOLD)[0]) * 1000 // rate
    assert at["three"] - first >= 15, (at, first)  # the "th" comes first
    i, n = at["three"] * rate // 1000, 20 * rate // 1000
    assert _db(three[i : i + n]) - _db(three[i - n : i]) >= 6, at  # the vowel is louder than the "th"
    assert at["three"] > at["up"], at


def _loudest_ms(clip: np.ndarray, rate: int) -> int:
    """Where the clip's loudest 10 ms start."""
    frame = rate // 100
    return int(np.argmax(np.convolve(clip * clip, np.ones(frame), mode="valid"))) * 1000 // rate


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x * x) + 1e-9))


#: The phase words said on a beat of a 3-1-1-0 rep (ms after its number). "lower" trails the
#: number by a gap the ear can use (its clip starts after the set's longest number), no beat.
ON_BEAT = {"hold": 3000, "drive": 4000}


@pytest.mark.parametrize("engine", engine_params())
def test_beats_are_heard_on_the_grid_in_the_mix(engine: str, phrase_cache: Path, tmp_path: Path):
    need_engine(engine)
    path = tmp_path / "r.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    options = RenderOptions(cache_dir=str(phrase_cache), format="wav", sidecars=False, engine=engine)
    result = build(path, tmp_path / "r.wav", options=options)
    tl = result.timeline
    rate = tl.audio_rate  # heard at the rate the attacks were analysed at
    audio = decode(tmp_path / "r.wav", rate)
    routine = loads(ROUTINE, "r.yaml")
    lead = 0  # a work window opens on its first rep
    checked = 0
    for seg in (s for s in tl.of_kind("segment") if s.role == "work"):
        for e in (
            e
            for e in tl.sounds
            if seg.start_ms <= e.start_ms < seg.end_ms
            and e.kind == "speech"
            and e.rep
            and (e.role == "rep_start" or e.text in ON_BEAT)
        ):
            t0 = seg.start_ms + lead + (e.rep - 1) * routine.items[0].tempo.rep_ms
            grid = t0 + ON_BEAT.get(e.text, 0)
            heard = e.start_ms + attack_ms(audio[e.start_ms * rate // 1000 : e.end_ms * rate // 1000], rate)
            assert abs(heard - grid) <= 20, (e, heard - grid)
            checked += 1
    assert checked == 2 * 4 * 3  # every rep's number, "hold" and "drive", in both sets


def test_attack_is_kept_beside_its_clip(tmp_path: Path):
    """A warm build measures no attack: each one is read from the phrase cache."""
    from audiocoach.speech.cache import PhraseCache

    store = PhraseCache(tmp_path)
    clip = _fricative_then_vowel(80)
    asked: list[str] = []

    def source(text: str) -> np.ndarray:
        asked.append(text)
        return clip

    first = clip_onsets(source, RATE, store, lambda text: f"key-{text}")("speech", "three")
    again = clip_onsets(source, RATE, store, lambda text: f"key-{text}")("speech", "three")
    assert first == again == attack_ms(clip, RATE) > 80
    assert asked == ["three"]
    other_rate = clip_onsets(source, RATE * 2, store, lambda text: f"key-{text}")("speech", "three")
    assert asked == ["three", "three"] and other_rate >= 0
