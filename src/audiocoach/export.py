"""Audio -> file: one ffmpeg encode fed through a pipe, then tags and chapters, then rename.

The samples stream into ffmpeg's stdin chunk by chunk, so the finished track is never held
in memory. The file is written under a temporary name in the target folder and renamed
only when complete: an interrupted or failed build leaves no partial file behind.
ID3 tags and CHAP/CTOC chapter frames are written with mutagen (ffmpeg's MP3 muxer writes
no chapters).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from .errors import EncodeError, EngineMissingError

log = logging.getLogger("audiocoach.export")

FFMPEG_HINT = "ffmpeg is missing: install it (Debian/Ubuntu: sudo apt-get install ffmpeg)"


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


def _umask_mode(path: Path) -> None:
    # mkstemp creates 0600 files; a finished file gets the usual mode for this user.
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def encode_command(rate: int, bitrate: str, target: str) -> list[str]:
    """The ffmpeg command that turns raw mono s16le on stdin into an MP3 at ``target``."""
    return [
        ffmpeg_path(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", target,
    ]


def encode_stream(chunks: Iterable[np.ndarray], target: Path, *, rate: int, bitrate: str) -> None:
    """Pipe int16 chunks through ffmpeg into ``target`` (which is overwritten)."""
    cmd = encode_command(rate, bitrate, str(target))
    log.debug("run %s", " ".join(cmd))
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            for chunk in chunks:
                proc.stdin.write(chunk.astype("<i2", copy=False).tobytes())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        rc = proc.wait()
        if rc != 0:
            err.seek(0)
            raise EncodeError(cmd, rc, err.read().decode("utf-8", "replace"))


def write_tags(path: Path, tags: Tags, chapters: list[Chapter]) -> None:
    """ID3v2.4 tags and one CHAP frame per chapter, listed by a top-level CTOC."""
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
    ids = [f"chp{i}" for i in range(len(chapters))]
    for cid, ch in zip(ids, chapters):
        id3.add(CHAP(element_id=cid, start_time=ch.start_ms, end_time=ch.end_ms, sub_frames=[TIT2(encoding=3, text=ch.title)]))
    if chapters:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=tags.title)]))
    id3.save(path, v2_version=4)


def export_mp3(
    chunks: Iterable[np.ndarray],
    output: str | os.PathLike[str],
    *,
    rate: int,
    bitrate: str = "64k",
    tags: Tags,
    chapters: list[Chapter] = (),  # type: ignore[assignment]
) -> Path:
    """Encode ``chunks`` to ``output`` atomically (temp file, then rename)."""
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _umask_mode(tmp)
        encode_stream(chunks, tmp, rate=rate, bitrate=bitrate)
        write_tags(tmp, tags, list(chapters))
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def write_text_atomic(path: Path, text: str) -> None:
    """Write a sidecar file under a temporary name, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".part")
    try:
        _umask_mode(Path(tmp))
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
