"""What a program's lifter has already heard: an exercise's setup steps are said in the first
session that has the exercise (week 1), not again in every session after it, unless the
program asks for them (``repeat_setup: true``, or a list of exercise ids).

Pure functions on the loaded routines; :func:`audiocoach.program.programs.sessions` hands
each session's routine the ids it must not explain again (``Routine.setup_heard``).
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from audiocoach.errors import Problem, SourceLocation
from audiocoach.load.yamlsource import Reader
from audiocoach.model import Routine

#: ``repeat_setup`` as read: True (every session), False (once), or the exercise ids to repeat.
RepeatSetup = bool | tuple[str, ...]


def read_repeat_setup(r: Reader, node: yaml.Node) -> RepeatSetup:
    """``repeat_setup: true``, ``false`` or ``[hip-thrust, ...]``."""
    if isinstance(node, yaml.SequenceNode):
        items = r.sequence(node, "repeat_setup", "exercise ids") or []
        return tuple(t.lower() for i, item in enumerate(items) if (t := r.text(item, f"repeat_setup[{i}]", "an id")))
    value = r.scalar(node)
    if isinstance(value, bool):
        return value
    r.error(node, "repeat_setup", f"{value!r} is not true, false or a list of exercise ids (e.g. [hip-thrust])")
    return False


def repeat_problems(repeat: RepeatSetup, routines: list[Routine], where: SourceLocation | None) -> list[Problem]:
    """An id in ``repeat_setup`` that no routine of the program has."""
    if isinstance(repeat, bool):
        return []
    known = {i for r in routines for e in r.entries for i in (e.exercise.id, *e.exercise.aliases)}
    listed = ", ".join(sorted({e.exercise.id for r in routines for e in r.entries}))
    return [
        Problem(where, f"'{name}' is not an exercise in any routine of this program (ids: {listed})")
        for name in repeat
        if name not in known
    ]


def setup_heard(days: Mapping[int, Routine], week: int, day: int, repeat: RepeatSetup) -> frozenset[str]:
    """The exercises whose setup steps the lifter has heard before session (``week``, ``day``):
    those of an earlier session in program order (the days of a week are the same routines
    every week), less the ones ``repeat`` asks to hear every time."""
    if repeat is True:
        return frozenset()
    first: dict[str, int] = {}  # exercise id -> the first day (of week 1) that has it
    for i in sorted(days):
        for entry in days[i].entries:
            if entry.exercise.setup:
                first.setdefault(entry.exercise.id, i)
    again = set(repeat) if isinstance(repeat, tuple) else set()
    aliases = {a: e.exercise.id for r in days.values() for e in r.entries for a in e.exercise.aliases}
    again |= {aliases[a] for a in again if a in aliases}
    return frozenset(ex for ex, i in first.items() if (week, day) > (1, i) and ex not in again)
