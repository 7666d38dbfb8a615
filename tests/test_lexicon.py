"""Pronunciation: the engine hears the spoken form; plans and cue sheets keep the written one."""

from __future__ import annotations

import pytest

from audiocoach.errors import RoutineError
from audiocoach.load.routine import loads
from audiocoach.render import RenderOptions, build
from audiocoach.speech import BACKENDS, Synthesizer
from audiocoach.speech.lexicon import Lexicon, shipped
from helpers import SHORT_ROUTINE


def test_whole_words_only_and_case_rules():
    lex = Lexicon({"RDL": "R D L", "glute": "gloot", "thirteen": "thur-teen"})
    assert lex.apply("RDL, three sets.") == "R D L, three sets."
    assert lex.apply("rdl") == "rdl"  # capitals match exactly
    assert lex.apply("Banded Glute bridge, glutes") == "Banded gloot bridge, glutes"  # any case; whole words
    assert lex.apply("thirteen up, thirteenth") == "thur-teen up, thirteenth"
    assert Lexicon({}).apply("RDL") == "RDL"


def test_shipped_lexicon_covers_the_hard_words_for_every_engine():
    book = shipped()
    for word in ("RDL", "EMOM"):
        assert word in book["all"], word
    for engine in BACKENDS:
        lex = Lexicon.for_engine(engine)
        assert lex.apply("EMOM, then RDL") == "every minute on the minute, then R D L", engine
    # espeak-ng's phoneme input stresses "-teen".
    assert Lexicon.for_engine("espeak-ng").apply("thirteen up") == "[[T,3:t'i:n]] up"
    assert Lexicon.for_engine("festival").apply("thirteen up") == "thirteen up"


def test_a_routine_entry_wins_over_the_shipped_one():
    lex = Lexicon.for_engine("festival", (("RDL", "Romanian deadlift"), ("Jefferson curl", "Jeff-er-son curl")))
    assert lex.apply("RDL then Jefferson curl") == "Romanian deadlift then Jeff-er-son curl"


ROUTINE_WITH = (
    SHORT_ROUTINE.replace("defaults:\n", "defaults:\n  engine: espeak-ng\n")
    + "pronounce:\n  Short: Shore-t\n  deadlift: dead lift\n"
)


def test_loader_reads_engine_and_pronounce():
    routine = loads(ROUTINE_WITH, "r.yaml")
    assert routine.settings.engine == "espeak-ng"
    assert routine.pronounce == (("Short", "Shore-t"), ("deadlift", "dead lift"))


def test_loader_errors_point_at_the_bad_node():
    bad = SHORT_ROUTINE.replace("defaults:\n", "defaults:\n  engine: sam\n") + "pronounce:\n  - RDL\n"
    with pytest.raises(RoutineError) as err:
        loads(bad, "r.yaml")
    text = str(err.value)
    assert "r.yaml:3:11: defaults.engine: 'sam' is not a speech engine (valid: auto, espeak-ng, festival" in text
    assert "r.yaml:15:3: pronounce: expected a mapping of written form: spoken form" in text


@pytest.mark.engine
def test_written_form_stays_in_plan_and_cue_sheet(tmp_path, phrase_cache):
    src = tmp_path / "short.yaml"
    src.write_text(ROUTINE_WITH, encoding="utf-8")
    result = build(src, tmp_path / "s.mp3", options=RenderOptions(cache_dir=str(phrase_cache)))
    assert result.timeline.meta["engine"] == "espeak-ng"
    texts = [e.text for e in result.timeline.of_kind("speech")]
    assert any("Romanian deadlift" in t for t in texts)
    assert not any("dead lift" in t or "Shore-t" in t for t in texts)
    vtt = (tmp_path / "s.vtt").read_text(encoding="utf-8")
    assert "Romanian deadlift" in vtt and "dead lift" not in vtt
    # The engine was sent the spoken form: the clip is the one for "dead lift".
    with (
        Synthesizer(
            engine="espeak-ng", cache_dir=phrase_cache, pronounce=loads(ROUTINE_WITH, "r.yaml").pronounce
        ) as with_lex,
        Synthesizer(engine="espeak-ng", cache_dir=phrase_cache) as plain,
    ):
        assert with_lex.spoken("Romanian deadlift.") == "Romanian dead lift."
        assert (with_lex.clip("Romanian deadlift.") == plain.clip("Romanian dead lift.")).all()
        assert with_lex.clip("Romanian deadlift.").size != plain.clip("Romanian deadlift.").size
