"""The session log: schema migrations, the write path used while playing, stats."""

from __future__ import annotations

import datetime as dt
import sqlite3

from guided.practice import logschema, logstats, sessionlog
from guided.practice.sessionlog import SessionLog, SessionStart


def test_database_lives_in_guided_home_and_is_migrated(isolated_home):
    with SessionLog() as db:
        assert db.path == isolated_home / "sessions.db"
    con = sqlite3.connect(isolated_home / "sessions.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(logschema.MIGRATIONS)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = {row[1] for row in con.execute("PRAGMA table_info(sessions)")}
    assert {"script", "title", "content_hash", "voice", "started", "ended", "planned_seconds",
            "listened_seconds", "outcome", "distress_before", "distress_after", "note",
            "reflection", "journey", "journey_day"} <= cols
    # opening again does not re-run migrations
    SessionLog().close()
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(logschema.MIGRATIONS)


def test_row_exists_from_the_start_and_survives_without_finish(isolated_home):
    db = SessionLog()
    sid = db.start(SessionStart(script="grounding", title="Grounding", content_hash="abc", voice="en",
                   engine="espeak", rate=140, planned_seconds=300, distress_before=6))
    db.progress(sid, 12.5)
    db.db.close()  # as if the process died here: no finish()
    row = SessionLog().get(sid)
    assert row.outcome == "interrupted"
    assert row.listened_seconds == 12.5
    assert row.distress_before == 6 and row.ended is not None


def test_finish_and_ratings(isolated_home):
    with SessionLog() as db:
        sid = db.start(SessionStart(script="breath", title="Breath", planned_seconds=60))
        db.finish(sid, "completed", 60.0)
        db.rate_after(sid, distress_after=3, note="calmer", reflection={"q": "a"})
        row = db.get(sid)
    assert (row.outcome, row.listened_seconds, row.distress_after, row.note) == ("completed", 60.0, 3, "calmer")
    assert row.to_dict()["reflection"] == {"q": "a"}


def test_distress_is_checked_by_the_database(isolated_home):
    with SessionLog() as db:
        try:
            db.start(SessionStart(script="x", title="X", distress_before=11))
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a rating of 11 was accepted")


def _session(started: str, minutes: float, script: str = "g", before=None, after=None):
    return sessionlog.Session(0, script, script, "", "", "", None, started, None, minutes * 60,
                              minutes * 60, "completed", before, after, "", None, None, None)


def test_stats_streak_weeks_and_distress():
    today = dt.date(2026, 11, 22)
    sessions = [
        _session("2026-11-18T20:00:00+00:00", 5),  # gap on the 19th
        _session("2026-11-20T20:00:00+00:00", 5, "g", 7, 4),
        _session("2026-11-21T20:00:00+00:00", 10, "g", 5, 4),
        _session("2026-11-22T08:00:00+00:00", 3, "b", 6, 6),
    ]
    result = logstats.stats(sessions, today=today, weeks=2)
    assert result.streak_days == 3
    # no empty weeks before the first session (a new user saw seven of them) ...
    assert result.minutes_per_week == [("2026-W47", 23.0)]
    # ... but a quiet week between sessions is shown as it was
    earlier = [_session("2026-11-04T20:00:00+00:00", 4), *sessions]
    assert logstats.stats(earlier, today=today, weeks=4).minutes_per_week == [
        ("2026-W45", 4.0), ("2026-W46", 0.0), ("2026-W47", 23.0)]
    assert logstats.stats([], today=today).minutes_per_week == []
    assert result.distress_change == [("b", 0.0, 1), ("g", -2.0, 2)]
    # yesterday still counts as a running streak; two days ago does not
    assert logstats.stats(sessions[:3], today=today).streak_days == 2
    assert logstats.stats(sessions[:1], today=today).streak_days == 0


def test_logging_and_streak_switches(isolated_home):
    assert sessionlog.logging_enabled()
    sessionlog.set_logging(False)
    assert not sessionlog.logging_enabled()
    sessionlog.set_logging(True)
    assert sessionlog.logging_enabled()
    logstats.set_streak(False)
    assert not logstats.streak_enabled()
