"""Rendered sessions -> a podcast feed, chapters JSON and a program page.

:func:`publish` looks under a folder for every *feed root*: a folder that holds
``week-NN`` folders, as ``audiocoach batch`` writes them (``OUT/<program>/week-01/...``,
or one folder per athlete where a roster renders many). Each root gets:

- ``feed.xml``: RSS 2.0 with iTunes and Podcasting 2.0 tags, one episode per session,
  ordered by week and day. Enclosures carry the file's exact byte length and MIME type;
  the GUID comes from the folder's name and the session's key, never from the audio, so
  a re-rendered session replaces its episode instead of adding one.
- ``<session>.chapters.json`` beside each audio file (Podcasting 2.0 chapters), made from
  the same timeline chapters the ID3 CHAP frames were written from.
- ``index.html``: the program page (:mod:`audiocoach.publish.pages`).
- a player page per session split into pieces (``build --split sets``), with the files
  they share (:mod:`audiocoach.publish.player`); the feed keeps the one-file session.

A session is read from what ``build`` leaves beside its audio: the timeline (``.json``:
title, length, chapters, week and day) and the plan (``.plan.json``: the exercises). A
file without a timeline is listed as skipped, not guessed at.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from audiocoach.errors import AudiocoachError
from audiocoach.export.artifacts import Artifacts
from audiocoach.export.sessionplan import SessionPlan, read_plan
from audiocoach.export.stream import FORMATS
from audiocoach.export.tags import Chapter
from audiocoach.timeline import Timeline

FEED_NAME = "feed.xml"
PAGE_NAME = "index.html"
CHAPTERS_TYPE = "application/json+chapters"

#: MIME type of each audio format, for enclosures and the server.
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".wav": "audio/wav"}

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

_WEEK_DIR = re.compile(r"^week-(\d+)$")
_DAY_PREFIX = re.compile(r"^(\d+)-")
_GUID_NAMESPACE = uuid.UUID("6f0c1d0e-5b7a-4d3e-9c2a-61a7d1c0a113")


@dataclass(frozen=True)
class Episode:
    """One rendered session, as found on disk."""

    key: str  # week-01/1-monday-posterior-chain
    week: int
    day_index: int
    day: str
    title: str
    audio: Path
    size: int
    mime: str
    duration_ms: int
    chapters: tuple[Chapter, ...]
    plan: SessionPlan | None
    deload: bool = False
    program: str = ""
    athlete: str = ""
    #: The BCP 47 tag of the language the coach speaks in it.
    language: str = "en"

    @property
    def chapters_path(self) -> Path:
        return Artifacts(self.audio).chapters


@dataclass(frozen=True)
class Feed:
    """A feed root: a program's (or one athlete's) folder of weeks."""

    root: Path
    title: str
    episodes: tuple[Episode, ...]
    skipped: tuple[Path, ...] = ()

    @property
    def weeks(self) -> tuple[int, ...]:
        return tuple(sorted({e.week for e in self.episodes}))

    @property
    def language(self) -> str:
        """The language most of its sessions speak (a feed has one), ``en`` when empty."""
        tags = [e.language for e in self.episodes]
        return max(dict.fromkeys(tags), key=tags.count) if tags else "en"


def feed_roots(folder: Path) -> list[Path]:
    """Every folder under ``folder`` (itself included) that holds week-NN folders."""
    found = []
    for path in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") or part.endswith(".sets") or _WEEK_DIR.match(part) for part in rel):
            continue
        if any(_WEEK_DIR.match(c.name) and c.is_dir() for c in path.iterdir()):
            found.append(path)
    return found


def _episode(root: Path, audio: Path, week: int) -> Episode | None:
    try:
        timeline = Timeline.from_json(Artifacts(audio).timeline.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    m = _DAY_PREFIX.match(audio.stem)
    meta = timeline.meta
    return Episode(
        key=audio.relative_to(root).with_suffix("").as_posix(),
        week=int(meta.get("week", week)),
        day_index=int(m.group(1)) if m else 0,
        day=str(meta.get("day", "")),
        title=timeline.title,
        audio=audio,
        size=audio.stat().st_size,
        mime=AUDIO_TYPES[audio.suffix.lower()],
        duration_ms=timeline.duration_ms,
        chapters=tuple(Chapter(e.start_ms, e.end_ms, e.text) for e in timeline.of_kind("chapter")),
        plan=read_plan(audio),
        deload=meta.get("deload") == "yes",
        program=str(meta.get("program", "")),
        athlete=str(meta.get("athlete", "")),
        language=str(meta.get("language", "en")),
    )


def read_feed(root: Path) -> Feed:
    """The sessions under ``root``'s week folders, ordered by week and day."""
    episodes, skipped = [], []
    exts = {f.ext for f in FORMATS.values()}
    for week_dir in sorted(root.iterdir()):
        m = _WEEK_DIR.match(week_dir.name)
        if not (m and week_dir.is_dir()):
            continue
        for audio in sorted(week_dir.iterdir()):
            if audio.is_file() and audio.suffix.lower() in exts and not audio.name.startswith("."):
                ep = _episode(root, audio, int(m.group(1)))
                (episodes.append(ep) if ep else skipped.append(audio))
    episodes.sort(key=lambda e: (e.week, e.day_index, e.key))
    title = episodes[0].program if episodes else ""
    if episodes and episodes[0].athlete:
        title = f"{title}: {episodes[0].athlete}"
    return Feed(root, title or root.name, tuple(episodes), tuple(skipped))


