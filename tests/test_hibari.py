"""The hibari backend: the default voice, its pace, lexicon, cache key and voices not downloaded."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.engines import AUTO_ORDER
from audiocoach.errors import AudiocoachError
from audiocoach.speech import SESSION_RATE, Synthesizer, resolve_engine
from audiocoach.speech import hibari_backend as hb
from audiocoach.speech.lexicon import Lexicon

pytestmark = pytest.mark.engine


def test_hibari_is_the_default_and_sets_the_session_rate():
    assert AUTO_ORDER[0] == "hibari" and resolve_engine("auto") == "hibari"
    assert SESSION_RATE == hb.HibariBackend.SAMPLE_RATE == 24000


def test_rate_maps_to_speed_with_the_measured_pace():
    assert hb.speed_for(hb.NOMINAL_WPM) == 1.0
    assert hb.speed_for(170) == pytest.approx(170 / hb.NOMINAL_WPM)
    assert hb.speed_for(40) == hb.MIN_SPEED and hb.speed_for(900) == hb.MAX_SPEED


def test_rate_170_speaks_about_170_words_a_minute(tmp_path):
    text = "Hold the top for three seconds, then lower slowly."
    with Synthesizer(engine="hibari", rate=170, cache_dir=tmp_path) as synth:
        wpm = len(text.split()) * 60 / (synth.clip(text).size / synth.sample_rate)
    assert 130 < wpm < 210  # one phrase; the pace is calibrated over a whole session


def test_version_carries_the_model_hash_and_keys_the_cache(tmp_path):
    with Synthesizer(engine="hibari", cache_dir=tmp_path) as synth:
        version = synth.describe()["engine_version"]
        from hibari.voices import VOICES

        assert f"model-{VOICES['heart']['sha256'][:16]}" in version
        assert version.startswith("hibari-tts-0.")
        key = synth.cache_key("Rest.")
        synth._version = version.replace("model-", "model-0")  # another model file
        assert synth.cache_key("Rest.") != key


def test_lexicon_sends_inline_phonemes(tmp_path):
    assert Lexicon.for_engine("hibari").apply("One AMRAP.") == "One [AMRAP](/ˈæmɹæp/)."
    with Synthesizer(engine="hibari", cache_dir=tmp_path) as synth:
        said = synth.clip("AMRAP")
        synth.lexicon = Lexicon({})
        spelled = synth.render("AMRAP")  # A-M-R-A-P, letter by letter
    assert said.size < 0.7 * spelled.size


def test_routine_pronounce_in_hibari_phonemes(tmp_path):
    with Synthesizer(engine="hibari", cache_dir=tmp_path, pronounce=(("tempo", "[tempo](/tˈɛmpO/)"),)) as synth:
        assert synth.spoken("slow tempo") == "slow [tempo](/tˈɛmpO/)"
        assert synth.clip("slow tempo").size > 0


def test_one_model_per_process_reused_and_released(tmp_path):
    with Synthesizer(engine="hibari", cache_dir=tmp_path) as a:
        a.render("One.")
        first = hb.model_for("heart")
    with Synthesizer(engine="hibari", cache_dir=tmp_path) as b:
        b.render("Two.")
        assert hb.model_for("heart") is first  # not loaded again
    hb.release_models()
    assert hb.model_for("heart") is not first


def test_a_voice_not_downloaded_names_the_file_to_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "empty"))
    with Synthesizer(engine="hibari", voice="fenrir", cache_dir=tmp_path) as synth:
        with pytest.raises(AudiocoachError) as err:
            synth.clip("Rest.")
    message = str(err.value)
    assert "am_fenrir_v2.int8.onnx" in message and str(tmp_path / "empty") in message
    assert "never downloads" in message
    assert not (tmp_path / "empty").exists()  # nothing fetched, nothing created


def test_other_voices_are_listed(runner, tmp_path, monkeypatch):
    from audiocoach.cli import cli

    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    result = runner.invoke(cli, ["voices", "--engine", "hibari"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "engine: hibari (default voice: heart)"
    ids = [line.split()[0] for line in lines[1:]]
    assert ids[0] == "heart" and {"emma", "fenrir", "fable", "kore"} <= set(ids)
    assert "not downloaded" in next(line for line in lines if line.startswith("emma"))


def test_clip_is_int16_speech_at_24_khz_without_resampling(tmp_path):
    with Synthesizer(engine="hibari", cache_dir=tmp_path) as synth:
        raw, rate = synth._engine().synthesize("Go!", "heart", 170)
        assert rate == synth.sample_rate == 24000
        assert raw.dtype == np.int16 and np.abs(raw).max() > 3000
