"""Background music: looped playlist under the voice, ducked exactly while cues play."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from audiocoach.audio.music import MusicBed, MusicOptions, playlist
from audiocoach.cli import cli
from audiocoach.timeline import Event, Timeline, ms_to_samples
from helpers import SHORT_ROUTINE, decode

pytestmark = pytest.mark.engine

RATE = 22050  # the hand-made timeline's rate
RATE = 22050


def _tone_file(path, freq: float, seconds: float) -> None:
    """Test music: a steady tone (so its level is the same everywhere), stereo 44.1 kHz."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=f={freq}:d={seconds}",
            "-ar",
            "44100",
            "-ac",
            "2",
            str(path),
        ],
        check=True,
    )


def _db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-12)


@pytest.fixture(scope="module")
def music_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("music")
    _tone_file(folder / "a.mp3", 330, 4.0)
    _tone_file(folder / "b.flac", 330, 3.0)
    (folder / "notes.txt").write_text("not music")
    return folder


def test_playlist_is_the_folders_audio_in_name_order(music_dir):
    assert [p.name for p in playlist(music_dir)] == ["a.mp3", "b.flac"]


def test_duck_envelope_is_down_exactly_during_sounds(music_dir):
    tl = Timeline("t", 4000, (Event(1000, 1500, "speech", "x"), Event(1600, 1700, "tone", "tick")), sample_rate=RATE)
    with MusicBed(MusicOptions(str(music_dir / "a.mp3")), tl, -16.0) as bed:
        depth = bed.duck_depth(0, ms_to_samples(4000, RATE))
        rendered = np.concatenate(
            [bed.render(p, min(1013, ms_to_samples(4000, RATE) - p)) for p in range(0, ms_to_samples(4000, RATE), 1013)]
        )
    s, e = ms_to_samples(1000, RATE), ms_to_samples(1500, RATE)
    assert np.all(depth[s:e] == 1.0)
    assert depth[s - ms_to_samples(80, RATE)] == 0.0 and 0 < depth[s - 10] < 1
    assert depth[ms_to_samples(1550, RATE)] > 0.5  # between two close sounds it stays down
    assert depth[ms_to_samples(1700, RATE) + ms_to_samples(300, RATE)] == 0.0
    assert rendered.size == ms_to_samples(4000, RATE)


@pytest.fixture(scope="module")
def with_and_without(tmp_path_factory, phrase_cache, music_dir):
    """The short routine as WAV with and without music: their difference is the music."""
    folder = tmp_path_factory.mktemp("music-build")
    src = folder / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    runner = CliRunner()
    base = ["build", str(src), "--cache-dir", str(phrase_cache), "--format", "wav"]
    plain = runner.invoke(cli, base + ["-o", str(folder / "plain.wav")])
    assert plain.exit_code == 0, plain.output
    music = runner.invoke(
        cli, base + ["-o", str(folder / "music.wav"), "--music", str(music_dir), "--music-rest-level", "-20"]
    )
    assert music.exit_code == 0, music.output
    tl = Timeline.from_json((folder / "music.json").read_text(encoding="utf-8"))
    return tl, decode(folder / "plain.wav", tl.sample_rate), decode(folder / "music.wav", tl.sample_rate)


def test_music_is_ducked_by_the_configured_amount(with_and_without):
    tl, plain, mixed = with_and_without

    def at(ms: int) -> int:
        return ms_to_samples(ms, tl.sample_rate)

    assert mixed.size == plain.size == at(tl.duration_ms)  # length still exact
    music = mixed.astype(np.int32) - plain.astype(np.int32)
    rests = [(e.start_ms, e.end_ms) for e in tl.of_kind("segment") if e.role == "rest"]

    def in_rest(lo: int, hi: int) -> bool:
        return any(s - 1200 < hi and lo < e + 1200 for s, e in rests)

    sounds = sorted(tl.sounds, key=lambda e: e.start_ms)
    inside, between = [], []
    for a, b in zip(sounds, sounds[1:]):
        if (
            a.length_ms >= 100
            and not in_rest(a.start_ms, a.end_ms)
            and a.start_ms > 1000
            and a.end_ms < tl.duration_ms - 6000
        ):
            inside.append(_db(music[at(a.start_ms + 10) : at(a.end_ms - 10)]))
        lo, hi = a.end_ms + 320, b.start_ms - 100
        if hi - lo >= 100 and not in_rest(lo, hi) and lo > 1000 and hi < tl.duration_ms - 6000:
            between.append(_db(music[at(lo) : at(hi)]))
    assert len(inside) > 10 and len(between) > 5
    assert max(inside) - min(inside) < 0.5 and max(between) - min(between) < 0.5
    assert np.median(between) - np.median(inside) == pytest.approx(10.0, abs=1.0)

    # During rests (away from the crossfades and cues) the music plays at -20 instead of -12.
    rest_levels = []
    for s, e in rests:
        quiet = [
            (a.end_ms + 320, b.start_ms - 100)
            for a, b in zip(sounds, sounds[1:])
            if s + 1100 <= a.end_ms and b.start_ms <= e - 1100
        ]
        rest_levels += [_db(music[at(lo) : at(hi)]) for lo, hi in quiet if hi - lo >= 100]
    assert rest_levels
    assert np.median(between) - np.median(rest_levels) == pytest.approx(8.0, abs=1.0)
    # Faded out at the end.
    assert _db(music[-200:]) < np.median(between) - 20


def test_music_rest_needs_music(tmp_path, music_dir):
    src = tmp_path / "r.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(src), "--music-rest", str(music_dir)])
    assert res.exit_code == 1
    assert (
        res.stderr
        == "Error: --music-rest needs music for the rest of the session (--music or 'music:' in the routine)\n"
    )


