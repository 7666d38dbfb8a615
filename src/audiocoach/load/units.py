"""Parsing of the small value languages a routine uses: durations, tempos, rep ranges.

Each parser returns a value or raises :class:`ValueError` whose message says what was
expected, so the loader can attach it to a file:line:col.
"""

from __future__ import annotations

import re

from audiocoach.defaults import MAX_REPS, MAX_STEP_MS, MAX_TEMPO_PHASE_S
from audiocoach.errors import short
from audiocoach.model import RepRange, Rest, Tempo

# Digits are capped so that no text can ask int() or float() for a thousand-digit number.
_DURATION_UNITS = re.compile(r"^(?:(?P<h>\d{1,6})h)?(?:(?P<m>\d{1,6})m)?(?:(?P<s>\d{1,9})s)?$")
# How people write units: "60 seconds", "90 sec", "1 min", "1.5 min", "2 minutes", "1 hr".
_UNIT_WORDS = (
    (re.compile(r"(?<=[\d.])\s*(?:hours?|hrs?)\b"), "h"),
    (re.compile(r"(?<=[\d.])\s*(?:minutes?|mins?)\b"), "m"),
    (re.compile(r"(?<=[\d.])\s*(?:seconds?|secs?)\b"), "s"),
)
_DECIMAL_UNIT = re.compile(r"^(?P<n>\d{1,6}\.\d{1,6}|\.\d{1,6})(?P<u>[hm])$")
# Ranges as people type them: "8-10", "8–10" (en dash), "8—10" (em dash), "8 to 10".
_RANGE_SEPARATOR = re.compile(r"\s*(?:[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]|\bto\b)\s*")
_CLOCK = re.compile(r"^(?P<m>\d{1,6}):(?P<s>[0-5]\d)$")
_TEMPO_PART = re.compile(r"^(?:\d{1,4}|[xX])$")
_DASHES = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_TEMPO_DIGITS = re.compile(r"^[\dxX]{4}$")
_SECONDS = re.compile(r"^\d{1,9}$")
_COUNT = re.compile(r"^\d{1,9}$")

DURATION_HINT = "expected a duration such as 45s, 1m30s, 1:30 or 90"


def _unit_letters(text: str) -> str:
    """``"1 min 30 seconds"`` -> ``"1m30s"``: unit words to the letters the parser reads."""
    text = text.strip().lower()
    for pattern, unit in _UNIT_WORDS:
        text = pattern.sub(unit, text)
    return text.replace(" ", "")


def _unit_words(text: str) -> str:
    """Like :func:`_unit_letters`, and ``"1.5 min"`` -> ``"90s"`` (whole seconds only)."""
    letters = _unit_letters(text)
    decimal = _DECIMAL_UNIT.match(letters)
    if decimal:
        seconds = float(decimal["n"]) * (3600 if decimal["u"] == "h" else 60)
        if abs(seconds - round(seconds)) > 1e-6:
            raise ValueError(f"{text.strip()!r} is not a whole number of seconds ({DURATION_HINT})")
        return f"{round(seconds)}s"
    return letters


def split_range(text: str) -> tuple[str, str] | None:
    """``"8-10"``, ``"8–10"``, ``"8 — 10"``, ``"8 to 10"`` -> ``("8", "10")``; None for one value."""
    parts = _RANGE_SEPARATOR.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0].strip(), parts[1].strip()


