"""The text Pico is given: a script's `say` with the few signs and words Pico reads
wrongly made into the ones it reads as a speaker would (heard with bench/pico_path.py
and bench/pico_ligatures.py, by the length of Pico's own pauses, and by comparing
Pico's clips sample for sample with those of the words written out, bench/pico_french.py;
issue 22).

- ``<`` and ``>`` become spaces: Pico reads them as its own markup
  (``<speed level="400">``), so a `say` could change the voice or its speed.
- The ligatures ``œ`` and ``æ`` are written out (``oe``, ``ae``): Pico's French reads
  ``œ`` as "ou", so "votre cœur" was heard as "votre cours", "œuvre" as "ouvre" and
  "vœu" as "vous" (bench/pico_ligatures.py: ten sentences with ``œ`` had 16 to 17 of 60
  words heard wrong at rate 140, written out 8 to 9); it reads ``oe`` in these words right.
- An ellipsis written as one sign (``…``) is passed over by Pico without any pause,
  while three full stops make one (about a second at rate 140): both are given as three
  full stops, so a practice pauses at ``Atme ein… und aus`` however it was typed. A run
  of them (``… … …``) is one pause: Pico paused about 1.7 s for each, so a phrase of
  1,500 spaced ellipses was 42 minutes of silence.
- A dash (``—``, or ``–`` anywhere but between two digits, as in 4–6) is passed over
  without a pause, where a speaker pauses: it is given as a comma (Pico's short pause).
- Spanish ``¿`` and ``¡`` where a sentence or clause has just ended (or at the start) are
  left out: Pico pauses at each as at a full stop (about 0.65 s at rate 140), on top of
  the pause of the ``.``, ``,`` or ``:`` before it, so "Respira. ¿Cómo estás?" had a
  gap of 1.4 s where a speaker leaves 0.8, and every `say` that opened with ``¿``
  began with 0.65 s of silence. The question's or exclamation's tune comes from the
  closing ``?`` or ``!``: after a full stop the question is spoken as before (its pitch
  and loudness contours the same); after a comma the clause before now keeps its pitch
  up, as at a comma, where with the sign it fell as at the end of a sentence ("Si
  puedes, ¡sonríe!"). Where ``¿`` follows a word with no punctuation ("Hola ¿cómo
  estás?") it stays: it is then the only break the writer left.
- A number that ends the text with a full stop (``bis 4.``) is given as ``4 .``: Pico's
  German reads a number with a full stop as an ordinal ("bis vierte", as in ``am 4.
  Mai``) and then makes no sentence end; spaced, it is "bis vier." (the same samples as
  the word written out). Pico's French, Spanish, Italian and English speak ``4.`` and
  ``4 .`` the same. Inside a German text ``4.`` stays as written: it is ambiguous
  there (``bis 4. Dann`` or ``am 4. Mai``).
- Two numbers joined by a dash are a range, given with the language's word for it:
  ``4–6 Mal`` as ``4 bis 6 Mal``, ``4-6 fois`` as ``4 à 6 fois``, Spanish ``4 a 6``,
  English ``4 to 6``. Pico said German ``4-6`` as "vier bis sechs" but ``4–6`` as "vier
  sechs", and its French, Spanish and English said neither as a range. Three or more
  (the ``4-7-8`` breath) are a name, said number by number: ``4 7 8`` (Pico said
  ``4-7-8`` otherwise, and a second longer), but for a date (``07-12-2026``), given
  as ``07/12/2026``, which each Pico voice reads as a date (its French did not with
  dashes). Italian ranges stay as written ("da 4 a 6" needs the "da" before).
- French words whose final ``s`` is sounded but which Pico's French says without it
  ("le bus" as "le bu", "en mars" as "en mar", "hélas", "virus", "cosmos"...:
  ``SOUNDED_FINAL_S``, each word whose clip was, sample for sample, the clip of the word
  without its ``s``, in two sentences; from a list of about 90 words with a sounded
  final ``s``, bench/pico_french.py) get an ``e`` after the ``s`` (``sse`` after a
  vowel), which Pico's letter rules sound: "busse", "marse". Only for the French voice.
- French units of time after a number, ``5 min`` (or ``mn``), ``10 sec``, ``2 h`` (not
  ``10 h 30``, which Pico reads as a time), are written out (``5 minutes``, ``1
  minute``): Pico said "cinq min", and "2 h" otherwise than "deux heures".
- The French inversion ``-t-`` written with an apostrophe (``a-t’il``, ``a-t'elle``, a
  common slip) is given as ``a-t-il``: Pico read "Y a-t’il une tension ?" 0.4 s longer
  than "Y a-t-il une tension ?", as if the ``t`` stood alone.

Everything else reaches Pico as written, checked by ear: elisions with either
apostrophe (``l'air``, ``qu’il``), guillemets and German quotation marks, ``¿`` and
``¡`` after a word, digits (read as words in each language), non-breaking spaces before
French ``!`` and ``?``. Spaces are made single. ``TEXT_RULES`` names these rules in
every Pico clip's cache key, so a clip made under other rules is made again.
"""

