"""MP3 at the frame level: headers, the bit reservoir, and one LAME info frame for a joined file.

The parallel encode (:mod:`audiocoach.export.parallel`) encodes pieces of a session in
separate LAME processes and lays their frames end to end. Three facts of the format make
that exact:

- Every frame holds a fixed number of samples (1152 for MPEG-1, 576 for MPEG-2/2.5), so a
  piece that starts on a frame boundary of the session's frame grid decodes to the same
  place in the joined file as in one encode.
- A frame's audio data may begin in the spare bytes of the frames before it (the bit
  reservoir, ``main_data_begin`` in its side information). :func:`reservoir_needs` says
  which bytes a frame borrows, so a join can check (and repair) them.
- Gapless playback needs the encoder's delay and the padding at the end, which LAME
  records in the "Info" frame that opens the file. The pieces are encoded without one and
  :func:`info_frame` writes one for the whole file (frame and byte counts, a linear seek
  table for constant bitrate, the delay and padding, and both CRCs of the LAME tag).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
#: What the LAME decoder adds to the encoder's delay (528 + 1 samples of its filterbank).
DECODER_DELAY = 529


class FrameError(ValueError):
    """The bytes are not a stream of MPEG audio layer III frames."""


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of a layer III frame header that the join needs."""

    version: int  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    bitrate_kbps: int
    sample_rate: int
    padding: int
    mono: bool
    crc: bool

    @property
    def samples(self) -> int:
        return 1152 if self.version == 3 else 576

    @property
    def size(self) -> int:
        slot = 144 if self.version == 3 else 72
        return slot * self.bitrate_kbps * 1000 // self.sample_rate + self.padding

    @property
    def side_info(self) -> int:
        if self.version == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17

    @property
    def data_start(self) -> int:
        """Offset of the main data area in the frame."""
        return 4 + (2 if self.crc else 0) + self.side_info


def parse_header(data: bytes | memoryview, pos: int = 0) -> Header:
    """The header of the frame at ``pos`` (:class:`FrameError` when there is none)."""
    if pos + 4 > len(data):
        raise FrameError(f"truncated frame header at byte {pos}")
    (word,) = struct.unpack_from(">I", data, pos)
    version, layer, index, rate = (word >> 19) & 3, (word >> 17) & 3, (word >> 12) & 15, (word >> 10) & 3
    if word >> 21 != 0x7FF or version == 1 or layer != 1 or index in (0, 15) or rate == 3:
        raise FrameError(f"no layer III frame header at byte {pos} ({word:08x})")
    return Header(
        version,
        _BITRATES[1 if version == 3 else 2][index],
        _RATES[version][rate],
        (word >> 9) & 1,
        (word >> 6) & 3 == 3,
        not (word >> 16) & 1,
    )


def frame_offsets(data: bytes | memoryview) -> list[int]:
    """The byte offset of every frame of a headerless stream of frames (plus the end)."""
    offsets = [0]
    pos = 0
    while pos < len(data):
        pos += parse_header(data, pos).size
        offsets.append(pos)
    if pos != len(data):
        raise FrameError(f"the last frame is cut short ({len(data)} bytes, frame ends at {pos})")
    return offsets


def reservoir_needs(frame: bytes | memoryview) -> tuple[int, int]:
    """(main_data_begin, bits): how far back (bytes) the frame's audio data begins in the
    stream of main data, and how many bits of it the frame reads (a frame of silence may
    point back but read nothing)."""
    h = parse_header(frame)
    side = bytes(frame[4 + (2 if h.crc else 0) : h.data_start])
    bits = int.from_bytes(side, "big")
    width = h.side_info * 8
    if h.version == 3:
        begin = bits >> (width - 9)
        # private bits, scfsi, then per granule and channel: part2_3_length first (12 bits)
        pos = 9 + (5 if h.mono else 3) + (4 if h.mono else 8)
        granules, channels, granule_bits = 2, 1 if h.mono else 2, 59
    else:
        begin = bits >> (width - 8)
        pos = 8 + (1 if h.mono else 2)
        granules, channels, granule_bits = 1, 1 if h.mono else 2, 63
    used = 0
    for _ in range(granules * channels):
        used += (bits >> (width - pos - 12)) & 0xFFF
        pos += granule_bits
    return begin, used


