"""Errors raised by audiocoach, and the source locations they point at.

Every problem in a routine carries a :class:`SourceLocation` (file, line, column and the
YAML path such as ``blocks[1].exercises[2].tempo``), so the CLI can print one line per
problem in the form ``routines/x.yaml:12:7: blocks[1].exercises[2].tempo: ...``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: How many problems an error message lists before it says "... and N more".
MAX_LISTED_PROBLEMS = 20
#: Longest quoted value in a message: a value longer than this is cut.
MAX_QUOTED_CHARS = 80
#: Longest single problem line: a message longer than this is cut.
MAX_MESSAGE_CHARS = 1000


def short(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for quoting user values in messages.

    A 10 MB title must not reach the terminal in full: the start says which value is meant.
    """
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value)} characters)"
    text = repr(value)
    if len(text) > limit:
        return text[:limit] + "..."
    return text


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (a message line, not a quoted value)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class SourceLocation:
    """Where a node stands in a YAML file (line and column are 1-based)."""

    file: str
    line: int
    col: int
    path: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def child(self, path: str) -> SourceLocation:
        return SourceLocation(self.file, self.line, self.col, path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    location: SourceLocation | None
    message: str

    def __str__(self) -> str:
        message = clip(self.message)
        if self.location is None:
            return message
        where = str(self.location)
        if self.location.path:
            return f"{where}: {clip(self.location.path, 200)}: {message}"
        return f"{where}: {message}"


class AudiocoachError(Exception):
    """Base class of every error audiocoach reports to a user."""


class RoutineError(AudiocoachError):
    """One or more problems in a routine or program file, all reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__(self._format())

    def _format(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_LISTED_PROBLEMS]]
        hidden = len(self.problems) - MAX_LISTED_PROBLEMS
        if hidden > 0:
            lines.append(f"... and {hidden} more")
        return "\n".join(lines)


def _problem_order(p: Problem) -> tuple:
    loc = p.location
    if loc is None:
        return ("", 0, 0, p.message)
    return (loc.file, loc.line, loc.col, p.message)


class OutputError(AudiocoachError):
    """An output could not be written (full disk, read-only folder, ...); nothing was left behind."""


class EngineMissingError(AudiocoachError):
    """A speech engine or an audio tool is not installed."""


class SpeechError(AudiocoachError):
    """The speech engine failed to produce audio for a phrase."""


class EncodeError(AudiocoachError):
    """An external encoder (ffmpeg) failed; carries the command and its stderr."""

    def __init__(self, command: list[str], returncode: int | None, stderr: str):
        self.command = command
        self.returncode = returncode
        self.stderr = stderr
        tail = "\n".join(stderr.strip().splitlines()[-8:])
        super().__init__(f"{command[0]} failed (exit {returncode}): {' '.join(command)}\n{tail}".rstrip())
