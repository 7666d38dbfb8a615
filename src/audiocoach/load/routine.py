"""YAML -> model. Safe loading only; every node keeps its file:line:col.

The loader walks PyYAML's node tree (``yaml.compose`` with the safe loader, through the
shared :mod:`audiocoach.load.document` reader) rather than the constructed Python objects, so
each value still knows where it was written. It collects every problem it finds and raises
one :class:`RoutineError` at the end. Every number is bounded where it is read, and the
session as a whole (:mod:`audiocoach.compile.bounds`) before anything else runs. ``defaults:`` and
``phrases:`` are read in :mod:`audiocoach.load.settings`, ``music:`` in
:mod:`audiocoach.load.music`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from audiocoach.compile.bounds import check_session, session_problem
from audiocoach.defaults import (
    MAX_AMRAP_MS,
    MAX_BLOCKS,
    MAX_DESCRIPTION_CHARS,
    MAX_ROUNDS,
    MAX_SETS,
    MAX_STEP_MS,
    REST,
    REST_AFTER,
    TEMPO,
)
from audiocoach.load.document import load_document, loads_document, parse_yaml, read_source
from audiocoach.load.effort import ENTRY_KEYS as EFFORT_KEYS
from audiocoach.load.effort import entry_fields as effort_fields
from audiocoach.load.library import Library, default_library, explosive_ms
from audiocoach.load.music import MUSIC_KEYS, MUSIC_REST_KEYS, read_music
from audiocoach.load.settings import DEFAULT_KEYS, Defaults, read_defaults, read_phrases, template_problem
from audiocoach.load.units import check_tempo, parse_reps, parse_rest, pause_hint, resolve_tempo
from audiocoach.load.yamlsource import Reader, boolean, choice, duration, positive_int
from audiocoach.model import COUNT_MODES, GROUP_KINDS, START_PHASES, Block, Entry, Exercise, Group, Routine, Settings

__all__ = [
    "load_routine",
    "loads",
    "routine_from_node",
    "parse_yaml",
    "read_source",
    "check_session",
    "template_problem",
    "DEFAULT_KEYS",
    "MUSIC_KEYS",
    "MUSIC_REST_KEYS",
]

#: The tempo of an inline exercise when neither it nor the routine names one.
BUILTIN_TEMPO = TEMPO
BUILTIN_REST = REST
BUILTIN_REST_AFTER = REST_AFTER
ROUTINE_NEEDS = "a title and blocks"

ROUTINE_KEYS = ("title", "description", "defaults", "blocks", "phrases", "music", "music_rest", "pronounce")
BLOCK_KEYS = ("name", "exercises")
ENTRY_KEYS = (
    "exercise",
    "name",
    "short_name",
    "cues",
    "muscles",
    "start",
    "sets",
    "reps",
    "hold",
    "per_side",
    "tempo",
    "rest",
    "rest_after",
    "note",
    "alternatives",
    "count",
) + EFFORT_KEYS
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


def load_routine(
    path: str | Path,
    *,
    library: Library | None = None,
    display_name: str | None = None,
) -> Routine:
    """Read and validate a routine file.

    Args:
        path: the routine's YAML file.
        library: the exercise library (the shipped one by default).
        display_name: how the file is named in error messages (the path as given by default).

    Returns:
        The validated :class:`Routine`.

    Raises:
        RoutineError: every problem found, each with file:line:col.
    """
    lib, folder = library or default_library(), Path(path).parent
    build = lambda r, root: _routine(r, root, lib, base_dir=folder)  # noqa: E731
    return load_document(path, build, what="routine", needs=ROUTINE_NEEDS, display_name=display_name)


def loads(
    text: str, filename: str = "<routine>", *, library: Library | None = None, base_dir: str | Path | None = None
) -> Routine:
    """Like :func:`load`, from text already read.

    ``base_dir`` is where relative paths in the routine (music) are found; by default the
    folder of ``filename``.
    """
    lib, folder = library or default_library(), Path(base_dir) if base_dir else Path(filename).parent
    build = lambda r, root: _routine(r, root, lib, base_dir=folder)  # noqa: E731
    return loads_document(text, filename, build, what="routine", needs=ROUTINE_NEEDS)


def routine_from_node(r: Reader, root: yaml.Node, library: Library, base_dir: Path | None = None) -> Routine | None:
    """A routine from a YAML node (e.g. one written inline in a program); problems go to ``r``."""
    return _routine(r, root, library, base_dir=base_dir or Path(r.filename).parent)


def _routine(r: Reader, root: yaml.Node, library: Library, base_dir: Path) -> Routine | None:
    top = r.mapping(root, "", ROUTINE_KEYS, "a routine")
    if top is None:
        return None
    for required in ("title", "blocks"):
        if required not in top:
            r.error(root, required, f"missing '{required}'; every routine needs one")
    title = r.text(top["title"][1], "title", "a title") if "title" in top else None
    description = (
        r.text(top["description"][1], "description", "a description", MAX_DESCRIPTION_CHARS)
        if "description" in top
        else None
    )
    settings, defaults = read_defaults(r, top.get("defaults"))
    phrases, phrase_locs = read_phrases(r, top.get("phrases"))
    music = read_music(r, top.get("music"), top.get("music_rest"), base_dir)
    pronounce = _pronounce(r, top.get("pronounce"))
    blocks: list[Block] = []
    if "blocks" in top:
        nodes = r.sequence(top["blocks"][1], "blocks", "blocks", MAX_BLOCKS) or []
        for i, node in enumerate(nodes):
            block = _block(r, node, f"blocks[{i}]", library, settings, defaults)
            if block is not None:
                blocks.append(block)
    if title is None or r.problems:
        return None
    routine = Routine(
        title=title,
        description=description,
        settings=settings,
        blocks=tuple(blocks),
        phrases=phrases,
        music=music,
        pronounce=pronounce,
        source=r.filename,
        phrase_locations=phrase_locs,
    )
    problem = session_problem(routine, r.loc(root, ""))
    if problem is not None:
        r.problems.append(problem)
        return None
    return routine


def _pronounce(r: Reader, pair: tuple[yaml.Node, yaml.Node] | None) -> tuple[tuple[str, str], ...]:
    """``pronounce:``: written form -> how the engine should say it."""
    if pair is None:
        return ()
    node = pair[1]
    if not isinstance(node, yaml.MappingNode):
        r.error(node, "pronounce", "expected a mapping of written form: spoken form, e.g. RDL: R D L")
        return ()
    out: dict[str, str] = {}
    for key_node, value_node in node.value:
        written = r.text(key_node, "pronounce", "a written form")
        if written is None:
            continue
        spoken = r.text(value_node, f"pronounce.{written}", "how to say it")
        if spoken is not None:
            out[written] = spoken
    return tuple(out.items())


def _block(
    r: Reader, node: yaml.Node, path: str, library: Library, settings: Settings, defaults: Defaults
) -> Block | None:
    fields = r.mapping(node, path, BLOCK_KEYS, "a block")
    if fields is None:
        return None
    name = r.text(fields["name"][1], f"{path}.name", "a block name") if "name" in fields else None
    if "name" not in fields:
        r.error(node, f"{path}.name", "missing 'name'; name the block, e.g. Warm-up")
    entries: list[Entry | Group] = []
    if "exercises" not in fields:
        r.error(node, f"{path}.exercises", "missing 'exercises'; a block lists its exercises")
    else:
        for j, item in enumerate(r.sequence(fields["exercises"][1], f"{path}.exercises", "exercises") or []):
            sub = f"{path}.exercises[{j}]"
            kind = _group_kind(r, item)
            if kind is not None:
                entry = _group(r, item, kind, sub, library, settings, defaults)
            else:
                entry = _entry(r, item, sub, library, settings, defaults)
            if entry is not None:
                entries.append(entry)
    if name is None or not entries:
        return None
    return Block(name=name, entries=tuple(entries), location=r.loc(node, path))


def _lookup(r: Reader, library: Library, node: yaml.Node, path: str) -> Exercise | None:
    key = r.text(node, path, "an exercise id")
    if key is None:
        return None
    found = library.get(key)
    if found is None:
        close = library.suggest(key)
        hint = f"did you mean '{close}'?" if close else "run 'audiocoach exercises' to list them"
        r.error(node, path, f"'{key}' is not an exercise in the library ({hint})")
    return found


def _entry(
    r: Reader,
    node: yaml.Node,
    path: str,
    library: Library,
    settings: Settings,
    defaults: Defaults,
    group: str | None = None,
) -> Entry | None:
    fields = r.mapping(node, path, ENTRY_KEYS, "an exercise", explain=pause_hint)
    if fields is None:
        return None
    before = len(r.problems)
    if group is not None:
        for key in GROUP_DECIDES:
            if key in fields:
                decided_by = "'rounds'" if key == "sets" else f"the {group}'s '{key}'"
                r.error(
                    fields[key][0],
                    f"{path}.{key}",
                    f"'{key}' of an exercise in {_a(group)} is set by {decided_by}; remove it here",
                )

    def get(key: str, parse: Callable[[Any], Any]) -> Any:
        return r.convert(fields[key][1], f"{path}.{key}", parse) if key in fields else None

    exercise = _entry_exercise(r, node, fields, path, library)
    sets = get("sets", positive_int("number of sets", 1, MAX_SETS)) or 1
    reps = get("reps", parse_reps)
    hold_ms = get("hold", duration("a hold", MAX_STEP_MS))
    if "reps" in fields and "hold" in fields:
        r.error(
            fields["hold"][0],
            f"{path}.hold",
            "give either 'reps' or 'hold', not both ('hold' times a set "
            "without reps, like a plank; to pause in every rep, write the pause in the tempo: its 2nd digit "
            "pauses at the bottom, its 4th at the top, e.g. tempo: 3-0-1-2)",
        )
    elif "reps" not in fields and "hold" not in fields and group not in ("intervals", "tabata"):
        what = "a hold such as 'hold: 30s'" if exercise and exercise.timed else "'reps: 10' (or a timed 'hold: 30s')"
        r.error(node, path, f"missing the work: add {what}")
    per_side = get("per_side", boolean)
    tempo_text = get("tempo", check_tempo)
    rest = get("rest", parse_rest) or defaults.rest
    rest_after = get("rest_after", parse_rest) or defaults.rest_after
    note = r.text(fields["note"][1], f"{path}.note", "a note") if "note" in fields else None
    alternatives: list[Exercise] = []
    if "alternatives" in fields:
        alt_node = fields["alternatives"][1]
        for k, item in enumerate(r.sequence(alt_node, f"{path}.alternatives", "exercise ids") or []):
            alt = _lookup(r, library, item, f"{path}.alternatives[{k}]")
            if alt is not None:
                alternatives.append(alt)
    timed = "reps" not in fields or group in ("intervals", "tabata")
    extras = effort_fields(r, fields, path, timed=timed, group=group)
    if "count" in fields:
        extras["count"] = get("count", choice(COUNT_MODES))
    if exercise is None or len(r.problems) > before:
        return None
    if group in ("intervals", "tabata"):
        reps, hold_ms = None, None  # the interval's work time is the work
    tempo = resolve_tempo(
        tempo_text or exercise.tempo or defaults.tempo or BUILTIN_TEMPO, explosive_ms(exercise, settings.explosive_ms)
    )
    sided = exercise.per_side if per_side is None else per_side
    # Walking lunges alternate legs: one window, counted step by step, no "Switch sides".
    alternating = bool(sided and reps is not None and exercise.sides == "alternating")
    return Entry(
        exercise=exercise,
        sets=sets,
        reps=reps,
        hold_ms=hold_ms,
        per_side=sided and not alternating,
        alternating=alternating,
        tempo=tempo,
        rest=rest,
        rest_after=rest_after,
        note=note,
        alternatives=tuple(alternatives),
        location=r.loc(node, path),
        **extras,
    )


def _entry_exercise(
    r: Reader,
    node: yaml.Node,
    fields: Mapping[str, tuple[yaml.Node, yaml.Node]],
    path: str,
    library: Library,
) -> Exercise | None:
    if "exercise" in fields:
        for key in ("name", "short_name", "cues", "muscles"):
            if key in fields:
                r.error(
                    fields[key][0],
                    f"{path}.{key}",
                    f"'{key}' defines an inline exercise; remove it or remove 'exercise'",
                )
        exercise = _lookup(r, library, fields["exercise"][1], f"{path}.exercise")
        start = fields.get("start")
        if exercise is not None and start is not None:
            value = r.convert(start[1], f"{path}.start", choice(START_PHASES))
            if value:
                exercise = replace(exercise, start=value)
        return exercise
    if "name" not in fields:
        r.error(
            node,
            f"{path}.exercise",
            "missing 'exercise'; name a library id (see 'audiocoach exercises') or define 'name' and 'cues' inline",
        )
        return None
    name = r.text(fields["name"][1], f"{path}.name", "an exercise name")
    cues: list[str] = []
    if "cues" in fields:
        for k, item in enumerate(r.sequence(fields["cues"][1], f"{path}.cues", "form cues") or []):
            cue = r.text(item, f"{path}.cues[{k}]", "a form cue")
            if cue:
                cues.append(cue)
    muscles: list[str] = []
    if "muscles" in fields:
        for k, item in enumerate(r.sequence(fields["muscles"][1], f"{path}.muscles", "muscles") or []):
            m = r.text(item, f"{path}.muscles[{k}]", "a muscle")
            if m:
                muscles.append(m)
    start = r.convert(fields["start"][1], f"{path}.start", choice(START_PHASES)) if "start" in fields else None
    short = r.text(fields["short_name"][1], f"{path}.short_name", "a short name") if "short_name" in fields else None
    if name is None:
        return None
    slug = "-".join(name.lower().split())
    return Exercise(
        id=slug,
        name=name,
        short_name=short or name,
        muscles=tuple(muscles),
        cues=tuple(cues),
        tempo=None,
        start=start or "eccentric",
        per_side=False,
        timed=False,
    )


def _a(kind: str) -> str:
    """'a circuit', 'an EMOM'."""
    name = kind.upper() if kind in ("emom", "amrap") else kind
    return f"an {name}" if kind in ("emom", "amrap", "intervals") else f"a {name}"


def _group_kind(r: Reader, node: yaml.Node) -> str | None:
    """'circuit' for ``- circuit: {...}`` (a one-key mapping naming a group kind)."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key = r.scalar(node.value[0][0])
        if isinstance(key, str) and key in GROUP_KINDS:
            return key
    return None


