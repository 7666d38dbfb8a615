"""The command line's plumbing: one error translation and exit code for every command, and
the option groups several commands share (speech, overrides).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from dataclasses import dataclass

import click

from audiocoach.defaults import RATE, RATE_MAX, RATE_MIN
from audiocoach.engines import ENGINE_CHOICES
from audiocoach.errors import AudiocoachError, clip
from audiocoach.load.overrides import Override, parse_overrides
from audiocoach.program.progression import parse_weeks
from audiocoach.render import RenderOptions

#: Exit codes, the same in every command: bad input (or a failed build), usage, interruption.
EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def _sigterm_as_interrupt(signum, frame):
    # SIGTERM stops a build the way Ctrl-C does (temporary files removed, exit 130). A forked
    # worker inherits this handler: there it dies the default way, as its parent expects.
    if os.getpid() != _MAIN_PID:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise KeyboardInterrupt


_MAIN_PID = os.getpid()


class _Command(click.Command):
    """Runs a command and turns what it raises into one message and a consistent exit code."""

    def invoke(self, ctx: click.Context):
        global _MAIN_PID
        _MAIN_PID = os.getpid()
        previous = None
        with contextlib.suppress(ValueError):  # not the main thread: leave SIGTERM alone
            previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
        try:
            return super().invoke(ctx)
        except AudiocoachError as exc:
            click.echo(f"Error: {_message(exc)}", err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: nothing half-written was kept.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:  # a file or folder the library did not expect to fail
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {clip(where + (exc.strerror or str(exc)))}", err=True)
            ctx.exit(EXIT_ERROR)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def _message(exc: Exception) -> str:
    """The error's text, each line cut short (values are already cut where they are quoted)."""
    return "\n".join(clip(line) for line in str(exc).splitlines()) or type(exc).__name__


class _Group(click.Group):
    command_class = _Command


class SynthesisReport:
    """Prints how a long synthesis is going, on stderr: phrases done, workers, phrases/s.

    Only for a long synthesis (``min_phrases`` or more), quiet for its first ``after_s``
    seconds, then a line every ``every_s`` seconds and one when it is done: a short cold
    build says nothing.
    """

    def __init__(self, after_s: float = 3.0, every_s: float = 5.0, min_phrases: int = 50, clock=time.monotonic):
        self.after_s, self.every_s, self.min_phrases, self.clock = after_s, every_s, min_phrases, clock
        self._started: float | None = None
        self._last: float | None = None

    def __call__(self, p) -> None:
        if p.total < self.min_phrases:
            return
        now = self.clock()
        if self._started is None:
            self._started = now
        due = self._last is None and now - self._started >= self.after_s
        due = due or (self._last is not None and now - self._last >= self.every_s)
        if due or (self._last is not None and p.done == p.total):
            self._last = now
            click.echo(
                f"Synthesizing phrases: {p.done}/{p.total} on {p.workers} workers, {p.phrases_per_s:.1f} phrases/s",
                err=True,
            )


def _fmt_clock(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes:02d}:{rest / 1000:06.3f}"


