"""The small value languages: durations, rests, rep counts and tempos."""

from __future__ import annotations

import pytest

from audiocoach.load.units import check_tempo, parse_duration_ms, parse_reps, parse_rest, resolve_tempo
from audiocoach.model import RepRange, Rest, Tempo

DURATION_HINT = "(expected a duration such as 45s, 1m30s, 1:30 or 90)"


@pytest.mark.parametrize(
    ("value", "ms"),
    [
        (90, 90_000),
        (0, 0),
        ("90", 90_000),
        ("90s", 90_000),
        ("90S", 90_000),
        (" 90 s ", 90_000),
        ("1m30s", 90_000),
        ("1m", 60_000),
        ("2m 5s", 125_000),
        ("1h", 3_600_000),
        ("1h2m3s", 3_723_000),
        ("1:30", 90_000),
        ("0:05", 5_000),
        ("12:00", 720_000),
    ],
)
def test_parse_duration_ms(value: object, ms: int) -> None:
    assert parse_duration_ms(value) == ms


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", f"'abc' is not a duration {DURATION_HINT}"),
        ("", f"'' is not a duration {DURATION_HINT}"),
        ("1:5", f"'1:5' is not a duration {DURATION_HINT}"),
        ("1:60", f"'1:60' is not a duration {DURATION_HINT}"),
        ("30s1m", f"'30s1m' is not a duration {DURATION_HINT}"),
        ("1.5s", f"'1.5s' is not a duration {DURATION_HINT}"),
        (1.5, f"1.5 is not a duration {DURATION_HINT}"),
        (True, f"True is not a duration {DURATION_HINT}"),
        (None, f"None is not a duration {DURATION_HINT}"),
        (-5, f"-5 is negative {DURATION_HINT}"),
    ],
)
def test_parse_duration_ms_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration_ms(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "rest"),
    [
        (60, Rest(60_000, 60_000)),
        ("60s", Rest(60_000, 60_000)),
        ("1:30", Rest(90_000, 90_000)),
        ("45-90s", Rest(45_000, 90_000)),
        ("45-90", Rest(45_000, 90_000)),
        ("45 - 90s", Rest(45_000, 90_000)),
        ("1-2m", Rest(60_000, 120_000)),
        ("1m-2m", Rest(60_000, 120_000)),
        ("45s-1:30", Rest(45_000, 90_000)),
        ("30s-1m30s", Rest(30_000, 90_000)),
        ("60-60s", Rest(60_000, 60_000)),
    ],
)
def test_parse_rest(value: object, rest: Rest) -> None:
    assert parse_rest(value) == rest


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("90-45s", "'90-45s' is a range whose low end is above its high end (shorter rest first, e.g. 45-90s)"),
        ("2m-1m", "'2m-1m' is a range whose low end is above its high end (shorter rest first, e.g. 45-90s)"),
        ("45-", "'45-' is not a rest (expected a duration or a range such as 45-90s)"),
        ("-45s", "'-45s' is not a rest (expected a duration or a range such as 45-90s)"),
        ("a-b", "'a-b' is not a rest (expected a duration or a range such as 45-90s)"),
        ("soon", f"'soon' is not a duration {DURATION_HINT}"),
    ],
)
def test_parse_rest_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rest(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("rest", "policy", "ms"),
    [
        (Rest(45_000, 90_000), "min", 45_000),
        (Rest(45_000, 90_000), "max", 90_000),
        # The middle on whole 5 s when the range holds it: 67.5 s -> 65 s.
        (Rest(45_000, 90_000), "mid", 65_000),
        (Rest(60_000, 120_000), "mid", 90_000),
        # Else on whole seconds: 61.5 s -> 61 s (60 and 65 are outside 61-62 s).
        (Rest(61_000, 62_000), "mid", 61_000),
        (Rest(30_000, 30_000), "mid", 30_000),
        (Rest(30_000, 30_000), "min", 30_000),
    ],
)
def test_rest_pick(rest: Rest, policy: str, ms: int) -> None:
    from audiocoach.timing import pick_rest

    assert pick_rest(rest, policy) == ms


