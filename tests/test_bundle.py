"""Client bundles: the folder and .zip, and the page playing in a real headless Chromium.

The browser is driven through the Chrome DevTools Protocol over ``--remote-debugging-pipe``
(file descriptors 3 and 4, NUL-separated JSON), so no extra Python package is needed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.speech, pytest.mark.tools]  # real speech, ffmpeg, Chromium

# what Chromium answers when a page is being replaced under an evaluation
NAVIGATING = ("Inspected target navigated or closed", "Execution context was destroyed",
              "Cannot find context with specified id")

TINY = """\
title: Feet and Hands
description: A very short practice.
variables:
  name: friend
steps:
  - section: Arriving
  - say: Hello, {name}. Welcome to this short practice.
  - pause: 2s
  - section: Feet
  - say: Notice your feet on the floor.
  - pause: 2s
  - say: And your hands, resting.
  - pause: 1s
  - section: Closing
  - say: Thank you.
"""
SECOND = "title: One Breath\nsteps:\n  - say: One slow breath out.\n  - pause: 1s\n"
JOURNEY = """\
title: Two Days
description: A tiny journey.
weeks:
  - title: Beginning
    days:
      - practice: feet
        reflection: What did your feet feel like?
      - practices: [breath, feet]
"""


def clock(seconds: float) -> str:
    """m:ss as guided writes every length and time (the page too)."""
    from guided.script.durations import format_clock

    return format_clock(seconds)


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    pytest.fail("Chromium is not installed: run `make setup` (chromium is in APT_PACKAGES)")


class Browser:
    """A headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, profile: Path):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # move the child's ends above 4 so they can be placed on fds 3 and 4 in the child
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def place_fds() -> None:
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.proc = subprocess.Popen(
            [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--mute-audio",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}",
             "--autoplay-policy=no-user-gesture-required", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=place_fds, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(child_r)
        os.close(child_w)
        self.out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.inp = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.session: str | None = None
        self.console: list[str] = []

    def send(self, method: str, params: dict | None = None, *, page: bool = True) -> dict:
        self.next_id += 1
        message: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        self.out.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = self.inp.read(1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("method") == "Runtime.exceptionThrown":
                self.console.append(json.dumps(reply["params"]["exceptionDetails"])[:500])
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 page=False)["sessionId"]
        self.send("Runtime.enable")
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"page error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.js(f"(function(){{ try {{ return {condition}; }} catch (e) {{ return false; }} }})()")
            except RuntimeError as error:
                # a page mid-navigation (a reload) has no context to evaluate in yet: ask again
                if not any(sign in str(error) for sign in NAVIGATING):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for: {condition}")

    def press(self, key: str, code: str, key_code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code,
                                                 "windowsVirtualKeyCode": key_code,
                                                 **({"text": "\r"} if key == "Enter" and kind == "keyDown" else {})})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close", page=False)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.close()
        self.inp.close()


@pytest.fixture
def browser(tmp_path: Path):
    b = Browser(tmp_path / "chromium-profile")
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def scripts(isolated_home: Path) -> Path:
    folder = isolated_home / "scripts"
    folder.mkdir()
    (folder / "feet.yaml").write_text(TINY)
    (folder / "breath.yaml").write_text(SECOND)
    return folder


def test_bundle_folder_has_audio_captions_page_and_note(cli, scripts, tmp_path):
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("name: Sam\n")
    out = tmp_path / "Sam's practices"
    result = cli("bundle", "feet", "breath", "--vars-file", str(vars_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".guided-bundle", "README.txt", "audio/01-feet.mp3", "audio/02-breath.mp3",
        "captions/01-feet.vtt", "captions/02-breath.vtt", "cover.png", "index.html"]
    # the MP3s go together in a music app: numbered, this bundle's album, its cover
    from mutagen.id3 import ID3

    from guided.outputs.cover import cover_png
    tags = [ID3(out / f"audio/{name}.mp3") for name in ("01-feet", "02-breath")]
    assert [str(t["TRCK"]) for t in tags] == ["1/2", "2/2"]
    assert {str(t["TALB"]) for t in tags} == {"Your practices · for Sam"}
    assert [t.getall("APIC")[0].data for t in tags] == [cover_png("Your practices · for Sam")] * 2
    assert (out / "cover.png").read_bytes() == cover_png("Your practices · for Sam")
    vtt = (out / "captions/01-feet.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "Hello, Sam. Welcome" in vtt
    readme = (out / "README.txt").read_text()
    assert "index.html" in readme and "stop at any time" in readme and "eyes can stay open" in readme
    assert "for Sam" in readme
    page = (out / "index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing from the internet
    assert "<script src" not in page and "<link" not in page
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers
    ffprobe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                              "csv=p=0", str(out / "audio/01-feet.mp3")], capture_output=True, text=True)
    assert 9 < float(ffprobe.stdout) < 20


def test_bundle_refuses_to_overwrite_without_force(cli, scripts, tmp_path):
    out = tmp_path / "bundle"
    assert cli("bundle", "breath", "-o", str(out)).returncode == 0
    (out / "index.html").write_text("an earlier page")
    result = cli("bundle", "breath", "-o", str(out))
    assert result.returncode == 1 and "--force" in result.stderr
    assert (out / "index.html").read_text() == "an earlier page"
    forced = cli("bundle", "breath", "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "an earlier page" not in (out / "index.html").read_text()
    # a folder no bundle made is never replaced, even with --force
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    refused = cli("bundle", "breath", "-o", str(mine), "--force")
    assert refused.returncode == 1 and "a bundle did not make" in refused.stderr
    assert (mine / "keep.txt").read_text() == "mine"


def test_a_failed_bundle_leaves_nothing_behind(cli, scripts, tmp_path):
    (scripts / "broken.yaml").write_text("title: Broken\nsteps:\n  - say: Hi {who}.\n")
    out = tmp_path / "bundle.zip"
    result = cli("bundle", "breath", "broken", "-o", str(out))
    assert result.returncode == 1
    assert "broken.yaml:3:5: error: variable 'who' has no value" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


def test_bundle_zip_of_a_journey_unpacks_to_one_folder(cli, scripts, isolated_home, tmp_path):
    (isolated_home / "journeys").mkdir()
    (isolated_home / "journeys" / "two-days.yaml").write_text(JOURNEY)
    out = tmp_path / "sam.zip"
    result = cli("bundle", "two-days", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "the journey 'Two Days'" in result.stdout
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        readme = archive.read("sam/README.txt").decode()
    assert names == ["sam/README.txt", "sam/audio/01-feet.mp3", "sam/audio/02-breath.mp3",
                     "sam/captions/01-feet.vtt", "sam/captions/02-breath.vtt", "sam/cover.png",
                     "sam/index.html", "sam/reminders.ics"]
    assert "Day 2: One Breath, Feet and Hands" in readme
    assert out.stat().st_mode & 0o044 == 0o044  # others can read what they are sent
    assert "What did your feet feel like?" in readme


def test_unknown_name_is_a_gentle_error(cli, tmp_path):
    result = cli("bundle", "no-such-thing", "-o", str(tmp_path / "b"))
    assert result.returncode == 1
    assert "no practice or journey called 'no-such-thing'" in result.stderr


def test_page_plays_seeks_chapters_and_follows_the_transcript(guided, scripts, isolated_home,
                                                              tmp_path, browser):
    (isolated_home / "journeys").mkdir()
    (isolated_home / "journeys" / "two-days.yaml").write_text(JOURNEY)
    out = tmp_path / "bundle"
    result = guided("bundle", "two-days", "--var", "name=Sam", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(re.search(r'<script type="application/json" id="bundle-data">(.*?)</script>',
                                (out / "index.html").read_text(), re.S).group(1))
    feet = data["items"][0]

    browser.open((out / "index.html").as_uri())
    assert browser.js("document.title") == "Two Days · for Sam"
    # the first practice is ready: its audio loads from the folder and has the right length
    duration = browser.wait_for("audio.readyState >= 1 && audio.duration", timeout=20)
    assert abs(duration - feet["duration"]) < 0.3
    listed = browser.js("[...document.querySelectorAll('#practices button')].map(b => b.textContent)")
    assert [re.sub(r" · \d+:\d\d$", "", text) for text in listed] == ["Feet and Hands", "One Breath"]
    readme = (out / "README.txt").read_text()
    for text in listed:  # the page and README.txt give the same lengths
        title, length = text.rsplit(" · ", 1)
        assert f"{title} ({length})" in readme
    chapters = browser.js("[...document.querySelectorAll('#chapters button')].map(b => b.textContent)")
    assert chapters == [f"{clock(ch['start'])}{ch['title']}" for ch in feet["chapters"]]
    assert [ch["title"] for ch in feet["chapters"]] == ["Arriving", "Feet", "Closing"]
    assert browser.js("document.querySelectorAll('#transcript p').length") == 4

    # keyboard: focus the "Feet" chapter and press Enter; the audio seeks there and plays.
    # What the page shows is read the moment the seek lands (the page's own listener runs first).
    browser.js("window.landed = new Promise(done => audio.addEventListener('seeked', () => done({"
               "time: audio.currentTime, cue: document.querySelector('#transcript p.now').textContent,"
               "chapter: document.querySelector('#chapters button[aria-current=\"true\"]').textContent"
               "}), {once: true})); true")
    browser.js("document.querySelectorAll('#chapters button')[1].focus()")
    browser.press("Enter", "Enter", 13)
    landed = browser.js("window.landed")
    assert abs(landed["time"] - feet["chapters"][1]["start"]) < 0.1
    assert landed["cue"] == "Notice your feet on the floor."
    assert landed["chapter"] == chapters[1]
    browser.wait_for("!audio.paused")
    # it really plays: time moves on, and the transcript follows to the next words
    browser.wait_for("document.querySelector('#transcript p.now').textContent === 'And your hands, resting.'",
                     timeout=15)
    assert browser.js("audio.currentTime") >= feet["cues"][2]["start"] - 0.06

    # the journey plan lists the days and their questions, and a day's button switches practice
    assert "What did your feet feel like?" in browser.js("document.getElementById('weeks').textContent")
    browser.js("[...document.querySelectorAll('#weeks button')].find(b => b.textContent === 'One Breath').click()")
    browser.wait_for("document.getElementById('now-title').textContent === 'One Breath'")
    assert browser.js("decodeURI(audio.src)").endswith("audio/02-breath.mp3")
    browser.wait_for("audio.currentTime > 0.2", timeout=15)
    # nothing was fetched from outside the folder, and the page raised no errors
    urls = browser.js("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("file://") for u in urls), urls
    assert browser.console == []