def speech_options(func):
    """--voice, --rate, --engine, --cache-dir: shared by every command that speaks."""

    @click.option("--voice", help="Voice id, language or name (see 'audiocoach voices'); default: the routine's.")
    @click.option(
        "--rate",
        type=click.IntRange(RATE_MIN, RATE_MAX),
        help=f"Speech rate in words per minute; default: the routine's ({RATE}).",
    )
    @click.option(
        "--engine",
        type=click.Choice(ENGINE_CHOICES),
        help="Speech engine; default: the routine's, else auto (the clearest installed).",
    )
    @click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Phrase cache folder (default: $AUDIOCOACH_CACHE or ~/.cache/audiocoach).",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def language_option(func):
    """--language: the language the coach speaks, over the routine's ``language:``."""

    @click.option(
        "--language",
        metavar="TAG",
        help="Language the coach speaks, a BCP 47 tag (de, es-ES); default: the routine's, else en.",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _options(voice, rate, engine, cache_dir, language=None, **more) -> RenderOptions:
    # --language is read when the routine is loaded (load_routine), not by the renderer.
    return RenderOptions(engine=engine, voice=voice, rate=rate, cache_dir=cache_dir, **more)


def override_options(func):
    """--tempo, --rest, --rest-after, --verbosity: change the routine without editing it."""

    @click.option(
        "--tempo",
        multiple=True,
        metavar="[EXERCISE=]TEMPO",
        help="Tempo for every exercise (3-1-1-0) or one (romanian-deadlift=4-0-1-0); repeatable.",
    )
    @click.option(
        "--rest",
        multiple=True,
        metavar="[EXERCISE=]REST",
        help="Rest between sets for every exercise (60s) or one (hip-thrust=90s); repeatable.",
    )
    @click.option(
        "--rest-after",
        multiple=True,
        metavar="[EXERCISE=]REST",
        help="Rest after an exercise, before the next (2m), for every exercise or one; repeatable.",
    )
    @click.option("--verbosity", help="How much the coach says: minimal, standard or coach; default: the routine's.")
    @click.option(
        "--rest-policy", help="Which end of a rest range (45-90s): min, mid or max; default: the routine's (mid)."
    )
    @click.option(
        "--rep-range", help="How a rep range (8-10) is timed: range, bottom or top; default: the routine's (range)."
    )
    @click.option(
        "--load",
        "load_override",
        multiple=True,
        metavar="EXERCISE=LOAD",
        help="What one exercise lifts (romanian-deadlift=60kg, dip=bodyweight+10kg); repeatable.",
    )
    @click.option(
        "--swap",
        multiple=True,
        metavar="EXERCISE=ALTERNATIVE",
        help="Do one of an exercise's listed alternatives instead, with its own sides and tempo "
        "(banded-glute-kickback=cable-pull-through); repeatable.",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # The eight options reach the command as one typed record, ``changes``.
        kwargs["changes"] = Changes(
            tempo=tuple(kwargs.pop("tempo")),
            rest=tuple(kwargs.pop("rest")),
            rest_after=tuple(kwargs.pop("rest_after")),
            verbosity=kwargs.pop("verbosity"),
            rest_policy=kwargs.pop("rest_policy"),
            rep_range=kwargs.pop("rep_range"),
            load=tuple(kwargs.pop("load_override")),
            swap=tuple(kwargs.pop("swap")),
        )
        return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Changes:
    """What --tempo, --rest, --rest-after, --verbosity, --rest-policy, --rep-range, --load and --swap asked for."""

    tempo: tuple[str, ...] = ()
    rest: tuple[str, ...] = ()
    rest_after: tuple[str, ...] = ()
    verbosity: str | None = None
    rest_policy: str | None = None
    rep_range: str | None = None
    load: tuple[str, ...] = ()
    swap: tuple[str, ...] = ()

    def overrides(
        self, *, voice: str | None = None, rate: int | None = None, bitrate: str | None = None
    ) -> tuple[Override, ...]:
        """These changes, with the speech and bitrate options that also change the routine, parsed."""
        return parse_overrides(
            tempo=self.tempo,
            rest=self.rest,
            rest_after=self.rest_after,
            verbosity=self.verbosity,
            voice=voice,
            rate=rate,
            bitrate=bitrate,
            rest_policy=self.rest_policy,
            rep_range=self.rep_range,
            load=self.load,
            swap=self.swap,
        )


def _given_bitrate(bitrate):
    # --bitrate has a default; it is an override only when typed.
    source = click.get_current_context().get_parameter_source("bitrate")
    return None if source == click.core.ParameterSource.DEFAULT else bitrate


def _notice(synth) -> None:
    if synth.notice:
        click.echo(f"Note: {synth.notice}", err=True)


def _warn(timeline) -> None:
    for change in timeline.changes:
        click.echo(str(change), err=True)


def _weeks_of(program, text):
    if text is None:
        return None
    try:
        return parse_weeks(text, program.weeks)
    except ValueError as exc:
        raise AudiocoachError(f"--weeks {text}: {exc}") from None
