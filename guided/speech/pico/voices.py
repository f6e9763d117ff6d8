"""Pico's six voices: ids, languages, and whether the wheel is here.

Looked at without starting Pico (``importlib`` finds the package; the voice files are
inside it), so ``guided voices`` and the choice of a voice cost nothing.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guided.speech.base import Voice

ENGINE_NAME = "pico"
PACKAGE = "py_nanotts"
DISTRIBUTION = "py-nanotts"
SAMPLE_RATE = 16000

# voice id -> (Pico's language, what the voice list says). Each voice is Pico's one
# female speaker for its language.
VOICES = {
    "pico-de": ("de-DE", "Pico German"),
    "pico-es": ("es-ES", "Pico Spanish (Spain)"),
    "pico-fr": ("fr-FR", "Pico French (France)"),
    "pico-it": ("it-IT", "Pico Italian"),
    "pico-en-gb": ("en-GB", "Pico British English"),
    "pico-en-us": ("en-US", "Pico American English"),
}


def package_folder() -> Path | None:
    """Where the py-nanotts package is, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """Whether Pico can speak here: the package, its native part and its voice files."""
    folder = package_folder()
    if folder is None or not any(folder.glob("_nanotts*")):
        return False
    return all((folder / "lang" / f"{lang}_ta.bin").is_file() for lang, _ in VOICES.values())


def voice_list() -> list[Voice]:
    from guided.speech.base import Voice  # numpy: not in the worker, which lists none

    if not available():
        return []
    return [Voice(id=vid, name=label, language=lang.lower(), gender="female", engine=ENGINE_NAME)
            for vid, (lang, label) in VOICES.items()]


def pico_language(voice: str | None) -> str:
    """Pico's language for a voice id (``pico-de`` -> ``de-DE``); American English for None."""
    return VOICES[voice if voice in VOICES else "pico-en-us"][0]


def default_voice(language: str) -> str | None:
    """The voice for a script in ``language``: the same language and region, else the
    same language, else None."""
    lang = (language or "en").strip().lower().replace("_", "-")
    for vid, (code, _label) in VOICES.items():
        if code.lower() == lang:
            return vid
    family = lang.split("-")[0]
    if family == "en":
        return "pico-en-us"
    return next((vid for vid, (code, _) in VOICES.items() if code.split("-")[0].lower() == family),
                None)


def engine_version() -> str:
    """py-nanotts's version, the rate calibration and the text rules: part of every
    clip's cache key."""
    from guided.speech.pico.rate import CALIBRATION
    from guided.speech.pico.text import TEXT_RULES

    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"py-nanotts {version}; rate {CALIBRATION}; text {TEXT_RULES}"
