"""Faults, part B: hostile text (issue 10, points 5, 6, 10 and 12), and one broken script
never breaking the rest.

Every case runs the real command line (``guided.cli.main``), from the script's folder,
and checks the one line it prints (with ``file:line:col``), the exit status, and that no
control character reaches the terminal.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from guided.outputs.safetext import printable, printable_json
from guided.practice.sessionlog import SessionStart
from tests.helpers import write

ESC = "\x1b"
T = "title: T\nsteps:\n"


def one_error_line(result, where: str, *parts: str) -> str:
    """Exit 1, nothing on stdout, exactly one line on stderr starting with ``where``."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(where), lines[0]
    for part in parts:
        assert part in lines[0], lines[0]
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    assert ESC not in result.stderr and "\x07" not in result.stderr
    return lines[0]


# --- point 5: terminal control sequences written as YAML escapes ---------------------------

# name -> (file contents, line:col of the error)
CONTROL_CASES = {
    # the cases
    "title sets the window title": ('title: "\\e]0;title\\a"\nsteps: [bell]\n', "1:8"),
    "say clears the screen": (T + '  - say: "hello \\e[2J there"\n', "3:10"),
    "OSC 52 clipboard write": (T + '  - say: "x \\e]52;c;ZWNobyBoaQ==\\a y"\n', "3:10"),
    # variants of our own
    "C1 control sequence introducer": (T + '  - section: "a \\x9b2J b"\n', "3:14"),
    "DEL in the description": ('title: T\ndescription: "a\\x7fb"\nsteps: [bell]\n', "2:14"),
    "escape in a variable's default": ('title: T\nvariables:\n  name: "\\e[31mred"\nsteps: [bell]\n', "3:9"),
    "carriage return in say": (T + '  - say: "overwrite\\rme"\n', "3:10"),
    "NUL in the author": ('title: T\nauthor: "a\\0b"\nsteps: [bell]\n', "2:9"),
}


@pytest.mark.parametrize("case", CONTROL_CASES, ids=list(CONTROL_CASES))
def test_control_characters_are_file_line_col_errors(cli, tmp_path, case):
    text, where = CONTROL_CASES[case]
    write(tmp_path, "s.yaml", text)
    line = one_error_line(cli("check", "s.yaml", cwd=tmp_path), f"s.yaml:{where}: error: ")
    assert "remove it" in line


def test_control_characters_in_a_journey(cli, tmp_path):
    write(tmp_path, "j.yaml", "title: Weeks\nweeks:\n  - title: One\n    days:\n"
                              "      - practice: grounding\n        reflection: \"What \\e]0;x\\a now?\"\n")
    one_error_line(cli("journey", "check", "j.yaml", cwd=tmp_path), "j.yaml:6:21: ",
                   "U+001B (escape)")


