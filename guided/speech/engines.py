"""Which speech engines exist, and how to make one.

Adding an engine is one entry in ``ENGINES``: its name and a ``"module:function"``
that returns a ready ``guided.speech.base.Engine``. The module is imported only when
that engine is used. A module may also define ``available() -> bool`` (e.g. "is a
voice model installed?"). Choosing among them (``auto``, voice ids, languages) is
``guided.speech.choice``.

Besides the ``Engine`` protocol, the ``Speaker`` uses these methods when an engine
has them: ``voice_version(voice, language) -> str`` (the cache key's version for one
voice), ``start()`` (warm up now, e.g. start a worker process) and ``abort()`` (stop
at once, from another thread, on Ctrl-C). The ``Speaker`` makes one engine per
parallel slot (two on two cores).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

from guided.errors import GuidedError
from guided.speech.base import Engine

AUTO = "auto"
HIBARI, PIPER, PICO, PYTTSX3 = "hibari", "piper", "pico", "pyttsx3"
RECORDED = "recorded"  # a therapist's own voice: chosen by its name, never by `auto`
ENGINE_NAMES = (HIBARI, PIPER, PICO, PYTTSX3)
ENGINE_CHOICES = (AUTO, *ENGINE_NAMES)  # what a user chooses from
TEST = "test"  # tones for the test suite: accepted by --engine, never offered or picked
ACCEPTED_ENGINES = (*ENGINE_CHOICES, TEST)
NATURAL = (HIBARI, PIPER)  # the natural (neural) voices, best first (bench/results/)
# `auto` tries NATURAL, then Pico (bench/results/: far clearer than espeak-ng), then espeak-ng
ENGINE_LABELS = {HIBARI: "hibari", PIPER: "Piper", PICO: "Pico", PYTTSX3: "espeak-ng",
                 TEST: "the test engine"}
DEFAULT_ENGINE = AUTO

# engine name -> "module:factory" (the factory takes the audio cache folder, or None for
# the default one, and returns an Engine)
ENGINES = MappingProxyType({
    "hibari": "guided.speech.hibari_engine:create",  # the default natural voice (core dependency)
    "piper": "guided.speech.piper:create",  # optional extra guided[neural]
    "pico": "guided.speech.pico:create",  # de, es, fr, it, en-GB, en-US (py-nanotts)
    "pyttsx3": "guided.speech.pyttsx3_engine:create",  # espeak-ng: many languages
    # A therapist's own takes (guided record); chosen by naming the voice, never by auto.
    "recorded": "guided.speech.recorded:create",
    "test": "guided.speech.tone_engine:create",  # tones, not speech: for the test suite only
})

# Each engine's favourite voice, used when several of its voices speak a language.
PREFERRED_VOICES = MappingProxyType({"hibari": "heart", "piper": "en_US-joe-medium"})


def available_engines() -> list[str]:
    """Names accepted on the command line (``auto`` included)."""
    return list(ENGINE_CHOICES)


def preferred_voice(engine: str) -> str | None:
    return PREFERRED_VOICES.get(engine)


def engine_factory(name: str) -> Callable[..., Engine]:
    """The function that makes a fresh engine called ``name``."""
    name = check_name(name)
    module_name, _, attr = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)


def get_engine(name: str, cache_dir: Path | None = None) -> Engine:
    """A new engine; close it when done."""
    return engine_factory(name)(cache_dir=cache_dir)


def check_name(name: str) -> str:
    """``name`` as a concrete engine name, or a one-line error."""
    name = (name or "").strip().lower()
    if name not in ENGINES:
        raise GuidedError(
            f"there is no speech engine {name!r}; choose one of: {', '.join(ENGINES)}"
        )
    return name


def is_available(name: str) -> bool:
    """Whether the engine can run here (its module's ``available()``, else True)."""
    module_name = ENGINES[name].partition(":")[0]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    check = getattr(module, "available", None)
    return bool(check()) if callable(check) else True
