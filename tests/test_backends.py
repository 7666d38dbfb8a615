"""Every speech backend, with its real engine: clip, session rate, length, rate, voices.

A backend whose engine is absent (or hidden by AUDIOCOACH_ENGINES) skips; under CI the
engines the README installs (audiocoach.engines.BASE_ENGINES) must run, the others may skip.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from audiocoach.cli import cli
from audiocoach.engines import BASE_ENGINES
from audiocoach.errors import AudiocoachError, EngineMissingError
from audiocoach.speech import (
    BACKENDS,
    ENGINES_ENV,
    SESSION_RATE,
    Synthesizer,
    better_engine_hint,
    engine_missing,
    installed_engines,
    resample,
    resolve_engine,
    trim,
    visible_engines,
)
from audiocoach.speech.base import CommandBackend
from audiocoach.speech.espeak_backend import parse_voices
from audiocoach.speech.festival_backend import scheme_string
from helpers import engine_params, need_engine


def test_the_readme_set_up_installs_exactly_the_base_engines():
    """setup.sh's apt packages and pyproject's dependencies give BASE_ENGINES, and no Festival."""
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    apt = re.search(r"^SYSTEM_PACKAGES=\((.*)\)$", (root / "scripts/setup.sh").read_text(), re.M)
    assert apt and apt.group(1).split() == ["espeak-ng", "ffmpeg"]  # festival: install-voices.sh
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("hibari-tts") for d in project["dependencies"])
    assert not any(d.startswith("piper") for d in project["dependencies"])  # GPL: an extra only
    assert "audiocoach[piper]" in project["optional-dependencies"]["dev"]
    assert {"hibari", "pyttsx3", "espeak-ng", "piper"} == set(BASE_ENGINES)


@pytest.fixture
def synth_for(phrase_cache):
    made: list[Synthesizer] = []

    def make(name: str, **kwargs) -> Synthesizer:
        need_engine(name)  # absent, or hidden by AUDIOCOACH_ENGINES
        s = Synthesizer(engine=name, cache_dir=phrase_cache, **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))


@pytest.mark.parametrize("name", engine_params())
def test_clip_is_speech_at_the_session_rate(name, synth_for):
    synth = synth_for(name)
    assert synth.sample_rate == SESSION_RATE
    clip = synth.clip("Romanian deadlift")
    assert clip.dtype == np.int16
    assert rms(clip) > 500  # speech, not silence (about -36 dBFS or louder)
    # Resampled, not relabelled: the clip lasts as long as what the engine spoke.
    raw, native = synth._engine().synthesize(synth.spoken("Romanian deadlift"), synth.voice, synth.rate)
    spoken_s = trim(raw, native).size / native
    assert clip.size / SESSION_RATE == pytest.approx(spoken_s, abs=0.01)
    assert 0.4 < clip.size / SESSION_RATE < 3.0


@pytest.mark.parametrize("name", engine_params())
def test_length_grows_with_the_text(name, synth_for):
    synth = synth_for(name)
    short = synth.clip("Hold.")
    long = synth.clip("Hold the top for three seconds, then lower slowly.")
    assert long.size > 2 * short.size


@pytest.mark.parametrize("name", engine_params())
def test_rate_changes_the_length(name, synth_for):
    text = "Squeeze your glutes hard at the top."
    slow = synth_for(name, rate=110).clip(text)
    fast = synth_for(name, rate=260).clip(text)
    assert slow.size > 1.4 * fast.size


@pytest.mark.parametrize("name", engine_params())
def test_voices_are_listed_and_the_default_resolves(name, synth_for):
    synth = synth_for(name)
    voices = synth.voices()
    assert voices and all(v.id and v.languages for v in voices)
    ids = [v.id for v in voices]
    if synth.voice is not None:
        assert synth.voice in ids
        assert any(v.languages[0].startswith("en") for v in voices if v.id == synth.voice)
    described = synth.describe()
    assert described["engine"] == name and described["engine_version"]
    assert name in described["engine_version"] or name == "espeak-ng"


@pytest.mark.parametrize("name", engine_params())
def test_unknown_voice_names_the_engine(name, synth_for):
    synth = synth_for(name, voice="klingon-xx")
    with pytest.raises(
        AudiocoachError, match=f"unknown voice 'klingon-xx' for the {name} engine.*audiocoach voices --engine {name}"
    ):
        synth.clip("hello")


def test_missing_engine_names_the_package(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda cmd: None)
    for name, cls in BACKENDS.items():
        if issubclass(cls, CommandBackend) or name == "festival":
            problem = cls.missing()
            assert problem is not None and cls.PACKAGE.split()[0] in problem, name
    assert "apt-get install -y festival festvox-us-slt-hts" in BACKENDS["festival"].missing()
    assert "install-voices.sh rhvoice" in BACKENDS["rhvoice"].missing()
    with pytest.raises(EngineMissingError, match="flite"):
        BACKENDS["flite"]()


def test_auto_takes_the_first_installed_engine_in_order(monkeypatch):
    monkeypatch.delenv(ENGINES_ENV, raising=False)
    present = {"espeak-ng", "pyttsx3"}
    _present(monkeypatch, present)
    assert resolve_engine("auto") == "espeak-ng"
    hint = better_engine_hint("espeak-ng")
    assert hint and "pip install hibari-tts" in hint
    present.add("festival")
    assert resolve_engine("auto") == "festival"
    assert "hibari-tts" in better_engine_hint("festival")
    present.add("hibari")
    assert resolve_engine("auto") == "hibari"
    assert better_engine_hint("hibari") is None
    assert resolve_engine("flite") == "flite"  # asked by name: no ranking
    present.clear()
    with pytest.raises(EngineMissingError, match="no speech engine is installed"):
        resolve_engine("auto")


def _present(monkeypatch, names) -> None:
    """Every backend in ``names`` reports itself installed, the others absent."""
    for name, cls in BACKENDS.items():
        monkeypatch.setattr(cls, "missing", classmethod(lambda c, n=name: None if n in names else "absent"))


def test_engines_env_narrows_what_auto_and_voices_see(monkeypatch, runner):
    _present(monkeypatch, set(BACKENDS))
    monkeypatch.delenv(ENGINES_ENV, raising=False)
    assert resolve_engine("auto") == "hibari"
    assert visible_engines() == tuple(BACKENDS)
    monkeypatch.setenv(ENGINES_ENV, " festival, espeak-ng,pyttsx3 ")
    assert visible_engines() == ("festival", "espeak-ng", "pyttsx3")
    assert installed_engines() == ["festival", "espeak-ng", "pyttsx3"]
    assert resolve_engine("auto") == "festival"
    assert engine_missing("auto") is None and engine_missing("espeak-ng") is None
    hidden_msg = "the rhvoice engine is hidden by AUDIOCOACH_ENGINES=festival,espeak-ng,pyttsx3"
    assert hidden_msg in engine_missing("rhvoice")
    with pytest.raises(EngineMissingError, match=hidden_msg):
        resolve_engine("rhvoice")
    result = runner.invoke(cli, ["voices", "--engine", "rhvoice"])
    assert result.exit_code == 1 and hidden_msg in result.output, result.output
    monkeypatch.setenv(ENGINES_ENV, "pico")
    _present(monkeypatch, {"festival", "espeak-ng"})
    with pytest.raises(EngineMissingError, match="no speech engine is installed among AUDIOCOACH_ENGINES=pico"):
        resolve_engine("auto")


def test_an_unknown_name_in_the_engines_env_lists_the_valid_ones(monkeypatch, runner):
    monkeypatch.setenv(ENGINES_ENV, "festival,klingon")
    valid = "espeak-ng, festival, flite, hibari, pico, piper, pyttsx3, rhvoice"
    with pytest.raises(AudiocoachError, match=f"unknown engine 'klingon' \\(valid, comma-separated: {valid}\\)"):
        resolve_engine("auto")
    result = runner.invoke(cli, ["voices"])
    assert result.exit_code == 1 and "AUDIOCOACH_ENGINES='festival,klingon': unknown engine 'klingon'" in result.output


def test_guard_auto_picks_an_engine_the_readme_installs(monkeypatch):
    """The guard against a green CI on a red fresh machine.

    Under CI (CI=true) ``auto`` must resolve, as the run's environment stands, to an
    engine the README installs: otherwise the run is not narrowed to a fresh machine's
    engines (.ci/run sets AUDIOCOACH_ENGINES) and extra voices decide what the tests
    hear. Elsewhere: narrowed to BASE_ENGINES, ``auto`` stays inside them.
    """
    if os.environ.get("CI", "").lower() != "true":
        monkeypatch.setenv(ENGINES_ENV, ",".join(BASE_ENGINES))
        if engine_missing("auto"):
            pytest.skip(engine_missing("auto"))
    engine = resolve_engine("auto")
    assert engine in BASE_ENGINES, (
        f"auto speaks with {engine}, which the README does not install ({', '.join(BASE_ENGINES)}): "
        f"run the suite with {ENGINES_ENV}={','.join(BASE_ENGINES)} (what .ci/run does)"
    )


def test_resample_is_band_limited_and_keeps_duration():
    t = np.arange(16000) / 16000
    tone = (10000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    up = resample(tone, 16000, SESSION_RATE)
    assert up.size == SESSION_RATE
    # Still a 440 Hz tone: the spectrum peaks at 440 Hz, nothing above 8 kHz appears.
    spectrum = np.abs(np.fft.rfft(up.astype(np.float64)))
    freqs = np.fft.rfftfreq(up.size, 1 / SESSION_RATE)
    assert abs(freqs[spectrum.argmax()] - 440) < 2
    assert spectrum[freqs > 8000].max() < spectrum.max() * 1e-3
    assert resample(tone, 16000, 16000) is tone


def test_espeak_voice_listing_is_parsed():
    listing = (
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)\n"
        " 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)\n"
    )
    voices = parse_voices(listing)
    assert [(v.id, v.languages, v.gender) for v in voices] == [
        ("gmw/en-US", ("en-us",), "male"),
        ("mb/mb-us1", ("en-us",), "female"),
    ]


def test_festival_text_is_quoted_for_scheme():
    assert scheme_string('Say "go"\\ now\n please') == '"Say \\"go\\"\\\\ now please"'


@pytest.mark.engine
def test_plan_header_and_mp3_tags_name_engine_and_voice(tmp_path, phrase_cache):
    from click.testing import CliRunner
    from mutagen.id3 import ID3

    from audiocoach.cli import cli
    from helpers import SHORT_ROUTINE

    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    engine = resolve_engine("auto")
    assert engine == "hibari"  # the default voice, wherever audiocoach is installed
    with Synthesizer(engine=engine, cache_dir=phrase_cache) as synth:
        voice, version = synth.voice or "default", synth.describe()["engine_version"]
    runner = CliRunner()
    planned = runner.invoke(cli, ["plan", str(src), "--cache-dir", str(phrase_cache)])
    assert planned.exit_code == 0, planned.output
    assert (
        planned.output.splitlines()[0]
        == f"Short test: voice {voice} ({engine} {version}), 170 words/min, {SESSION_RATE} Hz"
    )
    out = tmp_path / "short.mp3"
    built = runner.invoke(cli, ["build", str(src), "-o", str(out), "--cache-dir", str(phrase_cache), "--no-sidecars"])
    assert built.exit_code == 0, built.output
    tags = ID3(out)
    assert tags["TXXX:engine"].text == [engine]
    assert tags["TXXX:voice"].text == [voice]


@pytest.mark.engine
@pytest.mark.optional_engine
def test_mbrola_voice_at_its_real_16_khz(synth_for):
    from audiocoach.speech.espeak_backend import mbrola_installed

    if not mbrola_installed("mb/mb-us2"):
        pytest.skip("MBROLA us2 is not installed (bash scripts/install-voices.sh mbrola)")
    mbrola = synth_for("espeak-ng", voice="mb/mb-us2")
    raw, native = mbrola._engine().synthesize("Rest, one minute.", "mb/mb-us2", 170)
    assert native == 16000
    plain = synth_for("espeak-ng").clip("Rest, one minute.")
    # Played at its own rate it lasts about as long as espeak's own voice, not 1.38x less.
    assert 0.75 < mbrola.clip("Rest, one minute.").size / plain.size < 1.3
