"""Practice records a client sends back, and filing them under that client.

A record is a JSON file (docs/practice-record.md). Two kinds are read:

- the record a bundle page saves: an object with ``"format": "guided-practice-record"``,
  a ``version``, the client's name and the bundle's id, and its ``sessions``;
- a client's own ``guided log export --format json``: a plain list of the same rows
  (whose they are is then said with ``--client``).

Everything is checked before anything is written: a damaged, foreign or newer file, or
one wrong row, imports nothing and is named in one line. Each session is filed with the
client's name and its own key from the record (``source``), so importing the same record
again adds nothing, and a later record from the same page brings the sessions' newer
state (a rating given afterwards, more time listened) instead of copies.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from guided.errors import GuidedError, Pos
from guided.outcomes import OUTCOMES
from guided.script.hygiene import mended

FORMAT = "guided-practice-record"
VERSION = 1
MAX_BYTES = 16 * 1024 * 1024
MAX_SESSIONS = 50_000
MAX_TEXT = 10_000  # characters in a note or a reflection
MAX_NAME = 200  # characters in a name, a title, a key
MAX_SECONDS = 24 * 3600.0
SKEW = dt.timedelta(hours=1)  # a clock a little ahead is not a session "in the future"


class RecordError(GuidedError):
    """A record that cannot be imported; nothing from it was filed."""


@dataclass(frozen=True)
class Record:
    client: str  # "" when the file does not say
    bundle_id: str  # "" for a plain log export
    bundle_title: str
    sessions: list[dict]  # rows ready for SessionLog.insert_row, each with its "source"


@dataclass(frozen=True)
class Imported:
    client: str
    added: int
    updated: int
    unchanged: int


STDIN = "standard input"  # how a record piped in (``-``) is named in messages


def record_name(path: Path) -> str:
    """``path`` as messages name it: ``standard input`` for ``-``."""
    return STDIN if str(path) == "-" else str(path)


def read_record(path: Path) -> Record:
    """The record at ``path`` (``-``: standard input, with the same cap and checks),
    checked whole; a ``RecordError`` (one line) otherwise."""
    from guided.script.yamlfile import decode, read_bytes, read_stream

    shown = record_name(path)
    try:
        if shown == STDIN:
            data = read_stream(_stdin(), Pos(shown), max_bytes=MAX_BYTES, what="a practice record")
        else:
            data = read_bytes(path, Pos(shown), max_bytes=MAX_BYTES, what="a practice record")
        text = decode(data, shown).removeprefix("\ufeff")  # saved by Windows Notepad, say
    except GuidedError as exc:
        raise RecordError(str(exc)) from None
    if not text.strip():
        raise RecordError(f"{shown}: it is empty, and a practice record was expected (the file "
                          "a client saved from their bundle page)")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"this is not a practice record (the JSON is damaged: {exc.msg})",
                          Pos(shown, exc.lineno, exc.colno)) from None
    except RecursionError:
        raise RecordError(f"{shown}: this is not a practice record (it is nested far too "
                          "deeply)") from None
    except ValueError:  # Python's cap on digits: a whole number of over 4,300 of them
        raise RecordError(f"{shown}: this is not a practice record (it holds a number of "
                          "thousands of digits)") from None
    return parse_record(value, shown)


def _stdin() -> BinaryIO:
    """Standard input's bytes; a terminal there means nothing was piped in."""
    import sys

    if sys.stdin is None or sys.stdin.isatty():
        raise RecordError("`guided log import -` reads a practice record piped in, for example "
                          "`guided log import - < record.json`; nothing was piped in")
    return cast(BinaryIO, getattr(sys.stdin, "buffer", sys.stdin))


