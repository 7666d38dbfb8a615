"""Tags and chapters: what a player shows of a session.

MP3 gets ID3v2.4 frames written with mutagen after the encode (a CHAP frame per chapter,
listed in order by a top-level CTOC); the other formats get an ffmetadata document that
ffmpeg reads as a second input (MP4 chapters, or CHAPTERnnn Vorbis comments for Ogg).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from audiocoach.export.chapters import add_id3_chapters

__all__ = ["Chapter", "Tags", "ffmetadata", "write_tags"]


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
    """ID3v2.4 tags and one CHAP frame per chapter, listed in order by CTOC frames (nested past 255)."""
    from mutagen.id3 import COMM, ID3, TALB, TIT2, TPE1, TXXX, ID3NoHeaderError

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
    add_id3_chapters(id3, tags.title, chapters)
    id3.save(path, v2_version=4)
