"""Commands that look without rendering: ``plan`` (the timeline, or a program week by week) and
``validate`` (problems at file:line:col, and the fit warnings)."""

from __future__ import annotations

import json

import click

from audiocoach.cli.base import (
    Changes,
    SynthesisReport,
    _Command,
    _fmt_clock,
    _message,
    _notice,
    _options,
    _warn,
    _weeks_of,
    language_option,
    override_options,
    speech_options,
)
from audiocoach.compile.speechcheck import check_warnings
from audiocoach.errors import AudiocoachError
from audiocoach.load.overrides import override_meta, resolve_overrides
from audiocoach.load.routine import load_routine
from audiocoach.program.plan import plan_program
from audiocoach.program.programs import is_program, load_program, sessions
from audiocoach.render import plan, synthesizer_for
from audiocoach.speech import engine_missing


@click.command(name="plan", cls=_Command)
@click.argument("routine", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the timeline (or a program's overview) as JSON.")
@click.option("--weeks", help="A program's weeks to show, e.g. 1-4 or 1,3 (default: all).")
@speech_options
@override_options
@language_option
def plan_cmd(routine, as_json, weeks, changes: Changes, language=None, **speech):
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
        audiocoach plan routines/posterior-chain.yaml --language de
    """
    overrides = changes.overrides(voice=speech["voice"], rate=speech["rate"])
    if is_program(routine):
        return _plan_program(routine, as_json, weeks, overrides, _options(**speech), language)
    loaded, applied = resolve_overrides(load_routine(routine, language=language), overrides)
    with synthesizer_for(loaded, _options(**speech)) as synth:
        timeline = plan(loaded, synth, override_meta(overrides, applied), synthesis=SynthesisReport())
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


def _plan_program(path, as_json, weeks, overrides, options, language=None):
    program = load_program(path, language=language)
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
        if s.routine is None or p.duration_ms is None:
            click.echo(f"  {s.index} {s.day}: {s.error}")
            continue
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


@click.command(cls=_Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--estimate",
    is_flag=True,
    help="Fit warnings from estimated speech lengths, with no speech engine: quicker, but may differ from plan's.",
)
@speech_options
@language_option
def validate(files, estimate, language=None, **speech):
    """Check routines and programs (FILES, mixed) for mistakes without making any sound.

    Every problem is listed as file:line:column with what is wrong and how to fix it.
    A program is checked with every routine its days name and every week's progression,
    and each session's fit warnings are printed as batch prints them (KEY: warning).
    Fit warnings come from the real clip lengths of the voice plan and build would use
    (synthesized into the phrase cache, which they then reuse), so validate prints exactly
    the warnings plan, build and batch print. --estimate uses estimated lengths instead:
    no engine needed, but a warning may differ.

    \b
    Example:
        audiocoach validate routines/*.yaml
        audiocoach validate routines/posterior-chain-6-weeks.yaml
        audiocoach validate routines/posterior-chain.yaml --engine festival
        audiocoach validate routines/*.yaml --estimate
        audiocoach validate routines/posterior-chain.yaml --language es-ES
    """
    given = ", ".join(f"--{k}" for k in ("engine", "voice", "rate") if speech[k])
    if estimate and given:
        raise click.UsageError(f"--estimate uses no voice; leave out {given}, or --estimate")
    if not estimate and not given and engine_missing("auto"):
        # Nothing here can speak, so plan could not run either: say so, and check what can be checked.
        click.echo("Note: no speech engine here; fit warnings from estimated speech lengths (--estimate).", err=True)
        estimate = True
    options = None if estimate else _options(**speech)
    failed: list[str] = []
    for path in files:
        try:
            summary, warnings = _validate_one(path, options, language)
        except AudiocoachError as exc:
            click.echo(_message(exc), err=True)
            failed.append(path)
            continue
        click.echo(f"{path}: ok ({summary})")
        for change in warnings:
            click.echo(str(change), err=True)
    if failed:
        raise AudiocoachError(f"{len(failed)} of {len(files)} files have problems: {', '.join(failed)}")


def _validate_one(path, options, language=None) -> tuple[str, list]:
    """What ``path`` holds, and its fit warnings (per session for a program, as batch prints them)."""
    if is_program(path):
        program = load_program(path, language=language)
        found = sessions(program, strict=True)  # every day's routine, every week's progression
        warnings = [f"{s.key}: {c}" for s in found if s.routine for c in _fit_warnings(s.routine, options)]
        return (
            f"program, {program.weeks} week{'' if program.weeks == 1 else 's'} x {len(program.days)} "
            f"session{'' if len(program.days) == 1 else 's'}, {len(found)} in all"
        ), warnings
    routine = load_routine(path, language=language)
    n, b = len(routine.entries), len(routine.blocks)
    return f"{n} exercise{'' if n == 1 else 's'} in {b} block{'' if b == 1 else 's'}", _fit_warnings(routine, options)


def _fit_warnings(routine, options) -> list:
    """The real clips' warnings (what plan and build say), or with ``options`` None the
    estimate's (and the speech checks)."""
    if options is None:
        return list(check_warnings(routine))
    with synthesizer_for(routine, options) as synth:
        return list(plan(routine, synth, synthesis=SynthesisReport()).changes)
