"""The session player: one page per split session, beside the program page.

``publish`` writes, for every session rendered with ``--split sets``, a page
``<week>-<session>.play.html`` in the feed root (the folder with ``index.html``), and once
per feed root the files every player page shares: ``player.js`` (the player),
``player-sw.js`` (the service worker that keeps the session for offline use) and
``player.webmanifest``. They are package data (``audiocoach/publish/player/``), copied as
they are; the page holds its session as JSON (the pieces from ``<stem>.pieces.json``, see
:mod:`audiocoach.export.split`) and its styles inline, so it needs nothing from the network.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from audiocoach.export.outputs import write_text_atomic
from audiocoach.export.split import read_manifest, split_folder
from audiocoach.publish.feed import Episode, Feed
from audiocoach.words.language import page_language

PAGE_SUFFIX = ".play.html"
SCRIPT = "player.js"
WORKER = "player-sw.js"
WEB_MANIFEST = "player.webmanifest"
SHARED = (SCRIPT, WORKER, WEB_MANIFEST)


def _asset(name: str) -> str:
    return resources.files("audiocoach.publish").joinpath("player", name).read_text(encoding="utf-8")


def player_name(episode: Episode) -> str:
    """The player page's file name in the feed root: ``week-01-1-monday-hinge.play.html``."""
    return episode.key.replace("/", "-") + PAGE_SUFFIX


def session_data(feed: Feed, episode: Episode) -> dict | None:
    """What the player needs to play ``episode`` (None when it was not split into pieces)."""
    found = read_manifest(episode.audio)
    if not found:
        return None
    folder = split_folder(episode.audio)
    pieces = []
    for p in found:
        path = folder / p.filename
        src = quote((path).relative_to(feed.root).as_posix())
        pieces.append(
            {
                "src": src,
                "kind": p.kind,
                "title": p.title,
                "exercise": p.exercise,
                "item": p.item,
                "set": p.set,
                "sets": p.sets,
                "reps": p.reps,
                "tempo": p.tempo,
                "load": p.load,
                "go_ms": p.go_ms,
                "start_ms": p.start_ms,
                "length_ms": p.length_ms,
            }
        )
    # The offline copy is renewed when any piece changes (a re-render), not otherwise.
    stamp = hashlib.sha256()
    for p in found:
        st = (folder / p.filename).stat()
        stamp.update(f"{p.filename}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return {
        "key": episode.key,
        "title": episode.title,
        "program": feed.title,
        "version": stamp.hexdigest()[:12],
        "duration_ms": episode.duration_ms,
        "worker": WORKER,
        "assets": list(SHARED),
        "pieces": pieces,
    }


def player_html(data: dict, language: str = "en") -> str:
    """The player page for one session: markup, inline styles, the session as JSON; its
    ``lang`` and labels in the session's ``language`` (a BCP 47 tag)."""
    session = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    say = page_language(language).label
    return f"""<!doctype html>
<html lang="{escape(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#000000">
<link rel="icon" href="data:,">
<link rel="manifest" href="{WEB_MANIFEST}">
<title>{escape(data["title"])}: player</title>
<style>{_asset("player.css")}</style></head>
<body>
<header><span id="session-title">{escape(data["title"])}</span><span id="offline" role="status"></span>
<a href="index.html">{say("program")}</a></header>
<main aria-live="polite">
<p id="phase"></p>
<h1 id="exercise"></h1>
<p id="setof"></p>
<p id="dose"></p>
<p class="big" id="rest-left">0:00</p>
<p class="label" id="rest-label"></p>
<p class="row"><span>{say("session_left")}</span><span id="session-left"></span></p>
<p class="row"><span>{say("next")}</span><span id="next"></span></p>
</main>
<nav aria-label="Player controls">
<button type="button" id="add-rest">{say("add_rest")}</button>
<button type="button" id="skip-rest">{say("skip_rest")}</button>
<button type="button" id="previous-exercise">&#9664; {say("exercise")}</button>
<button type="button" id="next-exercise">{say("exercise")} &#9654;</button>
<button type="button" id="restart-set">{say("restart_set")}</button>
<button type="button" id="toggle" class="primary">{say("play")}</button>
</nav>
<section id="summary" hidden><h2>{say("your_rests")}</h2><ol id="rests"></ol>
<button type="button" id="start-over">{say("start_over")}</button></section>
<script type="application/json" id="session">{session}</script>
<script src="{SCRIPT}"></script>
</body></html>
"""


def write_players(feed: Feed) -> tuple[Path, ...]:
    """Write the player page of every split session of ``feed`` and the shared files.

    Returns the pages written (none, and no shared files, when no session was split).
    """
    pages = []
    for ep in feed.episodes:
        data = session_data(feed, ep)
        if data is None:
            continue
        path = feed.root / player_name(ep)
        write_text_atomic(path, player_html(data, ep.language))
        pages.append(path)
    if pages:
        for name in SHARED:
            write_text_atomic(feed.root / name, _asset(name))
    return tuple(pages)
