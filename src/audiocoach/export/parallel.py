"""One MP3 encoded on every core: the session cut at silences, the pieces joined frame by frame.

A session is mostly silence at places the timeline knows (the rests). The track is cut at
frame boundaries inside those silences; each piece is mixed on a thread of its own and
encoded by its own LAME process, and the pieces' frames are laid end to end behind one
LAME info frame for the whole file (:mod:`audiocoach.export.mp3frames`).

Why the joined file equals one encode:

- Each cut is a multiple of the frame length, so every piece's frames sit on the frame grid
  one encode would have, and the file's delay (576) and padding are one encode's.
- Each piece but the first starts :data:`PRE_ROLL_FRAMES` frames before its cut; those frames
  are encoded and dropped. By the cut, LAME's state (bit reservoir, psychoacoustic history)
  is what it would be in one encode, and the kept frames are the same bytes.
- A frame may begin its data in the frames before it (the bit reservoir). At each join the
  bytes the new piece's first frames borrow are checked against the bytes the file has
  there, and written into the spare end of the previous piece when they differ.
- The cut lies inside silence with room on both sides for the codec's delay and windows
  (:func:`choose_cuts`), so even a join that was not bit-exact is heard as silence; the
  samples on both sides are checked to be zero while they are mixed.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiocoach.audio.peaks import TruePeakMeter
from audiocoach.errors import AudiocoachError
from audiocoach.export import mp3frames as mf
from audiocoach.export.stream import encode_stream
from audiocoach.export.tagroom import empty_tag
from audiocoach.timeline import Timeline, ms_to_samples

log = logging.getLogger("audiocoach.export.parallel")

#: LAME's encoder delay (samples): the start padding recorded in the info frame.
ENCODER_DELAY = 576
#: Frames encoded ahead of each piece's first kept frame, then dropped. Measured on a
#: minute of tone bursts at 32 kHz: after 40 frames one join in five still differed from one
#: encode; after 150 frames (4.8 s at 32 kHz) every kept frame was the same bytes.
PRE_ROLL_FRAMES = 150
#: Silence kept clear on either side of where a join is heard.
GUARD_MS = 20
#: Pieces are at most this long: the join holds one piece's frames at a time.
MAX_PIECE_MS = 10 * 60_000
#: Tracks shorter than this are encoded in one piece (the pre-roll would cost more).
MIN_PARALLEL_MS = 60_000
#: Frames of a piece's end kept aside so a join can repair the bytes the next piece borrows.
_TAIL_FRAMES = 8
#: The furthest back a frame's data may begin (9 bits of main_data_begin).
_RESERVOIR_MAX = 511

#: play(gain_db, start, end) -> int16 chunks of that stretch of the track.
Play = Callable[[float, int, int], Iterable[np.ndarray]]


class JoinError(AudiocoachError):
    """The pieces could not be joined exactly (the caller encodes the track in one piece)."""


@dataclass(frozen=True)
class Pieces:
    """A track that can be played from any stretch, and the silences where it may be cut."""

    total: int
    silences: tuple[tuple[int, int], ...]
    play: Play
    workers: int


def silences(timeline: Timeline, rate: int) -> tuple[tuple[int, int], ...]:
    """The spans (samples, [start, end)) that no sound of ``timeline`` covers."""
    spans: list[tuple[int, int]] = []
    covered = 0
    for e in sorted(timeline.sounds, key=lambda e: e.start_ms):
        start = ms_to_samples(e.start_ms, rate)
        if start > covered:
            spans.append((covered, start))
        covered = max(covered, ms_to_samples(e.end_ms, rate))
    total = ms_to_samples(timeline.duration_ms, rate)
    if total > covered:
        spans.append((covered, total))
    return tuple(spans)


def frame_samples(rate: int) -> int:
    """Samples per MP3 frame at ``rate`` (MPEG-1 from 32 kHz up, MPEG-2 below)."""
    return 1152 if rate >= 32000 else 576


def guards(rate: int) -> tuple[int, int]:
    """Samples of silence a cut needs (before, after): a join is heard the codec's delay
    early, and the filterbank's windows reach a frame either side of it."""
    spf = frame_samples(rate)
    guard = ms_to_samples(GUARD_MS, rate)
    return ENCODER_DELAY + mf.DECODER_DELAY + 2 * spf + guard, spf + guard


