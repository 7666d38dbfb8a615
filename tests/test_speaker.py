"""Who speaks a session is decided in one function (issue 30, point 2): the command line
over the routine (a program's session has its day's routine; a roster athlete's voice and
rate arrive as overrides) over the default (auto), for engine, voice and pace alike."""

from __future__ import annotations

from pathlib import Path

from audiocoach.defaults import RATE
from audiocoach.engines import AUTO_ENGINE
from audiocoach.load.overrides import parse_override
from audiocoach.load.routine import loads
from audiocoach.load.speaker import Speaker, choose_speaker
from audiocoach.program.programs import load_program, sessions
from audiocoach.render import RenderOptions, synthesizer_for

PLAIN = """\
title: Plain
blocks:
  - name: Work
    exercises:
      - exercise: romanian-deadlift
        sets: 1
        reps: 2
"""
NAMED = PLAIN.replace("title: Plain\n", "title: Named\ndefaults:\n  engine: espeak-ng\n  voice: en-gb\n  rate: 150\n")


def test_the_default_speaker_is_auto_with_the_engine_s_voice_at_the_default_pace():
    assert choose_speaker(loads(PLAIN, "plain.yaml").settings) == Speaker(AUTO_ENGINE, None, RATE)


def test_the_routine_names_its_speaker():
    assert choose_speaker(loads(NAMED, "named.yaml").settings) == Speaker("espeak-ng", "en-gb", 150)


def test_the_command_line_wins_over_the_routine_one_value_at_a_time():
    settings = loads(NAMED, "named.yaml").settings
    assert choose_speaker(settings, engine="pyttsx3") == Speaker("pyttsx3", "en-gb", 150)
    assert choose_speaker(settings, voice="en-us", rate_wpm=190) == Speaker("espeak-ng", "en-us", 190)


def test_a_program_session_speaks_as_its_day_routine_says_and_a_roster_voice_wins(tmp_path: Path):
    (tmp_path / "named.yaml").write_text(NAMED, encoding="utf-8")
    (tmp_path / "program.yaml").write_text(
        "title: P\nweeks: 1\ndays:\n  - day: Monday\n    routine: named.yaml\n", encoding="utf-8"
    )
    program = load_program(tmp_path / "program.yaml")
    (plain,) = sessions(program)
    assert plain.routine is not None
    assert choose_speaker(plain.routine.settings) == Speaker("espeak-ng", "en-gb", 150)
    athlete = (parse_override("voice", "en-us"), parse_override("rate", "170"))
    (coached,) = sessions(program, overrides=athlete)
    assert coached.routine is not None
    assert choose_speaker(coached.routine.settings) == Speaker("espeak-ng", "en-us", 170)


def test_rendering_speaks_with_the_chosen_speaker():
    routine = loads(NAMED, "named.yaml")
    with synthesizer_for(routine, RenderOptions(rate=160)) as synth:
        assert (synth.engine_name, synth.rate) == ("espeak-ng", 160)
