"""A listener's own defaults, kept in the same hand-editable ``settings.yaml``::

    engine: auto       # see guided.settings: the speech engine and its voice
    voice: joe
    rate: 130          # words per minute, as --rate (80-300)
    pace: 1.5          # every pause longer, as --pace (0.25-4)
    device: pulse      # the output for `guided play` (a number or a name, see `guided devices`)
    ratings: off       # do not ask how much distress you feel before and after
    streaks: off       # leave the days-in-a-row count out of `guided log stats`
    ambience: off      # no background bed, whatever the script chose (or brown-noise, ...)
    ambience-volume: 0.5   # the bed at half its quiet level (0-1)
    bells: off         # the start, end and section bells heard as silence
    breath-tones: off  # breath tones heard as silence
    support: "Sam, 0123 456789"   # someone you trust, shown by `guided now` when it is hard
    language: de       # `guided now` and `guided timer` in German (their --language)

Every key is optional. ``guided settings`` shows them, ``guided settings set KEY VALUE``
changes one line of the file (comments and the other lines stay as you wrote them),
and ``guided settings unset KEY`` takes one out again. An option on the command line
always wins over the file.

``engine`` and ``voice`` are read by ``guided.settings``; this module reads the rest
and writes any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from guided.errors import GuidedError, Pos
from guided.paths import settings_file
from guided.script.model import PACE_RANGE, RATE_RANGE
from guided.settings import LISTENER_KEYS, MAX_BYTES, check_key, load_settings, settings_text

# What each setting means, and what applies while it is not set (for `guided settings`).
DESCRIPTIONS = {
    "engine": ("the speech engine (auto picks a natural voice for the script's language)", "auto"),
    "voice": ("a voice id (see `guided voices`); it picks its engine", "the best for the script"),
    "rate": (f"speaking rate in words per minute ({RATE_RANGE[0]}-{RATE_RANGE[1]})", "the script's"),
    "pace": (f"how long the pauses are, times ({PACE_RANGE[0]:g}-{PACE_RANGE[1]:g})", "the script's"),
    "device": ("the output for `guided play` (see `guided devices`)", "the system's"),
    "ratings": ("ask how much distress you feel, before and after (on/off)", "on"),
    "streaks": ("show days in a row in `guided log stats` (on/off)", "on"),
    "ambience": ("the background bed: off, brown-noise, pink-noise or rain-like", "the script's"),
    "ambience-volume": ("how loud the bed is, from 0 (silent) to 1 (its usual quiet level)", "1"),
    "bells": ("the start, end and section bells (on/off; off leaves their silence)", "on"),
    "breath-tones": ("the tones that pace a breath (on/off)", "on"),
    "support": ("someone you trust and how to reach them, shown by `guided now`", "none"),
    "language": ("the language of `guided now` and `guided timer`: what they offer, say "
                 "and show (de, es, fr, it...)", "English"),
}

_ON = {"on", "yes", "true", "1"}
_OFF = {"off", "no", "false", "0"}


@dataclass(frozen=True)
class Preferences:
    rate: int | None = None
    pace: float | None = None
    device: str | None = None
    ratings: bool = True
    streaks: bool = True
    ambience: str | None = None
    ambience_volume: float | None = None
    bells: bool = True
    breath_tones: bool = True
    support: str | None = None
    language: str | None = None  # a language tag: `guided now` and `guided timer` in it


def load_preferences(path: Path | None = None) -> Preferences:
    """The listener's keys of the settings file (defaults when it does not exist)."""
    path = path or settings_file()
    values, where = _read(path)
    found: dict[str, object] = {}
    for key in LISTENER_KEYS:
        if key in values and values[key] is not None:
            found[key.replace("-", "_")] = _check(key, values[key], where.get(key, Pos(str(path))))
    return Preferences(**found)  # type: ignore[arg-type]


def raw_settings(path: Path | None = None) -> dict[str, object]:
    """Every key the file sets, as written (for `guided settings`)."""
    return _read(path or settings_file())[0]


def set_value(key: str, value: str, path: Path | None = None) -> object:
    """Write ``key: value`` into the settings file, keeping every other line as it is.

    The new file is checked whole before it replaces the old one, so a wrong value is
    a one-line error and the file is left untouched. Returns the value as stored."""
    path = path or settings_file()
    key = check_key(key)
    parsed = _parse_value(key, value)
    with _changing(path):  # read again under the lock: a `settings set` at the same time waits
        return _set_locked(path, key, parsed)


def _set_locked(path: Path, key: str, parsed: object) -> object:
    if key in ("voice", "engine"):  # now, not at every play: a voice that is not here,
        # or that the engine set cannot speak, is refused
        from guided.speech.voicenames import check_engine_speaks, check_voice_name

        now = load_settings(path)
        if key == "voice":
            check_voice_name(str(parsed))
            check_engine_speaks(now.engine, str(parsed), setting="voice")
        elif now.voice:
            check_engine_speaks(str(parsed), now.voice, setting="engine")
    line = f"{key}: {_yaml_scalar(parsed)}"
    _write_checked(path, _replace_line(_text(path), key, line))
    return parsed


