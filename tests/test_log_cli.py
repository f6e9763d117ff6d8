"""`guided log` and its subcommands, run as a user would."""

from __future__ import annotations

import csv
import io
import json

import pytest

from guided.practice.sessionlog import SessionLog, SessionStart


def _two_sessions():
    with SessionLog() as db:
        a = db.start(SessionStart(script="grounding", title="Grounding", planned_seconds=120, distress_before=7))
        db.finish(a, "completed", 120)
        db.rate_after(a, distress_after=4, note="feet felt warm")
        b = db.start(SessionStart(script="breath", title="Breath", planned_seconds=60))
        db.finish(b, "stopped", 20)
    return a, b


def test_log_table_and_json(cli):
    assert "No sessions yet" in cli("log").stdout
    _two_sessions()
    table = cli("log")
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:5] == ["#", "when", "practice", "listened", "outcome"]
    assert "breath" in lines[1] and "stopped" in lines[1]  # newest first
    assert "grounding" in lines[2] and "2:00/2:00" in lines[2] and "feet felt warm" in lines[2]
    data = json.loads(cli("log", "--json", "--limit", "1").stdout)
    assert [d["script"] for d in data] == ["breath"]


def test_log_export_csv_and_json(cli, tmp_path):
    _two_sessions()
    out = tmp_path / "share.csv"
    result = cli("log", "export", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["script"] for r in rows] == ["grounding", "breath"]
    assert rows[0]["distress_before"] == "7" and rows[0]["distress_after"] == "4"
    data = json.loads(cli("log", "export", "--format", "json").stdout)
    assert data[1]["outcome"] == "stopped" and data[1]["listened_seconds"] == 20


def test_notes_and_reflections_are_shown_and_exported_plainly(cli, tmp_path):
    with SessionLog() as db:
        sid = db.start(SessionStart(script="grounding", title="Grounding", planned_seconds=120,
                       journey="six-weeks", journey_day=2))
        db.finish(sid, "completed", 120)
        db.rate_after(sid, note="shoulders dropped",
                      reflection={"question": "Where did you feel most settled?",
                                  "answer": "In my hands, " + "warm and heavy, " * 12 + "then still."})
    table = cli("log", env={"COLUMNS": "120"})
    assert table.returncode == 0, table.stderr
    row = table.stdout.splitlines()[1]
    assert "shoulders dropped · reflection: In my hands" in row
    assert len(row) < 120 and row.endswith("…")  # cut to the terminal's width
    assert "guided log show N" in table.stdout
    shown = cli("log", "show", str(sid), env={"COLUMNS": "100"})
    assert shown.returncode == 0, shown.stderr
    assert "Where did you feel most settled?" in shown.stdout
    assert "then still." in shown.stdout and "six-weeks, day 2" in shown.stdout
    missing = cli("log", "show", "99")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert "no session 99" in missing.stderr and "Traceback" not in missing.stderr
    text = cli("log", "export", "--format", "csv").stdout
    (exported,) = list(csv.DictReader(io.StringIO(text)))
    assert exported["reflection_question"] == "Where did you feel most settled?"
    assert exported["reflection_answer"].startswith("In my hands, warm")
    assert "reflection" not in exported and "{" not in text


def test_log_stats_and_streak_setting(cli):
    _two_sessions()
    result = cli("log", "stats")
    assert result.returncode == 0
    assert "Days practised in a row: 1" in result.stdout
    assert "Sessions: 2, 2:20 listened in all." in result.stdout  # 120 s + 20 s, as m:ss
    week = [line for line in result.stdout.splitlines() if "-W" in line][-1]
    assert week.split()[1:] == ["2:20", "#"]
    assert "grounding: -3.0 over 1 rated session" in result.stdout
    assert "in a row" not in cli("log", "stats", "--no-streak").stdout
    assert cli("log", "streak", "off").returncode == 0
    assert "in a row" not in cli("log", "stats").stdout
    data = json.loads(cli("log", "stats", "--json").stdout)
    assert data["total_minutes"] == 2.3 and "days_in_a_row" not in data


def test_log_path_and_off_on(cli, isolated_home):
    assert cli("log", "path").stdout.strip() == str(isolated_home / "sessions.db")
    assert "off" in cli("log", "off").stdout
    from guided.practice.sessionlog import logging_enabled

    assert not logging_enabled()
    cli("log", "on")
    assert logging_enabled()


def test_a_reflection_answer_is_a_safe_plain_cell(cli):
    with SessionLog() as db:
        sid = db.start(SessionStart(script="grounding", title="Grounding", planned_seconds=60))
        db.finish(sid, "completed", 60)
        db.rate_after(sid, reflection={"question": "What helped?",
                                       "answer": '=HYPERLINK("http://example.invalid","x")'})
    (row,) = list(csv.DictReader(io.StringIO(cli("log", "export", "--format", "csv").stdout)))
    assert row["reflection_question"] == "What helped?"
    assert row["reflection_answer"] == '\'=HYPERLINK("http://example.invalid","x")'


def test_numbers_too_big_for_the_log_are_not_an_error_inside(cli):
    """A tester's find: `log -n` and `log show` with a 23-digit number gave OverflowError."""
    _two_sessions()
    huge = "99999999999999999999999"
    listed = cli("log", "-n", huge)
    assert listed.returncode == 0 and "grounding" in listed.stdout and "breath" in listed.stdout
    for number in (huge, "0", "-5"):
        shown = cli("log", "show", "--", number)
        assert shown.returncode == 1
        assert shown.stderr == (f"guided: there is no session {number} in your log; "
                                "`guided log` shows their numbers\n")


@pytest.mark.subprocess
def test_log_export_on_a_terminal_cannot_act_on_it(tmp_path):
    """A tester's find: a script file named with an escape sequence reached the terminal raw
    through `guided log export` (the CSV printed by default). Piped, every byte is kept."""
    import os
    import subprocess
    import sys

    from tests.pty_terminal import PtyGuided

    with SessionLog() as db:
        db.finish(db.start(SessionStart(script="x\x1b]0;PWNED\x07y", title="T\u202eT", planned_seconds=5)), "completed", 5)
    term = PtyGuided(["log", "export"], dict(os.environ))
    assert term.finish(timeout=60) == 0, term.text
    assert "\x1b]0" not in term.text and "\u202e" not in term.text
    assert "x\\x1b]0;PWNED\\x07y" in term.text and "T\\u202eT" in term.text
    piped = subprocess.run([sys.executable, "-m", "guided", "log", "export"], capture_output=True,
                           timeout=60)
    assert piped.returncode == 0 and b"x\x1b]0;PWNED\x07y" in piped.stdout
    as_json = subprocess.run([sys.executable, "-m", "guided", "log", "export", "--format", "json"],
                             capture_output=True, text=True, timeout=60)
    assert json.loads(as_json.stdout)[0]["title"] == "T\u202eT"  # the same data, escaped
    assert "\u202e" not in as_json.stdout
