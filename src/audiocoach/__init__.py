"""audiocoach: turn a workout written in YAML into one voice-coached MP3.

The package reads in the order the data flows, one subpackage per stage:

- :mod:`audiocoach.load`: YAML -> validated model (:func:`load_routine`, :func:`loads`);
- :mod:`audiocoach.words`: the phrasebook, every spoken line;
- :mod:`audiocoach.compile`: model -> timeline of timed events (:func:`compile_routine`);
- :mod:`audiocoach.speech`: phrases -> cached clips, one backend per engine;
- :mod:`audiocoach.audio`: timeline + clips -> samples (mixer, loudness, music);
- :mod:`audiocoach.export`: samples -> MP3, tags, chapters, cue sheets, split pieces;
- :mod:`audiocoach.render`: one session through every stage (:func:`build`, :func:`plan`);
- :mod:`audiocoach.program`: programs, progression rules, rosters (:func:`load_program`);
- :mod:`audiocoach.batch`: many sessions on a local pool or a Dask cluster (:func:`build_program`);
- :mod:`audiocoach.publish`: podcast feed, pages, player and file server;
- :mod:`audiocoach.cli`: the ``audiocoach`` command (the only place that imports click).

``errors``, ``defaults``, ``model``, ``timeline`` and ``tones`` are the contracts every stage
may import. Names below are imported on first use, so ``import audiocoach`` (or loading a
routine) pulls in no audio stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first access).
_API: dict[str, str] = {
    "AudiocoachError": "audiocoach.errors",
    "RoutineError": "audiocoach.errors",
    "SourceLocation": "audiocoach.errors",
    "Event": "audiocoach.timeline",
    "Timeline": "audiocoach.timeline",
    "load_routine": "audiocoach.load.routine",
    "loads": "audiocoach.load.routine",
    "compile_routine": "audiocoach.compile.compiler",
    "estimate_ms": "audiocoach.compile.compiler",
    "BuildResult": "audiocoach.render",
    "RenderOptions": "audiocoach.render",
    "build": "audiocoach.render",
    "plan": "audiocoach.render",
    "Program": "audiocoach.program.programs",
    "load_program": "audiocoach.program.programs",
    "BatchResult": "audiocoach.batch.jobs",
    "build_program": "audiocoach.batch.jobs",
}

__all__ = [
    "AudiocoachError",
    "BatchResult",
    "BuildResult",
    "Event",
    "Program",
    "RenderOptions",
    "RoutineError",
    "SourceLocation",
    "Timeline",
    "build",
    "build_program",
    "compile_routine",
    "estimate_ms",
    "load_program",
    "load_routine",
    "loads",
    "plan",
    "__version__",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from audiocoach.batch.jobs import BatchResult, build_program
    from audiocoach.compile.compiler import compile_routine, estimate_ms
    from audiocoach.errors import AudiocoachError, RoutineError, SourceLocation
    from audiocoach.load.routine import load_routine, loads
    from audiocoach.program.programs import Program, load_program
    from audiocoach.render import BuildResult, RenderOptions, build, plan
    from audiocoach.timeline import Event, Timeline


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'audiocoach' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
