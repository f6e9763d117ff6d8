"""What ``guided log stats`` shows of the session log: sessions, minutes per week, the
days practised in a row (local days, ``guided.practice.days``) and how distress changed
per practice; and whether the streak is shown (``streaks`` in settings.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from guided.paths import guided_home
from guided.practice import days
from guided.practice.sessionlog import Session

_NO_STREAK_FILE = "streak-off"  # present when the user asked not to see streaks (before settings.yaml)


def streak_enabled() -> bool:
    """``streaks`` in settings.yaml (``guided settings``); the older marker file still hides them."""
    from guided.preferences import load_preferences

    return load_preferences().streaks and not (guided_home() / _NO_STREAK_FILE).exists()


def set_streak(enabled: bool) -> None:
    """The same switch as ``guided settings set streaks on|off``."""
    from guided.preferences import set_value

    set_value("streaks", "on" if enabled else "off")
    (guided_home() / _NO_STREAK_FILE).unlink(missing_ok=True)


@dataclass
class Stats:
    sessions: int
    total_minutes: float
    minutes_per_week: list[tuple[str, float]]  # (ISO week "2026-W47", minutes), oldest first
    streak_days: int  # local days practised in a row, ending today or yesterday
    distress_change: list[tuple[str, float, int]]  # (script, average after-before, sessions rated)
    total_seconds: float = 0.0  # unrounded, for lengths a person reads (m:ss)
    seconds_per_week: list[tuple[str, float]] = field(default_factory=list)


def stats(sessions: list[Session], today: dt.date | None = None, weeks: int = 8) -> Stats:
    today = today or days.today()
    per_week: dict[str, float] = {}
    practised: set[dt.date] = set()
    changes: dict[str, list[int]] = {}
    total = 0.0
    for s in sessions:
        day = days.local_day(s.started)
        minutes = s.listened_seconds / 60
        total += minutes
        if day is None:
            continue
        if s.listened_seconds > 0:
            practised.add(day)
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        per_week[key] = per_week.get(key, 0.0) + minutes
        if s.distress_before is not None and s.distress_after is not None:
            changes.setdefault(s.script, []).append(s.distress_after - s.distress_before)
    recent_weeks = []
    first = min(practised | {d for s in sessions if (d := days.local_day(s.started))}, default=None)
    for back in range(weeks - 1, -1, -1):
        when = today - dt.timedelta(weeks=back)
        if first is None or _monday(when) < _monday(first):
            continue  # no empty weeks before the first session (a new log shows none)
        year, week, _ = when.isocalendar()
        key = f"{year}-W{week:02d}"
        recent_weeks.append((key, per_week.get(key, 0.0)))
    streak = 0
    cursor = today if today in practised else today - dt.timedelta(days=1)
    while cursor in practised:
        streak += 1
        cursor -= dt.timedelta(days=1)
    distress = sorted((name, round(sum(v) / len(v), 1), len(v)) for name, v in changes.items())
    return Stats(len(sessions), round(total, 1), [(k, round(m, 1)) for k, m in recent_weeks],
                 streak, distress, total * 60, [(k, m * 60) for k, m in recent_weeks])


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