def parse_duration_ms(value: object) -> int:
    """``90``, ``"90s"``, ``"1m30s"``, ``"1:30"``, ``"90 sec"``, ``"1.5 min"`` -> 90000. Whole seconds only."""
    if isinstance(value, bool):
        raise ValueError(f"{short(value)} is not a duration ({DURATION_HINT})")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{short(value)} is negative ({DURATION_HINT})")
        return value * 1000
    if isinstance(value, str):
        text = _unit_words(value)
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
    ends = split_range(value) if isinstance(value, str) else None
    if isinstance(value, str) and ends is None and _RANGE_SEPARATOR.search(value.strip()):
        ends = ("", "")  # a dash with nothing on one side
    if ends is not None:
        lo_text, hi_text = _unit_letters(ends[0]), _unit_letters(ends[1])
        # "45-90s", "1 to 2 min": the unit written once applies to both ends.
        if re.fullmatch(r"\d{1,9}(?:\.\d{1,6})?", lo_text) and re.fullmatch(r"\d{1,9}(?:\.\d{1,6})?[hms]", hi_text):
            lo_text += hi_text[-1]
        try:
            lo, hi = parse_duration_ms(lo_text), parse_duration_ms(hi_text)
        except ValueError:
            raise ValueError(f"{short(value)} is not a rest (expected a duration or a range such as 45-90s)") from None
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
        ends = split_range(value) or (value.strip(), value.strip())
        if _COUNT.match(ends[0]) and _COUNT.match(ends[1]):
            lo, hi = int(ends[0]), int(ends[1])
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
        raise ValueError(
            f"{short(value)} reps is more than a set can hold (at most {MAX_REPS}); use a hold or more sets"
        )


def check_tempo(text: object) -> str:
    """Validate a tempo's text and return it normalised (``3-1-1-0``, ``X`` upper case).

    Four digits without dashes are the common notation: ``3010`` (or ``31X0``) means 3-0-1-0.
    """
    if isinstance(text, int) and not isinstance(text, bool) and 1000 <= text <= 9999:
        text = str(text)  # YAML reads tempo: 3010 as a number
    if isinstance(text, str) and _TEMPO_DIGITS.fullmatch(text.strip()):
        text = "-".join(text.strip())
    if isinstance(text, str):
        parts = [p.strip() for p in _DASHES.split(text.strip())]
        if len(parts) == 4 and all(_TEMPO_PART.match(p) for p in parts):
            ecc, _, con, _ = parts
            slow = [p for p in parts if p.isdigit() and int(p) > MAX_TEMPO_PHASE_S]
            if slow:
                raise ValueError(
                    f"{short(text)} has a {slow[0]}-second phase (at most {MAX_TEMPO_PHASE_S} seconds; use a hold for longer)"
                )
            for phase, part in (("eccentric", ecc), ("concentric", con)):
                if part == "0":
                    raise ValueError(f"'{text}' has a 0-second {phase} phase (write X for explosive)")
            return "-".join(p.upper() for p in parts)
    raise ValueError(f"{short(text)} is not a tempo (expected four phases such as 3-1-1-0; X = explosive)")


def resolve_tempo(text: str, explosive_ms: int) -> Tempo:
    """``"3-1-X-0"`` -> Tempo with X replaced by ``explosive_ms``."""
    parts = check_tempo(text).split("-")
    ms = [explosive_ms if p == "X" else int(p) * 1000 for p in parts]
    return Tempo(ms[0], ms[1], ms[2], ms[3], text=check_tempo(text))


#: Keys people reach for to pause within each rep; the tempo's pause digits do that.
_PAUSE_KEY = re.compile(
    r"^(?:pause|hold|squeeze|stop)_?(?:at_?)?(?:the_?)?(?P<where>top|bottom)?$|^(?P<where2>top|bottom)_?(?:pause|hold|squeeze)$"
)


def pause_hint(key: str) -> str | None:
    """The fix for a key such as ``hold_top`` or ``pause_bottom``: a pause in each rep is
    written in the tempo (its 2nd digit pauses at the bottom, its 4th at the top)."""
    m = _PAUSE_KEY.match(key.strip().lower().replace("-", "_").replace(" ", "_"))
    if not m or key in ("hold",):
        return None
    where = m["where"] or m["where2"]
    example = {"top": "tempo: 3-0-1-2 (2 s at the top)", "bottom": "tempo: 3-2-1-0 (2 s at the bottom)"}
    return (
        f"'{key}' is not a key: a pause in every rep is part of the tempo, whose 2nd digit is the pause at the "
        f"bottom (after lowering) and 4th the pause at the top (after lifting); write "
        f"{example.get(where or '', 'tempo: 3-1-1-2 (1 s at the bottom, 2 s at the top)')}. "
        f"'hold: 30s' is a different thing: a timed set (a plank), instead of reps"
    )