def test_tab_and_newline_escapes_stay_allowed(cli, tmp_path):
    write(tmp_path, "s.yaml", 'title: T\nsteps:\n  - say: "one\\tbreath,\\nthen another."\n')
    result = cli("check", "s.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_preview_and_play_screen_never_print_what_the_loader_refused(cli, tmp_path):
    write(tmp_path, "s.yaml", 'title: "\\e]0;pwned\\a"\nsteps: [bell]\n')
    for command in ("preview", "play", "export"):
        result = cli(command, "s.yaml", cwd=tmp_path)
        one_error_line(result, "s.yaml:1:8: ")


def test_unknown_key_with_escapes_is_shown_escaped(cli, tmp_path):
    """Keys are not text fields, but the message quotes them: printed safely."""
    write(tmp_path, "s.yaml", '"\\e]0;x\\a\\e[2J": 1\ntitle: T\nsteps: [bell]\n')
    line = one_error_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:1:1: error: unknown key")
    assert "\\x1b]0;x\\x07" in line


def test_printable_escapes_controls_and_keeps_ordinary_text():
    assert printable("Breathe in… «calm» 呼吸 🙂") == "Breathe in… «calm» 呼吸 🙂"
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("x\x9by\x7f") == "x\\x9by\\x7f"
    assert printable("half \udcff") == "half \\xff"  # the byte that was not UTF-8 (a file name)
    assert printable("\udc7f \ud800") == "\\udc7f \\ud800"  # not from a byte: as it is
    assert printable("rtl \u202eevil") == "rtl \\u202eevil"
    assert printable("two\nlines\tand tab") == "two lines and tab"
    text = json.dumps({"name": "x\x1b\x9b\ud800\u202e"}, ensure_ascii=False, indent=1)
    safe = printable_json(text)
    assert json.loads(safe) == json.loads(text)  # the same data
    assert not re.search("[\x1b\x9b\ud800\u202e]", safe)


def test_play_screen_shows_captions_and_titles_safely():
    from guided.outputs.player.screen import PlayerScreen

    out = io.StringIO()
    screen = PlayerScreen(out, width=60)
    screen.heading("Title \x1b]0;x\x07", 60)
    screen.caption("Sec \x9b2J", 1, "words \x1b[2J more")
    shown = out.getvalue()
    # the screen's own "\r\x1b[K" line clearing is the only escape sequence written
    assert shown.replace("\r\x1b[K", "").count("\x1b") == 0
    assert "\x9b" not in shown and "\x07" not in shown
    assert "\\x1b]0;x\\x07" in shown and "\\x9b2J" in shown and "\\x1b[2J" in shown


# --- point 6: lone surrogates and invalid UTF-8 ---------------------------------------------


def test_lone_surrogate_in_a_script_is_an_error(cli, tmp_path):
    write(tmp_path, "s.yaml", T + '  - say: "a \\ud800 b"\n')
    one_error_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:3:10: error: ",
                   "U+D800", "lone surrogate")


@pytest.mark.subprocess  # its arguments are bytes that are not UTF-8: only a real argv holds them
def test_var_value_that_is_not_utf8_is_one_line(tmp_path):
    """``--var name=$'\\xff'``: the byte arrives as a lone surrogate (surrogateescape)."""
    import os
    import subprocess
    import sys

    write(tmp_path, "s.yaml", T + "  - say: Hello {name}.\n")
    for command in ("check", "export"):
        result = subprocess.run([sys.executable.encode(), b"-m", b"guided", command.encode(),
                                 b"s.yaml", b"--var", b"name=Sam\xff"],
                                cwd=tmp_path, capture_output=True, env=dict(os.environ))
        assert result.returncode == 1, result
        lines = result.stderr.decode("utf-8").splitlines()
        assert lines == ["guided: --var name: the text contains the byte 0xFF, which is not "
                         "UTF-8 text after 'Sam'; remove it (only tab and newline may be "
                         "written as escapes)"], lines
    assert not (tmp_path / "s.mp3").exists()


def test_vars_file_value_with_a_surrogate_or_escape_is_file_line_col(cli, tmp_path):
    write(tmp_path, "s.yaml", T + "  - say: Hello {name}.\n")
    write(tmp_path, "sam.yaml", 'variables:\n  name: "Sam \\ud83d"\n')
    one_error_line(cli("check", "s.yaml", "--vars-file", "sam.yaml", cwd=tmp_path),
                   "sam.yaml:2:9: ", "U+D83D")
    write(tmp_path, "kim.yaml", 'name: "Kim\\e]52;c;eA==\\a"\n')
    one_error_line(cli("check", "s.yaml", "--vars-file", "kim.yaml", cwd=tmp_path),
                   "kim.yaml:1:7: ", "U+001B (escape)")


# --- point 12: text that cannot be spoken ---------------------------------------------------

UNSPEAKABLE = {
    "a full stop": '"."',
    "an ellipsis typed as dots": '"..."',
    "a zero-width space": '"\\u200b"',
    "a soft hyphen": '"\\u00ad"',
    # variants of our own
    "an ellipsis character": '"…"',
    "punctuation and spaces": '" ?! - ; "',
    "a byte-order mark and a dash": '"\\ufeff—"',
}


@pytest.mark.parametrize("case", UNSPEAKABLE, ids=list(UNSPEAKABLE))
def test_say_with_nothing_speakable_is_an_error(cli, tmp_path, case):
    write(tmp_path, "s.yaml", T + f"  - say: {UNSPEAKABLE[case]}\n")
    one_error_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:3:10: error: ",
                   "nothing a voice can speak")


