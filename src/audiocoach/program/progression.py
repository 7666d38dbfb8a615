"""Progression rules: how a program changes its routines week by week.

A rule changes one thing (reps, sets, tempo, rest, rest_after) for the exercises, days
and weeks in its scope; a deload lowers sets and lengthens rests in its weeks. This
module reads the rules from a program's nodes (:func:`read_rule`, :func:`read_deload`,
problems at file:line:col) and applies them (:func:`progress_routine`, a pure function).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import yaml

from audiocoach.defaults import MAX_STEP_MS, MAX_WEEKS
from audiocoach.errors import short
from audiocoach.load.effort import LOAD_STEP
from audiocoach.load.library import explosive_ms as movement_explosive_ms
from audiocoach.load.overrides import map_entries
from audiocoach.load.units import check_tempo, parse_duration_ms, parse_reps, parse_rest, resolve_tempo
from audiocoach.load.yamlsource import Reader
from audiocoach.model import Entry, RepRange, Rest, Routine
from audiocoach.program.rules import DELOAD_LOAD_PCT, Deload, Rule
from audiocoach.program.weekly import (
    add_load_note,
    deload_entry,
    deload_load_pct,
    last_full_week,
    load_change,
    load_rule,
    shift_rest,
    week_notice,
)
from audiocoach.words.phrases import Phrasebook, default_phrasebook
from audiocoach.words.wording import note_for_tempo

__all__ = [
    "ACTIONS",
    "Deload",
    "Rule",
    "parse_weeks",
    "progress_routine",
    "read_deload",
    "read_rule",
    "rep_step",
]

ACTIONS = ("reps", "sets", "tempo", "rest", "rest_after", "load")
SCOPE_KEYS = ("weeks", "from_week", "exercises", "days", "range")
DELOAD_KEYS = ("every", "weeks", "sets", "rest", "load")


def count(what: str, low: int, high: int):
    """A parser of whole numbers from ``low`` to ``high``."""

    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{short(value)} is not a valid {what} (expected a whole number from {low} to {high})")
        return value

    return parse


def read_rule(r: Reader, node: yaml.Node, path: str, weeks: int, day_names: set[str]) -> Rule | None:
    fields = r.mapping(node, path, ACTIONS + SCOPE_KEYS, "a progression rule")
    if fields is None:
        return None
    actions = [k for k in ACTIONS if k in fields]
    if len(actions) != 1:
        found = f"found {', '.join(actions)}" if actions else "found none"
        r.error(
            node, path, f"a rule changes exactly one of {', '.join(ACTIONS)} ({found}); split it into one rule each"
        )
        return None
    action = actions[0]
    before = len(r.problems)
    value_node = fields[action][1]
    sub = f"{path}.{action}"
    changes: dict[str, Any] = {}
    if action == "reps":
        changes["amount"] = r.convert(value_node, sub, _reps_step)
    elif action == "sets":
        changes["amount"] = r.convert(value_node, sub, _sets_step)
    elif action == "tempo":
        changes["tempo"] = r.convert(value_node, sub, check_tempo)
    elif action == "load":
        changes.update(r.convert(value_node, sub, load_change) or {})
    else:
        rest = r.convert(value_node, sub, _rest_change)
        if rest is not None:
            changes["rest" if isinstance(rest, Rest) else "delta_ms"] = rest
    if "range" in fields:
        if action != "reps":
            r.error(
                fields["range"][0], f"{path}.range", "'range' belongs to a reps rule (the range the reps climb through)"
            )
        else:
            changes["range"] = r.convert(fields["range"][1], f"{path}.range", parse_reps)
    changes["weeks"] = _scope_weeks(r, fields, path, weeks)
    if "exercises" in fields:
        changes["exercises"] = tuple(_names(r, fields["exercises"][1], f"{path}.exercises", "exercise ids"))
    if "days" in fields:
        listed = _names(r, fields["days"][1], f"{path}.days", "day names")
        for d in listed:
            if d not in day_names:
                r.error(
                    fields["days"][1],
                    f"{path}.days",
                    f"'{d}' is not a day of this program (days: {', '.join(sorted(day_names))})",
                )
        changes["days"] = tuple(listed)
    if len(r.problems) > before:
        return None
    return Rule(action, location=r.loc(node, path), **changes)


def _reps_step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError(f"{short(value)} is not a reps step (expected reps added per week, from +1 to +10)")
    return value


def _sets_step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0 or not -10 <= value <= 10:
        raise ValueError(
            f"{short(value)} is not a sets change (expected a number of sets to add, e.g. +1, or -1 to remove)"
        )
    return value


def _rest_change(value: Any) -> Rest | int:
    """``90s`` or ``45-90s`` sets the rest; ``+15s`` or ``-10s`` lengthens or shortens it."""
    if isinstance(value, str) and value.strip()[:1] in "+-" and value.strip():
        text = value.strip()
        try:
            ms = parse_duration_ms(text[1:])
        except ValueError:
            raise ValueError(
                f"{short(value)} is not a rest change (expected e.g. +15s, -10s, or a rest such as 90s)"
            ) from None
        if ms > MAX_STEP_MS:
            raise ValueError(f"{short(value)} is too large a rest change (at most {MAX_STEP_MS // 60_000} minutes)")
        return ms if text[0] == "+" else -ms
    return parse_rest(value)


def _scope_weeks(r: Reader, fields: dict, path: str, weeks: int) -> tuple[int, ...] | None:
    if "weeks" in fields and "from_week" in fields:
        r.error(fields["from_week"][0], f"{path}.from_week", "give either 'weeks' or 'from_week', not both")
        return None
    if "from_week" in fields:
        first = r.convert(fields["from_week"][1], f"{path}.from_week", count("week", 1, weeks))
        return tuple(range(first, weeks + 1)) if first else None
    if "weeks" in fields:
        return r.convert(fields["weeks"][1], f"{path}.weeks", lambda v: parse_weeks(v, weeks))
    return None


def parse_weeks(value: Any, weeks: int) -> tuple[int, ...]:
    """``3``, ``"3-4"``, ``"1,3,5-6"`` or ``[3, 4]`` -> (3, 4); each within 1..weeks."""
    if isinstance(value, list):
        parts = [str(v) for v in value]
    else:
        parts = str(value).replace(" ", "").split(",")
    out: set[int] = set()
    for part in parts:
        m = re.fullmatch(r"(\d{1,4})(?:-(\d{1,4}))?", part)
        if not m:
            raise ValueError(f"{short(value)} is not a list of weeks (expected e.g. 3, 3-4 or 1,3,5-6)")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if lo > hi:
            raise ValueError(f"{short(value)}: the range {part} runs backwards (write the first week first)")
        if lo < 1 or hi > weeks:
            raise ValueError(
                f"{short(value)}: week {hi if hi > weeks else lo} is outside this program (weeks 1 to {weeks})"
            )
        out.update(range(lo, hi + 1))
    return tuple(sorted(out))


def _names(r: Reader, node: yaml.Node, path: str, what: str) -> list[str]:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for i, item in enumerate(items):
        text = r.text(item, f"{path}[{i}]" if isinstance(node, yaml.SequenceNode) else path, what)
        if text:
            out.append(text.lower())
    return out


def read_deload(r: Reader, node: yaml.Node, weeks: int) -> Deload | None:
    fields = r.mapping(node, "deload", DELOAD_KEYS, "a deload")
    if fields is None:
        return None
    if ("every" in fields) == ("weeks" in fields):
        r.error(node, "deload", "give either 'every: N' (every Nth week) or 'weeks: [..]' for the deload")
        return None
    if "every" in fields:
        every = r.convert(fields["every"][1], "deload.every", count("deload interval in weeks", 2, MAX_WEEKS))
        chosen = tuple(range(every, weeks + 1, every)) if every else ()
    else:
        chosen = r.convert(fields["weeks"][1], "deload.weeks", lambda v: parse_weeks(v, weeks)) or ()
    sets = -1
    if "sets" in fields:
        sets = r.convert(fields["sets"][1], "deload.sets", _deload_sets)
    load_pct = DELOAD_LOAD_PCT
    if "load" in fields:
        load_pct = r.convert(fields["load"][1], "deload.load", deload_load_pct)
    rest_ms = 30_000
    if "rest" in fields:
        change = r.convert(fields["rest"][1], "deload.rest", _rest_change)
        if isinstance(change, Rest) or (change is not None and change < 0):
            r.error(fields["rest"][1], "deload.rest", "a deload lengthens rests: write how much, e.g. +30s")
        elif change is not None:
            rest_ms = change
    return Deload(
        weeks=chosen,
        sets=sets if sets is not None else -1,
        rest_ms=rest_ms,
        load_pct=DELOAD_LOAD_PCT if load_pct is None else load_pct,
    )


def _deload_sets(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -10 <= value <= 0:
        raise ValueError(f"{short(value)} is not a deload sets change (expected 0 or fewer, e.g. -1)")
    return value


# --------------------------------------------------------------------------- applying


def rep_step(rule: Rule, week: int, deload_weeks: Iterable[int], weeks: int) -> int:
    """How many steps a reps rule has climbed by ``week``; deload weeks do not climb."""
    active = rule.weeks if rule.weeks is not None else tuple(range(1, weeks + 1))
    deload = set(deload_weeks)
    done = sum(1 for w in active if w <= week and w not in deload)
    return max(0, done - 1)


def _climb(
    entry: Entry,
    rule: Rule,
    step: int,
    book: Phrasebook,
    *,
    deload: bool = False,
    last_week: int | None = None,
    week: int = 0,
) -> Entry:
    """The entry's reps at ``step`` of a double progression.

    After the top of the range the reps go back to the bottom: the lifter is told so,
    with the reps they reached and when; an entry that names its load gets the smallest
    plate step (2.5 kg, 5 lb) more for each time round. A deload week repeats the step
    before it and says nothing about adding load.
    """
    rng = rule.range or entry.reps
    if entry.reps is None or rng is None or rng.low == rng.high:
        return entry
    positions = math.ceil((rng.high - rng.low) / rule.amount) + 1
    pos = step % positions
    reps = min(rng.low + rule.amount * pos, rng.high)
    entry = replace(entry, reps=RepRange(reps, reps), climb=rng)
    load = entry.load
    rounds = step // positions
    if rounds and load is not None and load.unit is not None:
        entry = replace(entry, load=load.plus(rounds * LOAD_STEP[load.unit]))
    if pos != 0 or step < positions or deload:
        return entry
    return add_load_note(entry, rng.low, rng.high, last_week, week, book)


#: Words of a note about choosing the load ("Start with a light load ... before you add weight").
_LOAD_WORDS = re.compile(r"\b(light|lighter|heavy|heavier|load)\b|\badd (a little )?(weight|load)\b", re.IGNORECASE)


def about_load(note: str) -> bool:
    """Whether ``note`` advises on the load to lift (not "let the weight come back down")."""
    return bool(_LOAD_WORDS.search(note))


def progress_routine(
    routine: Routine,
    rules: Iterable[Rule],
    week: int,
    day: str = "",
    *,
    weeks: int | None = None,
    deload: Deload | None = None,
) -> Routine:
    """``routine`` as prescribed in ``week``: the rules in order, then the deload.

    Args:
        routine: the day's routine as written.
        rules: the program's progression rules.
        week: 1-based.
        day: the day's name (rules may be limited to some days).
        weeks: the program's length (the reach of a rule without weeks); ``week`` by default.
        deload: the deload, if any; in its weeks sets drop and rests grow, and reps rules
            repeat the previous week's reps.

    Returns:
        A new routine; the original is unchanged. Entries inside a group (superset,
        circuit, ...) only take reps and tempo changes: their sets and rests belong to the group.
    """
    rules = tuple(rules)
    weeks = weeks or week
    deload_weeks = deload.weeks if deload else ()
    explosive_ms = routine.settings.explosive_ms
    book = default_phrasebook(routine.language_code).with_overrides(dict(routine.phrases))  # the routine's own words

    def change(entry: Entry, in_group: bool) -> Entry:
        # The routine's own note is kept every week unless the week's prescription contradicts
        # it; the week's program notes are said before it.
        own, entry = entry.note, replace(entry, note=None)
        # How to pick the weight is week 1's advice once the program moves the load (deloads,
        # load steps, double progression's "add a little load").
        load_moves = week in deload_weeks or any(
            r.action in ("reps", "load") and r.applies(week, day, entry) for r in rules
        )
        for rule in rules:
            if not rule.applies(week, day, entry):
                continue
            if rule.action == "reps":
                entry = _climb(
                    entry,
                    rule,
                    rep_step(rule, week, deload_weeks, weeks),
                    book,
                    deload=week in deload_weeks,
                    last_week=last_full_week(rule, week, deload_weeks, weeks),
                    week=week,
                )
            elif rule.action == "load":
                entry = load_rule(entry, rule, rep_step(rule, week, deload_weeks, weeks))
            elif rule.action == "tempo" and entry.reps is not None:
                entry = replace(
                    entry, tempo=resolve_tempo(rule.tempo or "", movement_explosive_ms(entry.exercise, explosive_ms))
                )
            elif in_group:
                continue
            elif rule.action == "sets":
                entry = replace(entry, sets=max(1, entry.sets + rule.amount))
            elif rule.action == "rest":
                entry = replace(entry, rest=rule.rest or shift_rest(entry.rest, rule.delta_ms))
            elif rule.action == "rest_after":
                entry = replace(entry, rest_after=rule.rest or shift_rest(entry.rest_after, rule.delta_ms))
        if deload is not None and week in deload.weeks:
            entry = deload_entry(entry, deload, in_group)
        said = note_for_tempo(own, entry, book.language) if own else None  # reworded to the week's tempo, or None
        if said and not (week > 1 and load_moves and about_load(said)):
            entry = replace(entry, note=f"{entry.note} {said}" if entry.note else said)
        return entry

    return replace(map_entries(routine, change), notice=week_notice(deload, week, book))
