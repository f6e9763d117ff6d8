"""Finding scripts: a path, or a name from the user's folder or the built-in library.

A SCRIPT argument containing a path separator or ending in ``.yaml``/``.yml`` is a
file. Anything else is a name, looked up first in the user's scripts folder
(``guided.paths.user_scripts_dir()``), then in the built-in library, then among the
``.yaml`` files of the current folder. The library comes first so that a name means
the same practice wherever you happen to be (and a user can keep their own version of
a built-in under the same name); a file here that shares a library name is played by
its file name (``grounding.yaml``).

A name spelled exactly as a practice's name always finds that practice. Otherwise names
are matched without regard to case, spaces or punctuation, and a practice's title works
as well as its name (``"Box breathing"``, ``box-breathing``). A name that matches
nothing gets the closest names as a suggestion. Subfolders (such as
``scripts/journeys/``) are not scripts and are ignored, except the built-in library's
translations: ``scripts/de/``, ``scripts/es/`` and the like, a folder per language,
whose practices are found by their own names (``erdung``) after the English ones.

With a language (``--language de``), a name finds the practice in that language: a
practice already in it, else one whose ``original:`` names it (``grounding`` -> Erdung),
yours before the built-in ones.
"""

from __future__ import annotations

import contextlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from guided.errors import GuidedError, Pos, ScriptError, quoted
from guided.paths import builtin_scripts_dir, is_path_ref, user_scripts_dir
from guided.script.langtag import language_name, same_language
from guided.script.loader import SCRIPT_SUFFIXES, load_script
from guided.script.model import Script
from guided.script.suggest import closest

USER = "user"
BUILT_IN = "built-in"
HERE = "this folder"


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


def find_script(ref: str, language: str | None = None) -> Path:
    """The file for a SCRIPT argument: a path, or a name or title of a practice in the
    user's folder, the built-in library or the current folder (in that order); with
    ``language``, that practice's version in the language."""
    if language is not None:
        return in_language(find_script(ref), ref, language)
    if is_path_ref(ref):
        path = Path(ref).expanduser()
        if not path.is_file():
            raise GuidedError(_not_a_script(ref, path))
        return path
    files = _named_files()
    found = lookup(ref, files)
    if found is not None:
        return found
    raise GuidedError(
        f"there is no practice called {quoted(ref)}{suggest(ref, files)}; "
        "see `guided list` for the ones you have, or give the path to a .yaml file"
    )


def lookup(ref: str, files: list[tuple[str, Path, str]], *, titles: bool = True) -> Path | None:
    """The rule every command finds a practice by, among ``files`` (``(name, path, source)``
    in lookup order): a name spelled exactly wins; else the first name that matches in any
    case, spacing or punctuation; else (with ``titles``) the first title that does."""
    for name, path, _ in files:  # an exact name wins over a name spelled another way
        if name == ref:
            return path
    key = name_key(ref)
    for name, path, _ in files:
        if name_key(name) == key:
            return path
    if not titles:
        return None
    for title, path in _titles(files):
        if name_key(title) == key:
            return path
    return None


def in_language(path: Path, ref: str, language: str) -> Path:
    """The practice at ``path`` in ``language``: itself if it is written in it, else a
    practice in the library whose ``original:`` is its name, or its own original (and
    that one's other translations)."""
    script = load_script(path, name=path.stem)
    if same_language(script.language, language):
        return path
    key = name_key(script.original or path.stem)
    for name, other_path, _ in library_files():  # yours first, as names are looked up
        try:
            other = load_script(other_path, name=name)
        except (GuidedError, OSError, ValueError):
            continue  # a broken script of yours is `guided list`'s to report
        if name_key(other.original or name) == key and same_language(other.language, language):
            return other_path
    raise GuidedError(
        f"'{ref}' has no {language_name(language)} version yet; `guided list --language "
        f"{language}` shows the practices in {language_name(language)}")


def library_files() -> list[tuple[str, Path, str]]:
    """``(name, path, source)`` of the user's scripts, then the built-in ones: what
    `guided edit` and `guided remove` look names up in (not the current folder)."""
    return [(name, path, source) for name, (path, source) in _script_files_with_source()]


