"""The ``audiocoach`` command: parse options, call one library function, print.

Errors from the library (:class:`AudiocoachError`) are turned into ``Error: ...`` and exit
code 1 in one place (:class:`_Command`); nothing here holds pipeline logic.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import AudiocoachError
from .library import default_library
from .loader import load
from .render import RenderOptions, build, default_output, plan, synthesizer_for
from .speech import BACKENDS, DEFAULT_ENGINE, Synthesizer


class _Command(click.Command):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AudiocoachError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


class _Group(click.Group):
    command_class = _Command


def _fmt_clock(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes:02d}:{rest / 1000:06.3f}"


def speech_options(func):
    """--voice, --rate, --engine, --cache-dir: shared by every command that speaks."""

    @click.option("--voice", help="Voice id, language or name (see 'audiocoach voices'); default: the routine's.")
    @click.option("--rate", type=click.IntRange(80, 450), help="Speech rate in words per minute; default: the routine's (170).")
    @click.option("--engine", type=click.Choice(sorted(BACKENDS)), default=DEFAULT_ENGINE, show_default=True, help="Speech engine.")
    @click.option("--cache-dir", type=click.Path(file_okay=False), help="Phrase cache folder (default: $AUDIOCOACH_CACHE or ~/.cache/audiocoach).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _options(voice, rate, engine, cache_dir, **more) -> RenderOptions:
    return RenderOptions(engine=engine, voice=voice, rate=rate, cache_dir=cache_dir, **more)


def _warn(timeline) -> None:
    for change in timeline.changes:
        click.echo(str(change), err=True)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="audiocoach")
def cli():
    """Turn a workout written in YAML into one voice-coached MP3."""


@cli.command(name="build")
@click.argument("routine", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="MP3 to write (default: output/<routine name>.mp3).")
@click.option("--bitrate", default="64k", show_default=True, help="MP3 bitrate.")
@click.option("--loudness", type=click.FloatRange(-30, -8), default=-16.0, show_default=True, help="Target loudness in LUFS.")
@click.option("--no-sidecars", is_flag=True, help="Do not write the .json timeline and .vtt cue sheet beside the MP3.")
@speech_options
def build_cmd(routine, output, bitrate, loudness, no_sidecars, **speech):
    """Render ROUTINE to an MP3 that coaches you through it.

    \b
    Example:
        audiocoach build routines/posterior-chain.yaml
        audiocoach build routines/posterior-chain.yaml -o ~/gym/monday.mp3 --rate 160
    """
    options = _options(**speech, bitrate=bitrate, loudness_lufs=loudness, sidecars=not no_sidecars)
    out = Path(output) if output else default_output(routine)
    bar = None
    state = {"stage": None}

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        state["stage"] = stage

    try:
        result = build(routine, out, options=options, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(result.timeline)
    click.echo(
        f"Wrote {result.output} ({_fmt_clock(result.timeline.duration_ms)}, "
        f"{result.synthesized} phrases synthesized, {result.cache_hits} from cache)"
    )


@cli.command(name="plan")
@click.argument("routine", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@speech_options
def plan_cmd(routine, as_json, **speech):
    """Show the timeline of ROUTINE: when each cue is spoken, and the total length.

    Uses the real length of every spoken clip (synthesized into the cache), so the plan
    is exactly what 'build' will play.

    \b
    Example:
        audiocoach plan routines/posterior-chain.yaml
        audiocoach plan routines/posterior-chain.yaml --json > plan.json
    """
    loaded = load(routine)
    with synthesizer_for(loaded, _options(**speech)) as synth:
        timeline = plan(loaded, synth)
    if as_json:
        click.echo(timeline.to_json())
        _warn(timeline)
        return
    for e in timeline.events:
        if e.kind == "segment":
            continue
        label = "CHAPTER" if e.kind == "chapter" else e.kind
        click.echo(f"{_fmt_clock(e.start_ms)}  {label:<7}  {e.text}")
    for change in timeline.changes:
        click.echo(f"fit: {change}")
    click.echo(f"Total: {_fmt_clock(timeline.duration_ms)} ({timeline.duration_ms} ms)")


@cli.command()
@click.argument("routines", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(routines):
    """Check ROUTINES for mistakes without making any sound.

    Every problem is listed as file:line:column with what is wrong and how to fix it.

    \b
    Example:
        audiocoach validate routines/*.yaml
    """
    failed: list[str] = []
    for path in routines:
        try:
            routine = load(path)
        except AudiocoachError as exc:
            click.echo(str(exc), err=True)
            failed.append(path)
            continue
        n, b = len(routine.entries), len(routine.blocks)
        click.echo(f"{path}: ok ({n} exercise{'' if n == 1 else 's'} in {b} block{'' if b == 1 else 's'})")
    if failed:
        raise AudiocoachError(f"{len(failed)} of {len(routines)} routines have problems")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def exercises(as_json):
    """List the exercise library: ids to use in a routine, muscles, tempo and cues.

    \b
    Example:
        audiocoach exercises
    """
    lib = default_library()
    if as_json:
        rows = [
            {"id": ex.id, "name": ex.name, "muscles": list(ex.muscles), "tempo": ex.tempo, "start": ex.start,
             "per_side": ex.per_side, "timed": ex.timed, "cues": list(ex.cues), "aliases": list(ex.aliases)}
            for ex in lib
        ]
        click.echo(json.dumps(rows, indent=1))
        return
    for ex in lib:
        flags = ", ".join(f for f, on in (("per side", ex.per_side), ("timed", ex.timed)) if on)
        click.echo(f"{ex.id:<24} {ex.name}  [{ex.tempo}, {ex.start} first{', ' + flags if flags else ''}]")
        click.echo(f"{'':<24} muscles: {', '.join(ex.muscles)}")
        click.echo(f"{'':<24} cues: {' / '.join(ex.cues)}")


@cli.command()
@click.option("--engine", type=click.Choice(sorted(BACKENDS)), default=DEFAULT_ENGINE, show_default=True)
@click.option("--language", help="Only voices whose language starts with this, e.g. en.")
def voices(engine, language):
    """List the voices the speech engine offers (use the id with --voice).

    \b
    Example:
        audiocoach voices --language en
    """
    with Synthesizer(engine=engine) as synth:
        found = synth.voices()
    for v in found:
        langs = ", ".join(v.languages)
        if language and not any(lang.startswith(language) for lang in v.languages):
            continue
        click.echo(f"{v.id:<28} {langs:<16} {v.name}")
