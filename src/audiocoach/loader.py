"""YAML -> model. Safe loading only; every node keeps its file:line:col.

The loader walks PyYAML's node tree (``yaml.compose`` with the safe loader) rather than the
constructed Python objects, so each value still knows where it was written. It collects
every problem it finds and raises one :class:`RoutineError` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from .errors import Problem, RoutineError, SourceLocation
from .library import Library, default_library
from .model import (
    COUNT_MODES,
    GROUP_KINDS,
    REP_RANGE_MODES,
    REST_POLICIES,
    START_PHASES,
    VERBOSITIES,
    Block,
    Entry,
    Exercise,
    Group,
    Music,
    Rest,
    Routine,
    Settings,
)
from .phrases import PLACEHOLDERS, check_template
from .units import check_tempo, parse_duration_ms, parse_reps, parse_rest, resolve_tempo
from .yamlsource import Reader, boolean, choice, parse_yaml, positive_duration, positive_int, read_source

__all__ = ["load", "loads", "routine_from_node", "parse_yaml"]

#: The tempo of an inline exercise when neither it nor the routine names one.
BUILTIN_TEMPO = "2-0-1-0"
BUILTIN_REST = "60s"
BUILTIN_REST_AFTER = "90s"

ROUTINE_KEYS = ("title", "description", "defaults", "blocks", "phrases", "music", "music_rest", "pronounce")
MUSIC_KEYS = ("file", "level", "duck")
MUSIC_REST_KEYS = ("file", "level")
DEFAULT_KEYS = (
    "tempo", "rest", "rest_after", "voice", "rate", "verbosity", "rep_range",
    "rest_policy", "count", "lead_in", "switch", "explosive", "engine",
)
BLOCK_KEYS = ("name", "exercises")
ENTRY_KEYS = (
    "exercise", "name", "short_name", "cues", "muscles", "start", "sets", "reps", "hold",
    "per_side", "tempo", "rest", "rest_after", "note", "alternatives",
)
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
    "superset": ("rounds",), "circuit": ("rounds",), "emom": ("rounds",), "amrap": ("time",),
    "intervals": ("rounds", "work", "rest"), "tabata": (),
}


@dataclass
class _Defaults:
    tempo: str | None = None
    rest: Rest = field(default_factory=lambda: parse_rest(BUILTIN_REST))
    rest_after: Rest = field(default_factory=lambda: parse_rest(BUILTIN_REST_AFTER))


def load(
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
    name = display_name or str(path)
    text = read_source(path, name, "routine")
    return loads(text, name, library=library, base_dir=Path(path).parent)


def loads(
    text: str, filename: str = "<routine>", *, library: Library | None = None, base_dir: str | Path | None = None
) -> Routine:
    """Like :func:`load`, from text already read.

    ``base_dir`` is where relative paths in the routine (music) are found; by default the
    folder of ``filename``.
    """
    root = parse_yaml(text, filename)
    reader = Reader(filename)
    if root is None:
        raise RoutineError([Problem(SourceLocation(filename, 1, 1), "the file is empty; a routine needs a title and blocks")])
    routine = _routine(reader, root, library or default_library(), base_dir=Path(base_dir) if base_dir else Path(filename).parent)
    if reader.problems or routine is None:
        raise RoutineError(reader.problems)
    return routine


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
    description = r.text(top["description"][1], "description", "a description") if "description" in top else None
    settings, defaults = _defaults(r, top.get("defaults"))
    phrases, phrase_locs = _phrases(r, top.get("phrases"))
    music = _music(r, top.get("music"), top.get("music_rest"), base_dir)
    pronounce = _pronounce(r, top.get("pronounce"))
    blocks: list[Block] = []
    if "blocks" in top:
        nodes = r.sequence(top["blocks"][1], "blocks", "blocks") or []
        for i, node in enumerate(nodes):
            block = _block(r, node, f"blocks[{i}]", library, settings, defaults)
            if block is not None:
                blocks.append(block)
    if title is None or r.problems:
        return None
    return Routine(
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


def _defaults(r: Reader, pair: tuple[yaml.Node, yaml.Node] | None) -> tuple[Settings, _Defaults]:
    settings = Settings()
    defaults = _Defaults()
    if pair is None:
        return settings, defaults
    fields = r.mapping(pair[1], "defaults", DEFAULT_KEYS, "defaults")
    if not fields:
        return settings, defaults
    parsers: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "voice": ("voice", lambda v: str(v).strip()),
        "engine": ("engine", _engine_name),
        "rate": ("rate", positive_int("speech rate in words per minute", 80, 450)),
        "verbosity": ("verbosity", choice(VERBOSITIES)),
        "rep_range": ("rep_range", choice(REP_RANGE_MODES)),
        "rest_policy": ("rest_policy", choice(REST_POLICIES)),
        "count": ("count", choice(COUNT_MODES)),
        "lead_in": ("lead_in_ms", _lead_in),
        "switch": ("switch_ms", positive_duration),
        "explosive": ("explosive_ms", _explosive),
    }
    changes: dict[str, Any] = {}
    for key, (_, node) in fields.items():
        path = f"defaults.{key}"
        if key == "tempo":
            defaults.tempo = r.convert(node, path, check_tempo)
        elif key in ("rest", "rest_after"):
            value = r.convert(node, path, parse_rest)
            if value is not None:
                setattr(defaults, key, value)
        else:
            attr, parse = parsers[key]
            value = r.convert(node, path, parse)
            if value is not None:
                changes[attr] = value
    return replace(settings, **changes), defaults


def _engine_name(value: Any) -> str:
    from .speech import ENGINE_CHOICES  # the registry's names; loaded only when a routine names one

    name = str(value).strip()
    if name not in ENGINE_CHOICES:
        raise ValueError(f"{name!r} is not a speech engine (valid: {', '.join(ENGINE_CHOICES)})")
    return name


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


def _lead_in(value: Any) -> int:
    ms = parse_duration_ms(value)
    if ms < 1000:
        raise ValueError(f"{value!r} is too short for a lead-in (at least 1s: the go tone and the set's name need it)")
    return ms


def _explosive(value: Any) -> int:
    if isinstance(value, str) and value.strip().endswith("ms") and value.strip()[:-2].isdigit():
        ms = int(value.strip()[:-2])
    else:
        ms = parse_duration_ms(value)
    if not 200 <= ms <= 2000:
        raise ValueError(f"{value!r} is not a usable explosive phase (expected 200ms to 2s, e.g. 500ms)")
    return ms


def _phrases(
    r: Reader, pair: tuple[yaml.Node, yaml.Node] | None
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, SourceLocation], ...]]:
    if pair is None:
        return (), ()
    fields = r.mapping(pair[1], "phrases", tuple(PLACEHOLDERS), "phrases")
    if not fields:
        return (), ()
    out: list[tuple[str, tuple[str, ...]]] = []
    locs: list[tuple[str, SourceLocation]] = []
    for key, (_, node) in fields.items():
        path = f"phrases.{key}"
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        templates: list[str] = []
        for j, item in enumerate(items):
            sub = f"{path}[{j}]" if isinstance(node, yaml.SequenceNode) else path
            text = r.text(item, sub, "a phrase")
            if text is None:
                continue
            problem = check_template(key, text)
            if problem:
                r.error(item, sub, problem)
                continue
            templates.append(text)
        if templates:
            out.append((key, tuple(templates)))
            locs.append((key, r.loc(node, path)))
    return tuple(out), tuple(locs)


def _block(
    r: Reader, node: yaml.Node, path: str, library: Library, settings: Settings, defaults: _Defaults
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
    defaults: _Defaults,
    group: str | None = None,
) -> Entry | None:
    fields = r.mapping(node, path, ENTRY_KEYS, "an exercise")
    if fields is None:
        return None
    before = len(r.problems)
    if group is not None:
        for key in GROUP_DECIDES:
            if key in fields:
                decided_by = "'rounds'" if key == "sets" else f"the {group}'s '{key}'"
                r.error(fields[key][0], f"{path}.{key}", f"'{key}' of an exercise in {_a(group)} is set by {decided_by}; remove it here")

    def get(key: str, parse: Callable[[Any], Any]) -> Any:
        return r.convert(fields[key][1], f"{path}.{key}", parse) if key in fields else None

    exercise = _entry_exercise(r, node, fields, path, library)
    sets = get("sets", positive_int("number of sets", 1, 100)) or 1
    reps = get("reps", parse_reps)
    hold_ms = get("hold", positive_duration)
    if "reps" in fields and "hold" in fields:
        r.error(fields["hold"][0], f"{path}.hold", "give either 'reps' or 'hold', not both")
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
    if exercise is None or len(r.problems) > before:
        return None
    if group in ("intervals", "tabata"):
        reps, hold_ms = None, None  # the interval's work time is the work
    tempo = resolve_tempo(
        tempo_text or exercise.tempo or defaults.tempo or BUILTIN_TEMPO, settings.explosive_ms
    )
    return Entry(
        exercise=exercise,
        sets=sets,
        reps=reps,
        hold_ms=hold_ms,
        per_side=exercise.per_side if per_side is None else per_side,
        tempo=tempo,
        rest=rest,
        rest_after=rest_after,
        note=note,
        alternatives=tuple(alternatives),
        location=r.loc(node, path),
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
                r.error(fields[key][0], f"{path}.{key}", f"'{key}' defines an inline exercise; remove it or remove 'exercise'")
        exercise = _lookup(r, library, fields["exercise"][1], f"{path}.exercise")
        start = fields.get("start")
        if exercise is not None and start is not None:
            value = r.convert(start[1], f"{path}.start", choice(START_PHASES))
            if value:
                exercise = replace(exercise, start=value)
        return exercise
    if "name" not in fields:
        r.error(node, f"{path}.exercise", "missing 'exercise'; name a library id (see 'audiocoach exercises') or define 'name' and 'cues' inline")
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
    r: Reader, node: yaml.Node, kind: str, path: str, library: Library, settings: Settings, defaults: _Defaults
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
    rounds = get("rounds", positive_int("number of rounds", 1, 200), 8 if tabata else 1)
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
        interval_ms=get("every", positive_duration, 60_000),
        work_ms=get("time", positive_duration, 0) or get("work", positive_duration, 20_000 if tabata else 0),
        remaining_every_ms=get("remaining_every", positive_duration, 60_000),
        location=r.loc(node, path),
    )
    if len(r.problems) > before or not members:
        return None
    if group.kind == "emom":
        from .expand import emom_work_ms

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


def _music_part(
    r: Reader, pair: tuple[yaml.Node, yaml.Node], key: str, keys: tuple[str, ...], base_dir: Path
) -> tuple[str | None, dict[str, float]]:
    """``music: path`` or ``music: {file: path, level: -12, duck: 10}`` -> (path, numbers)."""
    node = pair[1]
    numbers: dict[str, float] = {}
    if isinstance(node, yaml.MappingNode):
        fields = r.mapping(node, key, keys, f"'{key}' (a file or folder, or a mapping with 'file')") or {}
        if "file" not in fields:
            r.error(node, f"{key}.file", "missing 'file'; name the music file or folder")
            return None, numbers
        for name in keys[1:]:
            if name in fields:
                value = r.convert(fields[name][1], f"{key}.{name}", _decibels(name))
                if value is not None:
                    numbers[name] = value
        file_node, file_path = fields["file"][1], f"{key}.file"
    else:
        file_node, file_path = node, key
    text = r.text(file_node, file_path, "a music file or folder")
    if text is None:
        return None, numbers
    found = (base_dir / Path(text).expanduser()).resolve()
    if not found.exists():
        r.error(file_node, file_path, f"'{text}' does not exist (looked for {found}; paths are relative to the routine's folder)")
        return None, numbers
    return str(found), numbers


def _decibels(name: str) -> Callable[[Any], float]:
    low, high = (0.0, 60.0) if name == "duck" else (-60.0, 0.0)

    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"{value!r} is not a {name} in dB (expected a number from {low:g} to {high:g})")
        return float(value)

    return parse


def _music(r: Reader, main: tuple | None, rest: tuple | None, base_dir: Path) -> Music | None:
    if main is None:
        if rest is not None:
            r.error(rest[0], "music_rest", "'music_rest' needs 'music' (the music for the rest of the session)")
        return None
    source, numbers = _music_part(r, main, "music", MUSIC_KEYS, base_dir)
    rest_source, rest_numbers = (None, {}) if rest is None else _music_part(r, rest, "music_rest", MUSIC_REST_KEYS, base_dir)
    if source is None:
        return None
    return Music(
        source=source,
        rest_source=rest_source,
        level_db=numbers.get("level", -12.0),
        rest_level_db=rest_numbers.get("level"),
        duck_db=numbers.get("duck", 10.0),
    )
