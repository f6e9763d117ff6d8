"""Language tags: what a script's ``language:`` may say.

A BCP 47 tag in its common shapes, enough for voices and for ``<html lang>``:
a 2-3 letter language, then optional subtags of 2-8 letters or digits joined by
``-`` (or ``_``, as espeak-ng and locales write them): ``en``, ``en-GB``,
``pt_BR``, ``zh-Hant-TW``, ``de-CH-1996``, ``cmn``. Anything else (spaces, quotes,
markup, placeholders) is refused where it is written.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
MAX_LENGTH = 35


def is_language_tag(text: str) -> bool:
    return len(text) <= MAX_LENGTH and bool(_TAG.match(text))


def language_problem(text: str) -> str | None:
    """None for a good tag, else what to write instead (for a ``check`` error)."""
    if is_language_tag(text):
        return None
    return ("'language' should be a language tag such as en, en-GB, de or pt-BR "
            f"(got {text[:40]!r})")


# The languages the built-in library and the client-facing texts are written in, by the
# name a therapist reading the command line knows them by (the command line is English).
LANGUAGE_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian"}


def primary(tag: str) -> str:
    """The language of a tag without its region or script: ``de-AT`` -> ``de``."""
    return re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()


def same_language(tag: str, wanted: str) -> bool:
    """Whether a script in ``tag`` is in the language ``wanted`` (``de`` finds ``de-CH``;
    ``de-CH`` finds ``de`` too: a region is a flavour, not another language)."""
    return primary(tag) == primary(wanted)


def language_name(tag: str) -> str:
    """``German`` for ``de`` or ``de-AT``; the tag itself for a language not named here."""
    return LANGUAGE_NAMES.get(primary(tag), tag)
