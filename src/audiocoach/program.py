"""Programs: weeks of sessions built from routines, with progression rules applied week by week.

A program file names its days (a routine file, relative to the program, or a routine
written inline), how many weeks it runs, the rules that change the routines from week to
week (reps, sets, tempo, rest) and its deload weeks. :func:`load_program` reads and
validates it with the routine loader's machinery (every problem at file:line:col);
:func:`progress_routine` applies the rules to one routine for one week, a pure function;
:func:`sessions` lists every (week, day) session with its routine ready to render.

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

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import Problem, RoutineError, SourceLocation
from .library import default_library
from .loader import load, routine_from_node
from .yamlsource import Reader, parse_yaml, read_source
from .model import Entry, Load, RepRange, Rest, Routine
from .overrides import Override, apply_overrides, check_targets, map_entries
from .units import check_tempo, parse_duration_ms, parse_reps, parse_rest, resolve_tempo
from .weekly import (
    DELOAD_LOAD_PCT,
    LOAD_STEP,
    add_load_note,
    deload_entry,
    deload_load_pct,
    last_full_week,
    load_change,
    load_rule,
    load_rule_problems,
    shift_rest,
    week_notice,
)

PROGRAM_KEYS = ("title", "description", "weeks", "days", "progression", "deload")
DAY_KEYS = ("day", "routine")
ACTIONS = ("reps", "sets", "tempo", "rest", "rest_after", "load")
SCOPE_KEYS = ("weeks", "from_week", "exercises", "days", "range")
DELOAD_KEYS = ("every", "weeks", "sets", "rest", "load")
MAX_WEEKS = 52



@dataclass(frozen=True)
class Rule:
    """One progression rule: an action on the entries in scope, in some weeks.

    ``action`` is reps (``amount`` more per week, double progression inside ``range`` or
    the entry's own rep range), sets (``amount`` more, or fewer), tempo (set to ``tempo``),
    rest or rest_after (set to ``rest``, or lengthened by ``delta_ms``).
    """

    action: str
    amount: int = 0
    tempo: str | None = None
    rest: Rest | None = None
    delta_ms: int = 0
    #: load rules: ``load`` sets it (70kg); otherwise ``load_step`` of ``load_unit`` per week.
    load: Load | None = None
    load_step: float = 0.0
    load_unit: str | None = None
    range: RepRange | None = None
    weeks: tuple[int, ...] | None = None
    exercises: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    location: SourceLocation | None = field(default=None, compare=False, repr=False)

    def applies(self, week: int, day: str, entry: Entry) -> bool:
        if self.weeks is not None and week not in self.weeks:
            return False
        if self.days and day.lower() not in self.days:
            return False
        if self.exercises:
            ids = {entry.exercise.id, *entry.exercise.aliases}
            return any(e in ids for e in self.exercises)
        return True


@dataclass(frozen=True)
class Deload:
    """Deload weeks: ``sets`` more (a negative number: fewer; at least one is kept), rests
    ``rest_ms`` longer, loads ``load_pct`` percent lighter and two more reps in reserve."""

    weeks: tuple[int, ...]
    sets: int = -1
    rest_ms: int = 30_000
    #: Loads change by this many percent (negative: lighter) in deload weeks.
    load_pct: int = DELOAD_LOAD_PCT


@dataclass(frozen=True)
class Day:
    """One session of the week: its name and its routine (a file, or written inline)."""

    name: str
    routine_file: Path | None = None
    routine: Routine | None = None
    location: SourceLocation | None = field(default=None, compare=False, repr=False)

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
    source: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        """The folder name of the program's output (the file's stem)."""
        return Path(self.source).stem if self.source else slug(self.title)

    def is_deload(self, week: int) -> bool:
        return self.deload is not None and week in self.deload.weeks


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --------------------------------------------------------------------------- loading


def is_program(path: str | Path) -> bool:
    """True when the YAML file at ``path`` is a program (it has ``days`` at the top)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "days" in data and "blocks" not in data


def load_program(path: str | Path, *, display_name: str | None = None) -> Program:
    """Read and validate a program file.

    Routine files named by its days are checked to exist but not loaded (see
    :func:`load_day`): a broken routine fails only its own sessions. Routines written
    inline are validated here, their problems placed in the program file.

    Raises:
        RoutineError: every problem found, each with file:line:col.
    """
    name = display_name or str(path)
    return loads_program(read_source(path, name, "program"), name, folder=Path(path).parent)


def loads_program(text: str, filename: str = "<program>", *, folder: Path = Path(".")) -> Program:
    """Like :func:`load_program`, from text already read; routine paths are relative to ``folder``."""
    root = parse_yaml(text, filename)
    if root is None:
        raise RoutineError([Problem(SourceLocation(filename, 1, 1), "the file is empty; a program needs a title, weeks and days")])
    r = Reader(filename)
    program = _program(r, root, folder)
    if r.problems or program is None:
        raise RoutineError(r.problems)
    return program