def _group(
    r: Reader, node: yaml.Node, kind: str, path: str, library: Library, settings: Settings, defaults: Defaults
) -> Group | None:
    body_node = node.value[0][1]
    path = f"{path}.{kind}"
    fields = r.mapping(body_node, path, GROUP_KEYS[kind], _a(kind))
    if fields is None:
        return None
    before = len(r.problems)
    for key in GROUP_REQUIRED[kind]:
        if key not in fields:
            r.error(body_node, f"{path}.{key}", f"missing '{key}'; {_a(kind)} needs it")

    def get(key: str, parse: Callable[[Any], Any], default: Any) -> Any:
        if key not in fields:
            return default
        value = r.convert(fields[key][1], f"{path}.{key}", parse)
        return default if value is None else value

    tabata = kind == "tabata"
    rounds = get("rounds", positive_int("number of rounds", 1, MAX_ROUNDS), 8 if tabata else 1)
    members: list[Entry] = []
    if "exercises" not in fields:
        r.error(body_node, f"{path}.exercises", f"missing 'exercises'; list what the {kind} does")
    else:
        for j, item in enumerate(r.sequence(fields["exercises"][1], f"{path}.exercises", "exercises") or []):
            if _group_kind(r, item) is not None:
                r.error(item, f"{path}.exercises[{j}]", "a group cannot contain another group; list exercises here")
                continue
            member = _entry(r, item, f"{path}.exercises[{j}]", library, settings, defaults, group=kind)
            if member is not None:
                members.append(replace(member, sets=1))
    group = Group(
        kind="intervals" if tabata else kind,  # type: ignore[arg-type]
        members=tuple(members),
        rounds=rounds,
        transition=get("transition", parse_rest, parse_rest("0s" if kind == "superset" else "10s")),
        rest=get("rest", parse_rest, parse_rest("10s") if tabata else defaults.rest),
        rest_after=get("rest_after", parse_rest, defaults.rest_after),
        interval_ms=get("every", duration("an EMOM interval", MAX_STEP_MS), 60_000),
        work_ms=get("time", duration("an AMRAP", MAX_AMRAP_MS), 0)
        or get("work", duration("an interval's work", MAX_STEP_MS), 20_000 if tabata else 0),
        remaining_every_ms=get("remaining_every", duration("the time-remaining cadence", MAX_AMRAP_MS, 10_000), 60_000),
        location=r.loc(node, path),
    )
    if len(r.problems) > before or not members:
        return None
    if group.kind == "emom":
        from audiocoach.compile.expand import emom_work_ms

        for j, m in enumerate(members):
            used = emom_work_ms(m, settings.lead_in_ms, settings.rep_range, settings.switch_ms)
            if used > group.interval_ms - 1000:
                r.error(
                    fields["exercises"][1].value[j],
                    f"{path}.exercises[{j}]",
                    f"{m.exercise.name} takes {used / 1000:g} s (lead-in + reps x tempo), which does not fit in "
                    f"an EMOM interval of {group.interval_ms / 1000:g} s with a second to spare; use fewer reps, a faster tempo or a longer 'every'",
                )
        if len(r.problems) > before:
            return None
    return group
