"""Programmes written in Markdown, heard and seen: `journey today --play` speaks the
introduction and the day and keeps every answer; `<!-- wait -->` holds in play until
space; a bundle of the seed shows Day 1's learning beside its playing audio, inert."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from guided.practice import sessionlog
from tests.audio_devices import (  # noqa: F401 - fixtures
    alsa_file_sink,
    pulse_null_sink,
)
from tests.pty_terminal import PtyGuided
from tests.test_bundle import browser  # noqa: F401 - the headless Chromium fixture

SEED = Path(__file__).parent / "fixtures" / "attachment-healing.md"

TWO_QUESTIONS = """\
---
title: Two Questions
---

Welcome, {name}. This is the opening.

## Day 1: Arriving

### Today's Learning

**Noticing is enough.** Nothing needs to change.

### Reflection Questions

1. What did you notice?
2. What felt kind?
"""

WAITING = """\
---
title: Waiting Kindly
---

## Day 1: Take your time

### Activity

Step 1: Stand up slowly, when you like.
<!-- wait -->
<!-- pause: 60s -->

Step 2: Sit down again.
<!-- pause: 1s -->
"""


def test_today_play_speaks_the_day_and_keeps_every_answer(guided, tmp_path, alsa_file_sink):  # noqa: F811
    source = tmp_path / "two-questions.md"
    source.write_text(TWO_QUESTIONS)
    assert guided("journey", "add", str(source)).returncode == 0
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("name: Sam\n")
    assert guided("journey", "start", "two-questions", "--vars-file", str(vars_file)).returncode == 0
    result = guided("journey", "today", "--play", "--device", alsa_file_sink.device,
                    input="My feet.\nThe pause.\n", env=alsa_file_sink.merged())
    assert result.returncode == 0, result.stderr
    assert "What did you notice?" in result.stdout and "What felt kind?" in result.stdout
    assert "Playing Two Questions: Introduction" in result.stdout and "Playing Day 1: Arriving" in result.stdout
    assert alsa_file_sink.output.stat().st_size > 22050 * 2 * 3  # seconds of speech reached the device
    with sessionlog.SessionLog() as log:
        rows = log.all()
    assert {r.journey for r in rows} == {"two-questions"} and {r.journey_day for r in rows} == {1}
    kept = [json.loads(r.reflection) for r in rows if r.reflection]
    assert kept == [[{"question": "What did you notice?", "answer": "My feet."},
                     {"question": "What felt kind?", "answer": "The pause."}]]
    shown = guided("log", "show", str(max(r.id for r in rows))).stdout
    assert "What felt kind?" in shown and "The pause." in shown


def test_today_play_without_a_value_says_so_before_anything_is_asked(guided, tmp_path, alsa_file_sink):  # noqa: F811
    """Started without a vars file, a programme's {name} is one line naming the fix that
    works for Markdown (no 'variables:' key there), said before a rating or a sound."""
    source = tmp_path / "two-questions.md"
    source.write_text(TWO_QUESTIONS)
    assert guided("journey", "add", str(source)).returncode == 0
    assert guided("journey", "start", "two-questions").returncode == 0
    result = guided("journey", "today", "--play", "--device", alsa_file_sink.device,
                    input="5\n", env=alsa_file_sink.merged())
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "two-questions.md:5:" in lines[0] and "pass --var name=... or give it in a --vars-file" in lines[0]
    assert "Playing" not in result.stdout
    assert not alsa_file_sink.output.exists() or alsa_file_sink.output.stat().st_size == 0
    fixed = guided("journey", "today", "--play", "--no-prompt", "--var", "name=Sam",
                   "--device", alsa_file_sink.device, env=alsa_file_sink.merged())
    assert fixed.returncode == 0, fixed.stderr


def test_ctrl_c_at_the_second_question_keeps_the_first_answer(guided, tmp_path, alsa_file_sink):  # noqa: F811
    """A tester's find: Ctrl-C while answering lost every answer already given (and the
    rating after), because they were only written once all the questions were asked."""
    source = tmp_path / "two-questions.md"
    source.write_text(TWO_QUESTIONS)
    assert guided("journey", "add", str(source)).returncode == 0
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("name: Sam\n")
    assert guided("journey", "start", "two-questions", "--vars-file", str(vars_file)).returncode == 0
    with PtyGuided(["journey", "today", "--play", "--device", alsa_file_sink.device], alsa_file_sink.merged()) as term:
        term.wait_for("How much distress", timeout=60)
        term.send("6\r")
        at = term.wait_for("And now, how much distress", timeout=120)
        term.send("3\r")
        at = term.wait_for("What did you notice?", timeout=20, after=at)
        term.send("My feet on the floor.\r")
        term.wait_for("What felt kind?", timeout=20, after=at)
        term.send("\x03")
        assert term.finish(timeout=30) == 130
    assert "Traceback" not in term.text and "What you wrote so far is kept" in term.text
    with sessionlog.SessionLog() as log:
        every = log.all()
    rows = [r for r in every if r.reflection]
    assert [r.distress_before for r in every] == [6, None]  # the rating belongs to the first practice
    assert len(rows) == 1 and rows[0].distress_after == 3
    assert json.loads(rows[0].reflection) == {"question": "What did you notice?", "answer": "My feet on the floor."}


def test_wait_holds_in_play_until_space(guided, tmp_path, pulse_null_sink):  # noqa: F811
    source = tmp_path / "waiting.md"
    source.write_text(WAITING)
    assert guided("journey", "start", str(source)).returncode == 0
    env = pulse_null_sink.merged()
    env["TERM"] = "xterm"
    with PtyGuided(["journey", "today", "--play", "--no-prompt", "--device", "pulse"], env) as term:
        term.wait_for("Stand up slowly", timeout=60)
        term.wait_for("paused", timeout=20)
        time.sleep(3)  # held: nothing moves on by itself
        assert "Sit down again" not in term.text
        pressed = time.monotonic()
        term.send(" ")
        term.wait_for("Sit down again", timeout=15)  # on at once, not after the 60 s pause
        assert time.monotonic() - pressed < 15
        assert term.finish(timeout=60) == 0


def test_bundle_of_the_seed_shows_day_one_beside_its_audio(guided, tmp_path, browser):  # noqa: F811
    assert guided("journey", "add", str(SEED)).returncode == 0
    # a quarter of each pause: what is checked is the page and that day 1's audio plays
    result = guided("bundle", "attachment-healing", "-o", str(tmp_path / "sam.zip"), "--pace", "0.25",
                    timeout=600)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "sam.zip") as z:
        z.extractall(tmp_path / "unzipped")
    (page,) = (tmp_path / "unzipped").glob("*/index.html")
    browser.open(page.as_uri())
    day = "document.getElementById('programme-day-1')"
    text = browser.js(f"{day}.textContent")
    assert "From our earliest moments, our brains are wiring themselves" in text
    assert "**" not in text and "###" not in text
    leads = browser.js(f"[...{day}.querySelectorAll('p > strong')].map(e => e.textContent)")
    assert "Attachment patterns develop for good reasons." in leads
    assert browser.js(f"{day}.querySelectorAll('ol.reflection li').length") == 4
    assert browser.js(f"{day}.querySelectorAll('ol.steps > li').length") == 3
    assert "Expected Outcomes" in browser.js("document.getElementById('programme').textContent")
    assert "duration: 6 weeks · category: Healing" in browser.js(
        "document.querySelector('#programme .programme-about').textContent")
    browser.js(f"{day}.querySelector('button.listen').click()")
    browser.wait_for("document.getElementById('now-title').textContent === 'Day 1: Your Attachment Story'")
    browser.wait_for("!document.getElementById('audio').paused && document.getElementById('audio').currentTime > 0.3",
                     timeout=30)
    assert browser.js("decodeURI(document.getElementById('audio').src)").endswith("attachment-healing-day-1.mp3")
    assert browser.console == []


HOSTILE = """\
---
title: Careful
links: {links}
---

