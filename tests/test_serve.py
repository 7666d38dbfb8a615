"""audiocoach serve: real HTTP on 127.0.0.1, byte ranges, MIME types, nothing outside DIR."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from audiocoach.publish.serve import make_server, parse_range

TIMEOUT = 5  # seconds per request: every test here is bounded


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "week-01").mkdir(parents=True)
    audio = bytes(range(256)) * 400  # 102400 bytes, every offset recognisable
    (root / "week-01" / "1-monday-hinge.mp3").write_bytes(audio)
    (root / "week-01" / "1-monday-hinge.chapters.json").write_text('{"version": "1.2.0", "chapters": []}')
    (root / "week-01" / "1-monday-hinge.sets").mkdir()
    (root / "week-01" / "1-monday-hinge.sets" / "1-monday-hinge.m3u8").write_text("#EXTM3U\n")
    (root / "feed.xml").write_text("<rss/>")
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    (root / "week-01" / ".1-monday-hinge-abc.part").write_bytes(b"partial")
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    server = make_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1], audio
    server.shutdown()
    server.server_close()
    thread.join(TIMEOUT)


def get(port, path, headers=None, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_whole_file_with_length_type_and_accept_ranges(site):
    port, audio = site
    status, headers, body = get(port, "/week-01/1-monday-hinge.mp3")
    assert status == 200 and body == audio
    assert headers["content-type"] == "audio/mpeg"
    assert headers["content-length"] == str(len(audio))
    assert headers["accept-ranges"] == "bytes"
    status, headers, body = get(port, "/week-01/1-monday-hinge.mp3", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(audio))


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 102399),
        ("bytes=-500", 101900, 102399),
        ("bytes=102399-102399", 102399, 102399),
        ("bytes=50000-999999", 50000, 102399),
    ],
)
def test_range_requests_get_exactly_those_bytes(site, header, first, last):
    port, audio = site
    status, headers, body = get(port, "/week-01/1-monday-hinge.mp3", {"Range": header})
    assert status == 206
    assert headers["content-range"] == f"bytes {first}-{last}/{len(audio)}"
    assert headers["content-length"] == str(last - first + 1)
    assert headers["content-type"] == "audio/mpeg"
    assert body == audio[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=102400-", "bytes=200000-200100", "bytes=-0", "bytes=500-100"])
def test_unsatisfiable_ranges_get_416(site, header):
    port, audio = site
    status, headers, body = get(port, "/week-01/1-monday-hinge.mp3", {"Range": header})
    assert status == 416 and headers["content-range"] == f"bytes */{len(audio)}" and body == b""


def test_a_range_this_server_does_not_split_gets_the_whole_file(site):
    port, audio = site
    status, _, body = get(port, "/week-01/1-monday-hinge.mp3", {"Range": "bytes=0-1,5-6"})
    assert status == 200 and body == audio


@pytest.mark.parametrize(
    "path, mime",
    [
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/week-01/1-monday-hinge.chapters.json", "application/json+chapters"),
        ("/week-01/1-monday-hinge.sets/1-monday-hinge.m3u8", "application/vnd.apple.mpegurl"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_mime_types(site, path, mime):
    port, _ = site
    status, headers, _ = get(port, path)
    assert status == 200 and headers["content-type"] == mime


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/week-01/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/week-01/%2e%2e/%2e%2e/secret.txt",
        "/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/../../../../etc/passwd",
        "/link.txt",
        "/week-01/.1-monday-hinge-abc.part",
        "/%00",
        "/week-01/1-monday-hinge.mp3%00.txt",
    ],
)
def test_nothing_outside_the_folder_is_served(site, path):
    port, _ = site
    status, _, body = get(port, path)
    assert status in (400, 404), (path, status)
    assert b"outside" not in body and b"root:" not in body and b"partial" not in body


def test_serve_command_listens_and_serves(tmp_path):
    (tmp_path / "feed.xml").write_text("<rss/>")
    proc = subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "serve", str(tmp_path), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        line = proc.stdout.readline()
        assert time.monotonic() < deadline
        m = re.match(r"Serving .* at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)$", line.strip())
        assert m, line
        status, headers, body = get(int(m.group(1)), "/feed.xml")
        assert status == 200 and body == b"<rss/>" and headers["content-type"].startswith("application/rss+xml")
    finally:
        proc.terminate()
        proc.wait(TIMEOUT)


def test_if_range_of_another_version_gets_the_whole_file(site):
    port, audio = site
    _, headers, _ = get(port, "/week-01/1-monday-hinge.mp3", method="HEAD")
    same = {"Range": "bytes=0-9", "If-Range": headers["last-modified"]}
    assert get(port, "/week-01/1-monday-hinge.mp3", same)[0] == 206
    other = {"Range": "bytes=0-9", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}
    status, _, body = get(port, "/week-01/1-monday-hinge.mp3", other)
    assert status == 200 and body == audio


def test_folder_listing_shows_no_hidden_or_temporary_files(site):
    port, _ = site
    status, headers, body = get(port, "/week-01/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b'href="1-monday-hinge.mp3"' in body and b'href="1-monday-hinge.sets/"' in body
    assert b".part" not in body


def test_parse_range():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("bytes=10-", 10) == "unsatisfiable"
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=-", 10) == "unsatisfiable"  # malformed: refused (416)


def test_a_port_in_use_is_a_clear_error(site, tmp_path):
    from audiocoach.errors import AudiocoachError

    port, _ = site
    with pytest.raises(AudiocoachError, match=rf"cannot listen on 127\.0\.0\.1:{port}: .*\(try another --port\)"):
        make_server(tmp_path, "127.0.0.1", port)


def test_player_files_get_their_types_and_the_worker_its_headers(site, tmp_path):
    root = tmp_path / "site"
    (root / "player.js").write_text("'use strict';")
    (root / "player-sw.js").write_text("'use strict';")
    (root / "player.webmanifest").write_text("{}")
    port, _ = site
    status, headers, _ = get(port, "/player.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    assert "service-worker-allowed" not in headers
    status, headers, _ = get(port, "/player-sw.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    # Checked for updates on every visit; allowed to control the folder it is in.
    assert headers["cache-control"] == "no-cache" and headers["service-worker-allowed"] == "/"
    status, headers, _ = get(port, "/player.webmanifest")
    assert status == 200 and headers["content-type"] == "application/manifest+json"
