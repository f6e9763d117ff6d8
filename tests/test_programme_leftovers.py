"""Two leftovers of issue 21: raw HTML in a programme is no longer dropped without a word
(one warning, at the first piece left out), and a day with a focus only finds its
practice from German, Spanish, French and Italian words too, offered in the programme's
language when the library has it there."""

from __future__ import annotations

from pathlib import Path

import pytest

from guided.practice import journeys
from guided.practice.programmes.fitting import RULES, fitting_practice
from guided.script.model import Say, iter_steps

HTML = """\
---
title: With Some Html
---

Welcome <span class="soft">gently</span> to this programme.

## Day 1: Arriving

<div class="box">
Boxed words.
</div>

<!-- pause: 5s -->

Plain words<br>and more.
"""

PLAN = """\
---
title: {title}
language: {language}
---

{intro}

## Day 1: {day}

{words}

## Your Journey Plan

### Week 1: {week}
{focus}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_html_left_out_is_said_once_where_it_first_is(cli, tmp_path):
    programme = write(tmp_path / "html.md", HTML)
    result = cli("journey", "check", str(programme))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [f"{programme}:5:9: warning: HTML in a programme is neither shown nor "
                        "spoken (and in 3 more places); write it as Markdown, or as an HTML "
                        "comment if it is a note for yourself"]
    j = journeys.load_journey(programme)
    spoken = " ".join(step.text for ref in j.day(1).practices
                      for step in iter_steps(journeys.load_practice(j, ref).steps)
                      if isinstance(step, Say))
    assert "Plain words" in spoken and "Boxed" not in spoken and "<" not in spoken
    shown = cli("journey", "show", str(programme)).stdout
    assert "Welcome gently" in shown and "<span" not in shown and "<div" not in shown


def test_comments_alone_pass_quietly(cli, tmp_path):
    programme = write(tmp_path / "quiet.md", "## Day 1: A\n\nWords.\n\n<!-- pause: 5s -->\n\n"
                                             "<!-- a note for me -->\n\nMore <!-- inline note --> words.\n")
    result = cli("journey", "check", str(programme))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr


@pytest.mark.parametrize(("language", "focus", "expected"), [
    ("de", "Auslöser erkennen und innehalten", "pause-breathe-respond"),
    ("de", "Raum für dich selbst", "orientierung"),
    ("de", "Träume aufschreiben", "erdung"),  # "raum" is found at a word's start only
    ("de", "Die Angst vor dem Verlassenwerden", "selbstmitgefuehl"),
    ("de", "Vertrauen im Alltag", "safe-place"),  # not translated: offered as it is
    ("de-AT", "Mit deinem Partner sprechen", "atem"),
    ("es", "Reconocer el miedo al abandono", "autocompasion"),
    ("es", "Espacio y autonomía", "orientacion"),
    ("es", "Escuchar a tu pareja", "respiracion"),
    ("fr", "Apaiser la peur de l'abandon", "autocompassion"),
    ("fr", "Le corps et ses sensations", "tracking-activation"),
    ("fr", "Un jour tranquille", "ancrage"),
    ("it", "La paura dell'abbandono", "autocompassione"),
    ("it", "Costruire fiducia", "safe-place"),
    ("it", "Prendersi spazio", "orientamento"),
    ("en", "Address fears of engulfment", "orienting"),
])
def test_focus_words_in_five_languages_offer_the_practice_in_that_language(language, focus, expected):
    assert fitting_practice(focus, "", language)[0] == expected


def test_every_rule_has_words_in_each_language():
    for name, why, words in RULES:
        assert set(words) == {"en", "de", "es", "fr", "it"}, name
        assert why and all(words.values())


def test_a_german_programme_suggests_and_plays_the_german_practice(cli, tmp_path):
    programme = write(tmp_path / "sicher.md", PLAN.format(
        title="Sicher verbunden", language="de", intro="Willkommen, schön, dass du da bist.",
        day="Ankommen", words="Heute nimmst du dir einen Moment für dich.",
        week="Ein ruhiger Anfang", focus="- Ankommen\n- Raum für dich selbst\n- Angst vor dem Verlassenwerden\n"))
    assert cli("journey", "check", str(programme)).returncode == 0
    assert cli("journey", "start", str(programme)).returncode == 0
    j = journeys.load_journey(programme)
    room = next(d for d in j.days if "Raum für dich" in d.focus)
    fear = next(d for d in j.days if "Angst" in d.focus)
    shown = cli("journey", "today", "--day", str(room.number), "--no-prompt")
    assert shown.returncode == 0, shown.stderr
    assert "A practice that fits it: orientierung" in shown.stdout
    from guided.commands.journey_programme import day_scripts

    (script,) = day_scripts(j, fear)
    assert script.name == "selbstmitgefuehl" and script.language == "de"


def test_guided_check_shows_the_programme_warning_too(cli, tmp_path):
    programme = write(tmp_path / "html.md", HTML)
    result = cli("check", str(programme))
    assert result.returncode == 0, result.stderr
    assert f"{programme}:5:9: warning: HTML in a programme is neither shown nor spoken" in result.stderr
    assert f"{programme}: ok (with 1 warning) — a journey" in result.stdout
