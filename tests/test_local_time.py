"""Local time everywhere a person reads or counts time (issue 11, point 2).

Kiritimati is UTC+14, so the UTC day and the local day differ for most of the day:
a session at 18:00 UTC on 29 November is 08:00 on 30 November there, and one at
09:30 UTC on 30 November is 23:30 the same local day. Both belong to 30 November
for `guided log`, `log stats` (weeks and days in a row), journeys and the exports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest

from guided.outcomes import COMPLETED
from guided.practice import days, journeys, logstats, sessionlog
from guided.practice.sessionlog import SessionStart

TZ = "Pacific/Kiritimati"
MORNING_UTC = "2026-11-29T18:00:00+00:00"  # 08:00 on Monday 30 November in Kiritimati
EVENING_UTC = "2026-11-30T09:30:00+00:00"  # 23:30 the same local day
LOCAL_DAY = dt.date(2026, 11, 30)


@pytest.fixture
def kiritimati(monkeypatch):
    monkeypatch.setenv("TZ", TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _session(db: sessionlog.SessionLog, started: str, **kw) -> int:
    sid = db.start(SessionStart(script="grounding", title="Grounding", planned_seconds=60, **kw))
    db.finish(sid, COMPLETED, 60)
    with db.db:
        db.db.execute("UPDATE sessions SET started = ?, ended = ? WHERE id = ?", (started, started, sid))
    return sid


def test_one_local_day_for_streaks_weeks_and_journeys(kiritimati):
    assert days.local_day(MORNING_UTC) == days.local_day(EVENING_UTC) == LOCAL_DAY
    with sessionlog.SessionLog() as db:
        _session(db, MORNING_UTC, journey="small", journey_day=1)
        _session(db, EVENING_UTC, journey="small", journey_day=1)
        rows = db.all()
    # Two sessions on one local day: one day in a row, not two (the UTC days differ).
    result = logstats.stats(rows, today=LOCAL_DAY)
    assert result.streak_days == 1
    assert result.minutes_per_week[-1] == ("2026-W49", 2.0)  # Monday 30 November starts week 49
    assert {journeys.session_day(r.started) for r in rows} == {LOCAL_DAY}
    progress = journeys.Progress("small", LOCAL_DAY)
    assert journeys.practised_days("small", progress, rows) == {1}


def test_log_table_and_exports_use_local_time_with_offset(guided):
    with sessionlog.SessionLog() as db:
        _session(db, EVENING_UTC, distress_before=5)
    env = {"TZ": TZ}
    table = guided("log", env=env)
    assert table.returncode == 0, table.stderr
    assert "2026-11-30 23:30" in table.stdout and "09:30" not in table.stdout
    shown = guided("log", "show", "1", env=env)
    assert "2026-11-30 23:30" in shown.stdout
    as_json = json.loads(guided("log", "export", "--format", "json", env=env).stdout)
    assert as_json[0]["started"] == "2026-11-30T23:30:00+14:00"
    as_csv = list(csv.DictReader(io.StringIO(guided("log", "export", "--format", "csv", env=env).stdout)))
    assert as_csv[0]["started"] == "2026-11-30T23:30:00+14:00"
    assert dt.datetime.fromisoformat(as_csv[0]["ended"]) == dt.datetime.fromisoformat(EVENING_UTC)
    listed = json.loads(guided("log", "--json", env=env).stdout)
    assert listed[0]["started"] == "2026-11-30T23:30:00+14:00"


def test_streak_counts_the_local_today(cli, kiritimati):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with sessionlog.SessionLog() as db:
        _session(db, now.isoformat())
    stats = json.loads(cli("log", "stats", "--json", env={"TZ": TZ}).stdout)
    assert stats["days_in_a_row"] == 1
    assert days.today() == now.astimezone().date()


def test_a_time_zone_python_cannot_use_gives_utc_with_one_warning(cli, monkeypatch):
    """TZ='XYZ+24' is a day off UTC: the C library takes it, datetime refuses it."""
    monkeypatch.setenv("TZ", "XYZ+24")
    time.tzset()
    try:
        with sessionlog.SessionLog() as db:
            _session(db, EVENING_UTC, journey="six-weeks", journey_day=1)
        assert cli("journey", "start", "six-weeks").returncode == 0
        for args in (("log",), ("log", "stats"), ("log", "show", "1"), ("journey", "status"),
                     ("journey", "today")):
            monkeypatch.setattr(days, "_warned", [])
            result = cli(*args)
            assert result.returncode == 0, result.stderr
            assert result.stderr == ("guided: warning: TZ names a time zone a day or more away "
                                     "from UTC, which cannot be used; times here are in UTC\n")
        assert "2026-11-30 09:30" in cli("log").stdout  # the moment in UTC
    finally:
        monkeypatch.undo()
        time.tzset()