def unset_value(key: str, path: Path | None = None) -> bool:
    """Take ``key`` out of the settings file; False when it was not set."""
    path = path or settings_file()
    key = check_key(key)
    with _changing(path):
        text = _text(path)
        kept = _replace_line(text, key, None)
        if kept == text:
            return False
        _write_checked(path, kept)
        return True


def _changing(path: Path):  # noqa: ANN202 - a context manager
    from guided.atomic import changing

    return changing(path, "your settings")


# --------------------------------------------------------------------------- reading


def _read(path: Path) -> tuple[dict[str, object], dict[str, Pos]]:
    if not path.exists():
        return {}, {}
    from guided.script.yamlfile import constructed, load_nodes, node_pos

    load_settings(path)  # the file as a whole: names, engine and voice, every mistake one line
    node = load_nodes(path, max_bytes=MAX_BYTES, what="a settings file", alias_places=True)
    if not isinstance(node, yaml.MappingNode):
        return {}, {}  # guided.settings reports a file that is not a mapping
    data = constructed(node, str(path))
    where = {k.value: node_pos(str(path), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    return (data if isinstance(data, dict) else {}), where


def _check(key: str, value: object, pos: Pos) -> object:
    try:
        return _parse_value(key, value)
    except GuidedError as exc:
        raise GuidedError(exc.message, pos) from None


def _parse_value(key: str, value: object) -> object:
    """The checked value of one setting, from the file (any YAML scalar) or the command line."""
    text = str(value).strip()
    if key == "rate":
        low, high = RATE_RANGE
        if isinstance(value, bool) or not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            raise GuidedError(f"rate should be a whole number of words per minute from {low} to {high}")
        return int(text)
    if key == "pace":
        low_p, high_p = PACE_RANGE
        try:
            pace = float(text)
        except ValueError:
            pace = -1.0
        if isinstance(value, bool) or not low_p <= pace <= high_p:
            raise GuidedError(f"pace should be a number from {low_p:g} to {high_p:g} (1.5 = pauses half again as long)")
        return pace
    if key == "language":
        from guided.script.langtag import is_language_tag

        if isinstance(value, bool) or not is_language_tag(text):
            raise GuidedError("language should be a language tag such as de, es, fr, it or pt-BR")
        return text
    if key in ("ambience", "ambience-volume", "support"):
        return _sound_value(key, value, text)
    if key in ("ratings", "streaks", "bells", "breath-tones"):
        if isinstance(value, bool):
            return value
        if text.lower() in _ON | _OFF:
            return text.lower() in _ON
        raise GuidedError(f"{key} should be on or off")
    if key == "engine":
        from guided.speech.engines import ENGINE_CHOICES

        if text.lower() not in ENGINE_CHOICES:
            raise GuidedError(f"engine should be one of {', '.join(ENGINE_CHOICES)}")
        return text.lower()
    if not text or isinstance(value, bool):  # voice, device
        raise GuidedError(f"{key} should be a name" + (" or a number (see `guided devices`)"
                                                        if key == "device" else " (see `guided voices`)"))
    return text


def _sound_value(key: str, value: object, text: str) -> object:
    from guided.script.hygiene import text_problem
    from guided.timeline.sounds import AMBIENCE_CHOICES, OFF

    if key == "ambience":
        word = OFF if value is False else text.lower()
        if word not in AMBIENCE_CHOICES:
            raise GuidedError(f"ambience should be one of {', '.join(AMBIENCE_CHOICES)}")
        return word
    if key == "ambience-volume":
        try:
            volume = float(text)
        except ValueError:
            volume = -1.0
        if isinstance(value, bool) or not 0.0 <= volume <= 1.0:
            raise GuidedError("ambience-volume should be a number from 0 (silent) to 1 (its usual level)")
        return volume
    problem = text_problem(text) if not isinstance(value, bool) else "it is not text"
    if not text or problem or len(text) > 200:
        raise GuidedError("support should be one line of up to 200 characters: a name, "
                          "and a number or a way to reach them")
    return text


# --------------------------------------------------------------------------- writing


def _text(path: Path) -> str:
    return settings_text(path) or ""


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    dumped = yaml.safe_dump(str(value), default_style=None, allow_unicode=True).strip()
    return dumped.removesuffix("\n...").strip()


def _replace_line(text: str, key: str, line: str | None) -> str:
    """Replace (or, with ``line`` None, remove) the top-level ``key:`` line; append if absent."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:.*$")
    lines = text.splitlines()
    out: list[str] = []
    done = False
    for current in lines:
        if pattern.match(current):
            if line is not None and not done:
                out.append(line)
            done = True
            continue
        out.append(current)
    if line is not None and not done:
        out.append(line)
    return "\n".join(out) + "\n" if out else ""


def _write_checked(path: Path, text: str) -> None:
    from guided.atomic import replacing

    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as trial:  # checked whole, then renamed into place
        trial.write_text(text, encoding="utf-8")
        try:
            load_preferences(trial)  # reads it as load_settings does first, then its own keys
        except GuidedError as exc:
            raise GuidedError(exc.message.replace(str(trial), str(path)),
                              None if exc.pos is None else Pos(str(path), exc.pos.line, exc.pos.col)
                              ) from None

