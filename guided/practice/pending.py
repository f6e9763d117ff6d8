"""``sessions-pending.jsonl``: sessions a practice could not write to the log at the
time (it was busy, read-only, or from a newer guided), one JSON row a line, added to
the log the next time it is opened to write.

The file is read through the kept-file door (``guided.doors.keptfile``): a link, a
named pipe, a device or a file far bigger than guided writes there is left as it is,
never waited on, and named in one line. A line that cannot be read (not JSON, nested
absurdly deep, a value SQLite cannot hold) is kept in the file as it was and named in
one line; the good rows around it are added.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from guided.doors.keptfile import Damaged, json_lines, parse_json, read_kept_text
from guided.errors import GuidedError

NAME = "sessions-pending.jsonl"
MAX_BYTES = 16 * 1024 * 1024  # a few hundred bytes a session
ADVICE = "move it out of the guided folder; new sessions are then kept as usual"
# SQLite refused this row itself (a number too big for it, a value of the wrong kind)
ROW_ERRORS = (OverflowError, TypeError, ValueError, sqlite3.InterfaceError,
              sqlite3.ProgrammingError, sqlite3.IntegrityError, sqlite3.DataError)


@dataclass
class Waiting:
    """What the side file holds: its rows by key (the last snapshot of a row wins), the
    lines that cannot be read (kept as they are), and one line about them."""

    rows: dict[str, dict] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)  # the raw lines, as written
    note: str | None = None


def parse(text: str, name: str = NAME) -> Waiting:
    found = Waiting()
    raw = text.splitlines()
    problems: list[str] = []
    for number, value in json_lines(text):
        if isinstance(value, ValueError):
            problems.append(f"line {number} ({value})")
            found.bad.append(raw[number - 1])
        elif isinstance(value, dict) and value.get("script") and value.get("started"):
            why = implausible(value)
            if why:
                problems.append(f"line {number} ({why})")
                found.bad.append(raw[number - 1])
            else:
                found.rows[str(value.get("key"))] = value
        else:
            problems.append(f"line {number} (not a session as guided writes one)")
            found.bad.append(raw[number - 1])
    found.note = _note(name, problems)
    return found


def implausible(row: dict) -> str | None:
    """Why ``row`` is not a session guided could have written (None when it could be): a
    moment that is not a date and time Python can place in any zone, or a length that is
    not a finite number of seconds. Such a row would stop every ``guided log`` command
    once added, so it stays in the side file."""
    for name in ("started", "ended"):
        value = row.get(name)
        if value is None and name == "ended":
            continue
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
            if moment is not None:  # a day either way, for any local zone
                moment = moment.replace(tzinfo=moment.tzinfo or dt.timezone.utc)
                for shift in (-2, 2):
                    (moment + dt.timedelta(days=shift)).astimezone(dt.timezone.utc)
        except (ValueError, OverflowError):
            moment = None
        if moment is None:
            return f"its {name} is not a date and time guided writes"
    reflection = row.get("reflection")
    if reflection is not None and not isinstance(reflection, str):
        return "its reflection is not text"
    try:
        if reflection:
            parse_json(reflection)
    except ValueError as exc:
        if "nests" in str(exc):  # plain words are fine; JSON nested absurdly deep is not
            return f"its reflection {exc}"
    for name in ("planned_seconds", "listened_seconds"):
        value = row.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not 0 <= value < 1e9:  # also refuses NaN and infinities
            return f"its {name} is not a length in seconds"
    return None


def _note(name: str, problems: list[str]) -> str | None:
    if not problems:
        return None
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return (f"guided: {name} has a line that cannot be added to the log: {problems[0]}{more}; "
            "it is kept there as it is (remove the line to let it go)")


def read(side: Path) -> Waiting:
    """The side file as it is, read only (empty when there is none)."""
    try:
        text = read_kept_text(side, advice=ADVICE, max_bytes=MAX_BYTES)
    except Damaged as exc:
        return Waiting(note=f"guided: {exc.message}")
    return Waiting() if text is None else parse(text, side.name)


def merge(side: Path, add: Callable[[dict], None]) -> str | None:
    """Add the side file's rows to the log with ``add``, then remove what was added. One
    process takes the file (renamed to ``NAME.<pid>``) so each line is added once; a row
    SQLite refuses and a line that cannot be read go back into the file; when the log
    fails (busy, full) the rows not added yet go back. Returns one line to show, if any."""
    _adopt_orphans(side)
    try:
        if not stat.S_ISREG(os.lstat(side).st_mode):
            return read(side).note  # a link, pipe or device: left where it is, named
    except OSError:
        return None
    taken = side.with_name(f"{side.name}.{os.getpid()}")
    try:
        os.replace(side, taken)  # one process merges each line, once
    except OSError:
        return None
    try:
        text = read_kept_text(taken, advice=ADVICE, max_bytes=MAX_BYTES) or ""
    except Damaged as exc:
        if not os.path.lexists(side):  # as it was; else kept under its own name, never lost
            with contextlib.suppress(OSError):
                os.replace(taken, side)
        return f"guided: {exc.message}".replace(taken.name, side.name)
    waiting = parse(text, side.name)
    rows, refused = dict(waiting.rows), []
    try:
        for key, row in list(rows.items()):
            try:
                add(row)
            except ROW_ERRORS as exc:
                refused.append((row, str(exc)))
            del rows[key]  # in the log now (or refused, and kept below): never added twice
    except (sqlite3.Error, GuidedError):
        pass
    untouched = len(rows) == len(waiting.rows) and not refused
    left = None if untouched else "".join(
        [line + "\n" for line in waiting.bad]
        + [json.dumps(row, ensure_ascii=False) + "\n" for row, _ in refused]
        + [json.dumps(row, ensure_ascii=False) + "\n" for row in rows.values()])
    if untouched and not waiting.bad and not rows:
        taken.unlink(missing_ok=True)
        return None
    _put_back(taken, side, left, text)
    if refused:
        return (f"guided: {side.name} has a session the log cannot hold ({refused[0][1]}); it is "
                "kept there as it is (remove the line to let it go)")
    return waiting.note


def waiting(side: Path) -> bool:
    """Whether sessions may wait to be added: the side file, or one a killed merge left."""
    return side.is_file() or bool(_orphans(side))


def _orphans(side: Path) -> list[Path]:
    """Side files taken by a merge whose process is gone (``NAME.<pid>``)."""
    from guided.portable import pid_alive

    try:
        taken = [p for p in side.parent.iterdir() if p.name.startswith(side.name + ".")]
    except OSError:
        return []
    return [p for p in taken if (pid := p.name[len(side.name) + 1:]).isdigit()
            and int(pid) != os.getpid() and not pid_alive(int(pid))]


def _adopt_orphans(side: Path) -> None:
    """A merge killed after it took the side file (``NAME.<pid>``, that process gone) left
    its rows under a name nothing else reads: they go back into the side file, to be
    merged now (a row already added is found again by its script and start, and
    updated, never added twice)."""
    for orphan in _orphans(side):
        try:
            text = read_kept_text(orphan, advice=ADVICE, max_bytes=MAX_BYTES)
        except Damaged:
            continue  # not a file a merge left: not ours to move
        if text is None:
            continue
        try:
            if text.strip():
                _append(side, text if text.endswith("\n") else text + "\n")
            orphan.unlink()
        except OSError:
            return


def _append(side: Path, text: str) -> None:
    fd = os.open(side, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(text)


def _put_back(taken: Path, side: Path, left: str | None, text: str) -> None:
    """The lines not added go back into the side file (``left``; None: the file as it was
    taken, whose text was ``text``), so nothing waits under a name nothing reads."""
    try:
        if left is None:
            if not os.path.lexists(side):
                os.replace(taken, side)  # needs no room on the disk
                return
            left = text
        if left:
            _append(side, left)
    except OSError:
        if left is None and not os.path.lexists(side):
            with contextlib.suppress(OSError):
                os.replace(taken, side)
        return  # otherwise kept as it was taken, rather than lost or added twice
    taken.unlink(missing_ok=True)
