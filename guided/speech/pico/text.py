"""The text Pico is given: a script's `say` with the few signs Pico reads wrongly made
into the ones it reads as a speaker would (heard with bench/pico_path.py and
bench/pico_ligatures.py, and by the length of Pico's own pauses; issue 22).

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

Everything else reaches Pico as written, checked by ear: elisions with either
apostrophe (``l'air``, ``qu’il``), guillemets and German quotation marks, ``¿`` and
``¡``, digits (read as words in each language), non-breaking spaces before French
``!`` and ``?``. Spaces are made single. ``TEXT_RULES`` names these rules in every
Pico clip's cache key, so a clip made under other rules is made again.
"""

from __future__ import annotations

import re

TEXT_RULES = "2026-12-07c"
_SIGNS = str.maketrans({"<": " ", ">": " ", "œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"})
_ELLIPSIS = re.compile(r"(?:…|\.{2,})(?:\s*(?:…|\.{2,}))*")
_DASH = re.compile(r"\s*(?:—|―|(?<!\d)–|–(?!\d))\s*")
_COMMAS = re.compile(r",\s*(?=[,.;:!?])|^\s*,\s*|\s*,\s*$")


def for_pico(text: str) -> str:
    """``text`` as Pico is given it (the rules above)."""
    text = " ".join(text.translate(_SIGNS).split())
    text = _ELLIPSIS.sub("...", text)
    text = _DASH.sub(", ", text)
    # a dash beside other punctuation, or at either end, leaves no comma of its own
    return " ".join(_COMMAS.sub("", text).split())
