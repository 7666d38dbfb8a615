"""The ``audiocoach`` command: parse options, call one library function, print.

Errors from the library (:class:`AudiocoachError`) are turned into ``Error: ...`` and exit
code 1 in one place (:class:`.base._Command`); nothing here holds pipeline logic. The shared
plumbing is in :mod:`.base`, the library, voice and publishing commands in :mod:`.tools`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audiocoach import __version__
from audiocoach.batch.jobs import build_program
from audiocoach.cli.base import (
    Changes,
    SynthesisReport,
    _fmt_clock,
    _given_bitrate,
    _Group,
    _options,
    _warn,
    _weeks_of,
    language_option,
    override_options,
    speech_options,
)
from audiocoach.cli.inspect import plan_cmd, validate
from audiocoach.cli.tools import exercises, publish_cmd, serve_cmd, voices
from audiocoach.defaults import (
    BITRATE,
    LOUDNESS_LUFS,
    LOUDNESS_MAX_LUFS,
    LOUDNESS_MIN_LUFS,
    MUSIC_DUCK_DB,
    MUSIC_DUCK_MAX_DB,
    MUSIC_DUCK_MIN_DB,
    MUSIC_LEVEL_DB,
)
from audiocoach.errors import AudiocoachError
from audiocoach.export.outputs import check_output
from audiocoach.export.split import SPLIT_MODES
from audiocoach.export.stream import FORMATS, format_for_path
from audiocoach.load.overrides import override_meta, resolve_overrides
from audiocoach.load.routine import load_routine
from audiocoach.load.speaker import choose_speaker
from audiocoach.program.programs import is_program, load_program
from audiocoach.render import build, default_output, resolve_music
from audiocoach.speech import AUTO, better_engine_hint


def _require_routine(path: str) -> None:
    """A program handed to a routine command: say which command renders it."""
    if is_program(path):
        raise AudiocoachError(
            f"{path} is a program (it has 'days'), not a routine: render its sessions with "
            f"'audiocoach batch {path}', or see them week by week with 'audiocoach plan {path}'"
        )


def _require_program(path: str) -> None:
    """A routine handed to batch: say which command renders it."""
    if not is_program(path) and _looks_like_routine(path):
        raise AudiocoachError(
            f"{path} is a routine (it has 'blocks'), not a program: render it with 'audiocoach build {path}', "
            f"or see its timeline with 'audiocoach plan {path}' (batch renders a program's weeks of sessions)"
        )


def _looks_like_routine(path: str) -> bool:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "blocks" in data


def _output_format(output: str | None, fmt: str | None) -> tuple[Path | None, str]:
    """The format -o's suffix asks for, checked against --format; a missing suffix is added.

    The path is checked first, as named: a FIFO or /proc/self/fd/1 is refused, not suffixed.
    """
    if output is None:
        return None, fmt or format_for_path("")
    check_output(output)
    path = Path(output)
    suffix = path.suffix.lower()
    by_suffix = next((name for name, f in FORMATS.items() if f.ext == suffix), None)
    if suffix and by_suffix is None and fmt is None:
        exts = ", ".join(f.ext for f in FORMATS.values())
        raise AudiocoachError(
            f"-o {output}: audiocoach does not write '{suffix}' files (it writes {exts}); change the suffix, or name the format with --format"
        )
    if by_suffix is None and suffix:
        return path, str(fmt)  # an explicit --format for a file name of the user's choosing
    if by_suffix is None:
        chosen = fmt or format_for_path("")
        return path.with_name(path.name + FORMATS[chosen].ext), chosen
    if fmt and fmt != by_suffix:
        raise AudiocoachError(
            f"-o {output} asks for {by_suffix} but --format says {fmt}; drop --format or write -o "
            f"{path.with_suffix(FORMATS[fmt].ext)}"
        )
    return path, by_suffix


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audiocoach")
def cli():
    """Turn a workout written in YAML into one voice-coached MP3."""


@cli.command(name="build")
@click.argument("routine", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # a folder is refused by check_output, with exit 1 like every output problem
    help="File to write; its suffix (.mp3, .m4a, .ogg, .wav) chooses the format (default: output/<routine name>.mp3).",
)
@click.option("--bitrate", default=BITRATE, show_default=True, help="MP3 bitrate.")
@click.option(
    "--loudness",
    type=click.FloatRange(LOUDNESS_MIN_LUFS, LOUDNESS_MAX_LUFS),
    default=LOUDNESS_LUFS,
    show_default=True,
    help="Target loudness in LUFS.",
)
@click.option("--no-sidecars", is_flag=True, help="Do not write the .json timeline and .vtt cue sheet beside the MP3.")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), help="Audio format (default: from the -o suffix, else mp3)."
)
@click.option(
    "--music",
    type=click.Path(exists=True),
    help="Background music: an audio file, or a folder played as a playlist (looped).",
)
@click.option("--music-rest", type=click.Path(exists=True), help="Music for the rests instead (file or folder).")
@click.option(
    "--music-level",
    type=float,
    help=f"Music level relative to the voice, in dB (default: the routine's, else {MUSIC_LEVEL_DB:g}).",
)
@click.option(
    "--music-rest-level",
    type=float,
    help="Music level during rests, in dB relative to the voice (default: --music-level).",
)
@click.option(
    "--duck",
    type=click.FloatRange(MUSIC_DUCK_MIN_DB, MUSIC_DUCK_MAX_DB),
    help=f"How many dB the music dips while the coach speaks (default: the routine's, else {MUSIC_DUCK_DB:g}).",
)
@click.option(
    "--split",
    type=click.Choice(SPLIT_MODES),
    help="Also write one file per set, hold and rest into <name>.sets/, with an M3U8 playlist.",
)
@speech_options
@override_options
@language_option
def build_cmd(
    routine,
    output,
    bitrate,
    loudness,
    no_sidecars,
    fmt,
    music,
    music_rest,
    music_level,
    music_rest_level,
    duck,
    changes: Changes,
    **speech,
):
    """Render ROUTINE to an MP3 that coaches you through it.

    \b
    Example:
        audiocoach build routines/posterior-chain.yaml
        audiocoach build routines/posterior-chain.yaml -o ~/gym/monday.mp3 --rate 160
        audiocoach build routines/posterior-chain.yaml --tempo romanian-deadlift=4-0-1-0 --rest 60s
        audiocoach build routines/posterior-chain.yaml --music ~/music/gym/ --duck 12 --format m4a
        audiocoach build routines/posterior-chain.yaml --split sets
        audiocoach build routines/posterior-chain.yaml --language de
    """
    _require_routine(routine)
    out_path, fmt = _output_format(output, fmt)
    overrides = changes.overrides(voice=speech["voice"], rate=speech["rate"], bitrate=_given_bitrate(bitrate))
    loaded, applied = resolve_overrides(load_routine(routine, language=speech["language"]), overrides)
    bed = resolve_music(
        loaded, music=music, music_rest=music_rest, level_db=music_level, rest_level_db=music_rest_level, duck_db=duck
    )
    options = _options(
        **speech, bitrate=bitrate, loudness_lufs=loudness, sidecars=not no_sidecars, format=fmt, music=bed
    )
    out = out_path or default_output(routine, fmt=fmt)
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
        result = build(
            routine,
            out,
            options=options,
            routine=loaded,
            progress=progress,
            meta=override_meta(overrides, applied),
            synthesis=SynthesisReport(),
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(result.timeline)
    spoken_by = result.timeline.meta.get("engine")
    if choose_speaker(
        loaded.settings, engine=options.engine, language=loaded.language_code
    ).engine == AUTO and better_engine_hint(str(spoken_by)):
        click.echo(f"Note: {better_engine_hint(str(spoken_by))}", err=True)
    click.echo(
        f"Wrote {result.output} ({_fmt_clock(result.timeline.duration_ms)}, "
        f"{result.synthesized} phrases synthesized, {result.cache_hits} from cache)"
    )


@cli.command(name="batch")
@click.argument("program", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="output",
    show_default=True,
    help="Folder to write into; the program gets a folder of its own.",
)
@click.option("--weeks", help="Only these weeks, e.g. 1-4 or 1,3 (default: all).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Sessions rendered at once (default: the number of cores).")
@click.option("--prune", is_flag=True, help="Remove the files of sessions no longer in the program.")
@click.option("--bitrate", default=BITRATE, show_default=True, help="MP3 bitrate.")
@click.option("--no-sidecars", is_flag=True, help="Do not write the .json timeline and .vtt cue sheet beside each MP3.")
@click.option(
    "--split",
    type=click.Choice(SPLIT_MODES),
    help="Also write each session as one file per set, hold and rest (<session>.sets/).",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False),
    help="Athletes file: render the program for each athlete, with their own overrides, loads and weeks.",
)
@click.option(
    "--cluster",
    metavar="tcp://HOST:8786",
    help="Render on the workers of this Dask scheduler instead of local processes.",
)
@speech_options
@override_options
@language_option
def batch_cmd(
    program,
    out_dir,
    weeks,
    jobs,
    prune,
    bitrate,
    no_sidecars,
    roster,
    cluster,
    changes: Changes,
    split=None,
    **speech,
):
    """Render every session of PROGRAM: one MP3 per session, one playlist per week.

    Writes OUTPUT/<program>/week-01/1-monday-<routine>.mp3 and so on, and
    OUTPUT/<program>/week-01.m3u. Sessions render in parallel; a session whose
    inputs did not change is not rebuilt. A failing session is reported and the
    others still finish (the exit code is then 1).

    With --roster, each athlete gets OUTPUT/<program>/<athlete>/week-01/... with their
    own playlists and manifest; the roster is checked before anything renders.
    With --cluster, the sessions render on a Dask cluster's workers.

    \b
    Example:
        audiocoach batch routines/posterior-chain-6-weeks.yaml
        audiocoach batch routines/posterior-chain-6-weeks.yaml -o ~/gym --weeks 1-2 --jobs 2
        audiocoach batch routines/posterior-chain-6-weeks.yaml --split sets
        audiocoach batch routines/posterior-chain-6-weeks.yaml --roster athletes.yaml
        audiocoach batch routines/posterior-chain-6-weeks.yaml --cluster tcp://10.0.0.5:8786
    """
    _require_program(program)
    overrides = changes.overrides(voice=speech["voice"], rate=speech["rate"], bitrate=_given_bitrate(bitrate))
    options = _options(**speech, bitrate=bitrate, sidecars=not no_sidecars, split=split)
    chosen = _weeks_of(load_program(program, language=speech["language"]), weeks)
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
        result = build_program(
            program,
            out_dir,
            weeks=chosen,
            jobs=jobs,
            options=options,
            overrides=overrides,
            prune=prune,
            progress=progress,
            roster=roster,
            cluster=cluster,
            language=speech["language"],
        )
    except KeyboardInterrupt:
        click.echo("\nInterrupted: finished sessions are kept; run the same command again to continue.", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _report_batch(result, roster)


def _report_batch(result, roster) -> None:
    """The sessions table, warnings, playlists and stale files of a batch; an error if any failed."""
    width = max([len(r.title) for r in result.sessions] + [7])
    who = max([len(r.athlete or "") for r in result.sessions] + [7]) if roster else 0
    click.echo((f"{'Athlete':<{who}}  " if who else "") + f"{'Session':<{width}}  Length  Status     File")
    for r in result.sessions:
        length = _fmt_clock(r.duration_ms)[:5] if r.duration_ms is not None else "  -  "
        athlete = f"{r.athlete or '':<{who}}  " if who else ""
        click.echo(f"{athlete}{r.title:<{width}}  {length}   {r.status:<9}  {r.output}")
    for r in result.sessions:
        for warning in r.warnings:
            click.echo(f"{r.key}: {warning}", err=True)
    click.echo(
        f"{len(result.built)} built, {len(result.unchanged)} unchanged, {len(result.failed)} failed; "
        f"playlists: {', '.join(p.relative_to(result.folder).as_posix() for p in result.playlists)}"
    )
    for path in result.stale:
        verb = "removed" if result.pruned else "no longer in the program (remove with --prune)"
        click.echo(f"{path}: {verb}")
    if result.failed:
        for r in result.failed:
            click.echo(f"failed: {r.key}: {r.error}", err=True)
        names = ", ".join(r.key for r in result.failed)
        raise AudiocoachError(f"{len(result.failed)} of {len(result.sessions)} sessions failed: {names}")


for _command in (plan_cmd, validate, exercises, voices, publish_cmd, serve_cmd):
    cli.add_command(_command)
