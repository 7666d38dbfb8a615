"""Programs: weeks of sessions built from routines, with progression rules applied week by week.

A program file names its days (a routine file, relative to the program, or a routine
written inline), how many weeks it runs, the rules that change the routines from week to
week (reps, sets, tempo, rest) and its deload weeks. :func:`load_program` reads and
validates it with the shared document reader (every problem at file:line:col); the
rules live in :mod:`audiocoach.program.progression` (:func:`progress_routine` applies them to one
routine for one week, a pure function); :func:`sessions` lists every (week, day) session
with its routine ready to render.

Example::

    title: Posterior chain, 6 weeks
    weeks: 6
    days:
      - day: Monday
        routine: posterior-chain.yaml
    progression:
      - reps: +1              # double progression inside each exercise's rep range
      - sets: +1
        from_week: 3
        exercises: [hip-thrust]
      - tempo: 4-0-1-0
        weeks: 3-4
        exercises: [romanian-deadlift]
      - rest: +15s
        from_week: 3
    deload:
      every: 4                # weeks 4, 8, ...: fewer sets, longer rest
      sets: -1
      rest: +30s
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from audiocoach.defaults import MAX_DAYS, MAX_RULES, MAX_WEEKS
from audiocoach.errors import AudiocoachError, Problem, RoutineError, SourceLocation, short
from audiocoach.export.outputs import slug
from audiocoach.load.bounds import session_problem
from audiocoach.load.document import load_document, loads_document, parse_yaml
from audiocoach.load.overrides import Override, apply_overrides, check_targets
from audiocoach.load.routine import load_routine, routine_from_node
from audiocoach.load.yamlsource import Reader
from audiocoach.model import Routine
from audiocoach.program.heard import RepeatSetup, read_repeat_setup, repeat_problems, setup_heard
from audiocoach.program.progression import (
    ACTIONS,
    count,
    parse_weeks,
    progress_routine,
    read_deload,
    read_rule,
    rep_step,
)
from audiocoach.program.rules import Deload, Rule
from audiocoach.program.weekly import load_rule_problems
from audiocoach.words.language import get_language

__all__ = [
    "ACTIONS",
    "Day",
    "Deload",
    "Program",
    "Rule",
    "Session",
    "is_program",
    "load_day",
    "load_program",
    "loads_program",
    "parse_weeks",
    "progress_routine",
    "rep_step",
    "session_title",
    "sessions",
    "slug",
]

PROGRAM_KEYS = ("title", "description", "weeks", "days", "progression", "deload", "repeat_setup")
DAY_KEYS = ("day", "routine")
ROUTINE_SUFFIXES = (".yaml", ".yml")
PROGRAM_NEEDS = "a title, weeks and days"


@dataclass(frozen=True)
class Day:
    """One session of the week: its name and its routine (a file, or written inline)."""

    name: str
    routine_file: Path | None = None
    routine: Routine | None = None
    location: SourceLocation | None = field(default=None, compare=False, repr=False)
    #: The program's ``--language``, over the routine file's own (None: its own).
    language: str | None = None

    @property
    def routine_name(self) -> str:
        if self.routine_file is not None:
            return self.routine_file.stem
        return slug(self.routine.title if self.routine else "routine")


@dataclass(frozen=True)
class Program:
    title: str
    weeks: int
    days: tuple[Day, ...]
    rules: tuple[Rule, ...] = ()
    deload: Deload | None = None
    description: str | None = None
    #: Setup steps in every session (True), once (False), or every time for these exercise ids.
    repeat_setup: RepeatSetup = False
    source: str = field(default="", compare=False)
    location: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The folder name of the program's output (the file's stem)."""
        return Path(self.source).stem if self.source else slug(self.title)

    def is_deload(self, week: int) -> bool:
        return self.deload is not None and week in self.deload.weeks


# --------------------------------------------------------------------------- loading


def is_program(path: str | Path) -> bool:
    """True when the YAML file at ``path`` is a program (it has ``days`` at the top).

    A file that cannot be read or parsed is not a program; loading it as a routine
    then reports why.
    """
    from audiocoach.load.document import read_source

    try:
        root = parse_yaml(read_source(path, str(path), "file"), str(path))
    except AudiocoachError:
        return False
    if not isinstance(root, yaml.MappingNode):
        return False
    keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    return "days" in keys and "blocks" not in keys


