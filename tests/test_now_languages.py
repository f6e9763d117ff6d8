"""`guided now` and `guided timer` in the listener's language (issue 22): `--language`
or the saved `language` setting chooses the practices offered (those written in it),
the questions, every line on the screen and so the words spoken."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from guided.paths import settings_file, user_scripts_dir
from guided.timeline.timer import timer_script
from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture
from tests.helpers import logged_sessions, write

FUESSE = """\
title: Füße am Boden
language: de
fits:
  distress: 7-10
  why: Ein paar Atemzüge lang den Boden spüren.
steps:
  - say: Spür den Boden.
  - breathe: {in: 2, out: 3, cycles: 1}
"""

FEET = """\
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


def test_now_offers_the_practices_written_in_the_language_asked_for(cli):
    write(user_scripts_dir(), "fuesse.yaml", FUESSE)
    write(user_scripts_dir(), "feet.yaml", FEET)
    german = offers(cli, "--language", "de", "--level", "9", "--minutes", "0.5")
    assert german[0]["name"] == "fuesse" and german[0]["why"] == "Ein paar Atemzüge lang den Boden spüren."
    assert "feet" not in {o["name"] for o in german}
    english = {o["name"] for o in offers(cli, "--level", "9", "--minutes", "0.5")}
    assert "feet" in english  # the plain `now`: yours in any language, the English built-ins
    assert {o["name"] for o in offers(cli, "-l", "de-AT", "--level", "9")} >= {"fuesse"}


def test_the_saved_language_is_followed_and_the_option_wins(cli):
    write(user_scripts_dir(), "fuesse.yaml", FUESSE)
    write(user_scripts_dir(), "feet.yaml", FEET)
    assert cli("settings", "set", "language", "de").returncode == 0
    assert offers(cli, "--level", "9", "--minutes", "0.5")[0]["name"] == "fuesse"
    assert offers(cli, "--language", "en", "--level", "9", "--minutes", "0.5")[0]["name"] == "feet"
    assert "language: de" in settings_file().read_text(encoding="utf-8")


def test_the_timer_is_named_and_described_in_the_language():
    assert timer_script(60, 20, "fr").title == "Temps de silence, 1:00"
    assert timer_script(60, 20, "fr").description == (
        "Un minuteur silencieux de 1:00, avec une cloche toutes les 0:20.")
    assert timer_script(90, language="de-CH").title == "Stille Zeit, 1:30"
    assert timer_script(90, language="it").language == "it"
    # a language with no catalogue and no voice: English words, and nothing to speak
    assert (timer_script(90, language="xx").title, timer_script(90, language="xx").language) == (
        "Quiet time, 1:30", "en")


@pytest.mark.parametrize(("args", "words"), [
    (("now", "--level", "5", "--json", "--language", "deutsch!"), "--language"),
    (("now", "--level", "5", "--json", "-l", "x" * 5000), "--language"),
    (("now", "--level", "5", "--json", "-l", "de\nen"), "--language"),
    (("timer", "10s", "--language", "<b>"), "--language"),
    (("settings", "set", "language", "Deutsch bitte"), "language should be a language tag"),
    (("settings", "set", "language", "12"), "language should be a language tag"),
])
def test_a_wrong_language_is_one_line(cli, args, words):
    result = cli(*args)
    assert result.returncode in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not settings_file().exists() or "language" not in settings_file().read_text("utf-8")


@pytest.mark.parametrize("value", ["[de, fr]", "{a: b}", "yes", "'de fr'", "'" + "d" * 50_000 + "'"])
def test_a_saved_language_that_is_not_one_is_one_line_at_its_place(cli, value):
    write(settings_file().parent, settings_file().name, f"rate: 130\nlanguage: {value}\n")
    result = cli("now", "--level", "5", "--json")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "settings.yaml:2:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.subprocess
def test_bytes_that_are_not_utf8_and_a_closed_stdout_are_met_calmly(tmp_path):
    env = dict(os.environ)
    bad = subprocess.run([sys.executable, "-m", "guided", "now", "--level", "5", "--json",
                          "--language", os.fsdecode(b"d\xffe")], capture_output=True, env=env,
                         timeout=120)
    assert bad.returncode != 0 and b"Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and b"--language" in bad.stderr
    closed = subprocess.run([sys.executable, "-m", "guided", "now", "--level", "8", "--json",
                             "-l", "de"], stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=120, preexec_fn=lambda: os.close(1))
    assert b"Traceback" not in closed.stderr, closed.stderr