def test_guided_say_holds_to_the_same_rules(cli, tmp_path):
    for phrase, part in (("...", "the phrase has nothing a voice can speak"),
                         ("Hello\x1b]0;x\x07", "U+001B (escape) after 'Hello'")):
        result = cli("say", phrase, "-o", "p.wav", cwd=tmp_path)
        one_error_line(result, "guided: ", part)
    assert not (tmp_path / "p.wav").exists()


def test_nul_inside_say_is_an_error_not_half_spoken(cli, tmp_path):
    write(tmp_path, "s.yaml", T + '  - say: "Breathe in\\0 and out."\n')
    one_error_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:3:10: error: ",
                   "U+0000 (NUL) after 'Breathe in'")


@pytest.mark.speech
def test_speakable_text_with_invisible_characters_still_plays(cli, tmp_path):
    """Soft hyphens and zero-width spaces inside words are fine: there are words."""
    write(tmp_path, "s.yaml", T + '  - say: "Let your shoul\\u00adders soft\\u200ben."\n'
                                  '  - say: "5 … 4 … 3"\n')
    result = cli("export", "s.yaml", "-o", "s.wav", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s.wav").stat().st_size > 10_000


@pytest.mark.speech
def test_unspeakable_once_variables_are_filled_is_an_error(cli, tmp_path):
    write(tmp_path, "s.yaml", T + "  - bell\n  - say: \"{mark}\"\n")
    one_error_line(cli("check", "s.yaml", "--var", "mark=...", cwd=tmp_path),
                   "s.yaml:4:5: error: once its variables are filled in", "nothing a voice can speak")
    one_error_line(cli("export", "s.yaml", "--var", "mark=\u200b", "-o", "s.mp3", cwd=tmp_path),
                   "s.yaml:4:5: error: once its variables are filled in")
    assert not (tmp_path / "s.mp3").exists()
    # an optional variable left empty (in a vars file: `--var mark=` is refused as a slip)
    # is skipped, as before (a warning in check)
    write(tmp_path, "empty.yaml", "mark: ''\n")
    result = cli("check", "s.yaml", "--vars-file", "empty.yaml", cwd=tmp_path)
    assert result.returncode == 0 and "empty once its variables are filled in" in result.stderr


# --- point 10: limits checked after variables are filled -----------------------------------


@pytest.mark.speech
def test_long_var_value_is_refused_before_any_work(cli, tmp_path):
    write(tmp_path, "s.yaml", T + "  - say: Hello {name}.\n")
    huge = "calm " * 26_000  # 130,000 characters: a 3-hour export before this check
    for args in (("check", "s.yaml"), ("export", "s.yaml", "-o", "s.mp3")):
        result = cli(*args, "--var", f"name={huge}", cwd=tmp_path, timeout=60)
        line = one_error_line(result, "s.yaml:3:5: ")
        assert "once its variables are filled in, this 'say' has 130007 characters" in line
        assert "at most 5000" in line
    assert not (tmp_path / "s.mp3").exists()


def test_long_vars_file_value_over_the_limit(cli, tmp_path):
    write(tmp_path, "s.yaml", T + "  - say: \"{a} {b}\"\n")
    write(tmp_path, "v.yaml", f"a: {'x' * 2600}\nb: {'y' * 2600}\n")  # each fine, together not
    one_error_line(cli("check", "s.yaml", "--vars-file", "v.yaml", cwd=tmp_path),
                   "s.yaml:3:5: error: ", "has 5201 characters")


def test_total_length_is_checked_after_filling_by_check(cli, tmp_path):
    """Each say within 5,000 characters once filled, but together over 4 hours."""
    write(tmp_path, "s.yaml", T + "  - repeat: 40\n    steps:\n      - say: \"{words}\"\n")
    assert cli("check", "s.yaml", "--var", "words=calm", cwd=tmp_path).returncode == 0
    result = cli("check", "s.yaml", "--var", "words=" + "calm " * 990, cwd=tmp_path)
    one_error_line(result, "s.yaml:", "4-hour limit")


# --- one broken script never breaks the rest -----------------------------------------------


def test_list_reports_a_broken_script_in_one_line_and_goes_on(cli, isolated_home):
    scripts = isolated_home / "scripts"
    write(scripts, "aa-surrogate.yaml", T + '  - say: "a \\ud800 b"\n')
    write(scripts, "ab-escape.yaml", 'title: "\\e]0;pwned\\a"\nsteps: [bell]\n')
    write(scripts, "ac-fine.yaml", "title: Fine\nsteps: [bell]\n")
    write(scripts, "ad-bytes.yaml", b"title: \xff\nsteps: [bell]\n")
    write(scripts, "x\x1b]0;t\x07.yaml", "title: Oddly named\nsteps: [bell]\n")
    result = cli("list")
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout + result.stderr and "\x07" not in result.stdout
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line}
    assert "grounding" in rows and "zz" not in rows  # built-ins after the broken ones
    assert "Fine" in rows["ac-fine"]
    assert "Oddly named" in rows["x\\x1b]0;t\\x07"]
    for name in ("aa-surrogate", "ab-escape", "ad-bytes"):
        assert "cannot be read" in rows[name]
    errors = result.stderr.splitlines()
    assert len(errors) == 3, errors
    assert errors[0].endswith("aa-surrogate.yaml:3:10: 'say': the text contains U+D800 (half of a "
                              "character, a lone surrogate) after 'a'; remove it (only tab and "
                              "newline may be written as escapes)")
    listed = json.loads(cli("list", "--json").stdout)
    odd = next(item for item in listed if item["name"].startswith("x"))
    assert odd["name"] == "x\x1b]0;t\x07" and odd["title"] == "Oddly named"
    assert sum(1 for item in listed if "error" in item) == 3