def load_program(path: str | Path, *, display_name: str | None = None, language: str | None = None) -> Program:
    """Read and validate a program file.

    Routine files named by its days are checked to exist but not loaded (see
    :func:`load_day`): a broken routine fails only its own sessions. Routines written
    inline are validated here, their problems placed in the program file.

    ``language`` (``--language``) is the language every day's routine is spoken in, over
    the routine's own ``language:``.

    Raises:
        RoutineError: every problem found, each with file:line:col.
    """
    folder = Path(path).parent
    build = lambda r, root: _program(r, root, folder, language)  # noqa: E731
    return load_document(path, build, what="program", needs=PROGRAM_NEEDS, display_name=display_name)


def loads_program(text: str, filename: str = "<program>", *, folder: Path = Path(".")) -> Program:
    """Like :func:`load_program`, from text already read; routine paths are relative to ``folder``."""
    return loads_document(
        text, filename, lambda r, root: _program(r, root, folder), what="program", needs=PROGRAM_NEEDS
    )


def _program(r: Reader, root: yaml.Node, folder: Path, language: str | None = None) -> Program | None:
    top = r.mapping(root, "", PROGRAM_KEYS, "a program")
    if top is None:
        return None
    for required in ("title", "weeks", "days"):
        if required not in top:
            r.error(root, required, f"missing '{required}'; every program needs one")
    title = r.text(top["title"][1], "title", "a title") if "title" in top else None
    description = r.text(top["description"][1], "description", "a description") if "description" in top else None
    weeks = r.convert(top["weeks"][1], "weeks", count("number of weeks", 1, MAX_WEEKS)) if "weeks" in top else None
    days: list[Day] = []
    names: set[str] = set()
    if "days" in top:
        for i, node in enumerate(r.sequence(top["days"][1], "days", "days", MAX_DAYS) or []):
            day = _day(r, node, f"days[{i}]", folder, names, language)
            if day is not None:
                days.append(day)
    rules: list[Rule] = []
    if "progression" in top:
        for i, node in enumerate(r.sequence(top["progression"][1], "progression", "rules", MAX_RULES) or []):
            rule = read_rule(r, node, f"progression[{i}]", weeks or MAX_WEEKS, names)
            if rule is not None:
                rules.append(rule)
    deload = read_deload(r, top["deload"][1], weeks or MAX_WEEKS) if "deload" in top else None
    repeat = read_repeat_setup(r, top["repeat_setup"][1]) if "repeat_setup" in top else False
    if title is None or weeks is None or r.problems:
        return None
    return Program(
        title=title,
        weeks=weeks,
        days=tuple(days),
        rules=tuple(rules),
        deload=deload,
        description=description,
        repeat_setup=repeat,
        source=r.filename,
        location=r.loc(top["repeat_setup"][1], "repeat_setup") if "repeat_setup" in top else None,
    )


def _day(
    r: Reader, node: yaml.Node, path: str, folder: Path, names: set[str], language: str | None = None
) -> Day | None:
    fields = r.mapping(node, path, DAY_KEYS, "a day")
    if fields is None:
        return None
    for required, hint in (("day", "e.g. day: Monday"), ("routine", "a routine file or a routine written inline")):
        if required not in fields:
            r.error(node, f"{path}.{required}", f"missing '{required}' ({hint})")
    name = r.text(fields["day"][1], f"{path}.day", "a day name") if "day" in fields else None
    if name:
        names.add(name.lower())
    if "routine" not in fields or name is None:
        return None
    value = fields["routine"][1]
    sub = f"{path}.routine"
    if isinstance(value, yaml.MappingNode):
        before = len(r.problems)
        routine = routine_from_node(r, value, None, base_dir=folder, language=language)
        # The routine loader names paths from its own root; say where it sits in the program.
        r.problems[before:] = [
            Problem(p.location.child(_prefix(sub, p.location.path)) if p.location else None, p.message)
            for p in r.problems[before:]
        ]
        return Day(name, routine=routine, location=r.loc(node, path)) if routine else None
    text = r.text(value, sub, "a routine file")
    if text is None:
        return None
    file = folder / text
    if file.suffix.lower() not in ROUTINE_SUFFIXES:
        r.error(
            value, sub, f"{short(text)} is not a routine file (expected a .yaml file, relative to the program's folder)"
        )
        return None
    if not file.is_file():
        r.error(
            value, sub, f"{short(text)} is not a file (routine files are relative to the program's folder, {folder})"
        )
        return None
    return Day(name, routine_file=file, location=r.loc(node, path), language=language)


