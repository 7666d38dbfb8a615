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
from .batch import build_program, plan_program
from .overrides import override_meta, parse_overrides, resolve_overrides
from .program import is_program, load_program, parse_weeks
from .export import FORMATS, format_for_path
from .render import RenderOptions, build, default_output, plan, resolve_music, synthesizer_for
from .speech import AUTO, ENGINE_CHOICES, Synthesizer, better_engine_hint


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
    @click.option("--engine", type=click.Choice(ENGINE_CHOICES), help="Speech engine; default: the routine's, else auto (the clearest installed).")
    @click.option("--cache-dir", type=click.Path(file_okay=False), help="Phrase cache folder (default: $AUDIOCOACH_CACHE or ~/.cache/audiocoach).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _options(voice, rate, engine, cache_dir, **more) -> RenderOptions:
    return RenderOptions(engine=engine, voice=voice, rate=rate, cache_dir=cache_dir, **more)


def override_options(func):
    """--tempo, --rest, --rest-after, --verbosity: change the routine without editing it."""

    @click.option("--tempo", multiple=True, metavar="[EXERCISE=]TEMPO", help="Tempo for every exercise (3-1-1-0) or one (romanian-deadlift=4-0-1-0); repeatable.")
    @click.option("--rest", multiple=True, metavar="[EXERCISE=]REST", help="Rest between sets for every exercise (60s) or one (hip-thrust=90s); repeatable.")
    @click.option("--rest-after", multiple=True, metavar="[EXERCISE=]REST", help="Rest after an exercise, before the next (2m), for every exercise or one; repeatable.")
    @click.option("--verbosity", help="How much the coach says: minimal, standard or coach; default: the routine's.")
    @click.option("--rest-policy", help="Which end of a rest range (45-90s): min, mid or max; default: the routine's (mid).")
    @click.option("--rep-range", help="How a rep range (8-10) is timed: range, bottom or top; default: the routine's (range).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _overrides(tempo=(), rest=(), rest_after=(), verbosity=None, voice=None, rate=None, bitrate=None, rest_policy=None, rep_range=None):
    return parse_overrides(tempo=tempo, rest=rest, rest_after=rest_after, verbosity=verbosity, voice=voice, rate=rate,
                           bitrate=bitrate, rest_policy=rest_policy, rep_range=rep_range)


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
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), help="Audio format (default: from the -o suffix, else mp3).")
@click.option("--music", type=click.Path(exists=True), help="Background music: an audio file, or a folder played as a playlist (looped).")
@click.option("--music-rest", type=click.Path(exists=True), help="Music for the rests instead (file or folder).")
@click.option("--music-level", type=float, help="Music level relative to the voice, in dB (default: the routine's, else -12).")
@click.option("--music-rest-level", type=float, help="Music level during rests, in dB relative to the voice (default: --music-level).")
@click.option("--duck", type=click.FloatRange(0, 60), help="How many dB the music dips while the coach speaks (default: the routine's, else 10).")
@speech_options
@override_options
def build_cmd(routine, output, bitrate, loudness, no_sidecars, fmt, music, music_rest, music_level, music_rest_level, duck, tempo, rest, rest_after, verbosity, rest_policy, rep_range, **speech):
    """Render ROUTINE to an MP3 that coaches you through it.

    \b
    Example:
        audiocoach build routines/posterior-chain.yaml
        audiocoach build routines/posterior-chain.yaml -o ~/gym/monday.mp3 --rate 160
        audiocoach build routines/posterior-chain.yaml --tempo romanian-deadlift=4-0-1-0 --rest 60s
        audiocoach build routines/posterior-chain.yaml --music ~/music/gym/ --duck 12 --format m4a
    """
    overrides = _overrides(tempo, rest, rest_after, verbosity, speech["voice"], speech["rate"], _given_bitrate(bitrate), rest_policy, rep_range)
    loaded, applied = resolve_overrides(load(routine), overrides)
    fmt = fmt or format_for_path(output or "")
    bed = resolve_music(loaded, music=music, music_rest=music_rest, level_db=music_level, rest_level_db=music_rest_level, duck_db=duck)
    options = _options(**speech, bitrate=bitrate, loudness_lufs=loudness, sidecars=not no_sidecars, format=fmt, music=bed)
    out = Path(output) if output else default_output(routine, fmt=fmt)
    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = build(routine, out, options=options, routine=loaded, progress=progress, meta=override_meta(overrides, applied))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(result.timeline)
    spoken_by = result.timeline.meta.get("engine")
    if (options.engine or loaded.settings.engine or AUTO) == AUTO and better_engine_hint(str(spoken_by)):
        click.echo(f"Note: {better_engine_hint(str(spoken_by))}", err=True)
    click.echo(
        f"Wrote {result.output} ({_fmt_clock(result.timeline.duration_ms)}, "
        f"{result.synthesized} phrases synthesized, {result.cache_hits} from cache)"
    )


