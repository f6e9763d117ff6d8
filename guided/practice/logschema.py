"""The session log's schema, grown by plain numbered migration functions
(``MIGRATIONS``), as simonw/llm does: add a new function at the end, never edit an old
one. ``PRAGMA user_version`` holds how many have run. The log itself:
``guided.practice.sessionlog``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _m001_sessions(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            script TEXT NOT NULL,
            title TEXT NOT NULL,
            content_hash TEXT NOT NULL DEFAULT '',
            voice TEXT NOT NULL DEFAULT '',
            engine TEXT NOT NULL DEFAULT '',
            rate INTEGER,
            started TEXT NOT NULL,
            ended TEXT,
            planned_seconds REAL NOT NULL DEFAULT 0,
            listened_seconds REAL NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL DEFAULT 'interrupted',
            distress_before INTEGER CHECK (distress_before BETWEEN 0 AND 10),
            distress_after INTEGER CHECK (distress_after BETWEEN 0 AND 10),
            note TEXT NOT NULL DEFAULT '',
            reflection TEXT,
            journey TEXT,
            journey_day INTEGER
        )
        """
    )
    db.execute("CREATE INDEX sessions_started ON sessions (started)")


def _m002_origin(db: sqlite3.Connection) -> None:
    """Where a session was started from, when not a plain play: 'now' or 'timer'."""
    db.execute("ALTER TABLE sessions ADD COLUMN origin TEXT")


def _m003_clients(db: sqlite3.Connection) -> None:
    """Sessions a client practised, imported from their record (``guided log import``):
    ``client`` names whose they are (NULL: your own), ``source`` is what the record called
    the session, so importing the same record again adds nothing. ``bundles`` remembers
    for whom each bundle was made."""
    db.execute("ALTER TABLE sessions ADD COLUMN client TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN source TEXT")
    db.execute("CREATE UNIQUE INDEX sessions_source ON sessions (client, source)"
               " WHERE source IS NOT NULL")
    db.execute("CREATE TABLE bundles (id TEXT PRIMARY KEY, client TEXT NOT NULL,"
               " title TEXT NOT NULL DEFAULT '', made TEXT NOT NULL)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m001_sessions, _m002_origin,
                                                          _m003_clients]


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to date; each migration commits with its version bump."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        with db:
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
