"""A built-in practice for a programme day that has a focus but no written section
(docs/journeys.md, "Days with a focus only"): the first rule whose words appear in the
focus (or the week's title) chooses; grounding when none does.

The words are looked for in English and in the programme's own language (German,
Spanish, French, Italian), as word beginnings, so "Vertrauen", "confianza" and
"confiance" choose as "trust" does. The practice is then offered in the programme's
language when the library has it there (``erdung`` for ``grounding``: a translation's
``original:`` names the practice it translates), else as it is."""

from __future__ import annotations

import re

# (practice, why it fits, {language: word beginnings}), first match wins. English is
# always looked for (programmes borrow its words); the others only in their language.
RULES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("pause-breathe-respond", "it practises the small pause between feeling triggered and responding", {
        "en": r"trigger|reactiv|interrupt|cycle|conflict|dance|repair",
        "de": r"auslöse|ausgelöst|getriggert|reaktiv|unterbrech|kreislauf|teufelskreis|zyklus|"
              r"konflikt|streit|tanz|reparatur|wiedergutmach|versöhn",
        "es": r"detonante|desencaden|reactiv|interrump|ciclo|conflict|discusi|baile|danza|repar",
        "fr": r"déclench|réactiv|interromp|cycle|conflit|dispute|danse|répar",
        "it": r"innesc|scaten|reattiv|interromp|ciclo|conflitt|litig|danza|ballo|ripar",
    }),
    ("orienting", "looking around the room at your own pace gives a sense of space and choice, "
                  "which helps the avoidant side stay present", {
        "en": r"engulf|avoid|vulnerab|space|autonom|withdraw",
        "de": r"vereinnahm|vermeid|verletzlich|freiraum|raum|autonom|rückzug|zurückzieh",
        "es": r"absorb|evita|vulnerab|espacio|autonom|retir|distancia",
        "fr": r"engloutis|étouff|évit|vulnérab|espace|autonom|retrait|retir|distance",
        "it": r"inglob|soffoc|evita|evitant|vulnerab|spazio|autonom|ritir|distanz",
    }),
    ("self-compassion", "it offers the anxious side the warmth it usually looks for from someone else", {
        "en": r"abandon|anxious|reassur|self-sooth|sooth|fear",
        "de": r"verlass|verlust|ängst|angst|beruhig|rückversicher|trost|tröst|furcht|selbstmitgef",
        "es": r"abandon|ansi|tranquiliz|consuel|calma|miedo|temor|autocompasi",
        "fr": r"abandon|anxi|angoiss|rassur|apais|consol|peur|crainte|autocompassion",
        "it": r"abbandon|ansi|ansios|rassicur|consol|calma|paura|timore|autocompassion",
    }),
    ("safe-place", "it builds a felt sense of safety to come back to", {
        "en": r"secur|trust|safe|stabil|ritual|reliab|availab|responsiv",
        "de": r"sicher|vertrau|stabil|ritual|verlässlich|zuverlässig|verfügbar|erreichbar|geborgen",
        "es": r"segur|confian|estab|ritual|fiab|disponib|receptiv",
        "fr": r"sécur|sûr|confian|stabil|rituel|fiab|disponib|réceptiv",
        "it": r"sicur|fiduc|stabil|ritual|affidab|disponib|ricettiv",
    }),
    ("parts-check-in", "it turns gently towards the parts of you that protect", {
        "en": r"\bparts?\b|protect",  # "part of me", never "partner" (that one listens, below)
        "de": r"anteil|teil|schutz|schütz|beschütz",
        "es": r"parte|partes|proteg|protecc",
        "fr": r"partie|protég|protect",
        "it": r"parte|parti|protegg|protez",
    }),
    ("tracking-activation", "it follows activation and settling in the body", {
        "en": r"body|sensation|nervous|activation|notice",
        "de": r"körper|empfind|nervensystem|nervös|aktivier|wahrnehm|bemerk|spür",
        "es": r"cuerpo|sensaci|nervios|activaci|notar|percib",
        "fr": r"corps|sensation|nerveu|activation|remarqu|perçoi|percev",
        "it": r"corpo|sensazion|nervos|attivazion|notare|accorg|percep",
    }),
    ("breath-awareness", "a few quiet breaths first make it easier to speak and listen openly", {
        "en": r"communicat|express|dialogue|listen|partner",
        "de": r"kommunik|ausdr|gespräch|dialog|zuhör|partner|paar",
        "es": r"comunica|expres|diálogo|dialog|escuch|pareja",
        "fr": r"communi|exprim|expression|dialogu|écout|partenaire|couple",
        "it": r"comunica|esprim|espress|dialog|ascolt|partner|coppia",
    }),
)
DEFAULT = ("grounding", "grounding helps on any day: it brings you back to the present, "
                        "where new patterns are practised")
LANGUAGES = ("en", "de", "es", "fr", "it")


def fitting_practice(focus: str, week_title: str = "", language: str = "en") -> tuple[str, str]:
    """``(practice name, why it fits)`` for a day's focus, the practice in ``language``
    when the library has it there."""
    name, why = _chosen(focus, week_title, _primary(language))
    return _in_language(name, language), why


def _chosen(focus: str, week_title: str, language: str) -> tuple[str, str]:
    for text in (focus, week_title):
        for name, why, words in RULES:
            if language == "en" or language not in words:
                found = re.search(words["en"], text, re.I)  # English stems anywhere, as always
            else:  # at the start of a word, so "raum" is found in "Raum", never in "Traum"
                found = re.search(rf"\b(?:{words['en']}|{words[language]})", text, re.I)
            if found:
                return name, why
    return DEFAULT


def _in_language(name: str, language: str) -> str:
    """The library's version of ``name`` in ``language`` (its translation's name), else ``name``."""
    if _primary(language) == "en":
        return name
    from guided.errors import GuidedError
    from guided.script.library import find_script

    try:
        return find_script(name, language).stem
    except (GuidedError, OSError, ValueError):
        return name


def _primary(language: str) -> str:
    return re.split(r"[-_]", (language or "en").strip(), maxsplit=1)[0].lower()
