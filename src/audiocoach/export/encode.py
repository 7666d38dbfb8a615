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

import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from audiocoach.audio.loudness import CEILING_DBTP, TruePeakMeter
from audiocoach.defaults import BITRATE
from audiocoach.errors import AudiocoachError, EncodeError, EngineMissingError
from audiocoach.export.outputs import OutputSet, interrupts_deferred, write_text_atomic  # noqa: F401  (write_text_atomic: batch imports it from here)
from audiocoach.export.tagroom import make_room, room_for

if TYPE_CHECKING:
    from audiocoach.export.parallel import Pieces

log = logging.getLogger("audiocoach.export.encode")

FFMPEG_HINT = "ffmpeg is missing: install it (Debian/Ubuntu: sudo apt-get install ffmpeg)"

#: Chunks to encode, or ``f(gain_db) -> chunks`` that can play them again quieter (so an
#: encode whose true peak comes out over the ceiling can be redone).
ChunkSource = Iterable[np.ndarray] | Callable[[float], Iterable[np.ndarray]]
#: Encodes redone at most this many times to bring the true peak under the ceiling.
MAX_PEAK_PASSES = 3
#: How far under the ceiling a corrected encode aims (the codec's overshoot varies a little).
PEAK_CORRECTION_MARGIN_DB = 0.2
#: Formats measured while they encode: ffmpeg's tee muxer writes the file and, at the
#: same time, a copy of the encoded stream that a second ffmpeg decodes for the meter.
#: The others (whose tags or chapters the tee muxer would drop) are decoded afterwards.
_STREAM_MEASURED = {"mp3": "mp3"}


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str = "audiocoach"
    album: str = ""
    comment: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def ffmpeg_path() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise EngineMissingError(FFMPEG_HINT)
    return path


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


def die_with_parent() -> None:
    """In the encoder's child process: be killed when the build dies (Linux).

    A build killed outright (kill -9) would otherwise leave ffmpeg running, and an ffmpeg
    still starting up creates its output file (a temporary name) after the next build has
    removed the dead build's leftovers.
    """
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _load_prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _load_prctl()


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
        stack.callback(_reap, proc)
        reader = None
        if tee is not None:
            assert proc.stdout is not None and meter is not None
            reader = _MeterReader(proc.stdout, meter, ["-f", tee, "-i", "pipe:0"])
            proc.stdout.close()  # the decoder holds the read end now
            stack.callback(reader.stop)
        assert proc.stdin is not None
        _widen_pipe(proc.stdin.fileno())
        try:
            for chunk in chunks:
                proc.stdin.write(chunk.astype("<i2", copy=False).tobytes())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = proc.wait()
        if rc != 0:
            err.seek(0)
            raise EncodeError(cmd, rc, err.read().decode("utf-8", "replace"))
        if reader is not None:
            reader.join()