@pytest.mark.speech
@pytest.mark.tools
def test_export_all_skips_a_broken_script_and_exports_the_rest(tmp_path, isolated_home,
                                                               monkeypatch, capsys):
    """The library is the user's folder only (the built-ins would take minutes)."""
    from guided import cli
    from guided.script import library

    empty = tmp_path / "no-built-ins"
    empty.mkdir()
    monkeypatch.setattr(library, "builtin_scripts_dir", lambda: empty)
    scripts = isolated_home / "scripts"
    write(scripts, "a-surrogate.yaml", T + '  - say: "a \\ud800 b"\n')
    write(scripts, "b-fine.yaml", "title: Fine\nsteps:\n  - say: Hello.\n  - bell\n")
    write(scripts, "c-no-value.yaml", T + "  - say: Hello {name}.\n")  # fails only when planned
    write(scripts, "d-fine.yaml", "title: Also fine\nsteps:\n  - say: Goodbye.\n")
    out = tmp_path / "all"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "--all", "-d", str(out), "--format", "wav"])
    assert stopped.value.code == 1
    captured = capsys.readouterr()
    assert captured.out.split() == [str(out / "b-fine.wav"), str(out / "d-fine.wav")]
    errors = captured.err.splitlines()
    assert errors[0].startswith("Skipped a-surrogate: ") and "U+D800" in errors[0]
    assert errors[1].startswith("Skipped c-no-value: ") and "variable 'name' has no value" in errors[1]
    assert errors[2] == "guided: 2 practice(s) could not be exported (see above)"
    assert sorted(p.name for p in out.iterdir()) == ["b-fine.wav", "d-fine.wav"]


def test_session_log_shows_notes_and_names_safely(cli):
    """A note typed (or pasted) with escapes, and a row from an older version: shown as text."""
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as db:
        row = db.start(SessionStart(script="x\x1b]0;t\x07", title="T", planned_seconds=60))
        db.finish(row, "completed", 60)
        db.rate_after(row, note="warm \x1b[2J feet \x9b1m")
    table = cli("log")
    assert table.returncode == 0, table.stderr
    assert ESC not in table.stdout and "\x9b" not in table.stdout and "\x07" not in table.stdout
    assert "x\\x1b]0;t\\x07" in table.stdout and "warm \\x1b[2J feet" in table.stdout
    listed = cli("log", "--json")
    assert ESC not in listed.stdout and "\x9b" not in listed.stdout
    assert json.loads(listed.stdout)[0]["note"] == "warm \x1b[2J feet \x9b1m"
