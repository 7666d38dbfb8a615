"""Chapters past 255: nested CTOC frames (one table lists at most 255), every CHAP kept,
read back by mutagen (walking the tree) and by ffprobe (which reads the CHAP frames)."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags

from audiocoach.export.chapters import MAX_CTOC_ENTRIES, chapter_ids, read_id3_chapters, toc_tree
from audiocoach.export.encode import export_audio
from audiocoach.export.tags import Chapter, Tags

RATE = 22050


def _chapters(n: int, step_ms: int = 10) -> list[Chapter]:
    # titles of varied length, so the same-size CHAP frame padding is exercised
    return [Chapter(i * step_ms, (i + 1) * step_ms, f"Set {i + 1}" + " x" * (i % 3)) for i in range(n)]


def test_toc_tree_groups_by_255_under_one_top_level_table():
    ids = chapter_ids(_chapters(70_000, 1))
    tree = toc_tree(ids)
    assert [t for t in tree if t[2]] == [tree[-1]]
    assert all(len(children) <= MAX_CTOC_ENTRIES for _, children, _ in tree)
    assert len(tree[-1][1]) == 2  # 70,000 -> 275 tables -> 2 tables -> the root
    tables = {name: children for name, children, _ in tree}

    def leaves(name):
        return [leaf for c in tables[name] for leaf in leaves(c)] if name in tables else [name]

    assert leaves("toc") == ids


def test_255_chapters_stay_one_flat_table():
    tree = toc_tree(chapter_ids(_chapters(255)))
    assert len(tree) == 1 and len(tree[0][1]) == 255


@pytest.mark.parametrize("count", [256, 1000])
def test_many_chapters_written_and_read_back(tmp_path, count):
    step_ms = 10
    chapters = _chapters(count, step_ms)
    samples = np.zeros(count * step_ms * RATE // 1000 + RATE, dtype=np.int16)
    out = export_audio([samples], tmp_path / "long.mp3", rate=RATE, tags=Tags(title="Long one"), chapters=chapters)

    id3 = ID3(out)
    assert read_id3_chapters(id3) == [(c.start_ms, c.end_ms, c.title) for c in chapters]
    tocs = id3.getall("CTOC")
    assert sum(1 for t in tocs if t.flags & CTOCFlags.TOP_LEVEL) == 1
    assert all(len(t.child_element_ids) <= 255 for t in tocs)
    assert len(id3.getall("CHAP")) == count

    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(out)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["chapters"]
    assert [c["tags"]["title"] for c in probed] == [c.title for c in chapters]
    assert [round(float(c["start_time"]) * 1000) for c in probed] == [c.start_ms for c in chapters]
