"""Syllables counted by vowel groups, per language: enough to set a syllable rate.

A syllable has one vowel sound; letters that make one vowel sound stand together (de
"ei", "au"; fr "eau", "oi"). So a count of vowel groups, with each language's few
exceptions, is close to the syllables a speaker says: English drops a silent final
"e", French a mute final "e" or "es"; in Spanish and Italian two strong vowels side by
side (a, e, o) are two syllables, as is a stressed í or ú beside another vowel.
"""

from __future__ import annotations

import re

_VOWELS = {
    "en": "aeiouy", "de": "aeiouyäöü", "es": "aeiouáéíóúü", "it": "aeiouàèéìíòóùú",
    "fr": "aeiouyàâäéèêëîïôöûùüÿœæ",
}
_STRONG = set("aeoáéóàèò")
_STRESSED_WEAK = set("íúìù")


def syllables(text: str, language: str) -> int:
    """The syllables of ``text`` (words of letters; digits and signs are not counted)."""
    vowels = _VOWELS.get(language, _VOWELS["en"])
    total = 0
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        groups = re.findall(f"[{vowels}]+", word)
        count = len(groups)
        if language in ("es", "it"):
            count += sum(_hiatus(g) for g in groups)
        elif count > 1 and _silent_end(word, language):
            count -= 1
        total += max(1, count)
    return total


def _silent_end(word: str, language: str) -> bool:
    """English "make", French "pense", "pensées": a final e that is not said."""
    if language == "en":
        return word.endswith("e") and not word.endswith("le")
    return language == "fr" and re.search(r"[^aeiouy]es?$", word) is not None


def _hiatus(group: str) -> int:
    """Extra syllables inside one Spanish or Italian vowel group."""
    extra = 0
    for a, b in zip(group, group[1:], strict=False):
        if (a in _STRONG and b in _STRONG) or a in _STRESSED_WEAK or b in _STRESSED_WEAK:
            extra += 1
    return extra
