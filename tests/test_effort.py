"""Load, effort and warm-up sets: parsing edge cases and the words a set starts with."""

from __future__ import annotations

import pytest

from audiocoach.load.effort import deload_load, parse_load, parse_rir, parse_rpe
from audiocoach.load.routine import loads
from audiocoach.model import Effort, Load
from audiocoach.words.effort import (
    spoken_effort,
    spoken_load,
    spoken_reserve,
    spoken_weight,
)


@pytest.mark.parametrize(
    "amount, unit, words",
    [
        (60, "kg", "sixty kilos"),
        (1, "kg", "one kilo"),
        (62.5, "kg", "sixty-two and a half kilos"),
        (61.25, "kg", "sixty-one and a quarter kilos"),
        (101.75, "kg", "one hundred one and three quarters kilos"),
        (0.5, "kg", "half a kilo"),
        (2.5, "kg", "two and a half kilos"),
        (60.2, "kg", "sixty point two kilos"),
        (135, "lb", "one hundred thirty-five pounds"),
        (1, "lb", "one pound"),
    ],
)
def test_spoken_weight(amount: float, unit: str, words: str) -> None:
    assert spoken_weight(amount, unit) == words


@pytest.mark.parametrize(
    "written, words",
    [
        ("60kg", "sixty kilos"),
        ("bodyweight", "bodyweight"),
        ("bodyweight+10kg", "bodyweight plus ten kilos"),
        ("bodyweight-20lb", "bodyweight minus twenty pounds"),
        ("+2.5kg", "bodyweight plus two and a half kilos"),
    ],
)
def test_spoken_load(written: str, words: str) -> None:
    assert spoken_load(parse_load(written)) == words


@pytest.mark.parametrize(
    "effort, words",
    [
        (parse_rpe(8), "leave two in the tank"),
        (parse_rir(2), "leave two in the tank"),
        (parse_rpe(10), "leave nothing in the tank"),
        (parse_rir(1), "leave one in the tank"),
        (parse_rpe(8.5), "leave one or two in the tank"),
        (parse_rpe(9.5), "leave nothing or one in the tank"),
        (parse_rpe(5), "leave five in the tank"),
    ],
)
def test_spoken_reserve(effort: Effort, words: str) -> None:
    assert spoken_reserve(effort) == words


def test_spoken_effort_of_an_entry() -> None:
    routine = loads(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        sets: 3\n        reps: 8\n"
        "        load: 60kg\n        rpe: 8\n      - exercise: hip-thrust\n        reps: 8\n",
        "r.yaml",
    )
    loaded, plain = routine.entries
    assert [spoken_effort(loaded, n) for n in (1, 2, 3)] == [("sixty kilos", "leave two in the tank")] * 3
    assert spoken_effort(plain, 1) == ("", "")


def test_deload_load_rounds_to_a_plate_step_and_is_always_lighter() -> None:
    assert deload_load(Load(60.0, "kg"), 0.9) == Load(55.0, "kg")
    assert deload_load(Load(100.0, "kg"), 0.9) == Load(90.0, "kg")
    assert deload_load(Load(20.0, "kg"), 0.95) == Load(17.5, "kg")  # 19 rounds to 20: still one step lighter
    assert deload_load(Load(225.0, "lb"), 0.9) == Load(200.0, "lb")
    assert deload_load(Load(10.0, "kg", True), 0.9) == Load(7.5, "kg", True)
    assert deload_load(Load(bodyweight=True), 0.9) == Load(bodyweight=True)


@pytest.mark.parametrize("value", [True, None, [60], "kg", "60kg60", "-60kg", "+"])
def test_parse_load_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_load(value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("bodyweight+10", "'bodyweight+10' has no unit: write bodyweight+10kg or bodyweight+10lb"),
        ("+10", "'+10' has no unit: write +10kg or +10lb"),
        ("bodyweight + 10 stone", "'bodyweight + 10 stone': 'stone' is not a unit of weight (use kg or lb)"),
        (
            "bw+",
            "'bw+' is not a load (expected a weight with its unit, e.g. 60kg, 135lb, bodyweight or bodyweight+10kg)",
        ),
    ],
)
def test_parse_load_messages_quote_the_whole_value(value: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_load(value)
    assert str(exc.value) == message
