"""A coach's roster: one program, rendered for several athletes with their own settings.

``athletes.yaml``::

    athletes:
      - name: Ana
        tempo: 3-1-1-0                 # every exercise, or per exercise:
        rest: {hip thrust: 90s}        #   exercise (id, alias or name) -> value
        rest_after: 2m
        voice: en-gb
        rate: 160
        verbosity: coach
        loads: {romanian-deadlift: 60 kg, hip-thrust: 80 kg}
        weeks: 1-4

Everything is checked before anything renders, each bad value at its file:line:col:
unknown keys, values, exercise names (against the program's routines), weeks (against
the program's length), duplicate athletes. Voices are checked against the engine by
:func:`check_voices` (it starts the engine, so the batch calls it only when there is
something to render).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from audiocoach.errors import AudiocoachError, Problem, RoutineError, SourceLocation
from audiocoach.export.outputs import slug
from audiocoach.load.document import load_document
from audiocoach.load.library import default_library
from audiocoach.load.overrides import Override, OverrideError, map_entries, parse_override
from audiocoach.load.yamlsource import Reader
from audiocoach.model import Entry, Routine
from audiocoach.program.programs import Program
from audiocoach.program.progression import parse_weeks

ROSTER_KEYS = ("athletes",)
ATHLETE_KEYS = ("name", "tempo", "rest", "rest_after", "voice", "rate", "verbosity", "loads", "weeks", "swap")
#: Keys that take one value for every exercise, or a mapping exercise -> value.
PER_EXERCISE_KEYS = ("tempo", "rest", "rest_after", "swap")
LOAD_NOTE = "Your load: {load}."


@dataclass(frozen=True)
class Athlete:
    """One athlete: a name, overrides (as on the command line), loads and weeks."""

    name: str
    overrides: tuple[Override, ...] = ()
    #: exercise id -> load as written ("60 kg"), said when the exercise is announced.
    loads: tuple[tuple[str, str], ...] = ()
    weeks: tuple[int, ...] | None = None
    location: SourceLocation | None = field(default=None, compare=False, repr=False)
    #: where each voice override was written, for an unknown voice's error.
    voice_location: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def folder(self) -> str:
        """The athlete's folder name under the program's output folder."""
        return slug(self.name)

    @property
    def voice(self) -> str | None:
        return next((o.value for o in self.overrides if o.kind == "voice"), None)

    @property
    def rate(self) -> int | None:
        return next((int(o.value) for o in self.overrides if o.kind == "rate"), None)


@dataclass(frozen=True)
class Roster:
    athletes: tuple[Athlete, ...]
    source: str = ""


def load_roster(path: str | Path, program: Program, exercise_ids: Iterable[str]) -> Roster:
    """Read and validate a roster for ``program``, whose routines have ``exercise_ids``.

    Raises:
        RoutineError: every problem, each with file:line:col.
    """
    name = str(path)
    ids = tuple(exercise_ids)

    def build(r: Reader, root: yaml.Node) -> Roster:
        return Roster(tuple(_athletes(r, root, program, ids)), name)

    return load_document(path, build, what="roster", needs="'athletes:', each with a 'name'")


def _athletes(r: Reader, root: yaml.Node, program: Program, ids: tuple[str, ...]) -> list[Athlete]:
    top = r.mapping(root, "", ROSTER_KEYS, "a roster")
    if top is None:
        return []
    if "athletes" not in top:
        r.error(root, "athletes", "missing 'athletes'; list the athletes, each with a 'name'")
        return []
    out: list[Athlete] = []
    seen: dict[str, int] = {}
    for i, node in enumerate(r.sequence(top["athletes"][1], "athletes", "athletes") or []):
        athlete = _athlete(r, node, f"athletes[{i}]", program, ids)
        if athlete is None:
            continue
        if athlete.folder in seen:
            r.error(
                node,
                f"athletes[{i}].name",
                f"'{athlete.name}' has the same folder name as athlete {seen[athlete.folder] + 1} ('{athlete.folder}'); give each athlete a different name",
            )
            continue
        seen[athlete.folder] = i
        out.append(athlete)
    return out


def _athlete(r: Reader, node: yaml.Node, path: str, program: Program, ids: tuple[str, ...]) -> Athlete | None:
    fields = r.mapping(node, path, ATHLETE_KEYS, "an athlete")
    if fields is None:
        return None
    before = len(r.problems)
    if "name" not in fields:
        r.error(node, f"{path}.name", "missing 'name'; every athlete needs one (it names their folder)")
    name = r.text(fields["name"][1], f"{path}.name", "the athlete's name") if "name" in fields else None
    overrides: list[Override] = []
    for key in ("tempo", "rest", "rest_after", "voice", "rate", "verbosity", "swap"):
        if key in fields:
            overrides += _override_values(r, key, fields[key][1], f"{path}.{key}", ids)
    loads = _loads(r, fields["loads"][1], f"{path}.loads", ids) if "loads" in fields else ()
    weeks = (
        r.convert(fields["weeks"][1], f"{path}.weeks", lambda v: parse_weeks(v, program.weeks))
        if "weeks" in fields
        else None
    )
    if name is None or len(r.problems) > before:
        return None
    voice_at = r.loc(fields["voice"][1], f"{path}.voice") if "voice" in fields else None
    return Athlete(name, tuple(overrides), loads, weeks, r.loc(node, path), voice_at)


def _override_values(r: Reader, kind: str, node: yaml.Node, path: str, ids: tuple[str, ...]) -> list[Override]:
    if isinstance(node, yaml.MappingNode) and kind in PER_EXERCISE_KEYS:
        out = []
        for key_node, value_node in node.value:
            exercise = _exercise(r, key_node, path, ids)
            found = r.convert(value_node, f"{path}.{r.scalar(key_node)}", _parser(kind, exercise))
            if exercise is not None and found is not None:
                out.append(found)
        return out
    found = r.convert(node, path, _parser(kind, None))
    return [found] if found is not None else []


def _parser(kind: str, exercise: str | None) -> Callable[[Any], Override]:
    def parse(value: Any) -> Override:
        if value is None or isinstance(value, (bool, list, dict)):
            raise ValueError(f"expected a value for {kind}, found {value!r}")
        text = f"{exercise}={value}" if exercise else str(value)
        try:
            return parse_override(kind, text)
        except OverrideError as exc:
            # "--tempo 3-1-x: '3-1-x' is not a tempo ..." -> the part after the flag.
            raise ValueError(str(exc).split(": ", 1)[-1]) from None

    return parse


def _exercise(r: Reader, node: yaml.Node, path: str, ids: tuple[str, ...]) -> str | None:
    """An exercise written as a key (id, alias or name) -> its id, if the program has it."""
    text = r.text(node, path, "an exercise")
    if text is None:
        return None
    found = default_library().get(text)
    exercise_id = found.id if found is not None else text.strip().lower()
    if exercise_id not in ids:
        r.error(
            node,
            f"{path}.{text}",
            f"'{text}' is not an exercise in any routine of this program (ids: {', '.join(ids)})",
        )
        return None
    return exercise_id


def _loads(r: Reader, node: yaml.Node, path: str, ids: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, yaml.MappingNode):
        r.error(node, path, "expected a mapping of exercise -> load, e.g. {romanian-deadlift: 60 kg}")
        return ()
    out: dict[str, str] = {}
    for key_node, value_node in node.value:
        exercise = _exercise(r, key_node, path, ids)
        load = r.text(value_node, f"{path}.{r.scalar(key_node)}", "a load such as 60 kg or a 24 kg kettlebell")
        if exercise is not None and load is not None:
            out[exercise] = load
    return tuple(out.items())


def apply_loads(routine: Routine, loads: Iterable[tuple[str, str]]) -> Routine:
    """Each loaded exercise's note starts with the athlete's load (said at the announce)."""
    by_id = dict(loads)
    if not by_id:
        return routine

    def change(entry: Entry, in_group: bool) -> Entry:
        load = by_id.get(entry.exercise.id)
        if load is None:
            return entry
        said = LOAD_NOTE.format(load=load)
        return replace(entry, note=f"{said} {entry.note}" if entry.note else said)

    return map_entries(routine, change)


def merge_overrides(general: Iterable[Override], athlete: Athlete) -> tuple[Override, ...]:
    """The command line's overrides, then the athlete's; the athlete's win where both set one."""
    own = {(o.kind, o.exercise) for o in athlete.overrides}
    return tuple(o for o in general if (o.kind, o.exercise) not in own) + athlete.overrides


def check_voices(engine: str | None, asked: Iterable[tuple[str | None, SourceLocation | None]]) -> None:
    """Every voice asked for exists in ``engine``; raises one error naming each bad one
    (at its roster line, or as the --voice option)."""
    from audiocoach.speech import Synthesizer

    where: dict[str, list[SourceLocation | None]] = {}
    for voice, loc in asked:
        if voice:
            where.setdefault(voice, []).append(loc)
    problems: list[Problem] = []
    for voice, locations in where.items():
        try:
            with Synthesizer(engine=engine or "auto", voice=voice) as synth:
                _ = synth.voice  # resolving the voice starts the engine
        except AudiocoachError as exc:
            problems += [Problem(loc, str(exc) if loc else f"--voice {voice}: {exc}") for loc in locations]
    if problems:
        raise RoutineError(problems)
