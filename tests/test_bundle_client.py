"""The client's side of a bundle, driven in a real headless Chromium as a person would:
rate, play, seek, finish, answer the day's question, reload and find it remembered, see
the chart, save the practice record, forget; then the therapist imports the record.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.test_bundle import (
    JOURNEY,
    SECOND,
    TINY,
    browser,  # noqa: F401 - the Chromium fixture
)

pytestmark = [pytest.mark.speech, pytest.mark.tools]

LONG = """\
title: Slow Settle
steps:
  - say: Let yourself arrive.
  - pause: 16s
  - say: Welcome back.
"""
JOURNEY_3 = JOURNEY + "      - practice: long\n        reflection: What helped most today?\n"
TYPED = "=1+1 \x1b[2J <img src=x onerror=alert(1)> warm hands"


@pytest.fixture
def bundle(guided, isolated_home: Path, tmp_path: Path) -> Path:
    folder = isolated_home / "scripts"
    folder.mkdir()
    (folder / "feet.yaml").write_text(TINY)
    (folder / "breath.yaml").write_text(SECOND)
    (folder / "long.yaml").write_text(LONG)
    (isolated_home / "journeys").mkdir()
    (isolated_home / "journeys" / "three-days.yaml").write_text(
        JOURNEY_3.replace("title: Two Days", "title: Three Days"))
    out = tmp_path / "bundle"
    result = guided("bundle", "three-days", "--var", "name=Sam", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def page_data(out: Path) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="bundle-data">(.*?)</script>',
                                (out / "index.html").read_text(), re.S).group(1))


def kept(page) -> dict:
    return json.loads(page.js("localStorage.getItem(Object.keys(localStorage)[0]) || 'null'")
                      or "null") or {}


def reload(page) -> None:
    page.js("window.beforeReload = 1; location.reload(); true")
    page.wait_for("!window.beforeReload && document.readyState === 'complete'")


def audit(page) -> list:
    """axe-core's accessibility audit of the page as it is now (violations only)."""
    import axe_core_python

    page.js((Path(axe_core_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
            + "\n;true")
    assert page.js("axe.version").startswith("4.")  # the audit really runs
    return page.js("axe.run(document, {resultTypes: ['violations']}).then(r => "
                   "r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))")


def choose(page, select: str, value: str) -> None:
    page.js(f"(function () {{ var s = document.getElementById('{select}'); s.value = '{value}';"
               "s.dispatchEvent(new Event('change')); })()")


def save_record(page, downloads: Path) -> Path:
    """Press "Save my practice record" and wait (20 s at most) for the one file it
    downloads into ``downloads``, as a browser's normal download would save it."""
    downloads.mkdir()
    page.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)},
              page=False)
    page.js("document.getElementById('save-record').click()")
    deadline = time.monotonic() + 20
    while not list(downloads.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    [saved] = list(downloads.glob("*.json"))
    return saved


def test_the_page_remembers_and_the_record_reaches_the_therapist(bundle, browser, guided, tmp_path):  # noqa: F811
    data = page_data(bundle)
    assert data["bundle"]["client"] == "Sam" and len(data["bundle"]["id"]) == 32
    # the therapist's computer knows for whom the bundle was made
    assert "Sam" in guided("clients").stdout and "no practice record yet" in guided("clients").stdout
    browser.open((bundle / "index.html").as_uri())
    # it opens on today's day, with the week's focus, and says plainly where it keeps things
    assert browser.js("document.getElementById('today-heading').textContent") == "Today: day 1 of 3"
    assert browser.js("document.getElementById('today-week').textContent") == "This week: Beginning"
    assert browser.js("document.getElementById('now-title').textContent") == "Feet and Hands"
    where = " ".join(browser.js("document.getElementById('where-kept').textContent").split())
    assert "only in this web browser, on this device" in where and "Nothing is ever sent anywhere" in where
    assert browser.wait_for("document.getElementById('cover').naturalWidth") == 600
    assert "Nothing practised here yet" in browser.js("document.getElementById('mine-summary').textContent")

    # rate before, play today's practice, seek near its end and let it finish
    choose(browser, "before", "7")
    browser.js("document.querySelector('#today-day button').click()")
    browser.wait_for("!audio.paused && audio.currentTime > 1", timeout=20)
    browser.js("audio.currentTime = audio.duration - 1.5; true")
    browser.wait_for("!document.getElementById('after').hidden", timeout=20)
    assert browser.js("document.getElementById('reflection-question').textContent") == \
        "What did your feet feel like?"
    assert browser.js("document.activeElement.id") == "after-heading"
    assert audit(browser) == []  # the questions after the track, as a screen reader meets them
    choose(browser, "after-rating", "3")
    browser.js(f"document.getElementById('reflection').value = {json.dumps(TYPED)}; true")
    browser.js("document.getElementById('note').value = 'lighter'; true")
    browser.js("document.getElementById('keep-after').click()")
    assert browser.js("document.getElementById('after-status').textContent") == "Kept on this device."
    store = kept(browser)
    [first] = store["sessions"]
    assert (first["script"], first["outcome"], first["distress_before"], first["distress_after"],
            first["journey"], first["journey_day"]) == ("feet", "completed", 7, 3, "three-days", 1)
    assert first["reflection"] == {"question": "What did your feet feel like?", "answer": TYPED}
    assert 1 < first["listened_seconds"] < data["items"][0]["duration"]  # the seek was not listened
    assert store["days"] == {"1": True}

    # the long practice: seek into it, listen a little, pause
    browser.js("[...document.querySelectorAll('#practices button')].find(b => b.dataset.id.endsWith('long')).click()")
    browser.wait_for("!audio.paused && audio.currentTime > 0.3", timeout=20)
    browser.js("audio.currentTime = 8; true")
    browser.wait_for("audio.currentTime > 9", timeout=20)
    browser.js("audio.pause(); true")
    browser.wait_for("JSON.parse(localStorage.getItem(Object.keys(localStorage)[0])).sessions.length === 2")

    # reload: finished marks, the chart, and the place in the long practice are remembered
    reload(browser)
    assert browser.js("document.querySelector('#day-1 .done') !== null")
    assert browser.js("document.querySelector('#day-2 .done') === null")
    finished = browser.js("[...document.querySelectorAll('#practices button')].map(b => b.textContent)")
    assert [t.endswith("✓ finished") for t in finished] == [True, False, False]
    points = browser.js("[...document.querySelectorAll('#chart g.session')].map(g => [g.dataset.before, g.dataset.after, +g.dataset.minutes])")
    assert [p[:2] for p in points] == [["7", "3"], ["", ""]]
    assert browser.js("document.querySelectorAll('#chart circle.before').length") == 1
    assert browser.js("document.querySelectorAll('#chart circle.after').length") == 1
    ticks = browser.js("[...document.querySelectorAll('#chart text.tick')].map(t => t.textContent)")
    assert ticks == ["0", "5", "10"]
    browser.js("document.getElementById('forget').click()")  # asked, not yet answered
    assert audit(browser) == []  # the chart, the finished marks, the record and forget buttons
    browser.js("document.getElementById('forget-no').click()")
    assert "Sessions practised here: 2." in browser.js("document.getElementById('mine-summary').textContent")
    browser.js("[...document.querySelectorAll('#practices button')].find(b => b.dataset.id.endsWith('long')).click()")
    browser.wait_for("audio.readyState >= 1 && audio.currentTime > 8", timeout=20)
    assert "You stopped at 0:09" in browser.js("document.getElementById('resume').textContent")

    # save the record through a normal download
    saved = save_record(browser, tmp_path / "downloads")
    assert saved.name.startswith("Sam practice record ")
    record = json.loads(saved.read_text())
    assert (record["format"], record["version"], record["client"]) == ("guided-practice-record", 1, "Sam")
    assert record["bundle"]["id"] == data["bundle"]["id"]
    assert [s["script"] for s in record["sessions"]][:2] == ["feet", "long"]
    assert "item" not in record["sessions"][0]

    # the therapist files it, once, and reads it safely
    imported = guided("log", "import", str(saved))
    assert imported.returncode == 0, imported.stderr
    assert "Filed under Sam:" in imported.stdout
    assert "0 new sessions" in guided("log", "import", str(saved)).stdout
    table = guided("log", "--client", "Sam", env={"COLUMNS": "200"}).stdout
    assert "feet" in table and "\x1b" not in table and "\\x1b[2J" in table
    rows = json.loads(guided("log", "--client", "Sam", "--json").stdout)
    feet = [r for r in rows if r["script"] == "feet"][0]
    assert (feet["distress_before"], feet["distress_after"], feet["note"]) == (7, 3, "lighter")
    assert feet["reflection"]["answer"] == TYPED.replace("\x1b", "\\x1b")
    assert guided("log", "--json").stdout.strip() == "[]"  # the therapist's own log is untouched

    # a day later the page opens on day 2
    browser.js("audio.pause(); true")  # (a playing page keeps saving what it knows)
    browser.js("(function () { var k = Object.keys(localStorage)[0], s = JSON.parse(localStorage.getItem(k));"
               "var d = new Date(Date.now() - 86400000);"
               "s.first = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' +"
               " String(d.getDate()).padStart(2, '0'); localStorage.setItem(k, JSON.stringify(s)); })()")
    reload(browser)
    assert browser.js("document.getElementById('today-heading').textContent") == "Today: day 2 of 3"
    assert browser.js("document.getElementById('now-title').textContent") == "One Breath"

    # forget everything: asked first, then nothing is kept
    browser.js("document.getElementById('forget').click()")
    assert browser.js("document.getElementById('forget-confirm').hidden") is False
    browser.js("document.getElementById('forget-yes').click()")
    assert browser.js("Object.keys(localStorage).length") == 0
    assert "forgotten" in browser.js("document.getElementById('mine-status').textContent")
    reload(browser)
    assert browser.js("document.querySelectorAll('.done').length") == 0
    assert browser.js("document.getElementById('today-heading').textContent") == "Today: day 1 of 3"
    assert "Nothing practised here yet" in browser.js("document.getElementById('mine-summary').textContent")
    # whatever else wrote into its storage, the page starts afresh and works
    key = "guided-bundle:" + data["bundle"]["id"]
    for damaged in ('{"v": 1, "sessions": [', json.dumps(
            {"v": 1, "sessions": [1, None, {"started": 5}], "days": [], "first": "<b>x</b>",
             "positions": "x", "finished": None})):
        browser.js(f"localStorage.setItem({json.dumps(key)}, {json.dumps(damaged)}); true")
        reload(browser)
        assert "Nothing practised here yet" in browser.js("document.getElementById('mine-summary').textContent")
        assert browser.js("document.getElementById('today-heading').textContent") == "Today: day 1 of 3"
    # nothing left the folder, and the page raised no errors under its strict policy
    urls = browser.js("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("file://") for u in urls), urls
    policy = browser.js("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "connect-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert browser.console == []


def test_a_bundle_without_a_name_or_journey_and_a_page_closed_mid_play(
        guided, isolated_home, tmp_path, browser):  # noqa: F811
    folder = isolated_home / "scripts"
    folder.mkdir()
    (folder / "long.yaml").write_text(LONG)
    out = tmp_path / "plain"
    assert guided("bundle", "long", "-o", str(out)).returncode == 0
    data = page_data(out)
    assert data["bundle"]["client"] == "" and "journey" not in data
    browser.open((out / "index.html").as_uri())
    assert browser.js("document.getElementById('today').hidden") is True
    browser.js("document.querySelector('#practices button').click()")
    browser.wait_for("!audio.paused && audio.currentTime > 3", timeout=20)
    time.sleep(2.5)  # the page saves what it knows every two seconds while playing
    # the tab is closed mid-play, as a phone does to a page in the background
    def pages() -> list[str]:
        return [t["targetId"] for t in browser.send("Target.getTargets", page=False)["targetInfos"]
                if t["url"].endswith("index.html")]

    [tab] = pages()
    browser.send("Target.closeTarget", {"targetId": tab}, page=False)
    deadline = time.monotonic() + 10
    while pages() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pages() == []
    browser.open((out / "index.html").as_uri())
    [row] = kept(browser)["sessions"]
    assert row["outcome"] == "interrupted" and row["listened_seconds"] > 2
    assert row["journey"] is None and row["distress_before"] is None
    assert "Sessions practised here: 1." in browser.js("document.getElementById('mine-summary').textContent")
    saved = save_record(browser, tmp_path / "downloads")
    assert saved.name.startswith("practice record ")
    nameless = guided("log", "import", str(saved))
    assert nameless.returncode == 1 and "add --client NAME" in nameless.stderr
    assert "1 new session" in guided("log", "import", str(saved), "--client", "Robin").stdout
    assert browser.console == []
