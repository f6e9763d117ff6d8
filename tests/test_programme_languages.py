"""A programme written in German, Spanish, French or Italian is read like an English one:
its days, weeks, activity, steps, questions and lengths are found in its own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from guided.practice import journeys
from guided.practice.programmes.journey import is_written
from guided.practice.programmes.words import length_seconds
from guided.script.model import Pause, Say

GERMAN = """\
---
title: Sicher ankommen
description: Vier Wochen, um dem eigenen Körper wieder zu trauen.
duration: 4 Wochen
language: de
---

Schön, dass du da bist. Nimm dir für jeden Tag ein paar ruhige Minuten.

## Tag 1: Ankommen

### Worum es heute geht

**Dein Körper kennt den Weg.** Du musst heute nichts verändern.

### Übung für heute

Nimm dir dafür etwa 20 Minuten.

Schritt 1: Schau dich langsam im Raum um.

Schritt 2: Spür, wo deine Füße den Boden berühren.

### Fragen zum Nachdenken

1. Was hast du bemerkt?
2. Was hat sich freundlich angefühlt?

## Dein Weg in Wochen

### Woche 1: Ankommen

- Den eigenen Rhythmus finden

### Woche 2: Halt finden

- Sicherheit im Körper spüren
"""

SPANISH = """\
---
title: Volver a casa
duration: 2 semanas
language: es
---

Bienvenida. Aquí puedes ir a tu ritmo.

## Día 1: Llegar

### Lo que aprendemos hoy

Notar ya es suficiente.

### Ejercicio de hoy

Dedica unos 10 minutos a esto.

Paso 1: Mira a tu alrededor sin prisa.

Paso 2: Siente el apoyo de la silla.

### Preguntas para reflexionar

1. ¿Qué notaste?

## Tu plan

### Semana 1: Llegar

- Encontrar tu propio ritmo

### Semana 2: Sostener

- Sentir apoyo
"""

FRENCH = """\
---
title: Revenir à soi
duration: 2 semaines
language: fr
---

Bienvenue. Prenez le temps qu'il vous faut.

## Jour 1 : Arriver

### Ce que nous découvrons

Remarquer suffit déjà.

### Exercice du jour

Comptez environ 10 minutes.

Étape 1 : Regardez lentement autour de vous.

Étape 2 : Sentez le sol sous vos pieds.

### Questions de réflexion

1. Qu'avez-vous remarqué ?

## Votre parcours

### Semaine 1 : Arriver

- Trouver votre rythme

### Semaine 2 : S'appuyer

- Sentir un soutien
"""

ITALIAN = """\
---
title: Tornare a sé
duration: 2 settimane
language: it
---

Benvenuta. Qui puoi andare con calma.

## Giorno 1: Arrivare

### Cosa impariamo oggi

Accorgersi basta già.

### Esercizio di oggi

Prenditi circa 10 minuti.

Passo 1: Guardati intorno con calma.

Passo 2: Senti il pavimento sotto i piedi.

### Domande per riflettere

1. Che cosa hai notato?

## Il tuo percorso

### Settimana 1: Arrivare

- Trovare il tuo ritmo

### Settimana 2: Appoggiarsi

