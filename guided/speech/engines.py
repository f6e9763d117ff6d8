"""Which speech engines exist, and how to make one.

Adding an engine is one entry in ``ENGINES``: its name and a ``"module:function"``
that returns a ready ``guided.speech.base.Engine``. The module is imported only when
that engine is used. A module may also define ``available() -> bool`` (e.g. "is a
voice model installed?"); ``resolve("auto")`` picks the first available engine in
``AUTO_ORDER``.

Besides the ``Engine`` protocol, the ``Speaker`` uses these methods when an engine
has them: ``default_voice(language) -> str | None`` (the voice for a script's
language when no ``--voice`` is given), ``start()`` (warm up now, e.g. start a
worker process) and ``abort()`` (stop at once, from another thread, on Ctrl-C). The
``Speaker`` makes one engine per parallel slot (two on two cores).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import MappingProxyType

from guided.errors import GuidedError
from guided.speech.base import Engine

# The default is the user's choice (--engine, GUIDED_ENGINE, settings.yaml; see
# guided.settings), and when that is `auto` too, the best available engine.
DEFAULT_ENGINE = "auto"
FALLBACK_ENGINE = "pyttsx3"  # always available
AUTO = "auto"

# engine name -> "module:factory" (the factory takes no arguments and returns an Engine)
ENGINES = MappingProxyType({
    "pyttsx3": "guided.speech.pyttsx3_engine:create",
    "piper": "guided.speech.piper_engine:create",  # optional extra guided[neural]
    "test": "guided.speech.tone_engine:create",  # tones, not speech: for the test suite only
})

# What `auto` tries, best first; the last entry should always be available.
AUTO_ORDER: tuple[str, ...] = ("piper", "pyttsx3")


def available_engines() -> list[str]:
    """Names accepted by ``get_engine`` (``auto`` included)."""
    return [*ENGINES, AUTO]


def engine_factory(name: str) -> Callable[[], Engine]:
    """The function that makes a fresh engine called ``name`` (``auto`` resolved)."""
    name = resolve(name)
    module_name, _, attr = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)


def get_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """A new engine; close it when done."""
    return engine_factory(name)()


def resolve(name: str) -> str:
    """The concrete engine name for ``name``; ``auto`` becomes the user's choice
    (``guided.settings.engine_choice()``), else the best available one."""
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name == AUTO:
        from guided.settings import announce_engine, engine_choice

        chosen = engine_choice()
        if chosen != AUTO:
            return resolve(chosen)
        picked = next((c for c in AUTO_ORDER if is_available(c)), FALLBACK_ENGINE)
        announce_engine(picked)
        return picked
    if name not in ENGINES:
        raise GuidedError(
            f"there is no speech engine {name!r}; choose one of: {', '.join(available_engines())}"
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
