"""A bundle in German (and one mixing languages) in a real headless Chromium: the page's
words, its lang, each practice labelled with its own, README.txt, and an axe-core audit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_bundle import browser  # noqa: F401 - the headless Chromium fixture

pytestmark = [pytest.mark.speech, pytest.mark.tools]  # real speech, ffmpeg, Chromium

ERDUNG = """\
title: Kleine Erdung
original: grounding
language: de
description: Eine sehr kurze Übung.
variables:
  name: du
steps:
  - section: Ankommen
  - say: Hallo {name}, schön, dass du da bist.
  - pause: 1s
  - section: Füße
  - say: Spür deine Füße auf dem Boden.
  - pause: 1s
"""
ANCLAJE = """\
title: Un momento
language: es
steps:
  - section: Llegar
  - say: Hola, te doy la bienvenida.
  - pause: 1s
"""
WEG = """\
title: Zwei Tage
description: Ein kleiner Weg.
weeks:
  - title: Anfang
    days:
      - practice: kleine-erdung
        reflection: Wie haben sich deine Füße angefühlt?
      - practices: [kleine-erdung]
"""


def _axe() -> str:
    import axe_core_python

    return (Path(axe_core_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _audit(browser) -> list:  # noqa: F811 - the fixture
    browser.js(_axe() + "\n;true")
    assert browser.js("axe.version").startswith("4.")  # the audit really runs
    found = browser.js("axe.run(document, {resultTypes: ['violations']}).then(r => "
                       "r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))")
    return found


@pytest.fixture
def practices(isolated_home: Path) -> Path:
    folder = isolated_home / "scripts"
    folder.mkdir()
    (folder / "kleine-erdung.yaml").write_text(ERDUNG, encoding="utf-8")
    (folder / "un-momento.yaml").write_text(ANCLAJE, encoding="utf-8")
    (isolated_home / "journeys").mkdir()
    (isolated_home / "journeys" / "zwei-tage.yaml").write_text(WEG, encoding="utf-8")
    return folder


def test_a_german_bundle_reads_german_and_passes_an_accessibility_audit(
        guided, practices, tmp_path, browser):  # noqa: F811 - the fixture
    out = tmp_path / "für-sam"
    result = guided("bundle", "zwei-tage", "--var", "name=Sam", "-o", str(out))
    assert result.returncode == 0, result.stderr
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert readme.startswith("Zwei Tage · für Sam\n")
    for text in ("WAS DRIN IST", "SO ÖFFNEST DU ES", "BEHUTSAME HINWEISE", "ÜBUNGEN",
                 "DEIN WEG: Zwei Tage", "  Woche 1: Anfang", "    Tag 1: Kleine Erdung",
                 "      Zum Nachspüren: Wie haben sich deine Füße angefühlt?"):
        assert text in readme, text
    assert "WHAT IS INSIDE" not in readme and "Deutsch" not in readme  # one language: no labels

    browser.open((out / "index.html").as_uri())
    assert browser.js("document.documentElement.lang") == "de"
    assert browser.js("document.title") == "Zwei Tage · für Sam"
    shown = browser.js("document.querySelector('main').innerText")
    for text in ("Übungen", "Audio herunterladen", "Untertitel (VTT)", "Kapitel", "Was gesagt wird",
                 "Hör an einem ruhigen, bequemen Ort zu.", "Tag für Tag", "Woche 1: Anfang",
                 "Tag 1", "Tag 2", "Deine Praxis", "Meinen Übungsverlauf speichern",
                 "Alles auf diesem Gerät vergessen", "Heute: Tag 1 von 2"):
        assert text in shown, text
    for english in ("Practices", "Chapters", "Download the audio", "Day by day", "Week 1",
                    "Your practice", "Save my practice record", "Today", "Day 1"):
        assert english not in shown, english
    assert browser.js("document.querySelectorAll('[lang]').length") == 1  # the page's own, only
    assert browser.wait_for("audio.readyState >= 1 && audio.duration", timeout=20)
    assert _audit(browser) == []


def test_a_bundle_mixing_languages_labels_each_practice_with_its_own(
        guided, practices, tmp_path, browser):  # noqa: F811 - the fixture
    out = tmp_path / "mixed"
    result = guided("bundle", "kleine-erdung", "un-momento", "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="bundle-data">(.*?)</script>', page, re.S).group(1))
    assert [item["language"] for item in data["items"]] == ["de", "es"]
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "(0:0" in readme and ", Deutsch)" in readme and ", Español)" in readme

    browser.open((out / "index.html").as_uri())
    assert browser.js("document.documentElement.lang") == "de"  # the first practice's language
    listed = browser.js("[...document.querySelectorAll('#practices button')].map(b => "
                        "[b.innerText, b.querySelector('strong').lang])")
    assert listed[0][0].startswith("Kleine Erdung") and "Deutsch" in listed[0][0] and listed[0][1] == ""
    assert listed[1][0].startswith("Un momento") and "Español" in listed[1][0] and listed[1][1] == "es"
    browser.js("document.querySelectorAll('#practices button')[1].click(); true")
    assert browser.js("document.getElementById('now-title').lang") == "es"
    assert browser.js("document.getElementById('transcript').lang") == "es"
    assert browser.js("document.getElementById('chapters-heading').textContent") == "Kapitel"
    browser.js("document.querySelectorAll('#practices button')[0].click(); true")
    assert browser.js("document.getElementById('now-title').hasAttribute('lang')") is False
    assert _audit(browser) == []


SHORT = {  # language: (name, script, words the page shows in it)
    "es": ("un-momento", ANCLAJE, ("Prácticas", "Descargar el audio", "Capítulos", "Lo que se dice")),
    "fr": ("un-instant", """\
