"""YAML -> model. Safe loading only; every node keeps its file:line:col.

The loader walks PyYAML's node tree (``yaml.compose`` with the safe loader, through the
shared :mod:`audiocoach.load.document` reader) rather than the constructed Python objects, so
each value still knows where it was written. It collects every problem it finds and raises
one :class:`RoutineError` at the end. Every number is bounded where it is read, and the
session as a whole (:mod:`audiocoach.load.bounds`) before anything else runs. ``defaults:`` and
``phrases:`` are read in :mod:`audiocoach.load.settings`, ``music:`` in
:mod:`audiocoach.load.music`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from audiocoach.defaults import (
    MAX_BLOCKS,
    MAX_DESCRIPTION_CHARS,
    MAX_SETS,
    MAX_STEP_MS,
    REST,
    REST_AFTER,
    TEMPO,
)
from audiocoach.load.alternatives import sides
from audiocoach.load.bounds import check_session, session_problem
from audiocoach.load.document import load_document, loads_document, parse_yaml, read_source
from audiocoach.load.effort import ENTRY_KEYS as EFFORT_KEYS
from audiocoach.load.effort import entry_fields as effort_fields
from audiocoach.load.groups import check_decided_by_group, group_kind, read_group
from audiocoach.load.library import Library, default_library_in, explosive_ms
from audiocoach.load.music import MUSIC_KEYS, MUSIC_REST_KEYS, read_music
from audiocoach.load.settings import (
    DEFAULT_KEYS,
    Defaults,
    read_defaults,
    read_language,
    read_phrases,
    read_pronounce,
    template_problem,
)
from audiocoach.load.units import check_tempo, parse_reps, parse_rest, pause_hint, resolve_tempo
from audiocoach.load.yamlsource import Reader, boolean, choice, duration, positive_int
from audiocoach.model import (
    COUNT_MODES,
    START_PHASES,
    Block,
    Entry,
    Exercise,
    Group,
    Item,
    Routine,
    Settings,
)

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

ROUTINE_KEYS = ("title", "description", "defaults", "blocks", "phrases", "music", "music_rest", "pronounce", "language")
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


def load_routine(
    path: str | Path,
    *,
    library: Library | None = None,
    display_name: str | None = None,
    language: str | None = None,
) -> Routine:
    """Read and validate a routine file.

    Args:
        path: the routine's YAML file.
        library: the exercise library (the shipped one, in the routine's language, by default).
        display_name: how the file is named in error messages (the path as given by default).
        language: a BCP 47 tag (``--language``) that wins over the routine's ``language:``.

    Returns:
        The validated :class:`Routine`.

    Raises:
        RoutineError: every problem found, each with file:line:col.
    """
    folder = Path(path).parent
    build = lambda r, root: _routine(r, root, library, base_dir=folder, language=language)  # noqa: E731
    return load_document(path, build, what="routine", needs=ROUTINE_NEEDS, display_name=display_name)


def loads(
    text: str,
    filename: str = "<routine>",
    *,
    library: Library | None = None,
    base_dir: str | Path | None = None,
    language: str | None = None,
) -> Routine:
    """Like :func:`load`, from text already read.

    ``base_dir`` is where relative paths in the routine (music) are found; by default the
    folder of ``filename``.
    """
    folder = Path(base_dir) if base_dir else Path(filename).parent
    build = lambda r, root: _routine(r, root, library, base_dir=folder, language=language)  # noqa: E731
    return loads_document(text, filename, build, what="routine", needs=ROUTINE_NEEDS)


def routine_from_node(
    r: Reader, root: yaml.Node, library: Library | None, base_dir: Path | None = None, language: str | None = None
) -> Routine | None:
    """A routine from a YAML node (e.g. one written inline in a program); problems go to ``r``."""
    return _routine(r, root, library, base_dir=base_dir or Path(r.filename).parent, language=language)


def _routine(
    r: Reader, root: yaml.Node, library: Library | None, base_dir: Path, language: str | None = None
) -> Routine | None:
    top = r.mapping(root, "", ROUTINE_KEYS, "a routine")
    if top is None:
        return None
    tag = read_language(r, top.get("language"), language)
    library = library or default_library_in(tag.split("-")[0].lower())
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
    pronounce = read_pronounce(r, top.get("pronounce"))
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
        language=tag,
        source=r.filename,
        phrase_locations=phrase_locs,
        locations=(("", r.loc(root, "")),)
        + tuple((key, r.loc(top[key][1], key)) for key in ("title", "description", "language") if key in top),
    )
    problem = session_problem(routine, r.loc(root, ""))
    if problem is not None:
        r.problems.append(problem)
        return None
    return routine


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
            kind = group_kind(r, item)
            read: Item | None
            if kind is not None:

                def member(node: yaml.Node, path: str, kind: str = kind) -> Entry | None:
                    return _entry(r, node, path, library, settings, defaults, group=kind)

                read = read_group(r, item, kind, sub, settings, defaults, member)
            else:
                read = _entry(r, item, sub, library, settings, defaults)
            if read is not None:
                entries.append(read)
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
        check_decided_by_group(r, fields, path, group)

    def get(key: str, parse: Callable[[Any], Any]) -> Any:
        return r.convert(fields[key][1], f"{path}.{key}", parse) if key in fields else None

    exercise = _entry_exercise(r, node, fields, path, library)
    sets = get("sets", positive_int("number of sets", 1, MAX_SETS)) or 1
    reps = get("reps", parse_reps)
    hold_ms = get("hold", duration("a hold", MAX_STEP_MS))
    _check_work(r, node, fields, path, exercise, group)
    per_side = get("per_side", boolean)
    tempo_text = get("tempo", check_tempo)
    rest = get("rest", parse_rest) or defaults.rest
    rest_after = get("rest_after", parse_rest) or defaults.rest_after
    note = r.text(fields["note"][1], f"{path}.note", "a note") if "note" in fields else None
    alternatives = _alternatives(r, library, fields, path)
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
    # Walking lunges alternate legs: one window, one number a pair of steps, no "Switch sides".
    sided, alternating = sides(exercise, per_side, reps is not None)
    return Entry(
        exercise=exercise,
        sets=sets,
        reps=reps,
        hold_ms=hold_ms,
        per_side=sided,
        alternating=alternating,
        tempo=tempo,
        rest=rest,
        rest_after=rest_after,
        note=note,
        alternatives=tuple(alternatives),
        location=r.loc(node, path),
        **extras,
    )


def _check_work(
    r: Reader,
    node: yaml.Node,
    fields: dict[str, tuple[yaml.Node, yaml.Node]],
    path: str,
    exercise: Exercise | None,
    group: str | None,
) -> None:
    """A set is either reps or a hold (an interval's work is its time)."""
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


def _alternatives(
    r: Reader, library: Library, fields: dict[str, tuple[yaml.Node, yaml.Node]], path: str
) -> list[Exercise]:
    alternatives: list[Exercise] = []
    if "alternatives" in fields:
        alt_node = fields["alternatives"][1]
        for k, item in enumerate(r.sequence(alt_node, f"{path}.alternatives", "exercise ids") or []):
            alt = _lookup(r, library, item, f"{path}.alternatives[{k}]")
            if alt is not None:
                alternatives.append(alt)
    return alternatives


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
