"""A program's week-by-week overview: each session's exercises as prescribed and its exact
length (what ``audiocoach plan PROGRAM`` prints), without rendering audio."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audiocoach.load.overrides import Override
from audiocoach.model import Entry, Group, Routine
from audiocoach.program.programs import Program, Session, sessions
from audiocoach.render import RenderOptions, plan, synthesizer_for


@dataclass(frozen=True)
class SessionOverview:
    """One session of a program as `plan PROGRAM` shows it: what it holds, how long it is, what did not fit."""

    session: Session
    duration_ms: int | None
    #: The session's fit warnings, exactly as ``batch`` prints them.
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "key": s.key,
            "week": s.week,
            "day": s.day,
            "deload": s.deload,
            "title": s.title,
            "notice": s.routine.notice if s.routine else None,
            "duration_ms": self.duration_ms,
            "error": s.error,
            "warnings": list(self.warnings),
            "exercises": overview(s.routine) if s.routine else [],
        }


def overview(routine: Routine) -> list[dict[str, Any]]:
    """Each exercise as prescribed: sets x reps, tempo, rests; group members name their group."""
    out = []
    for block in routine.blocks:
        for item in block.entries:
            if not isinstance(item, Group):
                out.append(_entry_dict(item))
                continue
            group = {"kind": item.kind, "dose": item.dose, "rest": str(item.rest), "rest_after": str(item.rest_after)}
            out.extend({**_entry_dict(m), "group": group} for m in item.members)
    return out


def _entry_dict(e: Entry) -> dict[str, Any]:
    return {
        "exercise": e.exercise.id,
        "name": e.exercise.name,
        "sets": e.sets,
        "reps": str(e.reps) if e.reps is not None else None,
        "hold_ms": e.hold_ms,
        "per_side": e.per_side,
        "dose": e.dose,
        "tempo": e.tempo.text if e.reps is not None else None,
        "rest": str(e.rest),
        "rest_after": str(e.rest_after),
        "note": e.note,
        "load": str(e.load) if e.load else None,
        "effort": str(e.effort) if e.effort else None,
        "warmup_sets": e.warmup_sets,
        "program_notes": [n.short for n in e.program_notes],
        "group": None,
    }


def plan_program(
    program: Program,
    *,
    weeks: Iterable[int] | None = None,
    overrides: Iterable[Override] = (),
    options: RenderOptions = RenderOptions(),
) -> list[SessionOverview]:
    """Every session with its exercises as prescribed that week and its exact length.

    Lengths come from the real clip lengths (synthesized into the phrase cache, which the
    batch then reuses). Raises RoutineError for a broken routine.
    """
    overrides = tuple(overrides)
    out = []
    for s in sessions(program, weeks=weeks, overrides=overrides):
        assert s.routine is not None
        with synthesizer_for(s.routine, options) as synth:
            timeline = plan(s.routine, synth)
        out.append(SessionOverview(s, timeline.duration_ms, tuple(str(c) for c in timeline.changes)))
    return out
