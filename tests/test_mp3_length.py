"""An MP3 decodes to exactly the samples it was given, whatever their number.

ffmpeg 5.1 writes the LAME tag's end padding short when the last frame's padding is under
the decoder's delay (the last 1..47 samples of every 576 at 24 kHz): the file then plays
up to 47 samples longer than its plan. Found in the roster bench (one session of 24 was
23 samples long); :func:`audiocoach.export.mp3frames.set_end_padding` sets it right."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from audiocoach.export import mp3frames as mf
from audiocoach.export.stream import encode_command, encode_stream
from helpers import decode

RATE = 24_000
SPF = 576  # MPEG-2 layer III at 24 kHz
LAME_DELAY = 576 + mf.DECODER_DELAY  # what LAME's start adds, as ffmpeg skips it


def _signal(n: int) -> np.ndarray:
    t = np.arange(n)
    return (8000 * np.sin(2 * np.pi * 440 * t / RATE)).astype(np.int16)


def _tag(path: Path) -> tuple[bytearray, int]:
    data = path.read_bytes()
    start = mf._id3_end(data[:10])
    frame = bytearray(data[start : start + 2048])
    return frame, mf.parse_header(frame).data_start + 120


# Lengths whose end remainder (n + 1105) % 576 is over 528 (ffmpeg's short padding), and two under it.
@pytest.mark.parametrize("n", [114_648, 114_670, 114_641, 2_681_880, 114_620, 100_000])
def test_an_mp3_decodes_to_the_samples_encoded(tmp_path, n):
    out = tmp_path / "x.mp3"
    encode_stream(iter([_signal(n)]), out, rate=RATE, bitrate="64k")
    assert decode(out, RATE).size == n


def test_plain_ffmpeg_gets_those_lengths_wrong_and_the_fix_is_only_the_tag(tmp_path):
    """The fault is ffmpeg's (so the test shows what the fix is for), and the fix changes
    nothing but the padding and the tag's CRC, which it computes as ffmpeg does."""
    import subprocess

    n = 114_648
    raw, out = tmp_path / "x.raw", tmp_path / "x.mp3"
    raw.write_bytes(_signal(n).astype("<i2").tobytes())
    cmd = encode_command(RATE, "64k", str(out))
    subprocess.run([*cmd[: cmd.index("pipe:0")], str(raw), *cmd[cmd.index("pipe:0") + 1 :]], check=True)
    assert decode(out, RATE).size == n + (SPF - (n + LAME_DELAY) % SPF)  # ffmpeg's own file: long
    before, lame = _tag(out)
    stored = struct.unpack(">H", before[lame + 34 : lame + 36])[0]
    before[lame + 34 : lame + 36] = b"\0\0"
    assert mf.crc16(bytes(before[:190])) == stored  # the CRC as ffmpeg computes it
    original = out.read_bytes()
    assert mf.set_end_padding(str(out), n) is True
    assert decode(out, RATE).size == n
    changed = [i for i, (a, b) in enumerate(zip(original, out.read_bytes(), strict=True)) if a != b]
    start = mf._id3_end(original[:10])
    assert changed and all(start + lame + 21 <= i < start + lame + 36 for i in changed)
    assert mf.set_end_padding(str(out), n) is False  # right already: left as it is
