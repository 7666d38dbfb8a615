"""What a program week does beyond the rules' numbers: loads, deloads, and what the coach
says about them.

A load rule adds weight week by week; a deload week lightens every load, leaves more reps
in reserve and says so first; the week after says the deload is over; a double progression
that goes back to the bottom of its range says what the lifter reached and when. All pure
functions on the frozen model, called by :func:`audiocoach.program.progression.progress_routine`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from audiocoach.errors import Problem
from audiocoach.load.effort import LOAD_STEP, deload_effort, deload_load, parse_load, parse_weight
from audiocoach.model import LOAD_UNITS, Entry, Load, ProgramNote, Rest, one_of
from audiocoach.program.rules import Deload, Rule
from audiocoach.words.effort import spoken_weight
from audiocoach.words.phrases import Phrasebook

# What a lifter hears about a deload and a double progression is in data/phrases.yaml
# (deload_week, deload_over, add_load, added_load), so a routine's phrases: can change it.


def deload_load_pct(value: Any) -> int:
    """``-10%`` (ten percent lighter) .. ``-50%``, or ``0%`` to keep the loads."""
    text = str(value).strip().replace(" ", "") if not isinstance(value, bool) else ""
    m = re.fullmatch(r"(-?\d+)%", text)
    if not m or not -50 <= int(m[1]) <= 0:
        raise ValueError(
            f"{value!r} is not a deload load change (expected a percentage from -50% to 0%, e.g. -10% for ten percent lighter)"
        )
    return int(m[1])


def load_change(value: Any) -> dict[str, Any]:
    """``+2.5kg`` or ``-5lb`` a week, or a load to set (``70kg``, ``bodyweight+10kg``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f"{value:g} has no unit: write +{abs(value):g}kg to add that much each week, or {abs(value):g}kg to set the load"
        )
    if isinstance(value, str) and value.strip()[:1] in "+-":
        try:
            amount, unit = parse_weight(value.strip(), signed=True)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a load change (expected the load added each week, e.g. +2.5kg or +5lb, or a load such as 70kg)"
            ) from None
        if amount == 0:
            raise ValueError(f"{value!r} changes nothing; write e.g. +2.5kg, or remove the rule")
        return {"load_step": amount, "load_unit": unit}
    return {"load": parse_load(value)}


def last_full_week(rule: Rule, week: int, deload_weeks: Iterable[int], weeks: int) -> int | None:
    """The last week before ``week`` in which ``rule`` was worked outside a deload."""
    active = rule.weeks if rule.weeks is not None else tuple(range(1, weeks + 1))
    deload = set(deload_weeks)
    earlier = [w for w in active if w < week and w not in deload]
    return max(earlier) if earlier else None


def add_load_note(entry: Entry, low: int, high: int, last_week: int | None, week: int, book: Phrasebook) -> Entry:
    """``entry`` with the note of a double progression going back to ``low`` reps after
    reaching ``high`` in ``last_week`` (the last week worked outside a deload), in ``book``'s words."""
    near = last_week is not None and last_week == week - 1
    lang = book.language
    when = lang.word("last_week") if near else lang.word("in_week", last_week or 0)
    when_short = "last week" if near else f"in week {last_week}"
    load = entry.load
    if load is not None and load.unit is not None:
        step = LOAD_STEP[load.unit]
        text = book.variants(
            "added_load",
            0,
            low=lang.number(low),
            high=lang.number(high),
            when=when,
            step=spoken_weight(step, load.unit, lang),
        )[0]
        short = f"back to {low} reps ({high} {when_short}): +{step:g}{load.unit}"
    else:
        text = book.variants("add_load", 0, low=lang.number(low), high=lang.number(high), when=when)[0]
        short = f"back to {low} reps ({high} {when_short}): add load"
    return with_note(entry, ProgramNote("add_load", text, short))


def shift_rest(rest: Rest, delta_ms: int) -> Rest:
    """``rest`` made ``delta_ms`` longer (shorter when negative), never below zero."""
    return Rest(max(0, rest.low_ms + delta_ms), max(0, rest.high_ms + delta_ms))


