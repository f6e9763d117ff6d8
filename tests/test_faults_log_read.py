"""Faults: the session log can be read when it cannot be written (a full disk, a
read-only or immutable folder) and while another process holds its write lock; the
commands that only read never wait, and say when sessions still wait beside the log."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import struct
import time
from pathlib import Path

import pytest

from guided.practice.sessionlog import SessionLog, SessionStart

FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IMMUTABLE_FL = 0x80086601, 0x40086602, 0x10
WAITING = ('{"key": "k-1", "script": "waiting", "title": "Waiting", '
           '"started": "2026-11-30T10:00:00Z", "outcome": "completed", "listened_seconds": 30}\n')


def _make_log(home: Path) -> Path:
    with SessionLog() as log:
        log.finish(log.start(SessionStart(script="earlier", title="Earlier")), "completed", 60.0)
    assert not list(home.glob("sessions.db-*"))  # its WAL files go on close
    return home / "sessions.db"


def _immutable(path: Path, on: bool) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        flags = struct.unpack("i", fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 4))[0]
        flags = flags | FS_IMMUTABLE_FL if on else flags & ~FS_IMMUTABLE_FL
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", flags))
    finally:
        os.close(fd)


@contextlib.contextmanager
def _unwritable(folder: Path):
    """Nothing can be written or made in the folder: immutable for root (chmod does not
    stop root), read-only permissions for anyone else."""
    paths = [*folder.iterdir(), folder]
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)
        return
    try:
        _immutable(folder, True)
    except OSError as exc:
        pytest.skip(f"this file system cannot make a folder immutable ({exc.strerror})")
    try:
        for path in paths[:-1]:
            _immutable(path, True)
        yield
    finally:
        for path in paths:
            _immutable(path, False)


def test_a_log_in_a_folder_that_cannot_be_written_is_still_read(cli, isolated_home, tmp_path):
    """A tester found `guided log`, `journey status` and `log export` failing with "unable
    to open database file" (WAL mode needs its -shm file; the open also wrote)."""
    assert cli("journey", "start", "six-weeks").returncode == 0
    db = _make_log(isolated_home)
    (isolated_home / "sessions-pending.jsonl").write_text(WAITING)
    before = sorted(p.name for p in isolated_home.iterdir())
    out = tmp_path / "out" / "log.json"
    out.parent.mkdir()
    with _unwritable(isolated_home):
        with pytest.raises(OSError):
            (isolated_home / "probe").write_text("")
        shown = cli("log")
        assert shown.returncode == 0, shown.stderr
        assert "earlier" in shown.stdout
        waiting = ("guided: 1 session waits beside the log, in sessions-pending.jsonl, "
                   "and is not included here yet.\n")
        assert shown.stderr == waiting
        exported = cli("log", "export", "-o", str(out))
        assert exported.returncode == 0, exported.stderr
        assert exported.stderr == waiting + f"Wrote 1 session to {out}\n"
        assert [r["script"] for r in json.loads(out.read_text())] == ["earlier"]
        assert cli("log", "show", "1").stdout.startswith("Session 1: Earlier (earlier)")
        assert "Sessions: 1, 1:00 listened in all." in cli("log", "stats").stdout
        status = cli("journey", "status")
        assert status.returncode == 0, status.stderr
        assert "Days practised: 0 of 1 so far." in status.stdout
    assert sorted(p.name for p in isolated_home.iterdir()) == before  # nothing made
    assert db.is_file()