def _program(r: Reader, root: yaml.Node, folder: Path) -> Program | None:
    top = r.mapping(root, "", PROGRAM_KEYS, "a program")
    if top is None:
        return None
    for required in ("title", "weeks", "days"):
        if required not in top:
            r.error(root, required, f"missing '{required}'; every program needs one")
    title = r.text(top["title"][1], "title", "a title") if "title" in top else None
    description = r.text(top["description"][1], "description", "a description") if "description" in top else None
    weeks = r.convert(top["weeks"][1], "weeks", _count("number of weeks", 1, MAX_WEEKS)) if "weeks" in top else None
    days: list[Day] = []
    names: set[str] = set()
    if "days" in top:
        for i, node in enumerate(r.sequence(top["days"][1], "days", "days") or []):
            day = _day(r, node, f"days[{i}]", folder, names)
            if day is not None:
                days.append(day)
    rules: list[Rule] = []
    if "progression" in top:
        for i, node in enumerate(r.sequence(top["progression"][1], "progression", "rules") or []):
            rule = _rule(r, node, f"progression[{i}]", weeks or MAX_WEEKS, names)
            if rule is not None:
                rules.append(rule)
    deload = _deload(r, top["deload"][1], weeks or MAX_WEEKS) if "deload" in top else None
    if title is None or weeks is None or r.problems:
        return None
    return Program(
        title=title,
        weeks=weeks,
        days=tuple(days),
        rules=tuple(rules),
        deload=deload,
        description=description,
        source=r.filename,
    )


def _count(what: str, low: int, high: int):
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{value!r} is not a valid {what} (expected a whole number from {low} to {high})")
        return value

    return parse


def _day(r: Reader, node: yaml.Node, path: str, folder: Path, names: set[str]) -> Day | None:
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
        routine = routine_from_node(r, value, default_library(), base_dir=folder)
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
    if not file.is_file():
        r.error(value, sub, f"'{text}' is not a file (routine files are relative to the program's folder, {folder})")
        return None
    return Day(name, routine_file=file, location=r.loc(node, path))


def _prefix(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if path else prefix


def _rule(r: Reader, node: yaml.Node, path: str, weeks: int, day_names: set[str]) -> Rule | None:
    fields = r.mapping(node, path, ACTIONS + SCOPE_KEYS, "a progression rule")
    if fields is None:
        return None
    actions = [k for k in ACTIONS if k in fields]
    if len(actions) != 1:
        found = f"found {', '.join(actions)}" if actions else "found none"
        r.error(node, path, f"a rule changes exactly one of {', '.join(ACTIONS)} ({found}); split it into one rule each")
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
            r.error(fields["range"][0], f"{path}.range", "'range' belongs to a reps rule (the range the reps climb through)")
        else:
            changes["range"] = r.convert(fields["range"][1], f"{path}.range", parse_reps)
    changes["weeks"] = _scope_weeks(r, fields, path, weeks)
    if "exercises" in fields:
        changes["exercises"] = tuple(_names(r, fields["exercises"][1], f"{path}.exercises", "exercise ids"))
    if "days" in fields:
        listed = _names(r, fields["days"][1], f"{path}.days", "day names")
        for d in listed:
            if d not in day_names:
                r.error(fields["days"][1], f"{path}.days", f"'{d}' is not a day of this program (days: {', '.join(sorted(day_names))})")
        changes["days"] = tuple(listed)
    if len(r.problems) > before:
        return None
    return Rule(action, location=r.loc(node, path), **changes)


def _reps_step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError(f"{value!r} is not a reps step (expected reps added per week, from +1 to +10)")
    return value


def _sets_step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0 or not -10 <= value <= 10:
        raise ValueError(f"{value!r} is not a sets change (expected a number of sets to add, e.g. +1, or -1 to remove)")
    return value


def _rest_change(value: Any) -> Rest | int:
    """``90s`` or ``45-90s`` sets the rest; ``+15s`` or ``-10s`` lengthens or shortens it."""
    if isinstance(value, str) and value.strip()[:1] in "+-" and value.strip():
        text = value.strip()
        try:
            ms = parse_duration_ms(text[1:])
        except ValueError:
            raise ValueError(f"{value!r} is not a rest change (expected e.g. +15s, -10s, or a rest such as 90s)") from None
        return ms if text[0] == "+" else -ms
    return parse_rest(value)


def _scope_weeks(r: Reader, fields: dict, path: str, weeks: int) -> tuple[int, ...] | None:
    if "weeks" in fields and "from_week" in fields:
        r.error(fields["from_week"][0], f"{path}.from_week", "give either 'weeks' or 'from_week', not both")
        return None
    if "from_week" in fields:
        first = r.convert(fields["from_week"][1], f"{path}.from_week", _count("week", 1, weeks))
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
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ValueError(f"{value!r} is not a list of weeks (expected e.g. 3, 3-4 or 1,3,5-6)")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if lo > hi:
            raise ValueError(f"{value!r}: the range {part} runs backwards (write the first week first)")
        if lo < 1 or hi > weeks:
            raise ValueError(f"{value!r}: week {hi if hi > weeks else lo} is outside this program (weeks 1 to {weeks})")
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


def _deload(r: Reader, node: yaml.Node, weeks: int) -> Deload | None:
    fields = r.mapping(node, "deload", DELOAD_KEYS, "a deload")
    if fields is None:
        return None
    if ("every" in fields) == ("weeks" in fields):
        r.error(node, "deload", "give either 'every: N' (every Nth week) or 'weeks: [..]' for the deload")
        return None
    if "every" in fields:
        every = r.convert(fields["every"][1], "deload.every", _count("deload interval in weeks", 2, MAX_WEEKS))
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
        weeks=chosen, sets=sets if sets is not None else -1, rest_ms=rest_ms,
        load_pct=DELOAD_LOAD_PCT if load_pct is None else load_pct,
    )


