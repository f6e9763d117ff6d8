"""Which speech engines exist, and how to make one: a registry each engine fills.

Every module or package in this folder (``guided/speech/engines/``) describes one
engine with an ``ENGINE = EngineInfo(...)``: its name, the ``"module:function"`` that
makes it (imported only when that engine is used), how messages name it, whether
``auto`` tries it and in which order, and its favourite voice. Every engine is made
the same way, ``create(cache_dir)``, with the clip cache folder the command line chose
(an engine that keeps files, such as hibari's tables or Piper's optimized model, keeps
them there; the others take it and keep nothing). Adding an engine is
adding one folder here: ``engines/NAME/__init__.py`` holds its ``ENGINE`` (and
nothing heavy: it is read whenever the engines are listed), the engine itself sits
beside it (``create`` pointing at ``guided.speech.engines.NAME.engine:create``).
The engines that came before the registry keep their code where it was
(``guided/speech/hibari_engine.py``, ``piper/``, ...) and are described by the small
modules here. Choosing among them (``auto``, voice ids, languages) is
``guided.speech.choice``.

An engine's module may also define ``available() -> bool`` (e.g. "is a voice model
installed?"). Besides the ``Engine`` protocol, the ``Speaker`` uses these methods when
an engine has them: ``voice_version(voice, language) -> str`` (the cache key's version
for one voice), ``start()`` (warm up now, e.g. start a worker process) and ``abort()``
(stop at once, from another thread, on Ctrl-C). The ``Speaker`` makes one engine per
parallel slot (two on two cores).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

from guided.errors import GuidedError
from guided.speech.base import Engine
from guided.speech.engines.info import OFFERED, OWN, TEST_ONLY, EngineInfo


def discover(folders: list[str], package: str) -> dict[str, EngineInfo]:
    """Every ``ENGINE`` described by the modules and packages of ``package`` (found in
    ``folders``), in their ``order``; two engines of one name are a mistake in guided."""
    found: dict[str, EngineInfo] = {}
    for module in pkgutil.iter_modules(folders):
        if module.name == "info":
            continue
        info = getattr(importlib.import_module(f"{package}.{module.name}"), "ENGINE", None)
        if isinstance(info, EngineInfo):
            if info.name in found:
                raise RuntimeError(f"two speech engines are called {info.name!r}")
            found[info.name] = info
    return {info.name: info for info in sorted(found.values(), key=lambda e: (e.order, e.name))}


REGISTRY = MappingProxyType(discover(list(__path__), __name__))

AUTO = "auto"
HIBARI, PIPER, PICO, PYTTSX3 = "hibari", "piper", "pico", "pyttsx3"  # the engines guided's choices name
RECORDED = "recorded"  # a therapist's own voice: chosen by its name, never by `auto`
TEST = "test"  # tones for the test suite: accepted by --engine, never offered or picked
ENGINE_NAMES = tuple(e.name for e in REGISTRY.values() if e.kind == OFFERED)
ENGINE_CHOICES = (AUTO, *ENGINE_NAMES)  # what a user chooses from
ACCEPTED_ENGINES = (*ENGINE_CHOICES, *(e.name for e in REGISTRY.values() if e.kind == TEST_ONLY))
# what `auto` tries first, best first (bench/results/); then Pico (far clearer than
# espeak-ng), then espeak-ng
NATURAL = tuple(e.name for e in sorted((e for e in REGISTRY.values() if e.natural),
                                       key=lambda e: e.natural or 0))
ENGINE_LABELS = MappingProxyType({e.name: e.label for e in REGISTRY.values() if e.kind != OWN})
DEFAULT_ENGINE = AUTO

# engine name -> "module:factory" (the factory takes the audio cache folder, or None for
# the default one, and returns an Engine)
ENGINES = MappingProxyType({e.name: e.create for e in REGISTRY.values()})

# Each engine's favourite voice, used when several of its voices speak a language.
PREFERRED_VOICES = MappingProxyType({e.name: e.preferred_voice for e in REGISTRY.values()
                                     if e.preferred_voice})


def engine_help() -> str:
    """The offered engines with a few words each, for ``--engine``'s help."""
    return ", ".join(f"{e.name} ({e.about})" if e.about else e.name
                     for e in REGISTRY.values() if e.kind == OFFERED)


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


def get_engine(name: str, cache_dir: Path) -> Engine:
    """A new engine keeping its files in the clip cache folder ``cache_dir``; close it
    when done."""
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