# --------------------------------------------------------------------------- chapters


def chapters_json(episode: Episode) -> str:
    """Podcasting 2.0 chapters (version 1.2.0): start and end in seconds, title."""
    chapters = [
        {"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "title": c.title} for c in episode.chapters
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- the feed


def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AudiocoachError(
            f"--base-url {base_url!r} is not an http(s) address; give the address the folder will be served at, "
            "e.g. http://192.168.1.20:8000/ (what 'audiocoach serve' prints)"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def url_for(base_url: str, top: Path, path: Path) -> str:
    return base_url + quote(path.relative_to(top).as_posix())


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    prefix, _, local = tag.rpartition(":")
    el = ET.SubElement(parent, f"{{{NS[prefix]}}}{local}" if prefix else tag, attrs)
    if value is not None:
        el.text = value
    return el


def describe(episode: Episode) -> str:
    """The episode's description: when it is, then the plan, one exercise per line."""
    minutes = max(1, round(episode.duration_ms / 60_000))
    head = f"Week {episode.week}" + (f", {episode.day}" if episode.day else "") + f": about {minutes} minutes."
    if episode.deload:
        head += " Deload week."
    if episode.plan is None:
        body = "\n".join(c.title for c in episode.chapters)
    else:
        body = "\n".join(x for x in (episode.plan.description, episode.plan.summary()) if x)
    return f"{head}\n{body}"


def feed_xml(feed: Feed, top: Path, base_url: str, *, author: str = "audiocoach", now: datetime | None = None) -> str:
    """The RSS 2.0 document of ``feed``, with URLs under ``base_url`` (which serves ``top``)."""
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _sub(rss, "channel")
    page_url = url_for(base_url, top, feed.root / PAGE_NAME)
    _sub(ch, "title", feed.title)
    _sub(ch, "link", page_url)
    summary = (
        f"{feed.title}: {len(feed.episodes)} coached sessions over {len(feed.weeks)} weeks, in order of week and day."
    )
    _sub(ch, "description", summary)
    _sub(ch, "language", feed.language)
    _sub(ch, "generator", "audiocoach")
    _sub(ch, "atom:link", href=url_for(base_url, top, feed.root / FEED_NAME), rel="self", type="application/rss+xml")
    _sub(ch, "itunes:author", author)
    _sub(ch, "itunes:summary", summary)
    _sub(ch, "itunes:type", "serial")  # listened in order: week 1 day 1 first
    _sub(ch, "itunes:explicit", "false")
    _sub(_sub(ch, "itunes:category", text="Health & Fitness"), "itunes:category", text="Fitness")
    _sub(ch, "podcast:locked", "yes")
    # Dates follow the order of week and day (apps sort by them), a minute apart.
    start = _anchor(feed, now)
    for n, ep in enumerate(feed.episodes, 1):
        item = _sub(ch, "item")
        _sub(item, "title", ep.title)
        _sub(item, "link", f"{page_url}#{_anchor_id(ep)}")
        text = describe(ep)
        _sub(item, "description", text)
        _sub(item, "itunes:summary", text)
        _sub(item, "enclosure", url=url_for(base_url, top, ep.audio), length=str(ep.size), type=ep.mime)
        _sub(item, "guid", episode_guid(feed, ep), isPermaLink="false")
        _sub(item, "pubDate", format_datetime(start + timedelta(minutes=n)))
        _sub(item, "itunes:title", ep.title)
        _sub(item, "itunes:duration", str(round(ep.duration_ms / 1000)))
        _sub(item, "itunes:season", str(ep.week))
        _sub(item, "itunes:episode", str(n))
        _sub(item, "itunes:episodeType", "full")
        _sub(item, "itunes:explicit", "false")
        _sub(item, "podcast:chapters", url=url_for(base_url, top, ep.chapters_path), type=CHAPTERS_TYPE)
    ET.indent(rss, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def episode_guid(feed: Feed, episode: Episode) -> str:
    """Stable across re-renders: the feed folder's name and the session's key only."""
    return f"urn:uuid:{uuid.uuid5(_GUID_NAMESPACE, f'{feed.root.name}/{episode.key}')}"


def _anchor_id(episode: Episode) -> str:
    return episode.key.replace("/", "-")


def _anchor(feed: Feed, now: datetime | None) -> datetime:
    if not feed.episodes:
        return now or datetime.now(UTC)
    oldest = min(e.audio.stat().st_mtime for e in feed.episodes)
    day = datetime.fromtimestamp(oldest, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day


# --------------------------------------------------------------------------- publish