@cli.command(name="plan")
@click.argument("routine", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the timeline (or a program's overview) as JSON.")
@click.option("--weeks", help="A program's weeks to show, e.g. 1-4 or 1,3 (default: all).")
@speech_options
@override_options
def plan_cmd(routine, as_json, weeks, tempo, rest, rest_after, verbosity, rest_policy, rep_range, **speech):
    """Show the timeline of ROUTINE: when each cue is spoken, and the total length.

    Uses the real length of every spoken clip (synthesized into the cache), so the plan
    is exactly what 'build' will play. Values that came from overrides are listed first.
    For a program, shows week by week each session's exercises (sets x reps, tempo,
    rest) and length, so the progression can be checked before rendering.

    \b
    Example:
        audiocoach plan routines/posterior-chain.yaml
        audiocoach plan routines/posterior-chain.yaml --json > plan.json
        audiocoach plan routines/posterior-chain.yaml --rest hip-thrust=90s
        audiocoach plan routines/posterior-chain-6-weeks.yaml --weeks 3-4
    """
    overrides = _overrides(tempo, rest, rest_after, verbosity, speech["voice"], speech["rate"], None, rest_policy, rep_range)
    if is_program(routine):
        return _plan_program(routine, as_json, weeks, overrides, _options(**speech))
    loaded, applied = resolve_overrides(load(routine), overrides)
    with synthesizer_for(loaded, _options(**speech)) as synth:
        timeline = plan(loaded, synth, override_meta(overrides, applied))
        _notice(synth)
    if as_json:
        click.echo(timeline.to_json())
        _warn(timeline)
        return
    m = timeline.meta
    click.echo(f"{timeline.title}: voice {m['voice']} ({m['engine']} {m['engine_version']}), {m['rate']} words/min, {timeline.sample_rate} Hz")
    for a in applied:
        click.echo(f"override  {a.exercise or 'session':<24} {a.field:<10} {a.value} (routine: {a.before}; from {a.flag})")
    for e in timeline.events:
        if e.kind == "segment":
            continue
        label = "CHAPTER" if e.kind == "chapter" else e.kind
        click.echo(f"{_fmt_clock(e.start_ms)}  {label:<7}  {e.text}")
    for change in timeline.changes:
        click.echo(f"fit: {change}")
    click.echo(f"Total: {_fmt_clock(timeline.duration_ms)} ({timeline.duration_ms} ms)")


def _plan_program(path, as_json, weeks, overrides, options):
    program = load_program(path)
    plans = plan_program(program, weeks=_weeks_of(program, weeks), overrides=overrides, options=options)
    if as_json:
        data = {"title": program.title, "weeks": program.weeks, "overrides": [o.flag for o in overrides],
                "sessions": [p.to_dict() for p in plans]}
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
        return
    click.echo(f"{program.title}: {program.weeks} weeks, {len(program.days)} sessions a week")
    if overrides:
        click.echo("Overrides: " + " ".join(o.flag for o in overrides))
    week = None
    for p in plans:
        s = p.session
        if s.week != week:
            week = s.week
            click.echo(f"\nWeek {week}" + (" (deload)" if s.deload else ""))
        click.echo(f"  {s.index} {s.day}: {s.routine.title.split(': ', 1)[-1]}  [{_fmt_clock(p.duration_ms)[:5]}]")
        group = None
        for e in p.to_dict()["exercises"]:
            if e["group"] != group and e["group"]:
                g = e["group"]
                click.echo(f"      {g['kind']}: {g['dose']}, rest {g['rest']} then {g['rest_after']}")
            group = e["group"]
            work = e["dose"].split(" x ", 1)[1] if group else e["dose"]
            dose = ("  " + work) if group else work
            line = f"      {e['exercise']:<24} {dose:<18} tempo {e['tempo'] or '-':<8}"
            click.echo((line + ("" if group else f" rest {e['rest']:<9} then {e['rest_after']}")).rstrip())
            if e["note"] and e["note"].startswith("Back to "):
                click.echo(f"      {'':<24} {e['note'].split(':')[0]}: add load")
    total = sum(p.duration_ms or 0 for p in plans)
    click.echo(f"\n{len(plans)} sessions, {_fmt_clock(total)[:-4]} in all")


def _weeks_of(program, text):
    if text is None:
        return None
    try:
        return parse_weeks(text, program.weeks)
    except ValueError as exc:
        raise AudiocoachError(f"--weeks {text}: {exc}") from None


@cli.command(name="batch")
@click.argument("program", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="output", show_default=True, help="Folder to write into; the program gets a folder of its own.")
@click.option("--weeks", help="Only these weeks, e.g. 1-4 or 1,3 (default: all).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Sessions rendered at once (default: the number of cores).")
@click.option("--prune", is_flag=True, help="Remove the files of sessions no longer in the program.")
@click.option("--bitrate", default="64k", show_default=True, help="MP3 bitrate.")
@click.option("--no-sidecars", is_flag=True, help="Do not write the .json timeline and .vtt cue sheet beside each MP3.")
@speech_options
@override_options
def batch_cmd(program, out_dir, weeks, jobs, prune, bitrate, no_sidecars, tempo, rest, rest_after, verbosity, rest_policy, rep_range, **speech):
    """Render every session of PROGRAM: one MP3 per session, one playlist per week.

    Writes OUTPUT/<program>/week-01/1-monday-<routine>.mp3 and so on, and
    OUTPUT/<program>/week-01.m3u. Sessions render in parallel; a session whose
    inputs did not change is not rebuilt. A failing session is reported and the
    others still finish (the exit code is then 1).

    \b
    Example:
        audiocoach batch routines/posterior-chain-6-weeks.yaml
        audiocoach batch routines/posterior-chain-6-weeks.yaml -o ~/gym --weeks 1-2 --jobs 2
    """
    overrides = _overrides(tempo, rest, rest_after, verbosity, speech["voice"], speech["rate"], _given_bitrate(bitrate), rest_policy, rep_range)
    options = _options(**speech, bitrate=bitrate, sidecars=not no_sidecars)
    chosen = _weeks_of(load_program(program), weeks)
    bar = None

    def progress(done: int, total: int, key: str) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Sessions", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = build_program(program, out_dir, weeks=chosen, jobs=jobs, options=options,
                               overrides=overrides, prune=prune, progress=progress)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: finished sessions are kept; run the same command again to continue.", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    width = max([len(r.title) for r in result.sessions] + [7])
    click.echo(f"{'Session':<{width}}  Length  Status     File")
    for r in result.sessions:
        length = _fmt_clock(r.duration_ms)[:5] if r.duration_ms is not None else "  -  "
        click.echo(f"{r.title:<{width}}  {length}   {r.status:<9}  {r.output}")
    click.echo(f"{len(result.built)} built, {len(result.unchanged)} unchanged, {len(result.failed)} failed; "
               f"playlists: {', '.join(p.name for p in result.playlists)}")
    for path in result.stale:
        verb = "removed" if result.pruned else "no longer in the program (remove with --prune)"
        click.echo(f"{path}: {verb}")
    if result.failed:
        for r in result.failed:
            click.echo(f"failed: {r.key}: {r.error}", err=True)
        names = ", ".join(r.key for r in result.failed)
        raise AudiocoachError(f"{len(result.failed)} of {len(result.sessions)} sessions failed: {names}")


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
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=AUTO, show_default=True, help="Speech engine (auto: the clearest installed).")
@click.option("--language", help="Only voices whose language starts with this, e.g. en.")
def voices(engine, language):
    """List the voices the speech engine offers (use the id with --voice).

    Columns: voice id, language, gender, name. The first line names the engine.

    \b
    Example:
        audiocoach voices --language en
        audiocoach voices --engine festival
    """
    with Synthesizer(engine=engine) as synth:
        found = synth.voices()
        click.echo(f"engine: {synth.engine_name} (default voice: {synth.voice or 'default'})")
        _notice(synth)
    for v in found:
        langs = ", ".join(v.languages)
        if language and not any(lang.startswith(language) for lang in v.languages):
            continue
        click.echo(f"{v.id:<28} {langs:<16} {v.gender or '-':<7} {v.name}")
