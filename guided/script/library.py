"""Finding scripts: a path, or a name from the user's folder or the built-in library.

A SCRIPT argument containing a path separator or ending in ``.yaml``/``.yml`` is a
file. Anything else is a name, looked up first in the user's scripts folder
(``guided.paths.user_scripts_dir()``) and then in the built-in library, so a user can
keep their own version of a built-in under the same name. Subfolders (such as
``scripts/journeys/``) are not scripts and are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guided.errors import GuidedError, Pos, ScriptError
from guided.paths import builtin_scripts_dir, is_path_ref, user_scripts_dir
from guided.script.loader import SCRIPT_SUFFIXES, load_script
from guided.script.model import Script
from guided.script.suggest import did_you_mean

USER = "user"
BUILT_IN = "built-in"


@dataclass(frozen=True)
class Entry:
    """One script found in a library folder; ``script`` is None when it failed to load."""

    name: str
    path: Path
    source: str  # USER or BUILT_IN
    script: Script | None = None
    error: ScriptError | None = None
    hides: Path | None = None  # the built-in practice a user script of the same name hides

    @property
    def ok(self) -> bool:
        return self.script is not None


def find_script(ref: str) -> Path:
    """The file for a SCRIPT argument (a path, or a name in the user's or built-in library)."""
    if is_path_ref(ref):
        path = Path(ref).expanduser()
        if not path.is_file():
            raise GuidedError(f"no such file: {ref}")
        return path
    for folder in (user_scripts_dir(), builtin_scripts_dir()):
        for suffix in SCRIPT_SUFFIXES:
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    names = sorted({entry_name for entry_name, _ in _script_files()})
    raise GuidedError(
        f"there is no practice called '{ref}'{did_you_mean(ref, names)}; "
        "see `guided list` for the ones you have, or give the path to a .yaml file"
    )


def load(ref: str) -> Script:
    """Find and load a SCRIPT argument. Library scripts are named by their short name."""
    path = find_script(ref)
    return load_script(path, name=path.stem)


def iter_library() -> list[Entry]:
    """Every script in the user's folder and the built-in library, sorted by name.

    A user script with the name of a built-in shadows it and is listed once, as the user's,
    with ``hides`` naming the built-in file. Broken user scripts are listed with their error
    instead of stopping the listing.
    """
    entries: list[Entry] = []
    for name, (path, source) in sorted(_by_name().items()):
        hides = builtin_path(name) if source == USER else None
        try:
            entries.append(Entry(name, path, source, load_script(path, name=name), hides=hides))
        except ScriptError as exc:
            entries.append(Entry(name, path, source, error=exc, hides=hides))
        except (GuidedError, OSError, ValueError) as exc:  # one script never stops the listing
            reason = getattr(exc, "strerror", None) or str(exc)
            entries.append(Entry(name, path, source,
                                 error=ScriptError(f"cannot be read: {reason}", Pos(str(path))),
                                 hides=hides))
    return entries


def builtin_path(name: str) -> Path | None:
    """The built-in practice called ``name``, if there is one."""
    for path in _files_in(builtin_scripts_dir()):
        if path.stem == name:
            return path
    return None


def user_files() -> list[Path]:
    """The scripts in the user's own folder."""
    return _files_in(user_scripts_dir())


def user_path(name: str) -> Path | None:
    """The user's own script called ``name``, if there is one."""
    for path in _files_in(user_scripts_dir()):
        if path.stem == name:
            return path
    return None


def _by_name() -> dict[str, tuple[Path, str]]:
    found: dict[str, tuple[Path, str]] = {}
    for name, (path, source) in _script_files_with_source():
        found.setdefault(name, (path, source))  # the user's folder comes first and wins
    return found


def _script_files_with_source() -> list[tuple[str, tuple[Path, str]]]:
    result = []
    for folder, source in ((user_scripts_dir(), USER), (builtin_scripts_dir(), BUILT_IN)):
        for path in _files_in(folder):
            result.append((path.stem, (path, source)))
    return result


def _script_files() -> list[tuple[str, Path]]:
    return [(name, path) for name, (path, _) in _script_files_with_source()]


def _files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    try:
        return sorted(
            p for p in folder.iterdir()
            if p.suffix.lower() in SCRIPT_SUFFIXES and p.is_file() and not p.name.startswith(".")
        )
    except OSError as exc:
        raise GuidedError(f"cannot read the folder {folder}: {exc.strerror or exc}") from None
