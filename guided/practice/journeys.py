"""Journeys: multi-week programmes of daily practices with reflection questions.

A journey is a YAML file (see docs/journeys.md)::

    format: 1
    title: Six weeks toward secure connection
    description: One short practice a day.
    weeks:
      - title: Understanding your patterns
        theme: Noticing what happens in the body when closeness or distance shows up.
        days:
          - practice: grounding
            reflection: Where in your body did you feel most settled today?
          - practices: [orienting, breath-awareness]
          - safe-place            # a bare name is a day with one practice

Journeys are found by name in the user's journeys folder (``GUIDED_HOME/journeys``)
before the built-in ones (``scripts/journeys``), or by path. Days run one per
calendar day from the day the journey is started; progress lives in
``GUIDED_HOME/journey-progress.json`` and practised days come from the session log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from guided.atomic import changing, write_atomic
from guided.errors import GuidedError, ScriptError
from guided.paths import (
    YAML_SUFFIXES,
    builtin_scripts_dir,
    guided_home,
    is_path_ref,
    user_journeys_dir,
)
from guided.practice import days as local
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
        raise GuidedError(f"no journey file at {ref}")
    for _, folder in journey_dirs():
        for suffix in (*YAML_SUFFIXES, ".md"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    names = ", ".join(name for name, _, _ in iter_journeys()) or "none yet"
    raise GuidedError(f"no journey called '{ref}' (journeys: {names}; see `guided journey list`)")


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
    from guided.practice.programmes.reader import is_programme_path

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
    from guided.practice.programmes.reader import is_programme_path

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


# ---------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    journey: str  # the name or path it was started with
    started: dt.date
    since: str | None = None  # the moment `journey start` ran (UTC ISO 8601); older files lack it


def progress_file() -> Path:
    return guided_home() / "journey-progress.json"


def _read_state(*, repair: bool = False) -> dict:
    """The progress file as ``{"current": name, "started": {name: "YYYY-MM-DD"},
    "since": {name: moment}}`` (``since``: when it was started, in UTC). A
    damaged file (not JSON, or values of the wrong kind) is a one-line error, unless
    ``repair``: then what is sound is kept and the rest dropped (starting a journey
    writes the file anew)."""
    path = progress_file()
    if not path.is_file():
        return {}
    damaged = GuidedError(
        f"cannot read {path}: it may be damaged; start the journey again with `guided journey start`"
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        if repair:
            return {}
        raise damaged from None
    started = data.get("started", {})
    since = data.get("since", {})
    sound: dict = {key: {k: v for k, v in value.items() if isinstance(v, str)}
                   if isinstance(value, dict) else {} for key, value in (("started", started), ("since", since),
                                                                     ("vars", data.get("vars", {})))}
    if isinstance(data.get("current"), str):
        sound["current"] = data["current"]
    if not repair and (sound["started"] != started or sound["since"] != since
                       or sound.get("current") != data.get("current")):
        raise damaged
    return sound


def _write_state(state: dict) -> None:
    path = progress_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(state, indent=2) + "\n")


def start_journey(ref: str, on: dt.date | None = None, vars_file: str | None = None) -> Progress:
    """Make ``ref`` the current journey, starting on ``on`` (today by default); the
    variables file it was started with (``--vars-file``) is remembered for its days."""
    started = on or local.today()
    since = local.now_utc_iso()
    with changing(progress_file(), "your journey progress"):  # a start at the same time waits
        state = _read_state(repair=True)
        state["current"] = ref
        state.setdefault("started", {})[ref] = started.isoformat()
        state.setdefault("since", {})[ref] = since
        state.setdefault("vars", {}).pop(ref, None)
        if vars_file:
            state["vars"][ref] = vars_file
        if not state["vars"]:
            del state["vars"]  # the file stays as it was for journeys started without one
        _write_state(state)
    return Progress(ref, started, since)


def current_progress() -> Progress | None:
    state = _read_state()
    ref = state.get("current")
    started = (state.get("started") or {}).get(ref) if ref else None
    if not ref or not started:
        return None
    try:
        return Progress(ref, dt.date.fromisoformat(started), (state.get("since") or {}).get(ref))
    except ValueError:
        return None


def remembered_vars(ref: str) -> str | None:
    """The variables file the journey ``ref`` was started with, if any."""
    return (_read_state().get("vars") or {}).get(ref)


def day_number(progress: Progress, today: dt.date | None = None) -> int:
    """1 on the start day, 2 the day after, and so on (never below 1)."""
    return max(1, ((today or local.today()) - progress.started).days + 1)


def session_day(started_iso: str) -> dt.date | None:
    """The listener's local calendar date of a logged session start (the same day
    ``guided log stats`` counts it on)."""
    return local.local_day(started_iso)


def practised_days(journey: str, progress: Progress, sessions) -> set[int]:
    """Journey days with at least some listening logged since the journey was started.

    ``sessions`` are ``guided.practice.sessionlog.Session`` rows; a day counts when any of its
    practices was played (even partly) with ``journey`` set to this journey's name, on or
    after the day it started, or at any moment after `guided journey start` ran: a session
    played on "day 1" counts even when the local day is still before the start day (a
    journey started in a time zone ahead of this one)."""
    since = local.local_time(progress.since)
    days: set[int] = set()
    for s in sessions:
        if s.journey != journey or not s.journey_day or s.listened_seconds <= 0:
            continue
        moment = local.local_time(s.started)  # its local day is the day log stats counts
        if moment is not None and (moment.date() >= progress.started
                                   or (since is not None and moment >= since)):
            days.add(int(s.journey_day))
    return days