def _reap(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _decode_command(inputs: list[str]) -> list[str]:
    return [
        ffmpeg_path(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        *inputs,
        "-f",
        "f32le",
        "-ac",
        "1",
        "pipe:1",
    ]


class _MeterReader:
    """A second ffmpeg decoding an encoded stream to float samples, read into a meter on a thread."""

    def __init__(self, stdin, meter: TruePeakMeter, inputs: list[str]):
        self.cmd = _decode_command(inputs)
        log.debug("run %s", " ".join(self.cmd))
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=self._err)
        self.meter = meter
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="true-peak", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.proc.stdout is not None
        rest = b""
        try:
            while data := self.proc.stdout.read(1 << 18):
                data = rest + data
                whole = len(data) // 4 * 4
                rest = data[whole:]
                self.meter.feed(np.frombuffer(data[:whole], dtype="<f4"))
        except BaseException as exc:  # reported by join()
            self.failure = exc

    def join(self) -> None:
        """Wait for the decoder; raise when it or the meter failed."""
        self._thread.join()
        rc = self.proc.wait()
        self.meter.finish()
        if self.failure is not None:
            raise self.failure
        if rc != 0:
            self._err.seek(0)
            raise EncodeError(self.cmd, rc, self._err.read().decode("utf-8", "replace"))

    def stop(self) -> None:
        _reap(self.proc)
        self._thread.join()
        self._err.close()


def measure_true_peak(path: Path, ceiling_dbtp: float = CEILING_DBTP) -> float:
    """True peak (dBTP) of an audio file, decoded by ffmpeg and 4x oversampled."""
    meter = TruePeakMeter(ceiling_dbtp)
    reader = _MeterReader(subprocess.DEVNULL, meter, ["-i", "file:" + os.path.abspath(path)])
    try:
        reader.join()
    finally:
        reader.stop()
    return meter.peak_db


def _ffmeta_escape(text: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text


def _comment_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def ffmetadata(tags: Tags, chapters: list[Chapter], *, as_comments: bool = False) -> str:
    """An ffmetadata document: global tags, then one [CHAPTER] per chapter (ms).

    ``as_comments`` writes the chapters as CHAPTERnnn / CHAPTERnnnNAME tags instead (the
    Vorbis comment chapter convention, for Ogg).
    """
    lines = [";FFMETADATA1"]
    fields = {"title": tags.title, "artist": tags.artist, "album": tags.album, "comment": tags.comment, **tags.extra}
    if as_comments:
        for i, ch in enumerate(chapters):
            fields[f"CHAPTER{i:03d}"] = _comment_time(ch.start_ms)
            fields[f"CHAPTER{i:03d}NAME"] = ch.title
        chapters = []
    lines += [f"{_ffmeta_escape(k)}={_ffmeta_escape(v)}" for k, v in fields.items() if v]
    for ch in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={ch.start_ms}",
            f"END={ch.end_ms}",
            f"title={_ffmeta_escape(ch.title)}",
        ]
    return "\n".join(lines) + "\n"


def write_tags(path: Path, tags: Tags, chapters: list[Chapter]) -> None:
    """ID3v2.4 tags and one CHAP frame per chapter, listed in order by a top-level CTOC."""
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TIT2, TPE1, TXXX, CTOCFlags, ID3NoHeaderError

    try:
        id3 = ID3(path)
    except ID3NoHeaderError:
        id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    if tags.album:
        id3.add(TALB(encoding=3, text=tags.album))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    for key, value in tags.extra.items():
        id3.add(TXXX(encoding=3, desc=key, text=value))
    # mutagen stores frames sorted by their size, then by key; ffprobe -show_chapters and
    # players that ignore the CTOC list CHAP frames in stored order. Element ids padded
    # so that every CHAP frame has the same size make the key (the id) decide: time order.
    longest = max((len(ch.title.encode("utf-8")) for ch in chapters), default=0)
    ids = [f"ch{i:04d}" + "_" * (longest - len(ch.title.encode("utf-8"))) for i, ch in enumerate(chapters)]
    for cid, ch in zip(ids, chapters):
        id3.add(
            CHAP(
                element_id=cid, start_time=ch.start_ms, end_time=ch.end_ms, sub_frames=[TIT2(encoding=3, text=ch.title)]
            )
        )
    if chapters:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=tags.title)],
            )
        )
    id3.save(path, v2_version=4)


def export_audio(
    chunks: ChunkSource,
    output: str | os.PathLike[str],
    *,
    rate: int,
    fmt: str = DEFAULT_FORMAT,
    bitrate: str = BITRATE,
    tags: Tags,
    chapters: list[Chapter] = (),  # type: ignore[assignment]
    sidecars: Mapping[Path, str | Iterable[str]] | None = None,
    ceiling_dbtp: float | None = CEILING_DBTP,
    peaks: list[float] | None = None,
    pieces: Pieces | None = None,
) -> Path:
    """Encode ``chunks`` to ``output`` as ``fmt``, with its sidecars, all or nothing.

    Every file is written under a temporary name and they are renamed into place together
    (see :class:`~audiocoach.outputs.OutputSet`): an interrupted or failed build, a full
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
            rate=rate,
            bitrate=bitrate,
            fmt=f.name,
            metadata=str(meta) if meta else None,
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


def _encode_under_ceiling(
    chunks: ChunkSource,
    tmp: Path,
    *,
    ceiling_dbtp: float | None,
    peaks: list[float] | None,
    pieces: Pieces | None = None,
    id3_room: int = 0,
    **encode: object,
) -> None:
    """Encode, measure the true peak of what was encoded, and encode again quieter while over."""
    source = chunks if callable(chunks) else None
    gain_db = 0.0
    for attempt in range(1, MAX_PEAK_PASSES + 1):
        if pieces is not None:
            from audiocoach.export.parallel import JoinError, encode_pieces

            try:
                measured = encode_pieces(
                    pieces,
                    tmp,
                    rate=encode["rate"],
                    bitrate=encode["bitrate"],
                    gain_db=gain_db,
                    ceiling_dbtp=ceiling_dbtp,
                    id3_room=id3_room,
                )  # type: ignore[arg-type]
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
            encode_stream(source(0.0) if source else chunks, tmp, **encode)  # type: ignore[arg-type]
            return
        meter = TruePeakMeter(ceiling_dbtp)
        streamed = encode["fmt"] in _STREAM_MEASURED
        encode_stream(source(gain_db) if source else chunks, tmp, meter=meter if streamed else None, **encode)  # type: ignore[arg-type]
        peak = meter.peak_db if streamed else measure_true_peak(tmp, ceiling_dbtp)
        if peaks is not None:
            peaks.append(peak)
        log.info("encode %d: true peak %.2f dBTP (ceiling %.1f, gain %.2f dB)", attempt, peak, ceiling_dbtp, gain_db)
        if peak <= ceiling_dbtp:
            return
        if source is None:
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


def export_mp3(chunks: Iterable[np.ndarray], output: str | os.PathLike[str], **kwargs) -> Path:
    """:func:`export_audio` as MP3."""
    return export_audio(chunks, output, fmt="mp3", **kwargs)
