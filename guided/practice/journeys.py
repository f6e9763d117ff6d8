"""Journeys: multi-week programmes of daily practices with reflection questions.

A journey is a YAML file of weeks and days naming practices (docs/journeys.md), or a
programme written in Markdown (``guided.practice.programmes``). Journeys are found by
name in the user's journeys folder (``GUIDED_HOME/journeys``) before the built-in ones
(``scripts/journeys``), or by path. Days run one per calendar day from the day the
journey is started (``guided.practice.journey_progress``).
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from guided.errors import GuidedError, ScriptError, quoted
from guided.paths import (
    YAML_SUFFIXES,
    builtin_scripts_dir,
    is_path_ref,
    user_journeys_dir,
)
from guided.practice.journey_progress import (  # noqa: F401 - where commands and tests find them
    Progress,
    current_progress,
    day_number,
    practised_days,
    progress_file,
    remembered_vars,
    session_day,
    start_journey,
)
from guided.practice.journeyfile import MAX_BYTES, Journey, PracticeRef, parse_yaml_journey
from guided.script.yamlfile import load_nodes

if TYPE_CHECKING:
    from guided.practice.checks import Problem
    from guided.script.model import Script

# ---------------------------------------------------------------------------- finding


def builtin_journeys_dir() -> Path:
    return builtin_scripts_dir() / "journeys"


def journey_dirs() -> list[tuple[str, Path]]:
    """Where journeys are looked up by name, in order: the user's own, then the built-ins."""
    return [("yours", user_journeys_dir()), ("built-in", builtin_journeys_dir())]


def find_journey(ref: str) -> Path:
    """The file for a journey name (user folder first) or path; a clear error if none."""
    if is_path_ref(ref):
        path = Path(ref).expanduser()
        if path.is_file():
            return path
        if path.exists():  # a folder, a pipe or a device: there, but not a file to read
            raise GuidedError(f"{ref} is not a regular file (a folder, pipe or device); give the journey's file")
        raise GuidedError(f"no journey file at {ref}")
    odd: Path | None = None  # a pipe, a folder, a dangling link where the journey would be
    for _, folder in journey_dirs():
        for suffix in (*YAML_SUFFIXES, ".md"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
            odd = odd or (candidate if os.path.lexists(candidate) else None)
    if odd is not None:  # it was "no journey called NAME (journeys: NAME, …)"
        raise GuidedError(f"{odd} is not a regular file (a folder, pipe, device or broken link), "
                          "so the journey cannot be read; put the journey's file there, or remove it")
    names = ", ".join(name for name, _, _ in iter_journeys()) or "none yet"
    raise GuidedError(f"no journey called {quoted(ref)} (journeys: {names}; see `guided journey list`)")


def iter_journeys() -> Iterator[tuple[str, str, Path]]:
    """``(name, origin, path)`` for every journey by name; a user journey hides a built-in one."""
    seen: set[str] = set()
    for origin, folder in journey_dirs():
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.y*ml"), *folder.glob("*.md")]):
            if path.suffix not in (*YAML_SUFFIXES, ".md") or path.stem in seen:
                continue
            seen.add(path.stem)
            yield path.stem, origin, path


def is_journey_file(path: Path) -> bool:
    """Whether ``path`` is a journey (a mapping with ``weeks:``), read with the same guards
    as every YAML file (``guided.script.yamlfile``). A file that cannot be read is not a
    journey here; the script loader then says what is wrong with it, in one line.
    A Markdown file (``.md``) is a programme: always a journey."""
    from guided.practice.programmes import is_programme_path

    if is_programme_path(path):
        return path.is_file()
    try:
        node = load_nodes(path, max_bytes=MAX_BYTES, what="a journey")
    except GuidedError:
        return False
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "weeks" for k, _ in node.value)


def load_journey(ref: str | Path) -> Journey:
    path = find_journey(str(ref)) if not isinstance(ref, Path) else ref
    return parse_journey(path)


def parse_journey(path: Path) -> Journey:
    """Read and validate a journey file; every problem is a ``file:line:col`` ScriptError.
    A Markdown programme (``.md``) is read by ``guided.practice.programmes``."""
    from guided.practice.programmes import is_programme_path

    if is_programme_path(path):
        from guided.practice.programmes.journey import programme_journey

        return programme_journey(path)
    return parse_yaml_journey(path)


# ---------------------------------------------------------------------------- practices


def resolve_practice(journey: Journey, ref: PracticeRef) -> str:
    """What to hand the library: a path for relative paths (relative to the journey
    file), otherwise the name unchanged."""
    if is_path_ref(ref.ref) and journey.path is not None:
        path = Path(ref.ref).expanduser()
        if not path.is_absolute():
            path = journey.path.parent / path
        return str(path)
    return ref.ref


def load_practice(journey: Journey, ref: PracticeRef):
    """Load one practice of a journey with the library loader; errors point at the journey line."""
    from guided.script import library

    if ref.script is not None:
        return ref.script
    target = resolve_practice(journey, ref)
    try:
        return library.load(target)
    except ScriptError:
        raise
    except GuidedError as exc:
        raise ScriptError(exc.message, ref.pos) from None


def reflection_variables(journey: Journey) -> set[str]:
    """The ``{name}``s written in the journey's reflections (a ``--var`` used only there
    is not a typo)."""
    from guided.practice.checks import text_variables

    return {name for _, text, _ in journey.reflections() for name in text_variables(text)}


def journey_problems(journey: Journey, values: Mapping[str, str] | None = None, *,
                     given_names: bool = True) -> tuple[list[Script], list[Problem]]:
    """Every practice of the journey that loads, and every problem that would stop one from
    playing with ``values`` (``--var``, ``--vars-file``): a given name no practice uses
    first (unless ``given_names`` is False), then each practice's own mistakes in the
    journey's order, every bad practice, not only the first (for ``guided journey check``
    and ``guided check``)."""
    from guided.practice.checks import Problem, check_practices, unknown_variables

    scripts: list[Script] = []
    found: list[Problem] = []
    for ref in journey.practice_refs():
        try:
            script = load_practice(journey, ref)
        except ScriptError as exc:
            errors = getattr(exc, "errors", None) or [exc]  # every mistake in that file
            found += [Problem(e.pos or ref.pos, e.message) for e in errors]
            continue
        scripts.append(script)
        found += check_practices([script], values)
    problems = (unknown_variables(values or {}, scripts, reflection_variables(journey))
                if scripts and given_names else [])
    for problem in found:  # a file named twice (two spellings of one path): once
        if problem not in problems:
            problems.append(problem)
    return scripts, problems


def check_journey(journey: Journey) -> list[str]:
    """Load every practice the journey names; raise at the first one that is missing or broken.
    Returns the distinct practice titles (for a friendly summary)."""
    titles = []
    for ref in journey.practice_refs():
        script = load_practice(journey, ref)
        titles.append(script.title)
    return titles