def _crc16_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint16)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table[byte] = crc
    return table


_CRC_TABLE = _crc16_table()
_CRC_BLOCK = 2048


def _crc_shift_tables(n: int) -> tuple[list[int], list[int]]:
    """The CRC state after ``n`` zero bytes, as two byte-indexed tables (CRC-16 is linear)."""

    def shift(crc: int) -> int:
        for _ in range(n):
            crc = (crc >> 8) ^ int(_CRC_TABLE[crc & 0xFF])
        return crc

    basis = [shift(1 << bit) for bit in range(16)]

    def combine(value: int, bits: range) -> int:
        out = 0
        for i, bit in enumerate(bits):
            if value >> i & 1:
                out ^= basis[bit]
        return out

    return [combine(v, range(8)) for v in range(256)], [combine(v, range(8, 16)) for v in range(256)]


_SHIFT_LO, _SHIFT_HI = _crc_shift_tables(_CRC_BLOCK)


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (the LAME tag's checksum) of ``data``, continuing from ``crc`` (the
    checksum of what came before), vectorised over 2 KiB blocks.

    A byte at a time in Python would take seconds for an hour of audio; numpy steps all
    blocks at once and the block checksums are folded with a precomputed shift."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if crc:
        return crc16_combine(crc, crc16(data), raw.size)
    if raw.size < 2 * _CRC_BLOCK:  # too short for the blocks to pay
        table = _CRC_TABLE.tolist()
        for byte in raw.tolist():
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc
    # Leading zero bytes leave a CRC with initial value 0 unchanged: pad at the front.
    pad = -raw.size % _CRC_BLOCK
    blocks = np.concatenate([np.zeros(pad, dtype=np.uint8), raw]).reshape(-1, _CRC_BLOCK)
    state = np.zeros(blocks.shape[0], dtype=np.uint16)
    for col in range(_CRC_BLOCK):
        state = (state >> 8) ^ _CRC_TABLE[(state ^ blocks[:, col]) & 0xFF]
    crc = 0
    for block in state.tolist():
        crc = _SHIFT_LO[crc & 0xFF] ^ _SHIFT_HI[crc >> 8] ^ block
    return crc


