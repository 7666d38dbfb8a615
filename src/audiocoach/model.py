"""The meaning of a routine: frozen values, no YAML and no audio.

Times are integer milliseconds (``*_ms``). Source positions ride along on the nodes that
have them as ``location`` fields excluded from comparison and repr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar, get_args

from audiocoach.defaults import (
    AMRAP_REMAINING_EVERY_MS,
    EMOM_EVERY_MS,
    HOLD_REMAINING_EVERY_MS,
    LEAD_IN_MS,
    MUSIC_DUCK_DB,
    MUSIC_LEVEL_DB,
    RATE,
    SWITCH_MS,
)
from audiocoach.errors import SourceLocation

T = TypeVar("T")

PhaseName = Literal["eccentric", "bottom", "concentric", "top"]
StartPhase = Literal["eccentric", "concentric"]
RepRangeMode = Literal["range", "bottom", "top"]
RestPolicy = Literal["min", "mid", "max"]
Verbosity = Literal["minimal", "standard", "coach"]
CountMode = Literal["voice", "reps", "metronome"]

REP_RANGE_MODES: tuple[RepRangeMode, ...] = ("range", "bottom", "top")
REST_POLICIES: tuple[RestPolicy, ...] = ("min", "mid", "max")
VERBOSITIES: tuple[Verbosity, ...] = ("minimal", "standard", "coach")
COUNT_MODES: tuple[CountMode, ...] = ("voice", "reps", "metronome")
START_PHASES: tuple[str, ...] = ("eccentric", "concentric")
LoadUnit = Literal["kg", "lb"]
LOAD_UNITS: tuple[LoadUnit, ...] = ("kg", "lb")


def one_of(value: object, choices: tuple[T, ...]) -> T:
    """``value`` as the member of ``choices`` it equals (a Literal-typed name); ValueError otherwise."""
    for choice in choices:
        if choice == value:
            return choice
    raise ValueError(f"{value!r} is not one of {', '.join(map(str, choices))}")


@dataclass(frozen=True)
class Tempo:
    """Four phases in ms: eccentric, bottom pause, concentric, top pause.

    ``explosive`` marks phases written as ``X``; their length is the routine's
    ``explosive`` setting, already resolved into ``*_ms``.
    """

    eccentric_ms: int
    bottom_ms: int
    concentric_ms: int
    top_ms: int
    text: str = field(default="", compare=False)

    @property
    def rep_ms(self) -> int:
        return self.eccentric_ms + self.bottom_ms + self.concentric_ms + self.top_ms

    def phases(self, start: StartPhase) -> tuple[tuple[PhaseName, int], ...]:
        """The phases of one rep in the order the lifter does them, zero-length ones dropped."""
        ecc: tuple[tuple[PhaseName, int], ...] = (("eccentric", self.eccentric_ms), ("bottom", self.bottom_ms))
        con: tuple[tuple[PhaseName, int], ...] = (("concentric", self.concentric_ms), ("top", self.top_ms))
        order = ecc + con if start == "eccentric" else con + ecc
        return tuple((name, ms) for name, ms in order if ms > 0)


@dataclass(frozen=True)
class RepRange:
    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    def counted(self, mode: RepRangeMode) -> int:
        """How many reps the set's work window holds."""
        return self.low if mode == "bottom" else self.high


@dataclass(frozen=True)
class Rest:
    """A rest length, or a range the routine's policy picks from."""

    low_ms: int
    high_ms: int

    def __str__(self) -> str:
        lo, hi = self.low_ms // 1000, self.high_ms // 1000
        return f"{lo}s" if lo == hi else f"{lo}-{hi}s"


@dataclass(frozen=True)
class Load:
    """What a work set lifts: ``60kg``, ``135lb``, ``bodyweight`` or ``bodyweight+10kg``.

    ``amount`` is in ``unit`` (added to the body for ``bodyweight``; may be negative there,
    for an assisted movement). ``unit`` is None only for plain bodyweight.
    """

    amount: float = 0.0
    unit: LoadUnit | None = None
    bodyweight: bool = False

    def __str__(self) -> str:
        weight = f"{self.amount:g}{self.unit}" if self.unit else ""
        if not self.bodyweight:
            return weight
        if not self.amount:
            return "bodyweight"
        return f"bodyweight{'+' if self.amount > 0 else ''}{weight}"

    def plus(self, amount: float) -> Load:
        """This load with ``amount`` more (in its own unit), never below nothing."""
        total = round(self.amount + amount, 2)
        return Load(total if self.bodyweight else max(0.0, total), self.unit, self.bodyweight)


