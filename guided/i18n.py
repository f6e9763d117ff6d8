"""What a client reads, in the language of the practice: message catalogues.

The bundle's page and README.txt, the questions before and after a practice and the
player's screen lines are written in English in the code, marked for translation, and
looked up in the standard library's gettext catalogues in ``guided/locale/<lang>/
LC_MESSAGES/guided.mo`` (compiled from the ``.po`` files beside them; see
docs/dev/translations.md). A language with no catalogue reads English. The therapist's
command line stays English.

``texts("de")`` gives the German ``gettext``; ``N_`` marks a text that is translated
later, where it is used (``pybabel extract -k N_`` finds both).
"""

from __future__ import annotations

import functools
import gettext
import re
import struct
from collections.abc import Callable

from guided.paths import PACKAGE_DIR

LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "guided"
ENGLISH = "en"

Gettext = Callable[[str], str]


def N_(text: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark ``text`` for the catalogues without translating it here."""
    return text


def catalogue_language(tag: str | None) -> str:
    """The language whose catalogue a tag reads (``de-AT`` -> ``de``), else ``en``."""
    primary = re.split(r"[-_]", (tag or "").strip(), maxsplit=1)[0].lower()
    return primary if primary in catalogue_languages() else ENGLISH


@functools.cache
def catalogue_languages() -> frozenset[str]:
    """The languages there is a compiled catalogue for (and English, written in the code)."""
    found = {ENGLISH}
    if LOCALE_DIR.is_dir():
        found.update(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return frozenset(found)


@functools.cache
def _translation(language: str) -> gettext.NullTranslations:
    if language == ENGLISH:
        return gettext.NullTranslations()
    try:
        with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, ValueError, struct.error, IndexError, KeyError):  # damaged: English, not a crash
        return gettext.NullTranslations()


# The languages with a catalogue that write a decimal comma (2,5 minutes).
DECIMAL_COMMA = frozenset({"de", "es", "fr", "it"})


def decimal(value: float, tag: str | None) -> str:
    """``0.5`` as the language of ``tag`` writes it (``0,5`` in German)."""
    text = f"{value:g}"
    return text.replace(".", ",") if catalogue_language(tag) in DECIMAL_COMMA else text


def texts(tag: str | None) -> Gettext:
    """``gettext`` for the language of ``tag`` (English where there is no catalogue)."""
    return _translation(catalogue_language(tag)).gettext
