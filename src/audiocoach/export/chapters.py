"""ID3v2 chapter frames (CHAP) and their tables of contents (CTOC), any number of chapters.

A CTOC frame counts its children in one byte, so one table lists at most 255 entries. The
ID3v2 chapter addendum lets a table of contents list other tables (nested CTOCs, only the
root flagged top-level), so a long session keeps every chapter: the CHAP frames are grouped
255 to a table, the tables 255 to a table above them, up to one top-level table. Players
and ffprobe that ignore the CTOC frames read the CHAP frames in stored order, which is time
order (see :func:`chapter_ids`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mutagen.id3 import ID3

#: Entries one CTOC frame can list (its entry count is one byte).
MAX_CTOC_ENTRIES = 255


class ChapterLike(Protocol):
    """What a chapter needs to be written: :class:`audiocoach.export.encode.Chapter`."""

    @property
    def start_ms(self) -> int: ...

    @property
    def end_ms(self) -> int: ...

    @property
    def title(self) -> str: ...


def chapter_ids(chapters: Sequence[ChapterLike]) -> list[str]:
    """One element id per chapter, such that mutagen stores the CHAP frames in time order.

    mutagen stores frames sorted by their size, then by their key; ffprobe -show_chapters
    and players that ignore the CTOC list CHAP frames in stored order. Ids padded so that
    every CHAP frame has the same size let the key (the zero-padded index) decide.
    """
    width = max(4, len(str(len(chapters) - 1)))
    longest = max((len(ch.title.encode("utf-8")) for ch in chapters), default=0)
    return [f"ch{i:0{width}d}" + "_" * (longest - len(ch.title.encode("utf-8"))) for i, ch in enumerate(chapters)]


def toc_tree(ids: list[str], top_id: str = "toc") -> list[tuple[str, list[str], bool]]:
    """The tables of contents listing ``ids`` in order: ``(element_id, children, top_level)``.

    At most :data:`MAX_CTOC_ENTRIES` children each; the last entry is the one top-level table.
    """
    tables: list[tuple[str, list[str], bool]] = []
    level, depth = ids, 0
    while len(level) > MAX_CTOC_ENTRIES:
        groups = [level[i : i + MAX_CTOC_ENTRIES] for i in range(0, len(level), MAX_CTOC_ENTRIES)]
        width = len(str(len(groups) - 1))
        names = [f"{top_id}{depth}_{n:0{width}d}" for n in range(len(groups))]
        tables.extend((name, group, False) for name, group in zip(names, groups))
        level, depth = names, depth + 1
    tables.append((top_id, level, True))
    return tables


def add_id3_chapters(id3: ID3, title: str, chapters: Sequence[ChapterLike]) -> None:
    """Add one CHAP frame per chapter and the CTOC frames that list them in order to ``id3``.

    ``title`` names the top-level table; a nested table is named by the chapters it spans
    (e.g. "Chapters 256-510"), so a player that shows the tree shows where it is.
    """
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    if not chapters:
        return
    ids = chapter_ids(chapters)
    for cid, ch in zip(ids, chapters):
        id3.add(
            CHAP(
                element_id=cid, start_time=ch.start_ms, end_time=ch.end_ms, sub_frames=[TIT2(encoding=3, text=ch.title)]
            )
        )
    span: dict[str, tuple[int, int]] = {cid: (i, i) for i, cid in enumerate(ids)}
    for element_id, children, top_level in toc_tree(ids):
        span[element_id] = (span[children[0]][0], span[children[-1]][1])
        if top_level:
            name = title
        else:
            first, last = span[element_id]
            name = f"Chapters {first + 1}-{last + 1}"
        flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if top_level else 0)
        id3.add(
            CTOC(
                element_id=element_id, flags=flags, child_element_ids=children, sub_frames=[TIT2(encoding=3, text=name)]
            )
        )


def read_id3_chapters(id3: ID3) -> list[tuple[int, int, str]]:
    """The chapters of ``id3`` as ``(start_ms, end_ms, title)``, walking the CTOC tree from its root.

    Without a top-level CTOC, every CHAP frame in time order.
    """
    from mutagen.id3 import CTOCFlags

    chaps = {f.element_id: f for f in id3.getall("CHAP")}
    tocs = {f.element_id: f for f in id3.getall("CTOC")}
    roots = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]

    def walk(element_id: str, seen: set[str]) -> list[str]:
        if element_id in chaps:
            return [element_id]
        if element_id not in tocs or element_id in seen:
            return []
        seen.add(element_id)
        return [c for child in tocs[element_id].child_element_ids for c in walk(child, seen)]

    order = walk(roots[0].element_id, set()) if roots else sorted(chaps, key=lambda c: chaps[c].start_time)
    return [(chaps[c].start_time, chaps[c].end_time, _title(chaps[c])) for c in order]


def _title(chap) -> str:
    frame = chap.sub_frames.get("TIT2")
    return str(frame.text[0]) if frame is not None and frame.text else ""
