"""Faults: hostile or broken practice records given to `guided log import`.

Each is one line on stderr, a non-zero exit, and nothing filed: the log is exactly as
it was before.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_records import record, session, write


def filed(cli) -> list:
    return json.loads(cli("clients", "--json").stdout)


def refused(cli, path: Path, *more: str) -> str:
    result = cli("log", "import", str(path), *more)
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert filed(cli) == []
    return result.stderr


def test_damaged_json_names_its_line_and_column(cli, tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"format": "guided-practice-record",\n  "version": 1,\n  "sessions": [,]}')
    assert refused(cli, path).startswith(f"{path}:3:16: error: this is not a practice record")


@pytest.mark.parametrize(("value", "says"), [
    ({"hello": "world"}, "not a guided practice record"),
    ("just text", "not a practice record"),
    (42, "not a practice record"),
    ({**record(session()), "version": 2}, "made by a newer guided (format version 2"),
    ({**record(session()), "version": "1"}, '"version" should be a whole number'),
    ({**record(session()), "sessions": {"a": 1}}, '"sessions" should be a list'),
    ({**record(session()), "bundle": "b"}, '"bundle" should be an object'),
    (record(session(), bundle=""), "does not say which bundle"),
    (record(session(), client=["Sam"]), "'client' should be text"),
    (record(session(), session()), "session 2 is there twice"),
    (record(session(key=True)), "'id' should be a number or text"),
    (record(session(distress_before=11)), "'distress_before' should be a whole number from 0 to 10"),
    (record(session(distress_after=3.5)), "'distress_after' should be a whole number"),
    (record(session(distress_after="4")), "'distress_after' should be a whole number"),
    (record(session(listened_seconds=-1)), "'listened_seconds' is -1"),
    (record(session(listened_seconds=1e308 * 10)), "'listened_seconds' should be a number"),
    (record(session(outcome="hacked")), "'outcome' should be one of"),
    (record(session(script="")), "does not say which practice"),
    (record(session(started="yesterday")), "'started' should be a date and time"),
    (record(session(started="2026-12-01T20:00:00")), "should say its offset from UTC"),
    (record(session(started="2999-01-01T00:00:00Z")), "is in the future"),
    (record(session(ended="2999-01-01T00:00:00Z")), "is in the future"),
    (record(session(note="x" * 10_001)), "'note' is 10001 characters long"),
    (record(session(reflection={"answer": {"deep": [1]}})), "'reflection answer' should be text"),
    (record(session(reflection={"evil": "x"})), "'reflection' should be the question and the answer"),
    (record(session(), "not a session"), "session 2 should be an object"),
    (record(session(journey_day=-3)), "'journey_day' should be a whole number from 1"),
])
def test_a_wrong_record_is_one_line_and_files_nothing(cli, tmp_path, value, says):
    path = write(tmp_path / "r.json", value)
    assert says in refused(cli, path)


def test_one_bad_session_among_good_ones_files_none(cli, tmp_path):
    good = [session(f"p{n}", started=f"2026-11-{n:02d}T20:00:00Z") for n in range(1, 20)]
    path = write(tmp_path / "r.json", record(*good, session("bad", outcome=None)))
    assert "session 20" in refused(cli, path)


def test_deeply_nested_and_huge_records(cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    assert "nested far too deeply" in refused(cli, deep)
    huge = tmp_path / "huge.json"
    with huge.open("w") as fh:
        fh.write('{"format": "guided-practice-record", "note": "')
        fh.truncate(17 * 1024 * 1024)
    assert "may be at most" in refused(cli, huge)
    small = {"script": "g", "started": "2026-11-01T00:00:00Z", "outcome": "completed"}
    many = write(tmp_path / "many.json", record(*[{"id": n, **small} for n in range(50_001)]))
    assert "holds 50001 sessions" in refused(cli, many)


def test_another_bundles_id_is_refused_unless_the_client_is_said(cli, tmp_path):
    from guided.practice.records import remember_bundle
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as db:
        remember_bundle(db.db, "b-alex", "Alex", "For Alex")
    path = write(tmp_path / "r.json", record(session(), client="Sam", bundle="b-alex"))
    result = cli("log", "import", str(path))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "says it is Sam's, but its bundle was made for Alex" in result.stderr
    assert [c["sessions"] for c in filed(cli)] == [0]  # Alex, with the bundle only
    assert cli("log", "import", str(path), "--client", "Sam").returncode == 0


def test_not_a_file(cli, tmp_path):
    assert "is a folder" in refused(cli, tmp_path)
    assert "no such file" in refused(cli, tmp_path / "missing.json")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "is not a regular file" in refused(cli, fifo)  # never waits for a writer
    dangling = tmp_path / "gone.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    assert "no such file" in refused(cli, dangling)
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    assert "cannot read the file" in refused(cli, loop)
    device = Path("/dev/zero")
    assert "is not a regular file" in refused(cli, device)


def test_a_symlink_to_a_good_record_is_read_and_left_alone(cli, tmp_path):
    real = write(tmp_path / "real.json", record(session()))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    before = real.read_bytes()
    assert cli("log", "import", str(link)).returncode == 0
    assert link.is_symlink() and real.read_bytes() == before


def test_bad_encodings_in_names_and_contents(cli, tmp_path):
    latin = tmp_path / "r.json"
    latin.write_bytes(json.dumps(record(session(note="caf\u00e9"))).replace("\u00e9", "\u00e9")
                      .encode("utf-8").replace(b"caf\\u00e9", b"caf\xe9"))
    assert "not UTF-8 text: byte 0xe9" in refused(cli, latin)
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/r\xff\x1b[2J.json"))
    write(odd, record(session(client="Sam")))
    result = cli("log", "import", os.fsdecode(bytes(tmp_path) + b"/r\xff\x1b[2J.jsonx"))
    assert result.returncode == 1 and "\x1b" not in result.stderr and result.stderr.count("\n") == 1
    assert cli("log", "import", str(odd)).returncode == 0  # the name is only a name


@pytest.mark.subprocess
def test_closed_stdout_and_a_kill_mid_way(guided, tmp_path, isolated_home):
    path = write(tmp_path / "r.json", record(*[session(n, started=f"2026-11-01T{n % 24:02d}:"
                                                          f"{n % 60:02d}:00Z", note="n" * 200)
                                                for n in range(20_000)]))
    proc = subprocess.Popen([sys.executable, "-m", "guided", "log", "import", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(4)  # reading and checking take a few seconds; then the writes are under way
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    count = json.loads(guided("clients", "--json").stdout)
    assert count in ([], [{"client": "Sam", "sessions": 20_000, "minutes": count[0]["minutes"],
                           "last_practice": count[0]["last_practice"],
                           "last_script": "grounding"}] if count else [])  # all or nothing
    closed = subprocess.run([sys.executable, "-m", "guided", "log", "import", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, timeout=300,
                            preexec_fn=lambda: os.close(1))
    assert "Traceback" not in closed.stderr and closed.stderr.count("\n") <= 1, closed.stderr
    assert json.loads(guided("clients", "--json").stdout)[0]["sessions"] == 20_000


@pytest.mark.subprocess
def test_clients_and_chart_with_standard_output_closed(tmp_path, isolated_home):
    path = write(tmp_path / "r.json", record(session()))
    for args in (("log", "import", str(path)), ("clients",), ("log", "chart", "--client", "Sam"),
                 ("log", "chart", "-o", "-")):
        done = subprocess.run([sys.executable, "-m", "guided", *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                              timeout=120, preexec_fn=lambda: os.close(1))
        assert done.returncode == 0 and done.stderr.count("\n") <= 1, (args, done.stderr)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
