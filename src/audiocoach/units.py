"""Parsing of the small value languages a routine uses: durations, tempos, rep ranges.

Each parser returns a value or raises :class:`ValueError` whose message says what was
expected, so the loader can attach it to a file:line:col.
"""

from __future__ import annotations

import re

from .defaults import MAX_REPS, MAX_STEP_MS, MAX_TEMPO_PHASE_S
from .errors import short
from .model import RepRange, Rest, Tempo

# Digits are capped so that no text can ask int() for a thousand-digit number.
_DURATION_UNITS = re.compile(r"^(?:(?P<h>\d{1,6})h)?(?:(?P<m>\d{1,6})m)?(?:(?P<s>\d{1,9})s)?$")
_CLOCK = re.compile(r"^(?P<m>\d{1,6}):(?P<s>[0-5]\d)$")
_TEMPO_PART = re.compile(r"^(?:\d{1,4}|[xX])$")
_SECONDS = re.compile(r"^\d{1,9}$")

DURATION_HINT = "expected a duration such as 45s, 1m30s, 1:30 or 90"


def parse_duration_ms(value: object) -> int:
    """``90``, ``"90s"``, ``"1m30s"``, ``"1:30"`` -> 90000. Whole seconds only."""
    if isinstance(value, bool):
        raise ValueError(f"{short(value)} is not a duration ({DURATION_HINT})")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{short(value)} is negative ({DURATION_HINT})")
        return value * 1000
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if _SECONDS.match(text):
            return int(text) * 1000
        clock = _CLOCK.match(text)
        if clock:
            return (int(clock["m"]) * 60 + int(clock["s"])) * 1000
        units = _DURATION_UNITS.match(text)
        if units and text:
            h, m, s = (int(units[k] or 0) for k in ("h", "m", "s"))
            return ((h * 60 + m) * 60 + s) * 1000
    raise ValueError(f"{short(value)} is not a duration ({DURATION_HINT})")


def parse_rest(value: object) -> Rest:
    """A duration, or a range of two: ``"45-90s"``, ``"1m-2m"``, ``"45s-1:30"``."""
    if isinstance(value, str) and "-" in value:
        lo_text, _, hi_text = value.partition("-")
        hi_text = hi_text.strip()
        lo_text = lo_text.strip()
        # "45-90s": the unit written once applies to both ends.
        if _SECONDS.match(lo_text) and hi_text[-1:] in ("s", "m") and _SECONDS.match(hi_text[:-1]):
            lo_text += hi_text[-1]
        try:
            lo, hi = parse_duration_ms(lo_text), parse_duration_ms(hi_text)
        except ValueError:
            raise ValueError(
                f"{short(value)} is not a rest (expected a duration or a range such as 45-90s)"
            ) from None
        if lo > hi:
            raise ValueError(
                f"{short(value)} is a range whose low end is above its high end (shorter rest first, e.g. 45-90s)"
            )
        _check_rest(value, hi)
        return Rest(lo, hi)
    ms = parse_duration_ms(value)
    _check_rest(value, ms)
    return Rest(ms, ms)


def _check_rest(value: object, ms: int) -> None:
    if ms > MAX_STEP_MS:
        raise ValueError(f"{short(value)} is too long for a rest (at most {MAX_STEP_MS // 60_000} minutes)")


def parse_reps(value: object) -> RepRange:
    """``10`` or ``"8-10"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise ValueError(f"{short(value)} reps: a set needs at least 1 rep")
        _check_reps(value, value)
        return RepRange(value, value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?", value)
        if m:
            lo = int(m[1])
            hi = int(m[2]) if m[2] else lo
            if lo < 1:
                raise ValueError(f"{short(value)} reps: a set needs at least 1 rep")
            if hi < lo:
                raise ValueError(
                    f"{short(value)} is a range whose low end is above its high end (fewer reps first, e.g. 8-10)"
                )
            _check_reps(value, hi)
            return RepRange(lo, hi)
    raise ValueError(f"{short(value)} is not a rep count (expected a number such as 10 or a range such as 8-10)")


def _check_reps(value: object, high: int) -> None:
    if high > MAX_REPS:
        raise ValueError(f"{short(value)} reps is more than a set can hold (at most {MAX_REPS}); use a hold or more sets")


def check_tempo(text: object) -> str:
    """Validate a tempo's text and return it normalised (``3-1-1-0``, ``X`` upper case)."""
    if isinstance(text, str):
        parts = text.strip().split("-")
        if len(parts) == 4 and all(_TEMPO_PART.match(p) for p in parts):
            ecc, _, con, _ = parts
            slow = [p for p in parts if p.isdigit() and int(p) > MAX_TEMPO_PHASE_S]
            if slow:
                raise ValueError(f"{short(text)} has a {slow[0]}-second phase (at most {MAX_TEMPO_PHASE_S} seconds; use a hold for longer)")
            for phase, part in (("eccentric", ecc), ("concentric", con)):
                if part == "0":
                    raise ValueError(
                        f"'{text}' has a 0-second {phase} phase (write X for explosive)"
                    )
            return "-".join(p.upper() for p in parts)
    raise ValueError(
        f"{short(text)} is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"
    )


def resolve_tempo(text: str, explosive_ms: int) -> Tempo:
    """``"3-1-X-0"`` -> Tempo with X replaced by ``explosive_ms``."""
    parts = check_tempo(text).split("-")
    ms = [explosive_ms if p == "X" else int(p) * 1000 for p in parts]
    return Tempo(ms[0], ms[1], ms[2], ms[3], text=check_tempo(text))
