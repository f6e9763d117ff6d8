"""Your own defaults: a small YAML file in the guided folder
(``guided.paths.settings_file()``, i.e. ``$GUIDED_HOME/settings.yaml``)::

    engine: auto     # auto | hibari | piper | pyttsx3
    voice: heart     # optional: a voice id (see `guided voices`); it names its engine

Both keys are optional; a missing file means ``engine: auto`` and the best voice for
each script's language. ``--engine`` and ``--voice`` win over the file, and a
script's own ``voice:`` wins over the file's. The command line reads the file once
per run (``guided.commands.common``) into a ``guided.speech.choice.VoiceChoice``.

The file is read with the safe YAML loader; a problem is a one-line error naming
the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from guided.errors import GuidedError, Pos, ScriptError
from guided.paths import settings_file
from guided.script.nodes import NodeReader
from guided.script.yamlfile import compose, constructed, is_blank, node_pos
from guided.speech.engines import AUTO, ENGINE_CHOICES

SPEECH_KEYS = ("engine", "voice")  # read here
LISTENER_KEYS = ("rate", "pace", "device", "ratings", "streaks",
                 "ambience", "ambience-volume", "bells", "breath-tones", "support", "language")
ALL_KEYS = SPEECH_KEYS + LISTENER_KEYS
MAX_BYTES = 64 * 1024
KEYS = ALL_KEYS  # rate, pace, device, ratings and streaks are read by guided.preferences


@dataclass(frozen=True)
class Settings:
    engine: str = AUTO  # one of ENGINE_CHOICES
    voice: str | None = None  # default --voice


def load_settings(path: Path | None = None) -> Settings:
    """The settings file (default ``settings_file()``); defaults when it does not exist."""
    path = path or settings_file()
    text = settings_text(path)
    if text is None:
        return Settings()
    node = None if is_blank(text) else compose(text, str(path), single="a settings file",
                                                 alias_places=True)
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        if not isinstance(key, yaml.ScalarNode):  # e.g. '? [a, b]': not a setting's name
            raise GuidedError(f"a setting's name is a plain word; known settings: {', '.join(KEYS)}",
                              _pos(path, key))
    if isinstance(node, yaml.MappingNode):  # each setting once, as in a script ('rate' twice: which?)
        NodeReader(str(path)).mapping(node, "settings such as 'engine: auto'")
    try:
        data = None if node is None else constructed(node, str(path))
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
            try:
                check_key(str(key))
            except GuidedError as exc:
                raise GuidedError(exc.message, keys.get(key, Pos(str(path)))) from None
    engine = data.get("engine", AUTO)
    if not isinstance(engine, str) or engine.strip().lower() not in ENGINE_CHOICES:
        raise GuidedError(f"engine should be one of {', '.join(ENGINE_CHOICES)}, got {engine!r}",
                          values.get("engine", Pos(str(path))))
    voice = data.get("voice")
    if voice is not None and (not isinstance(voice, str) or not voice.strip()):
        raise GuidedError("voice should be a voice id (see `guided voices`)",
                          values.get("voice", Pos(str(path))))
    engine = engine.strip().lower()
    return Settings(engine=engine, voice=voice.strip() if voice else None)


def _pos(path: Path, node: yaml.Node | None) -> Pos:
    return Pos(str(path)) if node is None else node_pos(str(path), node)


def _positions(path: Path, node: yaml.Node | None) -> tuple[dict[object, Pos], dict[object, Pos]]:
    """Where each top-level key, and each key's value, is written."""
    if not isinstance(node, yaml.MappingNode):
        return {}, {}
    pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return ({k.value: _pos(path, k) for k, _ in pairs},
            {k.value: _pos(path, v) for k, v in pairs})


def check_key(key: str) -> str:
    """``key`` when it is a setting; else a one-line error with the closest one."""
    if key in ALL_KEYS:
        return key
    from guided.script.suggest import closest

    close = closest(key.lower(), ALL_KEYS, cutoff=0.5)
    hint = f" (did you mean '{close}'?)" if close else ""
    raise GuidedError(f"unknown setting '{key}'{hint}; the settings are: {', '.join(ALL_KEYS)}")


def settings_text(path: Path) -> str | None:
    """The settings file's text (None when there is none), through the kept-file door
    (``guided.doors.keptfile``): a regular file in the guided folder, not a link, a pipe
    or a device, at most ``MAX_BYTES``, UTF-8 (a bad byte named at its line and column)."""
    from guided.doors.keptfile import Damaged, read_kept
    from guided.script.yamlfile import decode

    try:
        data = read_kept(path, advice="put a settings file of your own there, or remove it",
                         max_bytes=MAX_BYTES, kind="a settings file")
    except Damaged as exc:
        raise ScriptError(f"{exc.why.removeprefix('it ')}; put a settings file of your own there (or "
                          "remove it)",
                          Pos(str(path))) from None
    return None if data is None else decode(data, str(path))
