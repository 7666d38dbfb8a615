"""The program page in a real headless Chromium (Debian's chromium + chromium-driver).

The page is served by ``audiocoach serve`` over 127.0.0.1 (so seeking uses real byte
ranges), loaded at a phone's size, checked through the DOM, and a chapter click must move
the player. A screenshot is kept in output/test-artefacts/ (git-ignored) and pytest's tmp dir.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from audiocoach.publish.serve import make_server
from audiocoach.publish.site import publish
from published import tiny_program

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (390, 844)  # CSS pixels of a common phone


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
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(phrase_cache, tmp_path):
    program = Path(shutil.copytree(tiny_program(str(phrase_cache)), tmp_path / "tiny"))
    server = make_server(program, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    (result,) = publish(program, base)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base, result
    server.shutdown()
    server.server_close()


@pytest.mark.engine
def test_page_lists_weeks_sessions_chapters_and_plan_and_a_chapter_click_seeks(browser, served, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, result = served
    browser.get(base + "index.html")
    assert browser.title == "Tiny program"
    weeks = browser.find_elements(By.CSS_SELECTOR, "section.week")
    assert [w.find_element(By.TAG_NAME, "h2").text for w in weeks] == ["Week 1", "Week 2"]
    sessions = browser.find_elements(By.CSS_SELECTOR, "article.session")
    assert [s.find_element(By.TAG_NAME, "h3").text for s in sessions] == [e.title for e in result.feed.episodes]
    assert len(weeks[0].find_elements(By.CSS_SELECTOR, "article.session")) == 2

    first = sessions[0]
    audio = first.find_element(By.TAG_NAME, "audio")
    assert audio.get_attribute("src") == base + "week-01/1-monday-hinge.mp3"
    chapters = json.loads(result.feed.episodes[0].chapters_path.read_text(encoding="utf-8"))["chapters"]
    buttons = first.find_elements(By.CSS_SELECTOR, "ol.chapters button")
    assert [float(b.get_attribute("data-start")) for b in buttons] == [c["startTime"] for c in chapters]
    assert [b.text.split(" ", 1)[1] for b in buttons] == [c["title"] for c in chapters]

    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in first.find_elements(By.CSS_SELECTOR, "table.plan tr")[1:]
    ]
    assert rows == [
        ["Romanian deadlift", "2 x 2", "3-1-1-0", "12s", "Keep the bar close."],
        ["Glute bridge hold", "1 x 10s", "-", "12s", ""],
    ]
    week2 = sessions[2].find_elements(By.CSS_SELECTOR, "table.plan td")
    assert week2[1].text == "2 x 3"  # the program's progression, week 2

    # Set by set: the split files, in the playlist's order, each a file of the session's folder.
    pieces = first.find_elements(By.CSS_SELECTOR, "details.sets li a")
    playlist = (result.feed.root / "week-01" / "1-monday-hinge.sets" / "1-monday-hinge.m3u8").read_text(
        encoding="utf-8"
    )
    listed = [line for line in playlist.splitlines() if line and not line.startswith("#")]
    assert [a.get_attribute("href") for a in pieces] == [base + "week-01/1-monday-hinge.sets/" + n for n in listed]
    assert pieces[1].get_attribute("textContent") == "Romanian deadlift: set 1 of 2"
    # Each session links its player page (written beside this page by publish).
    players = [s.find_element(By.CSS_SELECTOR, "a.player").get_attribute("href") for s in sessions]
    assert players == [base + p.name for p in result.player_pages]
    assert players[0] == base + "week-01-1-monday-hinge.play.html"

    # Nothing comes from the network: every resource the page loaded is the server's own.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(r.startswith(base) for r in resources), resources
    # Readable on a phone: no sideways scrolling, text at least 16 px, buttons big enough to tap.
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    assert buttons[0].size["height"] >= 40

    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return arguments[0].readyState >= 1", audio))
    assert browser.execute_script("return arguments[0].currentTime", audio) == 0
    target = buttons[-1]
    browser.execute_script("arguments[0].scrollIntoView()", target)
    target.click()
    want = chapters[-1]["startTime"]
    WebDriverWait(browser, 10).until(
        lambda d: abs(d.execute_script("return arguments[0].currentTime", audio) - want) < 1.0
    )
    assert "current" in WebDriverWait(browser, 10).until(lambda d: target.get_attribute("class") or None)
    # The other sessions' players did not move.
    assert (
        browser.execute_script("return arguments[0].currentTime", sessions[1].find_element(By.TAG_NAME, "audio")) == 0
    )

    shot = tmp_path / "program-page.png"
    browser.execute_script("window.scrollTo(0, 0)")
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    keep = ROOT / "output" / "test-artefacts"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / shot.name)
