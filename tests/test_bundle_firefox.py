"""The bundle page opened from a folder (file://) in a real headless Firefox, as a client
would: rate, play, seek to the end, rate again, reload and find it remembered, forget.

Firefox is driven through its own Marionette protocol (tests/firefox_driver.py), so no
geckodriver or extra package is needed; Chromium's side is in test_bundle_client.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.firefox_driver import Firefox, firefox_binary

pytestmark = [pytest.mark.speech, pytest.mark.tools]  # real speech, ffmpeg, Firefox


@pytest.fixture
def firefox(tmp_path: Path):
    binary = firefox_binary()
    if binary is None:
        pytest.fail("Firefox is not installed: run `make setup` (firefox-esr is in TEST_PACKAGES)")
    browser = Firefox(binary, tmp_path / "firefox-profile")
    try:
        yield browser
    finally:
        browser.close()


def kept(page: Firefox) -> dict:
    raw = page.js("var k = Object.keys(localStorage); return k.length ? localStorage.getItem(k[0]) : null")
    return json.loads(raw) if raw else {}


def reload(page: Firefox) -> None:
    page.js("window.beforeReload = 1; location.reload(); return true")
    page.wait_for("!window.beforeReload && document.readyState === 'complete'")


def summary(page: Firefox) -> str:
    return page.js("return document.getElementById('mine-summary').textContent")


def test_the_page_remembers_in_firefox_and_forgets_when_asked(guided, isolated_home, tmp_path, firefox):
    out = tmp_path / "bundle"
    made = guided("bundle", "grounding", "-o", str(out))
    assert made.returncode == 0, made.stderr
    firefox.open((out / "index.html").as_uri())
    assert firefox.js("return location.protocol") == "file:"
    assert firefox.wait_for("document.getElementById('cover').naturalWidth") == 600
    where = " ".join(firefox.js("return document.getElementById('where-kept').textContent").split())
    assert "only in this web browser, on this device" in where
    assert "Nothing practised here yet" in summary(firefox)

    # rate before, play the practice, seek near its end and let it finish, rate after
    firefox.click("#before option[value='6']")
    assert firefox.js("return document.getElementById('before').value") == "6"
    firefox.click("#practices button")
    firefox.wait_for("!audio.paused && audio.currentTime > 0.5", timeout=30)
    firefox.js("audio.currentTime = audio.duration - 1.5; return true")
    firefox.wait_for("!document.getElementById('after').hidden", timeout=30)
    firefox.click("#after-rating option[value='2']")
    firefox.click("#keep-after")
    assert firefox.js("return document.getElementById('after-status').textContent") == "Kept on this device."
    [row] = kept(firefox)["sessions"]
    assert (row["script"], row["outcome"], row["distress_before"], row["distress_after"]) == \
        ("grounding", "completed", 6, 2)

    # reload: Firefox kept it for this page, and the page shows it
    reload(firefox)
    [row] = kept(firefox)["sessions"]
    assert (row["distress_before"], row["distress_after"]) == (6, 2)
    assert firefox.js("return document.querySelector('#practices button').textContent").endswith("✓ finished")
    assert "Sessions practised here: 1." in summary(firefox)
    assert firefox.js("return document.querySelectorAll('#chart circle.after').length") == 1

    # forget everything on this device: asked first, then gone, also after a reload
    firefox.click("#forget")
    assert firefox.js("return document.getElementById('forget-confirm').hidden") is False
    firefox.click("#forget-yes")
    assert firefox.js("return Object.keys(localStorage).length") == 0
    assert "forgotten" in firefox.js("return document.getElementById('mine-status').textContent")
    reload(firefox)
    assert kept(firefox) == {}
    assert "Nothing practised here yet" in summary(firefox)
    assert not firefox.js("return document.querySelector('#practices button').textContent").endswith("✓ finished")

    # nothing left the folder: what the page loaded are files in it, and Firefox's only way
    # to the web (a proxy on 127.0.0.1 that notes every request) was asked for nothing on the
    # page's behalf (Firefox lists no file:// loads in performance entries, so the proxy is
    # the witness; a test image from http://example.invalid is refused by the page's policy)
    assert firefox.js("return audio.currentSrc").startswith(out.as_uri())
    assert firefox.js("return document.getElementById('cover').src").startswith(out.as_uri())
    assert firefox.page_requests() == [], firefox.page_requests()
    firefox.js("window.probe = new Image(); probe.src = 'http://example.invalid/x.png'; return true")
    firefox.wait_for("probe.complete")
    assert firefox.js("return probe.naturalWidth") == 0
    firefox.click("#practices button")  # the page keeps working, and still asks the web nothing
    firefox.wait_for("!audio.paused && audio.currentTime > 1", timeout=30)
    assert firefox.page_requests() == []
