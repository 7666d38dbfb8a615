"""A coach in the lifter's language: phrasebooks, number words, voices and checks per language."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.speechcheck import check_warnings, language_warning
from audiocoach.errors import RoutineError
from audiocoach.load.routine import load_routine, loads
from audiocoach.load.speaker import Speaker, choose_speaker
from audiocoach.words.language import LanguageError, available_languages, get_language, language_code
from audiocoach.words.phrases import PLACEHOLDERS, check_phrasebook, default_phrasebook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "audiocoach" / "data"

#: A short session in each language: two sets of a loaded lift, a per-side hold, a circuit.
SHORT = """\
title: {title}
language: {tag}
defaults:
  rest: 20s
  rest_after: 20s
blocks:
  - name: {block}
    exercises:
      - exercise: hip-thrust
        sets: 2
        reps: 3
        load: 62.5kg
      - exercise: hamstring-stretch
        hold: 20s
        per_side: true
"""
SHORTS = {
    "de": SHORT.format(title="Kurztest", tag="de", block="Block"),
    "es": SHORT.format(title="Prueba corta", tag="es-ES", block="Bloque"),
}


def _problems(text: str, **kw) -> list[str]:
    with pytest.raises(RoutineError) as err:
        loads(text, "routine.yaml", **kw)
    return [str(p) for p in err.value.problems]


# --------------------------------------------------------------------------- tags


def test_an_unknown_language_is_a_located_error_listing_the_languages():
    text = SHORTS["de"].replace("language: de", "language: pt-BR")
    assert _problems(text) == [
        "routine.yaml:2:11: language: the coach does not speak 'pt-BR' yet; "
        "available: de (German), en (English), es (Spanish)"
    ]
    assert _problems(SHORTS["de"].replace("language: de", "language: 'de x'")) == [
        "routine.yaml:2:11: language: 'de x' is not a language tag (BCP 47, e.g. de, es-ES, pt-BR); "
        "available: de (German), en (English), es (Spanish)"
    ]


def test_language_on_the_command_line_wins_and_is_checked(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(SHORTS["de"], encoding="utf-8")
    assert load_routine(path, language="es-es").language == "es-ES"
    result = CliRunner().invoke(cli, ["validate", str(path), "--language", "xx"])
    assert result.exit_code == 1
    assert f"{path}:1:1: --language: the coach does not speak 'xx' yet" in result.output


def test_tags_pick_the_language_subtag():
    assert [language_code(t) for t in ("de", "de-AT", "es-ES", "es_mx", "EN-gb")] == ["de", "de", "es", "es", "en"]
    assert available_languages() == ("de", "en", "es")


# --------------------------------------------------------------------------- phrasebooks


@pytest.mark.parametrize("code", ["de", "es"])
def test_every_phrasebook_has_every_english_key(code):
    book = default_phrasebook(code)
    assert set(book.templates) >= set(PLACEHOLDERS)
    assert book.language.code == code


def test_a_phrasebook_missing_a_key_fails_naming_the_key_and_the_language():
    raw = yaml.safe_load((DATA / "phrases.de.yaml").read_text(encoding="utf-8"))
    del raw["next_set"]
    with pytest.raises(LanguageError) as err:
        check_phrasebook("de", raw)
    assert str(err.value) == (
        "phrases.de.yaml (language de) lacks the phrase key 'next_set'; translate the English line in phrases.yaml"
    )
    raw["next_set"] = ["Gleich Satz {satz}."]
    with pytest.raises(LanguageError, match=r"phrases.de.yaml \(language de\): next_set: unknown placeholder \{satz\}"):
        check_phrasebook("de", raw)


@pytest.mark.parametrize(
    ("code", "ms", "said"),
    [
        ("de", 1000, "eine Sekunde"),
        ("de", 45_000, "fünfundvierzig Sekunden"),
        ("de", 60_000, "eine Minute"),
        ("de", 90_000, "eineinhalb Minuten"),
        ("de", 150_000, "zweieinhalb Minuten"),
        ("de", 130_000, "zwei Minuten zehn"),
        ("es", 1000, "un segundo"),
        ("es", 90_000, "un minuto y medio"),
        ("es", 105_000, "un minuto y cuarenta y cinco"),
        ("es", 150_000, "dos minutos y medio"),
        ("en", 150_000, "two and a half minutes"),
    ],
)
def test_durations_in_each_language(code, ms, said):
    assert get_language(code).duration(ms) == said


def test_numbers_and_plurals_come_from_num2words_and_babel():
    de, es = get_language("de"), get_language("es")
    assert [de.number(n) for n in (1, 21, 62)] == ["eins", "einundzwanzig", "zweiundsechzig"]
    assert [es.number(n) for n in (1, 21, 45)] == ["uno", "veintiuno", "cuarenta y cinco"]
    assert [de.count("sets", n) for n in (1, 4)] == ["ein Satz", "vier Sätze"]
    assert [es.count("sets", n) for n in (1, 4)] == ["una serie", "cuatro series"]


# --------------------------------------------------------------------------- the cue sheet


def _vocabulary(code: str, routine_text: str) -> set[str]:
    """Every word the data of ``code`` (phrasebook, words, exercises, numbers) and the routine hold."""
    from num2words import num2words

    texts = [
        (DATA / f"{name}.{code}.yaml").read_text(encoding="utf-8") for name in ("phrases", "language", "exercises")
    ]
    lang = get_language(code)
    texts += [routine_text, *(str(num2words(n, lang=code)) for n in range(200))]
    # German writes a number and "einhalb" as one word: "zweiundsechzigeinhalb Kilo".
    texts += [lang.word(key, n, unit="") for key in ("weight_half", "minutes_and_half") for n in range(200)]
    return {w for t in texts for w in _words(t)}


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]+", re.sub(r"\{\w+\}", " ", text))]


#: Cue roles said with another key's words (a role named after the cue, not the key).
ROLE_KEYS = {
    "last_rep": ("last_rep_call", "last_rep", "countdown"),  # the number alone when nothing else fits
    "load_guide": ("load_guide", "load_guide_range"),
    "other_side": ("other_side", "other_direction"),
    "switch": ("switch", "switch_direction"),
}


def _matches_its_key(code: str, role: str, text: str) -> bool:
    """``text`` is one of the wordings of the phrase key of cue ``role`` (placeholders filled with anything)."""
    book = default_phrasebook(code)
    keys = ROLE_KEYS.get(role, (role,))
    templates = [t for key in keys for v in book.rotations.get(key, ((*book.templates.get(key, ()),),)) for t in v]
    for template in templates:
        pattern = re.escape(" ".join(template.split())).replace(r"\ ", r"\s*")
        pattern = re.sub(r"\\\{\w+\\\}", "(.*?)", pattern)
        if re.fullmatch(pattern, text):
            return True
    return False


@pytest.mark.parametrize("code", ["de", "es"])
def test_every_cue_of_the_shipped_session_is_in_its_language(code):
    """The posterior-chain session in German / Spanish, first word to last, numbers included."""
    path = ROOT / "routines" / f"posterior-chain-{code}.yaml"
    routine = load_routine(path)
    vocabulary = _vocabulary(code, path.read_text(encoding="utf-8"))
    timeline = compile_routine(routine)
    phase_words = {w for e in routine.entries for _, w in e.exercise.phase_words}
    for event in timeline.of_kind("speech"):
        assert set(_words(event.text)) <= vocabulary, (event.text, set(_words(event.text)) - vocabulary)
        if event.role in PLACEHOLDERS:
            assert _matches_its_key(code, event.role, event.text), (event.role, event.text)
        elif event.role == "phase":
            assert event.text in phase_words, event.text
    chapters = [c.text for c in timeline.of_kind("chapter")]
    assert chapters[0] == get_language(code).label("intro")
    english = {"intro", "rest", "set", "sets", "seconds", "per", "side", "or", "then", "rounds", "circuit"}
    assert not english & {w for t in chapters for w in _words(t)}, chapters


def test_the_estimate_follows_the_language():
    routine = loads(SHORTS["de"], "de.yaml")
    timeline = compile_routine(routine)
    de = get_language("de")
    text = timeline.of_kind("speech")[0].text
    assert timeline.of_kind("speech")[0].end_ms - timeline.of_kind("speech")[0].start_ms == de.estimate_ms(
        "speech", text
    )
    assert de.estimate_ms("speech", text) < estimate_ms(
        "speech", text
    )  # German: 57 ms a letter (espeak-ng), English 62


# --------------------------------------------------------------------------- voices


def test_a_german_session_is_spoken_by_espeak_ngs_german_voice():
    settings = loads(SHORTS["de"], "de.yaml").settings
    assert choose_speaker(settings, language="de") == Speaker("espeak-ng", "de", settings.rate)
    assert choose_speaker(settings, language="es", engine="espeak-ng") == Speaker("espeak-ng", "es", settings.rate)
    assert choose_speaker(settings, language="de", engine="hibari") == Speaker("hibari", None, settings.rate)
    assert choose_speaker(settings) == Speaker("auto", None, settings.rate)


def test_a_voice_that_does_not_speak_the_language_is_a_located_warning():
    routine = loads(SHORTS["de"], "de.yaml")
    (warning,) = language_warning(routine, "hibari", "heart")
    assert str(warning).startswith(
        "de.yaml:2:11: warning: this session is in German (language: de) but the hibari voice 'heart' does not speak it"
    )
    assert language_warning(routine, "espeak-ng", "gmw/de") == ()
    assert language_warning(routine, "piper", "de_DE-thorsten-medium") == ()
    assert len(language_warning(routine, "espeak-ng", "en-us")) == 1
    assert not [c for c in check_warnings(routine) if c.action == "language"]


# --------------------------------------------------------------------------- rendered


@pytest.mark.engine
@pytest.mark.parametrize(("code", "voice"), [("de", "gmw/de"), ("es", "roa/es")])
def test_a_short_session_renders_in_its_language_each_cue_on_its_sample(code, voice, tmp_path, phrase_cache):
    """Real speech (espeak-ng, its German and Spanish voices) through real ffmpeg: every cue
    is a line of the language's phrasebook and is heard at the sample the timeline put it."""
    from audiocoach.render import RenderOptions, build, synthesizer_for
    from audiocoach.timeline import ms_to_samples
    from helpers import decode, offset_in_mix

    src = tmp_path / f"short-{code}.yaml"
    src.write_text(SHORTS[code], encoding="utf-8")
    routine = load_routine(src)
    options = RenderOptions(cache_dir=str(phrase_cache))
    result = build(src, tmp_path / f"short-{code}.mp3", options=options, routine=routine)
    tl = result.timeline
    assert (tl.meta["engine"], tl.meta["voice"]) == ("espeak-ng", voice)
    vocabulary = _vocabulary(code, SHORTS[code])
    phase_words = {w for e in routine.entries for _, w in e.exercise.phase_words}
    speech = tl.of_kind("speech")
    for event in speech:
        assert set(_words(event.text)) <= vocabulary, event.text
        assert _matches_its_key(code, event.role, event.text) or event.text in phase_words, (event.role, event.text)
    pcm = decode(result.output, tl.sample_rate).astype(np.float64)
    with synthesizer_for(routine, options) as synth:
        for cue in speech:
            clip = synth.clip(cue.text).astype(np.float64)[: tl.sample_rate // 2]
            off = offset_in_mix(pcm, clip, ms_to_samples(cue.start_ms, tl.sample_rate))
            assert abs(off) <= 2, (cue.text, off)


# --------------------------------------------------------------------------- published


def test_the_feed_and_the_pages_follow_the_sessions_language(tmp_path):
    import xml.etree.ElementTree as ET

    from audiocoach.publish.feed import Episode, Feed, feed_xml
    from audiocoach.publish.pages import page_html
    from audiocoach.publish.player import player_html

    audio = tmp_path / "week-01" / "1-montag-hintere-kette.mp3"
    audio.parent.mkdir()
    audio.write_bytes(b"\0" * 10)
    episode = Episode(
        key="week-01/1-montag-hintere-kette",
        week=1,
        day_index=1,
        day="Montag",
        title="Training hintere Kette",
        audio=audio,
        size=10,
        mime="audio/mpeg",
        duration_ms=60_000,
        chapters=(),
        plan=None,
        deload=True,
        language="de",
    )
    feed = Feed(tmp_path, "Hintere Kette", (episode,))
    assert ET.fromstring(feed_xml(feed, tmp_path, "http://host/")).findtext("channel/language") == "de"
    page = page_html(feed)
    assert page.startswith('<!doctype html>\n<html lang="de">')
    assert "1 Einheiten in 1 Wochen. Podcast-Feed:" in page and "<h2>Woche 1 (Deload)</h2>" in page
    player = player_html({"title": "Training hintere Kette"}, "de")
    assert '<html lang="de">' in player and ">Pause überspringen</button>" in player
    english = Feed(tmp_path, "Posterior", (Episode(**{**episode.__dict__, "language": "en"}),))
    assert '<html lang="en">' in page_html(english) and "<h2>Week 1 (deload)</h2>" in page_html(english)


@pytest.mark.parametrize(
    ("code", "note"),
    [
        ("de", "Zähl bei jedem Absenken langsam bis drei."),
        ("es", "Cuenta tres lentos en cada bajada."),
        ("en", "Count a slow three on every descent."),
    ],
)
def test_a_note_counting_the_lowering_is_checked_in_its_own_language(code, note):
    from dataclasses import replace

    from audiocoach.load.units import resolve_tempo
    from audiocoach.words.wording import contradicts_tempo

    entry = next(
        e
        for e in load_routine(ROOT / "routines" / "posterior-chain.yaml").entries
        if e.exercise.id == "romanian-deadlift"
    )
    assert not contradicts_tempo(note, entry, get_language(code))  # 3-1-1-0: three seconds down
    slower = replace(entry, tempo=resolve_tempo("4-0-1-0", 500))
    assert contradicts_tempo(note, slower, get_language(code))


@pytest.mark.parametrize("code", ["de", "es"])
def test_every_library_exercise_has_its_words_in_each_language(code):
    """A new exercise in exercises.yaml needs its name, cues and phase words translated too;
    the failure names the exercise and the language."""
    english = yaml.safe_load((DATA / "exercises.yaml").read_text(encoding="utf-8"))
    translated = yaml.safe_load((DATA / f"exercises.{code}.yaml").read_text(encoding="utf-8"))
    for ex_id, raw in english.items():
        words = translated.get(ex_id) or {}
        for key in ("name", "cues", "phase_words", "finish", "breathe", "setup"):
            assert not raw.get(key) or words.get(key), f"exercises.{code}.yaml: {ex_id} lacks {key} (language {code})"
        assert len(words.get("cues", ())) == len(raw["cues"]), (
            f"exercises.{code}.yaml: {ex_id}: one cue per English cue"
        )


def test_a_program_in_another_language_says_its_weeks_and_deloads_in_it():
    from audiocoach.program.programs import load_program, sessions

    program = load_program(ROOT / "routines" / "posterior-chain-6-weeks.yaml", language="de")
    found = {s.key: s.routine for s in sessions(program)}
    assert {r.language for r in found.values()} == {"de"}
    first = compile_routine(found["week-04/1-monday-posterior-chain"]).of_kind("speech")
    assert first[0].text.startswith("Woche 4, Monday, Deload: Posterior chain workout. Etwa ")
    assert first[1].text == (
        "Diese Woche ist Deload: etwa zehn Prozent weniger Gewicht bei jeder Übung, ein Satz weniger und "
        "dreißig Sekunden mehr Pause. Lass mehr im Tank und gib deinem Körper Zeit."
    )


@pytest.mark.engine
def test_voices_for_a_language_lists_the_engine_that_speaks_it():
    result = CliRunner().invoke(cli, ["voices", "--language", "de"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("engine: espeak-ng ")
    assert any(line.split()[:2] == ["gmw/de", "de"] for line in lines[1:-1])
    assert lines[-1].startswith("More voices for de: espeak-ng speaks every language the coach does")
    unknown = CliRunner().invoke(cli, ["voices", "--language", "pt-BR"])
    assert unknown.exit_code == 1
    assert (
        "Error: the coach does not speak 'pt-BR' yet; available: de (German), en (English), es (Spanish)"
        in unknown.output
    )