def _prefix(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if path else prefix


# --------------------------------------------------------------------------- progression


def load_day(day: Day) -> Routine:
    """The day's routine as written (loaded from its file, or the inline one), in the
    program's ``--language`` if it was given."""
    if day.routine is not None:
        return day.routine
    assert day.routine_file is not None
    return load_routine(day.routine_file, language=day.language)


# --------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Session:
    """One (week, day) of a program, with its routine ready to render (or why it is not)."""

    week: int
    index: int  # 1-based position of the day in the week
    day: str
    deload: bool
    key: str  # week-01/1-monday-posterior-chain
    source: str  # the routine's file (the program's, for an inline routine)
    routine: Routine | None
    error: str | None = None

    @property
    def title(self) -> str:
        return self.routine.title if self.routine else f"Week {self.week}, {self.day}"


def session_title(routine: Routine, week: int, day: str, deload: bool) -> str:
    """What the intro says and the MP3 is titled: ``Week 3, Monday: Posterior chain workout``."""
    say = get_language(routine.language_code).label
    label = f"{say('week', n=week)}, {day}" + (f", {say('deload')}" if deload else "")
    return f"{label}: {routine.title}"


def sessions(
    program: Program,
    *,
    weeks: Iterable[int] | None = None,
    overrides: Iterable[Override] = (),
    strict: bool = True,
) -> list[Session]:
    """Every session of ``program`` (or of the ``weeks`` given), in week and day order.

    Each day's routine is loaded once; the overrides apply to it first (they replace what
    the routine file says), then the week's progression and deload.

    Args:
        strict: raise one RoutineError for every broken routine and every rule or override
            naming an exercise no routine has. When False, a broken routine becomes the
            ``error`` of its sessions and the others are unaffected.
    """
    overrides = tuple(overrides)
    chosen = sorted(set(weeks)) if weeks is not None else list(range(1, program.weeks + 1))
    bases: dict[int, Routine | RoutineError] = {}
    for i, day in enumerate(program.days):
        try:
            bases[i] = load_day(day)
        except RoutineError as exc:
            bases[i] = exc
        except Exception as exc:  # a crash while loading one day fails only that day's sessions
            what = day.routine_file or f"the routine of {day.name}"
            bases[i] = RoutineError([Problem(day.location, f"loading {what} failed: {type(exc).__name__}: {exc}")])
    broken = [b for b in bases.values() if isinstance(b, RoutineError)]
    if strict and broken:
        raise RoutineError([p for b in broken for p in b.problems])
    loaded = [b for b in bases.values() if isinstance(b, Routine)]
    loaded_days = {i: b for i, b in bases.items() if isinstance(b, Routine)}
    if not broken:
        _check_rule_targets(program, loaded)
        check_targets(loaded, overrides, where="in any routine of this program")
    out: list[Session] = []
    for week in chosen:
        deload = program.is_deload(week)
        for i, day in enumerate(program.days):
            key = f"week-{week:02d}/{i + 1}-{slug(day.name)}-{slug(day.routine_name)}"
            source = str(day.routine_file) if day.routine_file else program.source
            base = bases[i]
            if isinstance(base, RoutineError):
                out.append(Session(week, i + 1, day.name, deload, key, source, None, str(base)))
                continue
            routine = apply_overrides(base, overrides, strict=False)
            routine = progress_routine(
                routine, program.rules, week, day.name, weeks=program.weeks, deload=program.deload
            )
            heard = setup_heard(loaded_days, week, i, program.repeat_setup)
            routine = replace(routine, title=session_title(routine, week, day.name, deload), setup_heard=heard)
            # Progression adds sets and reps week by week: each week's session is bounded too.
            problem = session_problem(routine, day.location)
            if problem is not None:
                if strict:
                    raise RoutineError([Problem(problem.location, f"week {week}, {day.name}: {problem.message}")])
                out.append(Session(week, i + 1, day.name, deload, key, source, None, str(problem)))
                continue
            out.append(Session(week, i + 1, day.name, deload, key, source, routine))
    return out


def _check_rule_targets(program: Program, routines: list[Routine]) -> None:
    ids = {i for r in routines for e in r.entries for i in (e.exercise.id, *e.exercise.aliases)}
    listed = sorted({e.exercise.id for r in routines for e in r.entries})
    problems = load_rule_problems(program.rules, [e for r in routines for e in r.entries])
    problems += repeat_problems(program.repeat_setup, routines, program.location)
    for rule in program.rules:
        for ex in rule.exercises:
            if ex not in ids:
                problems.append(
                    Problem(
                        rule.location.child(rule.location.path + ".exercises") if rule.location else None,
                        f"'{ex}' is not an exercise in any routine of this program (ids: {', '.join(listed)})",
                    )
                )
    if problems:
        raise RoutineError(problems)
