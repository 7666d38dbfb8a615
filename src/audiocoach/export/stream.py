"""One ffmpeg encode fed through a pipe: the formats, the encoder's command line, the stream.

:func:`encode_stream` is what :mod:`audiocoach.export.encode` (one file) and
:mod:`audiocoach.export.parallel` (pieces on every core) both run.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiocoach.audio.ffmpeg import ffmpeg_path
from audiocoach.audio.peaks import TruePeakMeter
from audiocoach.errors import AudiocoachError, EncodeError
from audiocoach.export.mp3frames import set_end_padding
from audiocoach.export.outputs import interrupts_deferred
from audiocoach.export.truepeak import MeterReader, reap
from audiocoach.procs import die_with_parent

log = logging.getLogger("audiocoach.export.encode")

#: Formats measured while they encode: ffmpeg's tee muxer writes the file and, at the
#: same time, a copy of the encoded stream that a second ffmpeg decodes for the meter.
#: The others (whose tags or chapters the tee muxer would drop) are decoded afterwards.
_STREAM_MEASURED = {"mp3": "mp3"}


@dataclass(frozen=True)
class Format:
    """An output format: ffmpeg muxer and codec, and how tags and chapters get in."""

    name: str
    ext: str
    muxer: str
    codec: tuple[str, ...]
    #: "id3" (tags and CHAP/CTOC frames written with mutagen after encoding),
    #: "ffmetadata" (an ffmpeg metadata input with chapter sections: MP4 chapters),
    #: "comments" (CHAPTERnnn Vorbis comments, same input) or "" (tags only).
    chapters: str
    uses_bitrate: bool = True


FORMATS: dict[str, Format] = {
    # LAME's quality 5, not ffmpeg's default 3: 11 % less encoder time on speech at 64 kbit/s,
    # and no measurable loss (scripts/encoder_quality.py; docs/bench.md, "Encoder settings").
    "mp3": Format("mp3", ".mp3", "mp3", ("-c:a", "libmp3lame", "-compression_level", "5"), "id3"),
    "m4a": Format("m4a", ".m4a", "ipod", ("-c:a", "aac"), "ffmetadata"),
    # Opus rather than Vorbis: ffmpeg's Ogg muxer passes chapter comments on for Opus.
    # The comments are written by us: ffmpeg 5.1 rounds the seconds of its own (10.746 s
    # becomes "00:00:11.746").
    "ogg": Format("ogg", ".ogg", "ogg", ("-c:a", "libopus"), "comments"),
    "wav": Format("wav", ".wav", "wav", ("-c:a", "pcm_s16le"), "", uses_bitrate=False),
}
DEFAULT_FORMAT = "mp3"


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise AudiocoachError(f"unknown format {name!r} (valid: {', '.join(FORMATS)})") from None


def format_for_path(path: str | os.PathLike[str], default: str = DEFAULT_FORMAT) -> str:
    """The format a file name asks for by its suffix (``default`` when it names none)."""
    suffix = Path(path).suffix.lower()
    return next((f.name for f in FORMATS.values() if f.ext == suffix), default)


def encode_command(
    rate: int,
    bitrate: str,
    target: str,
    fmt: str = DEFAULT_FORMAT,
    metadata: str | None = None,
    tee: str | None = None,
    frames_only: bool = False,
) -> list[str]:
    """The ffmpeg command that turns raw mono s16le on stdin into ``fmt`` at ``target``.

    ``metadata`` is an ffmetadata file whose tags (and chapters, where the container
    has them) go into the output. ``tee`` (a muxer name) also writes the encoded stream
    to stdout in that container. ``frames_only`` (MP3): nothing but audio frames, no ID3
    header and no LAME info frame (a piece of a parallel encode).
    """
    f = get_format(fmt)
    cmd = [
        ffmpeg_path(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
    ]
    if metadata is not None:
        cmd += ["-f", "ffmetadata", "-i", metadata, "-map", "0:a", "-map_metadata", "1"]
        cmd += ["-map_chapters", "1" if f.chapters == "ffmetadata" else "-1"]
    cmd += list(f.codec)
    if f.uses_bitrate:
        cmd += ["-b:a", bitrate]
    raw = ["write_xing=0", "id3v2_version=0"] if frames_only else []
    if tee is not None:
        # The file, and the same encoded stream on stdout for the true-peak meter.
        slave = "file:" + os.path.abspath(target)
        for ch in ("\\", "'", "|", "[", "]"):
            slave = slave.replace(ch, "\\" + ch)
        options = ":".join([f"f={f.muxer}", *raw])
        return cmd + ["-map", "0:a", "-f", "tee", f"[{options}]{slave}|[f={tee}]pipe:1"]
    return cmd + [arg for opt in raw for arg in ("-" + opt.split("=")[0], opt.split("=")[1])] + ["-f", f.muxer, target]


def _widen_pipe(fd: int) -> None:
    # A 1 MiB pipe (Linux; the default is 64 KiB) lets the mixer work on the next chunk
    # while ffmpeg is still encoding the last one.
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)


def encode_stream(
    chunks: Iterable[np.ndarray],
    target: Path,
    *,
    rate: int,
    bitrate: str,
    fmt: str = DEFAULT_FORMAT,
    metadata: str | None = None,
    meter: TruePeakMeter | None = None,
    frames_only: bool = False,
) -> None:
    """Pipe int16 chunks through ffmpeg into ``target`` (which is overwritten).

    With a ``meter`` (only for the formats in ``_STREAM_MEASURED``), the encoded stream is
    decoded while it is written and fed to the meter, on the core the encoder leaves free.
    ``frames_only``: see :func:`encode_command`.
    """
    tee = _STREAM_MEASURED.get(fmt) if meter is not None else None
    cmd = encode_command(rate, bitrate, str(target), fmt, metadata, tee=tee, frames_only=frames_only)
    log.debug("run %s", " ".join(cmd))
    with tempfile.TemporaryFile() as err, contextlib.ExitStack() as stack:
        with interrupts_deferred():  # an interrupt inside Popen would orphan the encoder
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE if tee else subprocess.DEVNULL,
                stderr=err,
                preexec_fn=die_with_parent,
            )
        stack.callback(reap, proc)
        reader = None
        if tee is not None:
            assert proc.stdout is not None and meter is not None
            reader = MeterReader(proc.stdout, meter, ["-f", tee, "-i", "pipe:0"])
            proc.stdout.close()  # the decoder holds the read end now
            stack.callback(reader.stop)
        assert proc.stdin is not None
        _widen_pipe(proc.stdin.fileno())
        written = 0
        try:
            for chunk in chunks:
                proc.stdin.write(chunk.astype("<i2", copy=False).tobytes())
                written += len(chunk)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = proc.wait()
        if rc != 0:
            err.seek(0)
            raise EncodeError(cmd, rc, err.read().decode("utf-8", "replace"))
        if reader is not None:
            reader.join()
    if fmt == "mp3" and not frames_only:
        set_end_padding(str(target), written)  # ffmpeg's tag can be a few samples long
