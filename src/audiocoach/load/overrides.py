"""Command-line overrides: ``--tempo 3-1-1-0``, ``--rest hip-thrust=90s`` and friends.

:func:`parse_override` turns one option's text into an :class:`Override`;
:func:`resolve_overrides` applies a list of them to a routine and says, value by value,
what changed (so ``plan`` can show it and ``build`` can tag the MP3 with it).
Pure functions on the frozen model: no files, no sound, no click.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from audiocoach.defaults import BITRATE, BITRATE_MAX_K, BITRATE_MIN_K, RATE_MAX, RATE_MIN
from audiocoach.errors import AudiocoachError
from audiocoach.load.alternatives import find_alternative, with_alternative
from audiocoach.load.effort import parse_load
from audiocoach.load.library import explosive_ms as movement_explosive_ms
from audiocoach.load.units import check_tempo, parse_rest, resolve_tempo
from audiocoach.model import REP_RANGE_MODES, REST_POLICIES, VERBOSITIES, Entry, Group, Item, Routine, Settings, one_of

#: Overrides that may name one exercise (``id=value``); the others are session-wide.
PER_EXERCISE = ("tempo", "rest", "rest_after", "load", "swap")
#: Overrides that must name an exercise (a load belongs to one lift; a swap, to one entry).
NAMED_ONLY = ("load", "swap")
SESSION_WIDE = ("voice", "rate", "verbosity", "rest_policy", "rep_range", "bitrate")
KINDS = PER_EXERCISE + SESSION_WIDE

_BITRATE = re.compile(r"^(\d{1,3})k$")


class OverrideError(AudiocoachError):
    """An override given on the command line is malformed or names nothing."""


@dataclass(frozen=True)
class Override:
    """One override as given: ``kind`` (tempo, rest, ...), an optional exercise id, a value.

    ``value`` is normalised text (``3-1-1-0``, ``90s``, ``coach``, ``160``, ``96k``).
    """

    kind: str
    value: str
    exercise: str | None = None

    @property
    def flag(self) -> str:
        """How it is written on the command line, e.g. ``--rest hip-thrust=90s``."""
        arg = f"{self.exercise}={self.value}" if self.exercise else self.value
        return f"--{self.kind.replace('_', '-')} {arg}"


@dataclass(frozen=True)
class Applied:
    """One value of the routine an override replaced."""

    field: str  # swap | tempo | rest | rest_after | load | voice | rate | verbosity | rest_policy | rep_range | bitrate
    exercise: str | None  # the exercise id, or None for a session-wide setting
    value: str
    before: str
    flag: str

    @property
    def meta_key(self) -> str:
        return f"override.{self.field}" + (f".{self.exercise}" if self.exercise else "")

    def __str__(self) -> str:
        return f"{self.value} (routine: {self.before}; from {self.flag})"


def parse_override(kind: str, text: str) -> Override:
    """Parse one override option's text.

    Args:
        kind: tempo, rest, rest_after, load, voice, rate, verbosity, rest_policy, rep_range or bitrate.
        text: ``VALUE``, or ``EXERCISE=VALUE`` for tempo, rest and rest_after (load always names one).

    Returns:
        The :class:`Override`, its value normalised.

    Raises:
        OverrideError: the text is not a valid value for ``kind``.
    """
    kind = kind.replace("-", "_")
    if kind not in KINDS:
        raise OverrideError(f"unknown override {kind!r} (valid: {', '.join(KINDS)})")
    flag = f"--{kind.replace('_', '-')} {text}"
    raw = str(text).strip()
    exercise: str | None = None
    if kind in PER_EXERCISE and "=" in raw:
        exercise, _, raw = (part.strip() for part in raw.partition("="))
        exercise = exercise.lower()
        if not exercise:
            raise OverrideError(f"{flag}: the exercise id before '=' is missing (e.g. hip-thrust={raw or '90s'})")
    if not raw:
        raise OverrideError(f"{flag}: the value is missing")
    if kind == "swap" and exercise is None:
        raise OverrideError(
            f"{flag}: a swap names the exercise and the alternative done instead; write EXERCISE=ALTERNATIVE, "
            f"e.g. banded-glute-kickback={raw}"
        )
    if kind in NAMED_ONLY and exercise is None:
        raise OverrideError(
            f"{flag}: a load belongs to one exercise; write EXERCISE=LOAD, e.g. romanian-deadlift={raw}"
        )
    try:
        value = _PARSERS[kind](raw)
    except ValueError as exc:
        raise OverrideError(f"{flag}: {exc}") from None
    return Override(kind, value, exercise)


def _tempo(text: str) -> str:
    return check_tempo(text)


def _rest(text: str) -> str:
    return str(parse_rest(text))


def _rate(text: str) -> str:
    if not text.isdigit() or not RATE_MIN <= int(text) <= RATE_MAX:
        raise ValueError(f"{text!r} is not a speech rate (expected words per minute from {RATE_MIN} to {RATE_MAX})")
    return str(int(text))


def _one_of(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.lower() not in options:
            raise ValueError(f"{text!r} is not one of: {', '.join(options)}")
        return text.lower()

    return parse


def _bitrate(text: str) -> str:
    m = _BITRATE.match(text.lower())
    if not m or not BITRATE_MIN_K <= int(m[1]) <= BITRATE_MAX_K:
        raise ValueError(
            f"{text!r} is not an MP3 bitrate (expected {BITRATE_MIN_K}k to {BITRATE_MAX_K}k, e.g. {BITRATE})"
        )
    return text.lower()


_PARSERS = {
    "tempo": _tempo,
    "rest": _rest,
    "rest_after": _rest,
    "load": lambda text: str(parse_load(text)),
    "voice": lambda text: text,
    "rate": _rate,
    "verbosity": _one_of(VERBOSITIES),
    "rest_policy": _one_of(REST_POLICIES),
    "rep_range": _one_of(REP_RANGE_MODES),
    "bitrate": _bitrate,
    "swap": lambda text: text.lower(),
}


def parse_overrides(**given: Iterable[str] | str | int | None) -> tuple[Override, ...]:
    """Many options at once: ``parse_overrides(tempo=["3-1-1-0"], rest=["hip-thrust=90s"], rate=160)``.

    None values and empty lists are skipped; the result keeps the order given.
    """
    out: list[Override] = []
    for kind, values in given.items():
        if values is None:
            continue
        if isinstance(values, (str, int)):
            values = [str(values)]
        out.extend(parse_override(kind, str(v)) for v in values)
    return tuple(out)


def map_entries(routine: Routine, change: Callable[[Entry, bool], Entry]) -> Routine:
    """A copy of ``routine`` with ``change(entry, in_group)`` applied to every exercise entry.

    Entries inside a group (superset, circuit, ...) are passed with ``in_group=True``:
    their sets and rests belong to the group.
    """
    blocks = []
    for block in routine.blocks:
        items: list[Item] = []
        for item in block.entries:
            if isinstance(item, Group):
                items.append(replace(item, members=tuple(change(m, True) for m in item.members)))
            else:
                items.append(change(item, False))
        blocks.append(replace(block, entries=tuple(items)))
    return replace(routine, blocks=tuple(blocks))


def _matches(entry: Entry, exercise: str) -> bool:
    return exercise == entry.exercise.id or exercise in entry.exercise.aliases


def check_targets(routines: Iterable[Routine], overrides: Iterable[Override], where: str = "in this routine") -> None:
    """Raise :class:`OverrideError` for an override naming an exercise none of ``routines`` has."""
    routines = list(routines)
    entries = [e for r in routines for e in r.entries]
    ids = tuple(dict.fromkeys(e.exercise.id for e in entries))
    problems: list[str] = []
    seen: dict[tuple[str, str | None], Override] = {}
    for o in overrides:
        key = (o.kind, o.exercise)
        if key in seen and seen[key].value != o.value:
            problems.append(f"{o.flag}: given twice ({seen[key].flag} and {o.flag}); keep one")
        seen[key] = o
        if o.exercise is None:
            continue
        hits = [e for e in entries if _matches(e, o.exercise)]
        if not hits:
            close = difflib.get_close_matches(o.exercise, ids, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(f"{o.flag}: '{o.exercise}' is not an exercise {where} ({hint}ids here: {', '.join(ids)})")
        elif o.kind == "tempo" and all(e.reps is None for e in hits):
            problems.append(f"{o.flag}: '{o.exercise}' is a timed hold here; a tempo does not apply to it")
        elif o.kind == "swap" and not any(find_alternative(e, o.value) for e in hits):
            listed = ", ".join(dict.fromkeys(a.id for e in hits for a in e.alternatives)) or "none"
            problems.append(
                f"{o.flag}: '{o.value}' is not an alternative of '{o.exercise}' {where} (its alternatives: "
                f"{listed}); list it under the entry's alternatives first"
            )
    if problems:
        raise OverrideError("\n".join(problems))


def resolve_overrides(
    routine: Routine, overrides: Iterable[Override], *, strict: bool = True
) -> tuple[Routine, tuple[Applied, ...]]:
    """Apply ``overrides`` to ``routine``; return the new routine and what each override replaced.

    A per-exercise override wins over a session-wide one of the same kind, whatever the
    order. A session-wide tempo applies to exercises counted in reps (not to timed holds).
    ``bitrate`` changes nothing in the routine; it is reported so the MP3's tags record it.

    Args:
        routine: the loaded routine.
        overrides: from :func:`parse_override`.
        strict: raise when an override names an exercise the routine does not have (a
            program passes False: the exercise may be in another day's routine).

    Raises:
        OverrideError: an unknown exercise id (listing the ids in the routine), a tempo
            for a timed hold, or the same override given twice with different values.
    """
    overrides = tuple(overrides)
    if strict:
        check_targets([routine], overrides)
    every = {o.kind: o for o in overrides if o.exercise is None}
    named = {(o.kind, o.exercise): o for o in overrides if o.exercise is not None}
    applied: list[Applied] = []
    explosive_ms = routine.settings.explosive_ms

    def pick(kind: str, entry: Entry) -> Override | None:
        for (k, ex), o in named.items():
            if k == kind and ex is not None and _matches(entry, ex):
                return o
        return every.get(kind)

    def change(entry: Entry, in_group: bool) -> Entry:
        new = entry
        o = pick("swap", entry)
        alternative = find_alternative(entry, o.value) if o is not None else None
        if o is not None and alternative is not None:  # its own sides and tempo; the overrides below apply to it
            new = with_alternative(entry, alternative, explosive_ms)
            applied.append(Applied("swap", entry.exercise.id, alternative.id, entry.exercise.id, o.flag))
        o = pick("tempo", entry)
        if o is not None and entry.reps is not None:
            new = _override_tempo(new, o, explosive_ms, applied)
        for kind in ("rest", "rest_after"):
            o = pick(kind, entry)
            before = str(getattr(entry, kind))
            unused = _rest_unused(entry, kind, in_group)
            if o is not None and unused:  # reported as it is: the value stays, and why
                applied.append(Applied(kind, entry.exercise.id, before, before, f"{o.flag} (not applied: {unused})"))
            elif o is not None:
                rest = parse_rest(o.value)
                new = replace(new, rest=rest) if kind == "rest" else replace(new, rest_after=rest)
                applied.append(Applied(kind, entry.exercise.id, o.value, before, o.flag))
        o = pick("load", entry)
        if o is not None:
            new = replace(new, load=parse_load(o.value))
            applied.append(
                Applied("load", entry.exercise.id, o.value, str(entry.load) if entry.load else "none", o.flag)
            )
        return new

    new = map_entries(routine, change)
    settings = routine.settings
    changed = settings
    for kind in ("voice", "rate", "verbosity", "rest_policy", "rep_range"):
        o = every.get(kind)
        if o is None:
            continue
        before = getattr(settings, kind)
        changed = _setting(changed, kind, o.value)
        applied.append(Applied(kind, None, o.value, "default" if before is None else str(before), o.flag))
    if "bitrate" in every:
        o = every["bitrate"]
        applied.append(Applied("bitrate", None, o.value, BITRATE, o.flag))
    return replace(new, settings=changed), tuple(applied)


def _rest_unused(entry: Entry, kind: str, in_group: bool) -> str:
    """Why a rest override would change nothing on ``entry`` ('' when it applies): a group's
    member rests as its group says; a single set has no rest between sets."""
    if in_group:
        return "a circuit, superset or other group rests as the group's own rest says"
    if kind == "rest" and entry.sets + entry.warmup_sets <= 1:
        return "one set has no rest between sets; the switch between sides is 'switch' in the routine"
    return ""


def _setting(settings: Settings, kind: str, value: str) -> Settings:
    """``settings`` with one overridden value (checked when the override was parsed)."""
    if kind == "voice":
        return replace(settings, voice=value)
    if kind == "rate":
        return replace(settings, rate=int(value))
    if kind == "verbosity":
        return replace(settings, verbosity=one_of(value, VERBOSITIES))
    if kind == "rest_policy":
        return replace(settings, rest_policy=one_of(value, REST_POLICIES))
    return replace(settings, rep_range=one_of(value, REP_RANGE_MODES))


def _override_tempo(entry: Entry, o: Override, explosive_ms: int, applied: list[Applied]) -> Entry:
    """``entry`` at the override's tempo; an explosive lift is never made slow silently: a named
    override that would do so is an error, a session-wide one leaves it explosive and says so."""
    if not _slows_explosive(entry.tempo.text, o.value):
        applied.append(Applied("tempo", entry.exercise.id, o.value, entry.tempo.text, o.flag))
        return replace(entry, tempo=resolve_tempo(o.value, movement_explosive_ms(entry.exercise, explosive_ms)))
    if o.exercise is not None:
        raise OverrideError(
            f"{o.flag}: {entry.exercise.name} is explosive ({entry.tempo.text}); {o.value} would make it a slow "
            f"lift. Keep X where it is explosive (e.g. {_keep_explosive(entry.tempo.text, o.value)}), or pick "
            "another exercise"
        )
    # A session-wide tempo is for the slow lifts: an explosive one keeps its X, and says so.
    applied.append(
        Applied("tempo", entry.exercise.id, entry.tempo.text, entry.tempo.text, f"{o.flag} (kept: explosive)")
    )
    return entry


def _slows_explosive(before: str, after: str) -> bool:
    """Whether tempo ``after`` gives a phase written X in ``before`` a number of seconds."""
    return any(b.upper() == "X" and a.upper() != "X" for b, a in zip(before.split("-"), after.split("-")))


def _keep_explosive(before: str, after: str) -> str:
    return "-".join("X" if b.upper() == "X" else a for b, a in zip(before.split("-"), after.split("-")))


def apply_overrides(routine: Routine, overrides: Iterable[Override], *, strict: bool = True) -> Routine:
    """The routine with ``overrides`` applied (see :func:`resolve_overrides`)."""
    return resolve_overrides(routine, overrides, strict=strict)[0]


def override_meta(overrides: Iterable[Override], applied: Iterable[Applied]) -> dict[str, str]:
    """Timeline meta (and so ID3 TXXX frames) recording the overrides and what they replaced."""
    overrides = tuple(overrides)
    if not overrides:
        return {}
    meta = {"overrides": " ".join(o.flag for o in overrides)}
    for a in applied:
        meta[a.meta_key] = str(a)
    return meta