def test_reading_needs_no_room_on_the_disk(cli, isolated_home, monkeypatch):
    """A full disk: opening to write fails ("disk I/O error"), reading still works."""
    _make_log(isolated_home)
    real = sqlite3.connect

    def full_disk(target, *args, **kwargs):
        if not kwargs.get("uri"):  # an open to write (a read opens a file: URI, mode=ro)
            raise sqlite3.OperationalError("disk I/O error")
        return real(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", full_disk)
    shown = cli("log", "--json")
    assert shown.returncode == 0, shown.stderr
    assert [r["script"] for r in json.loads(shown.stdout)] == ["earlier"]


def test_no_log_yet_is_read_without_making_one(cli, isolated_home):
    assert cli("log").stdout == "No sessions yet. When you play a practice, it will appear here.\n"
    assert cli("log", "export").stdout.startswith("id,script,title,")
    assert list(isolated_home.iterdir()) == []


def test_reading_does_not_wait_for_a_writer_and_names_waiting_sessions(cli, isolated_home,
                                                                       tmp_path):
    """Another process holds the write lock and a session waits in the side file: export
    waited 10 s and said "Wrote 1 session" with no word about the one left out."""
    db = _make_log(isolated_home)
    (isolated_home / "sessions-pending.jsonl").write_text(WAITING)
    holder = sqlite3.connect(db, isolation_level=None)  # a lock is per connection in SQLite
    holder.execute("BEGIN EXCLUSIVE")
    out = tmp_path / "log.csv"
    try:
        started = time.monotonic()
        exported = cli("log", "export", "-o", str(out))
        assert time.monotonic() - started < 3
        assert exported.returncode == 0, exported.stderr
        assert exported.stderr == ("guided: 1 session waits beside the log, in "
                                   "sessions-pending.jsonl, and is not included here yet.\n"
                                   f"Wrote 1 session to {out}\n")
        assert (isolated_home / "sessions-pending.jsonl").read_text() == WAITING  # kept whole
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    shown = cli("log", "--json")  # the log is free: the waiting session is added
    assert shown.stderr == ""
    assert [r["script"] for r in json.loads(shown.stdout)] == ["earlier", "waiting"]
    assert not (isolated_home / "sessions-pending.jsonl").exists()


def test_a_side_file_that_could_not_be_written_is_not_left_empty(isolated_home, monkeypatch):
    """A full disk while playing: the side file was made, then nothing fitted in it."""
    from guided.practice.practicelog import PracticeLog

    db = isolated_home / "sessions.db"
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA user_version = 99")  # from a newer guided: never written
    real_fdopen = os.fdopen

    def no_room(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        fh.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    said: list[str] = []
    log = PracticeLog(warn=said.append)
    sid = log.start(SessionStart(script="short", title="Short", planned_seconds=2.0))
    log.finish(sid, "completed", 2.0, 2.0)
    monkeypatch.setattr(os, "fdopen", no_room)
    log.close()
    assert said[1].startswith("guided: sessions-pending.jsonl could not be written either "
                              "(No space left on device)")
    assert sorted(p.name for p in isolated_home.iterdir()) == ["sessions.db"]


def test_waiting_rows_that_cannot_be_added_or_rewritten_are_kept(isolated_home, monkeypatch):
    """The log is locked while the side file is merged, and the disk is full: the rows
    were taken out of the side file and then lost when they could not be written back."""
    db = _make_log(isolated_home)
    side = isolated_home / "sessions-pending.jsonl"
    side.write_text(WAITING)
    real_open = Path.open

    def full_disk(self, mode="r", *args, **kwargs):
        if self.name.startswith("sessions-pending") and "a" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        SessionLog(timeout=0.0).close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert side.read_text() == WAITING
    assert sorted(p.name for p in isolated_home.iterdir()) == ["sessions-pending.jsonl",
                                                               "sessions.db"]


def test_a_merge_cut_short_never_adds_a_session_twice(isolated_home, monkeypatch):
    """The log fills up (or is locked) after the first waiting row went in: only the rows
    not added go back to the side file, so the next merge does not add the first again."""
    _make_log(isolated_home)
    side = isolated_home / "sessions-pending.jsonl"
    second = WAITING.replace("k-1", "k-2").replace('"waiting"', '"second"')
    side.write_text(WAITING + second)
    real_insert = SessionLog.insert_row

    def room_for_one(self, row):
        if row["script"] == "second":
            raise sqlite3.OperationalError("database or disk is full")
        return real_insert(self, row)

    with monkeypatch.context() as m:
        m.setattr(SessionLog, "insert_row", room_for_one)
        SessionLog().close()
    assert [json.loads(line)["script"] for line in side.read_text().splitlines()] == ["second"]
    with SessionLog() as log:
        assert sorted(s.script for s in log.all()) == ["earlier", "second", "waiting"]
    assert not side.exists()