<script>window.bad = 1</script>

## Day 1: Care <img src=x onerror="window.bad=2">

Words with <b onclick="window.bad=3">tags</b>, [a safe link](https://example.org/ok),
[a script link](javascript:window.bad=4) and ![an image](http://example.org/x.png).
"""


def test_the_page_keeps_the_programme_inert(guided, tmp_path, browser):  # noqa: F811
    for links in ("false", "true"):
        source = tmp_path / f"careful-{links}.md"
        source.write_text(HOSTILE.format(links=links))
        out = tmp_path / f"out-{links}"
        result = guided("bundle", str(source), "-o", str(out), env={"GUIDED_ENGINE": "test"})
        assert result.returncode == 0, result.stderr
        browser.open((out / "index.html").as_uri())
        section = "document.getElementById('programme')"
        assert browser.js("window.bad === undefined")
        assert browser.js(f"{section}.querySelectorAll('script, img, b, [onclick], [onerror]').length") == 0
        anchors = browser.js(f"[...{section}.querySelectorAll('a')].map(a => a.href)")
        assert anchors == (["https://example.org/ok"] if links == "true" else [])
        assert "(https://example.org/ok)" in browser.js(f"{section}.textContent") or links == "true"
        assert browser.console == []


@pytest.mark.subprocess
def test_add_with_stdout_closed_or_killed_leaves_whole_files_only(tmp_path, isolated_home):
    import os
    import signal
    import subprocess
    import sys

    journeys_dir = isolated_home / "journeys"
    closed = subprocess.run([sys.executable, "-m", "guided", "journey", "add", str(SEED)],
                            stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1))
    assert "Traceback" not in closed.stderr
    assert (journeys_dir / "attachment-healing.md").read_bytes() == SEED.read_bytes()
    (journeys_dir / "attachment-healing.md").unlink()
    for delay in (0.05, 0.2, 0.4, 0.6, 0.9):
        proc = subprocess.Popen([sys.executable, "-m", "guided", "journey", "add", str(SEED)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = sorted(journeys_dir.glob("*.md")) if journeys_dir.is_dir() else []
        assert found in ([], [journeys_dir / "attachment-healing.md"])
        if found:
            assert found[0].read_bytes() == SEED.read_bytes()  # never half a programme
            found[0].unlink()