def parse_record(value: object, shown: str) -> Record:
    rows: object
    if isinstance(value, list):  # a client's own `guided log export --format json`
        rows, client, bundle_id, title = value, "", "", ""
    elif isinstance(value, dict):
        if value.get("format") != FORMAT:
            raise RecordError(f"{shown}: this is not a guided practice record (a record says "
                              f'"format": "{FORMAT}")')
        version = value.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RecordError(f"{shown}: the record's \"version\" should be a whole number")
        if version > VERSION:
            raise RecordError(f"{shown}: this record was made by a newer guided (format "
                              f"version {_short(version)}; this one reads version {VERSION}); "
                              "update guided to import it")
        client = _text(value.get("client"), "client", MAX_NAME, shown)
        bundle = value.get("bundle")
        if not isinstance(bundle, dict):
            raise RecordError(f"{shown}: the record's \"bundle\" should be an object with its id")
        bundle_id = _text(bundle.get("id"), "bundle id", MAX_NAME, shown)
        if not bundle_id:
            raise RecordError(f"{shown}: the record does not say which bundle it comes from")
        title = _text(bundle.get("title"), "bundle title", MAX_NAME, shown)
        rows = value.get("sessions")
        if not isinstance(rows, list):
            raise RecordError(f"{shown}: the record's \"sessions\" should be a list")
    else:
        raise RecordError(f"{shown}: this is not a practice record (it holds no sessions)")
    assert isinstance(rows, list)
    if len(rows) > MAX_SESSIONS:
        raise RecordError(f"{shown}: the record holds {len(rows)} sessions; "
                          f"at most {MAX_SESSIONS} are imported from one file")
    now = dt.datetime.now(dt.timezone.utc)
    sessions, seen = [], set()
    for n, row in enumerate(rows, 1):
        checked = _row(row, f"{shown}: session {n}", now)
        key = f"{bundle_id or 'log'}:{checked.pop('key')}:{checked['started']}"
        if key in seen:
            raise RecordError(f"{shown}: session {n} is there twice (the same id and start)")
        seen.add(key)
        checked["source"] = key
        sessions.append(checked)
    return Record(client.strip(), bundle_id, title, sessions)


def _text(value: object, name: str, limit: int, where: str, *, empty: str = "") -> str:
    if value is None:
        return empty
    if not isinstance(value, str):
        raise RecordError(f"{where}: its {name!r} should be text")
    if len(value) > limit:
        raise RecordError(f"{where}: its {name!r} is {len(value)} characters long; "
                          f"at most {limit} are kept")
    return value if value.isascii() else mended(value)


def _number(value: object, name: str, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not math.isfinite(value)):
        raise RecordError(f"{where}: its {name!r} should be a number")
    if not low <= value <= high:  # a whole number of 400 digits compares, never overflows
        raise RecordError(f"{where}: its {name!r} is {_short(value)}; it should be from "
                          f"{low:g} to {high:g}")
    return float(value)


def _short(value: object) -> str:
    """A number as the message shows it: 20 characters at most."""
    try:
        text = str(value)
    except ValueError:  # more digits than Python writes out
        return "a number far too large"
    return text if len(text) <= 20 else f"{text[:12]}… ({len(text.lstrip('-'))} digits)"


def _rating(value: object, name: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise RecordError(f"{where}: its {name!r} should be a whole number from 0 to 10")
    return value


def _moment(value: object, name: str, where: str, now: dt.datetime) -> str:
    text = _text(value, name, 64, where)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{where}: its {name!r} should be a date and time such as "
                          "2026-11-30T20:15:00+01:00") from None
    if moment.tzinfo is None:
        raise RecordError(f"{where}: its {name!r} should say its offset from UTC (+01:00, Z)")
    try:
        moment = moment.astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first day Python knows
        raise RecordError(f"{where}: its {name!r} ({text}) is too long ago to be a session") \
            from None
    if moment > now + SKEW:
        raise RecordError(f"{where}: its {name!r} ({text}) is in the future (was the clock "
                          "of the device it came from right?)")
    if moment.year < 2000:
        raise RecordError(f"{where}: its {name!r} ({text}) is too long ago to be a session")
    return moment.isoformat(timespec="seconds")