def crc16_combine(first: int, second: int, second_size: int) -> int:
    """The CRC-16/ARC of two byte strings end to end, from their CRCs and the second's size."""
    for _ in range(second_size % _CRC_BLOCK):  # the first's CRC moved past the second's bytes
        first = (first >> 8) ^ int(_CRC_TABLE[first & 0xFF])
    for _ in range(second_size // _CRC_BLOCK):
        first = _SHIFT_LO[first & 0xFF] ^ _SHIFT_HI[first >> 8]
    return first ^ second


def info_size(like: Header) -> int:
    """The size of :func:`info_frame`'s frame for audio frames like ``like``."""
    return parse_header(_info_header(like)).size


def info_frame(like: Header, frames: int, audio_size: int, audio_crc: int, delay: int, padding: int) -> bytes:
    """A LAME "Info" frame (constant bitrate) for ``frames`` audio frames of ``audio_size``
    bytes whose CRC-16 is ``audio_crc``.

    ``delay`` and ``padding`` (samples) are what a gapless decoder drops at the start and
    the end; ffmpeg skips ``delay`` + 529 samples and trims the end to match.
    """
    if not 0 <= delay < 4096 or not 0 <= padding < 4096:
        raise FrameError(f"delay {delay} or padding {padding} does not fit the LAME tag (0..4095)")
    head = _info_header(like)
    size = parse_header(head).size
    frame = bytearray(size)
    frame[:4] = head
    tag = like.data_start
    total = size + audio_size
    toc = bytes(min(255, i * 256 // 100) for i in range(100))  # linear: constant bitrate
    frame[tag : tag + 120] = b"Info" + struct.pack(">III", 0x0F, frames, total) + toc + struct.pack(">I", 0)
    lame = tag + 120
    frame[lame : lame + 9] = b"LAME3.100"
    frame[lame + 9] = 0x00  # tag revision 0, CBR
    frame[lame + 20] = min(like.bitrate_kbps, 255)
    frame[lame + 21 : lame + 24] = ((delay << 12) | padding).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = struct.pack(">I", total)
    frame[lame + 32 : lame + 34] = struct.pack(">H", audio_crc)
    # As LAME and ffmpeg do: the first 190 bytes of the frame, this field still zero.
    frame[lame + 34 : lame + 36] = struct.pack(">H", crc16(bytes(frame[:190])))
    return bytes(frame)


def _info_header(h: Header) -> bytes:
    """A header like ``h``'s (no CRC, no padding) at the lowest bitrate whose frame holds the tag."""
    rates = _RATES[h.version]
    bitrates = _BITRATES[1 if h.version == 3 else 2]
    for index in range(bitrates.index(h.bitrate_kbps), len(bitrates)):
        word = 0x7FF << 21 | h.version << 19 | 1 << 17 | 1 << 16  # layer III, no CRC
        word |= index << 12 | rates.index(h.sample_rate) << 10 | (3 if h.mono else 0) << 6
        head = struct.pack(">I", word)
        if parse_header(head).size >= max(190, h.side_info + 4 + 156):
            return head
    raise FrameError(f"no {h.sample_rate} Hz frame is large enough for the LAME tag")


def _id3_end(head: bytes) -> int:
    """Where the audio starts: after an ID3v2 tag at the start of the file (0 without one)."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)  # a footer, when flagged


def set_end_padding(path: str, samples: int) -> bool:
    """Make the LAME tag of the MP3 at ``path`` say it holds exactly ``samples`` samples.

    ffmpeg 5.1 writes the end padding short whenever the last frame's own padding is under
    the decoder's delay (the last 1..47 samples of every 576), so a gapless decoder then
    plays up to 47 samples more than were encoded: about one session in twelve came out
    longer than its plan. The padding is set from the tag's own frame count and delay, and
    the tag's CRC written again. Returns whether the file changed; a file without a LAME
    "Info"/"Xing" tag (or whose counts cannot give ``samples``) is left as it is.
    """
    with open(path, "r+b") as f:
        start = _id3_end(f.read(10))
        f.seek(start)
        frame = bytearray(f.read(2048))
        try:
            h = parse_header(bytes(frame[:4]))
        except FrameError:
            return False
        tag = h.data_start
        if frame[tag : tag + 4] not in (b"Info", b"Xing") or struct.unpack(">I", frame[tag + 4 : tag + 8])[0] != 0x0F:
            return False  # not the layout LAME and ffmpeg write (frames, bytes, seek table, quality)
        frames = struct.unpack(">I", frame[tag + 8 : tag + 12])[0]
        lame = tag + 120
        field = int.from_bytes(frame[lame + 21 : lame + 24], "big")
        delay = field >> 12
        padding = frames * h.samples - delay - samples
        if not DECODER_DELAY <= padding < 4096 or padding == field & 0xFFF:
            return False
        frame[lame + 21 : lame + 24] = ((delay << 12) | padding).to_bytes(3, "big")
        frame[lame + 34 : lame + 36] = b"\0\0"
        frame[lame + 34 : lame + 36] = struct.pack(">H", crc16(bytes(frame[:190])))
        f.seek(start + lame + 21)
        f.write(frame[lame + 21 : lame + 36])
    return True
