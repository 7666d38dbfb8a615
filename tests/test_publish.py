"""audiocoach publish: the podcast feed, checked with a real feed parser, and the chapters JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.errors import AudiocoachError
from audiocoach.publish.feed import feed_roots
from audiocoach.publish.site import publish
from published import tiny_program

BASE = "http://192.168.1.20:8000/"


@pytest.fixture
def program(phrase_cache, tmp_path) -> Path:
    """A private copy of the rendered tiny program (tests publish into it)."""
    src = tiny_program(str(phrase_cache))
    return Path(shutil.copytree(src, tmp_path / "tiny"))


def _parse(path: Path):
    parsed = feedparser.parse(path.read_text(encoding="utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _file_of(url: str, top: Path) -> Path:
    assert url.startswith(BASE), url
    return top / url[len(BASE) :]


def _ffprobe(path: Path, what: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", what, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


@pytest.mark.engine
def test_feed_parses_and_every_enclosure_is_its_file(program):
    (result,) = publish(program, BASE)
    d = _parse(result.feed_path)
    assert d.feed.title == "Tiny program"
    assert d.feed.itunes_type == "serial" and d.feed.author == "audiocoach"
    # feedparser reads only yes/clean here; Apple's spec asks for true/false.
    assert result.feed_path.read_text(encoding="utf-8").count("<itunes:explicit>false</itunes:explicit>") == 5
    assert [t.term for t in d.feed.tags] == ["Health & Fitness", "Fitness"]
    assert [e.title for e in d.entries] == [
        "Week 1, Monday: Hinge day",
        "Week 1, Thursday: Thrust day",
        "Week 2, Monday: Hinge day",
        "Week 2, Thursday: Thrust day",
    ]
    assert [(e.itunes_season, e.itunes_episode) for e in d.entries] == [("1", "1"), ("1", "2"), ("2", "3"), ("2", "4")]
    dates = [e.published_parsed for e in d.entries]
    assert dates == sorted(dates) and len(set(dates)) == 4
    mp3s = sorted(program.glob("week-*/*.mp3"))
    assert sorted(_file_of(e.enclosures[0].href, program) for e in d.entries) == mp3s
    for e in d.entries:
        (enc,) = e.enclosures
        path = _file_of(enc.href, program)
        assert int(enc.length) == path.stat().st_size
        assert enc.type == "audio/mpeg"
        probed = float(_ffprobe(path, "-show_format")["format"]["duration"])
        assert abs(int(e.itunes_duration) - probed) <= 1.0, (e.title, probed)
        assert e.id.startswith("urn:uuid:") and not e.guidislink
        assert e.podcast_chapters["type"] == "application/json+chapters"
        assert _file_of(e.podcast_chapters["url"], program).is_file()
    assert len({e.id for e in d.entries}) == 4
    # Beside the feed (which keeps the one-file sessions): a player page per split session.
    assert [p.name for p in result.player_pages] == [
        "week-01-1-monday-hinge.play.html",
        "week-01-2-thursday-thrust.play.html",
        "week-02-1-monday-hinge.play.html",
        "week-02-2-thursday-thrust.play.html",
    ]
    assert all((program / name).is_file() for name in ("player.js", "player-sw.js", "player.webmanifest"))
    assert ".play.html" not in result.feed_path.read_text(encoding="utf-8")
    # The description is the plan, with the week's progression (reps +1 a week).
    assert "Romanian deadlift: 2 x 2, tempo 3-1-1-0, rest 12s. Keep the bar close." in d.entries[0].summary
    assert "Romanian deadlift: 2 x 3, tempo 3-1-1-0, rest 12s" in d.entries[2].summary
    assert "Glute bridge hold: 1 x 10s" in d.entries[0].summary


@pytest.mark.engine
def test_chapters_json_has_the_id3_chapters(program):
    (result,) = publish(program, BASE)
    assert len(result.chapter_files) == 4
    for ep in result.feed.episodes:
        data = json.loads(ep.chapters_path.read_text(encoding="utf-8"))
        assert data["version"] == "1.2.0"
        id3 = _ffprobe(ep.audio, "-show_chapters")["chapters"]
        assert len(id3) >= 2
        assert [c["title"] for c in data["chapters"]] == [c["tags"]["title"] for c in id3]
        assert [c["startTime"] for c in data["chapters"]] == [float(c["start_time"]) for c in id3]
        assert [c["endTime"] for c in data["chapters"]] == [float(c["end_time"]) for c in id3]


@pytest.mark.engine
def test_guids_survive_a_rerender_and_lengths_follow_the_file(program):
    (first,) = publish(program, BASE)
    before = {e.title: (e.id, e.enclosures[0].length) for e in _parse(first.feed_path).entries}
    session = program / "week-02" / "1-monday-hinge.mp3"
    with session.open("ab") as f:  # a re-render writes a new file under the same name
        f.write(b"\0" * 1000)
    (again,) = publish(program, BASE)
    after = {e.title: (e.id, e.enclosures[0].length) for e in _parse(again.feed_path).entries}
    assert {t: g for t, (g, _) in after.items()} == {t: g for t, (g, _) in before.items()}
    changed = "Week 2, Monday: Hinge day"
    assert int(after[changed][1]) == int(before[changed][1]) + 1000 == session.stat().st_size


@pytest.mark.engine
def test_one_feed_per_athlete_in_a_roster(program, tmp_path):
    roster = tmp_path / "roster"
    for athlete in ("alice", "bob"):
        shutil.copytree(program, roster / "tiny" / athlete)
    results = publish(roster, BASE)
    assert [r.feed_path.relative_to(roster).as_posix() for r in results] == ["tiny/alice/feed.xml", "tiny/bob/feed.xml"]
    feeds = [_parse(r.feed_path) for r in results]
    assert [f.feed.title for f in feeds] == ["Tiny program: alice", "Tiny program: bob"]
    alice, bob = ([e.enclosures[0].href for e in f.entries] for f in feeds)
    assert (
        alice[0] == BASE + "tiny/alice/week-01/1-monday-hinge.mp3"
        and bob[0] == BASE + "tiny/bob/week-01/1-monday-hinge.mp3"
    )
    assert not {e.id for e in feeds[0].entries} & {e.id for e in feeds[1].entries}
    for f in feeds:
        for e in f.entries:
            assert int(e.enclosures[0].length) == _file_of(e.enclosures[0].href, roster).stat().st_size


def test_feed_roots_skip_split_and_hidden_folders(tmp_path):
    for d in ("p/week-01", "p/week-01/1-a.sets", ".hidden/week-01", "q/r/week-02", "q/r/week-02.sets/week-03"):
        (tmp_path / d).mkdir(parents=True)
    assert [r.relative_to(tmp_path).as_posix() for r in feed_roots(tmp_path)] == ["p", "q/r"]


def test_publish_refuses_a_folder_without_weeks_and_a_bad_url(tmp_path):
    with pytest.raises(AudiocoachError, match="no week-NN folders found"):
        publish(tmp_path, BASE)
    with pytest.raises(AudiocoachError, match="is not an http\\(s\\) address"):
        publish(tmp_path, "192.168.1.20:8000")
    r = CliRunner().invoke(cli, ["publish", str(tmp_path), "--base-url", "ftp://x/"])
    assert r.exit_code == 1
    assert r.output.startswith("Error: --base-url 'ftp://x/' is not an http(s) address")


@pytest.mark.engine
def test_cli_publish_prints_each_feed(program):
    r = CliRunner().invoke(cli, ["publish", str(program), "--base-url", BASE.rstrip("/")])
    assert r.exit_code == 0, r.output
    assert (
        r.output
        == f"Tiny program: 4 episodes -> {program / 'feed.xml'} ({BASE}feed.xml), page {program / 'index.html'}\n"
    )


@pytest.mark.engine
def test_feed_and_enclosures_over_the_server(program):
    import http.client
    import threading
    from urllib.parse import urlsplit

    from audiocoach.publish.serve import make_server

    server = make_server(program, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    publish(program, base)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def fetch(url, method="GET", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        try:
            conn.request(method, urlsplit(url).path, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()

    try:
        status, headers, body = fetch(base + "feed.xml")
        assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
        d = feedparser.parse(body)
        assert not d.bozo and len(d.entries) == 4
        for e in d.entries:
            (enc,) = e.enclosures
            path = program / urlsplit(enc.href).path.lstrip("/")
            status, headers, _ = fetch(enc.href, "HEAD")
            assert status == 200 and headers["Content-Length"] == enc.length and headers["Content-Type"] == enc.type
            status, headers, body = fetch(enc.href, headers={"Range": "bytes=1000-4999"})
            assert status == 206 and body == path.read_bytes()[1000:5000]
            status, headers, body = fetch(e.podcast_chapters["url"])
            assert status == 200 and headers["Content-Type"] == "application/json+chapters"
            assert json.loads(body)["chapters"][0]["title"] == "Intro"
    finally:
        server.shutdown()
        server.server_close()