def name_key(text: str) -> str:
    """How names and titles are compared: any case, spaces and punctuation alike."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def suggest(ref: str, files: list[tuple[str, Path, str]] | None = None,
            titles: list[tuple[str, Path]] | None = None) -> str:
    """`` (did you mean 'grounding'?)`` for the closest practice name or title, else ``""``."""
    files = _named_files() if files is None else files
    titles = _titles(files) if titles is None else titles
    name_of = {path: name for name, path, _ in files}
    candidates: dict[str, str] = {}  # key -> the name to type
    for name, _path, _ in files:
        candidates.setdefault(name_key(name), name)
    for title, path in titles:
        candidates.setdefault(name_key(title), name_of.get(path, title))
    close = closest(name_key(ref), candidates)
    return f" (did you mean '{candidates[close]}'?)" if close else ""


def current_folder_scripts() -> list[Path]:
    """The ``.yaml`` files of the current folder (found by name after the library)."""
    with contextlib.suppress(OSError):
        return _files_in(Path.cwd())
    return []


def _named_files() -> list[tuple[str, Path, str]]:
    """``(name, path, source)`` in lookup order: the user's, the built-in, this folder's."""
    found = library_files()
    found += [(path.stem, path, HERE) for path in current_folder_scripts()]
    return found


def _titles(files: list[tuple[str, Path, str]]) -> list[tuple[str, Path]]:
    """The title of each file that reads as a script (others, say a vars file, are skipped)."""
    titles = []
    for name, path, _ in files:
        with contextlib.suppress(GuidedError):
            titles.append((load_script(path, name=name).title, path))
    return titles


def _not_a_script(ref: str, path: Path) -> str:
    """Why the path given as SCRIPT is not a script file, in one line."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"no such file: {ref}"
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        return f"cannot read {ref}: {getattr(exc, 'strerror', None) or exc}"
    if stat.S_ISDIR(mode):
        return f"{ref} is a folder, not a script file"
    return f"{ref} is not a regular file (a pipe or a device?); give the script's .yaml file"


def load(ref: str) -> Script:
    """Find and load a SCRIPT argument. Library scripts are named by their short name."""
    path = find_script(ref)
    if path.suffix.lower() in (".md", ".markdown"):  # a programme (guided.practice.programmes)
        raise GuidedError(f"{ref} is a programme written in Markdown, which plays as a journey: "
                          f"`guided journey start {ref}`, then `guided journey today --play`")
    return load_script(path, name=path.stem)


def iter_library() -> list[Entry]:
    """Every script in the user's folder and the built-in library, sorted by name.

    A user script with the name of a built-in shadows it and is listed once, as the user's,
    with ``hides`` naming the built-in file. One whose name differs from a built-in's only
    in case or punctuation is listed beside it, and ``hides`` names the built-in too: any
    spelling but the built-in's exact one finds the user's script first. Broken user scripts are listed with their error
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
    """The built-in practice called ``name``: spelled exactly, else differing only in case,
    spaces or punctuation (``Grounding``, ``box_breathing``), if there is one."""
    return _pick(name, builtin_files())


def user_path(name: str) -> Path | None:
    """The user's own script called ``name``, by the same rule as ``builtin_path``."""
    return _pick(name, _files_in(user_scripts_dir()))


def _pick(name: str, paths: list[Path]) -> Path | None:
    """By file name only, as ``lookup`` matches names: exact first, then any spelling."""
    return lookup(name, [(path.stem, path, "") for path in paths], titles=False)


def title_like(name: str) -> tuple[str, Path] | None:
    """``(title, path)`` of a practice (yours or built-in) whose title reads as ``name`` in
    any case, spacing or punctuation while its own name does not: a script called ``name``
    would be found by that title first (names come before titles), if there is one."""
    key = name_key(name)
    for title, path in _titles(library_files()):
        if name_key(title) == key and name_key(path.stem) != key:
            return title, path
    return None


def user_files() -> list[Path]:
    """The scripts in the user's own folder."""
    return _files_in(user_scripts_dir())


def _by_name() -> dict[str, tuple[Path, str]]:
    found: dict[str, tuple[Path, str]] = {}
    for name, (path, source) in _script_files_with_source():
        found.setdefault(name, (path, source))  # the user's folder comes first and wins
    return found


def _script_files_with_source() -> list[tuple[str, tuple[Path, str]]]:
    result = [(path.stem, (path, USER)) for path in _files_in(user_scripts_dir())]
    result += [(path.stem, (path, BUILT_IN)) for path in builtin_files()]
    return result


_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}\Z")  # scripts/de/, not scripts/parts/


def builtin_files() -> list[Path]:
    """The built-in practices: the English ones, then each language folder's."""
    root = builtin_scripts_dir()
    found = _files_in(root)
    with contextlib.suppress(OSError):
        for folder in sorted(root.iterdir()):
            if _LANGUAGE_FOLDER.match(folder.name) and folder.is_dir():
                found += _files_in(folder)
    return found


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


def listed(entries: list[Entry], language: str | None) -> list[Entry]:
    """What `guided list` shows: with a language, the practices written in it (yours and
    built-in); without, yours and the English built-in ones (translations have their own
    list, so the plain one reads in one language)."""
    if language is not None:
        return [e for e in entries if e.script is not None and same_language(e.script.language, language)]
    return [e for e in entries if not _translated(e)]


def other_languages(entries: list[Entry]) -> list[str]:
    """The languages of the built-in translations among ``entries`` (``['de', 'es']``)."""
    return sorted({e.path.parent.name for e in entries if _translated(e)})


def _translated(entry: Entry) -> bool:
    return entry.source == BUILT_IN and entry.path.parent.name != builtin_scripts_dir().name