def _row(row: object, where: str, now: dt.datetime) -> dict:
    if not isinstance(row, dict):
        raise RecordError(f"{where} should be an object with the session's fields")
    key = row.get("id")
    if isinstance(key, bool) or not isinstance(key, (int, str)) or key == "":
        raise RecordError(f"{where}: its 'id' should be a number or text")
    if isinstance(key, str) and len(key) > MAX_NAME:
        raise RecordError(f"{where}: its 'id' is longer than {MAX_NAME} characters")
    script = _text(row.get("script"), "script", MAX_NAME, where)
    if not script.strip():
        raise RecordError(f"{where}: it does not say which practice it was ('script')")
    outcome = row.get("outcome")
    if outcome not in OUTCOMES:
        raise RecordError(f"{where}: its 'outcome' should be one of {', '.join(OUTCOMES)}")
    started = _moment(row.get("started"), "started", where, now)
    ended = row.get("ended")
    rate = row.get("rate")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int)
                             or not 0 < rate < 1000):
        raise RecordError(f"{where}: its 'rate' should be words per minute, a whole number")
    day = row.get("journey_day")
    if day is not None and (isinstance(day, bool) or not isinstance(day, int) or not 0 < day < 10000):
        raise RecordError(f"{where}: its 'journey_day' should be a whole number from 1")
    return {
        "key": str(key), "script": script, "started": started, "outcome": outcome,
        "title": _text(row.get("title"), "title", MAX_NAME, where) or script,
        "content_hash": _text(row.get("content_hash"), "content_hash", MAX_NAME, where),
        "voice": _text(row.get("voice"), "voice", MAX_NAME, where),
        "engine": _text(row.get("engine"), "engine", MAX_NAME, where),
        "rate": rate,
        "ended": None if ended is None else _moment(ended, "ended", where, now),
        "planned_seconds": _number(row.get("planned_seconds", 0), "planned_seconds", where,
                                   0, MAX_SECONDS),
        "listened_seconds": _number(row.get("listened_seconds", 0), "listened_seconds", where,
                                    0, MAX_SECONDS),
        "distress_before": _rating(row.get("distress_before"), "distress_before", where),
        "distress_after": _rating(row.get("distress_after"), "distress_after", where),
        "note": _text(row.get("note"), "note", MAX_TEXT, where),
        "reflection": _reflection(row.get("reflection"), where),
        "journey": _text(row.get("journey"), "journey", MAX_NAME, where) or None,
        "journey_day": day,
        "origin": _text(row.get("origin"), "origin", MAX_NAME, where) or None,
    }


def _reflection(value: object, where: str) -> str | None:
    """Stored as the log stores it: JSON text of ``{"question", "answer"}``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = {"question": "", "answer": value}
    if not isinstance(value, dict) or set(value) - {"question", "answer"}:
        raise RecordError(f"{where}: its 'reflection' should be the question and the answer")
    question = _text(value.get("question"), "reflection question", MAX_TEXT, where)
    answer = _text(value.get("answer"), "reflection answer", MAX_TEXT, where)
    return json.dumps({"question": question, "answer": answer}, ensure_ascii=False)


# ---------------------------------------------------------------------------- filing


def client_name(text: str, what: str = "--client") -> str:
    """A client's name as given: one line, no control characters, not empty."""
    from guided.script.hygiene import text_problem

    problem = text_problem(text, escapes_hint=False)
    if problem:
        raise GuidedError(f"{what}: {problem}")
    name = " ".join(text.split())
    if not name:
        raise GuidedError(f"{what}: give the client's name")
    if len(name) > MAX_NAME:
        raise GuidedError(f"{what}: a name of at most {MAX_NAME} characters, please")
    return name


def whose(db: sqlite3.Connection, record: Record, given: str | None, shown: str) -> str:
    """The client the record is filed under: ``--client`` if given, else the record's
    name, which must agree with the name the bundle was made for (when it was made here)."""
    if given is not None:
        return client_name(given)
    made_for = bundle_client(db, record.bundle_id) if record.bundle_id else None
    if not record.client:
        if made_for:
            return made_for
        raise RecordError(f"{shown}: the record does not say whose practice it is; "
                          "add --client NAME")
    name = client_name(record.client, f"{shown}: the client's name")
    if made_for is not None and made_for != name:
        raise RecordError(f"{shown}: the record says it is {name}'s, but its bundle was made "
                          f"for {made_for}; add --client NAME to say whose it is")
    return name


