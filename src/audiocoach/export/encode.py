"""Audio -> file: one ffmpeg encode fed through a pipe, with tags and chapters, then rename.

The samples stream into ffmpeg's stdin chunk by chunk, so the finished track is never held
in memory. The audio and its sidecars are written under temporary names in the target
folder and renamed together only when all are complete (:mod:`audiocoach.export.outputs`): an
interrupted or failed build leaves no partial file behind.

Formats (:data:`FORMATS`): MP3 (ID3v2.4 tags and CHAP/CTOC chapter frames, written with
mutagen after the encode), M4A (AAC, MP4 chapters), Ogg Opus (tags and CHAPTERnnn Vorbis
comments) and WAV (plain PCM, RIFF INFO tags); the last three get their tags and chapters
from an ffmetadata input. MP3 does not use that input: a second input puts ffmpeg 5.1
into threaded demuxing, which costs about 20 % more than the encode itself. Encoder
delay: ffmpeg records it (the LAME header in MP3, an edit list in MP4, the pre-skip in
Ogg Opus), so a decoder's first sample is the timeline's sample 0 and chapter times need
no offset.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from audiocoach.audio.peaks import TruePeakMeter
from audiocoach.defaults import BITRATE, CEILING_DBTP
from audiocoach.errors import AudiocoachError
from audiocoach.export.outputs import OutputSet
from audiocoach.export.stream import (
    _STREAM_MEASURED,
    DEFAULT_FORMAT,
    encode_stream,
    get_format,
)
from audiocoach.export.tagroom import make_room, room_for
from audiocoach.export.tags import Chapter, Tags, ffmetadata, write_tags
from audiocoach.export.truepeak import measure_true_peak

if TYPE_CHECKING:
    from audiocoach.export.parallel import Pieces

log = logging.getLogger("audiocoach.export.encode")

#: Chunks to encode, or ``f(gain_db) -> chunks`` that can play them again quieter (so an
#: encode whose true peak comes out over the ceiling can be redone).
ChunkSource = Iterable[np.ndarray] | Callable[[float], Iterable[np.ndarray]]
#: Encodes redone at most this many times to bring the true peak under the ceiling.
MAX_PEAK_PASSES = 3
#: How far under the ceiling a corrected encode aims (the codec's overshoot varies a little).
PEAK_CORRECTION_MARGIN_DB = 0.2


def export_audio(
    chunks: ChunkSource,
    output: str | os.PathLike[str],
    *,
    rate: int,
    fmt: str = DEFAULT_FORMAT,
    bitrate: str = BITRATE,
    tags: Tags,
    chapters: Sequence[Chapter] = (),
    sidecars: Mapping[Path, str | Iterable[str]] | None = None,
    ceiling_dbtp: float | None = CEILING_DBTP,
    peaks: list[float] | None = None,
    pieces: Pieces | None = None,
) -> Path:
    """Encode ``chunks`` to ``output`` as ``fmt``, with its sidecars, all or nothing.

    Every file is written under a temporary name and they are renamed into place together
    (see :class:`~audiocoach.export.outputs.OutputSet`): an interrupted or failed build, a full
    disk or a read-only folder leaves the previous files as they were and no partial one.

    The encoded file's true peak is measured (decoded and 4x oversampled); when it comes
    out over ``ceiling_dbtp`` and ``chunks`` is a function of a gain, the audio is encoded
    again that much quieter (at most :data:`MAX_PEAK_PASSES` encodes).

    Args:
        chunks: mono int16 arrays at ``rate``, in order, or ``f(gain_db)`` giving them.
        output: the file to write.
        fmt: a name from :data:`FORMATS`.
        bitrate: for the lossy formats.
        tags: title, artist, album, comment and extra text tags.
        chapters: written where the container supports them (mp3, m4a, ogg).
        sidecars: more files of the same build (path -> text, or text in pieces), e.g.
            the .json timeline and the .vtt cue sheet, written after the audio.
        ceiling_dbtp: the highest true peak allowed (None: not measured).
        peaks: when given, the true peak measured after each encode is appended to it.
        pieces: the same track, playable from any stretch, and its silences: an MP3 is
            then encoded in pieces on ``pieces.workers`` cores and joined
            (:mod:`audiocoach.export.parallel`); ``chunks`` is played only when no
            exact join can be made.

    Raises:
        OutputError: the files could not be written; nothing was left behind.
    """
    f = get_format(fmt)
    out = Path(output)
    with OutputSet(out) as outputs:
        tmp = outputs.temp(out)
        meta: Path | None = None
        if f.chapters != "id3":
            meta = outputs.temp(out.with_suffix(".ffmeta"), keep=True)
            meta.write_text(ffmetadata(tags, list(chapters), as_comments=f.chapters == "comments"), encoding="utf-8")
        room = room_for(
            [c.title for c in chapters], [tags.title, tags.album, tags.comment, *tags.extra, *tags.extra.values()]
        )
        _encode_under_ceiling(
            chunks,
            tmp,
            _Encode(rate, bitrate, f.name, str(meta) if meta else None),
            ceiling_dbtp=ceiling_dbtp,
            peaks=peaks,
            pieces=pieces if f.name == "mp3" else None,
            id3_room=room,
        )
        if f.chapters == "id3":
            make_room(tmp, room)  # mutagen then writes the tag in place (see tagroom)
            write_tags(tmp, tags, list(chapters))
        for path, text in (sidecars or {}).items():
            outputs.write_text(path, text)
        outputs.commit()
    return out


@dataclass(frozen=True)
class _Encode:
    """How one file is encoded: what :func:`encode_stream` is given besides the chunks."""

    rate: int
    bitrate: str
    fmt: str
    metadata: str | None = None

    def run(self, chunks: ChunkSource, gain_db: float, target: Path, meter: TruePeakMeter | None = None) -> None:
        samples = chunks(gain_db) if callable(chunks) else chunks
        encode_stream(
            samples, target, rate=self.rate, bitrate=self.bitrate, fmt=self.fmt, metadata=self.metadata, meter=meter
        )


def _encode_under_ceiling(
    chunks: ChunkSource,
    tmp: Path,
    encode: _Encode,
    *,
    ceiling_dbtp: float | None,
    peaks: list[float] | None,
    pieces: Pieces | None = None,
    id3_room: int = 0,
) -> None:
    """Encode, measure the true peak of what was encoded, and encode again quieter while over."""
    gain_db = 0.0
    for attempt in range(1, MAX_PEAK_PASSES + 1):
        if pieces is not None:
            from audiocoach.export.parallel import JoinError, encode_pieces

            try:
                measured = encode_pieces(
                    pieces,
                    tmp,
                    rate=encode.rate,
                    bitrate=encode.bitrate,
                    gain_db=gain_db,
                    ceiling_dbtp=ceiling_dbtp,
                    id3_room=id3_room,
                )
            except JoinError as exc:
                log.warning("parallel encode not possible (%s): encoding in one piece", exc)
                pieces = None
            else:
                if measured is None or _peak_ok(measured, attempt, gain_db, ceiling_dbtp, peaks):
                    return
                gain_db += ceiling_dbtp - PEAK_CORRECTION_MARGIN_DB - measured  # type: ignore[operator]
                peak = measured
                continue
        if ceiling_dbtp is None:
            encode.run(chunks, 0.0, tmp)
            return
        meter = TruePeakMeter(ceiling_dbtp)
        streamed = encode.fmt in _STREAM_MEASURED
        encode.run(chunks, gain_db, tmp, meter=meter if streamed else None)
        peak = meter.peak_db if streamed else measure_true_peak(tmp, ceiling_dbtp)
        if peaks is not None:
            peaks.append(peak)
        log.info("encode %d: true peak %.2f dBTP (ceiling %.1f, gain %.2f dB)", attempt, peak, ceiling_dbtp, gain_db)
        if peak <= ceiling_dbtp:
            return
        if not callable(chunks):
            log.warning(
                "true peak %.2f dBTP is over the %.1f dBTP ceiling (chunks cannot be replayed quieter)",
                peak,
                ceiling_dbtp,
            )
            return
        # The codec's overshoot scales with the level: lower the gain by the excess.
        gain_db += ceiling_dbtp - PEAK_CORRECTION_MARGIN_DB - peak
    raise AudiocoachError(
        f"the encoded audio still peaks at {peak:.2f} dBTP after {MAX_PEAK_PASSES} encodes (ceiling {ceiling_dbtp:.1f} dBTP)"
    )


def _peak_ok(peak: float, attempt: int, gain_db: float, ceiling_dbtp: float | None, peaks: list[float] | None) -> bool:
    if peaks is not None:
        peaks.append(peak)
    log.info("encode %d: true peak %.2f dBTP (ceiling %.1f, gain %.2f dB)", attempt, peak, ceiling_dbtp, gain_db)
    return ceiling_dbtp is None or peak <= ceiling_dbtp
