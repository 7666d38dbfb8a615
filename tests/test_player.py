"""The session player in Debian's headless Chromium, served by ``audiocoach serve`` on 127.0.0.1.

The session is rendered by a real engine (espeak-ng) and split into real pieces. The page
runs at ``?rate=4`` (its documented speed hook: pieces play 4x faster, silences last a
quarter as long, and the player's session clock counts session milliseconds), and every
measure is the page's own: its state and its event log (``window.audiocoachPlayer``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from audiocoach.export.split import read_manifest
from audiocoach.publish.serve import make_server
from audiocoach.publish.site import publish
from player_session import player_program

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (360, 740)
RATE = 4
#: Session milliseconds a piece change may take at RATE (a fetch, a decoder, a timer).
SLACK_MS = 2500


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver are missing (scripts/test.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
        f"--window-size={PHONE[0]},{PHONE[1]}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        yield driver
    finally:
        driver.quit()


class Site:
    """A published copy of the program, served on 127.0.0.1 until stopped."""

    def __init__(self, folder: Path):
        self.server = make_server(folder, "127.0.0.1", 0)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        (self.result,) = publish(folder, self.base)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.running = False


@pytest.fixture
def site(phrase_cache, tmp_path):
    folder = Path(shutil.copytree(player_program(str(phrase_cache)), tmp_path / "prog"))
    s = Site(folder)
    yield s
    s.stop()


def state(d) -> dict:
    return d.execute_script("return window.audiocoachPlayer.state()")


def until(d, check, timeout: float = 60):
    """Poll the page's state until ``check(state)`` is truthy; return that state."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = state(d)
        if check(s):
            return s
        time.sleep(0.05)
    raise AssertionError(f"timed out; last state: {json.dumps({k: v for k, v in s.items() if k != 'log'})}")


def entries(s: dict, what: str, **match) -> list[dict]:
    return [e for e in s["log"] if e["what"] == what and all(e.get(k) == v for k, v in match.items())]


def act(d, name: str) -> None:
    d.execute_script(f"window.audiocoachPlayer.actions.{name}()")


def media(d, action: str) -> None:
    d.execute_script(f"window.audiocoachPlayer.mediaHandlers[{action!r}]()")