def choose_cuts(total: int, spans: Iterable[tuple[int, int]], rate: int, pieces: int) -> list[int]:
    """Frame-aligned cuts inside ``spans``, as near as they come to ``pieces`` equal parts."""
    spf = frame_samples(rate)
    before, after = guards(rate)
    allowed = []
    for a, b in spans:
        lo, hi = -(-(a + before) // spf) * spf, (b - after) // spf * spf
        if lo <= hi and lo > 0 and hi < total:
            allowed.append((lo, hi))
    cuts: list[int] = []
    for k in range(1, pieces):
        want = total * k // pieces // spf * spf
        near = [min(max(want, lo), hi) for lo, hi in allowed]
        best = min(near, key=lambda c: abs(c - want), default=None)
        if best is not None and best - (cuts[-1] if cuts else 0) >= _TAIL_FRAMES * spf * 2:
            cuts.append(best)
    return cuts


def padding_period(rate: int, bitrate: str) -> int:
    """Frames after which LAME's padding bits repeat.

    At a rate where a frame's bytes are not whole (64 kbit/s at 22.05 kHz: 208.98 bytes),
    LAME pads one frame in so many by a running remainder, so a frame's size (and the bits
    it may spend) depends on its index. A piece whose pre-roll starts at a multiple of this
    period pads the frames as one encode does.
    """
    text = bitrate.strip().lower()
    bps = int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)
    frame_bytes_times_rate = frame_samples(rate) * bps // 8
    return rate // math.gcd(rate, frame_bytes_times_rate)