def _deload_sets(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -10 <= value <= 0:
        raise ValueError(f"{value!r} is not a deload sets change (expected 0 or fewer, e.g. -1)")
    return value


# --------------------------------------------------------------------------- progression


def load_day(day: Day) -> Routine:
    """The day's routine as written (loaded from its file, or the inline one)."""
    if day.routine is not None:
        return day.routine
    assert day.routine_file is not None
    return load(day.routine_file)


def rep_step(rule: Rule, week: int, deload_weeks: Iterable[int], weeks: int) -> int:
    """How many steps a reps rule has climbed by ``week``; deload weeks do not climb."""
    active = rule.weeks if rule.weeks is not None else tuple(range(1, weeks + 1))
    deload = set(deload_weeks)
    done = sum(1 for w in active if w <= week and w not in deload)
    return max(0, done - 1)


def _climb(entry: Entry, rule: Rule, step: int, *, deload: bool = False, last_week: int | None = None, week: int = 0) -> Entry:
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
    entry = replace(entry, reps=RepRange(reps, reps))
    load = entry.load
    rounds = step // positions
    if rounds and load is not None and load.unit is not None:
        entry = replace(entry, load=load.plus(rounds * LOAD_STEP[load.unit]))
    if pos != 0 or step < positions or deload:
        return entry
    return add_load_note(entry, rng.low, rng.high, last_week, week)


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

    def change(entry: Entry, in_group: bool) -> Entry:
        for rule in rules:
            if not rule.applies(week, day, entry):
                continue
            if rule.action == "reps":
                entry = _climb(
                    entry, rule, rep_step(rule, week, deload_weeks, weeks), deload=week in deload_weeks,
                    last_week=last_full_week(rule, week, deload_weeks, weeks), week=week,
                )
            elif rule.action == "load":
                entry = load_rule(entry, rule, rep_step(rule, week, deload_weeks, weeks))
            elif rule.action == "tempo" and entry.reps is not None:
                entry = replace(entry, tempo=resolve_tempo(rule.tempo or "", explosive_ms))
            elif in_group:
                continue
            elif rule.action == "sets":
                entry = replace(entry, sets=max(1, entry.sets + rule.amount))
            elif rule.action in ("rest", "rest_after"):
                now: Rest = getattr(entry, rule.action)
                new = rule.rest if rule.rest is not None else shift_rest(now, rule.delta_ms)
                entry = replace(entry, **{rule.action: new})
        if deload is not None and week in deload.weeks:
            entry = deload_entry(entry, deload, in_group)
        return entry

    return replace(map_entries(routine, change), notice=week_notice(deload, week))


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
    label = f"Week {week}, {day}" + (", deload" if deload else "")
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
    broken = [b for b in bases.values() if isinstance(b, RoutineError)]
    if strict and broken:
        raise RoutineError([p for b in broken for p in b.problems])
    loaded = [b for b in bases.values() if isinstance(b, Routine)]
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
            routine = progress_routine(routine, program.rules, week, day.name, weeks=program.weeks, deload=program.deload)
            routine = replace(routine, title=session_title(routine, week, day.name, deload))
            out.append(Session(week, i + 1, day.name, deload, key, source, routine))
    return out


def _check_rule_targets(program: Program, routines: list[Routine]) -> None:
    ids = {i for r in routines for e in r.entries for i in (e.exercise.id, *e.exercise.aliases)}
    listed = sorted({e.exercise.id for r in routines for e in r.entries})
    problems = load_rule_problems(program.rules, [e for r in routines for e in r.entries])
    for rule in program.rules:
        for ex in rule.exercises:
            if ex not in ids:
                problems.append(Problem(
                    rule.location.child(rule.location.path + ".exercises") if rule.location else None,
                    f"'{ex}' is not an exercise in any routine of this program (ids: {', '.join(listed)})",
                ))
    if problems:
        raise RoutineError(problems)