@pytest.mark.engine
def test_the_player_plays_the_pieces_in_order_and_its_controls_change_the_session(browser, site, tmp_path):
    d = browser
    pieces = read_manifest(site.result.feed.episodes[0].audio)
    kinds = [p.kind for p in pieces]
    assert kinds == ["intro", "set", "rest", "countdown", "set", "rest", "countdown", "hold", "outro"]
    (page,) = site.result.player_pages
    url = site.base + page.name
    d.get(url + f"?rate={RATE}")
    assert d.title == "Week 1, Monday: Player day: player"
    s = until(d, lambda s: s["offline"] == "ready", 30)
    assert s["index"] == 0 and s["paused"] and s["sessionLeft"] == sum(p.length_ms for p in pieces)
    resources = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(r.startswith(site.base) for r in resources), resources
    # The Media Session handlers are registered (and kept where a test can call them).
    assert sorted(d.execute_script("return Object.keys(window.audiocoachPlayer.mediaHandlers)")) == [
        "nexttrack",
        "pause",
        "play",
        "previoustrack",
    ]
    act(d, "toggle")
    s = until(d, lambda s: s["index"] == 1 and (s["currentTime"] or 0) > 1.0)
    assert s["wakeLock"] == "held"
    assert d.execute_script("return navigator.mediaSession.metadata.title") == "Romanian deadlift: set 1 of 2"
    texts = {k: d.find_element("id", k).text for k in ("phase", "exercise", "setof", "dose", "next")}
    assert texts == {
        "phase": "SET",
        "exercise": "Romanian deadlift",
        "setof": "Set 1 of 2",
        "dose": "2 reps · tempo 2-0-1-0 · 60kg",
        "next": "Romanian deadlift: set 2 of 2",
    }
    _phone_checks(d, tmp_path)

    # Restart set: back to this set's go tone (the piece's go_ms, from the timeline).
    act(d, "restartSet")
    s = state(d)
    # The first set's piece opens with the setup window and its countdown (before the go tone).
    go_ms = pieces[1].go_ms
    assert go_ms is not None and go_ms >= 0
    assert s["index"] == 1 and entries(s, "start")[-1] == {**entries(s, "start")[-1], "i": 1, "offset": go_ms / 1000}
    assert go_ms / 1000 <= s["currentTime"] < go_ms / 1000 + 0.5

    # +15 s in the long rest: exactly 15 s of silence, then the countdown from its start.
    s = until(d, lambda s: s["index"] == 2)
    act(d, "addRest")
    s = until(d, lambda s: s["index"] == 2 and s["waiting"] is not None, 30)
    assert 14_000 < s["restLeft"] <= 15_000 + pieces[3].length_ms
    s = until(d, lambda s: s["index"] == 3)
    assert s["extra"] == {"2": 15_000} and entries(s, "silence")[-1]["ms"] == 15_000
    gap = entries(s, "start", i=3)[-1]["at"] - entries(s, "ended", i=2)[-1]["at"]
    assert abs(gap - 15_000) < 250, gap
    assert entries(s, "start", i=3)[-1]["offset"] == 0

    # Skip rest from the headphones (nexttrack): straight to the countdown's first sample.
    s = until(d, lambda s: s["index"] == 5 and (s["currentTime"] or 0) > 0.5)
    media(d, "nexttrack")
    s = state(d)
    assert s["index"] == 6 and s["src"].endswith(pieces[6].filename)
    assert entries(s, "start")[-1]["i"] == 6 and entries(s, "start")[-1]["offset"] == 0
    s = until(d, lambda s: entries(s, "playing", i=6))
    assert entries(s, "playing", i=6)[0]["offset"] < 0.2

    # Restart set from the headphones (previoustrack), pause and play from the lock screen.
    s = until(d, lambda s: s["index"] == 7 and (s["currentTime"] or 0) > 1.0)
    media(d, "previoustrack")
    s = state(d)
    assert s["index"] == 7 and entries(s, "restart")[-1]["i"] == 7 and entries(s, "start")[-1]["offset"] == 0
    media(d, "pause")
    assert state(d)["paused"] and d.execute_script("return navigator.mediaSession.playbackState") == "paused"
    until(d, lambda s: s["wakeLock"] == "released", 5)  # the screen may sleep while paused
    media(d, "play")
    assert not state(d)["paused"]
    until(d, lambda s: s["wakeLock"] == "held", 5)

    # The end: the summary lists each rest as it really was, on the page's clock.
    s = until(d, lambda s: s["finished"], 90)
    starts = {e["i"]: e["at"] for e in entries(s, "start")}
    long_rest, short_rest = s["rests"]
    assert long_rest["real_ms"] == pytest.approx(starts[4] - starts[2], abs=2)
    planned = pieces[2].length_ms + pieces[3].length_ms
    assert long_rest["planned_ms"] == planned and long_rest["extra_ms"] == 15_000
    assert planned + 15_000 <= long_rest["real_ms"] < planned + 15_000 + SLACK_MS
    assert short_rest["skipped"] and short_rest["real_ms"] < pieces[5].length_ms + pieces[6].length_ms
    items = d.find_elements("css selector", "#rests li")
    assert [int(li.get_attribute("data-real-ms")) for li in items] == [r["real_ms"] for r in s["rests"]]
    assert items[0].text.startswith("Rest 19 s, then Romanian deadlift: set 2 of 2: 0:3") and "+15 s" in items[0].text
    assert "skipped" in items[1].text
    stored = json.loads(d.execute_script("return localStorage.getItem(Object.keys(localStorage)[0])"))
    assert stored["extra"] == {"2": 15_000} and stored["rests"] == s["rests"]

    # Offline: with the server stopped, the page and the pieces still load.
    site.stop()
    d.get(url + f"?rate={RATE}")
    assert d.title == "Week 1, Monday: Player day: player"
    sizes = d.execute_async_script(
        "var done = arguments[0]; Promise.all(JSON.parse(document.getElementById('session').textContent)"
        ".pieces.map(p => fetch(p.src).then(r => r.arrayBuffer()).then(b => b.byteLength))).then(done, e => done(String(e)))"
    )
    folder = site.result.feed.episodes[0].audio.with_suffix(".sets")
    assert sizes == [(folder / p.filename).stat().st_size for p in pieces]
    act(d, "restartSet")
    act(d, "toggle")
    s = until(d, lambda s: s["index"] == 7 and (s["currentTime"] or 0) > 0.5, 30)
    assert s["readyState"] >= 2


def _phone_checks(d, tmp_path: Path) -> None:
    """360 px wide: no sideways scroll, thumb-sized controls, text that reads in sunlight."""
    assert d.execute_script("return window.innerWidth") == PHONE[0]
    assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    for b in d.find_elements("css selector", "nav button"):
        assert b.size["height"] >= 56 and b.size["width"] >= 150, b.text
        assert b.location["y"] + b.size["height"] <= PHONE[1], b.text  # on screen, no scrolling
    contrast = d.execute_script(
        """
        function lum(c) { var v = c.match(/\\d+/g).slice(0, 3).map(function (x) { x = x / 255;
          return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
          return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
        var fg = lum(getComputedStyle(document.getElementById('exercise')).color);
        var bg = lum(getComputedStyle(document.body).backgroundColor);
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        """
    )
    assert contrast >= 7, contrast  # WCAG AAA
    shot = tmp_path / "player-360x740.png"
    assert d.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    keep = ROOT / "output" / "test-artefacts"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / shot.name)


@pytest.mark.engine
def test_next_and_previous_exercise_go_through_the_rest_that_announces_it(browser, site):
    d = browser
    (page,) = site.result.player_pages
    d.get(site.base + page.name + f"?rate={RATE}")
    until(d, lambda s: s["offline"] != "no", 30)
    act(d, "nextExercise")
    assert state(d)["index"] == 1  # from the intro: the first exercise's first set
    act(d, "nextExercise")
    assert state(d)["index"] == 5  # the rest that announces the hold, then its countdown
    assert d.find_element("id", "exercise").text == "Glute bridge hold"
    act(d, "previousExercise")
    assert state(d)["index"] == 1
    act(d, "previousExercise")
    assert state(d)["index"] == 0
    # The position is remembered: a reload comes back to it.
    act(d, "nextExercise")
    d.refresh()
    assert until(d, lambda s: True)["index"] == 1
