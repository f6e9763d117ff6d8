"""Faults: the session log never stops a practice (guided/practice/practicelog.py).

Each case is a real ``guided play`` into a virtual audio device while the log is
locked by another process, read-only, damaged or from a newer version: the whole
practice is heard, one calm line is printed at most, nothing in the log is destroyed,
and the row reaches the log once it can.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guided.practice.sessionlog import SessionStart
from tests.audio_devices import alsa_file_sink, pulse_null_sink  # noqa: F401 - fixtures

PRACTICE = "title: Short\nsteps:\n  - say: Hello.\n  - pause: 1s\n  - say: Goodbye.\n"
LONGER = ("title: Longer\nsteps:\n  - section: One\n  - say: One.\n  - pause: 3s\n"
          "  - section: Two\n  - say: Two.\n  - pause: 3s\n  - say: Three.\n  - pause: 1s\n")


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(PRACTICE)
    return path


def _expected_pcm_bytes(path: Path) -> int:
    from guided.audio.device import to_pcm16
    from guided.audio.render import render
    from guided.paths import cache_dir
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.speech.choice import VoiceChoice

    # the engine `guided play` speaks with here (GUIDED_ENGINE, set by conftest)
    with prepare(str(path), Chosen(cache_dir(), voice=VoiceChoice(engine="pyttsx3"))) as prep:
        return sum(len(to_pcm16(b).tobytes())
                   for b in render(prep.timeline.events, prep.speaker, ambience=prep.script.ambience))


def _play(path: Path, sink, *, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guided", "play", str(path), "--no-prompt",
                           "--device", sink.device], env=sink.merged(), capture_output=True,
                          text=True, timeout=timeout)


def _log_rows() -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "guided", "log", "--json", "-n", "100"],
                         capture_output=True, text=True, env=dict(os.environ), check=True)
    return json.loads(out.stdout)


def _make_log(home: Path) -> Path:
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as log:
        log.finish(log.start(SessionStart(script="earlier", title="Earlier")), "completed", 60.0)
    return home / "sessions.db"


@contextlib.contextmanager
def _write_lock(db: Path):
    """Another process's write lock on the log, held until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    try:
        yield
    finally:
        holder.stdin.close()
        holder.wait(10)


