"""Publish a rendered folder: one podcast feed and one program page per program or athlete.

Reads the rendered weeks (:mod:`audiocoach.publish.feed`), writes each feed's ``feed.xml``,
its chapter files and the page (:mod:`audiocoach.publish.pages`) beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audiocoach.errors import AudiocoachError
from audiocoach.export.outputs import write_text_atomic
from audiocoach.publish.feed import (
    FEED_NAME,
    PAGE_NAME,
    Feed,
    chapters_json,
    check_base_url,
    feed_roots,
    feed_xml,
    read_feed,
)
from audiocoach.publish.pages import page_html
from audiocoach.publish.player import write_players

__all__ = ["PublishResult", "publish"]


@dataclass(frozen=True)
class PublishResult:
    feed: Feed
    feed_path: Path
    page_path: Path
    chapter_files: tuple[Path, ...]
    player_pages: tuple[Path, ...] = ()


# --------------------------------------------------------------------------- discovery


def publish(folder: str | Path, base_url: str, *, author: str = "audiocoach") -> list[PublishResult]:
    """Write ``feed.xml``, ``index.html`` and chapters JSON for every feed root under ``folder``.

    Args:
        folder: a program's output folder, a roster's, or any folder above them.
        base_url: the address ``folder`` is served at (``audiocoach serve`` prints it).
        author: the feed's ``itunes:author``.

    Returns:
        One :class:`PublishResult` per feed written.

    Raises:
        AudiocoachError: ``folder`` is missing, holds no rendered weeks, or ``base_url``
            is not an http(s) address.
    """
    base_url = check_base_url(base_url)
    top = Path(folder)
    if not top.is_dir():
        raise AudiocoachError(f"{top}: no such folder (render a program first: audiocoach batch PROGRAM)")
    roots = feed_roots(top)
    if not roots:
        raise AudiocoachError(
            f"{top}: no week-NN folders found; publish a folder 'audiocoach batch' wrote (e.g. output/<program>)"
        )
    feeds = [read_feed(r) for r in roots]
    _name_athletes(feeds)
    out = []
    for feed in feeds:
        chapter_files = []
        for ep in feed.episodes:
            write_text_atomic(ep.chapters_path, chapters_json(ep))
            chapter_files.append(ep.chapters_path)
        feed_path, page_path = feed.root / FEED_NAME, feed.root / PAGE_NAME
        write_text_atomic(feed_path, feed_xml(feed, top, base_url, author=author))
        players = write_players(feed)
        write_text_atomic(page_path, page_html(feed))
        out.append(PublishResult(feed, feed_path, page_path, tuple(chapter_files), players))
    return out


def _name_athletes(feeds: list[Feed]) -> None:
    """Feeds of the same program (a roster) are told apart by their folder: the athlete."""
    shared = [sum(f.title == feed.title for f in feeds) > 1 for feed in feeds]
    for i, feed in enumerate(feeds):
        if shared[i]:
            feeds[i] = Feed(feed.root, f"{feed.title}: {feed.root.name}", feed.episodes, feed.skipped)
