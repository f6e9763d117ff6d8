"""The tester's small finds of issue 20's third round, each as a new user met it:
Windows device names kept as journey and script names, an undecodable name shown
double-escaped, the calendar repeating "To reflect on afterwards:", `voices -l`
accepting what `list --language` refuses, `log import -`, and a programme of '['
taking over a minute to check."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from guided.errors import quoted
from guided.paths import is_windows_device_name

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "attachment-healing.md"
PROGRAMME = "---\ntitle: {title}\n---\n\n## Day 1: Arriving\n\nHello there, and welcome.\n"


def one_line(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "lpt1", "com1", "com9"])
def test_journey_add_refuses_a_windows_device_name(cli, isolated_home, name):
    line = one_line(cli("journey", "add", str(SEED), "--name", name))
    assert f"--name '{name}' is the name of a device on Windows" in line
    assert f"--name my-{name}" in line
    assert not (isolated_home / "journeys").exists() or not list((isolated_home / "journeys").iterdir())


def test_a_title_that_makes_a_device_name_asks_for_another(cli, isolated_home, tmp_path):
    programme = tmp_path / "con.md"
    programme.write_text(PROGRAMME.format(title="Con"), encoding="utf-8")
    line = one_line(cli("journey", "add", str(programme)))
    assert "the name its title gives, 'con', is the name of a device on Windows" in line
    added = cli("journey", "add", str(programme), "--name", "my-con")
    assert added.returncode == 0, added.stderr
    assert (isolated_home / "journeys" / "my-con.md").is_file()


@pytest.mark.parametrize("name", ["CON", "nul", "Lpt3"])
def test_guided_new_refuses_a_windows_device_name(cli, isolated_home, name):
    line = one_line(cli("new", name, input=""))
    assert f"'{name}' is the name of a device on Windows" in line
    assert not (isolated_home / "scripts").exists() or not list((isolated_home / "scripts").iterdir())


def test_device_names_are_known_in_any_case_and_with_an_extension():
    for name in ("con", "CON", "con.md", "Nul.yaml", "lpt1", "COM9", "com\u00b9", "aux "):
        assert is_windows_device_name(name), name
    for name in ("console", "con-1", "my-con", "lpt10", "com", "auxiliary", "nullify"):
        assert not is_windows_device_name(name), name


def test_a_name_that_is_not_text_is_shown_once_and_readably(cli):
    line = one_line(cli("journey", "add", str(SEED), "--name", "\udcff"))
    assert "--name '\\xff':" in line and "udcff" not in line and "\\\\" not in line
    line = one_line(cli("new", "a\udcffb", input=""))
    assert line.startswith("guided: 'a\\xffb' cannot be a script name")
    line = one_line(cli("list", "--language", "\udcff"))
    assert "--language: '\\xff' is not a language tag" in line
    assert quoted("x" * 100, 10) == "'xxxxxxxxxx…'"
    assert quoted("caf\udcc3\udca9") == "'caf\\xc3\\xa9'"  # the bytes, as they were typed


@pytest.mark.parametrize("code", ["\udcff", "x y", "<b>", "de;rm"])
def test_voices_refuses_what_list_refuses(cli, code):
    voices = one_line(cli("voices", "-l", code))
    listing = one_line(cli("list", "--language", code))
    assert voices == listing and "is not a language tag" in voices


def test_the_calendar_says_to_reflect_once_then_asks_each_question(cli, isolated_home, tmp_path):
    assert cli("journey", "add", str(SEED)).returncode == 0
    assert cli("journey", "start", "attachment-healing").returncode == 0
    out = tmp_path / "days.ics"
    result = cli("journey", "remind", "--ics", str(out))
    assert result.returncode == 0, result.stderr
    events = list(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    first = str(events[0]["description"])
    assert first.count("To reflect on afterwards:") == 1
    from guided.practice.journeys import load_journey

    questions = list(load_journey("attachment-healing").day(1).asked())
    assert len(questions) == 4
    after = first.split("To reflect on afterwards:", 1)[1]
    assert [f"- {q}" for q in questions] == after.strip().split("\n\n")[0].split("\n")


def _record() -> dict:
    row = {"id": "p1", "script": "grounding", "title": "Grounding",
           "started": "2026-12-01T20:00:00+01:00", "ended": "2026-12-01T20:10:00+01:00",
           "planned_seconds": 600, "listened_seconds": 590.5, "outcome": "completed",
           "distress_before": 7, "distress_after": 4, "note": "", "reflection": None,
           "journey": None, "journey_day": None}
    return {"format": "guided-practice-record", "version": 1, "client": "Sam",
            "bundle": {"id": "b-1", "title": "For Sam"}, "made": "2026-12-02T09:00:00+01:00",
            "sessions": [row]}


def test_log_import_reads_a_record_from_standard_input(cli):
    text = json.dumps(_record())
    first = cli("log", "import", "-", input=text)
    assert first.returncode == 0, first.stderr
    assert "Filed under Sam: 1 new session." in first.stdout
    again = cli("log", "import", "-", input=text.encode("utf-8"))
    assert "0 new sessions, 1 already here" in again.stdout
    rows = json.loads(cli("log", "--client", "Sam", "--json").stdout)
    assert [r["script"] for r in rows] == ["grounding"]


@pytest.mark.parametrize(("given", "expected"), [
    (b"", "standard input: it is empty"),
    (b"   \n", "standard input: it is empty"),
    (b"{not json", "standard input:1:2: error: this is not a practice record"),
    (b'{"a": "caf\xe9"}', "standard input:1:11: not UTF-8 text"),
    (b"[" * 200_000 + b"]" * 200_000, "nested far too deeply"),
    (b" " * (16 * 1024 * 1024 + 1), "standard input: holds more than 16 MiB, the most a practice record"),
])
def test_log_import_from_standard_input_gets_the_same_checks(cli, given, expected):
    line = one_line(cli("log", "import", "-", input=given))
    assert expected in line, line
    assert json.loads(cli("log", "--client", "Sam", "--json").stdout or "[]") == []


@pytest.mark.subprocess
def test_log_import_minus_with_nothing_piped_in_or_stdin_closed(tmp_path):
    env = {**os.environ}
    closed = subprocess.run([sys.executable, "-m", "guided", "log", "import", "-"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                            timeout=60, close_fds=True)
    assert one_line(closed).startswith("guided: standard input: it is empty")
    script = "exec 0<&-; exec \"$@\""
    shut = subprocess.run(["sh", "-c", script, "sh", sys.executable, "-m", "guided", "log",
                           "import", "-"], capture_output=True, text=True, env=env, timeout=60)
    assert "standard input" in one_line(shut)


def test_a_programme_of_brackets_is_refused_at_once(cli, tmp_path):
    head = "---\ntitle: B\n---\n\n## Day 1: A\n\n"
    cases = {"brackets.md": ("[" * (1024 * 1024 - 100), "'[' (the start of a link or image)", 5001),
             "images.md": ("![" * 400_000, "'[' (the start of a link or image)", 10_002),
             "stars.md": ("*a" * 400_000, "'*' and '_' (emphasis)", 40_001),
             "angles.md": ("<" * (1024 * 1024 - 100), "other characters Markdown gives a meaning "
                                                      "to (] ! < > & \\ `)", 50_001)}
    for name, (body, what, col) in cases.items():
        (tmp_path / name).write_text(head + body + "\n", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_SELF)
        line = one_line(cli("journey", "check", str(tmp_path / name)))
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        assert f"{tmp_path / name}:7:{col}: error: the file holds" in line and what in line, line
        assert cpu < 2.0, cpu  # was 67 s for the 1 MiB of '['
    at_the_limit = tmp_path / "fine.md"
    at_the_limit.write_text(head + "Some [words](https://example.org) " * 2_500 + "\n",
                            encoding="utf-8")
    assert cli("journey", "check", str(at_the_limit)).returncode == 0


@pytest.mark.parametrize(("args", "start"), [
    (("play", "gr\udcffund"), "guided: there is no practice called 'gr\\xffund'"),
    (("journey", "start", "\udcff"), "guided: no journey called '\\xff'"),
    (("remove", "\udcff"), "guided: you have no script called '\\xff'"),
])
def test_names_that_are_not_text_read_as_the_bytes_typed_everywhere(cli, monkeypatch, args, start):
    monkeypatch.setenv("GUIDED_ENGINE", "test")  # the test engine's voices: no speech worker
    line = one_line(cli(*args, input=""))
    assert line.startswith(start) and "udcff" not in line, line


@pytest.mark.speech  # the message suggests voices from every engine's list (espeak-ng's too)
def test_a_voice_name_that_is_not_text_reads_as_the_byte_typed():
    from guided.speech.choice import _no_such_voice
    from guided.speech.engines import AUTO, ENGINE_NAMES

    message = str(_no_such_voice("\udcff", ENGINE_NAMES, AUTO, None))
    assert message.startswith("there is no voice '\\xff'") and "udcff" not in message


@pytest.mark.speech  # the message looks the name up in every engine's voices (espeak-ng's too)
def test_preview_with_a_voice_not_here_says_so_as_play_does(cli, monkeypatch):
    monkeypatch.setenv("GUIDED_ENGINE", "test")
    line = one_line(cli("preview", "grounding", "--voice", "nonsense"))
    assert line.startswith("guided: there is no voice 'nonsense'")
    assert cli("preview", "grounding").returncode == 0  # no --voice: the preview as before
