"""A small rendered program (2 weeks x 2 days of short sessions), shared by the feed,
page and server tests; rendered once per test run (a cached function, like rendered.py)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from audiocoach.batch.jobs import build_program
from audiocoach.render import RenderOptions

DAY_A = """\
title: Hinge day
description: A short hinge session.
defaults:
  rest: 12s
  rest_after: 12s
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 2-3
        tempo: 3-1-1-0
        note: Keep the bar close.
      - exercise: glute-bridge-hold
        hold: 10s
"""

DAY_B = """\
title: Thrust day
defaults:
  rest: 12s
  rest_after: 12s
blocks:
  - name: Main
    exercises:
      - exercise: hip-thrust
        sets: 2
        reps: 2
"""

PROGRAM = """\
title: Tiny program
weeks: 2
days:
  - day: Monday
    routine: hinge.yaml
  - day: Thursday
    routine: thrust.yaml
progression:
  - reps: +1
"""


@functools.cache
def tiny_program(cache_dir: str) -> Path:
    """The rendered program's folder (OUT/tiny, with week-01/ and week-02/), split into sets too."""
    folder = Path(tempfile.mkdtemp(prefix="audiocoach-published-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "hinge.yaml").write_text(DAY_A, encoding="utf-8")
    (folder / "thrust.yaml").write_text(DAY_B, encoding="utf-8")
    (folder / "tiny.yaml").write_text(PROGRAM, encoding="utf-8")
    result = build_program(
        folder / "tiny.yaml", folder / "out", jobs=2, options=RenderOptions(cache_dir=cache_dir, split="sets")
    )
    assert not result.failed, [r.error for r in result.failed]
    return result.folder
