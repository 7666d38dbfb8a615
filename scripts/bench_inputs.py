"""The small inputs the benches share (scripts/bench.py, scripts/bench_roster.py): a tiny
routine and a 2-week program of it, written into a folder."""

from __future__ import annotations

from pathlib import Path

TINY_ROUTINE = """\
title: Bench tiny
defaults:
  rest: 10s
  rest_after: 10s
blocks:
  - name: Tiny
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 3
      - exercise: glute-bridge-hold
        hold: 10s
"""


def make_tiny(folder: Path) -> tuple[Path, Path]:
    routine = folder / "tiny.yaml"
    routine.write_text(TINY_ROUTINE, encoding="utf-8")
    program = folder / "tiny-program.yaml"
    program.write_text(
        "title: Bench tiny program\nweeks: 2\ndays:\n  - day: Monday\n    routine: tiny.yaml\n"
        "  - day: Thursday\n    routine: tiny.yaml\nprogression:\n  - reps: +1\n",
        encoding="utf-8",
    )
    return routine, program


def many_items_routine(items: int) -> str:
    """A routine of ``items`` one-set exercises, each with a note, whose 25 s changeovers are too
    short for all they announce: every one gets rest advice (the compiler's worst case)."""
    lines = ["title: Many items", "defaults:", "  rest: 25s", "  rest_after: 25s", "blocks:"]
    for i in range(items):
        if i % 50 == 0:  # at most 100 exercises in a block
            lines += [f"  - name: Part {i // 50 + 1}", "    exercises:"]
        lines += [
            "      - exercise: romanian-deadlift",
            "        sets: 1",
            "        reps: 1",
            f"        note: Note number {i + 1}, keep the bar close",
        ]
    return "\n".join(lines) + "\n"