- Sentire un sostegno
"""


REVIEW = {"de": "ein ruhigerer Tag", "es": "un día más tranquilo", "fr": "une journée plus douce",
          "it": "una giornata più leggera"}


def test_a_week_the_plan_leaves_out_is_named_in_the_programmes_language(tmp_path: Path) -> None:
    path = tmp_path / "programme.md"
    path.write_text(GERMAN, encoding="utf-8")
    assert [w.title for w in journeys.load_journey(path).weeks] == ["Ankommen", "Halt finden", "Woche 3", "Woche 4"]


@pytest.mark.parametrize("case", [
    (GERMAN, 4, "Sicherheit im Körper spüren", "Schau dich langsam im Raum um.", "Was hast du bemerkt?", 20),
    (SPANISH, 2, "Sentir apoyo", "Mira a tu alrededor sin prisa.", "¿Qué notaste?", 10),
    (FRENCH, 2, "Sentir un soutien", "Regardez lentement autour de vous.", "Qu'avez-vous remarqué ?", 10),
    (ITALIAN, 2, "Sentire un sostegno", "Guardati intorno con calma.", "Che cosa hai notato?", 10),
], ids=["de", "es", "fr", "it"])
def test_a_programme_in_its_own_language_has_days_weeks_steps_and_questions(tmp_path: Path, case: tuple) -> None:
    text, weeks, focus, step, question, minutes = case
    path = tmp_path / "programme.md"
    path.write_text(text, encoding="utf-8")
    j = journeys.load_journey(path)
    assert len(j.weeks) == weeks and len(j.days) == weeks * 7
    assert [d.number for d in j.days if is_written(d)] == [1]
    assert j.day(8).focus == focus and not j.day(8).practices  # week 2's focus, no track
    assert REVIEW[j.programme.language] in j.day(9).focus  # what the client reads, in their language
    day1 = j.day(1)
    assert day1.questions[0] == question
    assert [r.ref for r in day1.practices] == ["introduction", "day-1"]
    steps = day1.practices[1].script.steps
    says = " ".join(s.text for s in steps if isinstance(s, Say))
    assert step in says
    pauses = [s.seconds for s in steps if isinstance(s, Pause) and s.written]
    assert pauses == [minutes * 30.0, minutes * 30.0]  # the written length shared by two steps


@pytest.mark.parametrize(("text", "seconds"), [
    ("about 45 minutes", 2700), ("an hour", 3600), ("20-30 minutes", 1200),
    ("etwa 45 Minuten", 2700), ("eine Stunde", 3600), ("1,5 Stunden", 5400), ("10 bis 15 Minuten", 600),
    ("unos 20 minutos", 1200), ("una hora", 3600), ("2 horas", 7200),
    ("environ 20 minutes", 1200), ("une heure", 3600), ("20 à 30 minutes", 1200),
    ("circa 20 minuti", 1200), ("un'ora", 3600), ("2 ore", 7200),
])
def test_a_length_is_read_in_each_language(text: str, seconds: int) -> None:
    assert length_seconds(text) == seconds


@pytest.mark.parametrize("text", ["Monday", "ora et labora", "a day or two", "2 orecchie", "Minutenzeiger"])
def test_words_that_only_look_like_a_length_are_not_one(text: str) -> None:
    assert length_seconds(text) is None


@pytest.mark.parametrize(("heading", "expected"), [
    ("## Day 99999999999999999999: Far", ":10:1: error: day numbered past a billion is out of range"),
    ("## Day 400: Far", ":10:1: error: day 400 is out of range"),
    ("## Tag " + "9" * 5000 + ": Weit", ":10:1: error: day numbered past a billion is out of range"),
])
def test_a_day_numbered_out_of_range_is_named_at_its_heading(cli, tmp_path: Path, heading: str,
                                                              expected: str) -> None:
    path = tmp_path / "far.md"
    path.write_text(GERMAN.replace("## Tag 1: Ankommen", heading), encoding="utf-8")
    result = cli("journey", "check", str(path))
    assert result.returncode != 0 and expected in result.stderr, result.stderr
    assert "internal error" not in result.stderr


def test_a_week_numbered_out_of_order_is_named_not_dropped(cli, tmp_path: Path) -> None:
    path = tmp_path / "weeks.md"
    path.write_text(GERMAN.replace("### Woche 2: Halt finden", "### Woche 99999999999999: Halt finden"),
                    encoding="utf-8")
    result = cli("journey", "check", str(path))
    assert result.returncode != 0
    assert "'Week 999999999999…' is out of order" in result.stderr and "should be week 2" in result.stderr