title: Un instant
language: fr
steps:
  - section: Arriver
  - say: Bonjour, prenez le temps qu'il vous faut.
  - pause: 1s
""", ("Pratiques", "Télécharger l'audio", "Chapitres", "Ce qui est dit")),
    "it": ("un-momento-it", """\
title: Un momento per te
language: it
steps:
  - section: Arrivare
  - say: Ciao, prenditi tutto il tempo che ti serve.
  - pause: 1s
""", ("Pratiche", "Scarica l'audio", "Capitoli", "Cosa viene detto")),
}


@pytest.mark.parametrize(("language", "other"), [("es", "fr"), ("fr", "it"), ("it", "es")])
def test_a_spanish_french_and_italian_page_reads_its_language_and_passes_the_audit(
        guided, isolated_home, tmp_path, browser, language, other):  # noqa: F811 - the fixture
    folder = isolated_home / "scripts"
    folder.mkdir()
    for name, script, _ in SHORT.values():
        (folder / f"{name}.yaml").write_text(script, encoding="utf-8")
    first, second = SHORT[language][0], SHORT[other][0]
    out = tmp_path / language
    result = guided("bundle", first, second, "-o", str(out))
    assert result.returncode == 0, result.stderr
    readme = (out / "README.txt").read_text(encoding="utf-8")
    heading = {"es": "QUÉ HAY DENTRO", "fr": "CE QUE VOUS TROUVEREZ ICI", "it": "COSA C'È DENTRO"}
    assert heading[language] in readme and "WHAT IS INSIDE" not in readme
    browser.open((out / "index.html").as_uri())
    assert browser.js("document.documentElement.lang") == language
    shown = browser.js("document.querySelector('main').innerText")
    for text in SHORT[language][2]:
        assert text in shown, text
    for english in ("Practices", "Chapters", "Download the audio", "What is said"):
        assert english not in shown, english
    labels = browser.js("[...document.querySelectorAll('#practices button')].map(b => "
                        "[b.querySelector('strong').lang, b.querySelector('span').lang, "
                        "b.querySelector('span').textContent])")
    assert labels[0][:2] == ["", ""] and labels[1][:2] == [other, other]  # each in its own
    names = {"es": "Español", "fr": "Français", "it": "Italiano"}
    assert [label[2] for label in labels] == [f" · {names[language]}", f" · {names[other]}"]
    assert browser.wait_for("audio.readyState >= 1 && audio.duration", timeout=20)
    assert _audit(browser) == []
    browser.js("document.querySelectorAll('#practices button')[1].click(); true")
    assert browser.js("document.getElementById('now-title').lang") == other
    assert _audit(browser) == []  # with the other language's practice shown
