"""A one-day program rendered with espeak-ng and split into pieces, for the player tests."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from audiocoach.batch.jobs import build_program
from audiocoach.render import RenderOptions

#: Long rest (16 s: "Ten seconds" opens its countdown), short rest (12 s: "three" does).
ROUTINE = """\
title: Player day
defaults:
  rest: 16s
  rest_after: 12s
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 2
        tempo: 2-0-1-0
        load: 60kg
      - exercise: glute-bridge-hold
        hold: 10s
"""

PROGRAM = """\
title: Player program
weeks: 1
days:
  - day: Monday
    routine: day.yaml
"""


@functools.cache
def player_program(cache_dir: str) -> Path:
    """The rendered program's folder (with week-01/), split into sets, engine espeak-ng."""
    folder = Path(tempfile.mkdtemp(prefix="audiocoach-player-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "day.yaml").write_text(ROUTINE, encoding="utf-8")
    (folder / "prog.yaml").write_text(PROGRAM, encoding="utf-8")
    options = RenderOptions(cache_dir=cache_dir, split="sets", engine="espeak-ng")
    result = build_program(folder / "prog.yaml", folder / "out", jobs=1, options=options)
    assert not result.failed, [r.error for r in result.failed]
    return result.folder