@dataclass(frozen=True)
class Effort:
    """How hard a work set is: the reps left in reserve at its end (0 = none left).

    Written as ``rpe: 8`` (``scale`` "rpe"; RPE 10 - reserve) or ``rir: 2``; kept as written
    so a plan shows it the way the routine does.
    """

    reserve: float
    scale: Literal["rpe", "rir"] = "rir"

    @property
    def rpe(self) -> float:
        return 10 - self.reserve

    def __str__(self) -> str:
        return f"RPE {self.rpe:g}" if self.scale == "rpe" else f"{self.reserve:g} RIR"

    def easier(self, reps: float) -> Effort:
        """``reps`` more left in reserve (a deload week), at most five."""
        return Effort(min(5.0, self.reserve + reps), self.scale)


@dataclass(frozen=True)
class ProgramNote:
    """What a program says about one exercise in one week, as a record.

    ``kind``: ``add_load`` (the reps went back to the bottom of the range). ``text`` is
    what the coach says (also at the front of the entry's ``note``); ``short`` is how a
    plan lists it.
    """

    kind: str
    text: str
    short: str


@dataclass(frozen=True)
class Exercise:
    """An exercise from the library (or defined inline in a routine)."""

    id: str
    name: str
    short_name: str
    muscles: tuple[str, ...]
    cues: tuple[str, ...]
    tempo: str | None
    start: StartPhase
    per_side: bool
    timed: bool
    aliases: tuple[str, ...] = ()
    #: The word said at the start of each phase ("eccentric" -> "lower"), from the library.
    phase_words: tuple[tuple[str, str], ...] = ()
    #: The movement pattern ("hinge", "bridge", "lunge", ...), for finding exercises.
    pattern: str = ""
    #: What the lifter sets up (barbell, band, mat, bodyweight, ...): changeover time, load words.
    equipment: str = "bodyweight"
    #: How long this movement's X phases take (0: the routine's ``explosive``).
    explosive_ms: int = 0
    #: Said as a set ends ("Rack the bar."), the breathing cue before a set or during a stretch,
    #: and the setup steps said the first time the exercise comes up.
    finish: str = ""
    breathe: str = ""
    setup: tuple[str, ...] = ()
    #: How a per-side exercise takes its sides: ``per_side`` (one side, switch, the other),
    #: ``alternating`` (sides in turn, step by step: walking lunges) or ``per_direction``
    #: (one way, then back: a lateral walk).
    sides: str = "per_side"

    @property
    def loaded(self) -> bool:
        """Moved against an external weight (not bodyweight, a band or a stretch on a mat)."""
        return self.equipment not in ("bodyweight", "band", "mat")


@dataclass(frozen=True)
class Settings:
    """Session-wide choices: voice, pacing and how cues are worded."""

    voice: str | None = None
    #: Speech engine name or "auto" (None: auto).
    engine: str | None = None
    rate: int = RATE
    verbosity: Verbosity = "standard"
    rep_range: RepRangeMode = "range"
    rest_policy: RestPolicy = "mid"
    count: CountMode = "voice"
    lead_in_ms: int = LEAD_IN_MS
    switch_ms: int = SWITCH_MS
    #: An X phase's length; 0: the movement's own (the library's) or EXPLOSIVE_MS.
    explosive_ms: int = 0
    #: How often a long hold or interval says the time left ("Thirty seconds left.").
    remaining_every_ms: int = HOLD_REMAINING_EVERY_MS


@dataclass(frozen=True)
class Entry:
    """One exercise as a routine prescribes it."""

    exercise: Exercise
    sets: int
    reps: RepRange | None
    hold_ms: int | None
    per_side: bool
    tempo: Tempo
    rest: Rest
    rest_after: Rest
    note: str | None = None
    alternatives: tuple[Exercise, ...] = ()
    location: SourceLocation | None = field(default=None, compare=False, repr=False)
    #: How this exercise's reps are counted; None: the routine's ``count``.
    count: CountMode | None = None
    #: What each work set lifts, and how hard it should feel (None: not said).
    load: Load | None = None
    effort: Effort | None = None
    #: Lighter sets before the work sets (they rest like the work sets).
    warmup_sets: int = 0
    #: The program's notes for this week (their text also leads ``note``).
    program_notes: tuple[ProgramNote, ...] = ()
    #: Sides in turn in one window (walking lunges): ``reps`` per side, one number a pair of steps.
    alternating: bool = False
    #: The rep range a program's double progression climbs through (``reps`` is this
    #: week's step of it); None outside a double progression.
    climb: RepRange | None = None

    @property
    def steps(self) -> int:
        """Counted movements per rep written: two steps (one per leg) when alternating."""
        return 2 if self.alternating else 1

    @property
    def display_name(self) -> str:
        names = [self.exercise.name] + [a.name for a in self.alternatives]
        return " or ".join(names)

    @property
    def dose(self) -> str:
        """'4 x 8-10', '2 x 30s', with 'per side' where it applies."""
        work = f"{self.reps}" if self.reps is not None else f"{(self.hold_ms or 0) // 1000}s"
        side = " per side" if self.per_side else ""
        if self.alternating:
            side = " per leg, alternating"
        elif self.per_side and self.exercise.sides == "per_direction":
            side = " per direction"
        return f"{self.sets} x {work}{side}"