def test_rest_str() -> None:
    assert str(Rest(45_000, 90_000)) == "45-90s"
    assert str(Rest(60_000, 60_000)) == "60s"


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [(10, 10, 10), (1, 1, 1), ("10", 10, 10), ("8-10", 8, 10), (" 8 - 12 ", 8, 12), ("5-5", 5, 5)],
)
def test_parse_reps(value: object, low: int, high: int) -> None:
    assert parse_reps(value) == RepRange(low, high)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "0 reps: a set needs at least 1 rep"),
        (-3, "-3 reps: a set needs at least 1 rep"),
        ("0-5", "'0-5' reps: a set needs at least 1 rep"),
        ("10-8", "'10-8' is a range whose low end is above its high end (fewer reps first, e.g. 8-10)"),
        ("lots", "'lots' is not a rep count (expected a number such as 10 or a range such as 8-10)"),
        ("8-", "'8-' is not a rep count (expected a number such as 10 or a range such as 8-10)"),
        (True, "True is not a rep count (expected a number such as 10 or a range such as 8-10)"),
        (8.5, "8.5 is not a rep count (expected a number such as 10 or a range such as 8-10)"),
    ],
)
def test_parse_reps_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_reps(value)
    assert str(info.value) == message


def test_rep_range_counted_and_str() -> None:
    assert RepRange(8, 10).counted("bottom") == 8
    assert RepRange(8, 10).counted("top") == 10
    assert RepRange(8, 10).counted("range") == 10
    assert str(RepRange(8, 10)) == "8-10"
    assert str(RepRange(10, 10)) == "10"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("3-1-1-0", "3-1-1-0"),
        ("3-1-x-0", "3-1-X-0"),
        ("X-0-X-0", "X-0-X-0"),
        (" 2-0-1-2 ", "2-0-1-2"),
        ("10-0-1-0", "10-0-1-0"),
    ],
)
def test_check_tempo(text: str, normal: str) -> None:
    assert check_tempo(text) == normal


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3-1-x", "'3-1-x' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        ("3-1-1-0-0", "'3-1-1-0-0' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        ("3-1-y-0", "'3-1-y-0' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        ("3--1-0", "'3--1-0' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        (311, "311 is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        ("31100", "'31100' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        (None, "None is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"),
        ("0-1-1-0", "'0-1-1-0' has a 0-second eccentric phase (write X for explosive)"),
        ("3-1-0-0", "'3-1-0-0' has a 0-second concentric phase (write X for explosive)"),
    ],
)
def test_check_tempo_rejects(text: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        check_tempo(text)
    assert str(info.value) == message


def test_resolve_tempo() -> None:
    tempo = resolve_tempo("3-1-1-0", 500)
    assert tempo == Tempo(3000, 1000, 1000, 0)
    assert tempo.text == "3-1-1-0"
    assert tempo.rep_ms == 5000


def test_resolve_tempo_explosive_phases_use_explosive_ms() -> None:
    tempo = resolve_tempo("3-1-x-0", 700)
    assert tempo == Tempo(3000, 1000, 700, 0)
    assert tempo.text == "3-1-X-0"
    assert resolve_tempo("X-0-X-0", 400) == Tempo(400, 0, 400, 0)


def test_resolve_tempo_rejects_bad_text() -> None:
    with pytest.raises(ValueError):
        resolve_tempo("fast", 500)


def test_tempo_phases_eccentric_first() -> None:
    assert Tempo(3000, 1000, 1000, 500).phases("eccentric") == (
        ("eccentric", 3000),
        ("bottom", 1000),
        ("concentric", 1000),
        ("top", 500),
    )


def test_tempo_phases_concentric_first() -> None:
    assert Tempo(2000, 500, 1000, 2000).phases("concentric") == (
        ("concentric", 1000),
        ("top", 2000),
        ("eccentric", 2000),
        ("bottom", 500),
    )


def test_tempo_phases_drop_zero_pauses() -> None:
    tempo = Tempo(3000, 0, 1000, 0)
    assert tempo.phases("eccentric") == (("eccentric", 3000), ("concentric", 1000))
    assert tempo.phases("concentric") == (("concentric", 1000), ("eccentric", 3000))
    hip_thrust = Tempo(2000, 0, 1000, 2000)
    assert hip_thrust.phases("concentric") == (("concentric", 1000), ("top", 2000), ("eccentric", 2000))
