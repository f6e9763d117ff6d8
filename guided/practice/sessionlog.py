"""The session log: one SQLite row per listening session, kept on this computer.

The database lives at ``guided_home()/sessions.db`` (``GUIDED_HOME`` moves it).
Its schema is versioned with ``PRAGMA user_version`` and grows through plain
numbered migration functions (``MIGRATIONS``), like simonw/llm does: add a new
function at the end, never edit an old one.

A row is written the moment playback starts (outcome ``interrupted``, nothing
listened yet), its ``listened_seconds`` is refreshed every few seconds while
playing, and the final outcome is set at the end. So a session that is killed
mid-way (even ``kill -9``) is still there afterwards, marked ``interrupted``,
with the time actually listened up to the last refresh. Every write is its own
short transaction in WAL mode.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from guided.doors.keptfile import parse_json
from guided.errors import GuidedError
from guided.outcomes import INTERRUPTED, OUTCOMES
from guided.paths import guided_home
from guided.practice import days
from guided.practice.logschema import MIGRATIONS, migrate

_OFF_FILE = "logging-off"  # present in GUIDED_HOME when the user turned logging off


def db_path() -> Path:
    return guided_home() / "sessions.db"


def now_iso() -> str:
    """Stored in UTC; shown and counted in local time (``guided.practice.days``)."""
    return days.now_utc_iso()


# --- model -------------------------------------------------------------------------


@dataclass
class Session:
    id: int
    script: str
    title: str
    content_hash: str
    voice: str
    engine: str
    rate: int | None
    started: str
    ended: str | None
    planned_seconds: float
    listened_seconds: float
    outcome: str
    distress_before: int | None
    distress_after: int | None
    note: str
    reflection: str | None
    journey: str | None
    journey_day: int | None
    origin: str | None = None  # 'now' (guided now) or 'timer'; None for play and journeys
    client: str | None = None  # None: your own; else whose practice this was (imported)
    source: str | None = None  # an imported session's own key in its record

    def to_dict(self) -> dict:
        """For JSON: times in local ISO 8601 with their offset, the reflection as an object
        (and the client's name for a client's session)."""
        data = asdict(self)
        for key, value in data.items():  # a hand-edited log may hold inf or nan, which JSON cannot
            if isinstance(value, float) and not math.isfinite(value):
                data[key] = None
        del data["source"]
        if self.client is None:
            del data["client"]
        data["started"] = days.local_iso(self.started)
        data["ended"] = days.local_iso(self.ended)
        if self.reflection:
            with contextlib.suppress(ValueError):
                data["reflection"] = parse_json(self.reflection)
        return data

    def reflection_parts(self) -> tuple[str, str]:
        """``(question, answer)`` of a journey reflection; empty strings when there is none."""
        if not self.reflection:
            return "", ""
        try:
            value = parse_json(self.reflection)
        except ValueError:
            return "", self.reflection
        if isinstance(value, list):  # a programme day asks several questions
            pairs = [(str(v.get("question") or ""), str(v.get("answer") or "")) for v in value
                     if isinstance(v, dict)]
            return " / ".join(q for q, _ in pairs), " / ".join(a for _, a in pairs)
        if isinstance(value, dict):
            return str(value.get("question") or ""), str(value.get("answer") or "")
        return "", "" if value is None else str(value)

    def to_row(self) -> dict[str, object]:
        """For CSV: plain columns only; the reflection as its question and its answer."""
        data = self.to_dict()
        del data["reflection"]
        data["reflection_question"], data["reflection_answer"] = self.reflection_parts()
        return data


_COLUMNS = [f for f in Session.__dataclass_fields__]


@dataclass(frozen=True)
class SessionStart:
    """What is known of a session as playback starts: the row ``SessionLog.start`` writes."""

    script: str
    title: str
    content_hash: str = ""
    voice: str = ""
    engine: str = ""
    rate: int | None = None
    planned_seconds: float = 0.0
    distress_before: int | None = None
    journey: str | None = None
    journey_day: int | None = None
    origin: str | None = None


class NewerLog(GuidedError):
    """The log was written by a newer version of guided: read it, never write to it."""


def pending_path(db: Path) -> Path:
    """Rows that could not be written at the time (see ``guided.practice.practicelog``)."""
    return db.with_name("sessions-pending.jsonl")


class SessionLog:
    """The open session database. Use as a context manager or call ``close()``.

    A log this version cannot write (read-only, or made by a newer guided) opens for
    reading only (``read_only``; ``newer`` says which); writing to it raises a one-line
    ``GuidedError``."""

    def __init__(self, path: Path | None = None, timeout: float = 10.0, *,
                 read_only: bool = False):
        """``read_only``: for commands that only read (``guided log``, ``journey status``).
        Nothing is written, created or waited for: no migration, no journal mode, no merge
        of the side file, so the log reads on a full disk, in a read-only folder, and while
        another process holds its write lock."""
        self.path = path or db_path()
        self.read_only, self.newer = read_only, False
        self.pending_note: str | None = None  # one line about sessions-pending.jsonl, if any
        try:
            if read_only:
                self.db = self._open_to_read(timeout)
                if self.db.execute("PRAGMA user_version").fetchone()[0] > len(MIGRATIONS):
                    self.newer = True
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not os.access(self.path, os.W_OK):
                self.read_only = True
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                          timeout=timeout)
                self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            else:
                self.db = sqlite3.connect(self.path, timeout=timeout)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]  # before any write
            if version > len(MIGRATIONS):
                self.read_only = self.newer = True
            elif not self.read_only:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                migrate(self.db)
                self._merge_pending()
        except sqlite3.DatabaseError as exc:
            raise GuidedError(f"cannot open the session log {self.path}: {exc}"
                              f"{_full_disk_hint(self.path)}") from None
        except OSError as exc:
            raise GuidedError(f"cannot open the session log {self.path}: {exc.strerror}"
                              f"{_full_disk_hint(self.path)}") from None

    def _open_to_read(self, timeout: float) -> sqlite3.Connection:
        """The log as it is, read only. No log yet (or an empty file): an empty one in
        memory. A log in WAL mode needs its -shm file to read; where that cannot be made
        (a read-only folder, a full disk) it is read as immutable, which needs nothing
        beside it."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return _empty_log()
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=timeout)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise  # a writer mid-commit (not WAL): reading as immutable could see half of it
            db = sqlite3.connect(f"{uri}&immutable=1", uri=True, timeout=timeout)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:  # made, never migrated
            db.close()
            return _empty_log()
        return db

    def pending_sessions(self) -> int:
        """How many sessions wait in the side file, not yet added to the log."""
        from guided.practice import pending

        waiting = pending.read(pending_path(self.path))
        self.pending_note = self.pending_note or waiting.note
        return len(waiting.rows)

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _writable(self) -> None:
        if self.newer:
            raise NewerLog(f"the session log {self.path} comes from a newer version of guided, "
                           "so this one only reads it")
        if self.read_only:
            raise GuidedError(f"the session log {self.path} is read-only")

    def busy_wait(self, seconds: float) -> None:
        """How long the next writes wait for another process's lock."""
        self.db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def insert_row(self, row: dict) -> int:
        """Insert a whole row (column -> value; unknown keys are ignored)."""
        self._writable()
        names = [c for c in _COLUMNS if c != "id" and row.get(c) is not None]
        with self.db:
            cur = self.db.execute(
                f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[c] for c in names])
        return int(cur.lastrowid or 0)  # always set after an INSERT

    def update_row(self, session_id: int, row: dict) -> None:
        self._writable()
        names = [c for c in _COLUMNS if c != "id" and row.get(c) is not None]
        with self.db:
            self.db.execute(f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in names)} WHERE id = ?",
                            [*(row[c] for c in names), session_id])

    def _merge_pending(self) -> None:
        """Add the rows a practice could not write at the time (the log was busy or could
        not be written), then remove them from the side file (``guided.practice.pending``).
        A line that cannot be added stays there, and ``pending_note`` says so."""
        from guided.practice import pending

        self.pending_note = pending.merge(pending_path(self.path), self._add_pending)

    def _add_pending(self, row: dict) -> None:
        """One waiting row into the log: it updates the row it finishes (the id it was given
        at the start, or one with the same script and start: added by a merge that was
        killed before it could say so), else it is added."""
        saved = row.get("id")
        there = self.get(saved) if isinstance(saved, int) else None
        if there is not None and (there.script, there.started) == (row["script"], row["started"]):
            self.update_row(there.id, row)  # written at the start, finished here
            return
        same = self.db.execute("SELECT id FROM sessions WHERE client IS NULL AND script = ? AND "
                              "started = ?", (row["script"], row["started"])).fetchone()
        if same is not None:
            self.update_row(same[0], row)
        else:
            self.insert_row(row)

    # writing: each call is one short, committed transaction

    def start(self, row: SessionStart) -> int:
        """Insert the row as playback starts (outcome 'interrupted' until told otherwise)."""
        r = row
        self._writable()
        with self.db:
            cur = self.db.execute(
                "INSERT INTO sessions (script, title, content_hash, voice, engine, rate, started,"
                " planned_seconds, listened_seconds, outcome, distress_before, journey, journey_day,"
                " origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                (r.script, r.title, r.content_hash, r.voice, r.engine, r.rate, now_iso(),
                 r.planned_seconds, INTERRUPTED, r.distress_before, r.journey, r.journey_day,
                 r.origin),
            )
        return int(cur.lastrowid or 0)  # always set after an INSERT

    def progress(self, session_id: int, listened_seconds: float,
                 planned_seconds: float | None = None) -> None:
        """Refresh the listened time (called every few seconds while playing)."""
        self._writable()
        with self.db:
            self.db.execute(
                "UPDATE sessions SET listened_seconds = ?, ended = ?,"
                " planned_seconds = COALESCE(?, planned_seconds) WHERE id = ?",
                (round(listened_seconds, 2), now_iso(), planned_seconds, session_id),
            )

    def finish(self, session_id: int, outcome: str, listened_seconds: float,
               planned_seconds: float | None = None) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self._writable()
        with self.db:
            self.db.execute(
                "UPDATE sessions SET outcome = ?, listened_seconds = ?, ended = ?,"
                " planned_seconds = COALESCE(?, planned_seconds) WHERE id = ?",
                (outcome, round(listened_seconds, 2), now_iso(), planned_seconds, session_id),
            )

    def rate_after(self, session_id: int, distress_after: int | None = None,
                   note: str | None = None, reflection: object | None = None) -> None:
        """Store what the listener said afterwards (rating, a one-line note, a reflection)."""
        from guided.script.hygiene import mended

        self._writable()
        note = mended(note) if note else note
        with self.db:
            if distress_after is not None:
                self.db.execute("UPDATE sessions SET distress_after = ? WHERE id = ?",
                                (distress_after, session_id))
            if note:
                self.db.execute("UPDATE sessions SET note = ? WHERE id = ?", (note, session_id))
            if reflection is not None:
                self.db.execute("UPDATE sessions SET reflection = ? WHERE id = ?",
                                (mended(json.dumps(reflection, ensure_ascii=False)), session_id))

    # reading

    def has_ratings(self) -> bool:
        """Whether any session was ever rated (the 0-10 scale is explained until then)."""
        row = self.db.execute("SELECT 1 FROM sessions WHERE distress_before IS NOT NULL"
                              " OR distress_after IS NOT NULL LIMIT 1").fetchone()
        return row is not None

    def get(self, session_id: int) -> Session | None:
        """Session N, yours or a client's."""
        rows = list(self._select("WHERE id = ?", (session_id,)))
        return rows[0] if rows else None

    def recent(self, limit: int | None = 20, client: str | None = None) -> list[Session]:
        """Newest first: your own sessions, or with ``client`` that client's."""
        where = "WHERE client IS ? ORDER BY started DESC, id DESC"
        if limit is None:
            return list(self._select(where, (client,)))
        return list(self._select(f"{where} LIMIT ?", (client, limit)))

    def all(self, client: str | None = None) -> list[Session]:
        """Oldest first (for exports): your own sessions, or with ``client`` that client's."""
        return list(self._select("WHERE client IS ? ORDER BY started, id", (client,)))

    def _select(self, tail: str, params: tuple) -> Iterator[Session]:
        try:
            have = {row[1] for row in self.db.execute("PRAGMA table_info(sessions)")}
            wanted = ", ".join(c if c in have else f"NULL AS {c}" for c in _COLUMNS)  # an older log
            rows = self.db.execute(f"SELECT * FROM (SELECT {wanted} FROM sessions) {tail}",
                                   params).fetchall()
        except sqlite3.Error as exc:
            later = " (it comes from a newer version of guided)" if self.newer else ""
            raise GuidedError(f"cannot read the session log {self.path}{later}: {exc}") from None
        for row in rows:
            yield Session(*row)


# --- on / off -------------------------------------------------------------------------


def logging_enabled() -> bool:
    return not (guided_home() / _OFF_FILE).exists()


def set_logging(enabled: bool) -> None:
    marker = guided_home() / _OFF_FILE
    if enabled:
        marker.unlink(missing_ok=True)
    else:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("Session logging is off. Turn it back on with: guided log on\n")




def _empty_log() -> sqlite3.Connection:
    """No log on disk yet: an empty one in memory, so reading needs no file."""
    db = sqlite3.connect(":memory:")
    migrate(db)
    return db


def _full_disk_hint(path: Path) -> str:
    """SQLite says "disk I/O error" when there is no room for its journal: name the cause."""
    import shutil

    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return ""
    return " (the disk is full: free some space and try again)" if free < 1024 * 1024 else ""
