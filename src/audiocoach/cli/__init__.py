"""The ``audiocoach`` command: parse options, call one library function, print.

Errors from the library (:class:`AudiocoachError`) are turned into ``Error: ...`` and exit
code 1 in one place (:class:`.base._Command`); nothing here holds pipeline logic. The shared
plumbing is in :mod:`.base`, the library, voice and publishing commands in :mod:`.tools`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from audiocoach import __version__
from audiocoach.batch.jobs import build_program, plan_program
from audiocoach.cli.base import (  # noqa: F401  (the exit codes: part of the command's interface)
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    _fmt_clock,
    _given_bitrate,
    _Group,
    _message,
    _notice,
    _options,
    _overrides,
    override_options,
    speech_options,
)
from audiocoach.cli.tools import exercises, publish_cmd, serve_cmd, voices
from audiocoach.compile.compiler import fit_warnings
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
from audiocoach.export.encode import FORMATS, format_for_path
from audiocoach.export.split import SPLIT_MODES
from audiocoach.load.overrides import override_meta, resolve_overrides
from audiocoach.load.routine import load_routine
from audiocoach.program.programs import is_program, load_program, parse_weeks, sessions
from audiocoach.render import build, default_output, plan, resolve_music, synthesizer_for
from audiocoach.speech import AUTO, better_engine_hint


def _warn(timeline) -> None:
    for change in timeline.changes:
        click.echo(str(change), err=True)


def _require_routine(path: str, command: str) -> None:
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
    """The format -o's suffix asks for, checked against --format; a missing suffix is added."""
    if output is None:
        return None, fmt or format_for_path("")
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
    type=click.Path(dir_okay=False),
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
    tempo,
    rest,
    rest_after,
    verbosity,
    rest_policy,
    rep_range,
    split=None,
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
    """
    _require_routine(routine, "build")
    out_path, fmt = _output_format(output, fmt)
    overrides = _overrides(
        tempo,
        rest,
        rest_after,
        verbosity,
        speech["voice"],
        speech["rate"],
        _given_bitrate(bitrate),
        rest_policy,
        rep_range,
    )
    loaded, applied = resolve_overrides(load_routine(routine), overrides)
    bed = resolve_music(
        loaded, music=music, music_rest=music_rest, level_db=music_level, rest_level_db=music_rest_level, duck_db=duck
    )
    options = _options(
        **speech, bitrate=bitrate, loudness_lufs=loudness, sidecars=not no_sidecars, format=fmt, music=bed, split=split
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
            routine, out, options=options, routine=loaded, progress=progress, meta=override_meta(overrides, applied)
        )
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
    overrides = _overrides(
        tempo, rest, rest_after, verbosity, speech["voice"], speech["rate"], None, rest_policy, rep_range
    )
    if is_program(routine):
        return _plan_program(routine, as_json, weeks, overrides, _options(**speech))
    loaded, applied = resolve_overrides(load_routine(routine), overrides)
    with synthesizer_for(loaded, _options(**speech)) as synth:
        timeline = plan(loaded, synth, override_meta(overrides, applied))
        _notice(synth)
    if as_json:
        click.echo(timeline.to_json())
        _warn(timeline)
        return
    m = timeline.meta
    click.echo(
        f"{timeline.title}: voice {m['voice']} ({m['engine']} {m['engine_version']}), {m['rate']} words/min, {timeline.sample_rate} Hz"
    )
    for a in applied:
        click.echo(
            f"override  {a.exercise or 'session':<24} {a.field:<10} {a.value} (routine: {a.before}; from {a.flag})"
        )
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
        data = {
            "title": program.title,
            "weeks": program.weeks,
            "overrides": [o.flag for o in overrides],
            "sessions": [p.to_dict() for p in plans],
        }
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
        if s.routine.notice:
            click.echo(f'      "{s.routine.notice}"')
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
            lifted = [
                e["load"] and f"load {e['load']}",
                e["effort"],
                e["warmup_sets"] and f"after {e['warmup_sets']} warm-up set" + ("s" if e["warmup_sets"] > 1 else ""),
            ]
            if any(lifted):
                click.echo(f"      {'':<24} " + ", ".join(x for x in lifted if x))
            for note in e["program_notes"]:
                click.echo(f"      {'':<24} {note}")
        for warning in p.warnings:  # as batch prints them
            click.echo(f"{s.key}: {warning}", err=True)
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
    tempo,
    rest,
    rest_after,
    verbosity,
    rest_policy,
    rep_range,
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
    overrides = _overrides(
        tempo,
        rest,
        rest_after,
        verbosity,
        speech["voice"],
        speech["rate"],
        _given_bitrate(bitrate),
        rest_policy,
        rep_range,
    )
    options = _options(**speech, bitrate=bitrate, sidecars=not no_sidecars, split=split)
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
        )
    except KeyboardInterrupt:
        click.echo("\nInterrupted: finished sessions are kept; run the same command again to continue.", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
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


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@speech_options
def validate(files, **speech):
    """Check routines and programs (FILES, mixed) for mistakes without making any sound.

    Every problem is listed as file:line:column with what is wrong and how to fix it.
    A program is checked with every routine its days name and every week's progression,
    and each session's fit warnings are printed as batch prints them (KEY: warning).
    Fit warnings use estimated speech lengths; with --engine (or --voice, --rate) they use
    the real clip lengths (synthesized into the phrase cache), exactly as plan, build and
    batch report them.

    \b
    Example:
        audiocoach validate routines/*.yaml
        audiocoach validate routines/posterior-chain-6-weeks.yaml
        audiocoach validate routines/posterior-chain.yaml --engine festival
    """
    options = _options(**speech) if any(speech.values()) else None
    failed: list[str] = []
    for path in files:
        try:
            summary, warnings = _validate_one(path, options)
        except AudiocoachError as exc:
            click.echo(_message(exc), err=True)
            failed.append(path)
            continue
        click.echo(f"{path}: ok ({summary})")
        for change in warnings:
            click.echo(str(change), err=True)
    if failed:
        raise AudiocoachError(f"{len(failed)} of {len(files)} files have problems: {', '.join(failed)}")


def _validate_one(path, options) -> tuple[str, list]:
    """What ``path`` holds, and its fit warnings (per session for a program, as batch prints them)."""
    if is_program(path):
        program = load_program(path)
        found = sessions(program, strict=True)  # every day's routine, every week's progression
        warnings = [f"{s.key}: {c}" for s in found if s.routine for c in _fit_warnings(s.routine, options)]
        return (
            f"program, {program.weeks} week{'' if program.weeks == 1 else 's'} x {len(program.days)} "
            f"session{'' if len(program.days) == 1 else 's'}, {len(found)} in all"
        ), warnings
    routine = load_routine(path)
    n, b = len(routine.entries), len(routine.blocks)
    return f"{n} exercise{'' if n == 1 else 's'} in {b} block{'' if b == 1 else 's'}", _fit_warnings(routine, options)


def _fit_warnings(routine, options) -> list:
    """The estimate's warnings, or with speech options the real clips' (what plan and build say)."""
    if options is None:
        return list(fit_warnings(routine))
    with synthesizer_for(routine, options) as synth:
        return list(plan(routine, synth).changes)


for _command in (exercises, voices, publish_cmd, serve_cmd):
    cli.add_command(_command)
