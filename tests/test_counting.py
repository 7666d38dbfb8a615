"""How the reps of a set are counted (compile/counting.py), over every shipped routine, every
program week and generated routines: every rep keeps its tempo (issue 29.3), a rep range is
counted as its bottom, a pause and the optional reps (26.2), and a rep's number never shares
a clip with a word it could fuse with (26.3)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.fit import GAP_MS
from audiocoach.errors import RoutineError
from audiocoach.load.routine import loads
from audiocoach.model import Routine
from audiocoach.render import RenderOptions, build
from audiocoach.timeline import Timeline, ms_to_samples
from audiocoach.timing import range_pause_ms
from audiocoach.words.phrases import default_phrasebook
from helpers import decode
from test_coaching import _entry_of, one, shipped
from test_properties import routines

#: What a rep says about the set, in its free time: not part of the rep's tempo.
EXTRAS = ("two_more", "last_rep", "more_reps")


def _measure(speed: float):
    return lambda kind, text: max(1, int(estimate_ms(kind, text) * (speed if kind == "speech" else 1)))


def _reps(routine: Routine, tl: Timeline):
    """Each counted set: (label, {rep: [(offset from its beat, role, text)]}), numbers as '#'."""
    lead = 0  # a work window opens on its first rep
    for seg in tl.of_kind("segment"):
        entry = _entry_of(routine, seg) if seg.role == "work" else None
        if entry is None or entry.reps is None:
            continue
        warmup = entry is routine.items[seg.exercise] and seg.set <= entry.warmup_sets
        mode = "bottom" if warmup else routine.settings.rep_range
        n = entry.reps.counted(mode)
        low = entry.reps.low
        rep_ms = entry.steps * entry.tempo.rep_ms  # alternating legs: a rep is a step with each
        reps: dict[int, list[tuple[int, str, str]]] = {}
        for rep in range(1, n + 1):
            t0 = seg.start_ms + lead + (rep - 1) * rep_ms
            t0 += range_pause_ms(entry, mode) if rep > low else 0
            reps[rep] = sorted(
                (e.start_ms - t0, e.role, "#" if e.role == "rep_start" else e.text)
                for e in tl.sounds
                if seg.start_ms <= e.start_ms < seg.end_ms and e.rep == rep and e.role not in EXTRAS
            )
        yield f"{entry.exercise.name} set {seg.set} side {seg.side}", reps


def _uneven_reps(routine: Routine, tl: Timeline) -> list[str]:
    """Reps whose words, beats and ticks differ from their set's typical rep."""
    out = []
    for label, reps in _reps(routine, tl):
        typical, _ = Counter(tuple(r) for r in reps.values()).most_common(1)[0]
        out += [f"{label} rep {rep}: {r} != {list(typical)}" for rep, r in reps.items() if tuple(r) != typical]
    return out


def _fused(tl: Timeline, routine: Routine) -> list[str]:
    """Rep numbers said in one clip with another word, or a trailing word too close to its number."""
    book = default_phrasebook(routine.language_code)
    numbers = {book.number(n) for n in range(1, 61)}
    out = [e.text for e in tl.sounds if e.role == "rep_start" and e.text not in numbers]
    calls = {(e.start_ms // 1, e.rep): e for e in tl.sounds if e.role == "rep_start"}
    for e in tl.sounds:
        if e.role != "phase":
            continue
        before = [c for (_, rep), c in calls.items() if rep == e.rep and c.start_ms <= e.start_ms]
        if before and e.start_ms - max(c.end_ms for c in before) < GAP_MS:
            out.append(f"{e.text!r} {e.start_ms - max(c.end_ms for c in before)} ms after its number")
    return out


# --------------------------------------------------------------------------- 29.3


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 200), speed=st.sampled_from([0.8, 1.0, 1.25]))
def test_every_rep_of_a_shipped_set_keeps_the_typical_reps_words_and_ticks(index: int, speed: float):
    name, routine = shipped()[index % len(shipped())]
    tl = compile_routine(routine, _measure(speed))
    assert _uneven_reps(routine, tl) == [], name
    assert _fused(tl, routine) == [], name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=routines(), speed=st.sampled_from([0.6, 1.0, 1.25]))
def test_every_rep_of_a_generated_set_keeps_the_typical_reps_words_and_ticks(text: str, speed: float):
    try:
        routine = loads(text, "gen.yaml")
    except RoutineError:
        return  # the loader's own property tests cover what it refuses
    tl = compile_routine(routine, _measure(speed))
    assert _uneven_reps(routine, tl) == []
    assert _fused(tl, routine) == []


def test_the_last_rep_of_a_hip_thrust_keeps_its_squeeze_and_the_hinge_its_drive():
    """Posterior chain 19:45 used to say "Last rep, up." and then "lower", with no squeeze."""
    for exercise, words in (("hip-thrust", ["squeeze", "lower"]), ("romanian-deadlift", ["lower", "hold", "drive"])):
        tl = compile_routine(one(f"- exercise: {exercise}\n  sets: 1\n  reps: 10"), estimate_ms)
        last = [e for e in tl.sounds if e.rep == 10]
        assert [e.text for e in last if e.role == "phase"] == words
        assert [e.text for e in last if e.role == "last_rep"] == ["Last rep."]
        two_more = [e for e in tl.sounds if e.role == "two_more"]
        assert [e.rep for e in two_more] == [8]
        assert [e.text for e in tl.sounds if e.rep == 8 and e.role == "phase"] == words


