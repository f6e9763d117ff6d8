"""Your own defaults: a small YAML file in the guided folder
(``guided.paths.settings_file()``, i.e. ``$GUIDED_HOME/settings.yaml``)::

    engine: piper             # auto | pyttsx3 | piper
    voice: en_US-joe-medium   # optional: a voice id of that engine (see `guided voices`)

Both keys are optional; a missing file means ``engine: auto`` and each engine's
default voice. A ``voice`` belongs to one engine, so it needs ``engine: pyttsx3`` or
``engine: piper`` beside it, and it is used only while that engine speaks. ``GUIDED_ENGINE`` (which ``--engine`` also sets, for one run) wins over
the file. ``auto`` speaks with Piper when its voice is installed (``pip install
'guided[neural]'``), else with pyttsx3, and says once which one it used.

The file is read with the safe YAML loader; a problem is a one-line error naming
the file, line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from guided.errors import GuidedError, Pos
from guided.paths import settings_file
from guided.script.yamlfile import load_nodes, node_pos

ENGINE_ENV = "GUIDED_ENGINE"
AUTO = "auto"
ENGINE_CHOICES = ("auto", "pyttsx3", "piper", "test")  # test: tones, for the test suite
KEYS = ("engine", "voice")
_ANNOUNCED = "guided.engine_announced"  # click context meta key: say it once per run

# What `auto` says it picked, one calm line each.
ENGINE_NOTES = {
    "piper": "Using Piper's natural voice (--engine pyttsx3 for the espeak-ng voice).",
    "pyttsx3": "Using the espeak-ng voice (pip install 'guided[neural]' adds a more natural one).",
}


@dataclass(frozen=True)
class Settings:
    engine: str = AUTO  # one of ENGINE_CHOICES
    voice: str | None = None  # default --voice


def load_settings(path: Path | None = None) -> Settings:
    """The settings file (default ``settings_file()``); defaults when it does not exist."""
    path = path or settings_file()
    if not path.exists():
        return Settings()
    node = load_nodes(path, max_bytes=64 * 1024, what="a settings file")
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        if not isinstance(key, yaml.ScalarNode):  # e.g. '? [a, b]': not a setting's name
            raise GuidedError(f"a setting's name is a plain word; known settings: {', '.join(KEYS)}",
                              _pos(path, key))
    try:
        data = None if node is None else yaml.SafeLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        raise GuidedError(f"cannot read the settings: {exc}".splitlines()[0], _pos(path, node)) from None
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise GuidedError("settings should be a mapping such as 'engine: auto'",
                          _pos(path, node))
    keys, values = _positions(path, node)
    for key in data:
        if key not in KEYS:
            raise GuidedError(f"unknown setting {key!r}; known settings: {', '.join(KEYS)}",
                              keys.get(key, Pos(str(path))))
    engine = data.get("engine", AUTO)
    if not isinstance(engine, str) or engine.strip().lower() not in ENGINE_CHOICES:
        raise GuidedError(f"engine should be one of {', '.join(ENGINE_CHOICES)}, got {engine!r}",
                          values.get("engine", Pos(str(path))))
    voice = data.get("voice")
    if voice is not None and (not isinstance(voice, str) or not voice.strip()):
        raise GuidedError("voice should be a voice id (see `guided voices`)",
                          values.get("voice", Pos(str(path))))
    engine = engine.strip().lower()
    if voice is not None and engine == AUTO:
        raise GuidedError("a voice belongs to one engine: add 'engine: pyttsx3' or "
                          "'engine: piper' beside it", keys.get("voice", Pos(str(path))))
    return Settings(engine=engine, voice=voice.strip() if voice else None)


def engine_choice() -> str:
    """The engine the user asked for: ``GUIDED_ENGINE`` (``--engine``), else the
    settings file, else ``auto``."""
    env = os.environ.get(ENGINE_ENV, "").strip().lower()
    if env:
        if env not in ENGINE_CHOICES:
            raise GuidedError(
                f"{ENGINE_ENV}={env!r} is not an engine; choose one of {', '.join(ENGINE_CHOICES)}"
            )
        return env
    return load_settings().engine


def default_voice() -> str | None:
    """The settings file's ``voice`` (the default for ``--voice``) while its engine is
    the one in use (``--engine`` or ``GUIDED_ENGINE`` may have picked another)."""
    settings = load_settings()
    if settings.voice and engine_choice() == settings.engine:
        return settings.voice
    return None


def announce_engine(engine: str) -> None:
    """Say once per command which engine ``auto`` picked (stderr, one line). Quiet
    outside the command line."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    root = ctx.find_root()
    if root.meta.get(_ANNOUNCED):
        return
    root.meta[_ANNOUNCED] = True
    click.echo(ENGINE_NOTES.get(engine, f"Speaking with {engine}."), err=True)


def _pos(path: Path, node: yaml.Node | None) -> Pos:
    return Pos(str(path)) if node is None else node_pos(str(path), node)


def _positions(path: Path, node: yaml.Node | None) -> tuple[dict[object, Pos], dict[object, Pos]]:
    """Where each top-level key, and each key's value, is written."""
    if not isinstance(node, yaml.MappingNode):
        return {}, {}
    pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return ({k.value: _pos(path, k) for k, _ in pairs},
            {k.value: _pos(path, v) for k, v in pairs})
