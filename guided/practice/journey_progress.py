"""A journey's progress: the day it was started (and the moment), the variables file it
was started with, and the days practised, from the session log. Kept in
``GUIDED_HOME/journey-progress.json``, written atomically under a lock."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from guided.atomic import changing, write_atomic
from guided.errors import GuidedError
from guided.paths import guided_home
from guided.practice import days as local


@dataclass(frozen=True)
class Progress:
    journey: str  # the name or path it was started with
    started: dt.date
    since: str | None = None  # the moment `journey start` ran (UTC ISO 8601); older files lack it


PROGRESS_BYTES = 1024 * 1024  # a few hundred bytes per journey started


def progress_file() -> Path:
    return guided_home() / "journey-progress.json"


def _read_state(*, repair: bool = False) -> dict:
    """The progress file as ``{"current": name, "started": {name: "YYYY-MM-DD"},
    "since": {name: moment}}`` (``since``: when it was started, in UTC). A
    damaged file (not JSON, or values of the wrong kind) is a one-line error, unless
    ``repair``: then what is sound is kept and the rest dropped (starting a journey
    writes the file anew)."""
    from guided.doors.keptfile import Damaged, read_kept_json

    path = progress_file()
    advice = "start the journey again with `guided journey start`"
    damaged = GuidedError(f"cannot read {path}: it may be damaged; {advice}")
    try:  # through the kept-file door: never a link, a pipe, a huge or absurdly nested file
        data = read_kept_json(path, advice=advice, max_bytes=PROGRESS_BYTES)
    except Damaged as exc:
        if not (repair and path.is_file() and not path.is_symlink()):
            raise GuidedError(f"cannot read {path}: it may be damaged ({exc.why}); {advice}") from None
        return {}  # damaged contents: starting a journey writes the file anew
    if data is None:
        return {}
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


def progress_of(ref: str) -> Progress | None:
    """Where the journey started as ``ref`` is (current or not); None if never started."""
    state = _read_state()
    try:
        return Progress(ref, dt.date.fromisoformat((state.get("started") or {})[ref]),
                        (state.get("since") or {}).get(ref))
    except (KeyError, ValueError):
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