# --------------------------------------------------------------------------- 26.2


def test_a_range_counts_its_bottom_pauses_then_counts_the_optional_reps():
    tl = compile_routine(one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 8-10"), estimate_ms)
    said = [(e.rep, e.text) for e in sorted(tl.sounds, key=lambda e: e.start_ms) if e.role in EXTRAS]
    # "Two more." counts down to the bottom (eight), "Last rep." is the top's.
    assert said == [(6, "Two more."), (8, "Two more if you have them."), (10, "Last rep.")]
    work = next(s for s in tl.of_kind("segment") if s.role == "work")
    assert work.length_ms == 10 * 5000 + 3000  # it opens on rep one


def test_bottom_and_top_count_without_a_pause():
    for mode, n in (("bottom", 8), ("top", 10)):
        tl = compile_routine(
            one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 8-10", defaults=f"defaults:\n  rep_range: {mode}\n"),
            estimate_ms,
        )
        said = [(e.rep, e.text) for e in sorted(tl.sounds, key=lambda e: e.start_ms) if e.role in EXTRAS]
        assert said == [(n - 2, "Two more."), (n, "Last rep.")]
        assert next(s for s in tl.of_kind("segment") if s.role == "work").length_ms == n * 5000


def test_a_warm_up_set_counts_the_bottom_without_a_pause():
    tl = compile_routine(one("- exercise: romanian-deadlift\n  sets: 1\n  warmup_sets: 1\n  reps: 8-10"), estimate_ms)
    warm, real = [s for s in tl.of_kind("segment") if s.role == "work"]
    assert warm.length_ms == 8 * 5000 and real.length_ms == 10 * 5000 + 3000
    assert not [e for e in tl.sounds if warm.start_ms <= e.start_ms < warm.end_ms and e.role == "more_reps"]


# --------------------------------------------------------------------------- 26.3


def test_a_rep_number_and_its_step_word_are_separate_clips():
    tl = compile_routine(one("- exercise: walking-lunge\n  sets: 1\n  reps: 6"), estimate_ms)
    six = next(e for e in tl.sounds if e.role == "rep_start" and e.rep == 6)
    step = next(e for e in tl.sounds if e.role == "phase" and e.rep == 6 and e.start_ms > six.start_ms)
    assert (six.text, step.text) == ("six", "step")
    assert step.start_ms - six.end_ms >= GAP_MS


def test_a_pause_too_short_for_the_range_offer_says_so_with_a_fix():
    slow = _measure(3.0)
    tl = compile_routine(one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 8-10"), slow)
    said = [str(c) for c in tl.changes if c.role == "more_reps"]
    assert said and all(
        "The pause after the bottom of Romanian deadlift's range (3 s) is too short for 'Two more if you have them.'"
        in s
        and "--rate" in s
        for s in said
    ), said


LUNGES = (
    "title: Lunges\ndefaults:\n  engine: hibari\n  rest: 15s\nblocks:\n  - name: B\n    exercises:\n"
    "      - exercise: walking-lunge\n        sets: 1\n        reps: 12\n"
)


@pytest.mark.engine
def test_each_number_and_its_word_have_a_pause_the_ear_can_use_in_the_mp3(phrase_cache: Path, tmp_path: Path):
    """Issue 26.3, heard: with the hibari voice, built and encoded with ffmpeg, the MP3 holds at
    least 150 ms of silence (below -40 dB of the loudest sample) between every rep number and
    the step word after it. A fused clip ("six, step") has about 40 ms inside it."""
    path = tmp_path / "lunges.yaml"
    path.write_text(LUNGES, encoding="utf-8")
    result = build(path, tmp_path / "l.mp3", options=RenderOptions(cache_dir=str(phrase_cache), sidecars=False))
    tl, rate = result.timeline, result.timeline.sample_rate
    audio = np.abs(decode(tmp_path / "l.mp3", rate).astype(np.float64))
    quiet = audio.max() * 10 ** (-40 / 20)
    pairs = 0
    for number in (e for e in tl.sounds if e.role == "rep_start"):
        word = next(e for e in tl.sounds if e.role == "phase" and e.rep == number.rep and e.start_ms > number.start_ms)
        assert word.text == "step", word
        a, b = ms_to_samples(number.start_ms, rate), ms_to_samples(word.end_ms, rate)
        loud = np.nonzero(audio[a:b] > quiet)[0]
        silences = np.diff(loud)  # the longest run of quiet samples between the two clips
        assert silences.max() * 1000 // rate >= 150, (number.text, silences.max() * 1000 // rate)
        pairs += 1
    assert pairs == 12  # twelve per leg, alternating: one number a pair of steps
