"""A session's plan as plain records: what the lifter does, exercise by exercise.

:func:`session_plan` turns a routine (as progressed and overridden) into a
:class:`SessionPlan` of :class:`PlanItem` records: sets x reps (or holds), tempo, rest,
and the note (where a program says to add load). ``build`` writes it beside the audio as
``<session>.plan.json``; the feed (episode descriptions) and the program page read it
back with :func:`read_plan`, so neither needs the YAML the session came from.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from audiocoach.export.artifacts import Artifacts
from audiocoach.model import Entry, Group, Routine

FORMAT = "audiocoach.plan/1"


@dataclass(frozen=True)
class PlanItem:
    """One exercise as prescribed. ``group`` names the superset/circuit it belongs to."""

    block: str
    name: str
    sets: int
    work: str  # "8-10" reps, or "30s" for a hold
    per_side: bool
    tempo: str | None  # None for a hold
    rest: str
    rest_after: str
    note: str | None = None
    group: str | None = None

    @property
    def dose(self) -> str:
        side = " per side" if self.per_side else ""
        return f"{self.sets} x {self.work}{side}"


@dataclass(frozen=True)
class SessionPlan:
    title: str
    description: str | None
    items: tuple[PlanItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "title": self.title,
            "description": self.description,
            "items": [asdict(i) for i in self.items],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionPlan:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an audiocoach plan (format {data.get('format')!r}, expected {FORMAT!r})")
        return cls(data["title"], data.get("description"), tuple(PlanItem(**i) for i in data["items"]))

    def summary(self) -> str:
        """One line per exercise, as a lifter reads a plan: 'Hip thrust: 4 x 10-12, tempo 2-1-1-0, rest 60s'."""
        lines = []
        for i in self.items:
            parts = [i.dose]
            if i.tempo:
                parts.append(f"tempo {i.tempo}")
            parts.append(f"rest {i.rest}")
            head = f"{i.group}: " if i.group else ""
            line = f"{head}{i.name}: {', '.join(parts)}"
            lines.append(line + (f". {i.note}" if i.note else ""))
        return "\n".join(lines)


def _item(block: str, e: Entry, group: Group | None) -> PlanItem:
    work = str(e.reps) if e.reps is not None else f"{(e.hold_ms or 0) // 1000}s"
    if group is None:
        return PlanItem(
            block,
            e.display_name,
            e.sets,
            work,
            e.per_side,
            e.tempo.text if e.reps is not None else None,
            str(e.rest),
            str(e.rest_after),
            e.note,
        )
    sets = 1 if group.kind == "amrap" else group.rounds
    return PlanItem(
        block,
        e.display_name,
        sets,
        work,
        e.per_side,
        e.tempo.text if e.reps is not None else None,
        str(group.rest),
        str(group.rest_after),
        e.note,
        f"{group.label} ({group.dose})",
    )


def session_plan(routine: Routine) -> SessionPlan:
    """The plan of ``routine``: every exercise, group members included, in order."""
    items: list[PlanItem] = []
    for block in routine.blocks:
        for item in block.entries:
            if isinstance(item, Group):
                items.extend(_item(block.name, m, item) for m in item.members)
            else:
                items.append(_item(block.name, item, None))
    return SessionPlan(routine.title, routine.description, tuple(items))


def plan_path(audio: Path) -> Path:
    return Artifacts(audio).plan


def read_plan(audio: Path) -> SessionPlan | None:
    """The plan written beside ``audio``; None when there is none (built with --no-sidecars)."""
    try:
        return SessionPlan.from_dict(json.loads(plan_path(audio).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
