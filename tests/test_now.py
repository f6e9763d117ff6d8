"""`guided now` (issue 24): practices offered for how the listener feels and the time
they have, from each script's `fits:`; played, logged as started from "now", and one
calm line with the saved support contact when it is still a lot afterwards."""

from __future__ import annotations

import json

import pytest

from guided.errors import ScriptError
from guided.paths import user_scripts_dir
from guided.practice.now import suggestions
from guided.script.loader import load_script
from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture
from tests.helpers import logged_sessions, write

TINY = """\
title: Feet on the floor
fits:
  distress: 7-10
  why: Ten seconds of noticing the floor.
steps:
  - say: Feel the floor.
  - pause: 2s
"""


def offers(cli, *args: str) -> list[dict]:
    result = cli("now", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_high_distress_offers_short_outward_practices_that_fit_the_time(cli):
    found = offers(cli, "--level", "8", "--minutes", "5")
    assert 2 <= len(found) <= 3
    assert found[0]["name"] in ("grounding-54321", "orienting", "grounding")
    assert {"name", "title", "seconds", "why"} <= set(found[0])
    assert all(o["seconds"] <= 5 * 60 * 1.1 and o["why"] for o in found)
    names = {o["name"] for o in found}
    assert not names & {"self-compassion", "safe-place", "breathing-4-7-8", "parts-check-in"}


def test_lower_distress_offers_breath_and_self_compassion(cli):
    names = [o["name"] for o in offers(cli, "--level", "2", "--minutes", "10")]
    assert "self-compassion" in names or "breath-awareness" in names
    assert not {"grounding-54321", "orienting"} & set(names)


def test_the_listeners_own_script_says_what_it_fits(cli):
    write(user_scripts_dir(), "feet.yaml", TINY)
    found = offers(cli, "--level", "9", "--minutes", "0.5")
    assert found[0] == {"name": "feet", "title": "Feet on the floor",
                        "seconds": pytest.approx(found[0]["seconds"]),
                        "why": "Ten seconds of noticing the floor.", "longer": False}
    assert all(o["longer"] for o in found[1:])  # nothing else is that short
    assert "feet" not in [o["name"] for o in offers(cli, "--level", "3")]


def test_when_nothing_is_short_enough_the_shortest_are_offered_as_longer():
    found = suggestions(9, 0.5)
    assert len(found) == 2 and all(s.longer for s in found)
    assert found[0].seconds <= found[1].seconds


@pytest.mark.parametrize(("args", "words"), [
    (("--level", "11"), "--level"),
    (("--level", "-1"), "--level"),
    (("--level", "5", "--minutes", "0"), "--minutes"),
    (("--level", "5", "--minutes", "-5"), "--minutes"),
    (("--level", "5", "--minutes", "nan"), "--minutes"),
    (("--level", "5", "--pick", "4"), "--pick"),
    (("--minutes", "5"), "--level"),  # no terminal to ask on
])
def test_bad_input_is_one_line(cli, args, words):
    result = cli("now", *args)
    assert result.returncode in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("fits", "words"), [
    ("{distress: 11}", "0..10"),
    ("{distress: 8-3}", "lower to a higher"),
    ("{distress: high}", "6-10"),
    ("{why: calm}", "needs 'distress:'"),
    ("{distress: 5, eyes: open}", "takes no 'eyes'"),
    ("[5, 10]", "mapping"),
    ("{distress: 5, why: " + "a" * 201 + "}", "200 characters"),
])
def test_fits_mistakes_point_at_their_place(tmp_path, fits, words):
    path = write(tmp_path, "s.yaml", f"title: T\nfits: {fits}\nsteps: [bell]\n")
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    assert words in str(caught.value) and ":2:" in str(caught.value)


@pytest.mark.audio
def test_now_plays_the_pick_logs_it_and_offers_support_when_still_high(guided, alsa_file_sink):  # noqa: F811
    write(user_scripts_dir(), "feet.yaml", TINY)
    assert guided("settings", "set", "support", "Robin (my sister), 0123 456 789").returncode == 0
    result = guided("now", "--level", "9", "--minutes", "0.5", "--pick", "1", "--after", "7",
                    "--device", alsa_file_sink.device, env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    assert alsa_file_sink.output.stat().st_size > 2 * 24000 * 2  # the pause alone is 2 s
    assert "someone you trust: Robin (my sister), 0123 456 789." in result.stdout
    (row,) = logged_sessions()
    assert (row.script, row.origin, row.distress_before, row.distress_after, row.outcome) == (
        "feet", "now", 9, 7, "completed")


@pytest.mark.audio
def test_quiet_time_from_now_and_no_number_is_ever_made_up(guided, alsa_file_sink):  # noqa: F811
    result = guided("now", "--level", "8", "--minutes", "0.5", "--pick", "timer", "--after", "8",
                    "--bells", "off", "--device", alsa_file_sink.device, env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    assert alsa_file_sink.output.read_bytes() == bytes(30 * 24000 * 2)  # 30 s of silence
    assert "someone you trust." in result.stdout and "guided settings set support" in result.stdout
    assert not any(ch.isdigit() for ch in result.stdout.split("someone you trust")[1].split("`")[0])
    (row,) = logged_sessions()
    assert (row.script, row.origin, row.distress_before) == ("timer", "now", 8)


@pytest.mark.audio
def test_at_a_terminal_now_asks_offers_plays_and_asks_again(alsa_file_sink):  # noqa: F811
    from tests.pty_terminal import PtyGuided

    write(user_scripts_dir(), "feet.yaml", TINY)
    with PtyGuided(["now", "--device", alsa_file_sink.device], alsa_file_sink.merged()) as term:
        at = term.wait_for("How much distress do you feel right now?")
        term.send("9\n")
        at = term.wait_for("How many minutes do you have?", after=at)
        term.send("soon\n")
        at = term.wait_for("A number of minutes from 0.5 to 240", after=at)
        term.send("0.5\n")
        at = term.wait_for("Which would you like?", after=at)
        assert "Feet on the floor" in term.text and "Quiet time" in term.text
        term.send("1\n")
        at = term.wait_for("And now, how much distress", after=at)
        term.send("3\n")
        term.wait_for("Anything you noticed", after=at)
        term.send("\n")
        assert term.finish() == 0, term.text[-1500:]
    assert "someone you trust" not in term.text  # 3 is not still high
    (row,) = logged_sessions()
    assert (row.script, row.origin, row.distress_before, row.distress_after) == ("feet", "now", 9, 3)