def import_record(db: sqlite3.Connection, record: Record, client: str) -> Imported:
    """File every session of ``record`` under ``client`` in one transaction: all or none,
    taking the write lock before it looks for sessions already here."""
    try:
        return _file_sessions(db, record, client)
    except sqlite3.OperationalError as exc:  # rolled back: nothing was filed
        why = str(exc)
        if "locked" in why or "busy" in why:
            raise GuidedError("the session log is busy (another guided is writing to it); "
                              "nothing was filed: import the record again in a moment") from None
        raise GuidedError(f"cannot file the record in the session log ({why}); nothing was "
                          "filed") from None


def _file_sessions(db: sqlite3.Connection, record: Record, client: str) -> Imported:
    from guided.practice.sessionlog import _COLUMNS

    names = [c for c in _COLUMNS if c != "id"]
    added = updated = unchanged = 0
    with db:
        if not db.in_transaction:  # the write lock first: two imports of one record at
            db.execute("BEGIN IMMEDIATE")  # once each saw a session missing, and one failed
        for row in record.sessions:
            values = {**row, "client": client}
            there = db.execute(f"SELECT {', '.join(names)} FROM sessions WHERE client = ? "
                               "AND source = ?", (client, row["source"])).fetchone()
            if there is None:
                db.execute(f"INSERT INTO sessions ({', '.join(names)}) VALUES "
                           f"({', '.join('?' * len(names))})", [values.get(c) for c in names])
                added += 1
            elif list(there) != [values.get(c) for c in names]:
                db.execute(f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in names)} "
                           "WHERE client = ? AND source = ?",
                           [*(values.get(c) for c in names), client, row["source"]])
                updated += 1
            else:
                unchanged += 1
    return Imported(client, added, updated, unchanged)


def remember_bundle(db: sqlite3.Connection, bundle_id: str, client: str, title: str) -> None:
    from guided.practice.days import now_utc_iso

    with db:
        db.execute("INSERT OR REPLACE INTO bundles (id, client, title, made) VALUES (?, ?, ?, ?)",
                   (bundle_id, client, title, now_utc_iso()))


def bundle_client(db: sqlite3.Connection, bundle_id: str) -> str | None:
    try:
        row = db.execute("SELECT client FROM bundles WHERE id = ?", (bundle_id,)).fetchone()
    except sqlite3.Error:  # a log from before bundles were remembered
        return None
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class ClientSummary:
    name: str
    sessions: int
    minutes: float
    last: str | None  # when the last practice started (UTC ISO)
    last_script: str


def clients(db: sqlite3.Connection) -> list[ClientSummary]:
    """Every client with imported sessions or a bundle made for them, by name."""
    have = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
    if "client" not in have:  # a log from before clients (read as it is, not migrated)
        return []
    rows = db.execute(
        "SELECT client, count(*), sum(listened_seconds), max(started) FROM sessions"
        " WHERE client IS NOT NULL GROUP BY client").fetchall()
    found = {name: ClientSummary(name, n, round((secs or 0) / 60, 1), last, "")
             for name, n, secs, last in rows}
    for name, last in found.items():
        script = db.execute("SELECT script FROM sessions WHERE client = ? AND started = ? "
                            "ORDER BY id DESC LIMIT 1", (name, last.last)).fetchone()
        found[name] = ClientSummary(name, last.sessions, last.minutes, last.last,
                                    script[0] if script else "")
    for (name,) in db.execute("SELECT DISTINCT client FROM bundles").fetchall():
        found.setdefault(name, ClientSummary(name, 0, 0.0, None, ""))
    return sorted(found.values(), key=lambda c: c.name.casefold())