def pieces_for(total: int, rate: int, workers: int) -> int:
    """How many pieces: one per worker, more when a piece would pass :data:`MAX_PIECE_MS`."""
    longest = ms_to_samples(MAX_PIECE_MS, rate)
    return max(workers, -(-total // longest))


@dataclass
class _Encoded:
    """A piece's kept frames, split before its last few, and what its join needs."""

    body: memoryview
    body_crc: int
    #: The last frames, kept aside: the next join may write into their spare bytes.
    tail: bytes
    frames: int
    #: (main_data_begin, bits, payload bytes) of the first kept frames.
    head: list[tuple[int, int, int]]
    #: The piece's own main data just before its first kept frame (what the head borrows).
    before: bytes
    peak_db: float | None


def encode_pieces(
    pieces: Pieces,
    target: Path,
    *,
    rate: int,
    bitrate: str,
    gain_db: float,
    ceiling_dbtp: float | None,
    id3_room: int = 0,
) -> float | None:
    """Encode ``pieces`` in parallel and join them into ``target``; the true peak (dBTP).

    ``id3_room``: the file opens with an empty ID3 tag of that many bytes of padding (see
    :mod:`audiocoach.export.tagroom`).

    Raises:
        JoinError: no exact join was possible; nothing usable is in ``target``.
    """
    spf = frame_samples(rate)
    cuts = choose_cuts(pieces.total, pieces.silences, rate, pieces_for(pieces.total, rate, pieces.workers))
    bounds = [0, *cuts, pieces.total]
    before, after = guards(rate)
    period = padding_period(rate, bitrate)
    log.info("parallel encode: %d pieces on %d workers, cuts at %s", len(bounds) - 1, pieces.workers, cuts)

    def one(i: int) -> _Encoded:
        start, end = bounds[i], bounds[i + 1]
        pre = _pre_roll(start // spf, period) * spf
        quiet = [(c - before, c + after) for c in (start, end) if 0 < c < pieces.total]
        chunks = _checked(pieces.play(gain_db, start - pre, end), start - pre, quiet)
        meter = TruePeakMeter(ceiling_dbtp) if ceiling_dbtp is not None else None
        with _piece_file() as (path, read):
            encode_stream(chunks, path, rate=rate, bitrate=bitrate, fmt="mp3", meter=meter, frames_only=True)
            data = read()
        keep = None if end == pieces.total else (end - start) // spf
        return _trim(data, pre // spf, keep, meter.peak_db if meter else None)

    with ThreadPoolExecutor(max_workers=pieces.workers) as pool:
        head = empty_tag(id3_room) if id3_room else b""
        return _join(pool.map(one, range(len(bounds) - 1)), target, pieces.total, head)


@contextlib.contextmanager
def _piece_file() -> Iterator[tuple[Path, Callable[[], bytes]]]:
    """A file for one encoded piece: (the path the encoder writes, a function reading it back).

    On Linux the file has no name at all (an unlinked temporary file the encoder reaches
    through /proc/PID/fd), so a build killed outright (kill -9) leaves nothing behind;
    elsewhere a temporary folder removed when the piece has been read.
    """
    fd_dir = Path(f"/proc/{os.getpid()}/fd")
    if fd_dir.is_dir():
        with tempfile.TemporaryFile(prefix="audiocoach-piece-") as f:

            def read() -> bytes:
                f.seek(0)
                return f.read()

            yield fd_dir / str(f.fileno()), read
        return
    with tempfile.TemporaryDirectory(prefix="audiocoach-pieces-") as folder:
        path = Path(folder) / "piece.mp3"
        yield path, path.read_bytes


def _pre_roll(first: int, period: int) -> int:
    """Frames of pre-roll for a piece whose first kept frame is ``first``: at least
    :data:`PRE_ROLL_FRAMES`, starting on a multiple of the padding ``period`` (or at 0)."""
    if first <= PRE_ROLL_FRAMES:
        return first
    start = (first - PRE_ROLL_FRAMES) // period * period
    return first - start


def _checked(chunks: Iterable[np.ndarray], pos: int, quiet: list[tuple[int, int]]) -> Iterator[np.ndarray]:
    """``chunks`` (from sample ``pos``), checked to be silent where a join will be."""
    for chunk in chunks:
        for lo, hi in quiet:
            a, b = max(lo, pos), min(hi, pos + chunk.size)
            if a < b and np.any(chunk[a - pos : b - pos]):
                raise JoinError(f"the track is not silent at samples {lo}..{hi}, where a piece joins")
        pos += chunk.size
        yield chunk


def _payloads(data: bytes, offsets: list[int]) -> list[tuple[int, int]]:
    """(start, end) of every frame's main data area in ``data``."""
    return [(a + mf.parse_header(data, a).data_start, b) for a, b in zip(offsets, offsets[1:])]


def _trim(data: bytes, skip: int, keep: int | None, peak_db: float | None) -> _Encoded:
    """Drop a piece's pre-roll frames and the frames past its end."""
    offsets = mf.frame_offsets(data)
    count = len(offsets) - 1
    keep = count - skip if keep is None else keep
    if skip + keep > count or keep <= 0:
        raise JoinError(f"a piece has {count} frames, {skip + keep} were planned")
    areas = _payloads(data, offsets)
    head = []
    for k in range(skip, min(skip + _TAIL_FRAMES, skip + keep)):
        begin, bits = mf.reservoir_needs(memoryview(data)[offsets[k] : offsets[k + 1]])
        head.append((begin, bits, areas[k][1] - areas[k][0]))
    before = b"".join(data[a:b] for a, b in areas[max(0, skip - _TAIL_FRAMES) : skip])
    split = offsets[max(skip, skip + keep - _TAIL_FRAMES)]
    body = memoryview(data)[offsets[skip] : split]  # no copy: the piece's bytes are held once
    return _Encoded(
        body, mf.crc16(body), data[split : offsets[skip + keep]], keep, head, before[-_RESERVOIR_MAX:], peak_db
    )


def _join(results: Iterable[_Encoded], target: Path, total: int, head: bytes) -> float | None:
    """Write the pieces' frames behind one info frame; the highest true peak of the pieces."""
    frames = crc = size = 0
    peaks: list[float] = []
    header = None
    with open(target, "wb") as out:
        out.write(head)
        pending = b""
        for piece in results:
            if header is None:
                header = mf.parse_header(piece.body or piece.tail)
                out.seek(len(head) + mf.info_size(header))
            else:
                pending = _repair(pending, piece)
            out.write(pending)
            out.write(piece.body)
            crc = mf.crc16_combine(mf.crc16(pending, crc), piece.body_crc, len(piece.body))
            size += len(pending) + len(piece.body)
            pending = piece.tail
            frames += piece.frames
            peaks += [piece.peak_db] if piece.peak_db is not None else []
        assert header is not None
        out.write(pending)
        crc, size = mf.crc16(pending, crc), size + len(pending)
        out.seek(len(head))
        padding = frames * header.samples - ENCODER_DELAY - total
        out.write(mf.info_frame(header, frames, size, crc, ENCODER_DELAY, padding))
    return max(peaks) if peaks else None


def _repair(tail: bytes, piece: _Encoded) -> bytes:
    """``tail`` (the previous piece's last frames) with the bytes ``piece`` borrows at its end.

    A frame's data may begin up to 511 bytes back in the spare room of the frames before
    it. In the piece's own encode those bytes lie in its dropped pre-roll; in the file they
    are the previous piece's spare room, which is written with them unless that piece's own
    data is there (then :class:`JoinError`).
    """
    need = pos = 0
    for begin, bits, size in piece.head:
        if bits and begin > pos:
            need = max(need, begin - pos)
        pos += size
    if not need:
        return tail
    areas = _payloads(tail, mf.frame_offsets(tail))
    have = b"".join(tail[a:b] for a, b in areas)
    if len(have) < need or len(piece.before) < need:
        raise JoinError(f"a piece borrows {need} bytes across a join, fewer are there")
    want = piece.before[-need:]
    if have[-need:] == want:
        log.debug("join: the %d borrowed bytes are already there", need)
        return tail
    used = -len(have)  # where the tail's own data ends, in bytes from the join
    at = -len(have)
    for (a, b), frame_start in zip(areas, mf.frame_offsets(tail)):
        begin, bits = mf.reservoir_needs(memoryview(tail)[frame_start:b])
        used = max(used, at - begin + -(-bits // 8))
        at += b - a
    if used > -need:
        raise JoinError(f"the bytes a piece borrows across a join are in use ({used} > {-need})")
    log.debug("join: %d borrowed bytes written into the previous piece's spare room", need)
    fixed = bytearray(tail)
    rest = want
    for a, b in reversed(areas):
        take = min(len(rest), b - a)
        if take:
            fixed[b - take : b] = rest[len(rest) - take :]
            rest = rest[: len(rest) - take]
    return bytes(fixed)
