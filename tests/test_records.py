"""The therapist's view: a client's practice record filed under their name.

`guided log import` of a record (what the bundle page saves) and of a client's own
`guided log export --format json`; `guided log --client`, `log stats --client`,
`log export --client` and `guided clients`. The fault cases are in test_faults_records.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from guided.practice.sessionlog import SessionStart


def session(key: object = "p1", **changes: object) -> dict:
    row = {"id": key, "script": "grounding", "title": "Grounding",
           "started": "2026-12-01T20:00:00+01:00", "ended": "2026-12-01T20:10:00+01:00",
           "planned_seconds": 600, "listened_seconds": 590.5, "outcome": "completed",
           "distress_before": 7, "distress_after": 4, "note": "shoulders dropped",
           "reflection": {"question": "What did you notice?", "answer": "warm hands"},
           "journey": None, "journey_day": None}
    row.update(changes)
    return row


def record(*sessions: dict, client: str = "Sam", bundle: str = "b-123") -> dict:
    return {"format": "guided-practice-record", "version": 1, "client": client,
            "bundle": {"id": bundle, "title": "Evening practices for Sam"},
            "made": "2026-12-02T09:00:00+01:00", "sessions": list(sessions)}


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_a_record_is_filed_under_the_client_once(cli, tmp_path):
    rec = write(tmp_path / "sam.json", record(session("p1"), session(
        "p2", started="2026-12-03T08:00:00+01:00", ended=None, distress_after=None,
        outcome="stopped", listened_seconds=120, reflection=None)))
    first = cli("log", "import", str(rec))
    assert first.returncode == 0, first.stderr
    assert "Filed under Sam: 2 new sessions." in first.stdout
    again = cli("log", "import", str(rec))
    assert again.returncode == 0
    assert "0 new sessions, 2 already here" in again.stdout
    shown = cli("log", "--client", "Sam", "--json")
    rows = json.loads(shown.stdout)
    assert [r["script"] for r in rows] == ["grounding", "grounding"]
    assert rows[1]["distress_before"] == 7 and rows[1]["distress_after"] == 4
    assert rows[1]["reflection"] == {"question": "What did you notice?", "answer": "warm hands"}
    assert {r["client"] for r in rows} == {"Sam"}
    # the therapist's own log stays their own
    own = cli("log", "--json")
    assert json.loads(own.stdout) == []
    assert "No sessions yet" in cli("log").stdout
    # a name typed in another case finds the same client
    assert "grounding" in cli("log", "--client", "sam").stdout
    shown = cli("log", "show", "1").stdout
    assert "Client:     Sam" in shown and "warm hands" in shown


def test_a_later_record_brings_newer_ratings_instead_of_copies(cli, tmp_path):
    early = write(tmp_path / "a.json", record(session("p1", distress_after=None, note="")))
    later = write(tmp_path / "b.json", record(session("p1"), session(
        "p2", started="2026-12-02T20:00:00+01:00")))
    assert cli("log", "import", str(early)).returncode == 0
    result = cli("log", "import", str(later))
    assert "1 new session, 1 brought up to date" in result.stdout
    rows = json.loads(cli("log", "--client", "Sam", "--json").stdout)
    assert len(rows) == 2
    assert sorted(r["distress_after"] for r in rows) == [4, 4]
    assert "shoulders dropped" in {r["note"] for r in rows}


def test_stats_export_and_clients_show_one_client(cli, tmp_path):
    write(tmp_path / "sam.json", record(session("p1"), session(
        "p2", started="2026-12-02T20:00:00+01:00", distress_before=6, distress_after=2)))
    write(tmp_path / "alex.json", record(session("x1", script="breath"), client="Alex",
                                         bundle="b-alex"))
    for name in ("sam.json", "alex.json"):
        assert cli("log", "import", str(tmp_path / name)).returncode == 0
    stats = json.loads(cli("log", "stats", "--client", "Sam", "--json").stdout)
    assert stats["sessions"] == 2
    assert stats["distress_change"] == [{"script": "grounding", "average_change": -3.5,
                                         "rated_sessions": 2}]
    exported = cli("log", "export", "--client", "Alex", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["script"], r["client"]) for r in rows] == [("breath", "Alex")]
    listed = cli("clients").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["Alex", "Sam"]
    assert "2 sessions" in listed[1] and "(grounding)" in listed[1]
    as_json = json.loads(cli("clients", "--json").stdout)
    assert [(c["client"], c["sessions"]) for c in as_json] == [("Alex", 1), ("Sam", 2)]
    assert as_json[1]["last_practice"].startswith("2026-12-02")
    unknown = cli("log", "--client", "Sa m")
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1 and "no sessions from a client called 'Sa m'" in unknown.stderr


def test_a_clients_own_log_export_imports_the_same_way(cli, tmp_path, isolated_home, monkeypatch):
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as db:  # the client's computer: one session of their own
        sid = db.start(SessionStart(script="breath", title="Breath", planned_seconds=60, distress_before=5))
        db.finish(sid, "completed", 60)
        db.rate_after(sid, 2, note="easier")
    exported = tmp_path / "mine.json"
    assert cli("log", "export", "-o", str(exported)).returncode == 0
    other = tmp_path / "therapist"
    other.mkdir()
    monkeypatch.setenv("GUIDED_HOME", str(other))
    nameless = cli("log", "import", str(exported))
    assert nameless.returncode == 1
    assert "does not say whose practice it is; add --client NAME" in nameless.stderr
    assert cli("log", "import", str(exported), "--client", "Robin").returncode == 0
    assert "1 already here" in cli("log", "import", str(exported), "--client", "Robin").stdout
    rows = json.loads(cli("log", "--client", "Robin", "--json").stdout)
    assert [(r["script"], r["distress_before"], r["distress_after"], r["note"])
            for r in rows] == [("breath", 5, 2, "easier")]


def test_client_option_overrides_the_records_name(cli, tmp_path):
    rec = write(tmp_path / "r.json", record(session(), client=""))
    assert "add --client NAME" in cli("log", "import", str(rec)).stderr
    done = cli("log", "import", str(rec), "--client", "  Sam   Lee ")
    assert "Filed under Sam Lee" in done.stdout
    assert json.loads(cli("log", "--client", "Sam Lee", "--json").stdout)[0]["client"] == "Sam Lee"


def test_what_the_client_typed_reaches_the_terminal_and_files_safely(cli, tmp_path):
    hostile = "=cmd|' /C calc'!A0 \x1b]52;c;aGk=\x07 \u202egnp.exe <script>x()</script>"
    rec = write(tmp_path / "r.json", record(session(
        note=hostile, reflection={"question": "q\x1b[2J", "answer": "+1\nsecond line"})))
    assert cli("log", "import", str(rec)).returncode == 0
    for args in (("log", "--client", "Sam"), ("log", "show", "1"),
                 ("log", "export", "--client", "Sam", "--format", "json"),
                 ("log", "--client", "Sam", "--json")):
        out = cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, args
    out = tmp_path / "sam.csv"
    assert cli("log", "export", "--client", "Sam", "-o", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["note"].startswith("'=cmd")  # a spreadsheet shows it as text
    assert row["reflection_answer"] == "'+1\nsecond line"  # the line break is the client's own
    assert "<script>x()</script>" in row["note"]  # kept as the text it is, never run


@pytest.mark.parametrize("given", ["", "   ", "Sam\x1b[2J"])
def test_a_bad_client_name_is_one_line(cli, tmp_path, given):
    rec = write(tmp_path / "r.json", record(session()))
    result = cli("log", "import", str(rec), "--client", given)
    assert result.returncode == 1
    assert result.stderr.startswith("guided: --client") and result.stderr.count("\n") == 1
    assert json.loads(cli("clients", "--json").stdout) == []


def test_a_log_from_before_clients_reads_and_then_grows(cli, tmp_path, isolated_home):
    import sqlite3

    from guided.practice import logschema

    db = sqlite3.connect(isolated_home / "sessions.db")
    logschema._m001_sessions(db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO sessions (script, title, started, outcome) VALUES"
               " ('breath', 'Breath', '2026-11-01T10:00:00+00:00', 'completed')")
    db.commit()
    db.close()
    # looking back reads the log as it is, never migrating it
    assert [r["script"] for r in json.loads(cli("log", "--json").stdout)] == ["breath"]
    assert json.loads(cli("clients", "--json").stdout) == []
    check = sqlite3.connect(isolated_home / "sessions.db")
    assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    check.close()
    assert cli("log", "import", str(write(tmp_path / "r.json", record(session())))).returncode == 0
    assert [r["script"] for r in json.loads(cli("log", "--json").stdout)] == ["breath"]
    assert len(json.loads(cli("log", "--client", "Sam", "--json").stdout)) == 1