@contextlib.contextmanager
def _read_only(path: Path):
    """A log this process cannot write: immutable for root (chmod does not stop root),
    read-only permissions for anyone else."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_lock_held_at_start_does_not_stop_the_practice(practice, isolated_home,
                                                         alsa_file_sink):  # noqa: F811
    # The case: a write lock held by another process at start gave "internal error"
    # after 10 s and no row.
    db = _make_log(isolated_home)
    expected = _expected_pcm_bytes(practice)
    with _write_lock(db):
        started = time.monotonic()
        result = _play(practice, alsa_file_sink)
        took = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        assert alsa_file_sink.output.stat().st_size == expected  # every sample was heard
        assert took < 10, took  # a brief wait, not sqlite's 10 s
        assert result.stderr.count("\n") == 1 and "busy" in result.stderr, result.stderr
        assert (isolated_home / "sessions-pending.jsonl").is_file()
    rows = _log_rows()  # the next opening of the log adds the waiting row
    assert [r["script"] for r in rows] == ["short", "earlier"]
    assert rows[0]["outcome"] == "completed" and rows[0]["listened_seconds"] > 1
    assert not (isolated_home / "sessions-pending.jsonl").exists()


def test_a_lock_taken_mid_play_does_not_stop_the_audio(tmp_path, isolated_home,
                                                       pulse_null_sink):  # noqa: F811
    from guided.practice.sessionlog import SessionLog

    path = tmp_path / "longer.yaml"
    path.write_text(LONGER)
    db = _make_log(isolated_home)
    proc = subprocess.Popen([sys.executable, "-m", "guided", "play", str(path), "--no-prompt",
                             "--device", "pulse"], env=pulse_null_sink.merged(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:  # the row appears at the first sound
        with SessionLog() as log:
            rows = log.recent(None)
        if len(rows) == 2:
            planned = rows[0].planned_seconds
            break
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    started = time.monotonic()
    with _write_lock(db):
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - started
    assert proc.returncode == 0, err
    assert took < planned + 3.5, (took, planned)  # it played on in real time
    assert "Traceback" not in err and err.count("\n") == 1 and "busy" in err
    rows = _log_rows()
    assert [r["script"] for r in rows] == ["longer", "earlier"]  # the row is finished, not doubled
    row = rows[0]
    assert row["outcome"] == "completed"
    assert row["listened_seconds"] >= planned - 1.0  # heard to the end, as without a lock


def test_a_read_only_log_plays_and_keeps_the_row(practice, isolated_home,
                                                 alsa_file_sink):  # noqa: F811
    db = _make_log(isolated_home)
    before = _digest(db)
    expected = _expected_pcm_bytes(practice)
    with _read_only(db):
        result = _play(practice, alsa_file_sink)
        assert result.returncode == 0, result.stderr
        assert alsa_file_sink.output.stat().st_size == expected
        assert result.stderr.count("\n") == 1 and "read-only" in result.stderr
        assert _digest(db) == before
        assert [r["script"] for r in _log_rows()] == ["earlier"]  # it can still be read
    assert [r["script"] for r in _log_rows()] == ["short", "earlier"]  # added once writable


def test_a_damaged_log_plays_and_is_left_as_it_is(practice, isolated_home,
                                                  alsa_file_sink):  # noqa: F811
    db = isolated_home / "sessions.db"
    db.write_bytes(b"this is not a database, but it is someone's file\n" * 50)
    before = _digest(db)
    result = _play(practice, alsa_file_sink)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "not a database" in result.stderr
    assert _digest(db) == before
    side = [json.loads(line) for line in
            (isolated_home / "sessions-pending.jsonl").read_text().splitlines()]
    assert [r["script"] for r in side] == ["short"] and side[0]["outcome"] == "completed"
    shown = subprocess.run([sys.executable, "-m", "guided", "log"], capture_output=True, text=True)
    assert shown.returncode == 1 and shown.stderr.count("\n") == 1
    assert "Traceback" not in shown.stderr


def test_a_newer_log_is_never_written(practice, isolated_home, alsa_file_sink):  # noqa: F811
    db = isolated_home / "sessions.db"
    with sqlite3.connect(db) as c:  # a log a later version made (rollback journal, version 99)
        c.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, script TEXT NOT NULL, "
                  "title TEXT NOT NULL, started TEXT NOT NULL, future_column TEXT)")
        c.execute("INSERT INTO sessions (script, title, started) VALUES ('x', 'X', '2026-01-01')")
        c.execute("PRAGMA user_version = 99")
    c.close()
    before = _digest(db)
    result = _play(practice, alsa_file_sink)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "newer version" in result.stderr
    result = _play(practice, alsa_file_sink)  # and again: still only read
    assert result.returncode == 0
    assert _digest(db) == before
    assert sorted(p.name for p in isolated_home.iterdir()) == ["sessions-pending.jsonl",
                                                               "sessions.db"]
    assert len((isolated_home / "sessions-pending.jsonl").read_text().splitlines()) == 2


def test_when_the_side_file_cannot_be_written_either_the_lines_agree(isolated_home):
    """A log that is not written to, and no room beside it either: the first line said the
    session would wait beside the log, so the last one corrects that plainly (a tester
    found the two lines contradicting each other)."""
    from guided.practice.practicelog import PracticeLog

    db = isolated_home / "sessions.db"
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA user_version = 99")  # from a newer guided: never written
    (isolated_home / "sessions-pending.jsonl").mkdir()  # and the side file cannot be made
    said: list[str] = []
    log = PracticeLog(warn=said.append)
    sid = log.start(SessionStart(script="short", title="Short", planned_seconds=2.0))
    log.finish(sid, "completed", 2.0, 2.0)
    log.close()
    assert len(said) == 2, said
    assert "newer version" in said[0] and "kept beside it, in sessions-pending.jsonl" in said[0]
    assert said[1].startswith("guided: sessions-pending.jsonl could not be written either (")
    assert "so this session is not saved; your practice itself was not affected." in said[1]


def test_a_full_disk_is_named_as_such(isolated_home, monkeypatch, cli):
    """SQLite reports a full disk as "disk I/O error" when it has no room for its journal."""
    import shutil

    from guided.practice import sessionlog

    def no_room(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sessionlog.sqlite3, "connect", no_room)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 0))
    result = cli("log")
    assert result.returncode == 1
    assert result.stderr.endswith("disk I/O error (the disk is full: free some space and try again)\n")
    assert result.stderr.count("\n") == 1
