"""Room for the ID3 tag at the front of an MP3, made before the tag is written.

mutagen writes a tag that does not fit the file's existing one by moving everything after
it, through an ``mmap`` of the whole file: every page of the audio is then mapped into the
build's process, and its peak memory grows with the session's length (a 3-hour MP3 is
86 MB at 64 kbit/s). A file that already opens with an empty tag whose padding holds the
new one is written in place, touching only its first kilobytes.
"""

from __future__ import annotations

from pathlib import Path

#: Bytes per chapter reserved beyond its title: the CHAP frame, its TIT2 sub-frame and
#: its entry in the CTOC (measured: 58 for a short title; padded element ids add more).
_PER_CHAPTER = 96
_BASE = 4096


def room_for(titles: list[str], texts: list[str]) -> int:
    """Bytes of padding enough for a tag with these chapter titles and text fields."""
    size = _BASE + sum(2 * len(t.encode("utf-8")) + _PER_CHAPTER for t in titles)
    size += sum(len(t.encode("utf-8")) + 32 for t in texts)
    return size + size // 4


def empty_tag(padding: int) -> bytes:
    """An ID3v2.4 header with no frames and ``padding`` zero bytes."""
    if not 0 < padding < 1 << 28:
        raise ValueError(f"ID3 padding {padding} out of range")
    size = bytes((padding >> shift) & 0x7F for shift in (21, 14, 7, 0))  # syncsafe
    return b"ID3\x04\x00\x00" + size + bytes(padding)


def existing_tag_size(head: bytes) -> int:
    """The size of the ID3v2 tag ``head`` opens with (header included), 0 when none."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    body = 0
    for b in head[6:10]:
        body = body << 7 | (b & 0x7F)
    return 10 + body + (10 if head[5] & 0x10 else 0)  # footer flag


def make_room(path: Path, padding: int) -> None:
    """Open ``path`` with an empty tag of ``padding`` bytes (replacing the tag it has).

    The audio is moved in place, block by block from the end (or from the front when the
    new tag is smaller), so the memory used does not depend on the file's size.
    """
    head = empty_tag(padding)
    with open(path, "r+b") as f:
        old = existing_tag_size(f.read(10))
        if old == len(head) and not any(f.read(len(head) - 10)):
            return  # the empty tag is there already
        end = f.seek(0, 2)
        delta = len(head) - old
        blocks = range(end, old, -_BLOCK) if delta > 0 else range(old, end, _BLOCK)
        for mark in blocks:
            lo, hi = (max(old, mark - _BLOCK), mark) if delta > 0 else (mark, min(end, mark + _BLOCK))
            f.seek(lo)
            data = f.read(hi - lo)
            f.seek(lo + delta)
            f.write(data)
        if delta < 0:
            f.truncate(end + delta)
        f.seek(0)
        f.write(head)


_BLOCK = 1 << 20