@pytest.mark.audio
def test_a_german_now_at_a_terminal_asks_offers_and_speaks_german(guided, alsa_file_sink):  # noqa: F811
    from tests.pty_terminal import PtyGuided

    write(user_scripts_dir(), "fuesse.yaml", FUESSE)
    assert guided("settings", "set", "language", "de").returncode == 0
    env = {**alsa_file_sink.merged(), "GUIDED_ENGINE": "test"}
    with PtyGuided(["now", "--device", alsa_file_sink.device], env) as term:
        at = term.wait_for("Wie belastet fühlst du dich gerade?")
        term.send("9\n")
        at = term.wait_for("Wie viele Minuten hast du gerade?", after=at)
        term.send("bald\n")
        at = term.wait_for("Hier passt eine Minutenzahl von 0,5 bis 240", after=at)
        term.send("0,5\n")
        at = term.wait_for("Was möchtest du?", after=at)
        assert "Das könnte gerade passen:" in term.text and "Füße am Boden" in term.text
        assert "Stille Zeit: ein sanfter Gong, 0:30 Stille, ein Gong" in term.text
        term.send("1\n")
        at = term.wait_for("Einatmen", after=at)  # the breath cue, spoken and shown in German
        at = term.wait_for("Ausatmen", after=at)
        at = term.wait_for("Und jetzt, wie belastet fühlst du dich?", after=at)
        term.send("8\n")
        term.wait_for("was dir aufgefallen ist?", after=at)
        term.send("\n")
        assert term.finish() == 0, term.text[-1500:]
    assert "Es ist gerade immer noch viel" in term.text
    for english in ("How much", "How many minutes", "Which would you like", "Breathing in",
                    "Quiet time", "It is still a lot"):
        assert english not in term.text, english
    (row,) = logged_sessions()
    assert (row.script, row.origin, row.distress_before, row.distress_after) == ("fuesse", "now", 9, 8)


@pytest.mark.audio
def test_an_italian_timer_asks_in_italian(guided, alsa_file_sink):  # noqa: F811
    from tests.pty_terminal import PtyGuided

    with PtyGuided(["timer", "10s", "--language", "it", "--before", "4", "--device",
                    alsa_file_sink.device], alsa_file_sink.merged()) as term:
        at = term.wait_for("E adesso, quanto disagio senti?")
        term.send("2\n")
        term.wait_for("(Invio per saltare)", after=at)
        term.send("\n")
        assert term.finish() == 0, term.text[-1500:]
    assert "How much" not in term.text and "distress" not in term.text
    (row,) = logged_sessions()
    assert (row.script, row.origin, row.distress_before, row.distress_after) == ("timer", "timer", 4, 2)


# -- the translated library in `guided now` ------------------------------------------

def test_each_translation_is_offered_at_the_levels_of_its_original_written_once():
    from guided.practice.now import levels
    from guided.script.library import iter_library, name_key

    entries = iter_library()
    by_name = {name_key(e.name): e.script for e in entries if e.script is not None}
    translations = [e.script for e in entries
                    if e.script is not None and e.script.original and e.source == "built-in"]
    assert len(translations) == 20
    for script in translations:
        original = by_name[name_key(script.original)]
        assert script.fits is not None and script.fits.levels is None, script.name  # one source
        assert levels(script, by_name) == original.fits.levels, script.name
        assert script.fits.why and script.fits.why != original.fits.why, script.name


OFFERED = {  # language: (for distress 8, for distress 2)
    "de": ({"erdung", "orientierung"}, {"atem", "selbstmitgefuehl", "ruhig-atmen"}),
    "es": ({"anclaje", "orientacion"}, {"respiracion", "autocompasion", "respiracion-pausada"}),
    "fr": ({"ancrage", "orientation"}, {"respiration", "autocompassion", "coherence-cardiaque"}),
    "it": ({"radicamento", "orientamento"}, {"respiro", "autocompassione", "respiro-regolare"}),
}


def test_now_in_a_language_offers_its_built_in_practices(cli):
    from guided.practice.now import suggestions
    from guided.script.library import iter_library

    entries = iter_library()  # read once for every language
    for language, (high, calm) in OFFERED.items():
        assert {s.name for s in suggestions(8, 10, entries, language)} == high, language
        assert {s.name for s in suggestions(2, 10, entries, language)} == calm, language
    english = {s.name for level in (2, 8) for s in suggestions(level, 10, entries)}
    translated = set().union(*(h | c for h, c in OFFERED.values()))
    assert english and not english & translated  # the plain `now` offers no translation
    german = offers(cli, "--language", "de", "--level", "8", "--minutes", "10")
    assert {o["name"] for o in german} == OFFERED["de"][0]
    assert {o["name"]: o["why"] for o in german}["erdung"] == (
        "Deine Füße, der Stuhl, die Dinge um dich herum: etwas, das Halt gibt, wenn es gerade viel ist.")
    listed = cli("list", "--language", "de")  # `list` is as it was: the five, nothing more
    assert listed.returncode == 0
    assert sum(name in listed.stdout for name in OFFERED["de"][0] | OFFERED["de"][1]) == 5


def test_a_translations_own_levels_win_and_one_without_an_original_is_not_offered(cli):
    write(user_scripts_dir(), "boden.yaml", FUESSE.replace(
        "fits:\n  distress: 7-10\n", "original: grounding\nfits:\n  distress: 2\n"))
    write(user_scripts_dir(), "waise.yaml", FUESSE.replace(
        "fits:\n  distress: 7-10\n", "original: no-such-practice\nfits:\n"))
    assert "boden" in {o["name"] for o in offers(cli, "-l", "de", "--level", "2", "--minutes", "30")}
    names = {o["name"] for o in offers(cli, "-l", "de", "--level", "8", "--minutes", "30")}
    assert "boden" not in names and "waise" not in names and "erdung" in names
    warned = cli("check", str(user_scripts_dir() / "waise.yaml"))  # it plays; now would not offer it
    assert warned.returncode == 0, warned.stderr
    assert "waise.yaml:5:" in warned.stdout + warned.stderr
    assert "'no-such-practice', which gives none here" in warned.stdout + warned.stderr
    assert cli("check", "--strict", str(user_scripts_dir() / "waise.yaml")).returncode != 0
    assert cli("check", "--strict", str(user_scripts_dir() / "boden.yaml")).returncode == 0
