#!/usr/bin/env python3
"""Regenerate the golden scripts in tests/golden/ deliberately, then read the diff.

Two kinds of golden, both human-readable (see audiocoach.export.script):

- tests/golden/structures/NAME.yaml -> NAME.script: one small routine per rule or structure
  (a set in reps, a range, per side, a hold, counting modes, superset, circuit, EMOM,
  AMRAP, intervals, warm-up sets with load), so a change shows up where it happens.
- tests/golden/scripts/ROUTINE.script: what the coach says in every shipped routine,
  with times relative to each segment, to read end to end as a lifter would hear it.

They are compiled with the deterministic clip-length estimate, so they do not depend on
the speech engine installed.

    .venv/bin/python scripts/regen_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from audiocoach.compile.compiler import compile_routine, estimate_ms  # noqa: E402
from audiocoach.export.script import script  # noqa: E402
from audiocoach.load.routine import load_routine  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
STRUCTURES = GOLDEN / "structures"
SCRIPTS = GOLDEN / "scripts"
ROUTINES = ROOT / "routines"


def golden_routines() -> list[Path]:
    """The shipped routines (programs, which have no blocks, are left out)."""
    return [p for p in sorted(ROUTINES.glob("*.yaml")) if "blocks:" in p.read_text(encoding="utf-8")]


def structure_inputs() -> list[Path]:
    return sorted(STRUCTURES.glob("*.yaml"))


def render(path: Path) -> str:
    """The script of one routine file, as the golden holds it."""
    shown = f"routines/{path.name}" if path.parent == ROUTINES else path.name
    routine = load_routine(path, display_name=shown)
    return script(compile_routine(routine, estimate_ms))


def golden_pairs() -> list[tuple[Path, Path]]:
    """(input routine, its expected script) for every golden."""
    pairs = [(p, p.with_suffix(".script")) for p in structure_inputs()]
    pairs += [(p, SCRIPTS / f"{p.stem}.script") for p in golden_routines()]
    return pairs


def main() -> int:
    SCRIPTS.mkdir(parents=True, exist_ok=True)
    for source, target in golden_pairs():
        text = render(source)
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        target.write_text(text, encoding="utf-8")
        print(f"{'updated' if changed else 'same   '} {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
