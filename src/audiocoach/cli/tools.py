"""Commands around the pipeline: the exercise library, the voices, publishing and serving."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from audiocoach.cli.base import _Command, _notice
from audiocoach.engines import ENGINE_CHOICES, engines_for
from audiocoach.errors import AudiocoachError
from audiocoach.load.library import default_library
from audiocoach.speech import AUTO, Synthesizer
from audiocoach.words.language import language_code


@click.command(cls=_Command)
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
@click.option(
    "--search",
    "words",
    metavar="WORDS",
    help="Only exercises whose id, name, movement pattern, aliases, muscles or cues hold these words, e.g. hinge.",
)
@click.option("--muscle", help="Only exercises that work this muscle, e.g. glutes or hamstrings.")
def exercises(as_json, words, muscle):
    """List the exercise library: ids to use in a routine, aliases, muscles, tempo and cues.

    A routine may name an exercise by its id, an alias or its name in words
    ('hip thrust', 'Romanian deadlift', 'rdl').

    \b
    Example:
        audiocoach exercises
        audiocoach exercises --search hinge
        audiocoach exercises --muscle glutes
    """
    lib = default_library()
    found = lib.search(words, muscle) if (words or muscle) else list(lib)
    if not found:
        asked = " and ".join(x for x in (f"'{words}'" if words else "", f"muscle '{muscle}'" if muscle else "") if x)
        raise AudiocoachError(f"no exercise matches {asked} (run 'audiocoach exercises' to list them all)")
    if as_json:
        rows = [
            {
                "id": ex.id,
                "name": ex.name,
                "pattern": ex.pattern,
                "muscles": list(ex.muscles),
                "tempo": ex.tempo,
                "start": ex.start,
                "per_side": ex.per_side,
                "timed": ex.timed,
                "cues": list(ex.cues),
                "aliases": list(ex.aliases),
            }
            for ex in found
        ]
        click.echo(json.dumps(rows, indent=1))
        return
    for ex in found:
        flags = ", ".join(f for f, on in (("per side", ex.per_side), ("timed", ex.timed)) if on)
        click.echo(f"{ex.id:<24} {ex.name}  [{ex.tempo}, {ex.start} first{', ' + flags if flags else ''}]")
        if ex.aliases:
            click.echo(f"{'':<24} also: {', '.join(ex.aliases)}")
        click.echo(f"{'':<24} {'pattern: ' + ex.pattern + '; ' if ex.pattern else ''}muscles: {', '.join(ex.muscles)}")
        click.echo(f"{'':<24} cues: {' / '.join(ex.cues)}")


@click.command(cls=_Command)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_CHOICES),
    default=AUTO,
    show_default=True,
    help="Speech engine (auto: the clearest installed).",
)
@click.option(
    "--language",
    help="Only voices for this language (de, es-ES); with engine auto, the engine that speaks it.",
)
def voices(engine, language):
    """List the voices the speech engine offers (use the id with --voice).

    Columns: voice id, language, gender, name. The first line names the engine.
    With --language, the engine is the one a session in that language speaks with
    (unless --engine names one), and the last line says how to install more voices.

    \b
    Example:
        audiocoach voices --language de
        audiocoach voices --engine festival
    """
    hint = False
    if language:
        code = language_code(language)
        if engine == AUTO:
            engine, hint = engines_for(code)[0], True
        language = code if code != "en" else language
    with Synthesizer(engine=engine) as synth:
        found = synth.voices()
        click.echo(f"engine: {synth.engine_name} (default voice: {synth.voice or 'default'})")
        _notice(synth)
    for v in found:
        langs = ", ".join(v.languages)
        if language and not any(lang.startswith(language) for lang in v.languages):
            continue
        click.echo(f"{v.id:<28} {langs:<16} {v.gender or '-':<7} {v.name}")
    if hint:
        click.echo(f"More voices for {language}: {LANGUAGE_VOICES_HINT}")


#: How to get more voices for a language (docs/voices.md lists what was checked).
LANGUAGE_VOICES_HINT = (
    "espeak-ng speaks every language the coach does (apt-get install espeak-ng); "
    "docs/voices.md lists the other voices and their licences"
)


@click.command(name="publish", cls=_Command)
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--base-url",
    required=True,
    help="The address FOLDER is served at, e.g. http://192.168.1.20:8000/ (what 'audiocoach serve' prints).",
)
@click.option("--author", default="audiocoach", show_default=True, help="The feed's author (itunes:author).")
def publish_cmd(folder, base_url, author):
    """Write a podcast feed, chapters and a program page for the sessions in FOLDER.

    FOLDER is what 'audiocoach batch' wrote (OUTPUT/<program>), a roster's folder, or
    any folder above them: every folder that holds week-NN folders gets its own
    feed.xml (RSS 2.0, iTunes and Podcasting 2.0 tags) and index.html, and each
    session a .chapters.json beside its audio. Subscribe to the feed's URL in a
    podcast app.

    \b
    Example:
        audiocoach batch routines/posterior-chain-6-weeks.yaml
        audiocoach publish output/posterior-chain-6-weeks --base-url http://192.168.1.20:8000/
    """
    from audiocoach.publish.site import publish

    results = publish(folder, base_url, author=author)
    base = base_url if base_url.endswith("/") else base_url + "/"
    for r in results:
        rel = r.feed_path.relative_to(Path(folder)).as_posix()
        click.echo(
            f"{r.feed.title}: {len(r.feed.episodes)} episodes -> {r.feed_path} ({base}{rel}), page {r.page_path}"
        )
        for path in r.feed.skipped:
            click.echo(f"{path}: skipped (no timeline beside it; rebuild without --no-sidecars)", err=True)


@click.command(name="serve", cls=_Command)
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface, so phones on the same network reach it).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
def serve_cmd(folder, host, port):
    """Serve FOLDER (feeds, pages, audio) over HTTP until Ctrl-C.

    Answers byte-range requests (podcast apps seek with them), sends the right MIME
    types, and serves nothing outside FOLDER. Give the printed address to
    'audiocoach publish --base-url', then subscribe to .../feed.xml in a podcast app.

    \b
    Example:
        audiocoach serve output --port 8000
    """
    import logging

    from audiocoach.publish.serve import serve

    logging.basicConfig(level=logging.INFO, format="%(message)s")

    def ready(urls):
        click.echo(f"Serving {folder} at " + " and ".join(urls) + " (Ctrl-C to stop)")
        sys.stdout.flush()

    serve(folder, host, port, ready=ready)
