"""The words guided itself speaks, per language: one table, read by the timeline (what
is said and how long it takes), the player's captions and the translators' tools.

Everything the voice says comes from a script's ``say`` steps, except the breath cues
of ``breathe`` (``cue: voice``): the voice names each phase as it begins. A practice
ends with what its author wrote (often a bell); the quiet countdown of ``play --delay``
is shown, not spoken. So the breath cues are the whole of guided's own speech, and
they follow the script's ``language`` (its family: ``de-AT`` speaks the German
words). A language not in the table speaks the English words; a script's ``cues:``
sets its own words for any phase (``guided.script.cuewords``).

The words were written for each language, not translated word by word, in the tone of
the library: an invitation, never an order. German and Italian use the infinitive or
gerund (no du/Sie at all, as German breathing guides do), Spanish the gerund like the
English, French the ``vous`` form, the way French breathing guides speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

BREATH_PHASES = ("inhale", "hold", "exhale", "hold-out")
DEFAULT_LANGUAGE = "en"

# language family -> breath phase -> the words spoken as that phase begins
BREATH_CUE_WORDS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "en": MappingProxyType({"inhale": "Breathing in", "hold": "Holding",
                            "exhale": "Breathing out", "hold-out": "Resting"}),
    "de": MappingProxyType({"inhale": "Einatmen", "hold": "Halten",
                            "exhale": "Ausatmen", "hold-out": "Ruhen"}),
    "es": MappingProxyType({"inhale": "Inhalando", "hold": "Sosteniendo",
                            "exhale": "Exhalando", "hold-out": "Descansando"}),
    "fr": MappingProxyType({"inhale": "Inspirez", "hold": "Gardez l'air",
                            "exhale": "Expirez", "hold-out": "Reposez-vous"}),
    "it": MappingProxyType({"inhale": "Inspirando", "hold": "Trattenendo",
                            "exhale": "Espirando", "hold-out": "Riposando"}),
})

# The names an author writes in a script's ``cues:`` (the keys of ``breathe``) -> phase.
CUE_KEYS = MappingProxyType({"in": "inhale", "hold": "hold", "out": "exhale",
                             "hold_out": "hold-out"})


def word_language(language: str | None) -> str:
    """The table's language for a script's ``language`` tag (its family), else English."""
    family = (language or DEFAULT_LANGUAGE).strip().lower().replace("_", "-").split("-")[0]
    return family if family in BREATH_CUE_WORDS else DEFAULT_LANGUAGE


def breath_cue_words(language: str | None, own: Mapping[str, str] | None = None
                     ) -> Mapping[str, str]:
    """Phase -> words for a script in ``language``; ``own`` (a script's ``cues:``, by
    phase) replaces any of them."""
    words = dict(BREATH_CUE_WORDS[word_language(language)])
    words.update(own or {})
    return MappingProxyType(words)


def has_own_words(language: str | None) -> bool:
    """Whether ``language`` has breath cue words of its own (not the English ones)."""
    family = (language or DEFAULT_LANGUAGE).strip().lower().replace("_", "-").split("-")[0]
    return family in BREATH_CUE_WORDS
