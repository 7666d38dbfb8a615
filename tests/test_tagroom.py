"""Room for the ID3 tag is made before mutagen writes it, so the audio is never moved
through an mmap of the whole file (the build's memory would grow with the session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audiocoach.export.tagroom import empty_tag, existing_tag_size, make_room, room_for
from audiocoach.export.tags import Chapter, Tags, write_tags


@pytest.mark.parametrize(("old", "new", "size"), [(0, 100, 3_000_001), (5000, 100, 2_100_000), (40, 9000, 10)])
def test_make_room_keeps_the_audio(tmp_path: Path, old: int, new: int, size: int):
    audio = os.urandom(size)
    path = tmp_path / "a.mp3"
    path.write_bytes((empty_tag(old) if old else b"") + audio)
    make_room(path, new)
    data = path.read_bytes()
    assert existing_tag_size(data) == new + 10
    assert data[new + 10 :] == audio


def test_chapters_are_written_inside_the_room(tmp_path: Path, monkeypatch):
    chapters = [Chapter(i * 1000, (i + 1) * 1000, f"Exercise number {i}") for i in range(200)]
    tags = Tags("A title", album="An album", comment="words " * 40, extra={"week": "3"})
    audio = os.urandom(200_000)
    path = tmp_path / "a.mp3"
    path.write_bytes(audio)
    room = room_for([c.title for c in chapters], [tags.title, tags.album, tags.comment, "week", "3"])
    make_room(path, room)
    import mutagen.id3._file

    def moved(*args, **kwargs):
        raise AssertionError("mutagen moved the audio")

    monkeypatch.setattr(mutagen.id3._file, "insert_bytes", moved)
    write_tags(path, tags, chapters)
    data = path.read_bytes()
    assert data[existing_tag_size(data) :] == audio