from __future__ import annotations

import re

TEXT_RULES = "2026-12-07i"
_SIGNS = str.maketrans({"<": " ", ">": " ", "œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"})
_ELLIPSIS = re.compile(r"(?:…|\.{2,})(?:\s*(?:…|\.{2,}))*")
_DASH = re.compile(r"\s*(?:—|―|(?<!\d)–|–(?!\d))\s*")
_COMMAS = re.compile(r",\s*(?=[,.;:!?])|(?<=[.;:!?]),|^\s*,\s*|\s*,\s*$")
# opening signs at the start or after the punctuation of an end (quotation marks between)
_OPENING = re.compile(r"(^|[.!?,;:][\"'»”’)\]]*\s*)([\"'«“„‹‚(\[]?\s*)[¿¡]+\s*")
_FINAL_NUMBER = re.compile(r"(\d)\.(?=[\"'»”“’)\]]*$)")
_NUMBERS = re.compile(r"(?<![\d.,])\d+(?:(?:\s?[–—]\s?|-)\d+)+(?![\d.,]\d)")
_JOIN = re.compile(r"\s?[–—-]\s?")
RANGE_WORDS = {"de": "bis", "fr": "à", "es": "a", "en": "to"}
SOUNDED_FINAL_S = frozenset(["abribus", "angélus", "blocus", "bus", "cosmos", "focus",
                             "hélas", "hibiscus", "ibis", "lys", "mars", "minibus", "mucus",
                             "nimbus", "opus", "papyrus", "pastis", "plexus", "prospectus",
                             "sinus", "tournevis", "vasistas", "virus"])
_WORD = re.compile(r"[^\W\d_]+")
# a unit's full stop ends the sentence at the end or before a capital (group 3), else
# it is the abbreviation's own and is dropped
_UNIT = re.compile(r"\b(\d+(?:[.,]\d+)?)\s?(min|mn|sec|h)\b"
                   r"(?:(\.)(?=\s*$|\s+[«\"“]?\s*[A-ZÀ-Ý])|\.(?=\s)|(?!\s?\d))")
FRENCH_UNITS = {"min": "minute", "mn": "minute", "sec": "seconde", "h": "heure"}
_INVERSION = re.compile(r"(?<=\w-t)['’](?=(?:il|elle|on)s?\b)", re.IGNORECASE)
_VOWELS = set("aeiouyàâäéèêëîïôöûùüÿ")


def for_pico(text: str, language: str = "") -> str:
    """``text`` as Pico is given it (the rules above); ``language`` is Pico's
    (``fr-FR``), for the rules of one language."""
    if language.startswith("fr"):
        text = _INVERSION.sub("-", _WORD.sub(_sounded_final_s, text))
        text = _UNIT.sub(_french_unit, text)
    text = _NUMBERS.sub(lambda m: _numbers(m.group(0), RANGE_WORDS.get(language[:2])), text)
    text = " ".join(text.translate(_SIGNS).split())
    text = _ELLIPSIS.sub("...", text)
    text = _DASH.sub(", ", text)
    # a dash beside other punctuation, or at either end, leaves no comma of its own
    text = " ".join(_COMMAS.sub("", text).split())
    return number_ends(_OPENING.sub(r"\1\2", text))


def number_ends(piece: str) -> str:
    """``piece`` with a number that ends it followed by a spaced full stop (``4 .``); the
    backend also gives each piece of a long text this way (a piece can end ``bis 4.``)."""
    return _FINAL_NUMBER.sub(r"\1 .", piece)


def _sounded_final_s(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.lower() not in SOUNDED_FINAL_S:
        return word
    tail = "se" if word[-2].lower() in _VOWELS else "e"
    return word + (tail.upper() if word.isupper() else tail)


def _numbers(joined: str, range_word: str | None) -> str:
    """Numbers joined by dashes: a range said with ``range_word``, a date, or a name said
    number by number."""
    numbers = _JOIN.split(joined)
    day, month, *year = numbers
    if len(numbers) == 3 and len(day) <= 2 and len(month) <= 2 and len(year[0]) in (2, 4):
        return "/".join(numbers)  # a date, which Pico reads as one with slashes
    if len(numbers) > 2:
        return " ".join(numbers)
    return f" {range_word} ".join(numbers) if range_word else joined


def _french_unit(match: re.Match[str]) -> str:
    number, unit, _ = match.groups()
    word = FRENCH_UNITS[unit]
    plural = float(number.replace(",", ".")) >= 2  # French: "1,5 minute", "2 minutes"
    return f"{number} {word}{'s' if plural else ''}{match.group(3) or ''}"
