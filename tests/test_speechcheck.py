"""Warnings about what the voice is asked to say: letters it cannot read (a title in Arabic or
Chinese for an English voice) and an unusual number of different phrases. No engine: the
checks read the routine and the estimated timeline; plan and build report them too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from audiocoach import load_routine
from audiocoach.cli import cli
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.speechcheck import check_warnings, phrase_count_warning, unspeakable_warnings
from audiocoach.defaults import MANY_DISTINCT_PHRASES
from audiocoach.scripts import ENGINE_SCRIPTS, script_of, speakable_scripts, unspeakable
from audiocoach.speech import BACKENDS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from bench_inputs import many_items_routine  # noqa: E402  (the bench's generated routine)

ARABIC_TITLE = """\
title: تمرين الصباح
description: Hinge work, 中文 notes
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 1
        reps: 2
        note: Keep it slow, Привет
"""


def _load(tmp_path, text, name="r.yaml"):
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    return load_routine(src), src


def test_scripts_of_letters():
    assert [script_of(c) for c in "aéß中تПあα가"] == [
        "Latin",
        "Latin",
        "Latin",
        "Han",
        "Arabic",
        "Cyrillic",
        "Hiragana",
        "Greek",
        "Hangul",
    ]
    assert [script_of(c) for c in "1 .,-–'"] == [None] * 7  # digits, spaces, punctuation: every voice copes
    assert unspeakable("Hip thrust 中文 day", frozenset({"Latin"})) == {"Han": "中文"}
    assert unspeakable("Café crème", frozenset({"Latin"})) == {}


def test_every_engine_declares_what_it_reads():
    assert set(BACKENDS) <= set(ENGINE_SCRIPTS)
    assert speakable_scripts("festival") == {"Latin"}
    assert speakable_scripts("espeak-ng", "gmw/en-US") == {"Latin"}
    assert speakable_scripts("espeak-ng", "ar") == {"Arabic", "Latin"}
    assert speakable_scripts("espeak-ng", "sit/cmn") == {"Han", "Latin"}


def test_text_the_voice_cannot_read_is_a_located_warning(tmp_path):
    routine, src = _load(tmp_path, ARABIC_TITLE)
    warnings = [str(w) for w in unspeakable_warnings(routine, "festival", None)]
    assert len(warnings) == 3
    assert warnings[0].startswith(f"{src}:1:8: warning: the festival voice reads only Latin letters: in the title")
    assert "the Arabic 'تمرين الصباح' will be silent" in warnings[0]
    assert warnings[1].startswith(f"{src}:2:14: warning: ") and "the Han '中文' will be silent" in warnings[1]
    assert warnings[2].startswith(f"{src}:6:9: warning: ") and "note" in warnings[2] and "'Привет'" in warnings[2]
    # A voice for the language reads it.
    assert [w.role for w in unspeakable_warnings(routine, "espeak-ng", "ar")] == ["description", "note"]


def test_validate_warns_about_silent_text(tmp_path, runner):
    _, src = _load(tmp_path, ARABIC_TITLE)
    result = runner.invoke(cli, ["validate", str(src), "--estimate"])
    assert result.exit_code == 0, result.output
    assert f"{src}:1:8: warning: the chosen voice reads only Latin letters" in result.output
    assert "Arabic 'تمرين الصباح' will be silent" in result.output


def test_latin_routines_get_no_language_warning(tmp_path):
    from audiocoach.program.programs import is_program
    from conftest import SHIPPED_ROUTINES

    for path in SHIPPED_ROUTINES:
        if is_program(path):
            continue
        routine = load_routine(path)
        assert unspeakable_warnings(routine, "festival", None) == (), path


@pytest.mark.parametrize("notes, warned", [(20, False), (MANY_DISTINCT_PHRASES + 20, True)])
def test_an_unusual_number_of_phrases_is_a_located_warning(tmp_path, notes, warned):
    routine, src = _load(tmp_path, many_items_routine(notes))
    timeline = compile_routine(routine, estimate_ms)
    found = phrase_count_warning(routine, timeline)
    assert bool(found) == warned
    if warned:
        (w,) = found
        assert str(w).startswith(f"{src}:1:1: warning: this session speaks ")
        assert f"(more than {MANY_DISTINCT_PHRASES} is unusual)" in str(w)
        assert w in check_warnings(routine)


@pytest.mark.engine
def test_plan_names_the_silent_text_for_the_engine_it_speaks_with(tmp_path, runner, cli_env):
    _, src = _load(tmp_path, ARABIC_TITLE)
    result = runner.invoke(cli, ["plan", str(src), "--engine", "espeak-ng"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"{src}:1:8: warning: the espeak-ng voice reads only Latin letters: in the title" in result.output
