"""audiocoach: turn a workout written in YAML into one voice-coached MP3.

The pipeline, one stage per module: :func:`load` (YAML -> model) -> :func:`compile_routine`
(model -> timeline) -> speech (phrases -> cached clips) -> mixer (timeline -> samples) ->
export (MP3 + tags + chapters). :func:`build` runs all of it for one routine file;
:func:`build_program` renders every week of a program (:func:`load_program`) in parallel.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .batch import BatchResult, build_program
from .compiler import compile_routine, estimate_ms
from .errors import AudiocoachError, RoutineError, SourceLocation
from .loader import load, loads
from .program import Program, load_program
from .render import BuildResult, RenderOptions, build, plan
from .timeline import Event, Timeline

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
    "load",
    "load_program",
    "loads",
    "plan",
    "__version__",
]
