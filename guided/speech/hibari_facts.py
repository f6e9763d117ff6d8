"""What guided needs to know of the installed hibari before it speaks (its release and
the voices on this computer), kept in the audio cache's ``hibari/facts.json`` so that
a start whose clips are cached, or whose first sound is a bell, never imports hibari.

Importing hibari imports onnxruntime: about 0.15 s of CPU on an idle machine, and more
than 0.3 s on a busy one, spent before the first sound only to name the cached clips
(a clip's key holds hibari's release and the voice's checksum) and to choose the
voice for a language. Those facts change only when hibari is upgraded or a voice is
added or removed, so they are written down once, after hibari has been imported, and
used while all of these still hold:

- the same hibari: the place and the size and time of change of its package files,
  found without running them (``importlib.util.find_spec``), are as written down;
- the same voice folder: where hibari looks for voices (``HIBARI_HOME``, else the
  user cache's ``hibari/``, as its documentation says) is the folder written down;
- the same voices: that folder has not changed since (its time of change), and every
  voice written down is still a file, inside hibari's package or its voice folder, of
  the size hibari gave (facts naming any other file are not used: nothing else is
  ever loaded as a voice).

Otherwise, or when the file is missing, damaged or something other than a regular
file (read through ``guided.doors.keptfile``), hibari is imported as before and the
facts are written again. Nothing is ever written over something that is not a file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

FILE_NAME = "facts.json"
FORMAT = 1
PACKAGE_FILES = ("__init__.py", "voices.py", "tts.py", "assets/voices.json")

Voices = dict[str, tuple[Path, dict[str, Any]]]


def _package() -> Path | None:
    """The installed hibari's package folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("hibari")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def signature() -> str | None:
    """The installed hibari and the places it looks at, without importing it; None when
    it is not installed as a package of files."""
    package = _package()
    if package is None:
        return None
    parts = [f"format {FORMAT}", str(package)]
    for name in PACKAGE_FILES:
        try:
            info = os.stat(package / name)
        except OSError:
            return None
        parts.append(f"{name} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


def voice_folder() -> str:
    """Where hibari keeps the voices it fetched, as its documentation describes it
    (``hibari.voices.cache_dir``): ``HIBARI_HOME``, else the user cache's ``hibari``. Only
    compared with the folder hibari itself named when the facts were written: if the two
    ever differ, the facts are not used and hibari is asked."""
    if os.environ.get("HIBARI_HOME"):
        return os.environ["HIBARI_HOME"]
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hibari")


def folder_stamp(folder: str | os.PathLike[str]) -> int | None:
    """When hibari's voice folder last changed (a voice added or removed); None if absent."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def kept(folder: Path) -> tuple[str, Voices] | None:
    """hibari's release and its voices here, as written down in ``folder`` while they
    still hold (see the module's docstring); None: import hibari and ask it."""
    from guided.doors.keptfile import Damaged, kept_path, read_kept_json

    wanted = signature()
    if wanted is None:
        return None
    try:
        data = read_kept_json(kept_path(folder, FILE_NAME), advice="guided writes it again")
    except Damaged:
        return None
    try:
        if not isinstance(data, dict) or data.get("signature") != wanted:
            return None
        where = str(data["voice_folder"])
        if where != voice_folder() or folder_stamp(where) != data["voice_folder_stamp"]:
            return None
        version = data["version"]
        voices: Voices = {}
        for name, entry in dict(data["voices"]).items():
            path, info = Path(str(entry["path"])), entry["info"]
            if not isinstance(info, dict) or not _voice_file(path, info, where):
                return None
            voices[str(name)] = (path, info)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return (version, voices) if isinstance(version, str) and version else None


def _voice_file(path: Path, info: dict[str, Any], where: str) -> bool:
    """``path`` is a voice file where hibari keeps them (its package, its voice folder)
    and of the size hibari gave: a fact naming any other file (``/etc/passwd``, a model
    of another size) means the facts are not used, so nothing else is ever loaded."""
    package = _package()
    try:
        real = path.resolve(strict=True)
        places = [p.resolve() for p in (package, Path(where)) if p is not None]
        if not path.is_file() or not any(real.is_relative_to(p) for p in places):
            return False
        size = info.get("bytes")
        return not isinstance(size, int) or real.stat().st_size == size
    except (OSError, RuntimeError, ValueError):
        return False


def keep(folder: Path, version: str, voices: Voices, voice_folder: str, stamp: int | None,
         *, make: bool = True) -> None:
    """Write the facts down in ``folder`` (``stamp``: ``folder_stamp(voice_folder)`` taken
    before the voices were looked at); without ``make``, only when the cache ``folder``
    belongs to is already there. A folder that cannot be written, or something other
    than a file in the facts' place, only means hibari is imported next time."""
    from guided.atomic import write_atomic
    from guided.doors.keptfile import kept_path
    from guided.errors import GuidedError

    wanted = signature()
    if wanted is None:
        return
    target = kept_path(folder, FILE_NAME)
    try:
        if not stat.S_ISREG(os.lstat(target).st_mode):
            return  # not ours: left alone
    except FileNotFoundError:
        pass
    except OSError:
        return
    data = {"signature": wanted, "version": version, "voice_folder": str(voice_folder),
            "voice_folder_stamp": stamp,
            "voices": {name: {"path": str(path), "info": info} for name, (path, info) in voices.items()}}
    try:
        if not make and not folder.parent.is_dir():  # no cache yet: not made for this alone
            return
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps(data, indent=1, sort_keys=True))
    except (OSError, GuidedError, TypeError, ValueError):
        return
