"""The session log as a practice uses it: it never stops a practice.

``guided play`` and ``guided journey`` write through ``PracticeLog``, which has the
writing half of ``SessionLog``'s interface (``start``, ``progress``, ``finish``,
``rate_after``, ``has_ratings``, ``close``) and never raises:

- The log is busy (another process holds its write lock): each write waits only
  briefly (``PLAY_WAIT``, so the audio never stops), the row is kept in memory, and
  the next write sends it. At the end (``close``) it waits a little longer
  (``CLOSE_WAIT``); if the log is still busy the row goes to the side file
  ``sessions-pending.jsonl`` beside the log, which the next opening of the log adds in.
- A Ctrl-C or SIGTERM waits for the write under way (``guided.interrupts``), so a row
  is never written twice nor left behind.
- The log is read-only, damaged, or from a newer version of guided: one calm warning
  line, the practice plays, and the row goes to the side file (a newer log is never
  written to; a later guided adds the side file in once it can).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guided.errors import GuidedError
from guided.interrupts import held
from guided.practice import sessionlog
from guided.script.hygiene import mended

START_WAIT = 1.0  # seconds: opening the log before the practice
PLAY_WAIT = 0.05  # seconds: a write while the sound plays
CLOSE_WAIT = 2.0  # seconds: the last write, after the sound has ended

Warn = Callable[[str], None]


class PracticeLog:
    """The rows of one practice run, written to the session log when it can be."""

    def __init__(self, path: Path | None = None, warn: Warn | None = None):
        self.path = path or sessionlog.db_path()
        self._warn = warn or (lambda _m: None)
        self._db: sessionlog.SessionLog | None = None
        self._rows: dict[int, dict[str, Any]] = {}  # local id -> the row's columns
        self._saved: dict[int, int] = {}  # local id -> its id in the log
        self._dirty: set[int] = set()
        self._key = f"{os.getpid()}-{os.urandom(4).hex()}"
        self._side_only = False  # read-only, damaged or newer: rows go to the side file
        try:
            self._open(START_WAIT)
        except GuidedError as exc:
            if not _busy(exc):  # busy: try again at the first write
                self._give_up(f"{exc.message}; this session is kept beside it, in "
                              f"{self.side_file.name}")

    @property
    def side_file(self) -> Path:
        return sessionlog.pending_path(self.path)

    # the SessionLog interface the player and the commands use

    def start(self, row: sessionlog.SessionStart) -> int:
        columns = _mended(dataclasses.asdict(row))
        local = len(self._rows) + 1
        columns.setdefault("started", sessionlog.now_iso())
        self._rows[local] = {"listened_seconds": 0.0, "outcome": sessionlog.INTERRUPTED, **columns}
        self._dirty.add(local)
        self._flush(PLAY_WAIT)
        return local

    def progress(self, session_id: int, listened_seconds: float,
                 planned_seconds: float | None = None) -> None:
        self._update(session_id, PLAY_WAIT, listened_seconds=round(listened_seconds, 2),
                     ended=sessionlog.now_iso(), planned_seconds=planned_seconds)

    def finish(self, session_id: int, outcome: str, listened_seconds: float,
               planned_seconds: float | None = None) -> None:
        if outcome not in sessionlog.OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self._update(session_id, PLAY_WAIT, outcome=outcome, ended=sessionlog.now_iso(),
                     listened_seconds=round(listened_seconds, 2), planned_seconds=planned_seconds)

    def rate_after(self, session_id: int, distress_after: int | None = None,
                   note: str | None = None, reflection: object | None = None) -> None:
        changes: dict[str, Any] = {"distress_after": distress_after, "note": note or None}
        if reflection is not None:
            changes["reflection"] = json.dumps(reflection, ensure_ascii=False)
        self._update(session_id, PLAY_WAIT, **changes)

    def log_id(self, session_id: int) -> int | None:
        """The row's id in the session log (what `guided log show` takes), once it is
        there: what waits is written first, briefly. None while the row still waits
        (the log is busy, read-only or damaged, so it will go to the side file)."""
        self._flush(CLOSE_WAIT)
        return self._saved.get(session_id)

    def has_ratings(self) -> bool:
        if self._db is None:
            return False
        try:
            return self._db.has_ratings()
        except sqlite3.Error:
            return False

    def close(self) -> None:
        with held():  # a Ctrl-C now waits until the rows are saved
            self._flush(CLOSE_WAIT)
            if self._dirty:
                self._to_side_file()
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.close()

    def __enter__(self) -> PracticeLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # inside

    def _update(self, local: int, wait: float, **changes: Any) -> None:
        row = self._rows.get(local)
        if row is None:
            return
        row.update({k: v for k, v in _mended(changes).items() if v is not None})
        self._dirty.add(local)
        self._flush(wait)

    def _flush(self, wait: float) -> None:
        if self._side_only or not self._dirty:
            return
        with held():  # a row written is a row noted as written: never inserted twice
            self._write(wait)

    def _write(self, wait: float) -> None:
        try:
            if self._db is None:
                self._open(wait)
            if self._side_only or self._db is None:
                return
            self._db.busy_wait(wait)
            for local in sorted(self._dirty):
                row = self._rows[local]
                if local in self._saved:
                    self._db.update_row(self._saved[local], row)
                else:
                    self._saved[local] = self._db.insert_row(row)
                self._dirty.discard(local)
        except (sqlite3.Error, GuidedError) as exc:
            if not _busy(exc):
                self._give_up(f"the session log {self.path} could not be written "
                              f"({_reason(exc)}); this session is kept beside it, in "
                              f"{self.side_file.name}")

    def _open(self, wait: float) -> None:
        self._db = db = sessionlog.SessionLog(self.path, timeout=wait)
        kept = f"this session is kept beside it, in {self.side_file.name}"
        if db.pending_note:
            self._warn(db.pending_note)
        if db.newer:
            self._give_up(f"the session log {self.path} comes from a newer version of guided, "
                          f"so this one does not write to it; {kept}")
        elif db.read_only:
            self._give_up(f"the session log {self.path} cannot be written to (it is read-only); "
                          f"{kept}")

    def _give_up(self, message: str) -> None:
        """Stop trying the log for this run: one warning line."""
        if not self._side_only:
            self._side_only = True
            self._warn(f"guided: {message}. The practice goes on.")

    def _to_side_file(self) -> None:
        # a row already in the log carries its id, so it is updated there, not added twice
        lines = "".join(json.dumps({"key": f"{self._key}-{local}", **self._rows[local],
                                    "id": self._saved.get(local)},
                                   ensure_ascii=False) + "\n" for local in sorted(self._dirty))
        made = False  # the side file was made by this run (a file left empty is removed)
        try:
            self.side_file.parent.mkdir(parents=True, exist_ok=True)
            made = not self.side_file.exists()
            fd = os.open(self.side_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT
                         | getattr(os, "O_NONBLOCK", 0)  # a named pipe there: never wait
                         | getattr(os, "O_NOFOLLOW", 0),  # no O_NOFOLLOW on Windows
                         0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(lines)
        except OSError as exc:
            why = exc.strerror or str(exc)
            if made:
                with contextlib.suppress(OSError):
                    if self.side_file.stat().st_size == 0:
                        self.side_file.unlink()
            if self._side_only:  # the first line said it would wait there: correct that
                self._warn(f"guided: {self.side_file.name} could not be written either ({why}), "
                           "so this session is not saved; your practice itself was not affected.")
            else:
                self._warn(f"guided: this session could not be saved ({why}); "
                           "your practice itself was not affected.")
            return
        if not self._side_only:
            self._warn(f"guided: the session log was busy, so this session waits in "
                       f"{self.side_file.name} and is added to the log next time.")
        self._dirty.clear()


def open_for_practice(warn: Warn | None = None) -> PracticeLog:
    return PracticeLog(warn=warn)


def _mended(columns: dict[str, Any]) -> dict[str, Any]:
    """Text as it can be stored: a note typed at a terminal that is not UTF-8 keeps its
    words, its stray bytes become U+FFFD (never an error after the practice)."""
    return {key: mended(value) if isinstance(value, str) else value
            for key, value in columns.items()}


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _reason(exc: BaseException) -> str:
    return exc.message if isinstance(exc, GuidedError) else str(exc)
