#!/usr/bin/env python3
"""Regenerate the golden timelines in tests/golden/ from the shipped routines.

Run it deliberately after a change to the compiler or the phrasing, then read the diff:
the goldens are how a reviewer sees what a change does to every cue and its timing.
They are compiled with the deterministic clip-length estimate, so they do not depend on
the speech engine installed.

    .venv/bin/python scripts/regen_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from audiocoach.compiler import compile_routine, estimate_ms  # noqa: E402
from audiocoach.loader import load  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
ROUTINES = ROOT / "routines"


def golden_routines() -> list[Path]:
    """The shipped routines (programs, which have no blocks, are left out)."""
    return [p for p in sorted(ROUTINES.glob("*.yaml")) if "blocks:" in p.read_text(encoding="utf-8")]


def render(path: Path) -> str:
    routine = load(path, display_name=f"routines/{path.name}")
    return compile_routine(routine, estimate_ms).to_json() + "\n"


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for path in golden_routines():
        target = GOLDEN / f"{path.stem}.json"
        text = render(path)
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        target.write_text(text, encoding="utf-8")
        print(f"{'updated' if changed else 'same   '} {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