GroupKind = Literal["superset", "circuit", "emom", "amrap", "intervals"]
#: The kinds a group is stored as (:data:`GroupKind`'s values, in order).
GROUP_KINDS: tuple[GroupKind, ...] = get_args(GroupKind)
#: The keys that open a group in YAML: every stored kind, and ``tabata`` (intervals with
#: Tabata's defaults: 8 rounds of 20 s on, 10 s off).
GROUP_KEYWORDS: tuple[str, ...] = (*GROUP_KINDS, "tabata")


@dataclass(frozen=True)
class Group:
    """Exercises done together: a superset or circuit (rounds of back-to-back work),
    an EMOM (work at the top of each interval, the remainder as rest), an AMRAP (as many
    rounds as possible in a time cap) or intervals/Tabata (timed work and rest).

    ``members`` are ordinary entries; their own ``sets`` is 1 (rounds belong to the group).
    """

    kind: GroupKind
    members: tuple[Entry, ...]
    rounds: int = 1
    transition: Rest = Rest(0, 0)
    rest: Rest = Rest(60_000, 60_000)
    rest_after: Rest = Rest(90_000, 90_000)
    interval_ms: int = EMOM_EVERY_MS
    work_ms: int = 0
    remaining_every_ms: int = AMRAP_REMAINING_EVERY_MS
    location: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def display_name(self) -> str:
        names = " + ".join(m.exercise.name for m in self.members)
        return f"{self.label}: {names}"

    @property
    def label(self) -> str:
        return {
            "superset": "Superset",
            "circuit": "Circuit",
            "emom": "EMOM",
            "amrap": "AMRAP",
            "intervals": "Intervals",
        }[self.kind]

    @property
    def dose(self) -> str:
        if self.kind == "amrap":
            return f"{self.work_ms // 60_000} min cap" if self.work_ms % 60_000 == 0 else f"{self.work_ms // 1000}s cap"
        if self.kind == "intervals":
            return f"{self.rounds} x {self.work_ms // 1000}s on / {self.rest.low_ms // 1000}s off"
        if self.kind == "emom":
            return f"{self.rounds} x {self.interval_ms // 1000}s"
        return f"{self.rounds} rounds"


Item = Entry | Group


@dataclass(frozen=True)
class Block:
    name: str
    entries: tuple[Item, ...]
    location: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Music:
    """Background music a routine asks for (paths already resolved to the routine's folder)."""

    source: str
    rest_source: str | None = None
    level_db: float = MUSIC_LEVEL_DB
    rest_level_db: float | None = None
    duck_db: float = MUSIC_DUCK_DB


@dataclass(frozen=True)
class Routine:
    title: str
    description: str | None
    settings: Settings
    blocks: tuple[Block, ...]
    phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    music: Music | None = None
    #: What a program says about this session as a whole (a deload week, the week after
    #: one), spoken after the intro; None for a routine on its own.
    notice: str | None = None
    #: Exercises whose setup steps a program's earlier session has said: not said again.
    setup_heard: frozenset[str] = frozenset()
    #: (written, spoken) pairs: how the engine is told to say a word.
    pronounce: tuple[tuple[str, str], ...] = ()
    #: The BCP 47 tag of the language the coach speaks (``en``, ``de``, ``es-ES``).
    language: str = "en"
    source: str = field(default="", compare=False)
    phrase_locations: tuple[tuple[str, SourceLocation], ...] = field(default=(), compare=False, repr=False)
    #: Where the routine itself ("") and its "title", "description" and "language" stand in its file.
    locations: tuple[tuple[str, SourceLocation], ...] = field(default=(), compare=False, repr=False)

    def location_of(self, key: str) -> str:
        """``file:line:col`` of ``key`` (see :attr:`locations`), else of the routine, else its file."""
        found = dict(self.locations)
        loc = found.get(key) or found.get("")
        return str(loc) if loc else self.source

    @property
    def language_code(self) -> str:
        """The language subtag of :attr:`language` (``es-ES`` -> ``es``): it picks the phrasebook."""
        return self.language.split("-")[0].lower()

    @property
    def items(self) -> tuple[Item, ...]:
        """What the session does in order: single exercises and groups."""
        return tuple(e for b in self.blocks for e in b.entries)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every exercise entry, group members included (for overrides and listings)."""
        out: list[Entry] = []
        for item in self.items:
            out.extend(item.members if isinstance(item, Group) else (item,))
        return tuple(out)
