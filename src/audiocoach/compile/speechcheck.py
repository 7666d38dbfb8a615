"""Warnings about what the voice will be asked to say, before any of it is synthesized.

- Text in a script the chosen voice cannot read (a title in Arabic or Chinese for an
  English voice) would be silent or spelled out as character names: each such text is a
  located warning naming the letters that will not be spoken (see :mod:`audiocoach.scripts`).
- A session in a language the chosen voice does not speak (``--engine hibari`` on a German
  routine) would be read with another language's rules: a warning at ``language:`` names
  the engine that speaks it (see :func:`language_warning`).
- A session that speaks an unusual number of different phrases (more than
  :data:`~audiocoach.defaults.MANY_DISTINCT_PHRASES`) makes a long, memory-hungry cold
  build: a warning says so before the wait.

Both are :class:`~audiocoach.timeline.Change` records, printed with the fit warnings
(``file:line:col: warning: ...``) by validate, plan and build. No speech engine is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.defaults import MANY_DISTINCT_PHRASES
from audiocoach.engines import AUTO_ENGINE, ENGINE_ROWS, engines_for
from audiocoach.model import Group, Routine
from audiocoach.scripts import speakable_scripts, unspeakable
from audiocoach.timeline import Change, Timeline
from audiocoach.words.language import ENGLISH, get_language

#: Characters of an unspeakable text quoted in a warning.
_QUOTE_CHARS = 40


def spoken_texts(routine: Routine) -> Iterator[tuple[str, str, str]]:
    """Every text the routine writes for the coach to say: ``(where, what, text)``."""
    yield routine.location_of("title"), "title", routine.title
    if routine.description:
        yield routine.location_of("description"), "description", routine.description
    if routine.notice:
        yield routine.location_of(""), "the program's notice", routine.notice
    for block in routine.blocks:
        block_where = str(block.location) if block.location else routine.location_of("")
        yield block_where, "block name", block.name
        for item in block.entries:
            for entry in item.members if isinstance(item, Group) else (item,):
                where = str(entry.location or item.location or block_where)
                for exercise in (entry.exercise, *entry.alternatives):
                    yield where, "exercise name", exercise.name
                    if exercise.short_name != exercise.name:
                        yield where, "exercise short name", exercise.short_name
                if entry.note:
                    yield where, "note", entry.note
    phrase_where = {key: str(loc) for key, loc in routine.phrase_locations}
    for key, templates in routine.phrases:
        for template in templates:
            yield phrase_where.get(key, routine.location_of("")), f"phrase {key!r}", template


def unspeakable_warnings(routine: Routine, engine: str | None, voice: str | None) -> tuple[Change, ...]:
    """One warning per text with letters ``engine`` (with ``voice``) cannot read.

    ``engine`` None or ``auto``: what every engine reads (Latin letters).
    """
    scripts = speakable_scripts(None if engine == "auto" else engine, voice)
    engine_name = engine if engine and engine != "auto" else "chosen"
    found: dict[tuple[str, str], Change] = {}
    for where, what, text in spoken_texts(routine):
        missing = unspeakable(text, scripts)
        if not missing or (where, text) in found:
            continue
        letters = " and ".join(f"{script} {words[:_QUOTE_CHARS]!r}" for script, words in missing.items())
        advice = (
            f"the {engine_name} voice reads only {' and '.join(sorted(scripts))} letters: in the {what} "
            f"{text[:_QUOTE_CHARS]!r} the {letters} will be silent (or spelled out); write it in "
            f"{'Latin' if 'Latin' in scripts else sorted(scripts)[0]} letters, or choose a voice that reads it (audiocoach voices --engine espeak-ng)"
        )
        found[(where, text)] = Change("unspeakable", what, text, None, where, ", ".join(missing), advice=advice)
    return tuple(found.values())


def language_warning(routine: Routine, engine: str | None, voice: str | None) -> tuple[Change, ...]:
    """A warning when ``engine`` (with ``voice``) has no voice for the routine's language.

    A voice named for the language (``de``, ``gmw/de``, ``de_DE-thorsten-medium``) speaks
    it whatever the engine; otherwise the engine table says which engines do."""
    code = routine.language_code
    if code == ENGLISH or engine in (None, AUTO_ENGINE):
        return ()
    if voice and re.split(r"[-_]", voice.rsplit("/", 1)[-1].lower())[0] == code:
        return ()
    row = ENGINE_ROWS.get(engine)
    if row is None or (row.speaks(code) and not voice):
        return ()
    language = get_language(code)
    said = f"the {engine} voice {voice!r}" if voice else f"the {engine} engine"
    advice = (
        f"this session is in {language.name} (language: {routine.language}) but {said} does not speak it: "
        f"every cue would be read with the wrong language's rules; leave out --engine and --voice "
        f"(a {language.name} session is spoken by {engines_for(code)[0]}, voice {language.espeak_voice}), "
        f"or pick a {language.name} voice (audiocoach voices --language {code})"
    )
    where = routine.location_of("language")
    return (Change("language", "speech", routine.language, None, where, engine, advice=advice),)


def phrase_count_warning(routine: Routine, timeline: Timeline) -> tuple[Change, ...]:
    """A warning when ``timeline`` speaks more than MANY_DISTINCT_PHRASES different phrases."""
    texts = {e.text for e in timeline.events if e.kind == "speech"}
    if len(texts) <= MANY_DISTINCT_PHRASES:
        return ()
    advice = (
        f"this session speaks {len(texts)} different phrases (more than {MANY_DISTINCT_PHRASES} is unusual): "
        "a cold build synthesizes every one before mixing (minutes, and one speech engine per worker in memory); "
        "fewer distinct notes and names, or splitting it into several sessions, make it quicker"
    )
    return (Change("many-phrases", "speech", str(len(texts)), None, routine.location_of(""), "", advice=advice),)


def speech_warnings(routine: Routine, timeline: Timeline, engine: str | None, voice: str | None) -> tuple[Change, ...]:
    """Both checks: the text the voice cannot read, and an unusual number of phrases."""
    return (
        language_warning(routine, engine, voice)
        + unspeakable_warnings(routine, engine, voice)
        + phrase_count_warning(routine, timeline)
    )


def check_warnings(routine: Routine) -> tuple[Change, ...]:
    """What ``validate`` warns about, with estimated speech lengths (no engine): the fit
    warnings, then :func:`speech_warnings` for the routine's own engine and voice."""
    timeline = compile_routine(routine, estimate_ms)
    return timeline.changes + speech_warnings(routine, timeline, routine.settings.engine, routine.settings.voice)
