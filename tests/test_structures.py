"""Supersets, circuits, EMOM, AMRAP, intervals/Tabata, alternatives: shape and exact lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.errors import RoutineError
from audiocoach.load.routine import load_routine, loads
from helpers import check_invariants

ROOT = Path(__file__).resolve().parent.parent


def compile_text(text: str):
    routine = loads(text, "routine.yaml")
    tl = compile_routine(routine, estimate_ms)
    check_invariants(routine, tl)
    return routine, tl


def windows(tl, exercise=0):
    return [
        (s.role, s.length_ms, s.set, s.member)
        for s in tl.of_kind("segment")
        if s.exercise == exercise and s.role in ("work", "rest", "switch")
    ]


def test_superset_back_to_back_then_full_rest():
    _, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - superset:\n          rounds: 2\n          rest: 90s\n"
        "          exercises:\n            - exercise: romanian-deadlift\n              reps: 2\n"
        "            - exercise: hip-thrust\n              reps: 3\n"
    )
    rdl, thrust = 2 * 5000, 3 * 5000
    lead = 3000  # back to back: the move to the next member is its lead-in alone
    assert windows(tl) == [
        ("work", rdl, 1, 0),
        ("rest", lead, 1, 1),
        ("work", thrust, 1, 1),
        ("rest", 90_000 + lead, 1, None),
        ("work", rdl, 2, 0),
        ("rest", lead, 2, 1),
        ("work", thrust, 2, 1),
    ]
    chapters = [e.text for e in tl.of_kind("chapter")]
    assert chapters == ["Intro", "Superset: Romanian deadlift + Hip thrust - 2 rounds"]


def test_circuit_rounds_with_transitions_and_per_side_member():
    _, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - circuit:\n          rounds: 3\n          transition: 10s\n          rest: 30s\n"
        "          exercises:\n            - exercise: banded-glute-bridge\n              reps: 2\n"
        "            - exercise: bird-dog\n              reps: 2\n              per_side: true\n"
    )
    bridge, bird = 2 * 3000, 2 * 3000  # 1-0-1-1 and 1-0-1-1
    lead = 3000  # each window before a set ends with its lead-in
    one_round = [
        ("work", bridge, None),
        ("rest", 10_000 + lead, None),
        ("work", bird, None),
        ("switch", 5000 + lead, None),
        ("work", bird, None),
    ]
    shape = [(r, length, None) for r, length, _, _ in windows(tl)]
    rest = [("rest", 30_000 + lead, None)]
    assert shape == one_round + rest + one_round + rest + one_round
    spoken = [e.text for e in tl.sounds if e.role in ("next_member", "next_round")]
    assert spoken[:3] == ["Next: Bird dog, two per side.", "Next, round two of three.", "Next: Bird dog, two per side."]


def test_emom_work_at_top_of_each_minute():
    _, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - emom:\n          rounds: 4\n"
        "          exercises:\n            - exercise: kettlebell-swing\n              reps: 10\n"
        "            - exercise: good-morning\n              reps: 5\n"
    )
    segs = [s for s in tl.of_kind("segment") if s.exercise == 0 and s.role in ("work", "rest") and (s.set is not None)]
    tops = [s.start_ms for s in segs if s.role == "work"]
    assert [t - tops[0] for t in tops] == [0, 60_000, 120_000, 180_000]
    assert [s.member for s in segs if s.role == "work"] == [0, 1, 0, 1]
    # A full swing: 0.7 s down, 0.7 s up; the rest ends with the next round's lead-in, so a
    # round's work and the rest after it still make a minute.
    swing, gm = 10 * 1400, 5 * 5000
    assert [(s.role, s.length_ms) for s in segs] == [
        ("work", swing),
        ("rest", 60_000 - swing),
        ("work", gm),
        ("rest", 60_000 - gm),
        ("work", swing),
        ("rest", 60_000 - swing),
        ("work", gm),
    ]


def test_emom_that_cannot_fit_is_an_error():
    with pytest.raises(RoutineError) as err:
        loads(
            "title: T\nblocks:\n  - name: B\n    exercises:\n      - emom:\n          rounds: 2\n"
            "          exercises:\n            - exercise: romanian-deadlift\n              reps: 12\n",
            "routine.yaml",
        )
    assert str(err.value) == (
        "routine.yaml:8:15: blocks[0].exercises[0].emom.exercises[0]: Romanian deadlift takes 63 s "
        "(lead-in + reps x tempo), which does not fit in an EMOM interval of 60 s with a second to spare; "
        "use fewer reps, a faster tempo or a longer 'every'"
    )


def test_amrap_time_cap_and_remaining_cues():
    _, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - amrap:\n          time: 5m\n          remaining_every: 1m\n"
        "          exercises:\n            - exercise: kettlebell-swing\n              reps: 10\n"
        "            - exercise: glute-bridge\n              reps: 10\n"
    )
    work = [s for s in tl.of_kind("segment") if s.role == "work"]
    assert len(work) == 1 and work[0].length_ms == 300_000
    inside = [
        (e.start_ms - work[0].start_ms, e.text) for e in tl.sounds if work[0].start_ms <= e.start_ms < work[0].end_ms
    ]
    remaining = [x for x in inside if x[1].endswith(" left.")]
    assert remaining == [
        (60_000, "Four minutes left."),
        (120_000, "Three minutes left."),
        (180_000, "Two minutes left."),
        (240_000, "A minute left."),
    ]
    assert (290_000, "Ten seconds.") in inside
    assert [x for x in inside if x[1] in ("three", "two", "one")] == [
        (297_000, "three"),
        (298_000, "two"),
        (299_000, "one"),
    ]
    announce = [e.text for e in tl.sounds if e.role == "announce_group"]
    assert announce == ["As many rounds as possible, five minutes: Kettlebell swing, ten, then Glute bridge, ten."]


def test_tabata_defaults_eight_rounds_of_20_on_10_off():
    routine, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - tabata:\n          exercises:\n            - exercise: kettlebell-swing\n"
    )
    shape = [(r, length) for r, length, _, _ in windows(tl)]
    assert shape == [("work", 20_000), ("rest", 10_000)] * 7 + [("work", 20_000)]
    assert routine.items[0].dose == "8 x 20s on / 10s off"


def test_intervals_rotate_members():
    _, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - intervals:\n          rounds: 4\n          work: 30s\n          rest: 15s\n"
        "          exercises:\n            - exercise: kettlebell-swing\n            - exercise: walking-lunge\n"
    )
    work = [s for s in tl.of_kind("segment") if s.role == "work"]
    assert [(s.length_ms, s.member) for s in work] == [(30_000, 0), (30_000, 1), (30_000, 0), (30_000, 1)]
    rests = [s.length_ms for s in tl.of_kind("segment") if s.role == "rest" and s.set is not None]
    assert rests == [15_000] * 3


def test_alternatives_named_once_with_one_timing():
    routine, tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: hamstring-curl-machine\n        sets: 2\n        reps: 3\n"
        "        alternatives: [hamstring-curl-ball]\n"
    )
    assert routine.items[0].display_name == "Machine hamstring curl or Stability ball hamstring curl"
    assert [e.text for e in tl.sounds if e.role == "alternatives"] == [
        f"Or do {routine.items[0].alternatives[0].name} instead."
    ]
    work = [s.length_ms for s in tl.of_kind("segment") if s.role == "work"]
    assert work == [3 * 5000] * 2  # the main exercise's tempo (3-0-1-1) times the reps


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "      - circuit:\n          rounds: 2\n          exercises:\n            - exercise: bird-dog\n              reps: 5\n              sets: 3\n",
            "routine.yaml:10:15: blocks[0].exercises[0].circuit.exercises[0].sets: 'sets' of an exercise in a circuit is set by 'rounds'; remove it here",
        ),
        (
            "      - amrap:\n          exercises:\n            - exercise: bird-dog\n              reps: 5\n",
            "routine.yaml:6:11: blocks[0].exercises[0].amrap.time: missing 'time'; an AMRAP needs it",
        ),
        (
            "      - superset:\n          rounds: 2\n          exercises:\n            - superset:\n                rounds: 1\n",
            "routine.yaml:8:15: blocks[0].exercises[0].superset.exercises[0]: a group cannot contain another group; list exercises here",
        ),
        (
            "      - circuit:\n          round: 2\n          exercises:\n            - exercise: bird-dog\n              reps: 5\n",
            "routine.yaml:6:11: blocks[0].exercises[0].circuit.round: unknown key 'round' in a circuit (did you mean 'rounds'?)",
        ),
    ],
)
def test_group_errors(body, message):
    with pytest.raises(RoutineError) as err:
        loads("title: T\nblocks:\n  - name: B\n    exercises:\n" + body, "routine.yaml")
    assert message in str(err.value).splitlines()


def test_every_group_keyword_loads_to_a_stored_kind_and_tabata_is_intervals():
    """GROUP_KINDS listed "tabata", which no Group can hold; the stored kinds are GroupKind's
    values and the YAML keywords add tabata, stored as intervals."""
    from typing import get_args

    from audiocoach.model import GROUP_KEYWORDS, GROUP_KINDS, GroupKind

    assert get_args(GroupKind) == GROUP_KINDS
    assert set(GROUP_KEYWORDS) - set(GROUP_KINDS) == {"tabata"}
    routine = load_routine(ROOT / "routines" / "tabata-swings.yaml")
    assert {g.kind for g in routine.items if hasattr(g, "members")} == {"intervals"}