MUSIC_ROUTINE = """\
title: With music
music:
  file: tunes
  level: -14
  duck: 6
music_rest: tunes/a.mp3
blocks:
  - name: B
    exercises:
      - exercise: glute-bridge-hold
        sets: 2
        hold: 8s
        rest: 16s
"""


def test_routine_music_keys_load_relative_to_the_routine(tmp_path, music_dir):
    from audiocoach.load.routine import load_routine

    (tmp_path / "tunes").symlink_to(music_dir)
    src = tmp_path / "r.yaml"
    src.write_text(MUSIC_ROUTINE, encoding="utf-8")
    music = load_routine(src).music
    assert (music.source, music.rest_source) == (
        str((tmp_path / "tunes").resolve()),
        str((music_dir / "a.mp3").resolve()),
    )
    assert (music.level_db, music.duck_db, music.rest_level_db) == (-14.0, 6.0, None)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "music: nowhere/\n",
            "r.yaml:2:8: music: 'nowhere/' does not exist (looked for {d}/nowhere; paths are relative to the routine's folder)",
        ),
        (
            "music:\n  file: tunes\n  duck: 90\n",
            "r.yaml:4:9: music.duck: 90 is not a duck in dB (expected a number from 0 to 60)",
        ),
        ("music:\n  level: -3\n", "r.yaml:3:3: music.file: missing 'file'; name the music file or folder"),
        (
            "music_rest: tunes\n",
            "r.yaml:2:1: music_rest: 'music_rest' needs 'music' (the music for the rest of the session)",
        ),
    ],
)
def test_routine_music_errors(tmp_path, music_dir, text, message):
    from audiocoach.errors import RoutineError
    from audiocoach.load.routine import load_routine

    (tmp_path / "tunes").symlink_to(music_dir)
    src = tmp_path / "r.yaml"
    src.write_text(
        "title: T\n" + text + "blocks:\n  - name: B\n    exercises:\n      - exercise: bird-dog\n        reps: 2\n",
        encoding="utf-8",
    )
    with pytest.raises(RoutineError) as err:
        load_routine(src, display_name="r.yaml")
    assert str(err.value) == message.format(d=tmp_path.resolve())


def test_command_line_music_settings_win_over_the_routine(tmp_path, music_dir):
    from audiocoach.load.routine import load_routine
    from audiocoach.render import resolve_music

    (tmp_path / "tunes").symlink_to(music_dir)
    src = tmp_path / "r.yaml"
    src.write_text(MUSIC_ROUTINE, encoding="utf-8")
    routine = load_routine(src)
    from_routine = resolve_music(routine)
    assert (from_routine.level_db, from_routine.duck_db) == (-14.0, 6.0)
    given = resolve_music(routine, music=str(music_dir / "b.flac"), duck_db=12.0)
    assert (given.source, given.rest_source, given.level_db, given.duck_db) == (
        str(music_dir / "b.flac"),
        None,
        -14.0,
        12.0,
    )
    import dataclasses

    assert resolve_music(dataclasses.replace(routine, music=None)) is None


@pytest.mark.engine
def test_build_uses_the_routines_music(tmp_path, music_dir, phrase_cache):
    (tmp_path / "tunes").symlink_to(music_dir)
    src = tmp_path / "r.yaml"
    src.write_text(MUSIC_ROUTINE, encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(src), "-o", str(tmp_path / "o.wav"), "--cache-dir", str(phrase_cache)])
    assert res.exit_code == 0, res.output
    tl = Timeline.from_json((tmp_path / "o.json").read_text(encoding="utf-8"))
    pcm = decode(tmp_path / "o.wav")
    # A stretch of at least 400 ms with no cue, away from the fade-in: only music sounds there.
    sounds = sorted(tl.sounds, key=lambda e: e.start_ms)
    gaps = [
        (a.end_ms + 350, b.start_ms - 100)
        for a, b in zip(sounds, sounds[1:])
        if a.end_ms > 1000 and b.start_ms - a.end_ms >= 850
    ]
    assert gaps, "no quiet stretch to measure"
    lo, hi = gaps[0]
    # The same routine without its music lines is digital silence there (WAV, no cue).
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "\n".join(
            line for line in MUSIC_ROUTINE.splitlines() if not line.startswith(("music", "  file", "  level", "  duck"))
        )
        + "\n"
    )
    plain = CliRunner().invoke(
        cli, ["build", str(bare), "-o", str(tmp_path / "p.wav"), "--cache-dir", str(phrase_cache)]
    )
    assert plain.exit_code == 0, plain.output
    assert Timeline.from_json((tmp_path / "p.json").read_text()).duration_ms == tl.duration_ms
    window = slice(ms_to_samples(lo, 22050), ms_to_samples(hi, 22050))
    assert _db(decode(tmp_path / "p.wav", 22050)[window]) < -100  # int16 units: digital silence
    assert _db(pcm[window]) > 40  # the routine's music (full scale is about +90 here)


def test_undecodable_music_is_a_clear_error(tmp_path, phrase_cache):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"this is not audio" * 100)
    src = tmp_path / "r.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    res = CliRunner().invoke(
        cli, ["build", str(src), "--cache-dir", str(phrase_cache), "-o", str(tmp_path / "o.mp3"), "--music", str(bad)]
    )
    assert res.exit_code == 1 and "bad.mp3" in res.output
    assert not (tmp_path / "o.mp3").exists()


def test_a_file_ending_exactly_on_a_chunk_border_keeps_looping(music_dir):
    from audiocoach.audio.music import _Stream

    stream = _Stream(str(music_dir / "b.flac"), RATE)  # 3 s = 66150 samples
    try:
        for _ in range(12):  # twelve times the whole file, each read ending at its end
            assert stream.read(3 * RATE).size == 3 * RATE
    finally:
        stream.close()
