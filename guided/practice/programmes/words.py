"""The words a programme's headings and sentences are recognised by, in each language a
practice can be spoken in (English, German, Spanish, French, Italian).

A therapist writes a programme in their own language: `## Tag 1: Ankommen`, `### Semana 2`,
`### Questions de réflexion`, `Schritt 1:`, "circa 20 minuti". The words of every
language are recognised in every programme (front matter need not say `language:` first),
so one list here is the whole rule; the words are ones that do not begin an ordinary
heading in another of these languages.
"""

from __future__ import annotations

import re

_SEP = r"\b\s*[:.\-–—)]?\s*(.*)$"

# `## Day 3: Title`: a day written out.
# Any run of digits is taken, so `## Day 99999999999` is said to be out of range at its
# heading rather than read as some other section (``number`` keeps the value bounded).
DAY = re.compile(r"^(?:day|tag|d[ií]a|jour|giorno)\s+(\d+)" + _SEP, re.I)
# `### Week 2: Title` inside the plan.
WEEK = re.compile(r"^(?:week|woche|semana|semaine|settimana)\s+(\d+)" + _SEP, re.I)
# `Step 1:` opening a paragraph of an activity.
STEP = re.compile(r"^(?:step|schritt|paso|[ée]tape|passo)\s+(\d{1,3})\s*[:.\-–—)]?\s*(.*)$", re.I | re.S)
# `### Today's Activity`, `### Übung für heute`, `### Ejercicio`, `### Exercice du jour`, `### Esercizio`
ACTIVITY = re.compile(r"activit|exercise|practi[cs]e|try this"
                      r"|übung|uebung|aktivität|ausprobieren"
                      r"|actividad|ejercicio|pr[áa]ctica"
                      r"|exercice|pratique"
                      r"|attivit[àa]|esercizio|pratica", re.I)
# `### Reflection Questions`, `### Fragen zum Nachdenken`, `### Preguntas`, `### Domande`
QUESTIONS = re.compile(r"reflect|question|journal"
                       r"|reflexi[oó]n|fragen|tagebuch"
                       r"|preguntas|diario"
                       r"|r[ée]flexion"
                       r"|riflession|domande", re.I)
# "about 45 minutes", "20-30 minutes", "an hour"; "etwa 45 Minuten", "eine Stunde",
# "unos 20 minutos", "una hora", "environ 20 minutes", "une heure", "circa 20 minuti", "un'ora".
_HOURS = r"hours?|hrs?|stunden?|std|horas?|heures?|ore|ora"
LENGTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:(?:-|–|to|bis|a|à)\s*\d+(?:[.,]\d+)?\s*)?"
                    r"(minutes?|mins?|minuten|minutos?|minuti|minuto|" + _HOURS + r")\b"
                    r"|\b(?:an|eine|una|une)\s+(hour|stunde|hora|heure)\b|\b(un['’]ora)\b", re.I)
# `duration: 6 weeks` in the front matter; `6 Wochen`, `6 semanas`, `6 semaines`, `6 settimane`.
WEEKS = re.compile(r"^\s*(\d{1,2})\s*(?:weeks?|wochen?|semanas?|semaines?|settiman[ae])\s*$", re.I)


def number(digits: str) -> int:
    """A day's or week's number as written, or one past any limit when it is longer than
    nine digits (Python refuses to read 4,300 digits and more as a number)."""
    return int(digits) if len(digits) <= 9 else 10**9


def length_seconds(text: str) -> float | None:
    """The length a sentence gives for an activity ("about 45 minutes"), in seconds."""
    match = LENGTH.search(text)
    if not match:
        return None
    if match.group(3) or match.group(4):
        return 3600.0
    amount = float(match.group(1).replace(",", "."))
    unit = match.group(2).lower()
    return amount * (3600.0 if re.fullmatch(_HOURS, unit) else 60.0)
