"""The parallel MP3 encode: pieces cut at silences, encoded at once, joined into one file that
decodes to the plan's length to the sample, silent at the joins and equal to one encode."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest

from audiocoach.export import mp3frames as mf
from audiocoach.export import parallel
from audiocoach.export.encode import export_audio
from audiocoach.export.parallel import ENCODER_DELAY, JoinError, Pieces, choose_cuts, guards, pieces_for
from audiocoach.export.tags import Tags
from audiocoach.load.routine import loads
from audiocoach.render import RenderOptions, build
from audiocoach.speech.onset import attack_ms
from audiocoach.timeline import ms_to_samples
from helpers import decode

#: -70 dBFS in int16 steps.
QUIET = 32768 * 10 ** (-70 / 20)


def _bursts(rate: int, seconds: int, seed: int = 1) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Tone-and-noise bursts (speech-like level) between silences; the silent spans."""
    rng = np.random.default_rng(seed)
    x = np.zeros(rate * seconds, dtype=np.float64)
    spans, t = [], 0
    while t < x.size - 3 * rate:
        n = int(rng.integers(rate // 2, 2 * rate))
        window = np.hanning(n)
        tone = np.sin(2 * np.pi * rng.uniform(150, 400) * np.arange(n) / rate) * 8000
        x[t : t + n] = (tone + rng.standard_normal(n) * 800) * window
        gap = int(rng.integers(rate, 3 * rate))
        spans.append((t + n, t + n + gap))
        t += n + gap
    spans.append((t, x.size))
    return x.astype(np.int16), spans


def _pieces(x: np.ndarray, spans, workers: int = 2) -> Pieces:
    def play(gain_db: float, start: int, end: int):
        for pos in range(start, end, 10_000):
            chunk = x[pos : min(pos + 10_000, end)].astype(np.float32) * np.float32(10 ** (gain_db / 20))
            yield np.rint(chunk).astype(np.int16)

    return Pieces(x.size, tuple(spans), play, workers)


def _joins(total: int, spans, rate: int, workers: int = 2) -> list[int]:
    return choose_cuts(total, spans, rate, pieces_for(total, rate, workers))


@pytest.fixture
def short_pieces(monkeypatch):
    """Pieces of 15 s, so that a short track has many joins."""
    monkeypatch.setattr(parallel, "MAX_PIECE_MS", 15_000)


def test_crc16_is_lame_s_checksum_and_combines():
    assert mf.crc16(b"123456789") == 0xBB3D  # CRC-16/ARC check value
    data = np.random.default_rng(3).integers(0, 256, 50_001, dtype=np.uint8).tobytes()
    assert mf.crc16(data) == mf.crc16(data[20_000:], mf.crc16(data[:20_000]))
    assert mf.crc16(data) == mf.crc16_combine(mf.crc16(data[:7]), mf.crc16(data[7:]), len(data) - 7)


def test_cuts_are_on_frames_inside_silences():
    rate = 32000
    x, spans = _bursts(rate, 90)
    cuts = choose_cuts(x.size, spans, rate, 6)
    before, after = guards(rate)
    assert len(cuts) == 5
    for c in cuts:
        assert c % 1152 == 0
        assert any(a <= c - before and c + after <= b for a, b in spans)
        assert not np.any(x[c - before : c + after])


@pytest.mark.parametrize("rate", [32000, 22050])
def test_parallel_file_equals_one_encode(tmp_path: Path, rate: int, short_pieces, caplog):
    x, spans = _bursts(rate, 75)
    one, many = tmp_path / "one.mp3", tmp_path / "many.mp3"
    export_audio(lambda g: _pieces(x, spans).play(g, 0, x.size), one, rate=rate, tags=Tags("t"))
    with caplog.at_level(logging.INFO, logger="audiocoach.export.parallel"):
        export_audio(lambda g: iter(()), many, rate=rate, tags=Tags("t"), pieces=_pieces(x, spans))
    cuts = _joins(x.size, spans, rate)
    assert len(cuts) >= 4 and f"{len(cuts) + 1} pieces" in caplog.text
    a, b = decode(one, rate), decode(many, rate)
    assert a.size == b.size == x.size  # the plan's length, to the sample
    spf = parallel.frame_samples(rate)
    away = np.ones(x.size, dtype=bool)
    for c in cuts:
        heard = c - ENCODER_DELAY - mf.DECODER_DELAY
        near = ms_to_samples(20, rate)
        assert np.abs(b[heard - near : c + near].astype(int)).max() < QUIET, c
        away[heard - spf - near : c + spf + near] = False
    assert np.array_equal(a[away], b[away])


def test_info_frame_is_what_ffprobe_and_mutagen_read(tmp_path: Path, short_pieces):
    from mutagen.mp3 import MP3

    rate = 32000
    x, spans = _bursts(rate, 70)
    out = tmp_path / "many.mp3"
    export_audio(lambda g: iter(()), out, rate=rate, tags=Tags("t"), pieces=_pieces(x, spans))
    info = MP3(out).info
    assert abs(info.length - x.size / rate) < 0.001
    assert info.encoder_info.startswith("LAME 3.100")


@pytest.mark.parametrize("repair", [True, False])
def test_bytes_borrowed_across_a_join_are_written_there(tmp_path: Path, monkeypatch, repair: bool):
    """Cut one frame before a sudden sound: its frames borrow bytes from before the cut."""
    rate = 22050
    x, spans = _bursts(rate, 40)
    for _, b in spans[:-1]:
        x[b : b + rate // 4] = (np.sin(np.arange(rate // 4) * 0.1) * 20000).astype(np.int16)
    cuts = [(b // 576 - 1) * 576 for _, b in spans[1:4]]
    monkeypatch.setattr(parallel, "choose_cuts", lambda *args: cuts)
    monkeypatch.setattr(parallel, "guards", lambda rate: (0, 0))
    if not repair:
        monkeypatch.setattr(parallel, "_repair", lambda tail, piece: tail)
    one, many = tmp_path / "one.mp3", tmp_path / "many.mp3"
    export_audio(lambda g: _pieces(x, spans).play(g, 0, x.size), one, rate=rate, tags=Tags("t"))
    export_audio(lambda g: iter(()), many, rate=rate, tags=Tags("t"), pieces=_pieces(x, spans))
    assert np.array_equal(decode(one, rate), decode(many, rate)) == repair


def test_a_sound_at_a_cut_is_refused_and_encoded_in_one_piece(tmp_path: Path, caplog):
    rate = 32000
    x, spans = _bursts(rate, 70)
    cuts = _joins(x.size, spans, rate)
    noisy = x.copy()
    noisy[cuts[0] - 100] = 5000
    with pytest.raises(JoinError, match="not silent"):
        parallel.encode_pieces(
            _pieces(noisy, spans), tmp_path / "x.mp3", rate=rate, bitrate="64k", gain_db=0.0, ceiling_dbtp=None
        )
    out = tmp_path / "y.mp3"
    source = _pieces(noisy, spans)
    export_audio(lambda g: source.play(g, 0, noisy.size), out, rate=rate, tags=Tags("t"), pieces=source)
    assert "encoding in one piece" in caplog.text
    assert decode(out, rate).size == noisy.size


BEATS = (
    "title: Beats\ndefaults:\n  engine: espeak-ng\n  rest: 15s\nblocks:\n  - name: B\n    exercises:\n"
    "      - exercise: romanian-deadlift\n        sets: 2\n        reps: 10\n"
)


@pytest.mark.engine
def test_sixty_beats_on_their_samples_in_a_parallel_build(phrase_cache: Path, tmp_path: Path, short_pieces, caplog):
    path = tmp_path / "r.yaml"
    path.write_text(BEATS, encoding="utf-8")
    opts = RenderOptions(engine="espeak-ng", cache_dir=str(phrase_cache), sidecars=False, threads=2)
    with caplog.at_level(logging.INFO, logger="audiocoach.export.parallel"):
        result = build(path, tmp_path / "r.mp3", options=opts)
    assert "pieces on 2 workers" in caplog.text
    build(path, tmp_path / "one.mp3", options=dataclasses.replace(opts, threads=1))
    tl, rate = result.timeline, result.timeline.sample_rate
    audio = decode(tmp_path / "r.mp3", rate)
    assert audio.size == ms_to_samples(tl.duration_ms, rate)
    assert np.array_equal(audio, decode(tmp_path / "one.mp3", rate))
    routine = loads(BEATS, "r.yaml")
    lead, rep_ms = 0, routine.items[0].tempo.rep_ms  # a work window opens on its first rep
    checked = 0
    for seg in (s for s in tl.of_kind("segment") if s.role == "work"):
        for e in tl.sounds:
            if seg.start_ms <= e.start_ms < seg.end_ms and e.kind == "speech" and e.rep:
                if e.role not in ("rep_start", "phase") or e.text == "lower":
                    continue  # "lower" trails its rep's number as a clip of its own, off the grid
                grid = seg.start_ms + lead + (e.rep - 1) * rep_ms
                grid += 0 if e.role != "phase" else 3000 if e.text == "hold" else 4000
                clip = audio[ms_to_samples(e.start_ms, rate) : ms_to_samples(e.end_ms, rate)]
                heard = e.start_ms + attack_ms(clip, rate)
                # Within 40 ms: measured on the decoded MP3, where a number said alone ("ten") shows
                # its "t" burst a little before the attack its clip was placed by.
                assert abs(heard - grid) <= 40, (e, heard - grid)
                checked += 1
    assert checked == 60
