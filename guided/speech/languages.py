"""Language codes as guided speaks of them: normalised tags, families, the names people
know them by, and the codes a language's voices go by when that is another.

Ground for ``guided.speech.choice`` (which voice speaks) and ``guided voices -l``.
"""

from __future__ import annotations

import re

LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "nb": "Norwegian",
    "fi": "Finnish", "pl": "Polish", "cs": "Czech", "ru": "Russian", "uk": "Ukrainian",
    "el": "Greek", "tr": "Turkish", "ja": "Japanese", "zh": "Chinese", "cmn": "Chinese",
    "ko": "Korean", "hi": "Hindi", "ar": "Arabic", "he": "Hebrew", "no": "Norwegian",
    "yue": "Cantonese", "id": "Indonesian",
}


def language_family(code: str) -> str:
    return normalise_language(code).split("-")[0]


def normalise_language(code: str | None) -> str:
    return (code or "en").strip().lower().replace("_", "-")


# What people often write for a language whose voices go by another code: the ISO 639-1
# code of a macrolanguage (zh: Chinese, spoken here as Mandarin, or Cantonese for Hong
# Kong and Macao; no: Norwegian, whose voices are Bokmål) or an older code.
SAME_LANGUAGE = {"zh": "cmn", "zh-hk": "yue", "zh-mo": "yue", "zh-yue": "yue", "no": "nb",
                 "iw": "he", "in": "id", "ji": "yi", "jw": "jv"}


def language_codes(language: str) -> list[str]:
    """``language`` as written (normalised), then the code its voices go by when that is
    another: ``zh-TW`` -> ``zh-tw``, ``cmn``; ``no`` -> ``no``, ``nb``; and for a region
    with a language of its own only that: ``zh-Hant-HK`` -> ``yue``."""
    lang = normalise_language(language)
    parts = lang.split("-")
    for key in (lang, f"{parts[0]}-{parts[-1]}"):
        if "-" in key and key in SAME_LANGUAGE:  # a region with a language of its own: only that one
            return [SAME_LANGUAGE[key]]  # (a Mandarin voice must not speak for zh-HK)
    if parts[0] in SAME_LANGUAGE:
        return [lang, SAME_LANGUAGE[parts[0]]]
    return [lang]


def language_name(code: str) -> str:
    """The English name of a language tag (``de-AT`` -> German), else the tag itself."""
    return next((LANGUAGE_NAMES[c.split("-")[0]] for c in language_codes(code)
                 if c.split("-")[0] in LANGUAGE_NAMES), normalise_language(code))


# ISO 639-2 codes (both forms) of the languages in LANGUAGE_NAMES: `eng` means English, not a voice
THREE_LETTER = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "nld": "nl", "dut": "nl", "por": "pt", "swe": "sv", "dan": "da", "nob": "nb", "nor": "no",
    "fin": "fi", "pol": "pl", "ces": "cs", "cze": "cs", "rus": "ru", "ukr": "uk", "ell": "el",
    "gre": "el", "tur": "tr", "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "hin": "hi",
    "ara": "ar", "heb": "he", "ind": "id",
}


def language_of_name(name: str) -> str | None:
    """The language a would-be voice name stands for (``en``, ``en-us``, ``eng``,
    ``pt_br``), else None."""
    first = re.split(r"[-_]", name, maxsplit=1)[0]
    code = THREE_LETTER.get(first, first)
    if code not in LANGUAGE_NAMES:
        return None
    if first != name and not re.fullmatch(r"[a-z]{2,3}(?:[-_][a-z0-9]{1,8})+", name):
        return None
    return LANGUAGE_NAMES[code]
