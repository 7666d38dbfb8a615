"""Issue 29 point 7: AMRAP, Tabata, holds, stretches and ``verbosity: minimal`` as a coach runs them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.routine import load_routine, loads
from audiocoach.model import Group
from audiocoach.timeline import Timeline
from audiocoach.words.phrases import number_words

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = {number_words(n) for n in range(1, 21)}


def _compile(text: str) -> Timeline:
    return compile_routine(loads(text, "routine.yaml"), estimate_ms)


def _said(tl: Timeline, start: int, end: int) -> list[str]:
    return [e.text for e in tl.sounds if start <= e.start_ms < end and e.kind == "speech"]


def test_an_amrap_keeps_the_lifter_counting_rounds_after_the_first_minute():
    tl = compile_routine(load_routine(ROOT / "routines" / "amrap-posterior.yaml"), estimate_ms)
    amrap = next(s for s in tl.of_kind("segment") if s.role == "work")
    later = _said(tl, amrap.start_ms + 60_000, amrap.end_ms)
    left = [t for t in later if t.endswith("left.")]
    rounds = [t for t in later if "rounds" in t.lower()]
    assert left and len(rounds) == len(left), later  # with every time-left cue
    assert "round" in _said(tl, amrap.start_ms, amrap.start_ms + 10_000)[0].lower()  # from the go


def test_a_tabata_count_into_the_stop_never_sounds_like_the_count_into_the_go():
    tl = compile_routine(load_routine(ROOT / "routines" / "tabata-swings.yaml"), estimate_ms)
    stops = [e.start_ms for e in tl.sounds if e.text == "stop"]
    gos = [e.start_ms for e in tl.sounds if e.text == "go"]
    into_stop = {tuple(_said(tl, t - 3500, t)) for t in stops[:-1]}  # the work intervals' ends
    into_go = {tuple(_said(tl, t - 3500, t)) for t in gos}
    assert into_go == {("three", "two", "one")}
    assert into_stop and not into_stop & into_go
    assert not any(t in NUMBERS for said in into_stop for t in said)  # words, not a count


def test_minimal_verbosity_keeps_the_title_the_names_and_switch_sides():
    routine = load_routine(ROOT / "routines" / "posterior-chain.yaml")
    minimal = replace(routine, settings=replace(routine.settings, verbosity="minimal"))
    tl = compile_routine(minimal, estimate_ms)
    said = [e.text for e in tl.sounds if e.kind == "speech"]
    assert said[0].startswith(routine.title)
    segs = tl.of_kind("segment")
    for i, item in enumerate(routine.items):  # each exercise is named before its first work
        first = next(s for s in segs if s.role == "work" and s.exercise == i)
        names = [item.label] if isinstance(item, Group) else [item.exercise.name, item.exercise.short_name]
        before = " ".join(_said(tl, 0, first.start_ms))
        assert any(n in before for n in names), (item, names)
    switches = [s for s in segs if s.role == "switch"]
    assert switches and all(
        set(_said(tl, s.start_ms, s.end_ms)) & {"Switch sides.", "Change direction."} for s in switches
    )
    assert not [t for t in said if t.startswith(("Rest,", "Big breath"))]  # still minimal
    assert compile_routine(minimal, estimate_ms).changes == ()


@pytest.mark.parametrize("hold_s", [20, 25, 30, 35, 40, 45, 60, 90])
def test_the_time_cues_of_a_hold_are_ten_seconds_apart(hold_s: int):
    tl = _compile(
        f"title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: glute-bridge-hold\n        hold: {hold_s}s\n"
    )
    work = next(s for s in tl.of_kind("segment") if s.role == "work")
    timed = [
        e.start_ms
        for e in tl.sounds
        if e.role in ("halfway", "ten_seconds", "remaining") and e.start_ms >= work.start_ms
    ]
    assert all(b - a >= 10_000 for a, b in zip(timed, timed[1:])), timed
    assert len(timed) >= 1


def test_a_row_of_stretches_says_breathe_once_and_each_ends_on_a_release():
    tl = compile_routine(load_routine(ROOT / "routines" / "posterior-chain.yaml"), estimate_ms)
    routine = load_routine(ROOT / "routines" / "posterior-chain.yaml")
    holds = [
        s
        for s in tl.of_kind("segment")
        if s.role == "work" and not isinstance(routine.items[s.exercise], Group) and routine.items[s.exercise].hold_ms
    ]
    stretches = [s for s in holds if routine.items[s.exercise].exercise.pattern == "stretch"]
    assert len(stretches) == 6
    relax = [s for s in stretches if "Breathe slowly and relax." in _said(tl, s.start_ms, s.end_ms)]
    assert len(relax) == 1
    for s in stretches:
        said = _said(tl, s.start_ms, s.end_ms)
        assert said[-1] == "Slowly release the stretch.", said  # eased out of, not counted down
        assert not [t for t in said if t in NUMBERS], said
        assert len(said) >= 3, said  # "Hold.", a breathing or form cue, "Ten seconds.", the release
