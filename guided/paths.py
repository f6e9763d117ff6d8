"""Where things live on disk. Every location has an environment override so tests
(and careful users) can redirect it; the command line reads it once
(``guided.commands.environment``) and this module asks ``guided.runtime.current()``.

- ``GUIDED_HOME``: the user's data folder (session log, own scripts, journeys, settings);
  default: the platform's user data folder (``~/.local/share/guided`` on Linux).
- ``GUIDED_CACHE_DIR``: the audio cache; default ``audio_cache/`` of a source checkout,
  else the platform's user cache folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from guided.runtime import current

YAML_SUFFIXES = (".yaml", ".yml")  # scripts, journeys, variables files
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


# Names Windows keeps for its devices, whatever the case and the extension (``con.md``):
# no file there can be called that, so no name guided keeps a file under may be one.
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$"})
_NUMBERED_DEVICE = re.compile(r"(?:com|lpt)[0-9\u00b9\u00b2\u00b3]")


def is_windows_device_name(name: str) -> bool:
    """Whether ``name`` (``con``, ``NUL``, ``lpt1``, ``com1.md``) is a Windows device name."""
    stem = name.strip().split(".", 1)[0].rstrip(" ").lower()
    return stem in WINDOWS_DEVICE_NAMES or _NUMBERED_DEVICE.fullmatch(stem) is not None


def guided_home() -> Path:
    """The user's guided folder; a one-line error when something other than a folder
    is in its place (``GUIDED_HOME`` pointing at a file)."""
    chosen = current().home
    home = chosen or Path(platformdirs.user_data_dir("guided"))
    if os.path.lexists(home) and not home.is_dir():
        from guided.errors import GuidedError

        where = "GUIDED_HOME points at" if chosen else "your guided folder is"
        raise GuidedError(f"{where} {home}, which is not a folder: point it at a folder "
                          "(it is made if missing)")
    return home


def user_scripts_dir() -> Path:
    return guided_home() / "scripts"


def user_journeys_dir() -> Path:
    return guided_home() / "journeys"


def settings_file() -> Path:
    return guided_home() / "settings.yaml"


def builtin_scripts_dir() -> Path:
    """The built-in library: ``guided/scripts`` inside a wheel, ``scripts/`` in a checkout."""
    packaged = PACKAGE_DIR / "scripts"
    if packaged.is_dir():
        return packaged
    return SOURCE_ROOT / "scripts"


def is_source_checkout() -> bool:
    return (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "audio_cache").is_dir()


def cache_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """``--cache-dir``, else ``GUIDED_CACHE_DIR``, else a checkout's ``audio_cache/``,
    else the user cache folder: the one place where no choice becomes the default."""
    if option:
        return Path(option).expanduser()
    chosen = current().cache
    if chosen:
        return chosen
    if is_source_checkout():
        return SOURCE_ROOT / "audio_cache"
    return Path(platformdirs.user_cache_dir("guided"))


def is_path_ref(ref: str) -> bool:
    """True when ``ref`` (a SCRIPT or journey argument) names a file rather than something
    in a library: it has a folder separator or ends in .yaml/.yml (or .md, a programme)."""
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    return any(sep in ref for sep in separators) or ref.lower().endswith((*YAML_SUFFIXES, ".md"))
