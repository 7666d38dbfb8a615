"""The records a program's progression is made of: a rule (one change, in some weeks) and the
deload weeks. Read by :mod:`audiocoach.program.progression`, applied there and in
:mod:`audiocoach.program.weekly`; kept apart so those two import it, not each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audiocoach.errors import SourceLocation
from audiocoach.model import Entry, Load, RepRange, Rest

__all__ = ["DELOAD_LOAD_PCT", "Deload", "Rule"]

#: Loads change by this many percent in deload weeks unless the program says otherwise.
DELOAD_LOAD_PCT = -10


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
