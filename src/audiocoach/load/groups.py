"""Groups: a superset, circuit, EMOM, AMRAP, intervals or tabata, read from ``- circuit: {...}``.

Which keys each kind takes and needs, the group's own defaults (:mod:`audiocoach.defaults`),
and the checks that need the whole group (an EMOM member must fit its interval, asked of
:func:`audiocoach.timing.emom_work_ms`, the rule the compiler lays the EMOM out by). Members
are read by the routine loader's own entry reader, passed in as ``read_member``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import yaml

from audiocoach.defaults import (
    AMRAP_REMAINING_EVERY_MS,
    CIRCUIT_TRANSITION,
    EMOM_EVERY_MS,
    MAX_AMRAP_MS,
    MAX_ROUNDS,
    MAX_STEP_MS,
    SUPERSET_TRANSITION,
    TABATA_REST,
    TABATA_ROUNDS,
    TABATA_WORK_MS,
)
from audiocoach.load.settings import Defaults
from audiocoach.load.units import parse_rest
from audiocoach.load.yamlsource import Reader, duration, positive_int
from audiocoach.model import GROUP_KEYWORDS, GROUP_KINDS, Entry, Group, Settings, one_of
from audiocoach.timing import emom_work_ms

__all__ = [
    "GROUP_DECIDES",
    "GROUP_KEYS",
    "GROUP_REQUIRED",
    "check_decided_by_group",
    "group_article",
    "group_kind",
    "read_group",
]

#: Keys a group member may not have: the group decides them.
GROUP_DECIDES = ("sets", "rest", "rest_after")
GROUP_KEYS = {
    "superset": ("rounds", "transition", "rest", "rest_after", "exercises"),
    "circuit": ("rounds", "transition", "rest", "rest_after", "exercises"),
    "emom": ("rounds", "every", "rest_after", "exercises"),
    "amrap": ("time", "remaining_every", "rest_after", "exercises"),
    "intervals": ("rounds", "work", "rest", "rest_after", "exercises"),
    "tabata": ("rounds", "work", "rest", "rest_after", "exercises"),
}
GROUP_REQUIRED = {
    "superset": ("rounds",),
    "circuit": ("rounds",),
    "emom": ("rounds",),
    "amrap": ("time",),
    "intervals": ("rounds", "work", "rest"),
    "tabata": (),
}

ReadMember = Callable[[yaml.Node, str], Entry | None]


def group_article(kind: str) -> str:
    """'a circuit', 'an EMOM'."""
    name = kind.upper() if kind in ("emom", "amrap") else kind
    return f"an {name}" if kind in ("emom", "amrap", "intervals") else f"a {name}"


def group_kind(r: Reader, node: yaml.Node) -> str | None:
    """'circuit' for ``- circuit: {...}`` (a one-key mapping naming a group kind)."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key = r.scalar(node.value[0][0])
        if isinstance(key, str) and key in GROUP_KEYWORDS:
            return key
    return None


def read_group(
    r: Reader, node: yaml.Node, kind: str, path: str, settings: Settings, defaults: Defaults, read_member: ReadMember
) -> Group | None:
    """The group written at ``node`` (``- circuit: {...}``), or None after recording its problems."""
    body_node = node.value[0][1]
    path = f"{path}.{kind}"
    fields = r.mapping(body_node, path, GROUP_KEYS[kind], group_article(kind))
    if fields is None:
        return None
    before = len(r.problems)
    for key in GROUP_REQUIRED[kind]:
        if key not in fields:
            r.error(body_node, f"{path}.{key}", f"missing '{key}'; {group_article(kind)} needs it")

    def get(key: str, parse: Callable[[Any], Any], default: Any) -> Any:
        if key not in fields:
            return default
        value = r.convert(fields[key][1], f"{path}.{key}", parse)
        return default if value is None else value

    tabata = kind == "tabata"
    members = _members(r, body_node, fields, path, kind, read_member)
    group = Group(
        kind=one_of("intervals" if tabata else kind, GROUP_KINDS),
        members=tuple(members),
        rounds=get("rounds", positive_int("number of rounds", 1, MAX_ROUNDS), TABATA_ROUNDS if tabata else 1),
        transition=get(
            "transition", parse_rest, parse_rest(SUPERSET_TRANSITION if kind == "superset" else CIRCUIT_TRANSITION)
        ),
        rest=get("rest", parse_rest, parse_rest(TABATA_REST) if tabata else defaults.rest),
        rest_after=get("rest_after", parse_rest, defaults.rest_after),
        interval_ms=get("every", duration("an EMOM interval", MAX_STEP_MS), EMOM_EVERY_MS),
        work_ms=get("time", duration("an AMRAP", MAX_AMRAP_MS), 0)
        or get("work", duration("an interval's work", MAX_STEP_MS), TABATA_WORK_MS if tabata else 0),
        remaining_every_ms=get(
            "remaining_every", duration("the time-remaining cadence", MAX_AMRAP_MS, 10_000), AMRAP_REMAINING_EVERY_MS
        ),
        location=r.loc(node, path),
    )
    if len(r.problems) > before or not members:
        return None
    if group.kind == "emom":
        _check_emom(r, fields, path, group, settings)
        if len(r.problems) > before:
            return None
    return group


def _members(
    r: Reader,
    body_node: yaml.Node,
    fields: dict[str, tuple[yaml.Node, yaml.Node]],
    path: str,
    kind: str,
    read_member: ReadMember,
) -> list[Entry]:
    members: list[Entry] = []
    if "exercises" not in fields:
        r.error(body_node, f"{path}.exercises", f"missing 'exercises'; list what the {kind} does")
        return members
    for j, item in enumerate(r.sequence(fields["exercises"][1], f"{path}.exercises", "exercises") or []):
        if group_kind(r, item) is not None:
            r.error(item, f"{path}.exercises[{j}]", "a group cannot contain another group; list exercises here")
            continue
        member = read_member(item, f"{path}.exercises[{j}]")
        if member is not None:
            members.append(replace(member, sets=1))
    return members


def _check_emom(
    r: Reader, fields: dict[str, tuple[yaml.Node, yaml.Node]], path: str, group: Group, settings: Settings
) -> None:
    """Every member's work fits the interval with a second to spare (the compiler's own measure)."""
    for j, m in enumerate(group.members):
        used = emom_work_ms(m, settings.lead_in_ms, settings.rep_range, settings.switch_ms)
        if used > group.interval_ms - 1000:
            r.error(
                fields["exercises"][1].value[j],
                f"{path}.exercises[{j}]",
                f"{m.exercise.name} takes {used / 1000:g} s (lead-in + reps x tempo), which does not fit in "
                f"an EMOM interval of {group.interval_ms / 1000:g} s with a second to spare; use fewer reps, a faster tempo or a longer 'every'",
            )


def check_decided_by_group(r: Reader, fields: dict[str, tuple[yaml.Node, yaml.Node]], path: str, group: str) -> None:
    """A group member may not set what its group decides (sets, rest, rest_after)."""
    for key in GROUP_DECIDES:
        if key in fields:
            decided_by = "'rounds'" if key == "sets" else f"the {group}'s '{key}'"
            r.error(
                fields[key][0],
                f"{path}.{key}",
                f"'{key}' of an exercise in {group_article(group)} is set by {decided_by}; remove it here",
            )
