"""Bytes that are not UTF-8 in what a listener types (a tester's find): a note, a
reflection or an answer at the prompt never ends a finished practice in an error, and
never costs the ratings given with it."""

from __future__ import annotations

import io
import json
import sys

from guided.commands.ask import ask_line, ask_rating
from guided.practice.practicelog import PracticeLog
from guided.practice.sessionlog import SessionStart
from guided.script.hygiene import mended
from tests.helpers import logged_sessions


def test_mended_keeps_the_words_and_marks_the_stray_bytes():
    assert mended("café") == "café"
    assert mended("caf\udce9 au lait") == "caf\ufffd au lait"  # Latin-1 é, as Python keeps it
    assert mended("caf\udcc3") == "caf\ufffd"  # half of a UTF-8 é (Backspace took the rest)
    assert mended("half \ud800 a character") == "half ? a character"


def test_a_note_or_reflection_with_such_bytes_is_refused_before_anything_starts(cli, tmp_path):
    script = tmp_path / "t.yaml"
    script.write_text("title: T\nsteps:\n  - say: Hello.\n")
    result = cli("play", str(script), "--no-prompt", "--note", "caf\udce9", "--engine", "test")
    assert result.returncode == 1
    assert result.stderr.strip() == ("guided: --note: the text contains the byte 0xE9, which is "
                                     "not UTF-8 text after 'caf'; remove it")
    result = cli("journey", "today", "--reflection", "\x1b[2Jhi")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "--reflection: the text contains U+001B (escape)" in result.stderr


def test_an_answer_typed_at_a_terminal_that_is_not_utf8(monkeypatch, capsys):
    typed = b"caf\xc3\n" + b"caf\xe9\n" + b"7\n"  # half an \xc3\xa9, then Latin-1, then a rating
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(typed), encoding="utf-8"))
    assert ask_line("Anything you noticed?") == "caf\ufffd"
    assert ask_line("Anything else?") == "caf\ufffd"
    assert ask_rating("And now?") == 7


def test_the_log_keeps_such_text_mended_and_the_ratings_with_it():
    log = PracticeLog()
    sid = log.start(SessionStart(script="caf\udce9", title="T", planned_seconds=5.0, distress_before=4))
    log.finish(sid, "completed", 5.0, 5.0)
    log.rate_after(sid, distress_after=2, note="caf\udce9",
                   reflection={"question": "q", "answer": "caf\udcc3"})
    log.close()
    (row,) = logged_sessions()
    assert (row.script, row.note, row.distress_before, row.distress_after) == (
        "caf\ufffd", "caf\ufffd", 4, 2)
    assert json.loads(row.reflection)["answer"] == "caf\ufffd"
