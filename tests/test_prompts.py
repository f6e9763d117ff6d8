"""The 0-10 rating questions under a real pseudo-terminal (issue 11, point 3).

An answer outside the scale is asked again, with the accepted range, as many times as
needed; Enter skips and says so. Nothing the person typed is dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture
from tests.helpers import logged_sessions
from tests.pty_terminal import PtyGuided

pytestmark = pytest.mark.audio

TINY = "title: Tiny\nsteps:\n  - say: Hello.\n"


def test_invalid_ratings_are_asked_again_until_valid(tmp_path: Path, alsa_file_sink):  # noqa: F811
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    with PtyGuided(["play", str(path), "--device", alsa_file_sink.device], alsa_file_sink.merged()) as term:
        at = term.wait_for("(0-10, Enter to skip)")
        for wrong in ("eleven", "11", "-3", "4.5"):
            term.send(wrong + "\n")
            at = term.wait_for("A whole number from 0 to 10", after=at + 1)
            at = term.wait_for("(0-10, Enter to skip)", after=at)  # the question again
        term.send("4\n")
        at = term.wait_for("And now, how much distress", after=at)
        term.send("\n")  # Enter skips the second rating, and says so
        at = term.wait_for("Skipped", after=at)
        term.wait_for("Anything you noticed", after=at)
        term.send("\n")
        assert term.finish() == 0, term.text[-1500:]
    (row,) = logged_sessions()
    assert (row.distress_before, row.distress_after) == (4, None)
    assert term.text.count("A whole number from 0 to 10") == 4


def test_ratings_off_in_settings_asks_only_for_a_note(guided, tmp_path: Path, alsa_file_sink):  # noqa: F811
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    assert guided("settings", "set", "ratings", "off").returncode == 0
    with PtyGuided(["play", str(path), "--device", alsa_file_sink.device], alsa_file_sink.merged()) as term:
        term.wait_for("Anything you noticed")
        term.send("calmer\n")
        assert term.finish() == 0, term.text[-1500:]
    assert "0-10" not in term.text
    (row,) = logged_sessions()
    assert (row.distress_before, row.distress_after, row.note) == (None, None, "calmer")


def test_ctrl_c_at_the_note_keeps_the_rating_after(tmp_path: Path, alsa_file_sink):  # noqa: F811
    """A tester's find: Ctrl-C at "Anything you noticed" lost the rating given just before."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    with PtyGuided(["play", str(path), "--device", alsa_file_sink.device], alsa_file_sink.merged()) as term:
        at = term.wait_for("(0-10, Enter to skip)")
        term.send("7\n")
        at = term.wait_for("And now, how much distress", after=at)
        term.send("4\n")
        term.wait_for("Anything you noticed", after=at)
        term.send("\x03")
        assert term.finish() == 130, term.text[-1500:]
    assert "Traceback" not in term.text and "Your rating is kept" in term.text
    (row,) = logged_sessions()
    assert (row.distress_before, row.distress_after) == (7, 4) and not row.note