def with_note(entry: Entry, note: ProgramNote) -> Entry:
    """``entry`` with a program note: recorded, and spoken before the routine's own note."""
    spoken = f"{note.text} {entry.note}" if entry.note else note.text
    return replace(entry, note=spoken, program_notes=entry.program_notes + (note,))


def load_rule(entry: Entry, rule: Rule, step: int) -> Entry:
    """A load rule on one entry: set the load, or add ``load_step`` for each week climbed.

    Entries without a load, or with a load in another unit, are left alone (a rule that
    names them is refused when the program is checked, see :func:`audiocoach.program.programs.sessions`).
    """
    if rule.load is not None:
        return replace(entry, load=rule.load)
    load = entry.load
    if load is None:
        return entry
    if load.unit is None and load.bodyweight and rule.exercises:
        load = Load(0.0, one_of(rule.load_unit, LOAD_UNITS), True)
    if load.unit != rule.load_unit:
        return entry
    return replace(entry, load=load.plus(rule.load_step * step))


def deload_entry(entry: Entry, deload: Deload, in_group: bool) -> Entry:
    """One entry in a deload week: lighter load, more reps in reserve; fewer sets and
    longer rests unless a group decides those."""
    changes: dict[str, Any] = {}
    if entry.load is not None and deload.load_pct:
        changes["load"] = deload_load(entry.load, 1 + deload.load_pct / 100)
    effort = deload_effort(entry)
    if effort is not None:  # an entry without rpe/rir whose load is chosen by the guide too
        changes["effort"] = effort
    if not in_group:
        changes["sets"] = max(1, entry.sets + deload.sets)
    # A stretch is recovery already: a deload lengthens the rests of the work, not the cool-down's.
    if not in_group and entry.exercise.pattern != "stretch":
        changes.update(
            rest=shift_rest(entry.rest, deload.rest_ms),
            rest_after=shift_rest(entry.rest_after, deload.rest_ms),
        )
    return replace(entry, **changes)


def deload_notice(deload: Deload, book: Phrasebook) -> str:
    """What a deload week's sessions say first, from what the deload really changes."""
    lang = book.language
    parts = []
    if deload.load_pct:
        parts.append(lang.word("deload_lighter", -deload.load_pct))
    if deload.sets < 0:
        n = -deload.sets
        parts.append(lang.word("deload_fewer_sets", n))
    if deload.rest_ms:
        parts.append(lang.word("deload_more_rest", rest=lang.duration(deload.rest_ms)))
    last_and = lang.word("and_last")
    change = ", ".join(parts[:-1]) + (last_and if len(parts) > 1 else "") + parts[-1] if parts else lang.word("easier")
    return book.variants("deload_week", 0, change=change)[0]


def week_notice(deload: Deload | None, week: int, book: Phrasebook) -> str | None:
    """The session notice of ``week``: a deload week says so; the week after one says it is over."""
    if deload is None:
        return None
    if week in deload.weeks:
        return deload_notice(deload, book)
    if week - 1 in deload.weeks:
        return book.variants("deload_over")[0]
    return None


def load_rule_problems(rules: Iterable[Rule], entries: Iterable[Entry]) -> list[Problem]:
    """A load rule that names an exercise whose load it cannot change: no load, or a
    load in the other unit (a weekly +2.5kg on a 135lb lift)."""
    entries = list(entries)
    problems = []
    for rule in rules:
        if rule.action != "load" or rule.load is not None or not rule.exercises:
            continue
        where = rule.location.child(rule.location.path + ".load") if rule.location else None
        for ex in rule.exercises:
            hits = [e for e in entries if ex in (e.exercise.id, *e.exercise.aliases)]
            if hits and all(e.load is None for e in hits):
                problems.append(
                    Problem(
                        where,
                        f"'{ex}' has no load to add to; give it one in its routine (e.g. load: 60kg) or remove it from this rule",
                    )
                )
            elif any(e.load is not None and e.load.unit not in (None, rule.load_unit) for e in hits):
                other = next(
                    e.load.unit for e in hits if e.load is not None and e.load.unit not in (None, rule.load_unit)
                )
                problems.append(
                    Problem(
                        where,
                        f"'{ex}' is loaded in {other} but this rule adds {rule.load_unit}; write the rule in {other}",
                    )
                )
    return problems
